import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareProportions, fisherExactTest, referenceOf, uniroot, zScore, checkTable, conditionalDistribution, dnhyper, pnhyper, R_UNIROOT_TOL } from '../../src/stats/index.ts';

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

// Cohort-sized tables (the benchmark's Primary vs Metastasis ERBB2 counts among others): SciPy 1.17
// `scipy.stats.fisher_exact(t).pvalue` and `scipy.stats.contingency.odds_ratio(t, kind='conditional')` with
// `.confidence_interval(0.95)`. SciPy finds the roots to a tighter tolerance than R's uniroot, whose iteration
// her2scope reproduces: uniroot stops within eps^0.25 (~1.2e-4) on its search scale, which is the odds ratio itself
// below 1 and its inverse above 1. So the odds ratio and its interval agree to that tolerance on that scale; the
// p-values (no root search) agree to 1e-9.
const SCIPY_LARGE: Array<[number, number, number, number, number, number, number, number]> = [
  [9279, 28728, 9197, 28839, 0.4517423535859943, 1.0128140571833257, 0.9796550150432402, 1.0470962226640366],
  [19000, 19000, 20000, 18500, 7.112438395893759e-8, 0.9250009429157545, 0.8990450183425023, 0.9517043855121694],
  [500, 37500, 800, 37700, 2.9927383079532447e-16, 0.6283370839216316, 0.5602613671513278, 0.704162834569011],
  [3, 46997, 40, 46960, 2.9999151394255417e-9, 0.07494232677498507, 0.014830138735515584, 0.23533879411475744],
];

test('Fisher on cohort-sized tables (up to 76,500 samples) matches SciPy', () => {
  for (const [a, b, c, d, p, or, lo, hi] of SCIPY_LARGE) {
    const r = fisherExactTest([
      [a, b],
      [c, d],
    ]);
    const what = `${a} ${b} / ${c} ${d}`;
    close(r.pValue, p, 1e-9, `${what} p`);
    const onSearchScale = (x: number, y: number, label: string) => {
      const [u, v] = y <= 1 ? [x, y] : [1 / x, 1 / y];
      assert.ok(Math.abs(u - v) <= R_UNIROOT_TOL, `${what} ${label}: ${x} vs SciPy ${y}`);
    };
    onSearchScale(r.oddsRatio, or, 'odds ratio');
    onSearchScale(r.oddsRatioCi95[0], lo, 'CI low');
    onSearchScale(r.oddsRatioCi95[1], hi, 'CI high');
  }
});

test('pnhyper sums only the non-negligible window, and equals the full dnhyper sum to the last bits', () => {
  // A 76,500-sample table (support of 37,501 values) and a small one; odds ratios from far below to far above the MLE.
  for (const table of [
    [
      [19000, 19000],
      [20000, 18500],
    ],
    [
      [8, 6],
      [11, 2],
    ],
  ] as const) {
    const dist = conditionalDistribution(table);
    for (const ncp of [1e-9, 0.05, 0.5, 0.925, 1, 1.1, 3, 1e6]) {
      const d = dnhyper(dist, ncp);
      for (const q of [dist.lo, dist.x - 200, dist.x - 1, dist.x, dist.x + 1, dist.x + 200, dist.hi]) {
        if (q < dist.lo || q > dist.hi) continue;
        let below = 0;
        let above = 0;
        d.forEach((v, i) => {
          if (dist.lo + i <= q) below += v;
          if (dist.lo + i >= q) above += v;
        });
        const what = `${JSON.stringify(table)} ncp ${ncp} q ${q}`;
        // Absolute 1e-15 covers the last-bit difference of the summation; tiny tails agree far below that.
        assert.ok(Math.abs(pnhyper(dist, q, ncp) - below) <= 1e-15 + 1e-13 * below, `${what} lower: ${pnhyper(dist, q, ncp)} vs ${below}`);
        assert.ok(Math.abs(pnhyper(dist, q, ncp, true) - above) <= 1e-15 + 1e-13 * above, `${what} upper: ${pnhyper(dist, q, ncp, true)} vs ${above}`);
      }
    }
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
