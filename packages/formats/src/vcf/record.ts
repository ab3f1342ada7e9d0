/**
 * One VCF data line -> the VariantCalls it holds (one per ALT allele the tumour carries), or a RecordError
 * naming the field. Hand-written rather than @gmod/vcf's `parseLine`: that parser turns a malformed number
 * into NaN without saying where (we must report `FORMAT/AD: 'x,3' is not a number`), and decodes every INFO
 * and sample field, where we need only INFO/CSQ or ANN and one sample column.
 */
import type { VariantCall } from '@her2scope/core';
import { AnnotationError, entriesForAllele, parseEntries, pickAnnotation, vepAlleles } from './annotation.ts';
import type { AnnotationLayout } from './header.ts';
import { SampleError, tumourReads } from './sample.ts';

export class RecordError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Region {
  chrom: string;
  /** 1-based, inclusive. */
  start: number;
  /** 1-based, inclusive (Infinity for "to the end"). */
  end: number;
}

export interface RecordContext {
  nSamples: number;
  annotation: AnnotationLayout;
  tumorIndex: number;
  tumor: string | null;
  /** Matched normal column (-1: none); its reads mark germline variants. */
  normalIndex?: number;
  /** Requested gene symbols (exact, case-sensitive), or null for all. */
  genes: ReadonlySet<string> | null;
  allFilters: boolean;
  region: Region | null;
}

export interface ParsedRecord {
  calls: VariantCall[];
  /** True when the record had a CSQ/ANN value (used to tell an unannotated file from a sparse one). */
  annotated: boolean;
  chrom: string;
  pos: number;
}

