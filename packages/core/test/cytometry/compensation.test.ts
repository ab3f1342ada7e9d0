import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@her2scope/core';
import { compensate, compensationMatrix, invertMatrix, parseSpilloverKeyword } from '@her2scope/core/cytometry';

test('parseSpilloverKeyword reads n, names and a row-major matrix', () => {
  const s = parseSpilloverKeyword('2,FITC-A,PE-A,1,0.1,0.2,1', '$SPILLOVER');
  assert.deepEqual(s.detectors, ['FITC-A', 'PE-A']);
  assert.deepEqual(s.values, [
    [1, 0.1],
    [0.2, 1],
  ]);
  assert.equal(s.source, '$SPILLOVER');
});

test('parseSpilloverKeyword errors name the keyword and the problem', () => {
  assert.throws(() => parseSpilloverKeyword('x,A,B,1,0,0,1', 'SPILL'), (e: unknown) => e instanceof InputError && e.message === "SPILL: the first entry must be the number of parameters, got 'x'");
  assert.throws(() => parseSpilloverKeyword('2,A,B,1,0,0', 'SPILL'), /expected 7 comma-separated entries for 2 parameters/);
  assert.throws(() => parseSpilloverKeyword('2,A,B,1,zz,0,1', '$SPILLOVER'), /value \[1,2\] 'zz' is not a number/);
  assert.throws(() => parseSpilloverKeyword('2,1,2,1,0,0,1', '$COMP'), /names no parameters/);
});

test('compensation inverts the spillover exactly: observed = true · S, compensated = observed · S⁻¹', () => {
  const s = { detectors: ['A', 'B'], fluorochromes: ['A', 'B'], values: [
    [1, 0.1],
    [0.2, 1],
  ], source: 'test' };
  const k = compensationMatrix(s);
  // S⁻¹ = 1/0.98 · [[1, -0.1], [-0.2, 1]]
  assert.ok(Math.abs(k[0]![0]! - 1 / 0.98) < 1e-15);
  assert.ok(Math.abs(k[0]![1]! + 0.1 / 0.98) < 1e-15);
  assert.ok(Math.abs(k[1]![0]! + 0.2 / 0.98) < 1e-15);
  // true (100, 50) and (0, 1000)
  const a = new Float64Array([100 * 1 + 50 * 0.2, 0 + 1000 * 0.2]);
  const b = new Float64Array([100 * 0.1 + 50 * 1, 0 + 1000]);
  const [ca, cb] = compensate([a, b], k);
  assert.ok(Math.abs(ca![0]! - 100) < 1e-12 && Math.abs(cb![0]! - 50) < 1e-12);
  assert.ok(Math.abs(ca![1]!) < 1e-12 && Math.abs(cb![1]! - 1000) < 1e-12);
  // only the requested output is computed
  const only = compensate([a, b], k, [1]);
  assert.equal(only[0], null);
  assert.ok(only[1] instanceof Float64Array);
});

test('more detectors than fluorochromes: least-squares unmixing recovers the abundances', () => {
  const s = { detectors: ['D1', 'D2', 'D3'], fluorochromes: ['F1', 'F2'], values: [
    [1, 0.5, 0.1],
    [0.05, 0.3, 1],
  ] };
  const k = compensationMatrix(s);
  const c = [200, 40];
  const obs = [0, 1, 2].map((j) => new Float64Array([c[0]! * s.values[0]![j]! + c[1]! * s.values[1]![j]!]));
  const [f1, f2] = compensate(obs, k);
  assert.ok(Math.abs(f1![0]! - 200) < 1e-9);
  assert.ok(Math.abs(f2![0]! - 40) < 1e-9);
});

test('an already-inverted matrix is used as given; singular and ill-shaped matrices are rejected', () => {
  const k = compensationMatrix({ detectors: ['A', 'B'], fluorochromes: ['A', 'B'], values: [
    [2, 0],
    [0, 3],
  ], inverted: true });
  assert.deepEqual(k, [
    [2, 0],
    [0, 3],
  ]);
  assert.throws(
    () => compensationMatrix({ detectors: ['A', 'B'], fluorochromes: ['A', 'B'], values: [
      [1, 2],
      [2, 4],
    ], source: 'm.csv' }),
    (e: unknown) => e instanceof InputError && e.message === 'm.csv: spillover matrix is singular (cannot be inverted)',
  );
  assert.throws(() => compensationMatrix({ detectors: ['A'], fluorochromes: ['A', 'B'], values: [[1], [1]] }), /more fluorochromes \(2\) than detectors \(1\)/);
  assert.throws(() => compensationMatrix({ detectors: ['A', 'B'], fluorochromes: ['A', 'B'], values: [[1, 0]] }), /must have 2 rows of 2 values/);
  assert.throws(() => invertMatrix([[1, Number.NaN], [0, 1]]), /non-finite entry/);
});

test('compensate: 11 detectors (blocks of 4 + 4 + 2 + 1 terms) equal the plain left-to-right sum bit for bit', () => {
  const nd = 11;
  const n = 9000; // more than one 4096-event block
  const k = Array.from({ length: nd }, (_, i) => Array.from({ length: nd }, (_, j) => (i === j ? 1.01 : i === 3 || j === 5 ? 0 : ((i * 7 + j * 3) % 11) / 97 - 0.05)));
  const cols = Array.from({ length: nd }, (_, i) => Float64Array.from({ length: n }, (_, e) => Math.sin(e * 0.37 + i) * 10 ** ((e + i) % 7) - 0.5));
  const out = compensate(cols, k);
  for (let j = 0; j < nd; j++) {
    const col = out[j]!;
    for (let e = 0; e < n; e++) {
      let s = 0;
      for (let i = 0; i < nd; i++) if (k[i]![j] !== 0) s += k[i]![j]! * cols[i]![e]!;
      if (!Object.is(col[e], s)) assert.fail(`output ${j} event ${e}: ${col[e]} != ${s}`);
    }
  }
  // `only` computes just the listed outputs, with the same values
  const only = compensate(cols, k, [5, 2]);
  assert.deepEqual(only.map((c) => c !== null), [false, false, true, false, false, true, false, false, false, false, false]);
  assert.deepEqual(only[5], out[5]);
  assert.throws(() => compensate([cols[0]!, cols[1]!.subarray(1)], [[1, 0], [0, 1]]), /differ in length/);
});
