/**
 * Data-scale transforms of flow cytometry, as defined by Gating-ML 2.0 (Spidlen J et al. Cytometry A
 * 2015;87:683-687, section "Transformations"):
 *
 * - flin(x, T, A)          = (x + A) / (T + A)
 * - flog(x, T, M)          = log10(x / T) / M + 1                       (defined for x > 0; NaN / -Infinity otherwise)
 * - fasinh(x, T, M, A)     = (asinh(x · sinh(M ln10) / T) + A ln10) / ((M + A) ln10)
 * - logicle(x, T, W, M, A) = root of B(y) - x, B(y) = a e^(b y) - c e^(-d y) - f   (Parks DR, Roederer M, Moore WA.
 *   Cytometry A 2006;69:541-551; parameters and numerics as in Moore WA, Parks DR. Cytometry A 2012;81:273-277:
 *   d from a safeguarded Newton/bisection root of 2(ln d - ln b) + w(b + d) = 0, Halley's method for the inverse,
 *   and a 16-term Taylor series around the data zero x1 to avoid round-off)
 * - hyperlog(x, T, W, M, A) = root of EH(y) - x, EH(y) = a e^(b y) + c y - f   (Bagwell CB. Cytometry A
 *   2005;64:34-42; parameterised as in Gating-ML 2.0)
 *
 * plus the everyday ones: arcsinh with a cofactor (asinh(x / cofactor)), linear and log10.
 * Every transform is monotonic increasing, so a threshold can be moved between scales with `inverse`.
 */

import { missingValue } from '../errors.ts';

const LN10 = Math.log(10);
const EPS = Number.EPSILON;
const TAYLOR_LENGTH = 16;

export type TransformSpec =
  | { kind: 'flin'; T: number; A: number }
  | { kind: 'flog'; T: number; M: number }
  | { kind: 'fasinh'; T: number; M: number; A: number }
  | { kind: 'logicle'; T: number; W: number; M: number; A: number }
  | { kind: 'hyperlog'; T: number; W: number; M: number; A: number }
  | { kind: 'asinh'; cofactor: number }
  | { kind: 'linear' }
  | { kind: 'log10' }
  /** FlowJo 10 `transforms:biex` (see flowjo.ts): output 0…4096 channels. */
  | { kind: 'flowjo-biex'; neg: number; width: number; pos: number; maxRange: number }
  /** FlowJo 10 `transforms:log`: (log10(max(x, offset)) − log10(offset)) / decades. */
  | { kind: 'flowjo-log'; offset: number; decades: number };

export interface ScaleTransform {
  readonly spec: TransformSpec;
  apply(x: number): number;
  inverse(y: number): number;
  /** ScaleTransform a whole column into a new array. */
  applyArray(values: ArrayLike<number>): Float64Array;
  /**
   * Present on the costly iterative transforms (logicle, hyperlog), which are monotonic increasing and finite for
   * every finite value: lets a threshold gate decide most events in data units and transform only those near the
   * threshold (see `thresholdBracket`).
   */
  readonly bracketing?: ThresholdBracketing;
}

/**
 * `bracket(y)` gives data values [lo, hi] around the threshold y such that every finite v < lo has
 * applyArray(...)[i] < y and every finite v > hi has applyArray(...)[i] > y; values in between (and non-finite ones)
 * must be transformed: `applyAt(values, i)` returns exactly `applyArray(values)[i]` (bit for bit) without
 * transforming the rest of the column. null when the threshold is out of reach (then transform the column).
 */
export interface ThresholdBracketing {
  bracket(y: number): [number, number] | null;
  applyAt(values: ArrayLike<number>, i: number): number;
}

/**
 * Margin (scale units) of the brackets, relative to max(1, |y|): far above the transforms' error, which is a few
 * units of 1e-16 (Halley's method iterated to 3·ε, started within 1e-6; `inverse` is a closed form), so a value
 * outside the bracket cannot land on the other side of y through rounding, and so narrow that almost no events
 * fall inside it.
 */
export const BRACKET_MARGIN = 1e-9;

function bracketOf(t: { inverse(y: number): number }, y: number): [number, number] | null {
  if (!Number.isFinite(y)) return null;
  const m = BRACKET_MARGIN * Math.max(1, Math.abs(y));
  const lo = t.inverse(y - m);
  const hi = t.inverse(y + m);
  return Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi ? [lo, hi] : null;
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new RangeError(message);
}

function finite(spec: Record<string, unknown>, name: string): void {
  for (const [k, v] of Object.entries(spec)) {
    if (k !== 'kind' && (typeof v !== 'number' || !Number.isFinite(v))) throw new RangeError(`${name}: parameter ${k} must be a finite number (got ${String(v)})`);
  }
}

