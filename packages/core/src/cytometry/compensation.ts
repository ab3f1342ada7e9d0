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
      const raw = parts[1 + n + i * n + j]!;
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
 */
export function compensate(detectorColumns: ReadonlyArray<Float64Array>, k: Matrix, only?: ReadonlyArray<number>): Array<Float64Array | null> {
  const nd = k.length;
  const nf = k[0]?.length ?? 0;
  if (detectorColumns.length !== nd) throw new RangeError(`compensate: ${detectorColumns.length} detector columns for a ${nd}-row matrix`);
  const n = detectorColumns[0]?.length ?? 0;
  const wanted = only ?? Array.from({ length: nf }, (_, j) => j);
  const out: Array<Float64Array | null> = new Array(nf).fill(null);
  const terms = wanted.map((j) => {
    const list: Array<[number, number]> = [];
    for (let i = 0; i < nd; i++) if (k[i]![j]! !== 0) list.push([i, k[i]![j]!]);
    const col = new Float64Array(n);
    out[j] = col;
    return { col, list };
  });
  // Blocks of events keep the inputs and outputs in cache; each output sums its terms in detector order.
  const block = 2048;
  for (let e0 = 0; e0 < n; e0 += block) {
    const e1 = Math.min(n, e0 + block);
    for (const { col, list } of terms) {
      for (const [i, c] of list) {
        const x = detectorColumns[i]!;
        for (let e = e0; e < e1; e++) col[e]! += c * x[e]!;
      }
    }
  }
  return out;
}
