/**
 * Serial plasma ctDNA (pure): detection limit from depth, clonal-haematopoiesis (CH) flags with the matched
 * white-blood-cell (WBC) sample, and VAF trajectories across draws. Documented in docs/reads.md ("Serial ctDNA").
 */
import { fisherExactTest } from '../stats/fisher.ts';
import { wilsonInterval } from '../stats/proportion.ts';
import { DEFAULT_ALPHA, DEFAULT_ERROR_RATE, DEFAULT_POWER, binomialUpperTail, cancerCellFraction, detectionLimit, formatPercent, pText, vafUpperBound } from '../reads/index.ts';
import { missingValue } from '../errors.ts';

// ---------------------------------------------------------------- detection limit

export interface DetectionLimit {
  depth: number;
  /** Alt reads needed for a call significant against the error rate (one-sided binomial, alpha). */
  minAltReads: number;
  /** Smallest VAF with >= power to reach minAltReads; null when the depth cannot. */
  vaf: number | null;
  text: string;
}

/**
 * The detection limit of a plasma draw at a position: a variant is called when its alt reads are significant
 * against the per-base error rate (the smallest such count, `minSignificantAltReads`), and the limit is the
 * smallest VAF that reaches that count with 95% power (docs/reads.md).
 */
export function ctdnaDetectionLimit(depth: number, opts: { errorRate?: number; alpha?: number; power?: number } = {}): DetectionLimit {
  const errorRate = opts.errorRate ?? DEFAULT_ERROR_RATE;
  const power = opts.power ?? DEFAULT_POWER;
  const { minAltReads: k, vaf } = detectionLimit(depth, opts);
  return {
    depth,
    minAltReads: k,
    vaf,
    text: vaf === null ? `depth ${depth}: too shallow for a call above the ${formatPercent(errorRate)} error rate` : `depth ${depth}: ${k} alt reads needed; ≥${formatPercent(power)} power for VAF ≥ ${formatPercent(vaf)}`,
  };
}

// ---------------------------------------------------------------- share of ctDNA carrying a variant

export const CTDNA_CCF_SOURCE =
  'cancer cell fraction by the ABSOLUTE model (Carter SL et al. Nat Biotechnol 2012;30:413-421) with the plasma tumour fraction in the place of purity; cell-free DNA mutations compared with the tumour by cancer cell fraction in Adalsteinsson VA et al. Nat Commun 2017 (doi:10.1038/s41467-017-00965-y, Fig. 3)';

export interface CtdnaFraction {
  /** Estimated fraction of the tumour-derived (ct)DNA carrying the variant, capped at 1. */
  ccf: number;
  /** 95% interval of that fraction (from the Wilson interval of the VAF), when the reads are known; capped at 1. */
  ccf95: [number, number] | null;
  /** subclonal: the 95% interval lies wholly below 1 (the rule of reads/index.ts); null without reads. */
  clonality: 'clonal' | 'subclonal' | null;
  /** "VAF 0.2% at tumour fraction 2%: ≈20% of ctDNA (95% CI 11%-37%), subclonal; …". */
  text: string;
}

/**
 * The share of ctDNA carrying a plasma variant (review-s3 #16): the cancer-cell-fraction model of reads/index.ts with
 * the draw's tumour fraction t as purity, assuming the variant is on one of two copies (heterozygous, no copy change
 * at the locus, multiplicity 1): CCF = VAF x (2t + 2(1 - t)) / t = 2 VAF / t. At t = 2% a 0.2% VAF is ≈20% of the
 * ctDNA. With two mutant copies (multiplicity 2, e.g. after a gain of the mutant allele) the estimate halves: the
 * text says so. "Subclonal" follows the rule of reads/index.ts (the 95% interval from the Wilson interval of the VAF
 * lies wholly below 1). The tumour fraction is itself an estimate, and its error carries into this one.
 */
export function ctdnaFraction(vaf: number, tumorFraction: number, reads?: { altReads: number; depth: number } | null): CtdnaFraction {
  if (!(vaf >= 0 && vaf <= 1)) throw new RangeError(`VAF must be in [0, 1] (got ${vaf})`);
  if (!(tumorFraction > 0 && tumorFraction <= 1)) throw new RangeError(`tumour fraction must be in (0, 1] (got ${tumorFraction})`);
  const model = { purity: tumorFraction };
  const raw = cancerCellFraction(vaf, model);
  let ccf95: [number, number] | null = null;
  let clonality: CtdnaFraction['clonality'] = null;
  if (reads && reads.depth > 0) {
    const [lo, hi] = wilsonInterval(reads.altReads, reads.depth);
    ccf95 = [Math.min(1, cancerCellFraction(lo, model)), Math.min(1, cancerCellFraction(hi, model))];
    clonality = ccf95[1] < 1 ? 'subclonal' : 'clonal';
  }
  const share = raw >= 1 ? '≈100% of ctDNA (the estimate exceeds 100%: the copies assumed or the tumour fraction are off)' : `≈${formatPercent(raw)} of ctDNA`;
  const ci = ccf95 ? ` (95% CI ${formatPercent(ccf95[0])}-${formatPercent(ccf95[1])}), ${clonality}` : '';
  const half = raw < 1 ? `; with 2 mutant copies it would be ≈${formatPercent(raw / 2)}` : '';
  return { ccf: Math.min(1, raw), ccf95, clonality, text: `VAF ${formatPercent(vaf)} at tumour fraction ${formatPercent(tumorFraction)}: ${share}${ci}; cancer cell fraction estimate assuming one mutant copy of two (heterozygous, no copy change at the locus)${half}` };
}

