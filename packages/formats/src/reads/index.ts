/**
 * Read-level look-back: reference / alternate / other read counts at given variant positions in a BAM (with .bai
 * or .csi) or CRAM (with .crai and its reference FASTA, indexed .fai; bgzipped FASTA needs .fai and .gzi).
 *
 *   const counts = await countAlleles({ file: 'primary.bam' }, [{ chrom: 'chr17', pos: 39724741, ref: 'T', alt: 'C' }]);
 *   // [{ chrom, pos, ref, alt, kind: 'snv', refReads, altReads, otherReads, depth }]
 *
 *   const reads = await openReads({ file: 'x.cram', reference: 'ref.fa' }, { minBaseQuality: 30 });
 *   await reads.count(queries); …; await reads.close();
 *
 * Built on @gmod/bam and @gmod/cram (@gmod/indexedfasta for the CRAM reference). Counting rules and filters
 * (MAPQ >= 20, base quality >= 20, no duplicate / secondary / supplementary / QC-fail reads; overlapping mates
 * once) are in pileup.ts; they agree with `samtools mpileup` read for read (tested).
 *
 * Contig names: a query on `chr17` finds `17` in the file and the reverse (also chrM / MT). Queries are grouped
 * into windows of nearby positions (one index look-up and one decode per window), so 1,000 positions cost far
 * fewer than 1,000 look-ups. Every problem with the user's files is an InputError naming the file.
 */
import { access } from 'node:fs/promises';
import { BamFile, type BamRecord } from '@gmod/bam';
import { CraiIndex, IndexedCramFile, type CramRecord } from '@gmod/cram';
import { BgzipIndexedFasta, IndexedFasta } from '@gmod/indexedfasta';
import { InputError } from '@her2scope/core';
import {
  DEFAULT_READ_FILTERS,
  SiteCounter,
  countOverRegion,
  type AlignedRead,
  type AlleleCounts,
  type AlleleQuery,
  type ReadFilterOptions,
} from './pileup.ts';

export { DEFAULT_READ_FILTERS, BAM_FLAG, alleleKind, SiteCounter, countOverRegion } from './pileup.ts';
export type { AlignedRead, AlleleCounts, AlleleKind, AlleleQuery, ReadFilterOptions } from './pileup.ts';

/** A case sample's `reads` block: the alignment file, its index (default: beside it) and, for CRAM, the reference. */
export interface ReadFileSpec {
  file: string;
  index?: string;
  reference?: string;
}

export interface ReadFile {
  readonly format: 'bam' | 'cram';
  /** Contig names in the file's header order. */
  readonly contigs: readonly string[];
  /** Counts for each query, in the order given. */
  count(queries: readonly AlleleQuery[]): Promise<AlleleCounts[]>;
  close(): Promise<void>;
}

/** Positions closer than this are fetched together; a window never spans more than MAX_WINDOW bases. */
const JOIN_GAP = 1000;
const MAX_WINDOW = 5000;

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function mustExist(p: string, what: string): Promise<void> {
  if (!(await exists(p))) throw new InputError(p, `cannot open ${what}: no such file`);
}

/** The contig in `names` that `chrom` means (exact, else with/without a `chr` prefix, chrM = MT). */
export function resolveContig(chrom: string, names: ReadonlyMap<string, number>): string | null {
  if (names.has(chrom)) return chrom;
  const bare = chrom.replace(/^chr/i, '');
  const candidates = [bare, `chr${bare}`];
  if (/^(M|MT)$/i.test(bare)) candidates.push('MT', 'chrM', 'M', 'chrMT');
  for (const c of candidates) if (names.has(c)) return c;
  return null;
}

interface Window {
  contig: string;
  start: number; // 0-based
  end: number; // 0-based exclusive
  counters: SiteCounter[];
}

