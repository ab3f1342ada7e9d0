/**
 * Allele counting at given positions from aligned reads: the pile-up rules, independent of BAM or CRAM.
 *
 * Semantics (chosen to agree with `samtools mpileup -B -A -q 20 -Q 20 --ff UNMAP,SECONDARY,QCFAIL,DUP,SUPPLEMENTARY`,
 * which the tests check read for read):
 * - A read is used when none of `excludeFlags` is set and its mapping quality is >= `minMappingQuality`
 *   (255, "unavailable", passes as samtools does).
 * - SNV: the read's base at the position; reads with a deletion or reference skip there are not counted.
 *   Its base quality must be >= `minBaseQuality`.
 * - Indel (VCF-style, left-aligned, REF and ALT sharing the first base): the read's base at the anchor (POS) must
 *   pass `minBaseQuality`, as the indel hangs off that base in a pile-up. ALT = the read has exactly that insertion
 *   (same inserted bases) or a deletion of that length right after the anchor; REF = the read continues aligned to
 *   the next base with no indel; OTHER = a different indel there. Reads that end (or are clipped, or skip) right
 *   after the anchor cannot tell and are not counted. Indels written elsewhere in a repeat (not left-aligned) are
 *   not recognised: left-align the BAM (e.g. GATK LeftAlignIndels) and the VCF (bcftools norm) first.
 * - MNV (REF and ALT of the same length > 1): every base of the span must be aligned (no indel inside, else OTHER);
 *   the lowest base quality of the span is the one filtered.
 * - Overlapping mates (paired reads with the same name over the same position) are one fragment, counted once,
 *   with samtools' rule (htslib `tweak_overlap_quality`): equal bases -> the later mate keeps min(qa + qb, 200),
 *   the earlier 0; different bases -> the mate with the higher quality keeps 0.8 x its quality (the later one
 *   on a tie), the other 0; then the base-quality filter applies. `mergeOverlappingMates: false` counts both.
 */

import { missingValue } from '@her2scope/core/errors';

export const BAM_FLAG = {
  PAIRED: 0x1,
  UNMAPPED: 0x4,
  SECONDARY: 0x100,
  QC_FAIL: 0x200,
  DUPLICATE: 0x400,
  SUPPLEMENTARY: 0x800,
} as const;

export interface ReadFilterOptions {
  /** Minimum mapping quality (default 20). */
  minMappingQuality?: number;
  /** Minimum base quality at the position (default 20). */
  minBaseQuality?: number;
  /** Reads with any of these SAM flag bits are skipped (default unmapped, secondary, QC-fail, duplicate, supplementary = 0xF04). */
  excludeFlags?: number;
  /** Count overlapping mates of a pair once, as samtools does (default true). */
  mergeOverlappingMates?: boolean;
}

export const DEFAULT_READ_FILTERS: Required<ReadFilterOptions> = {
  minMappingQuality: 20,
  minBaseQuality: 20,
  excludeFlags: BAM_FLAG.UNMAPPED | BAM_FLAG.SECONDARY | BAM_FLAG.QC_FAIL | BAM_FLAG.DUPLICATE | BAM_FLAG.SUPPLEMENTARY,
  mergeOverlappingMates: true,
};

/** A variant to count: VCF coordinates (1-based POS) and alleles. */
export interface AlleleQuery {
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
}

export type AlleleKind = 'snv' | 'mnv' | 'insertion' | 'deletion' | 'complex';

export interface AlleleCounts extends AlleleQuery {
  kind: AlleleKind;
  refReads: number;
  altReads: number;
  otherReads: number;
  /** refReads + altReads + otherReads: the reads that pass the filters and are informative at the position. */
  depth: number;
  /** Why nothing was counted: the contig is not in the file, or the allele kind is not supported (complex). */
  note?: string;
}

/** One alignment, as BAM and CRAM records both provide it. */
export interface AlignedRead {
  /** 0-based leftmost aligned reference position. */
  start: number;
  flags: number;
  /** 0-255 (255 = unavailable). */
  mapq: number;
  name: string;
  /** BAM-encoded CIGAR: (length << 4) | op, op 0=M 1=I 2=D 3=N 4=S 5=H 6=P 7== 8=X. */
  cigar: ArrayLike<number>;
  /** Upper-case base character code at read index i. */
  base(i: number): number;
  /** Phred base quality at read index i (255 when the read has none). */
  qual(i: number): number;
}

const OP_M = 0;
const OP_I = 1;
const OP_D = 2;
const OP_N = 3;
const OP_S = 4;
const OP_EQ = 7;
const OP_X = 8;
const consumesRef = (op: number) => op === OP_M || op === OP_D || op === OP_N || op === OP_EQ || op === OP_X;
const isMatch = (op: number) => op === OP_M || op === OP_EQ || op === OP_X;

