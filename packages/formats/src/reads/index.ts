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
import { BamFile } from '@gmod/bam';
import type { CramRecord } from '@gmod/cram';
import { InputError, missingValue } from '@her2scope/core/errors';
import { bgzfBlockSize, bgzfChunks, fileSource, inflateBgzfBlock, type ByteSource } from '../vcf/io.ts';
import {
  DEFAULT_READ_FILTERS,
  SiteCounter,
  countOverRegion,
  readSink,
  type AlignedRead,
  type AlleleCounts,
  type AlleleQuery,
  type ReadFilterOptions,
} from './pileup.ts';

export { DEFAULT_READ_FILTERS, BAM_FLAG, alleleKind, SiteCounter, countOverRegion } from './pileup.ts';
export type { AlignedRead, AlleleCounts, AlleleKind, AlleleQuery, ReadFilterOptions } from './pileup.ts';
export { parseFai, sniffAlignmentFile, sniffAlignmentIndex, sniffFasta, type AlignmentFormat, type AlignmentIndexFormat } from './sniff.ts';

/** A case sample's `reads` block: the alignment file, its index (default: beside it) and, for CRAM, the reference. */
export interface ReadFileSpec {
  file: string;
  index?: string;
  reference?: string;
  /**
   * The reference's FASTA index (default: `<reference>.fai` beside it). Given where the files are not kept side by
   * side, e.g. the server's content-addressed uploads (formats/case asks the resolver for `<reference>.fai`).
   */
  referenceIndex?: string;
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
const JOIN_GAP = 100000;
const MAX_WINDOW = 1000000;

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
  feed: (contig: string, windows: Window[]) => Promise<void>,
): Promise<AlleleCounts[]> {
  validateQueries(queries);
  const counters = queries.map((q) => new SiteCounter(q));
  const resolved = new Map<SiteCounter, string | null>();
  for (const c of counters) resolved.set(c, resolveContig(c.query.chrom, contigIndex));
  const { windows: ws } = windows(
    counters.filter((c) => c.kind !== 'complex'),
    (c) => resolved.get(c) ?? null,
  );
  const byContig = new Map<string, Window[]>();
  for (const w of ws) {
    let l = byContig.get(w.contig);
    if (!l) byContig.set(w.contig, (l = []));
    l.push(w);
  }
  for (const [contig, list] of byContig) await feed(contig, list);
  return counters.map((c) => {
    const r = c.result(opts.minBaseQuality);
    if (resolved.get(c) === null) r.note = `contig ${c.query.chrom} is not in the file`;
    return r;
  });
}

const SEQ_CODES = Uint8Array.from('=ACMGRSVTWYHKDBN', (ch) => ch.charCodeAt(0));


/**
 * One BAM alignment record read straight from the decompressed bytes (SAM spec §4.2), as an AlignedRead. A single
 * view object is re-pointed at each record in turn (the counters keep nothing of a read): no per-record objects,
 * so no garbage-collection cost on the hot path. Only the read name is materialised, and only when asked (paired
 * reads, for overlapping mates).
 */
class BamBytesView implements AlignedRead {
  start = 0;
  flags = 0;
  mapq = 0;
  refId = 0;
  /** Offset just past this record. */
  next = 0;
  readonly cigar: number[] = [];
  private b: Uint8Array = new Uint8Array(0);
  private nameAt = 0;
  private nameLen = 0;
  private seqAt = 0;
  private qualAt = 0;
  private i32(p: number): number {
    const b = this.b;
    return (b[p] ?? missingValue('b[p]')) | ((b[p + 1] ?? missingValue('b[p + 1]')) << 8) | ((b[p + 2] ?? missingValue('b[p + 2]')) << 16) | ((b[p + 3] ?? missingValue('b[p + 3]')) << 24);
  }
  /** The block_size field at `p` (4 bytes must be there). */
  sizeAt(b: Uint8Array, p: number): number {
    return (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24);
  }
  /** Point at the record whose block_size field is at `p`; false when the record is cut off by the end of `b`. */
  point(b: Uint8Array, p: number): boolean {
    this.b = b;
    if (p + 4 > b.length) return false;
    const size = this.i32(p);
    if (size < 32 || p + 4 + size > b.length) return false;
    this.next = p + 4 + size;
    this.refId = this.i32(p + 4);
    this.start = this.i32(p + 8);
    const binMqNl = this.i32(p + 12);
    this.nameLen = binMqNl & 0xff;
    this.mapq = (binMqNl >>> 8) & 0xff;
    const flagNc = this.i32(p + 16);
    this.flags = flagNc >>> 16;
    const nCigar = flagNc & 0xffff;
    const lSeq = this.i32(p + 20);
    this.nameAt = p + 36;
    const cigarAt = this.nameAt + this.nameLen;
    const c = this.cigar;
    c.length = nCigar;
    for (let k = 0; k < nCigar; k++) c[k] = this.i32(cigarAt + 4 * k) >>> 0;
    this.seqAt = cigarAt + 4 * nCigar;
    this.qualAt = this.seqAt + ((lSeq + 1) >> 1);
    return true;
  }
  get name(): string {
    let s = '';
    for (let i = 0; i < this.nameLen - 1; i++) s += String.fromCharCode(this.b[this.nameAt + i] ?? missingValue('this.b[this.nameAt + i]'));
    return s;
  }
  base(i: number): number {
    const v = this.b[this.seqAt + (i >> 1)] ?? missingValue('this.b[this.seqAt + (i >> 1)]');
    return SEQ_CODES[i & 1 ? v & 0xf : v >> 4] ?? missingValue('SEQ_CODES[i & 1 ? v & 0xf : v >> 4]');
  }
  qual(i: number): number {
    return this.b[this.qualAt + i] ?? missingValue('this.b[this.qualAt + i]'); // 0xff when the read has no qualities
  }
}