/** Build a transform; throws RangeError naming the bad parameter. */
export function createTransform(spec: TransformSpec): ScaleTransform {
  finite(spec, spec.kind);
  switch (spec.kind) {
    case 'flin': {
      check(spec.T + spec.A !== 0, 'flin: T + A must not be 0');
      const { T, A } = spec;
      return simple(spec, (x) => (x + A) / (T + A), (y) => y * (T + A) - A);
    }
    case 'flog': {
      check(spec.T > 0, 'flog: T must be > 0');
      check(spec.M > 0, 'flog: M must be > 0');
      const { T, M } = spec;
      return simple(spec, (x) => Math.log10(x / T) / M + 1, (y) => T * 10 ** ((y - 1) * M));
    }
    case 'fasinh': {
      check(spec.T > 0, 'fasinh: T must be > 0');
      check(spec.M > 0, 'fasinh: M must be > 0');
      check(spec.A >= 0, 'fasinh: A must be >= 0');
      const { T, M, A } = spec;
      const k = Math.sinh(M * LN10) / T;
      const den = (M + A) * LN10;
      const off = A * LN10;
      return simple(spec, (x) => (Math.asinh(x * k) + off) / den, (y) => Math.sinh(y * den - off) / k);
    }
    case 'logicle':
      return new Logicle(spec.T, spec.W, spec.M, spec.A);
    case 'hyperlog':
      return new Hyperlog(spec.T, spec.W, spec.M, spec.A);
    case 'asinh': {
      check(spec.cofactor > 0, 'asinh: cofactor must be > 0');
      const c = spec.cofactor;
      return simple(spec, (x) => Math.asinh(x / c), (y) => Math.sinh(y) * c);
    }
    case 'linear':
      return simple(spec, (x) => x, (y) => y);
    case 'log10':
      return simple(spec, (x) => Math.log10(x), (y) => 10 ** y);
    case 'flowjo-biex':
      return new FlowJoBiex(spec.neg, spec.width, spec.pos, spec.maxRange);
    case 'flowjo-log': {
      check(spec.offset > 0, 'flowjo-log: offset must be > 0');
      check(spec.decades > 0, 'flowjo-log: decades must be > 0');
      const { offset, decades } = spec;
      const logOffset = Math.log10(offset);
      // FlowJo clamps values below the offset to the offset (FlowKit WSPLogTransform).
      return simple(spec, (x) => (1 / decades) * (Math.log10(x < offset ? offset : x) - logOffset), (y) => offset * 10 ** (y * decades));
    }
  }
}

function simple(spec: TransformSpec, f: (x: number) => number, inv: (y: number) => number): ScaleTransform {
  return {
    spec,
    apply: f,
    inverse: inv,
    applyArray(values) {
      const out = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = f(values[i] ?? missingValue('values[i]'));
      return out;
    },
  };
}

function checkLogicleFamily(name: string, T: number, W: number, M: number, A: number, wPositive: boolean): void {
  check(T > 0, `${name}: T must be > 0`);
  check(wPositive ? W > 0 : W >= 0, `${name}: W must be ${wPositive ? '>' : '>='} 0`);
  check(M > 0, `${name}: M must be > 0`);
  check(2 * W <= M, `${name}: W must be <= M / 2`);
  check(-A <= W, `${name}: A must be >= -W`);
  check(A + W <= M - W, `${name}: A must be <= M - 2W`);
}

/**
 * Solve 2(ln d - ln b) + w(b + d) = 0 for d in (0, b]: safeguarded Newton steps with bisection fallback
 * (rtsafe, Press et al., Numerical Recipes), as specified by Moore & Parks 2012.
 */
function solveD(b: number, w: number): number {
  if (w === 0) return b; // the logicle is then an arcsinh
  const tolerance = 2 * b * EPS;
  let lo = 0;
  let hi = b;
  let d = (lo + hi) / 2;
  let lastDelta = hi - lo;
  const fb = -2 * Math.log(b) + w * b;
  let f = 2 * Math.log(d) + w * d + fb;
  let lastF = Number.NaN;
  for (let i = 1; i < 60; i++) {
    const df = 2 / d + w;
    let delta: number;
    if (((d - hi) * df - f) * ((d - lo) * df - f) >= 0 || Math.abs(1.9 * f) > Math.abs(lastDelta * df)) {
      delta = (hi - lo) / 2;
      d = lo + delta;
      if (d === lo) return d;
    } else {
      delta = f / df;
      const before = d;
      d -= delta;
      if (d === before) return d;
    }
    if (Math.abs(delta) < tolerance) return d;
    lastDelta = delta;
    f = 2 * Math.log(d) + w * d + fb;
    if (f === 0 || f === lastF) return d;
    lastF = f;
    if (f < 0) lo = d;
    else hi = d;
  }
  throw new RangeError('logicle: could not solve for the parameter d');
}

