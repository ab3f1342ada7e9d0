import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareProportions, fisherExactTest, referenceOf, uniroot, zScore, checkTable } from '../../src/stats/index.ts';

/** Relative closeness: |a - b| <= tol * max(|a|, |b|) (exact equality for 0 and Infinity). */
function close(actual: number, expected: number, tol: number, what: string) {
  if (!Number.isFinite(expected) || expected === 0) return assert.equal(actual, expected, what);
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: ${actual} vs R ${expected}`);
}

// R 4.x `fisher.test(matrix(c(a, c, b, d), 2))` on this machine (rows = groups A, B; columns = yes, no), printed with
// sprintf("%.15g"). Each row: a, b, c, d, p-value, odds ratio (conditional MLE), CI low, CI high.
const R_FISHER: Array<[number, number, number, number, number, number, number, number]> = [
  [8, 6, 11, 2, 0.208695652173913, 0.255718013251473, 0.0201692899634533, 1.93341672236728],
  [0, 10, 5, 5, 0.0325077399380805, 0, 0, 0.836542842502002],
  [3, 1, 1, 3, 0.485714285714286, 6.40830886700579, 0.211732915305503, 621.933750545417],
  [12, 156, 1, 167, 0.00287734249571339, 12.7739637248959, 1.85062414124244, 550.96241598371],
  [10, 0, 0, 10, 1.0825088224469e-5, Infinity, 11.1359131400244, Infinity],
  [1, 0, 0, 0, 1, 0, 0, Infinity],
  [0, 5, 0, 7, 1, 0, 0, Infinity],
  [20, 80, 35, 65, 0.0261179521250544, 0.466082765372876, 0.231233121279204, 0.919872454386519],
  [4, 3, 11, 2, 0.289796181630547, 0.262798827012506, 0.0160053792823817, 3.19312970440045],
  [50, 50, 50, 50, 1, 1, 0.553354345118734, 1.80716029217305],
  [2, 7, 8, 2, 0.0230141375652212, 0.0858623513573622, 0.00466898833894332, 0.895792956493601],
];

test("Fisher's exact test matches R's fisher.test: p-value, conditional MLE odds ratio and exact CI", () => {
  for (const [a, b, c, d, p, or, lo, hi] of R_FISHER) {
    const r = fisherExactTest([
      [a, b],
      [c, d],
    ]);
    const what = `${a} ${b} / ${c} ${d}`;
    close(r.pValue, p, 1e-12, `${what} p`);
    // R's uniroot stops within its tolerance; the same iteration reproduces R's digits closely.
    close(r.oddsRatio, or, 1e-9, `${what} odds ratio`);
    close(r.oddsRatioCi95[0], lo, 1e-9, `${what} CI low`);
    close(r.oddsRatioCi95[1], hi, 1e-9, `${what} CI high`);
  }
});

test('8/14 vs 11/13 (57.1% vs 84.6%): the p-value R gives, to 6 digits, and Wilson intervals as R prop.test', () => {
  const r = compareProportions({ k: 8, n: 14 }, { k: 11, n: 13 });
  assert.equal(r.fisherP.toFixed(6), '0.208696');
  assert.equal(Number(r.fisherP.toPrecision(6)), 0.208696);
  // p by hand from the hypergeometric: tables with the same margins no more probable than the observed one.
  assert.ok(Math.abs(r.fisherP - 0.208695652173913) < 1e-14);
  assert.equal(r.a.fraction, 8 / 14);
  close(r.a.ci95[0], 0.325906445796507, 1e-12, 'A low');
  close(r.a.ci95[1], 0.786192010955259, 1e-12, 'A high');
  close(r.b.ci95[0], 0.577653689805175, 1e-12, 'B low');
  close(r.b.ci95[1], 0.956741821641919, 1e-12, 'B high');
  close(r.oddsRatio, 0.255718013251473, 1e-9, 'OR');
  // Swapping the groups inverts the odds ratio and its interval; the p-value is symmetric.
  const s = compareProportions({ k: 11, n: 13 }, { k: 8, n: 14 });
  close(s.fisherP, r.fisherP, 1e-14, 'symmetric p');
  close(s.oddsRatio, 1 / r.oddsRatio, 1e-6, 'swapped OR');
  close(s.oddsRatioCi95[0], 1 / r.oddsRatioCi95[1], 1e-6, 'swapped CI low');
});

test('Fisher: ties at the observed probability count (relative tolerance 1e-7), p never above 1', () => {
  // Symmetric table: every table as probable as the observed one is included -> p = 1.
  close(fisherExactTest([[5, 5], [5, 5]]).pValue, 1, 1e-12, 'symmetric');
  assert.ok(fisherExactTest([[5, 5], [5, 5]]).pValue <= 1);
  // A 1x... degenerate margin has a single possible table.
  assert.equal(fisherExactTest([[0, 0], [0, 0]]).pValue, 1);
});

test('Fisher rejects tables that are not whole non-negative counts', () => {
  assert.throws(() => checkTable([[1.5, 2], [3, 4]]), /whole numbers >= 0/);
  assert.throws(() => fisherExactTest([[-1, 2], [3, 4]]), /whole numbers >= 0/);
  assert.throws(() => compareProportions({ k: 5, n: 4 }, { k: 1, n: 2 }), RangeError);
});

test("uniroot (Brent/zeroin as R's uniroot)", () => {
  const r = uniroot((x) => x * x - 2, 0, 2, 1e-12);
  assert.ok(Math.abs(r - Math.SQRT2) < 1e-11);
  assert.equal(uniroot((x) => x - 1, 1, 3), 1);
  assert.throws(() => uniroot((x) => x * x + 1, -1, 1), /same sign/);
});

test('reference mean / sample SD and z-scores (R: mean(1:5) = 3, sd(1:5) = 1.58113883008419)', () => {
  const ref = referenceOf([1, 2, 3, null, 4, 5, Number.NaN]);
  assert.equal(ref.n, 5);
  assert.equal(ref.mean, 3);
  close(ref.sd, 1.58113883008419, 1e-14, 'sd');
  close(zScore(6, ref)!, 3 / Math.sqrt(2.5), 1e-14, 'z');
  assert.equal(zScore(null, ref), null);
  assert.equal(zScore(1, referenceOf([2])), null, 'one reference value cannot scale');
  assert.equal(zScore(1, referenceOf([2, 2, 2])), null, 'SD 0 cannot scale');
});
