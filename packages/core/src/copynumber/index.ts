/**
 * Gene-level copy number from sequencing (pure). Readers are in @her2scope/formats/copynumber.
 *
 * Rules, each with its source (docs/reads.md, "Copy number"):
 * - Absolute copy number from a log2 copy ratio v with tumour purity p and tumour ploidy t (ABSOLUTE, Carter SL et
 *   al. Nat Biotechnol 2012;30:413-421: R = (p*q + 2(1-p)) / D, D = p*t + 2(1-p)):
 *       q = (2^v * (p*t + 2(1-p)) - 2(1-p)) / p
 *   For t = 2 this is CNVkit's `call --purity` rescaling, n = (r*2^v - x*(1-p)) / p with r = x = 2
 *   (cnvlib/call.py `_log2_ratio_to_absolute`).
 * - Without purity, a log2 ratio is called with CNVkit's default threshold method (cnvlib/call.py
 *   `absolute_threshold`, thresholds -1.1, -0.25, 0.2, 0.7 -> 0, 1, 2, 3 copies; above 0.7, ceil(2 * 2^v)). These
 *   thresholds assume about 50% tumour content (CNVkit's docstring).
 * - Integer copy number -> category by the NCI Genomic Data Commons rule ("How are the five categories of copy
 *   number changes determined?", gdc.cancer.gov): homozygous (deep) deletion CN = 0; loss 0 < CN < ploidy; neutral
 *   CN = ploidy; gain ploidy < CN < 2 x ploidy; amplification CN >= 2 x ploidy (ploidy rounded to an integer).
 * - Gene coordinates: GRCh38, Ensembl gene spans (see GENES below).
 */

import { missingValue } from '../errors.ts';

export type CnStatus = 'amplification' | 'gain' | 'neutral' | 'loss' | 'deep-deletion';

export interface GeneLocus {
  gene: string;
  chrom: string;
  /** 1-based inclusive, GRCh38. */
  start: number;
  end: number;
  source: string;
}

/**
 * Breast-cancer copy-number genes, GRCh38 (Ensembl gene spans, checked against independent copies of the same
 * coordinates; CCND1's start is GENCODE v22's 69,641,087 in older releases, the span used here is Ensembl's).
 * Genes whose coordinates could not be verified are left out.
 */
export const CN_GENES: readonly GeneLocus[] = [
  { gene: 'ERBB2', chrom: 'chr17', start: 39687914, end: 39730426, source: 'Ensembl GRCh38 ENSG00000141736 (17:39,687,914-39,730,426)' },
  { gene: 'ESR1', chrom: 'chr6', start: 151656691, end: 152129619, source: 'Ensembl GRCh38 ENSG00000091831 (6:151,656,691-152,129,619)' },
  { gene: 'CCND1', chrom: 'chr11', start: 69641156, end: 69654474, source: 'Ensembl GRCh38 ENSG00000110092 (11:69,641,156-69,654,474)' },
  { gene: 'FGFR1', chrom: 'chr8', start: 38411138, end: 38468834, source: 'Ensembl GRCh38 ENSG00000077782 (8:38,411,138-38,468,834)' },
  { gene: 'MYC', chrom: 'chr8', start: 127735434, end: 127742951, source: 'Ensembl GRCh38 ENSG00000136997 (8:127,735,434-127,742,951)' },
  { gene: 'PTEN', chrom: 'chr10', start: 87863113, end: 87971930, source: 'Ensembl GRCh38 ENSG00000171862 (10:87,863,113-87,971,930)' },
];

export const CNVKIT_THRESHOLDS: readonly number[] = [-1.1, -0.25, 0.2, 0.7];

export const CN_RULE_SOURCES = {
  absolute: 'ABSOLUTE: Carter SL et al. Nat Biotechnol 2012;30:413-421 (= CNVkit call --purity for ploidy 2)',
  threshold: 'CNVkit call, threshold method, default thresholds -1.1/-0.25/0.2/0.7 (cnvlib/call.py)',
  categories: 'NCI GDC copy-number categories: 0 deep deletion; < ploidy loss; = ploidy neutral; < 2x ploidy gain; >= 2x ploidy amplification',
} as const;

/** One segment as the readers give it. Coordinates 1-based inclusive. */
export interface CnSegment {
  chrom: string;
  start: number;
  end: number;
  /** log2 copy ratio (CNVkit .cns, SEG seg.mean). */
  log2?: number | null;
  /** Absolute (integer or fractional) total copy number when the file states it (.call.cns cn, PCGR nMajor+nMinor, VCF CN). */
  copyNumber?: number | null;
}

