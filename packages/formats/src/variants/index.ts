/**
 * Reading variant files: the API that the CLI and case analysis call.
 *
 *   const file = await openVariantFile('tumour.vcf.gz', { genes: ['ERBB2'], region: 'chr17:39687914-39730426' });
 *   for await (const call of file) { … }       // VariantCall, streamed; memory stays flat
 *   file.skipped                                 // malformed records skipped (skipBadRecords), final after the loop
 *
 *   const { variants, skipped } = await readVariants(path, opts);   // the same, collected into an array
 *   const calls = await readVariantCalls(path, { tumor, normal });  // just the array (case loading)
 *
 * `openVariantFile` recognises the file by content (VCF `##fileformat=VCF…`, MAF `#version` / `Hugo_Symbol`
 * header), else by extension, and its compression by magic bytes (plain, gzip, BGZF). It reads the header at
 * once, so a file that cannot be used fails here: not a VCF/MAF, a VCF without VEP CSQ or SnpEff ANN annotation,
 * an unknown `--tumor`. Records stream when iterated; every problem is an InputError naming file, line (or the
 * record's locus for an indexed query) and field. A VariantFile can be iterated once and closes its file when
 * the loop ends; call `close()` if you stop before reading anything.
 *
 * Options:
 * - tumor / normal: sample columns (VCF) or Tumor_Sample_Barcode / Matched_Norm_Sample_Barcode (MAF). VCF
 *   default: ##tumor_sample / ##normal_sample, SnpEff ##PEDIGREE, the only sample, or a sample named TUMOR.
 * - region: `chr17:39687914-39730426` (1-based, inclusive; `chr17` for a whole contig) or a Region. A BGZF VCF with
 *   a `.tbi`/`.csi` beside it is queried through the index; other files are scanned.
 * - genes: HGNC symbols, matched exactly (case-sensitive); a VCF record is reported under the requested gene.
 * - allFilters: keep records whose FILTER is not PASS (default: PASS or `.` only).
 * - skipBadRecords: skip malformed records (counted in `skipped`, first messages in `problems`) instead of failing.
 * - onProgress: called after each piece of the file is read (1-4 MiB) with { bytesRead, totalBytes, records }.
 */
import { access } from 'node:fs/promises';
import { InputError, type VariantCall } from '@her2scope/core';
import { MafVariantFile } from '../maf/reader.ts';
import { decompressedChunks, fileSource, sniffCompression, type ByteSource, type Compression } from '../vcf/io.ts';
import { bcfDictionaries, bcfRecordsToVcfText, bcfToVcfText } from '../bcf/decode.ts';
import { VcfVariantFile, type BcfHooks } from '../vcf/reader.ts';
import type { Region } from '../vcf/record.ts';

export type { Region } from '../vcf/record.ts';
export type { VariantCall } from '@her2scope/core';

export interface VariantReadOptions {
  tumor?: string;
  normal?: string;
  region?: string | Region | null;
  genes?: readonly string[] | null;
  allFilters?: boolean;
  skipBadRecords?: boolean;
  onProgress?: (p: { bytesRead: number; totalBytes: number; records: number }) => void;
  /** Skip content detection. */
  format?: VariantFormat;
}

/** The variant file formats of the reader registry (VARIANT_FORMATS). */
export type VariantFormat = 'vcf' | 'bcf' | 'maf';

export interface VariantFile extends AsyncIterable<VariantCall> {
  readonly format: VariantFormat;
  /** Where the consequences come from. */
  readonly annotation: 'vep' | 'snpeff' | 'maf';
  /** Malformed records skipped so far (final once iteration has ended). */
  readonly skipped: number;
  /** `file:line: field: message` for the first skipped records. */
  readonly problems: readonly string[];
  /** Data lines read so far. */
  readonly records: number;
  /** Tumour sample (VCF column or the --tumor barcode of a MAF); null for a sites-only VCF or an unfiltered MAF. */
  readonly tumor: string | null;
  readonly normal: string | null;
  /** The calls in batches (one await per batch rather than per call); a file is read once, either way. */
  batches(): AsyncIterable<VariantCall[]>;
  close(): Promise<void>;
}

/** Parse `chr17:39687914-39730426` (commas allowed in numbers), `chr17:39687914` (to the end) or `chr17`. */
export function parseRegion(text: string): Region {
  const t = text.trim();
  const bad = () => new InputError('--region', `'${t}' is not a region: write contig:start-end, e.g. chr17:39687914-39730426 (1-based, inclusive)`);
  if (t === '' || /\s/.test(t)) throw bad();
  const m = /^(.+):([0-9,]+)(?:-([0-9,]+))?$/.exec(t);
  if (!m) {
    if (t.includes(':')) throw bad();
    return { chrom: t, start: 1, end: Infinity };
  }
  const num = (s: string) => {
    const n = Number(s.replace(/,/g, ''));
    if (!Number.isSafeInteger(n)) throw bad();
    return n;
  };
  const start = num(m[2]!);
  const end = m[3] === undefined ? Infinity : num(m[3]);
  if (start < 1) throw new InputError('--region', `'${t}': positions start at 1`);
  if (end < start) throw new InputError('--region', `'${t}': the end is before the start`);
  return { chrom: m[1]!, start, end };
}

/** Split and check a `--genes` list: `ERBB2,ESR1, PIK3CA`. */
export function parseGeneList(text: string): string[] {
  const genes = text.split(',').map((g) => g.trim()).filter((g) => g !== '');
  if (genes.length === 0) throw new InputError('--genes', 'give at least one gene symbol, e.g. --genes ERBB2,ESR1');
  for (const g of genes) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(g)) throw new InputError('--genes', `'${g}' is not a gene symbol`);
  }
  return [...new Set(genes)];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** First decompressed bytes (for format detection). */
