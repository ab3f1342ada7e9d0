import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateGates, GatingError, polygonMembership, validateStrategy, type GateDimension, type GatingEventSource, type GatingStrategy, type Gate } from '@her2scope/core/cytometry';

function source(cols: Record<string, number[]>, spillover: GatingEventSource['spillover'] = null): GatingEventSource {
  const names = Object.keys(cols);
  const arrays = names.map((n) => Float64Array.from(cols[n]!));
  return {
    eventCount: arrays[0]!.length,
    channelIndex: (n) => names.indexOf(n),
    channelName: (i) => names[i]!,
    column: (i) => arrays[i]!,
    spillover,
  };
}

const dim = (name: string, compensation = 'uncompensated', transform: string | null = null): GateDimension => ({ kind: 'fcs', name, compensation, transform });
const strategy = (gates: Gate[], extra: Partial<GatingStrategy> = {}): GatingStrategy => ({ gates, transforms: {}, ratios: {}, matrices: {}, ...extra });
const members = (m: Uint8Array) => Array.from(m);

test('rectangle: min inclusive, max exclusive, open bounds', () => {
  const src = source({ x: [0, 1, 2, 3, 4], y: [10, 10, 30, 30, 10] });
  const [r] = evaluateGates(strategy([{ id: 'R', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('x'), min: 1, max: 3 }, { dimension: dim('y'), min: null, max: 30 }] }]), src);
  assert.deepEqual(members(r!.membership), [0, 1, 0, 0, 0]);
  assert.equal(r!.count, 1);
  assert.equal(r!.parentCount, 5);
  assert.equal(r!.parent, null);
});

test('polygon: winding number, odd = inside; a pentagram centre has winding 2 and is outside', () => {
  // square
  assert.deepEqual(members(polygonMembership(Float64Array.from([5, 15, 0, 10]), Float64Array.from([5, 5, 0, 10]), [[0, 0], [10, 0], [10, 10], [0, 10]])), [1, 0, 1, 0]);
  // pentagram drawn by connecting every second vertex of a regular pentagon
  const pts: Array<[number, number]> = [];
  for (let k = 0; k < 5; k++) {
    const a = Math.PI / 2 + (k * 4 * Math.PI) / 5;
    pts.push([Math.cos(a) * 10, Math.sin(a) * 10]);
  }
  const m = polygonMembership(Float64Array.from([0, 0, 20]), Float64Array.from([0, 8.5, 0]), pts);
  assert.deepEqual(members(m), [0, 1, 0]); // centre (winding 2) out, a star point in, far point out
});

test('ellipsoid in 3 dimensions: Mahalanobis distance <= distanceSquare', () => {
  const src = source({ a: [0, 2, 0, 1.8], b: [0, 0, 3, 0], c: [0, 0, 0, 0] });
  const [e] = evaluateGates(
    strategy([{ id: 'E', parentId: null, type: 'ellipsoid', dimensions: [dim('a'), dim('b'), dim('c')], mean: [0, 0, 0], covariance: [[4, 0, 0], [0, 9, 0], [0, 0, 1]], distanceSquare: 1 }]),
    src,
  );
  assert.deepEqual(members(e!.membership), [1, 1, 1, 1]);
  const [e2] = evaluateGates(
    strategy([{ id: 'E', parentId: null, type: 'ellipsoid', dimensions: [dim('a'), dim('b'), dim('c')], mean: [0, 0, 0], covariance: [[4, 0, 0], [0, 9, 0], [0, 0, 1]], distanceSquare: 0.9 }]),
    src,
  );
  assert.deepEqual(members(e2!.membership), [1, 0, 0, 1]);
});

test('quadrants: intervals between sorted divider values; a quadrant may be a parent and a boolean operand', () => {
  const src = source({ x: [5, 15, 25, 15, 5], y: [1, 1, 1, 9, 9] });
  const gates: Gate[] = [
    {
      id: 'Q',
      parentId: null,
      type: 'quadrant',
      dividers: [
        { id: 'dx', dimension: dim('x'), values: [20, 10] },
        { id: 'dy', dimension: dim('y'), values: [5] },
      ],
      quadrants: [
        { id: 'low-low', positions: [{ divider: 'dx', location: 0 }, { divider: 'dy', location: 0 }] },
        { id: 'mid', positions: [{ divider: 'dx', location: 10 }] },
        { id: 'high', positions: [{ divider: 'dx', location: 100 }] },
      ],
    },
    { id: 'InMid', parentId: 'mid', type: 'rectangle', dimensions: [{ dimension: dim('y'), min: 5, max: null }] },
    { id: 'NotLow', parentId: null, type: 'boolean', operation: 'not', references: [{ ref: 'low-low', complement: false }] },
    { id: 'Either', parentId: null, type: 'boolean', operation: 'or', references: [{ ref: 'high', complement: false }, { ref: 'InMid', complement: false }] },
    { id: 'AndC', parentId: null, type: 'boolean', operation: 'and', references: [{ ref: 'mid', complement: false }, { ref: 'InMid', complement: true }] },
  ];
  const res = evaluateGates(strategy(gates), src);
  const by = Object.fromEntries(res.map((r) => [r.id, r]));
  assert.deepEqual(res.map((r) => r.id), ['low-low', 'mid', 'high', 'InMid', 'NotLow', 'Either', 'AndC']);
  assert.deepEqual(members(by['low-low']!.membership), [1, 0, 0, 0, 0]);
  assert.deepEqual(members(by['mid']!.membership), [0, 1, 0, 1, 0]);
  assert.deepEqual(members(by['high']!.membership), [0, 0, 1, 0, 0]);
  assert.deepEqual(members(by['InMid']!.membership), [0, 0, 0, 1, 0]);
  assert.equal(by['InMid']!.parentCount, 2);
  assert.equal(by['InMid']!.parent, 'mid');
  assert.deepEqual(members(by['NotLow']!.membership), [0, 1, 1, 1, 1]);
  assert.deepEqual(members(by['Either']!.membership), [0, 0, 1, 1, 0]);
  assert.deepEqual(members(by['AndC']!.membership), [0, 1, 0, 0, 0]);
});