export interface PurityPloidy {
  purity?: number | null;
  ploidy?: number | null;
}

function checkPP(pp: PurityPloidy): { purity: number | null; ploidy: number } {
  const purity = pp.purity ?? null;
  const ploidy = pp.ploidy ?? 2;
  if (purity !== null && !(purity > 0 && purity <= 1)) throw new RangeError(`purity must be in (0, 1] (got ${purity})`);
  if (!(ploidy > 0 && ploidy <= 10)) throw new RangeError(`ploidy must be in (0, 10] (got ${ploidy})`);
  return { purity, ploidy };
}

/** Absolute copy number from a log2 ratio, purity and ploidy (ABSOLUTE); pure sample when purity is null/1. */
export function absoluteCopyNumber(log2: number, pp: PurityPloidy = {}): number {
  const { purity, ploidy } = checkPP(pp);
  const r = 2 ** log2;
  if (purity === null || purity === 1) return r * ploidy;
  const n = (r * (purity * ploidy + 2 * (1 - purity)) - 2 * (1 - purity)) / purity;
  return Math.max(0, n);
}

/** CNVkit's threshold call for a diploid autosome: integer copies. */
export function cnvkitThresholdCall(log2: number, thresholds: readonly number[] = CNVKIT_THRESHOLDS): number {
  for (let i = 0; i < thresholds.length; i++) if (log2 <= (thresholds[i] ?? missingValue('thresholds[i]'))) return i;
  return Math.ceil(2 * 2 ** log2);
}

/** GDC category of an integer copy number at a (rounded) sample ploidy. */
export function cnCategory(copyNumber: number, ploidy = 2): CnStatus {
  const cn = Math.round(copyNumber);
  const p = Math.max(1, Math.round(ploidy));
  if (cn <= 0) return 'deep-deletion';
  if (cn < p) return 'loss';
  if (cn === p) return 'neutral';
  if (cn < 2 * p) return 'gain';
  return 'amplification';
}

export interface GeneCopyNumber {
  gene: string;
  status: CnStatus;
  /** Copy number used for the call (rounded to 0.1). */
  copyNumber: number;
  /** Overlap-weighted log2 ratio, when the segments carry one. */
  log2: number | null;
  /** How the copy number was obtained. */
  method: 'stated' | 'purity-adjusted' | 'cnvkit-threshold';
  /** Fraction of the gene covered by segments (1 = whole gene). */
  coverage: number;
  /** e.g. "ERBB2 amplification (copy number 12.4; log2 2.64; purity 60%, ploidy 2)". */
  text: string;
  sources: string[];
  /**
   * The segments the call rests on: their span (1-based inclusive), its size in bases and how many segments
   * (optional: analyses stored before this field lack it).
   */
  segment?: { chrom: string; start: number; end: number; size: number; count: number };
  /**
   * Which rule made the call, with its numbers: the category cut-off at this ploidy (NCI GDC), how the copy number
   * was obtained (stated, purity-adjusted with the purity used, or CNVkit's log2 thresholds) and the segment, e.g.
   * "copy number 13.3 (rounded 13) ≥ 4 (2 × ploidy 2): amplification (NCI GDC); from log2 2.31 at purity 70%,
   * ploidy 2 (ABSOLUTE); segment chr17:39,500,001-39,900,000 (400 kb)". Optional as `segment`.
   */
  rule?: string;
}

/**
 * Gene-level status from the segments overlapping the gene: overlap-weighted mean of the stated copy number (if
 * every overlapping segment has one), else of the log2 ratio, converted as above. null when no segment overlaps.
 */
