import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransform, evaluateGates, GatingError, polygonMembership, validateStrategy, type GateDimension, type GatingEventSource, type GatingStrategy, type Gate } from '@her2scope/core/cytometry';

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

test('range gates on logicle/hyperlog scales decide in data units and match the fully transformed column exactly', () => {
  const specs = {
    L: { kind: 'logicle', T: 262144, W: 0.5, M: 4.5, A: 0 },
    L2: { kind: 'logicle', T: 10000, W: 1, M: 4, A: 0.5 },
    H: { kind: 'hyperlog', T: 10000, W: 1, M: 4.5, A: 0 },
  } as const;
  const cuts = [0.08, 0.11, 0.5, 0.731];
  const n = 20000; // long enough for the logicle's table path
  const values: number[] = [];
  for (let e = 0; values.length < n - 200; e++) values.push(Math.sinh(Math.sin(e * 12.9898) * 12) * (e % 3 === 0 ? -1 : 1));
  // adversarial values: right at and around each threshold, in every transform's data units
  for (const spec of Object.values(specs)) {
    const t = createTransform(spec);
    for (const c of cuts) {
      const v = t.inverse(c);
      for (const d of [-2e-9, -1e-12, -1e-15, 0, 1e-15, 1e-12, 2e-9]) values.push(v * (1 + d), v + d);
    }
  }
  values.push(Number.NaN, Infinity, -Infinity, 0, -0);
  while (values.length < n) values.push(values.length);
  const x = Float64Array.from(values);
  const src = source({ X: Array.from(x), Y: Array.from(x).reverse() });
  for (const [id, spec] of Object.entries(specs)) {
    const gates: Gate[] = [
      { type: 'rectangle', id: 'lo', parentId: null, dimensions: [{ dimension: dim('X', 'uncompensated', id), min: cuts[2]!, max: null }] },
      { type: 'rectangle', id: 'band', parentId: null, dimensions: [{ dimension: dim('X', 'uncompensated', id), min: cuts[0]!, max: cuts[3]! }] },
      { type: 'rectangle', id: 'child', parentId: 'band', dimensions: [{ dimension: dim('Y', 'uncompensated', id), min: null, max: cuts[1]! }] },
      {
        type: 'quadrant',
        id: 'Q',
        parentId: null,
        dividers: [
          { id: 'dx', dimension: dim('X', 'uncompensated', id), values: [cuts[1]!, cuts[2]!] },
          { id: 'dy', dimension: dim('Y', 'uncompensated', id), values: [cuts[3]!] },
        ],
        quadrants: [
          { id: 'q1', positions: [{ divider: 'dx', location: 0.3 }, { divider: 'dy', location: 0.9 }] },
          { id: 'q2', positions: [{ divider: 'dx', location: 0.01 }, { divider: 'dy', location: 0.1 }] },
        ],
      },
    ];
    const got = evaluateGates(strategy(gates, { transforms: { [id]: spec } }), src);
    const t = createTransform(spec);
    const tx = t.applyArray(x);
    const ty = t.applyArray(Float64Array.from(x).reverse());
    const inRange = (v: number, lo: number | null, hi: number | null) => (lo === null || v >= lo) && (hi === null || v < hi) ? 1 : 0;
    const want: Record<string, (i: number) => number> = {
      lo: (i) => inRange(tx[i]!, cuts[2]!, null),
      band: (i) => inRange(tx[i]!, cuts[0]!, cuts[3]!),
      child: (i) => inRange(tx[i]!, cuts[0]!, cuts[3]!) & inRange(ty[i]!, null, cuts[1]!),
      q1: (i) => inRange(tx[i]!, cuts[1]!, cuts[2]!) & inRange(ty[i]!, cuts[3]!, null),
      q2: (i) => inRange(tx[i]!, null, cuts[1]!) & inRange(ty[i]!, null, cuts[3]!),
    };
    for (const r of got) {
      let diff = 0;
      for (let i = 0; i < n; i++) if (r.membership[i] !== want[r.id]!(i)) diff++;
      assert.equal(diff, 0, `${id} ${r.id}: ${diff} events differ from testing the transformed column`);
      assert.ok(r.count > 0 && r.count < n, `${id} ${r.id}: count ${r.count}`);
    }
  }
});

test('threshold brackets: every value outside a bracket transforms to the right side of the threshold', () => {
  for (const spec of [{ kind: 'logicle', T: 262144, W: 0.5, M: 4.5, A: 0 }, { kind: 'hyperlog', T: 10000, W: 1, M: 4.5, A: 0 }] as const) {
    const t = createTransform(spec);
    const b = t.bracketing!;
    for (const y of [-0.2, 0, 0.05, 0.111, 0.5, 0.999, 1.2]) {
      const [lo, hi] = b.bracket(y)!;
      assert.ok(lo < hi, `${spec.kind} ${y}: bracket ${lo}..${hi}`);
      const probe = new Float64Array(6000);
      for (let i = 0; i < 3000; i++) {
        probe[i] = lo - Math.abs(lo) * 1e-15 * i - 1e-300;
        probe[3000 + i] = hi + Math.abs(hi) * 1e-15 * i + 1e-300;
      }
      const tv = t.applyArray(probe);
      for (let i = 0; i < 6000; i++) {
        assert.ok(i < 3000 ? tv[i]! < y : tv[i]! > y, `${spec.kind} ${y}: ${probe[i]} -> ${tv[i]}`);
        assert.ok(Object.is(b.applyAt(probe, i), tv[i]), `${spec.kind}: applyAt differs from applyArray at ${i}`);
      }
    }
    assert.equal(b.bracket(Number.NaN), null);
  }
});

