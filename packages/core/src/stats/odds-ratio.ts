/**
 * The conditional maximum-likelihood odds ratio of a 2x2 table and its exact confidence interval, computed the way
 * R's `fisher.test` computes them (R Core Team, stats::fisher.test; Fisher RA, J R Stat Soc 1922;85:87-94 for the
 * conditional test; the interval inverts the two one-sided tests, as in Agresti A, Categorical Data Analysis, 3rd ed.
 * 2013, sec. 16.6.4). The table is conditioned on its margins, so the count in the top-left cell follows Fisher's
 * noncentral hypergeometric distribution with the odds ratio as noncentrality.
 *
 * Table layout (rows are groups, columns are outcome yes / no):
 *
 *               yes   no
 *   group A      a     b
 *   group B      c     d
 *
 * The odds ratio is (odds of "yes" in A) / (odds of "yes" in B); the sample odds ratio would be ad/bc.
 */
import { uniroot } from './roots.ts';
import { missingValue } from '../errors.ts';

export type Table2x2 = readonly [readonly [number, number], readonly [number, number]];

/** The distribution of the top-left cell given the margins. */
export interface ConditionalDistribution {
  /** Observed top-left count. */
  x: number;
  /** Smallest and largest possible top-left count. */
  lo: number;
  hi: number;
  /** lo..hi */
  support: Float64Array;
  /** log of the central (odds ratio 1) hypergeometric probabilities over the support. */
  logdc: Float64Array;
}

export function checkTable(table: Table2x2): void {
  const cells = [table[0][0], table[0][1], table[1][0], table[1][1]];
  for (const v of cells) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`2x2 table cells must be whole numbers >= 0 (got ${cells.join(', ')})`);
  }
}

export function conditionalDistribution(table: Table2x2): ConditionalDistribution {
  checkTable(table);
  const [[a, b], [c, d]] = table;
  // R: m = column 1 total, n = column 2 total, k = row 1 total, x = top-left cell.
  const m = a + c;
  const n = b + d;
  const k = a + b;
  const lo = Math.max(0, k - n);
  const hi = Math.min(k, m);
  const support = new Float64Array(hi - lo + 1);
  const logdc = new Float64Array(hi - lo + 1);
  // log n! for n = 0..m+n, summed once: exact to ~1e-13 relative for the table sizes of a cohort, and it keeps
  // the core free of a large dependency tree (@stdlib's binomcoefln cost ~100 ms at every CLI start).
  const logFact = logFactorials(m + n);
  const logChoose = (N: number, r: number) => (logFact[N] ?? missingValue('logFact[N]')) - (logFact[r] ?? missingValue('logFact[r]')) - (logFact[N - r] ?? missingValue('logFact[N - r]'));
  const logTotal = logChoose(m + n, k);
  for (let i = lo; i <= hi; i++) {
    support[i - lo] = i;
    logdc[i - lo] = logChoose(m, i) + logChoose(n, k - i) - logTotal;
  }
  return { x: a, lo, hi, support, logdc };
}

/** log(i!) for i = 0..n. */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = (out[i - 1] ?? missingValue('out[i - 1]')) + Math.log(i);
  return out;
}

/**
 * Probabilities over the support under odds ratio `ncp` (R's `dnhyper`). Plain loops over a typed array: the same
 * operations in the same order as the former map/reduce form (so the same digits), without its allocations; the
 * root searches call this a few hundred times on supports of tens of thousands of values.
 */
export function dnhyper(dist: ConditionalDistribution, ncp: number): Float64Array {
  const logNcp = Math.log(ncp);
  const { logdc, support } = dist;
  const len = logdc.length;
  const d = new Float64Array(len);
  let max = -Infinity;
  for (let i = 0; i < len; i++) {
    const v = (logdc[i] ?? missingValue('logdc[i]')) + logNcp * (support[i] ?? missingValue('support[i]'));
    d[i] = v;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let i = 0; i < len; i++) {
    const e = Math.exp((d[i] ?? missingValue('d[i]')) - max);
    d[i] = e;
    sum += e;
  }
  for (let i = 0; i < len; i++) d[i] = (d[i] ?? missingValue('d[i]')) / sum;
  return d;
}

/**
 * Terms whose log-weight lies more than this below the largest one are left out of the root searches' sums: each is
 * below e^-64 (~1.6e-28) of the largest term, so even 10^9 of them change a sum of probabilities by less than 2e-19,
 * far below double precision (2.2e-16). The log-weights log dc(i) + i log(ncp) are concave in i (the hypergeometric
 * is log-concave: the ratio of successive terms, (m - i)(k - i) / ((i + 1)(n - k + i + 1)), falls with i), so the
 * terms kept form one window around the mode, and everything outside it is smaller still.
 */