export function geneCopyNumber(segments: readonly CnSegment[], locus: GeneLocus, pp: PurityPloidy = {}): GeneCopyNumber | null {
  const { purity, ploidy } = checkPP(pp);
  const norm = (c: string) => c.replace(/^chr/i, '');
  const want = norm(locus.chrom);
  const hits = segments
    .filter((s) => norm(s.chrom) === want && s.start <= locus.end && s.end >= locus.start)
    .map((s) => ({ s, w: Math.min(s.end, locus.end) - Math.max(s.start, locus.start) + 1 }));
  if (hits.length === 0) return null;
  const total = hits.reduce((a, h) => a + h.w, 0);
  const coverage = total / (locus.end - locus.start + 1);
  const mean = (f: (s: CnSegment) => number) => hits.reduce((a, h) => a + f(h.s) * h.w, 0) / total;
  const allCn = hits.every((h) => typeof h.s.copyNumber === 'number' && Number.isFinite(h.s.copyNumber));
  const allLog2 = hits.every((h) => typeof h.s.log2 === 'number' && Number.isFinite(h.s.log2));
  const log2 = allLog2 ? mean((s) => (s.log2 ?? missingValue('s.log2'))) : null;
  let cn: number;
  let method: GeneCopyNumber['method'];
  const sources: string[] = [locus.source, CN_RULE_SOURCES.categories];
  if (allCn) {
    cn = mean((s) => (s.copyNumber ?? missingValue('s.copyNumber')));
    method = 'stated';
  } else if (log2 !== null && purity !== null) {
    cn = absoluteCopyNumber(log2, { purity, ploidy });
    method = 'purity-adjusted';
    sources.push(CN_RULE_SOURCES.absolute);
  } else if (log2 !== null) {
    cn = ploidy === 2 ? cnvkitThresholdCall(log2) : absoluteCopyNumber(log2, { ploidy });
    method = ploidy === 2 ? 'cnvkit-threshold' : 'purity-adjusted';
    sources.push(ploidy === 2 ? CN_RULE_SOURCES.threshold : CN_RULE_SOURCES.absolute);
  } else return null;
  const status = cnCategory(cn, ploidy);
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const segment = { chrom: hits[0]?.s.chrom ?? locus.chrom, start: Math.min(...hits.map((h) => h.s.start)), end: Math.max(...hits.map((h) => h.s.end)), size: 0, count: hits.length };
  segment.size = segment.end - segment.start + 1;
  const how =
    method === 'stated'
      ? 'as stated by the caller'
      : method === 'purity-adjusted'
        ? `from log2 ${Number((log2 ?? 0).toFixed(2))} at ${purity !== null ? `purity ${Math.round(purity * 100)}%` : 'purity 100% (not given)'}, ploidy ${ploidy} (ABSOLUTE)`
        : `from log2 ${Number((log2 ?? 0).toFixed(2))} by CNVkit's thresholds ${CNVKIT_THRESHOLDS.join('/')} (no purity given; they assume about 50% tumour content)`;
  const rule = `copy number ${round1(cn)}${Number.isInteger(round1(cn)) ? '' : ` (rounded ${Math.round(cn)})`} ${categoryCutoff(status, ploidy)} (NCI GDC); ${how}; ${segmentText(segment)}`;
  const bits = [`copy number ${round1(cn)}`];
  if (log2 !== null) bits.push(`log2 ${Number(log2.toFixed(2))}`);
  if (method === 'purity-adjusted' && purity !== null) bits.push(`purity ${Math.round(purity * 100)}%`);
  bits.push(`ploidy ${ploidy}`);
  if (coverage < 0.999) bits.push(`segments cover ${Math.round(coverage * 100)}% of the gene`);
  return { gene: locus.gene, status, copyNumber: round1(cn), log2: log2 === null ? null : Number(log2.toFixed(4)), method, coverage, text: `${locus.gene} ${status.replace('-', ' ')} (${bits.join('; ')})`, sources, segment, rule };
}

/** "≥ 4 (2 × ploidy 2): amplification": the NCI GDC cut-off that puts an integer copy number in its category. */
export function categoryCutoff(status: CnStatus, ploidy = 2): string {
  const p = Math.max(1, Math.round(ploidy));
  switch (status) {
    case 'amplification':
      return `≥ ${2 * p} (2 × ploidy ${p}): amplification`;
    case 'gain':
      return `> ${p} and < ${2 * p} (ploidy ${p} to 2 × ploidy): gain`;
    case 'neutral':
      return `= ploidy ${p}: neutral`;
    case 'loss':
      return `> 0 and < ploidy ${p}: loss`;
    default:
      return '0: deep deletion';
  }
}

/** Thousands separators, as genome browsers print coordinates. */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** "400 kb", "1.2 Mb", "950 bp": a segment size for text (3 significant digits at most). */
export function sizeText(bases: number): string {
  if (bases >= 1e6) return `${Number((bases / 1e6).toPrecision(3))} Mb`;
  if (bases >= 1e3) return `${Number((bases / 1e3).toPrecision(3))} kb`;
  return `${bases} bp`;
}

/** "segment chr17:39,500,001-39,900,000 (400 kb)", or "2 segments ... " when several overlap the gene. */
export function segmentText(s: { chrom: string; start: number; end: number; size: number; count: number }): string {
  return `${s.count === 1 ? 'segment' : `${s.count} segments spanning`} ${s.chrom}:${grouped(s.start)}-${grouped(s.end)} (${sizeText(s.size)})`;
}