/**
 * What a plasma call's p-value means and the per-position alpha (review-s3 #16): stated once in the ctDNA summary.
 * No multiple-testing correction is applied (none is cited for this use); the note says what follows from that.
 */
export function perPositionAlphaNote(opts: { errorRate?: number; alpha?: number } = {}): string {
  const e = formatPercent(opts.errorRate ?? DEFAULT_ERROR_RATE);
  const a = opts.alpha ?? DEFAULT_ALPHA;
  return `Each position is tested on its own: a call needs alt reads whose one-sided binomial p-value is below ${a}, the p-value being the probability of at least that many alt reads from sequencing error alone (${e} per base) if the variant were absent. No correction for the number of positions is made: of the positions of a panel that do not carry the variant, up to ${Math.round(a * 100)} in 100 may reach a call by error alone; a first detection at the detection limit is marked and needs the next draw to confirm it.`;
}

// ---------------------------------------------------------------- clonal haematopoiesis

export interface ChGene {
  gene: string;
  /** When set, only these protein changes count (JAK2: V617F). */
  only?: string[];
  source: string;
}

const CH_2014 =
  'Jaiswal S et al. N Engl J Med 2014;371:2488-2498 and Genovese G et al. N Engl J Med 2014;371:2477-2487 (blood exome studies); most frequently mutated CHIP genes DNMT3A, TET2, ASXL1, JAK2 (review, PMC7564336)';

/**
 * Genes whose variants in plasma may come from clonal haematopoiesis rather than the tumour. Each with the source
 * that names it. (Razavi P et al. Nat Med 2019 on cfDNA vs WBC sequencing could not be verified here and is not
 * cited.)
 */
export const CH_GENES: readonly ChGene[] = [
  { gene: 'DNMT3A', source: CH_2014 },
  { gene: 'TET2', source: CH_2014 },
  { gene: 'ASXL1', source: CH_2014 },
  { gene: 'JAK2', only: ['V617F'], source: `${CH_2014}; JAK2 p.V617F` },
  { gene: 'PPM1D', source: 'Zink F et al. Blood 2017;130:742-752 (TET2, DNMT3A, ASXL1 and PPM1D associated with clonal haematopoiesis)' },
  { gene: 'TP53', source: 'therapy-related clonal haematopoiesis: cancer therapy selects DNA-damage-response CH mutations in TP53, PPM1D, CHEK2 (Nat Genet 2020, PMC7891089)' },
  { gene: 'CHEK2', source: 'therapy-related clonal haematopoiesis: cancer therapy selects DNA-damage-response CH mutations in TP53, PPM1D, CHEK2 (Nat Genet 2020, PMC7891089)' },
];

/** CHIP is defined by a clone at VAF >= 2% in blood (Steensma DP et al. Blood 2015;126:9-16). */
export const CHIP_MIN_VAF = 0.02;
export const CHIP_SOURCE = 'CHIP: somatic clone in blood at VAF >= 2% (Steensma DP et al. Blood 2015;126:9-16)';

/** The CH gene entry for a gene (+ protein change), or null. */
export function chGene(gene: string, proteinChange?: string | null): ChGene | null {
  const g = CH_GENES.find((x) => x.gene === gene);
  if (!g) return null;
  if (g.only) {
    const p = (proteinChange ?? '').replace(/^p\./, '');
    if (!g.only.includes(p)) return null;
  }
  return g;
}

export type PlasmaOrigin = 'tumour' | 'presumed-tumour' | 'possible-chip' | 'chip' | 'germline';

export interface PlasmaOriginResult {
  origin: PlasmaOrigin;
  text: string;
  sources: string[];
}

export interface PlasmaVariantInput {
  gene: string;
  proteinChange?: string | null;
  /** VAF in plasma (for the white-cell power statement). */
  plasmaVaf: number;
  /** Reads at the position in the matched white-cell sample (the VCF's normal, or a look-back of its reads). */
  wbc?: { altReads: number; depth: number } | null;
}