function windows(counters: SiteCounter[], contigOf: (c: SiteCounter) => string | null): { windows: Window[]; missing: SiteCounter[] } {
  const missing: SiteCounter[] = [];
  const byContig = new Map<string, SiteCounter[]>();
  for (const c of counters) {
    const contig = contigOf(c);
    if (contig === null) {
      missing.push(c);
      continue;
    }
    let list = byContig.get(contig);
    if (!list) byContig.set(contig, (list = []));
    list.push(c);
  }
  const out: Window[] = [];
  for (const [contig, list] of byContig) {
    list.sort((a, b) => a.anchor - b.anchor);
    let cur: Window | null = null;
    for (const c of list) {
      const lo = c.anchor;
      const hi = c.lastNeeded + 2; // the base after the anchor decides an indel
      if (cur && lo - cur.end < JOIN_GAP && hi - cur.start <= MAX_WINDOW) {
        cur.end = Math.max(cur.end, hi);
        cur.counters.push(c);
      } else {
        cur = { contig, start: lo, end: hi, counters: [c] };
        out.push(cur);
      }
    }
  }
  return { windows: out, missing };
}

function validateQueries(queries: readonly AlleleQuery[]): void {
  queries.forEach((q, i) => {
    if (!q.chrom) throw new InputError(`queries[${i}].chrom`, 'is empty');
    if (!Number.isInteger(q.pos) || q.pos < 1) throw new InputError(`queries[${i}].pos`, `must be a positive integer, got ${String(q.pos)}`);
    for (const k of ['ref', 'alt'] as const) {
      if (!/^[ACGTNacgtn]+$/.test(q[k] ?? '')) throw new InputError(`queries[${i}].${k}`, `must be bases (A, C, G, T, N), got '${String(q[k])}'`);
    }
  });
}

async function countWith(
  queries: readonly AlleleQuery[],
  contigIndex: ReadonlyMap<string, number>,
  opts: Required<ReadFilterOptions>,
  fetch: (contig: string, start: number, end: number) => Promise<Iterable<AlignedRead>>,
): Promise<AlleleCounts[]> {
  validateQueries(queries);
  const counters = queries.map((q) => new SiteCounter(q));
  const resolved = new Map<SiteCounter, string | null>();
  for (const c of counters) resolved.set(c, resolveContig(c.query.chrom, contigIndex));
  const { windows: ws } = windows(
    counters.filter((c) => c.kind !== 'complex'),
    (c) => resolved.get(c) ?? null,
  );
  for (const w of ws) countOverRegion(w.counters, await fetch(w.contig, w.start, w.end), opts);
  return counters.map((c) => {
    const r = c.result(opts.minBaseQuality);
    if (resolved.get(c) === null) r.note = `contig ${c.query.chrom} is not in the file`;
    return r;
  });
}

const SEQ_CODES = Uint8Array.from('=ACMGRSVTWYHKDBN', (ch) => ch.charCodeAt(0));

type BamRec = BamRecord;

function bamAligned(r: BamRec): AlignedRead {
  const seq = r.NUMERIC_SEQ;
  const qual = r.qual;
  return {
    start: r.start,
    flags: r.flags,
    mapq: (r.bin_mq_nl & 0xff00) >> 8,
    get name() {
      return r.name;
    },
    cigar: r.NUMERIC_CIGAR,
    base: (i) => SEQ_CODES[i & 1 ? seq[i >> 1]! & 0xf : seq[i >> 1]! >> 4]!,
    qual: (i) => (qual ? qual[i]! : 255),
  };
}

const CRAM_OPS: Record<string, number> = { I: 1, i: 1, D: 2, N: 3, S: 4, H: 5, P: 6 };