const NEGLIGIBLE_LOG = 64;

/** The probabilities of the support indices first..first + d.length - 1 under an odds ratio; the rest are negligible. */
interface Window {
  first: number;
  d: Float64Array;
}

/**
 * dnhyper restricted to the terms that matter (see NEGLIGIBLE_LOG): the mode found by bisection on the (decreasing)
 * differences of the log-weights, then the window grown outward while the terms stay within e^-64 of the mode. The
 * remaining terms go through the same operations as in `dnhyper`, in the same order, so a sum over the window equals
 * the full sum to the last bits. On a table of 100,000 samples the window is ~1,000 terms instead of ~20,000.
 */
function dnhyperWindow(dist: ConditionalDistribution, ncp: number): Window {
  const logNcp = Math.log(ncp);
  const { logdc, lo } = dist;
  const len = logdc.length;
  // The log-weight of support index i (support[i] is lo + i); indices are always inside 0..len-1 here.
  const w = (i: number): number => (logdc[i] ?? NaN) + logNcp * (lo + i);
  // Mode: the first index whose next term is not larger (the differences fall with i).
  let a = 0;
  let b = len - 1;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (w(mid + 1) > w(mid)) a = mid + 1;
    else b = mid;
  }
  const floor = w(a) - NEGLIGIBLE_LOG;
  let first = a;
  while (first > 0 && w(first - 1) >= floor) first--;
  let last = a;
  while (last < len - 1 && w(last + 1) >= floor) last++;
  const d = new Float64Array(last - first + 1);
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    const v = w(first + i);
    d[i] = v;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const e = Math.exp((d[i] ?? NaN) - max);
    d[i] = e;
    sum += e;
  }
  for (let i = 0; i < d.length; i++) d[i] = (d[i] ?? NaN) / sum;
  return { first, d };
}

/** Mean of the top-left cell under odds ratio `ncp` (R's `mnhyper`). */
function mnhyper(dist: ConditionalDistribution, ncp: number): number {
  if (ncp === 0) return dist.lo;
  if (ncp === Infinity) return dist.hi;
  const { first, d } = dnhyperWindow(dist, ncp);
  const base = dist.lo + first;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += (base + i) * (d[i] ?? NaN);
  return s;
}

/** P(X <= q), or P(X >= q) with `upper`, under odds ratio `ncp` (R's `pnhyper`). */
export function pnhyper(dist: ConditionalDistribution, q: number, ncp: number, upper = false): number {
  if (ncp === 0) return upper ? Number(q <= dist.lo) : Number(q >= dist.lo);
  if (ncp === Infinity) return upper ? Number(q <= dist.hi) : Number(q >= dist.hi);
  const { first, d } = dnhyperWindow(dist, ncp);
  const base = dist.lo + first;
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    const v = base + i;
    if (upper ? v >= q : v <= q) s += d[i] ?? NaN;
  }
  return s;
}

/** Conditional maximum-likelihood estimate of the odds ratio (R's `mle`): 0 at the lower end, Infinity at the upper. */
export function conditionalMleOddsRatio(dist: ConditionalDistribution): number {
  const { x, lo, hi } = dist;
  if (x === lo) return 0;
  if (x === hi) return Infinity;
  const mu = mnhyper(dist, 1);
  if (mu > x) return uniroot((t) => mnhyper(dist, t) - x, 0, 1);
  if (mu < x) return 1 / uniroot((t) => mnhyper(dist, 1 / t) - x, Number.EPSILON, 1);
  return 1;
}

/** Exact two-sided confidence interval for the odds ratio (R's `ncp.L` / `ncp.U` with alpha = (1 - level) / 2). */
export function exactOddsRatioInterval(dist: ConditionalDistribution, level = 0.95): [number, number] {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be between 0 and 1 (got ${level})`);
  const alpha = (1 - level) / 2;
  const { x, lo, hi } = dist;
  let upper: number;
  if (x === hi) upper = Infinity;
  else {
    const p = pnhyper(dist, x, 1);
    if (p < alpha) upper = uniroot((t) => pnhyper(dist, x, t) - alpha, 0, 1);
    else if (p > alpha) upper = 1 / uniroot((t) => pnhyper(dist, x, 1 / t) - alpha, Number.EPSILON, 1);
    else upper = 1;
  }
  let lower: number;
  if (x === lo) lower = 0;
  else {
    const p = pnhyper(dist, x, 1, true);
    if (p > alpha) lower = uniroot((t) => pnhyper(dist, x, t, true) - alpha, 0, 1);
    else if (p < alpha) lower = 1 / uniroot((t) => pnhyper(dist, x, 1 / t, true) - alpha, Number.EPSILON, 1);
    else lower = 1;
  }
  return [lower, upper];
}