export function alleleKind(ref: string, alt: string): AlleleKind {
  if (ref.length === 1 && alt.length === 1) return 'snv';
  if (ref.length === alt.length) return 'mnv';
  if (ref.length === 1 && alt.length > 1 && (alt[0] ?? missingValue('alt[0]')).toUpperCase() === ref.toUpperCase()) return 'insertion';
  if (alt.length === 1 && ref.length > 1 && (ref[0] ?? missingValue('ref[0]')).toUpperCase() === alt.toUpperCase()) return 'deletion';
  return 'complex';
}

/** Reference end (exclusive, 0-based) of an alignment. */
export function alignmentEnd(r: AlignedRead): number {
  let end = r.start;
  const c = r.cigar;
  for (let i = 0; i < c.length; i++) {
    const op = (c[i] ?? missingValue('c[i]')) & 0xf;
    if (consumesRef(op)) end += (c[i] ?? missingValue('c[i]')) >>> 4;
  }
  return end;
}

const REF = 0;
const ALT = 1;
const OTHER = 2;

/** One read's observation at a site, before the base-quality filter (kept in parallel arrays, no objects). */
const NO_ENTRY = -1;

/** The running count for one query. */
export class SiteCounter {
  readonly query: AlleleQuery;
  readonly kind: AlleleKind;
  /** 0-based anchor position. */
  readonly anchor: number;
  private readonly refU: string;
  private readonly altU: string;
  private cls = new Uint8Array(64);
  private bases = new Uint8Array(64);
  private quals = new Uint16Array(64);
  private n = 0;
  private readonly mates = new Map<string, number>();
  // the last classification (set by classify)
  private eCls = 0;
  private eBase = 0;
  private eQ = 0;
  constructor(query: AlleleQuery) {
    this.query = query;
    this.refU = query.ref.toUpperCase();
    this.altU = query.alt.toUpperCase();
    this.kind = alleleKind(this.refU, this.altU);
    this.anchor = query.pos - 1;
  }

  /** Reference span (0-based, exclusive end) a read must reach into to be looked at. */
  get lastNeeded(): number {
    return this.kind === 'mnv' ? this.anchor + this.refU.length - 1 : this.anchor;
  }

  add(read: AlignedRead, merge: boolean): void {
    if (!this.classify(read)) return;
    if (this.n === this.cls.length) {
      const grow = <T extends Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.cls = grow(this.cls, (k) => new Uint8Array(k));
      this.bases = grow(this.bases, (k) => new Uint8Array(k));
      this.quals = grow(this.quals, (k) => new Uint16Array(k));
    }
    const i = this.n++;
    this.cls[i] = this.eCls;
    this.bases[i] = this.eBase;
    this.quals[i] = this.eQ;
    if (merge && read.flags & BAM_FLAG.PAIRED) {
      const name = read.name;
      const m = this.mates.get(name) ?? NO_ENTRY;
      if (m !== NO_ENTRY) {
        // htslib tweak_overlap_quality(a = this later read, b = the earlier mate)
        const qa = this.quals[i];
        const qb = this.quals[m] ?? missingValue('this.quals[m]');
        if (this.bases[m] === this.bases[i]) {
          this.quals[i] = Math.min(200, qa + qb);
          this.quals[m] = 0;
        } else if (qa >= qb) {
          this.quals[i] = Math.floor(0.8 * qa);
          this.quals[m] = 0;
        } else {
          this.quals[m] = Math.floor(0.8 * qb);
          this.quals[i] = 0;
        }
        this.mates.delete(name);
      } else this.mates.set(name, i);
    }
  }

  result(minBaseQuality: number): AlleleCounts {
    const n = [0, 0, 0];
    for (let i = 0; i < this.n; i++) {
      if ((this.quals[i] ?? missingValue('this.quals[i]')) < minBaseQuality) continue;
      const c = this.cls[i] ?? missingValue('this.cls[i]');
      n[c] = (n[c] ?? missingValue('n[c]')) + 1;
    }
    const out: AlleleCounts = { ...this.query, kind: this.kind, refReads: n[REF] ?? missingValue('n[REF]'), altReads: n[ALT] ?? missingValue('n[ALT]'), otherReads: n[OTHER] ?? missingValue('n[OTHER]'), depth: (n[0] ?? missingValue('n[0]')) + (n[1] ?? missingValue('n[1]')) + (n[2] ?? missingValue('n[2]')) };
    if (this.kind === 'complex') out.note = 'complex allele (REF and ALT differ in length and first base): not counted';
    return out;
  }

  private set(cls: number, base: number, q: number): true {
    this.eCls = cls;
    this.eBase = base;
    this.eQ = q;
    return true;
  }