/**
 * Where a plasma variant comes from. With the white-cell sample:
 * - alt reads significant against the error rate and the WBC VAF's 95% Wilson interval includes 0.5, or reaches
 *   0.99 -> germline (heterozygous / homozygous);
 * - significant otherwise -> CHIP (the clone is in the blood; below 2% VAF it is named clonal haematopoiesis below
 *   the CHIP definition);
 * - not significant and the WBC depth had >= 95% power to call the plasma VAF (the significant-count rule of
 *   reads/index.ts `detectionLimit`, the same as the plasma detection limit) -> tumour;
 * Without (or with too shallow) a white-cell sample: a CH gene -> possible CHIP; anything else -> presumed tumour.
 */
export function classifyPlasmaVariant(v: PlasmaVariantInput, opts: { errorRate?: number; alpha?: number; power?: number } = {}): PlasmaOriginResult {
  const errorRate = opts.errorRate ?? DEFAULT_ERROR_RATE;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const power = opts.power ?? DEFAULT_POWER;
  const ch = chGene(v.gene, v.proteinChange);
  const fallback = (why: string): PlasmaOriginResult =>
    ch
      ? { origin: 'possible-chip', text: `possible clonal haematopoiesis: ${v.gene} is a CH gene${why}`, sources: [ch.source] }
      : { origin: 'presumed-tumour', text: `presumed tumour-derived${why}`, sources: [] };
  const w = v.wbc;
  if (!w || w.depth === 0) return fallback(w ? '; no white-cell reads at the position' : '; no matched white-cell sample');
  const p = binomialUpperTail(w.altReads, w.depth, errorRate);
  const vaf = w.altReads / w.depth;
  const reads = `${w.altReads}/${w.depth} reads in white cells`;
  if (w.altReads > 0 && p < alpha) {
    const [lo, hi] = wilsonInterval(w.altReads, w.depth);
    if ((lo <= 0.5 && hi >= 0.5) || hi >= 0.99) {
      return { origin: 'germline', text: `germline (${hi >= 0.99 && lo > 0.5 ? 'homozygous' : 'heterozygous'}): ${reads} (VAF ${formatPercent(vaf)})`, sources: [] };
    }
    const below = vaf < CHIP_MIN_VAF ? ' (clonal haematopoiesis below the 2% CHIP definition)' : '';
    return { origin: 'chip', text: `CHIP: also in the white-cell sample, ${reads} (VAF ${formatPercent(vaf)}; binomial ${pText(p)} vs ${formatPercent(errorRate)} error)${below}`, sources: [CHIP_SOURCE, ...(ch ? [ch.source] : [])] };
  }
  const { minAltReads, vaf: lim } = detectionLimit(w.depth, { errorRate, alpha, power });
  const upper = vafUpperBound(w.altReads, w.depth);
  const bound = w.altReads === 0 && upper !== null ? ` (VAF < ${formatPercent(upper)}, 95% upper bound)` : '';
  const within = w.altReads > 0 ? `, within the ${formatPercent(errorRate)} error rate (binomial ${pText(p)})` : '';
  const rule = `a call needs ≥${minAltReads} alt read${minAltReads === 1 ? '' : 's'}`;
  if (lim !== null && lim <= v.plasmaVaf) {
    return { origin: 'tumour', text: `tumour-derived: absent from white cells, ${reads}${bound}${within}; ≥${formatPercent(power)} power for VAF ≥ ${formatPercent(lim)} (${rule})`, sources: [] };
  }
  const only = lim === null ? `too few reads for a call above the ${formatPercent(errorRate)} error rate` : `≥${formatPercent(power)} power only for VAF ≥ ${formatPercent(lim)} (${rule})`;
  return fallback(`; white cells too shallow to exclude it at the plasma VAF ${formatPercent(v.plasmaVaf)}: ${reads}${bound}${within}; ${only}`);
}

// ---------------------------------------------------------------- trajectories

export interface Draw {
  sample: string;
  /** ISO date YYYY-MM-DD. */
  date: string;
  /** VAF when detected; 0 or null when not detected in this draw. */
  vaf: number | null;
  /** Reads at the position (alt and total), when known: used for the trend test. */
  altReads?: number | null;
  depth?: number | null;
}

export type Trend = 'emerging' | 'rising' | 'falling' | 'steady' | 'cleared' | 'not-detected';

export interface Trajectory {
  trend: Trend;
  firstDetected: string | null;
  /** The draws, ordered by date. */
  points: Draw[];
  text: string;
}

/** Fold change used for the trend when read counts are missing (a convention, not a clinical rule). */
export const DEFAULT_FOLD = 2;

const detected = (d: Draw) => d.vaf !== null && d.vaf > 0;

