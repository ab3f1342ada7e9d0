/**
 * Gating-ML 2.0 gates as a plain model, and their evaluation on event columns (Spidlen J et al. Gating-ML 2.0,
 * Cytometry A 2015;87:683-687). Semantics, checked event for event against the Gating-ML 2.0 compliance set:
 *
 * - Dimensions refer to a channel by `$PnN` (or `$PnS`), or to a ratio "new dimension" (fratio transform). Each has a
 *   compensation reference (`uncompensated`, `FCS` = the file's spillover keyword, or a spectrumMatrix id) and an
 *   optional transformation applied after compensation. `FCS` on a file without a spillover keyword means
 *   uncompensated.
 * - Rectangle (range, n-D box): min <= x < max on every dimension; either bound may be absent.
 * - Polygon: a point is inside when its winding number around the vertices is odd (non-simple polygons allowed);
 *   events on the lower/left edges count as inside.
 * - Ellipsoid: (x − μ)ᵀ Σ⁻¹ (x − μ) <= distanceSquare.
 * - Quadrant: each divider splits its dimension at sorted values; a quadrant is the product of the intervals
 *   [v_k, v_k+1) that contain its positions. Quadrants are addressed by their own ids.
 * - Boolean: and / or / not of gate references, each optionally used as complement.
 * - Parent gates: a gate's membership is AND-ed with its parent's (a quadrant may be a parent).
 */
import { compensate, compensationMatrix, type CompensationCache, type SpilloverMatrix } from './compensation.ts';
import { invertMatrix, type Matrix } from './linalg.ts';
import { createTransform, fratio, type ScaleTransform, type ThresholdBracketing, type TransformSpec } from './transforms.ts';
import { defined, missingValue } from '../errors.ts';

/** `uncompensated`, `FCS`, or the id of a spectrum matrix. */
export type CompensationRef = string;

export type GateDimension =
  | { kind: 'fcs'; name: string; compensation: CompensationRef; transform: string | null }
  | { kind: 'ratio'; ratio: string; compensation: CompensationRef; transform: string | null };

export interface RatioDefinition {
  kind: 'fratio';
  A: number;
  B: number;
  C: number;
  /** Numerator and denominator channel names. */
  numerator: string;
  denominator: string;
}

export interface GateBase {
  id: string;
  parentId: string | null;
  /** Optional display name (`gating:name`). */
  name?: string;
  /**
   * Keep the events outside the gate's shape (before the parent is applied): FlowJo's `eventsInside="0"` on a
   * rectangle, polygon or ellipse. Not a Gating-ML 2.0 attribute (there a boolean `not` does this).
   */
  complement?: boolean;
}

export interface RectangleGate extends GateBase {
  type: 'rectangle';
  dimensions: Array<{ dimension: GateDimension; min: number | null; max: number | null }>;
}

export interface PolygonGate extends GateBase {
  type: 'polygon';
  dimensions: [GateDimension, GateDimension];
  vertices: Array<[number, number]>;
}

export interface EllipsoidGate extends GateBase {
  type: 'ellipsoid';
  dimensions: GateDimension[];
  mean: number[];
  covariance: number[][];
  distanceSquare: number;
}

export interface QuadrantGate extends GateBase {
  type: 'quadrant';
  dividers: Array<{ id: string; dimension: GateDimension; values: number[] }>;
  quadrants: Array<{ id: string; positions: Array<{ divider: string; location: number }> }>;
}

export interface BooleanGate extends GateBase {
  type: 'boolean';
  operation: 'and' | 'or' | 'not';
  references: Array<{ ref: string; complement: boolean }>;
}

export type Gate = RectangleGate | PolygonGate | EllipsoidGate | QuadrantGate | BooleanGate;

export interface GatingStrategy {
  gates: Gate[];
  /** Scale transforms by id (flin, flog, fasinh, logicle, hyperlog). */
  transforms: Record<string, TransformSpec>;
  /** Ratio transforms by id. */
  ratios: Record<string, RatioDefinition>;
  /** Spectrum matrices by id. */
  matrices: Record<string, SpilloverMatrix>;
}