/** Logicle (biexponential) display transform; output in [0, 1] for data in [−T·10^(−A)…, T]. */
export class Logicle implements ScaleTransform {
  readonly spec: TransformSpec;
  private readonly a: number;
  private readonly b: number;
  private readonly c: number;
  private readonly d: number;
  private readonly f: number;
  private readonly x1: number;
  private readonly xTaylor: number;
  private readonly taylor: Float64Array;

  constructor(T: number, W: number, M: number, A: number) {
    finite({ T, W, M, A }, 'logicle');
    checkLogicleFamily('logicle', T, W, M, A, false);
    this.spec = { kind: 'logicle', T, W, M, A };
    const w = W / (M + A);
    const x2 = A / (M + A);
    const x1 = x2 + w;
    const x0 = x2 + 2 * w;
    const b = (M + A) * LN10;
    const d = solveD(b, w);
    const cOverA = Math.exp(x0 * (b + d));
    const mfOverA = Math.exp(b * x1) - cOverA / Math.exp(d * x1);
    const a = T / (Math.exp(b) - mfOverA - cOverA / Math.exp(d));
    this.a = a;
    this.b = b;
    this.c = cOverA * a;
    this.d = d;
    this.f = -mfOverA * a;
    this.x1 = x1;
    this.xTaylor = x1 + w / 4;
    const taylor = new Float64Array(TAYLOR_LENGTH);
    let pos = a * Math.exp(b * x1);
    let neg = -this.c / Math.exp(d * x1);
    for (let i = 0; i < TAYLOR_LENGTH; i++) {
      pos *= b / (i + 1);
      neg *= -d / (i + 1);
      taylor[i] = pos + neg;
    }
    taylor[1] = 0; // zero by the logicle condition
    this.taylor = taylor;
  }

  /** B(x) - x1-centred Taylor series (the second-order term vanishes). */
  private series(scale: number): number {
    const x = scale - this.x1;
    const t = this.taylor;
    let sum = (t[TAYLOR_LENGTH - 1] ?? missingValue('t[TAYLOR_LENGTH - 1]')) * x;
    for (let i = TAYLOR_LENGTH - 2; i >= 2; i--) sum = (sum + (t[i] ?? missingValue('t[i]'))) * x;
    return (sum * x + (t[0] ?? missingValue('t[0]'))) * x;
  }

  apply(value: number): number {
    if (value === 0) return this.x1;
    if (Number.isNaN(value)) return Number.NaN;
    const negative = value < 0;
    if (negative) value = -value;
    const { a, b, c, d, f } = this;
    let x = value < f ? this.x1 + value / (this.taylor[0] ?? missingValue('this.taylor[0]')) : Math.log(value / a) / b;
    const tolerance = x > 1 ? 3 * x * EPS : 3 * EPS;
    for (let i = 0; i < 50; i++) {
      const ae2bx = a * Math.exp(b * x);
      const ce2mdx = c / Math.exp(d * x);
      const y = x < this.xTaylor ? this.series(x) - value : ae2bx + f - (ce2mdx + value);
      const abe2bx = b * ae2bx;
      const cde2mdx = d * ce2mdx;
      const dy = abe2bx + cde2mdx;
      const ddy = b * abe2bx - d * cde2mdx;
      const delta = y / (dy * (1 - (y * ddy) / (2 * dy * dy)));
      x -= delta;
      if (Math.abs(delta) < tolerance) return negative ? 2 * this.x1 - x : x;
      if (!Number.isFinite(x)) break;
    }
    return Number.NaN; // did not converge (only for non-finite input)
  }

  inverse(scale: number): number {
    const negative = scale < this.x1;
    if (negative) scale = 2 * this.x1 - scale;
    const v = scale < this.xTaylor ? this.series(scale) : this.a * Math.exp(this.b * scale) + this.f - this.c / Math.exp(this.d * scale);
    return negative ? -v : v;
  }

  /** B(x) on a uniform grid of the positive half of the scale, and a cell index by float bits; built on first use. */
  private grid: { x0: number; step: number; b: Float64Array; keyMin: number; start: Int32Array; top: number } | null = null;

  private readonly one = new Float64Array(1);

  readonly bracketing: ThresholdBracketing = {
    bracket: (y) => bracketOf(this, y),
    applyAt: (values, i) => {
      if (values.length < GRID_MIN_LENGTH || !LITTLE_ENDIAN) return this.apply(values[i] ?? missingValue('values[i]'));
      this.gridRange(values, i, i + 1, this.one);
      return this.one[0] ?? missingValue('this.one[0]');
    },
  };