test('memberships of any length (word-wise masks with a byte tail): boolean and/or/not with complements, parents, polygon within its parent', () => {
  // 11 events: two 4-event words and a 3-event tail.
  const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const src = source({ x, y: x.map((v) => 10 - v) });
  const gates: Gate[] = [
    { id: 'A', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('x'), min: 2, max: 9 }] },
    { id: 'B', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('y'), min: 5, max: null }] },
    { id: 'AandNotB', parentId: null, type: 'boolean', operation: 'and', references: [{ ref: 'A', complement: false }, { ref: 'B', complement: true }] },
    { id: 'AorB', parentId: null, type: 'boolean', operation: 'or', references: [{ ref: 'A', complement: false }, { ref: 'B', complement: false }] },
    { id: 'NotA', parentId: 'B', type: 'boolean', operation: 'not', references: [{ ref: 'A', complement: false }] },
    { id: 'NotNotA', parentId: null, type: 'boolean', operation: 'not', references: [{ ref: 'A', complement: true }] },
    { id: 'P', parentId: 'A', type: 'polygon', dimensions: [dim('x'), dim('y')], vertices: [[-1, -1], [7.5, -1], [7.5, 20], [-1, 20]] },
    { id: 'Pout', parentId: 'A', type: 'polygon', complement: true, dimensions: [dim('x'), dim('y')], vertices: [[-1, -1], [7.5, -1], [7.5, 20], [-1, 20]] },
  ];
  const r = Object.fromEntries(evaluateGates(strategy(gates), src).map((g) => [g.id, g]));
  assert.deepEqual(members(r.A!.membership), [0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual(members(r.B!.membership), [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(members(r.AandNotB!.membership), [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]);
  assert.deepEqual(members(r.AorB!.membership), [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual(members(r.NotA!.membership), [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(members(r.NotNotA!.membership), members(r.A!.membership));
  assert.deepEqual(members(r.P!.membership), [0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  assert.deepEqual(members(r.Pout!.membership), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual([r.A!.count, r.AandNotB!.count, r.AorB!.count, r.NotA!.count, r.P!.count, r.Pout!.count], [7, 3, 9, 2, 6, 1]);
  assert.deepEqual([r.NotA!.parentCount, r.P!.parentCount], [6, 7]);
});

test('a source that compensates itself gets one request with every fluorochrome the strategy uses, and its columns are used', () => {
  const spill = { detectors: ['d1', 'd2', 'd3'], fluorochromes: ['d1', 'd2', 'd3'], values: [[1, 0.1, 0], [0, 1, 0.2], [0, 0, 1]], source: 'test' };
  const calls: Array<{ idx: number[]; only: number[] }> = [];
  const prefetched: number[][] = [];
  const base = source({ d1: [1, 2, 3, 4, 5], d2: [5, 4, 3, 2, 1], d3: [0, 0, 9, 9, 9], fsc: [1, 1, 1, 1, 1], ssc: [2, 2, 2, 2, 2] }, spill);
  const src: GatingEventSource = {
    ...base,
    // Returns its own (recognisable) columns: 100 × the fluorochrome index.
    compensated: (idx, _k, only) => {
      calls.push({ idx: [...idx], only: [...only] });
      return [0, 1, 2].map((j) => (only.includes(j) ? new Float64Array(5).fill(100 * j) : null));
    },
    prefetch: (indices) => void prefetched.push([...indices]),
  };
  const gates: Gate[] = [
    { id: 'G3', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('d3', 'FCS'), min: 8, max: null }] },
    { id: 'G1', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('d1', 'FCS'), min: null, max: 50 }] },
    { id: 'S', parentId: null, type: 'rectangle', dimensions: [{ dimension: dim('fsc'), min: 0, max: null }, { dimension: dim('ssc'), min: 0, max: null }] },
  ];
  const r = evaluateGates(strategy(gates), src);
  assert.deepEqual(calls, [{ idx: [0, 1, 2], only: [2, 0] }]);
  assert.deepEqual(prefetched, [[3, 4]]);
  assert.deepEqual(r.map((g) => g.count), [5, 5, 5]);
  // Returning null lets the evaluator compensate the columns itself.
  const plain = evaluateGates(strategy(gates), { ...src, compensated: () => null });
  assert.deepEqual(plain.map((g) => g.count), [3, 5, 5]);
});
