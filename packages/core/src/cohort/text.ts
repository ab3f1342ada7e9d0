/** Text helpers for cohort output: gene-name suggestions and ratio intervals that keep their side of 1. */

/** Levenshtein distance (insertions, deletions, substitutions), case-sensitive. */
import { missingValue } from '../errors.ts';

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? missingValue('prev[j]')) + 1, (cur[j - 1] ?? missingValue('cur[j - 1]')) + 1, (prev[j - 1] ?? missingValue('prev[j - 1]')) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? missingValue('prev[b.length]');
}

/**
 * Known genes closest to a mistyped one (case-insensitive edit distance): those at the smallest distance, at most
 * `max` of them, alphabetically. Nothing is suggested beyond a distance of 2 (1 for names of up to 3 letters).
 */
export function suggestGenes(input: string, known: Iterable<string>, max = 3): string[] {
  const q = input.trim().toUpperCase();
  const limit = q.length <= 3 ? 1 : 2;
  let best = Infinity;
  let out: string[] = [];
  for (const g of known) {
    if (Math.abs(g.length - q.length) > limit) continue;
    const d = editDistance(q, g.toUpperCase());
    if (d > limit || d > best) continue;
    if (d < best) {
      best = d;
      out = [];
    }
    out.push(g);
  }
  return [...new Set(out)].sort().slice(0, max);
}

/** `ERBB2`, `ERBB2 or ERBB3`, `ERBB2, ERBB3 or ERBB4` */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Significant digits without exponent noise for ordinary values; `Inf` for infinity. */
export function significant(x: number, digits = 4): string {
  if (x === Infinity) return 'Inf';
  if (x === 0) return '0';
  if (Number.isNaN(x)) return 'NaN';
  if (Math.abs(x) < 1e-4) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/**
 * A ratio (odds ratio, interval end) with `digits` significant digits, and more where rounding would move it onto or
 * across 1: 0.9996 prints as 0.9996, not 1; 1.0004 as 1.0004. An exact 1 prints as 1.
 */
export function ratioText(x: number, digits = 3): string {
  let d = digits;
  let s = significant(x, d);
  while (d < 17 && x !== 1 && Number.isFinite(x) && ((x < 1 && Number(s) >= 1) || (x > 1 && Number(s) <= 1))) s = significant(x, ++d);
  return s;
}