  /**
   * Transform a column. Same result as apply() to double precision (the two may differ in the last bit), about 3
   * times faster for large columns: the start value comes from linear interpolation in a 4096-step table of B
   * (error < 1e-6 in scale units; the table cell is found from the value's exponent and top 8 mantissa bits), after
   * which one Halley step (cubic convergence: error ~ 10·δ³ < 1e-17) reaches full precision; the loop continues
   * in the rare case the step is larger.
   */
  applyArray(values: ArrayLike<number>): Float64Array {
    const out = new Float64Array(values.length);
    if (values.length < GRID_MIN_LENGTH || !LITTLE_ENDIAN) {
      for (let i = 0; i < values.length; i++) out[i] = this.apply(values[i] ?? missingValue('values[i]'));
      return out;
    }
    this.gridRange(values, 0, values.length, out);
    return out;
  }

  /** Cubic Hermite table over 1/256-octave cells of |x| in [1, 2^21), built on first use (see approxArray). */
  private hermite: { keyMin: number; keyMax: number; x: Float64Array; y: Float64Array; dy: Float64Array; error: number } | null = null;

  /**
   * Largest difference between approxArray() and apply() found when the table was built (at three points inside
   * every cell), times 4: a value's approximation is within this of the exact transform.
   */
  get approxError(): number {
    return (this.hermite ?? this.buildHermite()).error;
  }

  private buildHermite(): NonNullable<Logicle['hermite']> {
    const keyMin = keyOf(1);
    const keyMax = keyOf(2 ** 21);
    const cells = keyMax - keyMin;
    const x = new Float64Array(cells + 1);
    const y = new Float64Array(cells + 1);
    const dy = new Float64Array(cells + 1);
    for (let k = 0; k <= cells; k++) {
      const v = valueOfKey(keyMin + k);
      const yy = this.apply(v);
      x[k] = v;
      y[k] = yy;
      dy[k] = 1 / this.slope(yy);
    }
    const table = { keyMin, keyMax, x, y, dy, error: 0 };
    let worst = 0;
    for (let k = 0; k < cells; k++) {
      for (const f of [0.25, 0.5, 0.75]) {
        const v = (x[k] ?? missingValue('x[k]')) + f * ((x[k + 1] ?? missingValue('x[k + 1]')) - (x[k] ?? missingValue('x[k]')));
        worst = Math.max(worst, Math.abs(hermiteAt(table, k, v) - this.apply(v)));
      }
    }
    table.error = 4 * worst + 8 * EPS;
    this.hermite = table;
    return table;
  }

  /** dB/dy at scale value y (B the inverse transform): the derivative for the Hermite table. */
  private slope(scale: number): number {
    const negative = scale < this.x1;
    if (negative) scale = 2 * this.x1 - scale;
    return this.a * this.b * Math.exp(this.b * scale) + this.c * this.d * Math.exp(-this.d * scale);
  }

  /**
   * Transform a column fast, within `approxError` (about 1e-12 scale units) of apply(): values with |x| in [1, 2^21)
   * by cubic Hermite interpolation in a table of 1/256-octave cells (the cell is read from the value's exponent and
   * top 8 mantissa bits; no exp or log per value); the rest, and NaN, exactly. For display and for gating with a
   * margin: a value more than `approxError` from a threshold is on the same side of it as the exact value, and the
   * few closer ones are decided on apply() (see approxClassifier in gates.ts).
   */
  approxArray(values: ArrayLike<number>, out = new Float64Array(values.length)): Float64Array {
    const h = this.hermite ?? this.buildHermite();
    const { keyMin, keyMax, x, y, dy } = h;
    const x1 = this.x1;
    const top = x[x.length - 1] ?? missingValue('x[x.length - 1]');
    for (let i = 0; i < values.length; i++) {
      const raw = values[i] ?? missingValue('values[i]');
      const v = raw < 0 ? -raw : raw;
      if (!(v >= 1 && v < top)) {
        out[i] = this.apply(raw);
        continue;
      }
      KEY_F64[0] = v;
      let k = ((KEY_U32[1] ?? missingValue('KEY_U32[1]')) >>> 12) - keyMin;
      if (k >= keyMax - keyMin) k = keyMax - keyMin - 1;
      const x0 = x[k] ?? missingValue('x[k]');
      const hw = (x[k + 1] ?? missingValue('x[k + 1]')) - x0;
      const t = (v - x0) / hw;
      const t2 = t * t;
      const t3 = t2 * t;
      const r = (2 * t3 - 3 * t2 + 1) * (y[k] ?? missingValue('y[k]')) + (t3 - 2 * t2 + t) * hw * (dy[k] ?? missingValue('dy[k]')) + (-2 * t3 + 3 * t2) * (y[k + 1] ?? missingValue('y[k + 1]')) + (t3 - t2) * hw * (dy[k + 1] ?? missingValue('dy[k + 1]'));
      out[i] = raw < 0 ? 2 * x1 - r : r;
    }
    return out;
  }