async function peek(src: ByteSource, compression: Compression): Promise<string> {
  const gen = decompressedChunks(src, compression);
  try {
    const r = await gen.next();
    return r.done ? '' : r.value.toString('utf8', 0, Math.min(r.value.length, 65536));
  } finally {
    await gen.return(undefined);
  }
}

type CommonOptions = Omit<VariantReadOptions, 'region' | 'genes' | 'format'> & { region: Region | null; genes: readonly string[] | null };

/**
 * The variant-file reader registry: format name -> how to recognise it and how to open it. Detection asks each
 * format's `content` test on the first decompressed bytes in this order, then each `extension` test on the file
 * name; adding a variant format = one entry here (CONTRIBUTING.md, "How to add a file format").
 */
export const VARIANT_FORMATS: ReadonlyArray<{
  name: VariantFormat;
  /** Recognised by the first (decompressed) bytes. */
  content: (text: string) => boolean;
  /** Recognised by the file name when the content says nothing. */
  extension: (lowerName: string) => boolean;
  open: (src: ByteSource, compression: Compression, common: CommonOptions, index: ByteSource | null) => Promise<VariantFile>;
}> = [
  {
    name: 'bcf',
    content: (t) => t.startsWith('BCF\x02'),
    extension: () => false,
    open: (src, compression, common, index) => VcfVariantFile.open(src, compression, common, index, bcfHooks(src.name)),
  },
  {
    // VCF meta lines start with '##' (MAF comment lines such as '#version 2.4' with one '#').
    name: 'vcf',
    content: (t) => t.startsWith('##'),
    extension: (n) => /\.(vcf|vcf\.gz|vcf\.bgz)$/.test(n),
    open: (src, compression, common, index) => VcfVariantFile.open(src, compression, common, index),
  },
  {
    name: 'maf',
    content: (t) => {
      const firstData = t.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
      return /(^|\t)Hugo_Symbol(\t|$)/i.test(firstData) || t.startsWith('#version');
    },
    extension: (n) => /\.(maf|maf\.gz|maf\.txt|txt|tsv)$/.test(n),
    open: async (src, compression, common, index) => {
      await index?.close(); // a MAF has no index
      return MafVariantFile.open(src, compression, common);
    },
  },
];

function detect(text: string, name: string): VariantFormat {
  const lower = name.toLowerCase();
  const format = VARIANT_FORMATS.find((f) => f.content(text)) ?? VARIANT_FORMATS.find((f) => f.extension(lower));
  if (format) return format.name;
  if (text === '') throw new InputError(name, 'empty file');
  throw new InputError(name, "not a VCF (no '##fileformat=VCF' first line) nor a MAF (no 'Hugo_Symbol' column header)");
}

/** BCF is decoded to VCF text and read by the VCF reader (bcf/decode.ts). */
function bcfHooks(name: string): BcfHooks {
  return {
    text: (pieces) => bcfToVcfText(pieces, name),
    contigs: (lines) => bcfDictionaries(lines).contigs,
    records: (header, lines, pieces) => bcfRecordsToVcfText(pieces, bcfDictionaries(lines), header.samples.length, name),
  };
}

/**
 * Open a variant file from any byte source (tests use in-memory Buffers). `index` is the .tbi/.csi of a BGZF VCF.
 * The source is closed when the returned file is closed, or here when opening fails.
 */
export async function openVariantSource(src: ByteSource, opts: VariantReadOptions = {}, index: ByteSource | null = null): Promise<VariantFile> {
  try {
    const region = typeof opts.region === 'string' ? parseRegion(opts.region) : (opts.region ?? null);
    const compression = await sniffCompression(src);
    const format = opts.format ?? detect(await peek(src, compression), src.name);
    const common: CommonOptions = { ...opts, region, genes: opts.genes && opts.genes.length ? opts.genes : null };
    const reader = VARIANT_FORMATS.find((f) => f.name === format);
    if (!reader) throw new InputError(src.name, `unknown variant format '${String(format)}'`);
    return await reader.open(src, compression, common, index);
  } catch (e) {
    await src.close();
    await index?.close();
    throw e;
  }
}

/** Open a VCF (plain, gzip, BGZF + optional .tbi/.csi) or MAF (plain, gzip) for streaming. */
export async function openVariantFile(path: string, opts: VariantReadOptions = {}): Promise<VariantFile> {
  const src = await fileSource(path);
  let index: ByteSource | null = null;
  if (opts.region) {
    for (const ext of ['.tbi', '.csi']) {
      if (await exists(path + ext)) {
        index = await fileSource(path + ext);
        break;
      }
    }
  }
  return openVariantSource(src, opts, index);
}

/** Read every call into an array (for small inputs; use openVariantFile to stream). */
export async function readVariants(path: string, opts: VariantReadOptions = {}): Promise<{ variants: VariantCall[]; skipped: number; problems: readonly string[] }> {
  const file = await openVariantFile(path, opts);
  const variants: VariantCall[] = [];
  for await (const v of file) variants.push(v);
  return { variants, skipped: file.skipped, problems: file.problems };
}

/** The tumour sample's calls (PASS only) of a VCF or MAF, as case loading needs them. */
export async function readVariantCalls(path: string, opts: { tumor?: string; normal?: string } = {}): Promise<VariantCall[]> {
  const o: VariantReadOptions = {};
  if (opts.tumor !== undefined) o.tumor = opts.tumor;
  if (opts.normal !== undefined) o.normal = opts.normal;
  return (await readVariants(path, o)).variants;
}