/** A CRAM record as an alignment: its CIGAR rebuilt from the read features (CRAM spec 1.0 §10.6). */
export function cramAligned(r: CramRecord): AlignedRead {
  const cigar: number[] = [];
  const push = (op: number, len: number) => {
    if (len <= 0) return;
    const last = cigar.length - 1;
    if (last >= 0 && (cigar[last]! & 0xf) === op) cigar[last] = (((cigar[last]! >>> 4) + len) << 4) | op;
    else cigar.push((len << 4) | op);
  };
  let readPos = 1; // 1-based, next read base not yet placed
  const features = [...(r.readFeatures ?? [])].sort((a, b) => a.pos - b.pos);
  for (const f of features) {
    if (f.pos > readPos && f.code !== 'H' && f.code !== 'P') {
      push(0, f.pos - readPos);
      readPos = f.pos;
    }
    switch (f.code) {
      case 'X':
      case 'B':
        push(0, 1);
        readPos += 1;
        break;
      case 'b':
        push(0, f.data.length);
        readPos += f.data.length;
        break;
      case 'I':
      case 'S':
        push(CRAM_OPS[f.code]!, f.data.length);
        readPos += f.data.length;
        break;
      case 'i':
        push(1, 1);
        readPos += 1;
        break;
      case 'D':
      case 'N':
        push(CRAM_OPS[f.code]!, f.data);
        break;
      default:
        break; // H, P, Q, q: no bases placed on the alignment
    }
  }
  push(0, r.readLength - readPos + 1);
  const bases = (r.getReadBases() ?? '').toUpperCase();
  const qual = r.qualityScores;
  return {
    start: r.alignmentStart - 1,
    flags: r.flags,
    mapq: r.mappingQuality ?? 255,
    name: r.readName ?? `#${r.uniqueId}`,
    cigar,
    base: (i) => bases.charCodeAt(i),
    qual: (i) => (qual ? qual[i]! : 255),
  };
}

function notA(file: string, what: string, e: unknown): InputError {
  return new InputError(file, `not a readable ${what} (${(e as Error).message.split('\n')[0]})`);
}

async function openBam(spec: ReadFileSpec, opts: Required<ReadFilterOptions>): Promise<ReadFile> {
  const file = spec.file;
  await mustExist(file, 'BAM');
  let index = spec.index;
  if (index) await mustExist(index, 'BAM index');
  else {
    for (const c of [`${file}.bai`, file.replace(/\.bam$/i, '.bai'), `${file}.csi`]) {
      if (await exists(c)) {
        index = c;
        break;
      }
    }
  }
  if (!index) throw new InputError(file, `no index: expected ${file}.bai or ${file}.csi (make one with 'samtools index ${file}')`);
  const bam = new BamFile(/\.csi$/i.test(index) ? { bamPath: file, csiPath: index } : { bamPath: file, baiPath: index });
  let header;
  try {
    header = await bam.getHeader();
  } catch (e) {
    throw notA(file, 'BAM file', e);
  }
  const names = (header ?? []).filter((l) => l.tag === 'SQ').map((l) => l.data.find((d) => d.tag === 'SN')?.value ?? '');
  const contigIndex = new Map(names.map((n, i) => [n, i] as const));
  return {
    format: 'bam',
    contigs: names,
    count: (queries) =>
      countWith(queries, contigIndex, opts, async (contig, start, end) => {
        let recs: BamRec[];
        try {
          recs = await bam.getRecordsForRange(contig, start, end);
        } catch (e) {
          throw new InputError(`${file}:${contig}:${start + 1}-${end}`, `cannot read the alignments (${(e as Error).message.split('\n')[0]})`);
        }
        bam.clearFeatureCache();
        return recs.map(bamAligned);
      }),
    close: async () => {
      bam.clearFeatureCache();
    },
  };
}