/** What the evaluator needs from a sample: scaled (channel-to-scale converted) columns and the file's spillover. */
export interface GatingEventSource {
  eventCount: number;
  /** Index of the channel called `name` ($PnN first, then $PnS), or -1. */
  channelIndex(name: string): number;
  /** `$PnN` of channel i. */
  channelName(index: number): string;
  column(index: number): Float64Array;
  /** The file's own spillover ($SPILLOVER / SPILL / $COMP), or null. */
  spillover: SpilloverMatrix | null;
  /** Optional cache of compensated columns shared with other analyses of the same sample. */
  compensation?: CompensationCache;
  /**
   * Optional: compensated columns computed by the source itself (e.g. fused with decoding the stored data). Must
   * equal compensate(detectorIdx.map((i) => column(i)), k, only) bit for bit; null lets the evaluator compute them.
   */
  compensated?(detectorIdx: readonly number[], k: Matrix, only: readonly number[]): Array<Float64Array | null> | null;
  /** Optional: get the columns at these indices ready together (e.g. one pass over the stored data for all). */
  prefetch?(indices: readonly number[]): void;
}

export class GatingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatingError';
  }
}

export interface GateResult {
  /** Gate id (quadrant ids for quadrant gates). */
  id: string;
  /** Parent gate id, or null for a top-level gate. */
  parent: string | null;
  /** Gate type (quadrants report 'quadrant'). */
  type: Gate['type'];
  count: number;
  /** Events of the parent (all events for a top-level gate). */
  parentCount: number;
  membership: Uint8Array;
}

/** The ids a strategy defines, in document order (a quadrant gate contributes its quadrant ids). */
export function gateIds(strategy: GatingStrategy): string[] {
  const ids: string[] = [];
  for (const g of strategy.gates) {
    if (g.type === 'quadrant') for (const q of g.quadrants) ids.push(q.id);
    else ids.push(g.id);
  }
  return ids;
}

/**
 * Check references (parents, boolean refs, transforms, matrices, dividers), duplicates and cycles; returns the
 * gates in evaluation order. Throws GatingError naming the gate.
 */
