import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransform, Hyperlog, Logicle, fratio } from '@her2scope/core/cytometry';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);

test('flin, flog and fasinh follow the Gating-ML 2.0 formulas', () => {
  const flin = createTransform({ kind: 'flin', T: 1000, A: 100 });
  assert.equal(flin.apply(-100), 0);
  assert.equal(flin.apply(1000), 1);
  close(flin.apply(450), 0.5);
  close(flin.inverse(0.5), 450);

  const flog = createTransform({ kind: 'flog', T: 10000, M: 5 });
  assert.equal(flog.apply(10000), 1);
  close(flog.apply(1), 0.2); // log10(1/10000)/5 + 1
  assert.equal(flog.apply(0), -Infinity);
  assert.ok(Number.isNaN(flog.apply(-5)));
  close(flog.inverse(0.2), 1);

  const fasinh = createTransform({ kind: 'fasinh', T: 1000, M: 4, A: 1 });
  close(fasinh.apply(0), 1 / 5); // (asinh(0) + A ln10) / ((M + A) ln10)
  close(fasinh.apply(1000), (Math.asinh(Math.sinh(4 * Math.LN10)) + Math.LN10) / (5 * Math.LN10));
  close(fasinh.inverse(fasinh.apply(-250)), -250, 1e-10);
});

test('logicle: data zero at x1 = W/(M+A), top of scale at 1, exact inverse (Parks 2006 / Moore & Parks 2012)', () => {
  const l = new Logicle(262144, 0.5, 4.5, 0);
  close(l.apply(0), 0.5 / 4.5);
  close(l.apply(262144), 1, 1e-14);
  close(l.inverse(1), 262144, 1e-12);
  close(l.inverse(0.5 / 4.5), 0, 1e-12);
  // symmetric about x1 for negative data
  close(l.apply(-1000), 2 * (0.5 / 4.5) - l.apply(1000), 1e-14);
  for (const v of [-20000, -500, -3, -1e-6, 1e-9, 0.7, 12, 250, 4000, 99999, 262144, 1e6]) close(l.inverse(l.apply(v)), v, 1e-9);
  // monotonic
  let prev = -Infinity;
  for (let v = -5000; v <= 300000; v += 997) {
    const s = l.apply(v);
    assert.ok(s > prev, `not increasing at ${v}`);
    prev = s;
  }
  // With A > 0 negative decades are added: zero moves up to (W + A)/(M + A).
  const la = new Logicle(10000, 1, 4, 0.5);
  close(la.apply(0), 1.5 / 4.5);
  close(la.apply(10000), 1, 1e-14);
  // W = 0 degenerates to an arcsinh-like scale, still exact at the ends
  const l0 = new Logicle(1000, 0, 3, 0);
  close(l0.apply(0), 0);
  close(l0.apply(1000), 1, 1e-14);
  assert.ok(Number.isNaN(l.apply(Number.NaN)));
});

test('hyperlog: zero at x1, top at 1, inverse round trip', () => {
  const h = new Hyperlog(10000, 1, 4.5, 0);
  close(h.apply(0), 1 / 4.5);
  close(h.apply(10000), 1, 1e-13);
  for (const v of [-3000, -10, -0.001, 0.5, 7, 123, 5000, 10000, 50000]) close(h.inverse(h.apply(v)), v, 1e-9);
});

test('asinh with cofactor, linear, log10 and fratio', () => {
  const a = createTransform({ kind: 'asinh', cofactor: 150 });
  close(a.apply(150), Math.asinh(1));
  close(a.inverse(Math.asinh(2)), 300);
  assert.equal(createTransform({ kind: 'linear' }).apply(-7), -7);
  assert.equal(createTransform({ kind: 'log10' }).apply(1000), 3);
  assert.equal(fratio(10, 4, 2, 2, 0), 4);
  assert.deepEqual(Array.from(a.applyArray([0, 150])), [0, Math.asinh(1)]);
});

test('transform parameters are checked with messages naming them', () => {
  assert.throws(() => createTransform({ kind: 'logicle', T: 0, W: 0.5, M: 4.5, A: 0 }), /logicle: T must be > 0/);
  assert.throws(() => createTransform({ kind: 'logicle', T: 1000, W: 3, M: 4.5, A: 0 }), /W must be <= M \/ 2/);
  assert.throws(() => createTransform({ kind: 'logicle', T: 1000, W: 0.5, M: 4.5, A: -1 }), /A must be >= -W/);
  assert.throws(() => createTransform({ kind: 'logicle', T: 1000, W: 1, M: 4, A: 3 }), /A must be <= M - 2W/);
  assert.throws(() => createTransform({ kind: 'hyperlog', T: 1000, W: 0, M: 4.5, A: 0 }), /hyperlog: W must be > 0/);
  assert.throws(() => createTransform({ kind: 'flog', T: 100, M: 0 }), /flog: M must be > 0/);
  assert.throws(() => createTransform({ kind: 'flin', T: 100, A: -100 }), /flin: T \+ A must not be 0/);
  assert.throws(() => createTransform({ kind: 'fasinh', T: 100, M: 2, A: Number.NaN }), /fasinh: parameter A must be a finite number/);
  assert.throws(() => createTransform({ kind: 'asinh', cofactor: 0 }), /cofactor must be > 0/);
});

test('logicle approxArray: within approxError of apply() everywhere, and the same side of every threshold once near ones are decided exactly', () => {
  const t = new Logicle(262144, 0.5, 4.5, 0);
  const err = t.approxError;
  assert.ok(err > 0 && err < 1e-10, `approxError ${err}`);
  // Values spread over the whole range (negative, the linear zone, every octave up to past the table's top), plus
  // the values right at a set of thresholds and one ulp-ish step either side of them.
  const values: number[] = [0, -0, 0.5, -0.5, 1, -1, 2 ** 21, 3e6, -3e6, Number.NaN, Infinity];
  for (let i = 0; i < 200000; i++) values.push((((i * 7919) % 200003) / 200003) ** 3 * 600000 - 5000);
  const thresholds = [0.1, 0.25, 0.5, 0.7512345, 0.9];
  for (const y of thresholds) {
    const x = t.inverse(y);
    for (const d of [-1e-6, -1e-9, -1e-12, 0, 1e-12, 1e-9, 1e-6]) values.push(x * (1 + d));
  }
  const v = Float64Array.from(values);
  const approx = t.approxArray(v);
  const exact = v.map((x) => t.apply(x));
  let nearCount = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(exact[i]!)) {
      assert.ok(Number.isNaN(approx[i]!));
      continue;
    }
    assert.ok(Math.abs(approx[i]! - exact[i]!) <= err, `value ${v[i]}: ${approx[i]} vs ${exact[i]}`);
    for (const y of thresholds) {
      // The classification rule a gate uses with approximate values: decide on approx unless within err of y.
      const near = Math.abs(approx[i]! - y) <= err;
      if (near) nearCount++;
      const decided = near ? t.apply(v[i]!) >= y : approx[i]! >= y;
      assert.equal(decided, exact[i]! >= y, `value ${v[i]} threshold ${y}`);
    }
  }
  // The values placed at the thresholds are the ones that needed the exact transform.
  assert.ok(nearCount >= thresholds.length && nearCount < 100, `near ${nearCount}`);
  // Out-of-table values and NaN go through apply() itself.
  assert.equal(approx[values.indexOf(3e6)], t.apply(3e6));
  assert.equal(approx[0], t.apply(0));
});