  private buildGrid(): NonNullable<Logicle['grid']> {
    const steps = GRID_STEPS;
    const x0 = this.x1;
    const step = (1.25 - x0) / steps;
    const b = new Float64Array(steps + 1);
    for (let k = 0; k <= steps; k++) b[k] = this.inverse(x0 + k * step);
    b[0] = 0;
    const keyMin = keyOf(b[1] ?? missingValue('b[1]'));
    const keyMax = keyOf(b[steps] ?? missingValue('b[steps]'));
    const start = new Int32Array(keyMax - keyMin + 1);
    let k = 0;
    for (let key = keyMin; key <= keyMax; key++) {
      const v = valueOfKey(key);
      while (k < steps - 1 && (b[k + 1] ?? missingValue('b[k + 1]')) <= v) k++;
      start[key - keyMin] = k;
    }
    this.grid = { x0, step, b, keyMin, start, top: b[steps] ?? missingValue('b[steps]') };
    return this.grid;
  }

  /** values[from..to) by the table start + Halley step into out[0..to-from) (the applyArray path for long columns). */
  private gridRange(values: ArrayLike<number>, from: number, to: number, out: Float64Array): void {
    const { x0, step, b: table, keyMin, start, top } = this.grid ?? this.buildGrid();
    const steps = GRID_STEPS;
    const { a, b, c, d, f, x1, xTaylor } = this;
    const last = start.length - 1;
    for (let i = from; i < to; i++) {
      let value = values[i] ?? missingValue('values[i]');
      if (value === 0) {
        out[i - from] = x1;
        continue;
      }
      const negative = value < 0;
      if (negative) value = -value;
      if (!(value < top)) {
        out[i - from] = this.apply(values[i] ?? missingValue('values[i]'));
        continue;
      }
      let key = keyOf(value) - keyMin;
      key = key < 0 ? 0 : key > last ? last : key;
      let lo = start[key] ?? missingValue('start[key]');
      while (lo < steps - 1 && (table[lo + 1] ?? missingValue('table[lo + 1]')) <= value) lo++;
      const b0 = table[lo] ?? missingValue('table[lo]');
      let x = x0 + (lo + (value - b0) / ((table[lo + 1] ?? missingValue('table[lo + 1]')) - b0)) * step;
      const tolerance = x > 1 ? 3 * x * EPS : 3 * EPS;
      for (let it = 0; it < 50; it++) {
        const ae2bx = a * Math.exp(b * x);
        const ce2mdx = c / Math.exp(d * x);
        const y = x < xTaylor ? this.series(x) - value : ae2bx + f - (ce2mdx + value);
        const abe2bx = b * ae2bx;
        const cde2mdx = d * ce2mdx;
        const dy = abe2bx + cde2mdx;
        const ddy = b * abe2bx - d * cde2mdx;
        const delta = y / (dy * (1 - (y * ddy) / (2 * dy * dy)));
        x -= delta;
        if (Math.abs(delta) < 1e-6 || Math.abs(delta) < tolerance) break;
      }
      out[i - from] = negative ? 2 * x1 - x : x;
    }
  }
}

function hermiteAt(h: { x: Float64Array; y: Float64Array; dy: Float64Array }, k: number, v: number): number {
  const x0 = h.x[k] ?? missingValue('h.x[k]');
  const hw = (h.x[k + 1] ?? missingValue('h.x[k + 1]')) - x0;
  const t = (v - x0) / hw;
  const t2 = t * t;
  const t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * (h.y[k] ?? missingValue('h.y[k]')) + (t3 - 2 * t2 + t) * hw * (h.dy[k] ?? missingValue('h.dy[k]')) + (-2 * t3 + 3 * t2) * (h.y[k + 1] ?? missingValue('h.y[k + 1]')) + (t3 - t2) * hw * (h.dy[k + 1] ?? missingValue('h.dy[k + 1]'));
}

/** Columns shorter than this are transformed value by value with apply() (the table is not worth building). */
const GRID_MIN_LENGTH = 5000;
const GRID_STEPS = 4096;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const KEY_F64 = new Float64Array(1);
const KEY_U32 = new Uint32Array(KEY_F64.buffer);