export function validateStrategy(strategy: GatingStrategy): Gate[] {
  const byId = new Map<string, Gate>();
  const quadrantOwner = new Map<string, QuadrantGate>();
  const seen = new Set<string>();
  for (const g of strategy.gates) {
    const ids = g.type === 'quadrant' ? [g.id, ...g.quadrants.map((q) => q.id)] : [g.id];
    for (const id of ids) {
      if (seen.has(id)) throw new GatingError(`gate id '${id}' is defined twice`);
      seen.add(id);
    }
    byId.set(g.id, g);
    if (g.type === 'quadrant') for (const q of g.quadrants) quadrantOwner.set(q.id, g);
  }
  const ownerOf = (ref: string): Gate | undefined => quadrantOwner.get(ref) ?? byId.get(ref);
  const checkDimension = (g: Gate, d: GateDimension) => {
    if (d.transform !== null && !(d.transform in strategy.transforms)) {
      throw new GatingError(`gate '${g.id}': transformation '${d.transform}' is not defined${d.transform in strategy.ratios ? ' as a scale transform (it is a ratio)' : ''}`);
    }
    if (d.kind === 'ratio' && !(d.ratio in strategy.ratios)) throw new GatingError(`gate '${g.id}': ratio transformation '${d.ratio}' is not defined`);
    if (d.compensation !== 'uncompensated' && d.compensation !== 'FCS' && !(d.compensation in strategy.matrices)) {
      throw new GatingError(`gate '${g.id}': compensation-ref '${d.compensation}' is neither 'FCS', 'uncompensated' nor a spectrumMatrix id`);
    }
  };
  const deps = new Map<Gate, Gate[]>();
  for (const g of strategy.gates) {
    const list: Gate[] = [];
    if (g.parentId !== null) {
      const p = ownerOf(g.parentId);
      if (!p) throw new GatingError(`gate '${g.id}': parent '${g.parentId}' is not defined`);
      list.push(p);
    }
    switch (g.type) {
      case 'rectangle':
        if (g.dimensions.length === 0) throw new GatingError(`gate '${g.id}': a rectangle gate needs at least one dimension`);
        for (const d of g.dimensions) {
          checkDimension(g, d.dimension);
          if (d.min === null && d.max === null) throw new GatingError(`gate '${g.id}': a dimension needs a min or a max`);
        }
        break;
      case 'polygon':
        for (const d of g.dimensions) checkDimension(g, d);
        if (g.vertices.length < 3) throw new GatingError(`gate '${g.id}': a polygon needs at least 3 vertices`);
        break;
      case 'ellipsoid': {
        const n = g.dimensions.length;
        for (const d of g.dimensions) checkDimension(g, d);
        if (n < 2) throw new GatingError(`gate '${g.id}': an ellipsoid needs at least 2 dimensions`);
        if (g.mean.length !== n) throw new GatingError(`gate '${g.id}': the mean has ${g.mean.length} coordinates for ${n} dimensions`);
        if (g.covariance.length !== n || g.covariance.some((r) => r.length !== n)) throw new GatingError(`gate '${g.id}': the covariance matrix must be ${n} × ${n}`);
        break;
      }
      case 'quadrant': {
        if (g.dividers.length === 0) throw new GatingError(`gate '${g.id}': a quadrant gate needs at least one divider`);
        const dividerIds = new Set(g.dividers.map((d) => d.id));
        for (const d of g.dividers) {
          checkDimension(g, d.dimension);
          if (d.values.length === 0) throw new GatingError(`gate '${g.id}': divider '${d.id}' has no values`);
        }
        for (const q of g.quadrants) {
          if (q.positions.length === 0) throw new GatingError(`gate '${g.id}': quadrant '${q.id}' has no positions`);
          for (const p of q.positions) if (!dividerIds.has(p.divider)) throw new GatingError(`gate '${g.id}': quadrant '${q.id}' refers to unknown divider '${p.divider}'`);
        }
        break;
      }
      case 'boolean': {
        if (g.references.length === 0) throw new GatingError(`gate '${g.id}': a boolean gate needs gate references`);
        if (g.operation === 'not' && g.references.length !== 1) throw new GatingError(`gate '${g.id}': a 'not' gate takes exactly one gate reference`);
        if (g.operation !== 'not' && g.references.length < 2) throw new GatingError(`gate '${g.id}': an '${g.operation}' gate takes at least two gate references`);
        for (const r of g.references) {
          const t = ownerOf(r.ref);
          if (!t) throw new GatingError(`gate '${g.id}': gate reference '${r.ref}' is not defined`);
          if (t.type === 'quadrant' && r.ref === t.id) throw new GatingError(`gate '${g.id}': refers to the quadrant gate '${r.ref}' itself; refer to one of its quadrants`);
          list.push(t);
        }
        break;
      }
    }
    if (g.parentId !== null) {
      const p = byId.get(g.parentId);
      if (p && p.type === 'quadrant') throw new GatingError(`gate '${g.id}': parent '${g.parentId}' is a quadrant gate; use one of its quadrants as parent`);
    }
    deps.set(g, list);
  }
  // Topological order (depth-first, cycle detection).
  const order: Gate[] = [];
  const state = new Map<Gate, 1 | 2>();
  const visit = (g: Gate, path: string[]) => {
    const s = state.get(g);
    if (s === 2) return;
    if (s === 1) throw new GatingError(`gate '${g.id}' depends on itself (${[...path, g.id].join(' -> ')})`);
    state.set(g, 1);
    for (const d of deps.get(g) ?? []) visit(d, [...path, g.id]);
    state.set(g, 2);
    order.push(g);
  };
  for (const g of strategy.gates) visit(g, []);
  return order;
}

const UNCOMPENSATED = 'uncompensated';

