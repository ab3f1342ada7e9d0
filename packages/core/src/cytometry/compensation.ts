/**
 * Fluorescence compensation.
 *
 * A spillover matrix S has one row per fluorochrome and one column per detector: S[i][j] is the fraction of
 * fluorochrome i's signal seen by detector j (diagonal 1). Observed detector values are x = c · S, so the
 * compensated (per-fluorochrome) values are c = x · S⁻¹ (FCS 3.1 $SPILLOVER: Spidlen J et al. Cytometry A
 * 2010;77:97-100; Gating-ML 2.0 spectrumMatrix: Spidlen J et al. Cytometry A 2015;87:683-687). With more
 * detectors than fluorochromes (spectral cytometry) the ordinary least-squares solution c = x · Sᵀ(S·Sᵀ)⁻¹ is used.
 */
import { InputError } from '../errors.ts';
import { invertMatrix, multiply, transpose, type Matrix } from './linalg.ts';
import { missingValue } from '../errors.ts';

export interface SpilloverMatrix {
  /** Detector (channel) names, one per column: `$PnN` values. */
  detectors: string[];
  /** Fluorochrome names, one per row (the detectors again for a square FCS $SPILLOVER). */
  fluorochromes: string[];
  /** Row-major fluorochromes × detectors. */
  values: Matrix;
  /** True when `values` is already the compensation matrix (the inverse), Gating-ML `matrix-inverted-already`. */
  inverted?: boolean;
  /** Where the matrix came from, for messages: `$SPILLOVER`, `SPILL`, a file name. */
  source?: string;
}

/**
 * Parse an FCS spillover keyword value: `n,P1,...,Pn,s11,s12,...,snn` (row-major). Used for $SPILLOVER (FCS 3.1),
 * SPILL (BD FACSDiva 3.0 files) and $COMP when it carries parameter names.
 */
export function parseSpilloverKeyword(text: string, keyword: string): SpilloverMatrix {
  const parts = text.split(',').map((s) => s.trim());
  const n = Number(parts[0]);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InputError(keyword, `the first entry must be the number of parameters, got '${parts[0]}'`);
  if (parts.length !== 1 + n + n * n) {
    throw new InputError(keyword, `expected ${1 + n + n * n} comma-separated entries for ${n} parameters (1 count, ${n} names, ${n * n} values), got ${parts.length}`);
  }
  const names = parts.slice(1, n + 1);
  if (names.some((p) => p === '')) throw new InputError(keyword, 'a parameter name is empty');
  if (names.every((p) => p !== '' && Number.isFinite(Number(p)))) {
    throw new InputError(keyword, 'the matrix names no parameters (only numbers); give the matrix as a CSV file instead');
  }
  const values: Matrix = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      const raw = parts[1 + n + i * n + j] ?? missingValue('parts[1 + n + i * n + j]');
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) throw new InputError(keyword, `value [${i + 1},${j + 1}] '${raw}' is not a number`);
      row.push(v);
    }
    values.push(row);
  }
  return { detectors: names, fluorochromes: [...names], values, source: keyword };
}

/**
 * The matrix K (detectors × fluorochromes) such that compensated = observed · K. Throws InputError naming the
 * matrix source when it cannot be inverted.
 */
export function compensationMatrix(s: SpilloverMatrix): Matrix {
  const where = s.source ?? 'compensation matrix';
  const nf = s.fluorochromes.length;
  const nd = s.detectors.length;
  if (s.values.length !== nf || s.values.some((r) => r.length !== nd)) {
    throw new InputError(where, `matrix must have ${nf} rows of ${nd} values (fluorochromes × detectors)`);
  }
  try {
    if (s.inverted) {
      if (nf !== nd) throw new RangeError('an already-inverted matrix must be square');
      return s.values.map((r) => [...r]);
    }
    if (nf === nd) return invertMatrix(s.values, 'spillover matrix');
    if (nf > nd) throw new RangeError(`more fluorochromes (${nf}) than detectors (${nd}): the unmixing is underdetermined`);
    const st = transpose(s.values);
    return multiply(st, invertMatrix(multiply(s.values, st), 'S·Sᵀ'));
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(where, e.message);
    throw e;
  }
}

/**
 * Compensate: `detectorColumns[i]` holds detector i's values (same order as `s.detectors`); returns one column per
 * fluorochrome (for a square matrix, the compensated value of the same-index detector). `only` restricts the work
 * to the listed output indices (others are returned as null).
 *
 * Each output is 0 + k[i0][j]·x_i0 + k[i1][j]·x_i1 + … over the detectors with a non-zero coefficient, summed left
 * to right in detector order (so results do not depend on the blocking below). The work is done in blocks of events
 * (inputs and outputs stay in cache) and four detectors per pass, which halves the loads and stores of the output
 * compared with one pass per detector; no per-event allocation.
 */