async function openCram(spec: ReadFileSpec, opts: Required<ReadFilterOptions>): Promise<ReadFile> {
  const file = spec.file;
  await mustExist(file, 'CRAM');
  const index = spec.index ?? `${file}.crai`;
  if (!(await exists(index))) throw new InputError(index, `cannot open the CRAM index: no such file (make one with 'samtools index ${file}')`);
  if (!spec.reference) throw new InputError(file, 'a CRAM needs its reference FASTA: give reads.reference (indexed with samtools faidx)');
  const ref = spec.reference;
  await mustExist(ref, 'reference FASTA');
  const gz = /\.gz$/i.test(ref);
  if (!(await exists(`${ref}.fai`))) throw new InputError(ref, `no FASTA index: expected ${ref}.fai (make one with 'samtools faidx ${ref}')`);
  if (gz && !(await exists(`${ref}.gzi`))) throw new InputError(ref, `a bgzipped FASTA needs ${ref}.gzi too (samtools faidx makes it)`);
  const fasta = gz ? new BgzipIndexedFasta({ path: ref, faiPath: `${ref}.fai`, gziPath: `${ref}.gzi` }) : new IndexedFasta({ path: ref, faiPath: `${ref}.fai` });
  let idToName: string[] = [];
  const cram = new IndexedCramFile({
    cramPath: file,
    index: new CraiIndex({ path: index }),
    seqFetch: async (seqId: number, start: number, end: number) => {
      const name = idToName[seqId];
      if (name === undefined) throw new InputError(file, `reference sequence #${seqId} is not in the CRAM header`);
      const seq = await fasta.getSequence(name, start - 1, end);
      if (seq === undefined) throw new InputError(ref, `has no sequence ${name} (is it the reference the CRAM was written against?)`);
      return seq;
    },
    checkSequenceMD5: false,
  });
  let header;
  try {
    header = await cram.cram.getSamHeader();
  } catch (e) {
    throw notA(file, 'CRAM file', e);
  }
  idToName = header.filter((l) => l.tag === 'SQ').map((l) => l.data.find((d) => d.tag === 'SN')?.value ?? '');
  const contigIndex = new Map(idToName.map((n, i) => [n, i] as const));
  return {
    format: 'cram',
    contigs: idToName,
    count: (queries) =>
      countWith(queries, contigIndex, opts, async (contig, start, end) => {
        let recs: CramRecord[];
        try {
          recs = await cram.getRecordsForRange(contigIndex.get(contig)!, start + 1, end);
        } catch (e) {
          if (e instanceof InputError) throw e;
          throw new InputError(`${file}:${contig}:${start + 1}-${end}`, `cannot read the alignments (${(e as Error).message.split('\n')[0]})`);
        }
        recs.sort((a, b) => a.alignmentStart - b.alignmentStart);
        return recs.map(cramAligned);
      }),
    close: async () => {},
  };
}

function checkOptions(o: Required<ReadFilterOptions>): void {
  for (const k of ['minMappingQuality', 'minBaseQuality'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 0 || o[k] > 255) throw new InputError(k, `must be an integer 0-255, got ${String(o[k])}`);
  }
  if (!Number.isInteger(o.excludeFlags) || o.excludeFlags < 0 || o.excludeFlags > 0xffff) throw new InputError('excludeFlags', `must be a SAM flag mask 0-65535, got ${String(o.excludeFlags)}`);
}

/** Open a BAM or CRAM (by extension: .cram is CRAM, anything else BAM) for allele counting. */
export async function openReads(spec: ReadFileSpec, options: ReadFilterOptions = {}): Promise<ReadFile> {
  const opts = { ...DEFAULT_READ_FILTERS, ...options };
  checkOptions(opts);
  if (!spec.file) throw new InputError('reads.file', 'is required');
  return /\.cram$/i.test(spec.file) ? openCram(spec, opts) : openBam(spec, opts);
}

/** Open, count, close. */
export async function countAlleles(spec: ReadFileSpec, queries: readonly AlleleQuery[], options: ReadFilterOptions = {}): Promise<AlleleCounts[]> {
  const f = await openReads(spec, options);
  try {
    return await f.count(queries);
  } finally {
    await f.close();
  }
}
