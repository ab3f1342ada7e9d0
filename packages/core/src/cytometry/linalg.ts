/**
 * Small dense linear algebra for compensation (spillover inversion) and ellipsoid gates. The matrices are tiny
 * (at most a few dozen detectors), so a straightforward Gauss-Jordan elimination with partial pivoting is exact
 * enough and needs no dependency.
 */

import { missingValue } from '../errors.ts';

export type Matrix = number[][];

/** Throws a RangeError naming `what` when the matrix is not square, has a non-finite entry or is singular. */
export function invertMatrix(m: Matrix, what = 'matrix'): Matrix {
  const n = m.length;
  if (n === 0) throw new RangeError(`${what} is empty`);
  const a: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = m[i];
    if (!row || row.length !== n) throw new RangeError(`${what} is not square (${n} rows, row ${i + 1} has ${row?.length ?? 0} entries)`);
    for (const v of row) if (!Number.isFinite(v)) throw new RangeError(`${what} has a non-finite entry (${v})`);
    a.push([...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  }
  let scale = 0;
  for (const row of m) for (const v of row) scale = Math.max(scale, Math.abs(v));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((a[r] ?? missingValue('a[r]'))[col] ?? missingValue('a[r][col]')) > Math.abs((a[pivot] ?? missingValue('a[pivot]'))[col] ?? missingValue('a[pivot][col]'))) pivot = r;
    const pv = (a[pivot] ?? missingValue('a[pivot]'))[col] ?? missingValue('a[pivot][col]');
    if (Math.abs(pv) <= scale * n * 1e-14 || pv === 0) throw new RangeError(`${what} is singular (cannot be inverted)`);
    if (pivot !== col) [a[pivot], a[col]] = [a[col] ?? missingValue('a[col]'), a[pivot] ?? missingValue('a[pivot]')];
    const prow = a[col] ?? missingValue('a[col]');
    for (let j = 0; j < 2 * n; j++) prow[j] = (prow[j] ?? missingValue('prow[j]')) / pv;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = a[r] ?? missingValue('a[r]');
      const f = row[col] ?? missingValue('row[col]');
      if (f === 0) continue;
      for (let j = 0; j < 2 * n; j++) row[j] = (row[j] ?? missingValue('row[j]')) - f * (prow[j] ?? missingValue('prow[j]'));
    }
  }
  return a.map((row) => row.slice(n));
}

export function transpose(m: Matrix): Matrix {
  const rows = m.length;
  const cols = m[0]?.length ?? 0;
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => (m[i] ?? missingValue('m[i]'))[j] ?? missingValue('m[i][j]')));
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const k = b.length;
  const m = b[0]?.length ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const out = new Array<number>(m).fill(0);
    for (let p = 0; p < k; p++) {
      const av = (a[i] ?? missingValue('a[i]'))[p] ?? missingValue('a[i][p]');
      if (av === 0) continue;
      const brow = b[p] ?? missingValue('b[p]');
      for (let j = 0; j < m; j++) out[j] = (out[j] ?? missingValue('out[j]')) + av * (brow[j] ?? missingValue('brow[j]'));
    }
    return out;
  });
}
