/**
 * Confidence intervals for a proportion k/n.
 * - Wilson score interval: Wilson EB. J Am Stat Assoc 1927;22:209-212 (as in Newcombe RG, Stat Med 1998;17:857-872, method 3).
 * - Detection limit for zero events: the exact one-sided upper bound 1 - alpha^(1/n) (Clopper-Pearson with k = 0;
 *   about 3/n for alpha = 0.05, the "rule of three": Hanley JA, Lippman-Hand A. JAMA 1983;249:1743-1745).
 */

/** Two-sided 95% standard normal quantile. */
export const Z95 = 1.959963984540054;

export interface Proportion {
  k: number;
  n: number;
  fraction: number;
  ci95: [number, number];
}

function checkCounts(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) {
    throw new RangeError(`counts must be whole numbers with 0 <= k <= n (got k=${k}, n=${n})`);
  }
}

/** Wilson score interval; for n = 0 the interval is [0, 1] and the fraction NaN. */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] {
  checkCounts(k, n);
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // The exact ends: k = 0 gives 0, k = n gives 1 (avoid -1e-17 from rounding).
  return [k === 0 ? 0 : Math.max(0, center - half), k === n ? 1 : Math.min(1, center + half)];
}

export function proportion(k: number, n: number): Proportion {
  return { k, n, fraction: n === 0 ? Number.NaN : k / n, ci95: wilsonInterval(k, n) };
}

/**
 * Smallest true fraction that would show at least one event with probability 1 - alpha among n events:
 * 1 - alpha^(1/n). "0 of 20,000" gives 0.000150 (< 0.015% at 95%).
 */
export function detectionLimit(n: number, alpha = 0.05): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number >= 1 (got ${n})`);
  return -Math.expm1(Math.log(alpha) / n);
}
