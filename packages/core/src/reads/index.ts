/**
 * The read-level model behind the look-back (pure; the counts come from @her2scope/formats/reads).
 * Documented with its sources in docs/reads.md.
 *
 * - Per-base error: alternate reads at a position where the variant is absent arise from sequencing/alignment
 *   error at a per-base rate `errorRate` (default 0.1% = 0.001, an option; set it from the assay's measured
 *   background). Alt reads ~ Binomial(depth, errorRate) under "absent".
 * - Present: the one-sided binomial test P(X >= alt | depth, errorRate) < alpha (default 0.05).
 * - Power: with a true variant allele fraction f, alt reads ~ Binomial(depth, f). A call needs the alt reads to be
 *   significant against the error rate, i.e. at least k* = `minSignificantAltReads(depth, errorRate, alpha)` of
 *   them (the same rule as "present" above), so the power at f is P(X >= k* | depth, f). The smallest f with power
 *   >= 95% is the detectable VAF (`detectionLimit`): one model for "present", "absent" and the plasma detection
 *   limit. E.g. 812 reads at 0.1% error: k* = 3 (P(X >= 3 | 812, 0.001) = 0.049), detectable VAF 0.77%.
 * - Upper bound: with 0 alt reads the data also bound the VAF: the one-sided 95% Clopper-Pearson upper bound
 *   1 - 0.05^(1/depth) (about 3/depth, the "rule of three": Hanley JA, Lippman-Hand A. JAMA 1983;249:1743-1745),
 *   e.g. 0/812 reads -> VAF < 0.37% (95% upper bound). This is a bound on the VAF, not the power of a call, and is
 *   worded so; it never decides "absent" against a VAF of interest (the power does).
 * - Purity: a heterozygous clonal mutation on a locus with total copy number C in the tumour, purity p, normal
 *   copy number 2, mutation multiplicity m, cancer cell fraction CCF has expected
 *       VAF = p * CCF * m / (p * C + 2 * (1 - p))
 *   so CCF = VAF * (p * C + 2 * (1 - p)) / (p * m) (the cancer-cell-fraction model of ABSOLUTE, Carter SL et al.
 *   Nat Biotechnol 2012;30:413-421; worked example in PMC3934006 Fig. 1: VAF 0.125, C 3, purity 67% -> CCF 0.5).
 *   The point estimate is reported capped at 100% ("≈100%, clonal"): an estimate above 1 says the assumed copies or
 *   purity are off, not that more than every cancer cell carries the variant.
 *   "Subclonal" here means the 95% interval of the CCF (from the Wilson interval of the VAF) lies wholly below 1:
 *   the reads are not compatible with every cancer cell carrying the variant. Without purity no clonality is
 *   claimed ("low-level").
 */
import { wilsonInterval } from '../stats/proportion.ts';

export const DEFAULT_ERROR_RATE = 0.001;
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_POWER = 0.95;

function checkCounts(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) throw new RangeError(`read counts must be whole numbers with 0 <= alt <= depth (got alt=${k}, depth=${n})`);
}

function checkRate(name: string, p: number, open = true): void {
  if (!(typeof p === 'number' && Number.isFinite(p)) || p < 0 || p > 1 || (open && (p === 0 || p === 1))) throw new RangeError(`${name} must be a number in (0, 1) (got ${p})`);
}

/** log C(n, k), exact summation (k <= n). */
function logChoose(n: number, k: number): number {
  const kk = Math.min(k, n - k);
  let s = 0;
  for (let j = 1; j <= kk; j++) s += Math.log((n - kk + j) / j);
  return s;
}

/** P(X >= k) for X ~ Binomial(n, p): the one-sided upper-tail p-value. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  checkCounts(k, n);
  if (p < 0 || p > 1 || !Number.isFinite(p)) throw new RangeError(`probability must be in [0, 1] (got ${p})`);
  if (k === 0) return 1;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lq = Math.log1p(-p);
  const lr = Math.log(p) - lq;
  // Sum from k upward while terms matter, or 1 - lower tail when k is far above the mean: sum the smaller side.
  const mean = n * p;
  if (k > mean) {
    let logTerm = logChoose(n, k) + k * Math.log(p) + (n - k) * lq;
    let sum = 0;
    for (let i = k; i <= n; i++) {
      const t = Math.exp(logTerm);
      sum += t;
      if (t < sum * 1e-17) break;
      logTerm += Math.log((n - i) / (i + 1)) + lr;
    }
    return Math.min(1, sum);
  }
  // lower tail P(X <= k-1), summed downward from k-1
  let logTerm = logChoose(n, k - 1) + (k - 1) * Math.log(p) + (n - k + 1) * lq;
  let sum = 0;
  for (let i = k - 1; i >= 0; i--) {
    const t = Math.exp(logTerm);
    sum += t;
    if (t < sum * 1e-17) break;
    logTerm += Math.log(i / (n - i + 1)) - lr;
  }
  return Math.max(0, 1 - sum);
}

/** The fewest alt reads that are significant against the error rate: smallest k with P(X >= k | n, e) < alpha. */
export function minSignificantAltReads(depth: number, errorRate = DEFAULT_ERROR_RATE, alpha = DEFAULT_ALPHA): number {
  checkCounts(0, depth);
  checkRate('errorRate', errorRate);
  checkRate('alpha', alpha);
  for (let k = 1; k <= depth; k++) if (binomialUpperTail(k, depth, errorRate) < alpha) return k;
  return depth + 1; // never significant at this depth
}