/** Monotonic key of a positive double: its exponent and top 8 mantissa bits (1/256-octave buckets). */
function keyOf(v: number): number {
  KEY_F64[0] = v;
  return (KEY_U32[1] ?? missingValue('KEY_U32[1]')) >>> 12;
}

/** The smallest positive double with this key. */
function valueOfKey(key: number): number {
  KEY_U32[1] = key << 12;
  KEY_U32[0] = 0;
  return KEY_F64[0] ?? missingValue('KEY_F64[0]');
}

/** Hyperlog display transform (Bagwell 2005) with the Gating-ML 2.0 parameters. */
export class Hyperlog implements ScaleTransform {
  readonly spec: TransformSpec;
  private readonly a: number;
  private readonly b: number;
  private readonly c: number;
  private readonly f: number;
  private readonly w: number;
  private readonly x1: number;
  private readonly xTaylor: number;
  private readonly taylor: Float64Array;
  /** EH(x0): data value at the end of the near-linear region, for the initial guess. */
  private readonly linearTop: number;

  constructor(T: number, W: number, M: number, A: number) {
    finite({ T, W, M, A }, 'hyperlog');
    checkLogicleFamily('hyperlog', T, W, M, A, true);
    this.spec = { kind: 'hyperlog', T, W, M, A };
    const w = W / (M + A);
    const x2 = A / (M + A);
    const x1 = x2 + w;
    const x0 = x2 + 2 * w;
    const b = (M + A) * LN10;
    const cOverA = Math.exp(b * x0) / w;
    const fOverA = Math.exp(b * x1) + cOverA * x1;
    const a = T / (Math.exp(b) + cOverA - fOverA);
    this.a = a;
    this.b = b;
    this.c = cOverA * a;
    this.f = fOverA * a;
    this.w = w;
    this.x1 = x1;
    this.xTaylor = x1 + w / 4;
    const taylor = new Float64Array(TAYLOR_LENGTH);
    let coef = a * Math.exp(b * x1);
    for (let i = 0; i < TAYLOR_LENGTH; i++) {
      coef *= b / (i + 1);
      taylor[i] = coef;
    }
    taylor[0] = (taylor[0] ?? missingValue('taylor[0]')) + this.c;
    this.taylor = taylor;
    this.linearTop = Math.abs(this.inverse(x0));
  }

  private series(scale: number): number {
    const x = scale - this.x1;
    const t = this.taylor;
    let sum = (t[TAYLOR_LENGTH - 1] ?? missingValue('t[TAYLOR_LENGTH - 1]')) * x;
    for (let i = TAYLOR_LENGTH - 2; i >= 0; i--) sum = (sum + (t[i] ?? missingValue('t[i]'))) * x;
    return sum;
  }

  apply(value: number): number {
    if (value === 0) return this.x1;
    if (Number.isNaN(value)) return Number.NaN;
    const negative = value < 0;
    if (negative) value = -value;
    const { a, b, c, f } = this;
    let x = value < this.linearTop ? this.x1 + (value * this.w) / this.linearTop : Math.log(value / a) / b;
    const tolerance = x > 1 ? 3 * x * EPS : 3 * EPS;
    for (let i = 0; i < 50; i++) {
      const ae2bx = a * Math.exp(b * x);
      const y = x < this.xTaylor ? this.series(x) - value : ae2bx + c * x - (f + value);
      const abe2bx = b * ae2bx;
      const dy = abe2bx + c;
      const ddy = b * abe2bx;
      const delta = y / (dy * (1 - (y * ddy) / (2 * dy * dy)));
      x -= delta;
      if (Math.abs(delta) < tolerance) return negative ? 2 * this.x1 - x : x;
      if (!Number.isFinite(x)) break;
    }
    return Number.NaN;
  }

  inverse(scale: number): number {
    const negative = scale < this.x1;
    if (negative) scale = 2 * this.x1 - scale;
    const v = scale < this.xTaylor ? this.series(scale) : this.a * Math.exp(this.b * scale) + this.c * scale - this.f;
    return negative ? -v : v;
  }

  applyArray(values: ArrayLike<number>): Float64Array {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.apply(values[i] ?? missingValue('values[i]'));
    return out;
  }

  readonly bracketing: ThresholdBracketing = {
    bracket: (y) => bracketOf(this, y),
    applyAt: (values, i) => this.apply(values[i] ?? missingValue('values[i]')),
  };
}

/** fratio(x, y, A, B, C) = A · (x − B) / (y − C), Gating-ML 2.0 ratio dimensions. */
export function fratio(x: number, y: number, A: number, B: number, C: number): number {
  return (A * (x - B)) / (y - C);
}