/** Evaluate every gate of `strategy` on `source`; results in document order (quadrants expanded). */
export function evaluateGates(strategy: GatingStrategy, source: GatingEventSource): GateResult[] {
  const order = validateStrategy(strategy);
  const n = source.eventCount;
  const values = new DimensionResolver(strategy, source);
  values.prefetchUncompensated();
  const results = new Map<string, GateResult>();
  const membershipOf = (ref: string): Uint8Array => {
    const r = results.get(ref);
    if (!r) throw new GatingError(`internal: gate '${ref}' evaluated out of order`);
    return r.membership;
  };
  for (const g of order) {
    const parentResult = g.parentId !== null ? results.get(g.parentId) : undefined;
    if (g.parentId !== null && !parentResult) throw new GatingError(`internal: gate '${g.parentId}' evaluated out of order`);
    const parent = parentResult ? parentResult.membership : null;
    const parentCount = parentResult ? parentResult.count : n;
    // `within`: m holds only events of the parent already (it started from the parent's membership).
    const finish = (id: string, m: Uint8Array, type: Gate['type'], within: boolean) => {
      if (parent && !within) andInto(m, parent, 0);
      results.set(id, { id, parent: g.parentId, type, count: count(m), parentCount, membership: m });
    };
    switch (g.type) {
      case 'rectangle': {
        // Start from the parent's membership: events outside it need no test.
        const m = parent && !g.complement ? parent.slice() : new Uint8Array(n).fill(1);
        for (const d of g.dimensions) restrictToRange(m, values.forRange(d.dimension, g.id), d.min, d.max);
        finish(g.id, g.complement ? invert(m) : m, g.type, !g.complement);
        break;
      }
      case 'polygon': {
        const m = polygonMembership(values.get(g.dimensions[0], g.id), values.get(g.dimensions[1], g.id), g.vertices, g.complement ? null : parent);
        finish(g.id, g.complement ? invert(m) : m, g.type, !g.complement);
        break;
      }
      case 'ellipsoid': {
        const m = ellipsoidMembership(g, g.dimensions.map((d) => values.get(d, g.id)));
        finish(g.id, g.complement ? invert(m) : m, g.type, false);
        break;
      }
      case 'quadrant': {
        const columns = new Map(g.dividers.map((d) => [d.id, { values: [...d.values].sort((a, b) => a - b), x: values.forRange(d.dimension, g.id) }]));
        for (const q of g.quadrants) {
          const m = parent ? parent.slice() : new Uint8Array(n).fill(1);
          for (const p of q.positions) {
            const div = columns.get(p.divider);
            if (!div) throw new GatingError(`gate '${g.id}': quadrant '${q.id}' refers to unknown divider '${p.divider}'`);
            let lo: number | null = null;
            let hi: number | null = null;
            for (const v of div.values) {
              if (v > p.location) {
                hi = v;
                break;
              }
              lo = v;
            }
            restrictToRange(m, div.x, lo, hi);
          }
          finish(q.id, m, 'quadrant', true);
        }
        break;
      }
      case 'boolean': {
        const refs = g.references.map((r) => ({ m: membershipOf(r.ref), c: r.complement ? 1 : 0 }));
        const m = new Uint8Array(n);
        const first = refs[0];
        if (!first) throw new GatingError(`gate '${g.id}': a boolean gate needs gate references`);
        if (g.operation === 'not') {
          m.set(first.m);
          invert(m);
          if (first.c) invert(m);
        } else if (g.operation === 'and') {
          m.fill(1);
          for (const { m: a, c } of refs) andInto(m, a, c);
        } else {
          for (const { m: a, c } of refs) orInto(m, a, c);
        }
        finish(g.id, m, g.type, false);
        break;
      }
    }
  }
  return gateIds(strategy).map((id) => results.get(id) ?? missingValue('results.get(id)'));
}

/** Values of a dimension for range tests: the column itself, or the untransformed column and a bracketing transform. */
type RangeValues = { x: Float64Array } | { raw: Float64Array; t: ThresholdBracketing };