/**
 * Feeds the records of one contig, in file (= coordinate) order, through one reused view, from the decompressed
 * BGZF blocks of one chunk as they come: a record cut by block boundaries is joined from its pieces (a copy of that
 * record only), so the blocks are never concatenated. As before, an unreadable record (block_size < 32) ends the
 * chunk, and a record cut off by the chunk's end is not counted.
 */
export class BamRecordFeeder {
  private readonly view = new BamBytesView();
  /** Pieces of a record cut by a block boundary, and their total length. */
  private pieces: Uint8Array[] = [];
  private held = 0;
  private stopped = false;
  constructor(
    private readonly refId: number,
    private readonly sink: (r: AlignedRead) => void,
  ) {}

  push(data: Uint8Array): void {
    if (this.stopped) return;
    let p = 0;
    if (this.held > 0) {
      if (this.held < 4) {
        const take = Math.min(4 - this.held, data.length);
        this.hold(data.subarray(0, take));
        p = take;
        if (this.held < 4) return;
      }
      const head = joinBytes(this.pieces, this.held);
      this.pieces = [head];
      const size = 4 + this.view.sizeAt(head, 0);
      if (size < 36) {
        this.stopped = true;
        return;
      }
      const need = size - this.held;
      if (need > data.length - p) {
        this.hold(data.subarray(p));
        return;
      }
      this.hold(data.subarray(p, p + need));
      const record = joinBytes(this.pieces, this.held);
      this.pieces = [];
      this.held = 0;
      p += need;
      if (this.view.point(record, 0) && this.view.refId === this.refId) this.sink(this.view);
    }
    const view = this.view;
    while (view.point(data, p)) {
      p = view.next;
      if (view.refId === this.refId) this.sink(view);
    }
    if (p < data.length) {
      if (data.length - p >= 4 && view.sizeAt(data, p) < 32) this.stopped = true;
      else this.hold(data.subarray(p));
    }
  }

  private hold(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.held += piece.length;
  }
}