/** Power to see >= minAltReads alt reads at this depth if the true VAF is `vaf` (see `detectionLimit` for the rule). */
export function detectionPower(depth: number, vaf: number, minAltReads = 1): number {
  checkCounts(0, depth);
  if (!Number.isInteger(minAltReads) || minAltReads < 1) throw new RangeError(`minAltReads must be a whole number >= 1 (got ${minAltReads})`);
  if (minAltReads > depth) return 0;
  return binomialUpperTail(minAltReads, depth, vaf);
}

/**
 * The smallest VAF detected with probability >= `power` (default 95%) when at least `minAltReads` alt reads are
 * needed (default 1). null when the depth cannot reach it (depth < minAltReads). For the power of a call use
 * `detectionLimit`, which needs the significant count; with minAltReads = 1 this is the rule-of-three bound.
 */
export function detectableVaf(depth: number, opts: { minAltReads?: number; power?: number } = {}): number | null {
  const minAlt = opts.minAltReads ?? 1;
  const power = opts.power ?? DEFAULT_POWER;
  checkCounts(0, depth);
  checkRate('power', power);
  if (!Number.isInteger(minAlt) || minAlt < 1) throw new RangeError(`minAltReads must be a whole number >= 1 (got ${minAlt})`);
  if (depth < minAlt) return null;
  if (minAlt === 1) return 1 - Math.pow(1 - power, 1 / depth); // closed form: 1 - (1 - f)^n = power
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (binomialUpperTail(minAlt, depth, mid) >= power) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface CallLimit {
  /** Alt reads a call needs at this depth: the smallest count significant against the error rate. */
  minAltReads: number;
  /** Smallest VAF reaching minAltReads with >= power; null when the depth cannot (never significant). */
  vaf: number | null;
}

/**
 * The detection limit of a call at a depth (module comment, "Power"): k* = minSignificantAltReads(depth, errorRate,
 * alpha) alt reads are needed, and the limit is the smallest VAF that reaches k* with >= `power`. The one power
 * model of "absent", the white-cell check and the plasma detection limit.
 */
export function detectionLimit(depth: number, opts: { errorRate?: number; alpha?: number; power?: number } = {}): CallLimit {
  const errorRate = opts.errorRate ?? DEFAULT_ERROR_RATE;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const power = opts.power ?? DEFAULT_POWER;
  const k = minSignificantAltReads(depth, errorRate, alpha);
  return { minAltReads: k, vaf: detectableVaf(depth, { minAltReads: k, power }) };
}

/**
 * One-sided upper confidence bound of the VAF from `altReads` of `depth` (Clopper-Pearson: the f with
 * P(X <= altReads | depth, f) = 1 - confidence). With 0 reads it is 1 - (1 - confidence)^(1/depth), the rule of
 * three. null without reads.
 */
export function vafUpperBound(altReads: number, depth: number, confidence = DEFAULT_POWER): number | null {
  checkCounts(altReads, depth);
  checkRate('confidence', confidence);
  if (depth === 0) return null;
  if (altReads === depth) return 1;
  // P(X <= k | f) = 1 - confidence  <=>  P(X >= k + 1 | f) = confidence
  return detectableVaf(depth, { minAltReads: altReads + 1, power: confidence });
}

export interface PurityModel {
  /** Tumour purity (fraction of cancer cells), 0 < p <= 1. */
  purity: number;
  /** Total copy number of the locus in the cancer cells (default 2). */
  tumourCopies?: number;
  /** Copies carrying the mutation in a cell that has it (multiplicity, default 1). */
  mutantCopies?: number;
  /** Copy number in the normal cells (default 2). */
  normalCopies?: number;
}

function checkModel(m: PurityModel): Required<PurityModel> {
  const full = { tumourCopies: 2, mutantCopies: 1, normalCopies: 2, ...m };
  if (!(full.purity > 0 && full.purity <= 1)) throw new RangeError(`purity must be in (0, 1] (got ${m.purity})`);
  for (const k of ['tumourCopies', 'normalCopies'] as const) if (!(full[k] >= 0 && Number.isFinite(full[k]))) throw new RangeError(`${k} must be >= 0 (got ${full[k]})`);
  if (!(full.mutantCopies > 0 && full.mutantCopies <= Math.max(full.tumourCopies, 1))) throw new RangeError(`mutantCopies must be in (0, tumourCopies] (got ${full.mutantCopies})`);
  return full;
}

/** Expected VAF of a mutation carried by a fraction `ccf` of the cancer cells (ABSOLUTE's model). */
export function expectedVaf(model: PurityModel, ccf = 1): number {
  const m = checkModel(model);
  const denom = m.purity * m.tumourCopies + m.normalCopies * (1 - m.purity);
  return denom === 0 ? 0 : (m.purity * ccf * m.mutantCopies) / denom;
}

/** Cancer cell fraction from an observed VAF (not capped here: values above 1 say the model's copies are off). */
export function cancerCellFraction(vaf: number, model: PurityModel): number {
  const m = checkModel(model);
  return (vaf * (m.purity * m.tumourCopies + m.normalCopies * (1 - m.purity))) / (m.purity * m.mutantCopies);
}

export type ReadEvidenceStatus = 'present' | 'absent' | 'inconclusive' | 'no-coverage';

export interface ReadEvidenceInput {
  /** The sample's id as the report names it (e.g. PRIMARY). */
  sample: string;
  altReads: number;
  depth: number;
  /** Purity (and locus copies) of that sample, when known: enables clonal / subclonal. */
  purityModel?: PurityModel;
  /**
   * The VAF that matters (e.g. the VAF the variant has where it was found, scaled to this sample's purity): when
   * given, "absent" needs >= `power` to detect it, else the result is "inconclusive".
   */
  vafOfInterest?: number;
  /**
   * Where the VAF of interest comes from, for the text (e.g. "0.2% in E-PLASMA-1 at tumour fraction 2%, scaled to
   * purity 60%, same cancer cell fraction"): review-s3 #12, an "absent" says which VAF it was judged against.
   */
  vafOfInterestBasis?: string;
}

export interface ReadEvidenceOptions {
  errorRate?: number;
  alpha?: number;
  power?: number;
}

export interface ReadEvidence {
  sample: string;
  status: ReadEvidenceStatus;
  altReads: number;
  depth: number;
  vaf: number | null;
  /** One-sided binomial p-value of the alt reads against the error rate (null without reads). */
  pValue: number | null;
  errorRate: number;
  /** Alt reads a call needs at this depth (significant against the error rate; `detectionLimit`). */
  minAltReads: number | null;
  /** Smallest VAF called with `power` at this depth (the significant-count rule; null without reads or when never significant). */
  detectableVaf: number | null;
  /** One-sided 95% upper bound of the VAF (Clopper-Pearson; the rule of three at 0 reads); null without reads. */
  vafUpperBound: number | null;
  clonality: 'clonal' | 'subclonal' | null;
  /** Cancer cell fraction, capped at 1 (module comment, "Purity"). */
  ccf: number | null;
  ccf95: [number, number] | null;
  /** The VAF of interest judged against (input), or null. */
  vafOfInterest: number | null;
  /** Power to call the VAF of interest at this depth (P(X >= minAltReads | depth, vafOfInterest)), or null. */
  powerAtVafOfInterest: number | null;
  /** e.g. "pre-existing, subclonal: 4/612 alt reads in PRIMARY (binomial p = 0.0036 vs 0.1% error; VAF 0.65%; …)". */
  text: string;
}

/** A percentage with enough digits for small fractions: 0.37%, 1.5%, 12%. */
export function formatPercent(x: number): string {
  const pct = x * 100;
  const digits = pct >= 10 ? 0 : pct >= 1 ? 1 : pct >= 0.1 ? 2 : 3;
  return `${Number(pct.toFixed(digits))}%`;
}

/** A p-value for text: 3 significant digits, exponent form below 0.001 ("< 1e-300" at the floor). */
export function formatP(p: number): string {
  if (p < 1e-300) return '< 1e-300';
  if (p < 0.001) {
    const [m, e] = p.toExponential(1).split('e');
    return `${m}e${Number(e)}`;
  }
  return String(Number(p.toPrecision(2)));
}

/** A power for text, rounded down to 0.1% so it never overstates: "77.1%", "99.9%", "> 99.9%" (never "100%"). */
export function powerText(p: number): string {
  if (p > 0.999) return '> 99.9%';
  return p >= 0.01 ? `${Math.floor(p * 1000 + 1e-9) / 10}%` : formatPercent(p);
}

/** "p = 0.0036", or "p < 1e-300" at the floor. */
export function pText(p: number): string {
  const f = formatP(p);
  return f.startsWith('<') ? `p ${f}` : `p = ${f}`;
}

/**
 * Read evidence for one sample at one variant: present (pre-existing), absent or inconclusive. "Absent" against a
 * VAF of interest needs >= `power` to call that VAF (the significant-count rule, `detectionLimit`), else the result
 * is "inconclusive"; 0 alt reads are also stated as a 95% upper bound of the VAF.
 */
export function assessReadEvidence(input: ReadEvidenceInput, opts: ReadEvidenceOptions = {}): ReadEvidence {
  const errorRate = opts.errorRate ?? DEFAULT_ERROR_RATE;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const power = opts.power ?? DEFAULT_POWER;
  checkRate('errorRate', errorRate);
  checkRate('alpha', alpha);
  checkRate('power', power);
  const { sample, altReads: k, depth: n } = input;
  checkCounts(k, n);
  const errPct = formatPercent(errorRate);
  const voi = input.vafOfInterest;
  if (voi !== undefined) checkRate('vafOfInterest', voi, false);
  const base = { sample, altReads: k, depth: n, errorRate, clonality: null, ccf: null, ccf95: null, vafOfInterest: voi ?? null, powerAtVafOfInterest: null } as const;
  if (n === 0) {
    return { ...base, status: 'no-coverage', vaf: null, pValue: null, minAltReads: null, detectableVaf: null, vafUpperBound: null, text: `not evaluable: no reads at the position in ${sample}` };
  }
  const vaf = k / n;
  const pValue = binomialUpperTail(k, n, errorRate);
  const limit = detectionLimit(n, { errorRate, alpha, power });
  const detectable = limit.vaf;
  const upper = vafUpperBound(k, n);
  const powerAt = voi !== undefined && voi > 0 ? detectionPower(n, voi, limit.minAltReads) : null;
  const stats = { vaf, pValue, minAltReads: limit.minAltReads, detectableVaf: detectable, vafUpperBound: upper, powerAtVafOfInterest: powerAt };
  const basis = input.vafOfInterestBasis ? ` (${input.vafOfInterestBasis})` : '';
  if (pValue < alpha && k > 0) {
    let clonality: 'clonal' | 'subclonal' | null = null;
    let ccf: number | null = null;
    let ccf95: [number, number] | null = null;
    let label = 'low-level';
    let ccfText = '';
    if (input.purityModel) {
      const raw = cancerCellFraction(vaf, input.purityModel);
      const [lo, hi] = wilsonInterval(k, n);
      ccf95 = [Math.min(1, cancerCellFraction(lo, input.purityModel)), Math.min(1, cancerCellFraction(hi, input.purityModel))];
      clonality = ccf95[1] < 1 ? 'subclonal' : 'clonal';
      label = clonality;
      ccf = Math.min(1, raw);
      ccfText = raw >= 1 ? '; cancer cell fraction ≈100%, clonal' : `; cancer cell fraction ${formatPercent(raw)}`;
    } else if (vaf >= 0.05) label = 'detected';
    return {
      ...base,
      ...stats,
      status: 'present',
      clonality,
      ccf,
      ccf95,
      text: `pre-existing, ${label}: ${k}/${n} alt reads in ${sample} (binomial ${pText(pValue)} vs ${errPct} error; VAF ${formatPercent(vaf)}${ccfText})`,
    };
  }
  const within = k > 0 ? `, within the ${errPct} error rate (binomial ${pText(pValue)})` : '';
  const bound = k === 0 && upper !== null ? ` (VAF < ${formatPercent(upper)}, 95% upper bound)` : '';
  const callRule = `a call needs ≥${limit.minAltReads} alt read${limit.minAltReads === 1 ? '' : 's'}`;
  const atVoi = powerAt !== null && voi !== undefined ? `VAF of interest ${formatPercent(voi)}${basis}: power ${powerText(powerAt)}` : '';
  if (voi !== undefined && (detectable === null || detectable > voi)) {
    const powerOnly = detectable === null ? `too few reads for a call above the ${errPct} error rate` : `≥${formatPercent(power)} power only for VAF ≥ ${formatPercent(detectable)} (${callRule})`;
    return { ...base, ...stats, status: 'inconclusive', text: `not evaluable: ${k}/${n} alt reads in ${sample}${bound}${within}; ${powerOnly}, above the ${atVoi || `VAF of interest ${formatPercent(voi)}`}` };
  }
  const limitText = detectable === null ? `too few reads for a call above the ${errPct} error rate` : `≥${formatPercent(power)} power for VAF ≥ ${formatPercent(detectable)} (${callRule})`;
  return { ...base, ...stats, status: 'absent', text: `absent: ${k}/${n} reads in ${sample}${bound}${within}; ${limitText}${atVoi ? `; ${atVoi}` : ''}` };
}