/**
 * Clear m[i] for events with a value outside [lo, hi) (NaN is outside). With a bracketing transform (logicle,
 * hyperlog) the test runs in data units: an event is decided by its untransformed value when that lies outside the
 * thresholds' brackets (see ThresholdBracketing), and transformed exactly, as applyArray would, otherwise; the
 * memberships are therefore the same as testing the transformed column, without transforming every event.
 */
function restrictToRange(m: Uint8Array, dim: RangeValues, lo: number | null, hi: number | null): void {
  const n = m.length;
  if ('x' in dim) {
    const x = dim.x;
    for (let i = 0; i < n; i++) {
      const v = x[i] ?? missingValue('x[i]');
      if ((lo !== null && !(v >= lo)) || (hi !== null && !(v < hi))) m[i] = 0;
    }
    return;
  }
  const { raw, t } = dim;
  const bl = lo !== null ? t.bracket(lo) : ([-Infinity, -Infinity] as [number, number]);
  const bh = hi !== null ? t.bracket(hi) : ([Infinity, Infinity] as [number, number]);
  if (!bl || !bh) {
    // A threshold out of the brackets' reach: transform every event still in.
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      const v = t.applyAt(raw, i);
      if ((lo !== null && !(v >= lo)) || (hi !== null && !(v < hi))) m[i] = 0;
    }
    return;
  }
  const [lo1, lo2] = bl;
  const [hi1, hi2] = bh;
  for (let i = 0; i < n; i++) {
    if (m[i] === 0) continue;
    const r = raw[i] ?? missingValue('raw[i]');
    if (r > lo2 && r < hi1) continue; // above lo and below hi for sure
    if (r < lo1 || r > hi2) {
      m[i] = 0; // below lo or above hi for sure
      continue;
    }
    const v = t.applyAt(raw, i); // near a threshold, or not finite: decide on the transformed value
    if ((lo !== null && !(v >= lo)) || (hi !== null && !(v < hi))) m[i] = 0;
  }
}

// Memberships are 0/1 bytes; the helpers below work on four events per 32-bit word (the arrays are fresh, so
// 4-byte aligned; the tail is done byte by byte).
const ONES = 0x01010101;

function words(m: Uint8Array): Int32Array | null {
  return m.byteOffset % 4 === 0 ? new Int32Array(m.buffer, m.byteOffset, m.length >>> 2) : null;
}

/** m ^= 1 for every event. */
function invert(m: Uint8Array): Uint8Array {
  const w = words(m);
  const from = w ? w.length * 4 : 0;
  if (w) for (let i = 0; i < w.length; i++) w[i] = (w[i] ?? 0) ^ ONES;
  for (let i = from; i < m.length; i++) m[i] = (m[i] ?? 0) ^ 1;
  return m;
}

/** m &= a ^ c (c 0 or 1: use a or its complement). */
function andInto(m: Uint8Array, a: Uint8Array, c: number): void {
  const w = words(m);
  const v = words(a);
  const x = c ? ONES : 0;
  let from = 0;
  if (w && v) {
    for (let i = 0; i < w.length; i++) w[i] = (w[i] ?? 0) & ((v[i] ?? 0) ^ x);
    from = w.length * 4;
  }
  for (let i = from; i < m.length; i++) m[i] = (m[i] ?? 0) & ((a[i] ?? 0) ^ c);
}

/** m |= a ^ c. */
function orInto(m: Uint8Array, a: Uint8Array, c: number): void {
  const w = words(m);
  const v = words(a);
  const x = c ? ONES : 0;
  let from = 0;
  if (w && v) {
    for (let i = 0; i < w.length; i++) w[i] = (w[i] ?? 0) | ((v[i] ?? 0) ^ x);
    from = w.length * 4;
  }
  for (let i = from; i < m.length; i++) m[i] = (m[i] ?? 0) | ((a[i] ?? 0) ^ c);
}