function joinBytes(pieces: readonly Uint8Array[], length: number): Uint8Array {
  if (pieces.length === 1 && pieces[0]?.length === length) return pieces[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

interface ChunkLike {
  minv: { blockPosition: number; dataPosition: number };
  maxv: { blockPosition: number; dataPosition: number };
  fetchedSize(): number;
}

const voff = (v: { blockPosition: number; dataPosition: number }) => v.blockPosition * 65536 + v.dataPosition;

/**
 * Inflates a chunk block by block with node:zlib (the BGZF helpers of the VCF reader), from its first record (minv)
 * to its end (maxv), and hands each block's bytes to `feed` in order. @gmod/bam's own inflater is WebAssembly whose
 * memory only grows; node:zlib keeps peak memory at one block.
 */
async function readBgzfChunk(src: ByteSource, chunk: ChunkLike, feed: (data: Uint8Array) => void): Promise<void> {
  const first = chunk.minv.blockPosition;
  const last = chunk.maxv.blockPosition;
  let raw = await src.read(first, Math.min(chunk.fetchedSize(), src.size - first));
  let rawAt = first; // file offset of raw[0]
  let at = first; // file offset of the next block
  while (at <= last && at < src.size) {
    const o = at - rawAt;
    if (o + 18 > raw.length || o + bgzfBlockSize(src, raw, o, at) > raw.length) {
      const more = await src.read(rawAt + raw.length, 1 << 17);
      if (more.length === 0) throw new InputError(src.name, `byte ${at}: truncated BGZF block`);
      raw = Buffer.concat([raw.subarray(o), more]);
      rawAt = at;
      continue;
    }
    const size = bgzfBlockSize(src, raw, o, at);
    let data: Uint8Array = inflateBgzfBlock(src, raw.subarray(o, o + size), at);
    if (at === last) data = data.subarray(0, chunk.maxv.dataPosition);
    if (at === first) data = data.subarray(chunk.minv.dataPosition);
    feed(data);
    at += size;
  }
}

/** Target size (compressed bytes) of one read from the file: bounds the memory of a long merged stretch. */
const PIECE_BYTES = 1 << 18;

/**
 * Merge index chunks that overlap or touch (by virtual offset), so each stretch of the file is decoded once and no
 * record is seen twice; then cut each stretch into pieces of about PIECE_BYTES at chunk starts (which are record
 * starts), so memory stays bounded however many positions are asked for.
 */
export function mergeChunks(chunks: readonly ChunkLike[]): ChunkLike[] {
  const sorted = [...chunks].sort((a, b) => voff(a.minv) - voff(b.minv));
  type Group = { minv: ChunkLike['minv']; maxv: ChunkLike['maxv']; endBlock: number; starts: Array<ChunkLike['minv']> };
  const groups: Group[] = [];
  for (const c of sorted) {
    const endBlock = c.minv.blockPosition + c.fetchedSize();
    const last = groups[groups.length - 1];
    if (last && voff(c.minv) <= voff(last.maxv)) {
      if (voff(c.maxv) > voff(last.maxv)) last.maxv = c.maxv;
      last.endBlock = Math.max(last.endBlock, endBlock);
      last.starts.push(c.minv);
    } else groups.push({ minv: c.minv, maxv: c.maxv, endBlock, starts: [c.minv] });
  }
  const out: ChunkLike[] = [];
  for (const g of groups) {
    let from = g.minv;
    for (const st of g.starts) {
      if (st.blockPosition - from.blockPosition >= PIECE_BYTES && voff(st) < voff(g.maxv)) {
        const a = from;
        out.push({ minv: a, maxv: st, fetchedSize: () => st.blockPosition + 65536 - a.blockPosition });
        from = st;
      }
    }
    const a = from;
    out.push({ minv: a, maxv: g.maxv, fetchedSize: () => g.endBlock - a.blockPosition });
  }
  return out;
}

const CRAM_OPS: Record<string, number> = { I: 1, i: 1, D: 2, N: 3, S: 4, H: 5, P: 6 };

/** A CRAM record as an alignment: its CIGAR rebuilt from the read features (CRAM spec 1.0 §10.6). */
export function cramAligned(r: CramRecord): AlignedRead {
  const cigar: number[] = [];
  const push = (op: number, len: number) => {
    if (len <= 0) return;
    const last = cigar.length - 1;
    if (last >= 0 && ((cigar[last] ?? missingValue('cigar[last]')) & 0xf) === op) cigar[last] = ((((cigar[last] ?? missingValue('cigar[last]')) >>> 4) + len) << 4) | op;
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
        push(CRAM_OPS[f.code] ?? missingValue('CRAM_OPS[f.code]'), f.data.length);
        readPos += f.data.length;
        break;
      case 'i':
        push(1, 1);
        readPos += 1;
        break;
      case 'D':
      case 'N':
        push(CRAM_OPS[f.code] ?? missingValue('CRAM_OPS[f.code]'), f.data);
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
    qual: (i) => (qual ? qual[i] ?? missingValue('qual[i]') : 255),
  };
}

function notA(file: string, what: string, e: unknown): InputError {
  const why = e instanceof InputError ? e.detail : (e as Error).message;
  return new InputError(file, `not a readable ${what} (${why.split('\n')[0]})`);
}

/**
 * The reference names of a BAM, from its binary header (SAM spec §4.2: magic `BAM\1`, l_text, text, n_ref, then
 * l_name, name, l_ref per reference), inflated with node:zlib. Replaces @gmod/bam's getHeader, whose WebAssembly
 * inflater (loaded through fetch of a data URL) cost about 0.1 s of start-up per run for a few kilobytes.
 */
// Bounds on a BAM header's untrusted lengths (far above real ones: GRCh38 with alts and decoys has 3,366 references
// and a header text of a few hundred kilobytes), so that a corrupt or hostile file is refused, not read into memory.
const MAX_BAM_HEADER_TEXT = 256 * 1024 * 1024;
const MAX_BAM_REFERENCES = 1_000_000;
const MAX_BAM_NAME = 4096;

export async function readBamContigs(src: ByteSource): Promise<string[]> {
  const blocks = bgzfChunks(src, 0);
  let buf: Buffer = Buffer.alloc(0);
  const need = async (n: number): Promise<void> => {
    const parts = [buf];
    let have = buf.length;
    while (have < n) {
      const next = await blocks.next();
      if (next.done) throw new Error('the header is cut off');
      parts.push(next.value);
      have += next.value.length;
    }
    if (parts.length > 1) buf = Buffer.concat(parts, have);
  };
  try {
    await need(12);
    if (buf.toString('latin1', 0, 4) !== 'BAM\x01') throw new Error('no BAM magic number');
    const lText = buf.readInt32LE(4);
    if (lText < 0) throw new Error('negative header length');
    // Untrusted lengths: refuse absurd ones before reading (and inflating) that much.
    if (lText > MAX_BAM_HEADER_TEXT) throw new Error(`header text of ${lText} bytes (more than ${MAX_BAM_HEADER_TEXT})`);
    await need(12 + lText);
    const nRef = buf.readInt32LE(8 + lText);
    if (nRef < 0) throw new Error('negative number of references');
    if (nRef > MAX_BAM_REFERENCES) throw new Error(`${nRef} references (more than ${MAX_BAM_REFERENCES})`);
    const names: string[] = [];
    let p = 12 + lText;
    for (let i = 0; i < nRef; i++) {
      await need(p + 4);
      const lName = buf.readInt32LE(p);
      if (lName < 1) throw new Error(`reference #${i} has no name`);
      if (lName > MAX_BAM_NAME) throw new Error(`reference #${i} has a name of ${lName} bytes (more than ${MAX_BAM_NAME})`);
      await need(p + 4 + lName + 4);
      names.push(buf.toString('latin1', p + 4, p + 4 + lName - 1));
      p += 4 + lName + 4;
    }
    return names;
  } finally {
    await blocks.return(undefined);
  }
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
  const src = await fileSource(file);
  let names: string[];
  try {
    names = await readBamContigs(src);
  } catch (e) {
    await src.close();
    throw notA(file, 'BAM file', e);
  }
  const contigIndex = new Map(names.map((n, i) => [n, i] as const));
  return {
    format: 'bam',
    contigs: names,
    count: (queries) =>
      countWith(queries, contigIndex, opts, async (contig, ws) => {
        // The index (via @gmod/bam) names the BGZF chunks each window needs; chunks that overlap are merged so each
        // stretch of the file is decompressed (by node:zlib) once, and records are read straight from the bytes.
        const refId = contigIndex.get(contig) ?? missingValue('contigIndex.get(contig)');
        const sink = readSink(ws.flatMap((w) => w.counters), opts);
        const where = `${file}:${contig}`;
        try {
          const chunks: ChunkLike[] = [];
          for (const w of ws) chunks.push(...((await (bam.index ?? missingValue('bam.index')).blocksForRange(refId, Math.max(0, w.start - 1), w.end)) as ChunkLike[]));
          for (const chunk of mergeChunks(chunks)) {
            const feeder = new BamRecordFeeder(refId, sink);
            await readBgzfChunk(src, chunk, (data) => feeder.push(data));
          }
        } catch (e) {
          if (e instanceof InputError) throw e;
          throw new InputError(where, `cannot read the alignments (${(e as Error).message.split('\n')[0]})`);
        }
      }),
    close: async () => {
      await src.close();
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
  const fai = spec.referenceIndex ?? `${ref}.fai`;
  if (!(await exists(fai))) throw new InputError(ref, `no FASTA index: expected ${fai} (make one with 'samtools faidx ${ref}')`);
  if (gz && !(await exists(`${ref}.gzi`))) throw new InputError(ref, `a bgzipped FASTA needs ${ref}.gzi too (samtools faidx makes it)`);
  // Loaded on first use: @gmod/cram (with its codecs) is large, and BAM-only runs should not pay for it.
  const [{ CraiIndex, IndexedCramFile }, { BgzipIndexedFasta, IndexedFasta }] = await Promise.all([import('@gmod/cram'), import('@gmod/indexedfasta')]);
  const fasta = gz ? new BgzipIndexedFasta({ path: ref, faiPath: fai, gziPath: `${ref}.gzi` }) : new IndexedFasta({ path: ref, faiPath: fai });
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
      countWith(queries, contigIndex, opts, async (contig, ws) => {
        for (const w of ws) {
          let recs: CramRecord[];
          try {
            recs = await cram.getRecordsForRange(contigIndex.get(contig) ?? missingValue('contigIndex.get(contig)'), w.start + 1, w.end);
          } catch (e) {
            if (e instanceof InputError) throw e;
            throw new InputError(`${file}:${contig}:${w.start + 1}-${w.end}`, `cannot read the alignments (${(e as Error).message.split('\n')[0]})`);
          }
          recs.sort((a, b) => a.alignmentStart - b.alignmentStart);
          countOverRegion(w.counters, recs.map(cramAligned), opts);
        }
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