export function compensate(detectorColumns: ReadonlyArray<Float64Array>, k: Matrix, only?: ReadonlyArray<number>): Array<Float64Array | null> {
  const nd = k.length;
  const nf = k[0]?.length ?? 0;
  if (detectorColumns.length !== nd) throw new RangeError(`compensate: ${detectorColumns.length} detector columns for a ${nd}-row matrix`);
  const n = detectorColumns[0]?.length ?? 0;
  for (const c of detectorColumns) if (c.length !== n) throw new RangeError(`compensate: detector columns differ in length (${c.length} and ${n})`);
  const wanted = only ?? Array.from({ length: nf }, (_, j) => j);
  const out: Array<Float64Array | null> = new Array<Float64Array | null>(nf).fill(null);
  const tasks: Array<{ col: Float64Array; xs: Float64Array[]; cs: number[] }> = [];
  for (const j of wanted) {
    if (out[j]) continue;
    const xs: Float64Array[] = [];
    const cs: number[] = [];
    for (let i = 0; i < nd; i++) {
      const c = (k[i] ?? missingValue('k[i]'))[j] ?? missingValue('k[i][j]');
      if (c !== 0) {
        xs.push(detectorColumns[i] ?? missingValue('detectorColumns[i]'));
        cs.push(c);
      }
    }
    const col = new Float64Array(n);
    out[j] = col;
    if (xs.length > 0) tasks.push({ col, xs, cs });
  }
  const block = 4096;
  for (let e0 = 0; e0 < n; e0 += block) {
    const e1 = Math.min(n, e0 + block);
    for (const { col, xs, cs } of tasks) {
      const m = xs.length;
      let t = 0;
      for (; t + 4 <= m; t += 4) sum4(col, t === 0, e0, e1, xs[t] ?? missingValue('xs[t]'), cs[t] ?? missingValue('cs[t]'), xs[t + 1] ?? missingValue('xs[t + 1]'), cs[t + 1] ?? missingValue('cs[t + 1]'), xs[t + 2] ?? missingValue('xs[t + 2]'), cs[t + 2] ?? missingValue('cs[t + 2]'), xs[t + 3] ?? missingValue('xs[t + 3]'), cs[t + 3] ?? missingValue('cs[t + 3]'));
      if (t + 2 <= m) {
        sum2(col, t === 0, e0, e1, xs[t] ?? missingValue('xs[t]'), cs[t] ?? missingValue('cs[t]'), xs[t + 1] ?? missingValue('xs[t + 1]'), cs[t + 1] ?? missingValue('cs[t + 1]'));
        t += 2;
      }
      if (t < m) sum1(col, t === 0, e0, e1, xs[t] ?? missingValue('xs[t]'), cs[t] ?? missingValue('cs[t]'));
    }
  }
  return out;
}

// out[e] (or 0 for the first pass) + c0·x0[e] + c1·x1[e] + …, evaluated left to right.
function sum4(out: Float64Array, first: boolean, e0: number, e1: number, x0: Float64Array, c0: number, x1: Float64Array, c1: number, x2: Float64Array, c2: number, x3: Float64Array, c3: number): void {
  if (first) for (let e = e0; e < e1; e++) out[e] = 0 + c0 * (x0[e] ?? missingValue('x0[e]')) + c1 * (x1[e] ?? missingValue('x1[e]')) + c2 * (x2[e] ?? missingValue('x2[e]')) + c3 * (x3[e] ?? missingValue('x3[e]'));
  else for (let e = e0; e < e1; e++) out[e] = (out[e] ?? missingValue('out[e]')) + c0 * (x0[e] ?? missingValue('x0[e]')) + c1 * (x1[e] ?? missingValue('x1[e]')) + c2 * (x2[e] ?? missingValue('x2[e]')) + c3 * (x3[e] ?? missingValue('x3[e]'));
}

function sum2(out: Float64Array, first: boolean, e0: number, e1: number, x0: Float64Array, c0: number, x1: Float64Array, c1: number): void {
  if (first) for (let e = e0; e < e1; e++) out[e] = 0 + c0 * (x0[e] ?? missingValue('x0[e]')) + c1 * (x1[e] ?? missingValue('x1[e]'));
  else for (let e = e0; e < e1; e++) out[e] = (out[e] ?? missingValue('out[e]')) + c0 * (x0[e] ?? missingValue('x0[e]')) + c1 * (x1[e] ?? missingValue('x1[e]'));
}

function sum1(out: Float64Array, first: boolean, e0: number, e1: number, x0: Float64Array, c0: number): void {
  if (first) for (let e = e0; e < e1; e++) out[e] = 0 + c0 * (x0[e] ?? missingValue('x0[e]'));
  else for (let e = e0; e < e1; e++) out[e] = (out[e] ?? missingValue('out[e]')) + c0 * (x0[e] ?? missingValue('x0[e]'));
}

/**
 * Compensated columns of one sample, shared by the users of the same matrix (the gates' `FCS` compensation and the
 * panel markers' compensation with the file's $SPILLOVER compute each column once). Keyed by the matrix content
 * (detectors, fluorochromes, values, inverted) and the output index; the caller guarantees the detector columns are
 * those of the same sample.
 */
export class CompensationCache {
  private readonly columns = new Map<string, Float64Array>();

  private static key(s: SpilloverMatrix, j: number): string {
    return `${JSON.stringify([s.detectors, s.fluorochromes, s.values, s.inverted === true])}#${j}`;
  }

  column(s: SpilloverMatrix, j: number, compute: () => Float64Array): Float64Array {
    const key = CompensationCache.key(s, j);
    let col = this.columns.get(key);
    if (!col) {
      col = compute();
      this.columns.set(key, col);
    }
    return col;
  }

  /** The cached column j of `s`, or undefined. */
  get(s: SpilloverMatrix, j: number): Float64Array | undefined {
    return this.columns.get(CompensationCache.key(s, j));
  }

  /** Store column j of `s` (computed by the caller together with others, e.g. by a fused decode). */
  set(s: SpilloverMatrix, j: number, col: Float64Array): void {
    this.columns.set(CompensationCache.key(s, j), col);
  }
}