function changed(a: Draw, b: Draw, alpha: number, fold: number): -1 | 0 | 1 {
  if (a.altReads != null && a.depth && b.altReads != null && b.depth) {
    const p = fisherExactTest([
      [a.altReads, a.depth - a.altReads],
      [b.altReads, b.depth - b.altReads],
    ]).pValue;
    if (p >= alpha) return 0;
    return b.altReads / b.depth > a.altReads / a.depth ? 1 : -1;
  }
  const r = (b.vaf ?? missingValue('b.vaf')) / (a.vaf ?? missingValue('a.vaf'));
  return r >= fold ? 1 : r <= 1 / fold ? -1 : 0;
}

/**
 * Trend of one variant across plasma draws (sorted by date here):
 * - not-detected: in no draw; cleared: detected before, not in the last draw;
 * - emerging: not detected in the first draw, detected in the last;
 * - rising / falling / steady: first vs last detected draw, by Fisher's exact test on the read counts (alpha 0.05)
 *   when both have them, else by a fold change of `fold` (default 2).
 * The first detection is marked "at the detection limit" (with its reads and binomial p against the error rate) when
 * its VAF is below the draw's 95%-power detection limit (`detectionLimit`): a draw at that depth would miss such a
 * VAF more than 5% of the time, so the first date is uncertain.
 */
export function classifyTrajectory(draws: readonly Draw[], opts: { alpha?: number; fold?: number; errorRate?: number; power?: number } = {}): Trajectory {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const errorRate = opts.errorRate ?? DEFAULT_ERROR_RATE;
  const fold = opts.fold ?? DEFAULT_FOLD;
  for (const d of draws) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date)) throw new RangeError(`draw ${d.sample}: date '${d.date}' is not YYYY-MM-DD`);
    if (d.vaf !== null && !(d.vaf >= 0 && d.vaf <= 1)) throw new RangeError(`draw ${d.sample}: VAF ${d.vaf} is not in [0, 1]`);
    if (d.altReads != null && d.depth != null && !(Number.isInteger(d.altReads) && Number.isInteger(d.depth) && d.altReads >= 0 && d.altReads <= d.depth)) throw new RangeError(`draw ${d.sample}: reads ${d.altReads}/${d.depth} are not whole numbers with 0 <= alt <= depth`);
  }
  const points = [...draws].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const seen = points.filter(detected);
  const fmt = (d: Draw) => (detected(d) ? formatPercent(d.vaf ?? missingValue('d.vaf')) : 'not detected');
  const series = points.map(fmt).join(' → ');
  if (seen.length === 0) return { trend: 'not-detected', firstDetected: null, points, text: `not detected in ${points.length} draw${points.length === 1 ? '' : 's'}` };
  const first = seen[0] ?? missingValue('seen[0]');
  const last = points[points.length - 1] ?? missingValue('points[points.length - 1]');
  let trend: Trend;
  if (!detected(last)) trend = 'cleared';
  else if (!detected(points[0] ?? missingValue('points[0]'))) trend = 'emerging';
  else {
    const c = seen.length < 2 ? 0 : changed(first, last, alpha, fold);
    trend = c > 0 ? 'rising' : c < 0 ? 'falling' : 'steady';
  }
  let atLimit = '';
  if (first.altReads != null && first.depth) {
    const lim = detectionLimit(first.depth, { errorRate, alpha, ...(opts.power !== undefined ? { power: opts.power } : {}) });
    if (lim.vaf === null || first.altReads / first.depth < lim.vaf) {
      atLimit = `, at the detection limit: ${first.altReads}/${first.depth} reads, binomial ${pText(binomialUpperTail(first.altReads, first.depth, errorRate))} vs ${formatPercent(errorRate)} error`;
    }
  }
  return { trend, firstDetected: first.date, points, text: `${trend}: ${series} (first detected ${first.date}${atLimit})` };
}

export interface TreatmentSpan {
  drug: string;
  start: string;
  end?: string | null;
}

export interface EmergingVariant {
  /** The treatment(s) given at the first detection. */
  during: string[];
  firstDetected: string;
  trend: Trend;
  detail: string;
}

/**
 * A mutation first seen in plasma during a therapy (the interpretation's change kind `emerging-variant`): its first
 * detection falls within a treatment (start <= date <= end, or ongoing) and it is not on the way out (cleared).
 */
export function emergingDuringTherapy(label: string, t: Trajectory, treatments: readonly TreatmentSpan[]): EmergingVariant | null {
  if (!t.firstDetected || t.trend === 'cleared' || t.trend === 'falling') return null;
  const d = t.firstDetected;
  const during = treatments.filter((x) => x.start <= d && (!x.end || d <= x.end)).map((x) => x.drug);
  if (during.length === 0) return null;
  return { during, firstDetected: d, trend: t.trend, detail: `${label} first seen in plasma on ${d} during ${during.join(' + ')}; ${t.text}` };
}
