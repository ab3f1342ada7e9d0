/**
 * Fused decode + compensation of FCS list-mode data: the compensated values of some fluorochromes computed straight
 * from the stored rows (float32 or float64, already in the host byte order), without decoding the detector columns
 * first. One pass over the events; each event's detector values are read once from its row and every wanted output
 * is written from them.
 *
 * The arithmetic is that of `compensate` (packages/core/src/cytometry/compensation.ts), so the results are the same
 * bit for bit: output j of an event is 0 + k[i0][j]·x_i0 + k[i1][j]·x_i1 + … over the detectors with a non-zero
 * coefficient, summed left to right in detector order, each x the stored value widened to a double.
 *
 * The loop is generated per layout (row stride, detector offsets, which coefficients are non-zero) with the Function
 * constructor, so that the coefficients and the row values live in locals (registers) instead of arrays: about 4×
 * faster than decoding the columns and compensating them column by column, and with no decoded detector columns in
 * memory. Only integers this module computes go into the generated text; the coefficients are passed in a
 * Float64Array. Generated kernels are cached by layout.
 */
import type { Matrix } from '@her2scope/core/cytometry';

type Kernel = (src: Float32Array | Float64Array, coef: Float64Array, outs: Float64Array[], n: number) => void;

/** Layouts with more multiply-adds per event than this are not generated (the caller falls back). */
export const FUSED_MAX_TERMS = 4096;

const kernels = new Map<string, Kernel>();

function integer(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`fused compensation: ${what} must be a whole number >= 0 (got ${v})`);
  return v;
}

/**
 * Compensated columns `only` (indices into k's columns) of events stored as rows of `stride` values in `src`, the
 * detectors at row offsets `detectorOffsets` (k's rows, in order). Returns one Float64Array per k column (null for
 * columns not asked for), or null when the layout has more than FUSED_MAX_TERMS multiply-adds per event.
 */
export function compensateRows(src: Float32Array | Float64Array, stride: number, n: number, detectorOffsets: readonly number[], k: Matrix, only: readonly number[]): Array<Float64Array | null> | null {
  integer(stride, 'stride');
  integer(n, 'event count');
  const nd = k.length;
  const nf = k[0]?.length ?? 0;
  if (detectorOffsets.length !== nd) throw new RangeError(`fused compensation: ${detectorOffsets.length} detector offsets for a ${nd}-row matrix`);
  for (const o of detectorOffsets) if (integer(o, 'detector offset') >= stride) throw new RangeError(`fused compensation: detector offset ${o} is outside the ${stride}-value row`);
  if (n > 0 && src.length < n * stride) throw new RangeError(`fused compensation: ${src.length} stored values for ${n} events of ${stride}`);
  const out: Array<Float64Array | null> = new Array<Float64Array | null>(nf).fill(null);
  const wanted: number[] = [];
  for (const j of only) {
    if (!Number.isInteger(j) || j < 0 || j >= nf) throw new RangeError(`fused compensation: output ${j} is outside 0..${nf - 1}`);
    if (!wanted.includes(j)) wanted.push(j);
  }
  // Terms per output: detector indices with a non-zero coefficient, in detector order.
  const terms: number[][] = [];
  const coefs: number[] = [];
  let total = 0;
  for (const j of wanted) {
    const list: number[] = [];
    for (let i = 0; i < nd; i++) {
      const c = k[i]?.[j];
      if (c === undefined) throw new RangeError(`fused compensation: matrix row ${i} has no column ${j}`);
      if (c !== 0) {
        list.push(i);
        coefs.push(c);
      }
    }
    terms.push(list);
    total += list.length;
  }
  if (total > FUSED_MAX_TERMS) return null;
  const outs = wanted.map(() => new Float64Array(n));
  wanted.forEach((j, q) => (out[j] = outs[q] ?? null));
  if (n === 0 || total === 0) return out;
  const key = `${stride}|${detectorOffsets.join(',')}|${terms.map((t) => t.join(',')).join(';')}`;
  let kernel = kernels.get(key);
  if (!kernel) {
    kernel = generate(stride, detectorOffsets, terms);
    kernels.set(key, kernel);
  }
  kernel(src, Float64Array.from(coefs), outs, n);
  return out;
}

function generate(stride: number, detectorOffsets: readonly number[], terms: number[][]): Kernel {
  const lines: string[] = ['"use strict";'];
  const used = new Set<number>();
  let c = 0;
  const exprs: string[] = [];
  terms.forEach((list, q) => {
    lines.push(`const o${q} = outs[${q}];`);
    if (list.length === 0) return;
    const parts: string[] = [];
    for (const i of list) {
      lines.push(`const c${c} = coef[${c}];`);
      parts.push(`c${c} * x${i}`);
      used.add(i);
      c++;
    }
    exprs.push(`o${q}[e] = 0 + ${parts.join(' + ')};`);
  });
  lines.push(`for (let e = 0, b = 0; e < n; e++, b += ${stride}) {`);
  for (const i of [...used].sort((a, b) => a - b)) lines.push(`const x${i} = src[b + ${detectorOffsets[i] ?? 0}];`);
  lines.push(...exprs, '}');
  // The text holds only integers computed above (see the module comment).
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a generated numeric kernel built only from integers this module computes (see the module comment)
  return new Function('src', 'coef', 'outs', 'n', lines.join('\n')) as Kernel;
}
