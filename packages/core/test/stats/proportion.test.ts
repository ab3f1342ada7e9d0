import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectionLimit, proportion, wilsonInterval } from '../../src/index.ts';

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

test('Wilson interval matches published values (Newcombe 1998, Table I: 81/263)', () => {
  const [lo, hi] = wilsonInterval(81, 263);
  close(lo, 0.2553, 1e-4);
  close(hi, 0.3662, 1e-4);
});

test('Wilson interval for 15/148 (Newcombe 1998: 0.0624-0.1605)', () => {
  const [lo, hi] = wilsonInterval(15, 148);
  close(lo, 0.0624, 1e-4);
  close(hi, 0.1605, 1e-4);
});

test('2.0% of 50,000', () => {
  const p = proportion(1000, 50000);
  assert.equal(p.fraction, 0.02);
  close(p.ci95[0], 0.0188092368, 1e-9);
  close(p.ci95[1], 0.0212645135, 1e-9);
});

test('edges: 0 of n and n of n', () => {
  assert.deepEqual(wilsonInterval(0, 10).map((x) => Math.round(x * 1e4) / 1e4), [0, 0.2775]);
  assert.equal(wilsonInterval(10, 10)[1], 1);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
  assert.ok(Number.isNaN(proportion(0, 0).fraction));
});

test('bad counts are rejected', () => {
  assert.throws(() => wilsonInterval(5, 4), RangeError);
  assert.throws(() => wilsonInterval(-1, 4), RangeError);
  assert.throws(() => wilsonInterval(1.5, 4), RangeError);
});

test('detection limit: 0 of 20,000 is < 0.015% at 95%', () => {
  close(detectionLimit(20000), 0.00014977540, 1e-11);
  assert.equal((detectionLimit(20000) * 100).toFixed(3), '0.015');
  close(detectionLimit(1), 0.95, 1e-12);
  assert.throws(() => detectionLimit(0), RangeError);
});