/**
 * A logicle fitted to the data (Parks et al. 2006): T = the largest value (at least 1), M = 4.5, A = 0, and
 * W = (M − log10(T / |r|)) / 2 with r the 5th percentile of the negative values, so the near-linear zone just holds
 * the negative spread (clamped to 0 … M/2; 0.5 when there are no negative values).
 */
export function fitLogicle(values: ArrayLike<number>, mask?: ArrayLike<number> | null): Logicle {
  let max = 1;
  const negatives: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i] ?? missingValue('values[i]');
    if (!Number.isFinite(v)) continue;
    if (v > max) max = v;
    if (v < 0) negatives.push(v);
  }
  const M = 4.5;
  let W = 0.5;
  if (negatives.length > 0) {
    negatives.sort((a, b) => a - b);
    const r = Math.abs(negatives[Math.floor(0.05 * (negatives.length - 1))] ?? missingValue('negatives[Math.floor(0.05 * (negatives.length - 1))]'));
    if (r > 0) W = Math.min(M / 2, Math.max(0, (M - Math.log10(max / r)) / 2));
  }
  return new Logicle(max, W, M, 0);
}

/**
 * Root d of 2·ln(d) + w·d − 2·ln(b) + w·b = 0 (the negative range of the FlowJo biex), found the way FlowJo's own
 * code does it, as ported to R (cytolib) and Python (FlowKit 1.3 `_wsp_transforms._log_root`): Newton steps from
 * b/2 with a bisection fallback, stopping at a step below 1e-12. The first evaluation uses w·b where later ones use
 * w·d, and the bisection test reduces to `df < 0`; both are kept as they are, because the LUT (and so every gate
 * count) depends on where this iteration stops.
 */
function flowJoLogRoot(b: number, w: number): number {
  let xLo = 0;
  let xHi = b;
  let d = (xLo + xHi) / 2;
  let dx = Math.abs(Math.trunc(xLo - xHi));
  let dxLast = dx;
  const fb = -2 * Math.log(b) + w * b;
  let f = 2 * Math.log(d) + w * b + fb;
  let df = 2 / d + w;
  if (w === 0) return b;
  for (let i = 0; i < 100; i++) {
    if ((d - xHi) * df - f - ((d - xLo) * df - f) > 0 || Math.abs(2 * f) > Math.abs(dxLast * df)) {
      dx = (xHi - xLo) / 2;
      d = xLo + dx;
      if (d === xLo) return d;
    } else {
      dx = f / df;
      const t = d;
      d -= dx;
      if (d === t) return d;
    }
    if (Math.abs(dx) < 1e-12) return d;
    dxLast = dx;
    f = 2 * Math.log(d) + w * d + fb;
    df = 2 / d + w;
    if (f < 0) xLo = d;
    else xHi = d;
  }
  return d;
}

/** Output channels of the FlowJo biex lookup table (FlowJo's `channelRange`). */
export const FLOWJO_BIEX_CHANNELS = 4096;

/**
 * The FlowJo 10 biexponential ("biex") display transform of a workspace's `<transforms:biex neg width pos
 * maxRange length="256">`. It is not the Gating-ML logicle: FlowJo builds a 4097-point lookup table of data values
 * for the channels 0…4096 and interpolates linearly between them, clamping values beyond the table to channel 0 or
 * 4096. The table follows FlowJo's code as ported by cytolib (R) and FlowKit 1.3 (`generate_biex_lut`, BSD-3):
 *
 *   w = log10(−width); decades = pos − w/2; extra = max(neg, 0) + w/2
 *   zero = trunc(min(trunc(extra·4096 / (extra + decades)), 2048)); decades = extra·4096 / zero when zero > 0
 *   positive range P = ln10·decades, negative range N = logRoot(P, w / (2·decades)), minimum = maxRange / e^P
 *   B(k) = minimum · ((e^(k·P/4097) − s·e^(−k·N/4097)) − (e^(zero·P/4097) − s·e^(−zero·N/4097))) for k ≥ zero,
 *   s = e^((P + N)(w/(2·decades) + extra/decades)); B(k) = −B(2·zero − k) below zero.
 *
 * Interpolation is scipy's `interp1d(kind='linear')` as FlowKit calls it: the cell is the first table value >= x
 * (clipped to 1…4096), y = slope · (x − x_lo) + y_lo. Gate bounds go through the same function, so gates compare
 * like FlowJo's in channel space.
 */
export class FlowJoBiex implements ScaleTransform {
  readonly spec: TransformSpec;
  /** Data value of each channel 0…4096 (strictly increasing). */
  readonly table: Float64Array;