/** Every gene in `genes` (default CN_GENES) that the segments cover. */
export function geneCopyNumbers(segments: readonly CnSegment[], pp: PurityPloidy = {}, genes: readonly GeneLocus[] = CN_GENES): GeneCopyNumber[] {
  return genes.map((g) => geneCopyNumber(segments, g, pp)).filter((g): g is GeneCopyNumber => g !== null);
}

// ---------------------------------------------------------------- ERBB2 NGS vs IHC/ISH

/** The HER2 result of the same sample, as plain values (from the classification, or what the report has). */
export interface Her2Plain {
  ihc?: '0' | '1+' | '2+' | '3+' | null;
  /** Dual- or single-probe ISH called amplified (ASCO/CAP positive ISH), when ISH was done. */
  ishAmplified?: boolean | null;
  /** The ASCO/CAP status, when known. */
  status?: 'positive' | 'negative' | 'equivocal' | null;
}

export interface Erbb2Reconciliation {
  concordance: 'concordant' | 'discordant' | 'supportive' | 'not-assessable';
  text: string;
  source: string;
}

const RECONCILE_SOURCE =
  'ASCO/CAP HER2 testing (Wolff AC et al. J Clin Oncol 2018;36:2105-2122; 2023 update): HER2 status is set by IHC and ISH; consider all prior and concurrent HER2 results because of heterogeneity and pre-analytic variation';

/**
 * Reconcile ERBB2 copy number by sequencing with IHC/ISH in the same sample. NGS does not replace IHC/ISH: a
 * disagreement is flagged for review (repeat or reflex ISH, tumour content, heterogeneity), never resolved here.
 */
export function reconcileErbb2(ngs: CnStatus | null, her2: Her2Plain): Erbb2Reconciliation {
  const ihc = her2.ihc ?? null;
  const ish = her2.ishAmplified ?? null;
  const protein = ihc === '3+' || ish === true || her2.status === 'positive';
  const ihcText = ihc ? `IHC ${ihc}` : ish !== null ? `ISH ${ish ? 'amplified' : 'not amplified'}` : her2.status ? `HER2 ${her2.status}` : null;
  const r = (concordance: Erbb2Reconciliation['concordance'], text: string): Erbb2Reconciliation => ({ concordance, text, source: RECONCILE_SOURCE });
  if (ngs === null) return r('not-assessable', 'ERBB2 copy number not available from sequencing');
  if (ihcText === null) return r('not-assessable', `ERBB2 ${ngs.replace('-', ' ')} by NGS; no IHC/ISH in this sample to compare`);
  const ngsText = ngs === 'amplification' ? 'NGS amplified' : `NGS ${ngs.replace('-', ' ')}`;
  if (ngs === 'amplification') {
    if (protein) return r('concordant', `ERBB2 amplified by NGS, concordant with ${ish === true && ihc !== '3+' ? 'ISH amplified' : ihcText}`);
    if (ish === false) return r('discordant', `${ngsText} but ISH not amplified${ihc ? ` (IHC ${ihc})` : ''} — discordant: review tumour content and heterogeneity; consider repeat ISH`);
    if (ihc === '2+') return r('supportive', `${ngsText}, IHC 2+ (equivocal) — ISH decides; NGS supports amplification`);
    return r('discordant', `${ngsText} but ${ihcText} — discordant: consider ISH / heterogeneity`);
  }
  if (protein) return r('discordant', `${ish === true && ihc !== '3+' ? 'ISH amplified' : ihcText} but ${ngsText} — discordant: check tumour content (purity) of the sequenced sample and heterogeneity`);
  return r('concordant', `${ngsText}, concordant with ${ihcText}`);
}

/** A copy-number change between two samples (for the interpretation's `changes`, kind `cn-change`). */
export interface CnChange {
  gene: string;
  from: CnStatus;
  to: CnStatus;
  detail: string;
}

/** Gene-level status changes between an earlier and a later sample (genes called in both). */
export function copyNumberChanges(earlier: readonly GeneCopyNumber[], later: readonly GeneCopyNumber[]): CnChange[] {
  const before = new Map(earlier.map((g) => [g.gene, g]));
  const out: CnChange[] = [];
  for (const g of later) {
    const b = before.get(g.gene);
    if (!b || b.status === g.status) continue;
    out.push({ gene: g.gene, from: b.status, to: g.status, detail: `${g.gene}: ${b.status.replace('-', ' ')} (copy number ${b.copyNumber}) -> ${g.status.replace('-', ' ')} (copy number ${g.copyNumber})` });
  }
  return out;
}