/** Events in m: the bytes of a word summed by one multiplication (each byte 0/1, so no carries). */
function count(m: Uint8Array): number {
  const w = words(m);
  let c = 0;
  let from = 0;
  if (w) {
    for (let i = 0; i < w.length; i++) c += Math.imul(w[i] ?? 0, ONES) >>> 24;
    from = w.length * 4;
  }
  for (let i = from; i < m.length; i++) c += m[i] ?? 0;
  return c;
}

/**
 * Winding-number point-in-polygon (Sunday's crossing rules); inside when the winding number is odd. With `within`,
 * only the events it holds are tested (the others are 0).
 */
export function polygonMembership(x: Float64Array, y: Float64Array, vertices: ReadonlyArray<readonly [number, number]>, within: Uint8Array | null = null): Uint8Array {
  const n = x.length;
  const m = new Uint8Array(n);
  const nv = vertices.length;
  const vx = new Float64Array(nv);
  const vy = new Float64Array(nv);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let k = 0; k < nv; k++) {
    vx[k] = (vertices[k] ?? missingValue('vertices[k]'))[0];
    vy[k] = (vertices[k] ?? missingValue('vertices[k]'))[1];
    minX = Math.min(minX, vx[k] ?? missingValue('vx[k]'));
    maxX = Math.max(maxX, vx[k] ?? missingValue('vx[k]'));
    minY = Math.min(minY, vy[k] ?? missingValue('vy[k]'));
    maxY = Math.max(maxY, vy[k] ?? missingValue('vy[k]'));
  }
  for (let i = 0; i < n; i++) {
    if (within && within[i] === 0) continue;
    const px = x[i] ?? Number.NaN;
    const py = y[i] ?? Number.NaN;
    if (!(px >= minX && px <= maxX && py >= minY && py <= maxY)) continue;
    let wind = 0;
    for (let k = 0; k < nv; k++) {
      const ax = vx[k] ?? missingValue('vx[k]');
      const ay = vy[k] ?? missingValue('vy[k]');
      const k2 = k + 1 === nv ? 0 : k + 1;
      const bx = vx[k2] ?? missingValue('vx[k2]');
      const by = vy[k2] ?? missingValue('vy[k2]');
      if (ay <= py) {
        if (py < by && (bx - ax) * (py - ay) - (px - ax) * (by - ay) > 0) wind++;
      } else if (by <= py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) < 0) {
        wind--;
      }
    }
    if (wind % 2 !== 0) m[i] = 1;
  }
  return m;
}

function ellipsoidMembership(g: EllipsoidGate, columns: Float64Array[]): Uint8Array {
  let inv: number[][];
  try {
    inv = invertMatrix(g.covariance, `gate '${g.id}' covariance matrix`);
  } catch (e) {
    throw new GatingError((e as Error).message);
  }
  const dims = columns.length;
  const n = columns[0]?.length ?? 0;
  const m = new Uint8Array(n);
  const diff = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dims; a++) diff[a] = ((columns[a] ?? missingValue('columns[a]'))[i] ?? missingValue('columns[a][i]')) - (g.mean[a] ?? missingValue('g.mean[a]'));
    // (x − μ) · Σ⁻¹, then · (x − μ): the same summation order as a row-vector product.
    let total = 0;
    for (let b = 0; b < dims; b++) {
      let s = 0;
      for (let a = 0; a < dims; a++) s += (diff[a] ?? missingValue('diff[a]')) * ((inv[a] ?? missingValue('inv[a]'))[b] ?? missingValue('inv[a][b]'));
      total += s * (diff[b] ?? missingValue('diff[b]'));
    }
    if (total <= g.distanceSquare) m[i] = 1;
  }
  return m;
}

interface MatrixEntry {
  ref: CompensationRef;
  spill: SpilloverMatrix;
  k: number[][];
  detectorIdx: number[];
  /** Compensated columns computed so far, by fluorochrome index. */
  done: Map<number, Float64Array>;
}

/** How a dimension name maps onto a matrix: a fluorochrome index, or a channel the matrix does not cover. */
type MatrixChannel = { j: number } | { uncovered: number } | null;