  private classify(r: AlignedRead): boolean {
    if (this.kind === 'complex') return false;
    const c = r.cigar;
    let refPos = r.start;
    let qi = 0;
    for (let k = 0; k < c.length; k++) {
      const op = (c[k] ?? missingValue('c[k]')) & 0xf;
      const len = (c[k] ?? missingValue('c[k]')) >>> 4;
      if (isMatch(op)) {
        if (this.anchor >= refPos && this.anchor < refPos + len) {
          const at = qi + (this.anchor - refPos);
          const base = r.base(at);
          const q = r.qual(at);
          if (this.kind === 'snv') {
            const cls = base === this.refU.charCodeAt(0) ? REF : base === this.altU.charCodeAt(0) ? ALT : OTHER;
            return this.set(cls, base, q);
          }
          if (this.kind === 'mnv') return this.classifyMnv(r, k, refPos, qi);
          // indel: what follows the anchor?
          if (this.anchor < refPos + len - 1) return this.set(REF, base, q);
          const next = k + 1 < c.length ? c[k + 1] ?? missingValue('c[k + 1]') : -1;
          if (next < 0) return false;
          const nop = next & 0xf;
          const nlen = next >>> 4;
          if (isMatch(nop)) return this.set(REF, base, q);
          if (nop === OP_I) {
            // an insertion at the read's end (soft clip / end after it) still names its bases
            if (this.kind !== 'insertion' || nlen !== this.altU.length - 1) return this.set(OTHER, base, q);
            for (let i = 0; i < nlen; i++) if (r.base(at + 1 + i) !== this.altU.charCodeAt(1 + i)) return this.set(OTHER, base, q);
            return this.set(ALT, base, q);
          }
          if (nop === OP_D) return this.set(this.kind === 'deletion' && nlen === this.refU.length - 1 ? ALT : OTHER, base, q);
          return false; // N, S, H, P: the read does not say
        }
        refPos += len;
        qi += len;
      } else if (op === OP_I || op === OP_S) {
        qi += len;
      } else if (op === OP_D || op === OP_N) {
        if (this.anchor >= refPos && this.anchor < refPos + len) return false; // deleted / skipped here
        refPos += len;
      }
    }
    return false;
  }

  private classifyMnv(r: AlignedRead, k0: number, refPos0: number, qi0: number): boolean {
    const c = r.cigar;
    const L = this.refU.length;
    let refPos = refPos0;
    let qi = qi0;
    let got = '';
    let q = 255;
    let anchorBase = 0;
    for (let k = k0; k < c.length && got.length < L; k++) {
      const op = (c[k] ?? missingValue('c[k]')) & 0xf;
      const len = (c[k] ?? missingValue('c[k]')) >>> 4;
      if (isMatch(op)) {
        for (let j = 0; j < len && got.length < L; j++) {
          const p = refPos + j;
          if (p < this.anchor) continue;
          const b = r.base(qi + j);
          if (got.length === 0) anchorBase = b;
          got += String.fromCharCode(b);
          q = Math.min(q, r.qual(qi + j));
        }
        refPos += len;
        qi += len;
      } else if (op === OP_I || op === OP_D) {
        if (got.length > 0) return this.set(OTHER, anchorBase, q);
        if (op === OP_I) qi += len;
        else refPos += len;
      } else return false; // N, S, H: the span is not fully aligned
    }
    if (got.length < L) return false;
    return this.set(got === this.refU ? REF : got === this.altU ? ALT : OTHER, anchorBase, q);
  }
}

/**
 * Count every query over the reads of one region. `reads` must be in coordinate order (as an indexed BAM/CRAM
 * returns them) so that the later mate of an overlapping pair is the one samtools keeps.
 */
export function countOverRegion(counters: SiteCounter[], reads: Iterable<AlignedRead>, opts: Required<ReadFilterOptions>): void {
  const sink = readSink(counters, opts);
  for (const r of reads) sink(r);
}

/** A function that counts one read into every counter it overlaps (counters sorted by anchor). */
export function readSink(counters: SiteCounter[], opts: Required<ReadFilterOptions>): (r: AlignedRead) => void {
  const anchors = counters.map((s) => s.anchor);
  return (r) => {
    if (r.flags & opts.excludeFlags) return;
    if (r.mapq < opts.minMappingQuality) return;
    const end = alignmentEnd(r);
    // first counter whose anchor >= r.start
    let lo = 0;
    let hi = anchors.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((anchors[mid] ?? missingValue('anchors[mid]')) < r.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < counters.length && (anchors[i] ?? missingValue('anchors[i]')) < end; i++) (counters[i] ?? missingValue('counters[i]')).add(r, opts.mergeOverlappingMates);
  };
}