const POS = /^\d+$/;
/** REF: A/C/G/T/N, and the IUPAC ambiguity codes some reference genomes contain. */
const REF_RE = /^[ACGTNRYKMSWBDHVacgtnrykmswbdhv]+$/;
const DNA = /^[ACGTNacgtn]+$/;
const quote = (s: string) => `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;

/** Cheap look at CHROM and POS (for region checks and messages) without validating the rest. */
export function peekLocus(line: string): { chrom: string; pos: number } | null {
  const t1 = line.indexOf('\t');
  if (t1 <= 0) return null;
  const t2 = line.indexOf('\t', t1 + 1);
  const p = line.slice(t1 + 1, t2 < 0 ? undefined : t2);
  return POS.test(p) ? { chrom: line.slice(0, t1), pos: Number(p) } : null;
}

/**
 * Parse one data line. With `validateAll`, every field the reader uses is checked even when the record is
 * filtered out (FILTER, gene, region); nothing filtered is returned either way.
 */
export function parseVcfRecord(line: string, ctx: RecordContext, validateAll = false): ParsedRecord {
  const cols = line.split('\t');
  const expected = ctx.nSamples > 0 ? 9 + ctx.nSamples : 8;
  if (cols.length !== expected && !(ctx.nSamples === 0 && cols.length === 9)) {
    const what = ctx.nSamples > 0 ? `8 fixed + FORMAT + ${ctx.nSamples} sample${ctx.nSamples === 1 ? '' : 's'}` : '8 fixed';
    throw new RecordError('columns', `expected ${expected} tab-separated columns (${what}), found ${cols.length}`);
  }
  const [chrom, posText, , ref, altText, , filter, info] = cols as [string, string, string, string, string, string, string, string];
  if (chrom === '' || /\s/.test(chrom)) throw new RecordError('CHROM', `${quote(chrom)} is not a contig name`);
  if (!POS.test(posText)) throw new RecordError('POS', `${quote(posText)} is not a whole number`);
  const pos = Number(posText);
  if (!Number.isSafeInteger(pos)) throw new RecordError('POS', `${quote(posText)} is too large`);
  const out: ParsedRecord = { calls: [], annotated: false, chrom, pos };
  if (!REF_RE.test(ref)) throw new RecordError('REF', `${quote(ref)} is not a DNA sequence`);
  if (filter === '') throw new RecordError('FILTER', "empty (a missing value is '.')");
  if (info === '') throw new RecordError('INFO', "empty (a missing value is '.')");

  // INFO: only the annotation (and END, for region overlap) is read.
  let annValue: string | null = null;
  let end = pos + ref.length - 1;
  if (info !== '.') {
    for (const item of info.split(';')) {
      const eq = item.indexOf('=');
      const key = eq < 0 ? item : item.slice(0, eq);
      if (key === ctx.annotation.key) annValue = eq < 0 ? '' : item.slice(eq + 1);
      else if (key === 'END' && ctx.region && eq > 0) {
        const v = item.slice(eq + 1);
        if (!POS.test(v)) throw new RecordError('INFO/END', `${quote(v)} is not a whole number`);
        end = Math.max(end, Number(v));
      }
    }
  }
  out.annotated = annValue !== null && annValue !== '' && annValue !== '.';
  const inRegion = !ctx.region || (chrom === ctx.region.chrom && end >= ctx.region.start && pos <= ctx.region.end);
  if (!inRegion && !validateAll) return out;

  if (altText === '.') return out; // no ALT allele: a reference-only record
  const alts = altText.split(',');
  for (const a of alts) {
    const ok = DNA.test(a) || a === '*' || /^<[^<>]+>$/.test(a) || /[[\]]/.test(a) || /^\.[ACGTNacgtn]+$|^[ACGTNacgtn]+\.$/.test(a);
    if (!ok) throw new RecordError('ALT', `${quote(a)} is not an allele`);
  }
  const passes = ctx.allFilters || filter === 'PASS' || filter === '.';
  if (!passes && !validateAll) return out;
  const emit = inRegion && passes;

  let entries;
  try {
    entries = out.annotated ? parseEntries(annValue!, ctx.annotation) : [];
  } catch (e) {
    if (e instanceof AnnotationError) throw new RecordError(e.field, e.message);
    throw e;
  }
  const vep = ctx.annotation.kind === 'vep' ? vepAlleles(ref, alts) : alts;
  let keys: string[] = [];
  let values: string[] = [];
  let normalValues: string[] | null = null;
  if (ctx.tumorIndex >= 0) {
    keys = cols[8]!.split(':');
    const col = cols[9 + ctx.tumorIndex]!;
    values = col === '.' || col === '' ? [] : col.split(':');
    const ni = ctx.normalIndex ?? -1;
    if (ni >= 0 && ni !== ctx.tumorIndex) {
      const ncol = cols[9 + ni]!;
      normalValues = ncol === '.' || ncol === '' ? [] : ncol.split(':');
    }
  }
  for (let k = 1; k <= alts.length; k++) {
    const alt = alts[k - 1]!;
    if (alt === '*') continue; // allele deleted by an overlapping upstream deletion: not a variant of its own
    const mine = entriesForAllele(entries, ctx.annotation, k, alt, vep[k - 1]!, alts.length);
    const picked = pickAnnotation(mine, ctx.annotation, ctx.genes);
    const wanted = emit && !(ctx.genes && !picked);
    if (!wanted && !validateAll) continue;
    let reads = { depth: null as number | null, altCount: null as number | null, vaf: null as number | null, gt: null as number[] | null };
    if (ctx.tumorIndex >= 0) {
      try {
        reads = tumourReads(keys, values, k, ref, alts);
      } catch (e) {
        if (e instanceof SampleError) throw new RecordError(e.field, e.message);
        throw e;
      }
      // Leave out an allele the tumour does not carry: a called GT without it, and no reads for it.
      if (reads.gt && !reads.gt.includes(k) && !(reads.altCount !== null && reads.altCount > 0)) continue;
    }
    if (!wanted) continue;
    let normal: { depth: number | null; altCount: number | null; vaf: number | null } | null = null;
    if (normalValues) {
      try {
        normal = tumourReads(keys, normalValues, k, ref, alts);
      } catch (e) {
        if (e instanceof SampleError) throw new RecordError(`normal ${e.field}`, e.message);
        throw e;
      }
    }
    out.calls.push({
      gene: picked?.gene ?? '',
      hgvsp: picked?.hgvsp ?? null,
      hgvsc: picked?.hgvsc ?? null,
      consequence: picked?.consequence ?? '',
      chrom,
      pos,
      ref,
      alt,
      vaf: reads.vaf,
      depth: reads.depth,
      altCount: reads.altCount,
      filter,
      sample: ctx.tumor ?? '',
      ...(normal ? { normalDepth: normal.depth, normalAltCount: normal.altCount, normalVaf: normal.vaf } : {}),
      ...(picked && picked.populationAf !== null ? { populationAf: picked.populationAf } : {}),
    });
  }
  return out;
}