  constructor(neg: number, width: number, pos: number, maxRange: number) {
    finite({ neg, width, pos, maxRange }, 'flowjo-biex');
    check(width < 0, 'flowjo-biex: width must be negative (FlowJo width basis, e.g. -10)');
    check(pos > 0, 'flowjo-biex: pos must be > 0');
    check(maxRange > 0, 'flowjo-biex: maxRange must be > 0');
    this.spec = { kind: 'flowjo-biex', neg, width, pos, maxRange };
    const channelRange = FLOWJO_BIEX_CHANNELS;
    let w = Math.log10(-width);
    let decades = pos - w / 2;
    let extra = neg < 0 ? 0 : neg;
    extra = extra + w / 2;
    let zeroPoint = Math.trunc((extra * channelRange) / (extra + decades));
    zeroPoint = Math.trunc(Math.min(zeroPoint, channelRange / 2));
    if (zeroPoint > 0) decades = (extra * channelRange) / zeroPoint;
    w = w / (2 * decades);
    const positiveRange = LN10 * decades;
    const minimum = maxRange / Math.exp(positiveRange);
    const negativeRange = flowJoLogRoot(positiveRange, w);
    const nPoints = channelRange + 1;
    check(zeroPoint >= 0 && 2 * zeroPoint < nPoints, 'flowjo-biex: these parameters put the zero outside the table');
    const positive = new Float64Array(nPoints);
    const negative = new Float64Array(nPoints);
    for (let k = 0; k < nPoints; k++) {
      positive[k] = Math.exp((k / nPoints) * positiveRange);
      negative[k] = Math.exp((k / nPoints) * -negativeRange);
    }
    const s = Math.exp((positiveRange + negativeRange) * (w + extra / decades));
    for (let k = 0; k < nPoints; k++) negative[k] = (negative[k] ?? missingValue('negative[k]')) * s;
    const s2 = (positive[zeroPoint] ?? missingValue('positive[zeroPoint]')) - (negative[zeroPoint] ?? missingValue('negative[zeroPoint]'));
    for (let k = zeroPoint; k < nPoints; k++) positive[k] = minimum * ((positive[k] ?? missingValue('positive[k]')) - (negative[k] ?? missingValue('negative[k]')) - s2);
    for (let k = 0; k < zeroPoint; k++) positive[k] = -(positive[2 * zeroPoint - k] ?? missingValue('positive[2 * zeroPoint - k]'));
    for (let k = 1; k < nPoints; k++) check((positive[k] ?? missingValue('positive[k]')) > (positive[k - 1] ?? missingValue('positive[k - 1]')), 'flowjo-biex: the lookup table is not increasing for these parameters');
    this.table = positive;
  }

  apply(x: number): number {
    const t = this.table;
    const last = t.length - 1;
    if (Number.isNaN(x)) return Number.NaN;
    if (x < (t[0] ?? missingValue('t[0]'))) return 0;
    if (x > (t[last] ?? missingValue('t[last]'))) return last;
    // First index with t[i] >= x (numpy searchsorted, side 'left'), clipped to 1…last.
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((t[mid] ?? missingValue('t[mid]')) < x) lo = mid + 1;
      else hi = mid;
    }
    const i = lo < 1 ? 1 : lo;
    const xLo = t[i - 1] ?? missingValue('t[i - 1]');
    const slope = (i - (i - 1)) / ((t[i] ?? missingValue('t[i]')) - xLo);
    return slope * (x - xLo) + (i - 1);
  }

  inverse(y: number): number {
    const t = this.table;
    const last = t.length - 1;
    if (Number.isNaN(y)) return Number.NaN;
    if (y < 0) return t[0] ?? missingValue('t[0]');
    if (y > last) return t[last] ?? missingValue('t[last]');
    let i = Math.ceil(y);
    if (i < 1) i = 1;
    const slope = ((t[i] ?? missingValue('t[i]')) - (t[i - 1] ?? missingValue('t[i - 1]'))) / 1;
    return slope * (y - (i - 1)) + (t[i - 1] ?? missingValue('t[i - 1]'));
  }

  applyArray(values: ArrayLike<number>): Float64Array {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.apply(values[i] ?? missingValue('values[i]'));
    return out;
  }

  readonly bracketing: ThresholdBracketing = {
    // The table is flat beyond its ends, so a threshold at (or within the margin of) channel 0 or 4096 cannot be
    // bracketed: those are decided on transformed values.
    bracket: (y) => {
      const m = BRACKET_MARGIN * Math.max(1, Math.abs(y));
      return y - m > 0 && y + m < this.table.length - 1 ? bracketOf(this, y) : null;
    },
    applyAt: (values, i) => this.apply(values[i] ?? missingValue('values[i]')),
  };
}