/** Computes (and caches) compensated, transformed dimension values. */
class DimensionResolver {
  private readonly cache = new Map<string, Float64Array>();
  private readonly transforms = new Map<string, ScaleTransform>();
  private readonly matrices = new Map<string, MatrixEntry | null>();

  constructor(
    private readonly strategy: GatingStrategy,
    private readonly source: GatingEventSource,
  ) {}

  get(d: GateDimension, gateId: string): Float64Array {
    const key = `${d.kind}\u0000${d.kind === 'fcs' ? d.name : d.ratio}\u0000${d.compensation}\u0000${d.transform ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let raw: Float64Array;
    if (d.kind === 'fcs') raw = this.channel(d.name, d.compensation, gateId);
    else {
      const r = this.strategy.ratios[d.ratio] ?? missingValue('this.strategy.ratios[d.ratio]');
      const num = this.channel(r.numerator, d.compensation, gateId);
      const den = this.channel(r.denominator, d.compensation, gateId);
      raw = new Float64Array(num.length);
      for (let i = 0; i < num.length; i++) raw[i] = fratio(num[i] ?? missingValue('num[i]'), den[i] ?? missingValue('den[i]'), r.A, r.B, r.C);
    }
    const out = d.transform !== null ? this.transform(d.transform, gateId).applyArray(raw) : raw;
    this.cache.set(key, out);
    return out;
  }

  /**
   * Values for range tests (rectangle and quadrant gates): the transformed column when it is cached or the
   * transform has no bracketing, else the untransformed column with the transform's bracketing, so that only the
   * events near a threshold get transformed.
   */
  forRange(d: GateDimension, gateId: string): RangeValues {
    const key = `${d.kind}\u0000${d.kind === 'fcs' ? d.name : d.ratio}\u0000${d.compensation}\u0000${d.transform ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return { x: hit };
    const t = d.transform !== null ? this.transform(d.transform, gateId).bracketing : undefined;
    if (!t) return { x: this.get(d, gateId) };
    return { raw: this.get({ ...d, transform: null }, gateId), t };
  }

  private transform(id: string, gateId: string): ScaleTransform {
    let t = this.transforms.get(id);
    if (!t) {
      try {
        t = createTransform(this.strategy.transforms[id] ?? missingValue('this.strategy.transforms[id]'));
      } catch (e) {
        throw new GatingError(`gate '${gateId}': transformation '${id}': ${(e as Error).message}`);
      }
      this.transforms.set(id, t);
    }
    return t;
  }

  private matrix(ref: string, gateId: string) {
    if (this.matrices.has(ref)) return defined(this.matrices.get(ref), 'this.matrices.get(ref)');
    const spill = ref === 'FCS' ? this.source.spillover : this.strategy.matrices[ref] ?? missingValue('this.strategy.matrices[ref]');
    if (!spill) {
      this.matrices.set(ref, null);
      return null;
    }
    const detectorIdx = spill.detectors.map((name) => {
      const i = this.source.channelIndex(name);
      if (i < 0) throw new GatingError(`gate '${gateId}': compensation '${ref}' names detector '${name}', which the sample does not have`);
      return i;
    });
    let k: number[][];
    try {
      k = compensationMatrix(spill);
    } catch (e) {
      throw new GatingError(`gate '${gateId}': compensation '${ref}': ${(e as Error).message}`);
    }
    const entry: MatrixEntry = { ref, spill, k, detectorIdx, done: new Map() };
    this.matrices.set(ref, entry);
    return entry;
  }

  /** Let the source get the uncompensated channels the strategy reads ready in one go (see prefetch). */
  prefetchUncompensated(): void {
    if (!this.source.prefetch) return;
    const idx = new Set<number>();
    const add = (name: string) => {
      const i = this.source.channelIndex(name);
      if (i >= 0) idx.add(i);
    };
    const dim = (d: GateDimension) => {
      if (d.compensation !== UNCOMPENSATED) return;
      if (d.kind === 'fcs') add(d.name);
      else {
        const r = this.strategy.ratios[d.ratio];
        if (r) [r.numerator, r.denominator].forEach(add);
      }
    };
    for (const g of this.strategy.gates) {
      if (g.type === 'rectangle') g.dimensions.forEach((d) => dim(d.dimension));
      else if (g.type === 'polygon' || g.type === 'ellipsoid') g.dimensions.forEach(dim);
      else if (g.type === 'quadrant') g.dividers.forEach((d) => dim(d.dimension));
    }
    if (idx.size > 1) this.source.prefetch([...idx]);
  }

  /** A name under a matrix: fluorochrome (or, for a square matrix, detector) index, else an uncovered channel. */
  private resolve(m: MatrixEntry, name: string): MatrixChannel {
    const square = m.spill.fluorochromes.length === m.spill.detectors.length;
    let j = m.spill.fluorochromes.indexOf(name);
    if (j < 0 && square) j = m.spill.detectors.indexOf(name);
    if (j >= 0) return { j };
    // A channel the matrix does not cover (e.g. scatter) is used as is.
    const idx = this.source.channelIndex(name);
    if (idx < 0) return null;
    const det = m.detectorIdx.indexOf(idx);
    if (det < 0) return { uncovered: idx };
    return square ? { j: det } : null;
  }

  /** Fluorochrome indices of `m` that the strategy's dimensions use (computed together in one pass). */
  private used(m: MatrixEntry): number[] {
    const names: string[] = [];
    const dim = (d: GateDimension) => {
      if (d.compensation !== m.ref) return;
      if (d.kind === 'fcs') names.push(d.name);
      else {
        const r = this.strategy.ratios[d.ratio];
        if (r) names.push(r.numerator, r.denominator);
      }
    };
    for (const g of this.strategy.gates) {
      if (g.type === 'rectangle') g.dimensions.forEach((d) => dim(d.dimension));
      else if (g.type === 'polygon' || g.type === 'ellipsoid') g.dimensions.forEach(dim);
      else if (g.type === 'quadrant') g.dividers.forEach((d) => dim(d.dimension));
    }
    const js = new Set<number>();
    for (const name of names) {
      const r = this.resolve(m, name);
      if (r && 'j' in r) js.add(r.j);
    }
    return [...js];
  }

  /** Compensated column j of `m`: from the shared cache, else computed with every other column the strategy uses. */
  private compensated(m: MatrixEntry, j: number): Float64Array {
    const shared = this.source.compensation;
    const have = (x: number) => m.done.get(x) ?? shared?.get(m.spill, x);
    const hit = have(j);
    if (hit) return hit;
    const want = [j, ...this.used(m).filter((x) => x !== j && !have(x))];
    const cols = this.source.compensated?.(m.detectorIdx, m.k, want) ?? compensate(m.detectorIdx.map((i) => this.source.column(i)), m.k, want);
    for (const x of want) {
      const c = cols[x];
      if (!c) continue;
      m.done.set(x, c);
      shared?.set(m.spill, x, c);
    }
    const out = cols[j];
    if (!out) throw new GatingError(`internal: compensated column ${j} of '${m.ref}' was not computed`);
    return out;
  }

  /** A channel's values under a compensation reference; for a matrix, `name` may be a fluorochrome or detector. */
  private channel(name: string, compensation: CompensationRef, gateId: string): Float64Array {
    const key = `chan\u0000${name}\u0000${compensation}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let out: Float64Array | null = null;
    const m = compensation === UNCOMPENSATED ? null : this.matrix(compensation, gateId);
    if (m) {
      const r = this.resolve(m, name);
      if (r && 'uncovered' in r) out = this.source.column(r.uncovered);
      else if (r) out = this.compensated(m, r.j);
    } else {
      const idx = this.source.channelIndex(name);
      if (idx >= 0) out = this.source.column(idx);
    }
    if (!out) throw new GatingError(`gate '${gateId}': dimension '${name}' is not a channel of the sample${compensation !== UNCOMPENSATED ? ` nor a fluorochrome of '${compensation}'` : ''}`);
    this.cache.set(key, out);
    return out;
  }
}