test('compensation refs, transforms and ratio dimensions are resolved per dimension', () => {
  // observed = true · S with S = [[1, 0.5], [0, 1]]: detector B sees half of A
  const src = source({ A: [100, 100], B: [50 + 10, 50 + 200] }, { detectors: ['A', 'B'], fluorochromes: ['A', 'B'], values: [[1, 0.5], [0, 1]] });
  const s = strategy(
    [
      { id: 'compB', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('B', 'FCS'), min: 100, max: null }] },
      { id: 'rawB', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('B'), min: 55, max: null }] },
      { id: 'matrixFl', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('Fl2', 'M'), min: 100, max: null }] },
      { id: 'logB', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('B', 'uncompensated', 'lg'), min: 0.6, max: null }] },
      { id: 'ratio', parentId: null, type: 'rectangle', dimensions: [{ dimension: { kind: 'ratio', ratio: 'r', compensation: 'uncompensated', transform: null }, min: 1, max: null }] },
    ],
    {
      transforms: { lg: { kind: 'flog', T: 1000, M: 2 } },
      ratios: { r: { kind: 'fratio', A: 1, B: 0, C: 0, numerator: 'B', denominator: 'A' } },
      matrices: { M: { detectors: ['A', 'B'], fluorochromes: ['Fl1', 'Fl2'], values: [[1, 0.5], [0, 1]] } },
    },
  );
  const by = Object.fromEntries(evaluateGates(s, src).map((r) => [r.id, members(r.membership)]));
  assert.deepEqual(by.compB, [0, 1]); // compensated B = 10, 200
  assert.deepEqual(by.rawB, [1, 1]);
  assert.deepEqual(by.matrixFl, [0, 1]);
  assert.deepEqual(by.logB, [0, 1]); // flog(60) = 0.389, flog(250) = 0.699
  assert.deepEqual(by.ratio, [0, 1]); // 0.6, 2.5
  // 'FCS' without a spillover keyword means uncompensated
  const plain = source({ B: [60, 250] });
  assert.deepEqual(members(evaluateGates(strategy([s.gates[0]!]), plain)[0]!.membership), [0, 1]);
});

test('validation: unknown references, cycles, duplicate ids and malformed gates are GatingErrors naming the gate', () => {
  const rect = (id: string, parentId: string | null = null): Gate => ({ id, parentId, type: 'rectangle', dimensions: [{ dimension: dim('x'), min: 0, max: null }] });
  assert.throws(() => validateStrategy(strategy([rect('A', 'nope')])), (e: unknown) => e instanceof GatingError && e.message === "gate 'A': parent 'nope' is not defined");
  assert.throws(() => validateStrategy(strategy([rect('A', 'B'), rect('B', 'A')])), /depends on itself \(A -> B -> A\)/);
  assert.throws(() => validateStrategy(strategy([rect('A'), rect('A')])), /gate id 'A' is defined twice/);
  assert.throws(() => validateStrategy(strategy([{ id: 'N', parentId: null, type: 'boolean', operation: 'not', references: [{ ref: 'A', complement: false }, { ref: 'B', complement: false }] }, rect('A'), rect('B')])), /'not' gate takes exactly one/);
  assert.throws(() => validateStrategy(strategy([{ id: 'P', parentId: null, type: 'polygon', dimensions: [dim('x'), dim('y')], vertices: [[0, 0], [1, 1]] }])), /at least 3 vertices/);
  assert.throws(() => validateStrategy(strategy([{ id: 'R', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('x', 'Nope'), min: 0, max: 1 }] }])), /compensation-ref 'Nope'/);
  assert.throws(() => validateStrategy(strategy([{ id: 'R', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('x', 'uncompensated', 'T1'), min: 0, max: 1 }] }])), /transformation 'T1' is not defined/);
  assert.throws(() => validateStrategy(strategy([{ id: 'E', parentId: null, type: 'ellipsoid', dimensions: [dim('x'), dim('y')], mean: [0], covariance: [[1, 0], [0, 1]], distanceSquare: 1 }])), /mean has 1 coordinates for 2 dimensions/);
  assert.throws(() => evaluateGates(strategy([rect('A')]), source({ y: [1] })), /dimension 'x' is not a channel of the sample/);
  assert.throws(
    () => evaluateGates(strategy([{ id: 'E', parentId: null, type: 'ellipsoid', dimensions: [dim('x'), dim('y')], mean: [0, 0], covariance: [[1, 1], [1, 1]], distanceSquare: 1 }]), source({ x: [0], y: [0] })),
    /covariance matrix is singular/,
  );
});
