// Reference values computed independently with exact rational arithmetic (Python fractions + math.comb):
//   1 - sum_{i<k} C(n,i) p^i (1-p)^(n-i)
// and, for the detection limits and upper bounds, with scipy 1.17.1 (scipy.stats.binom.sf, scipy.stats.beta.ppf for
// the Clopper-Pearson bound, scipy.optimize.brentq for the VAF with 95% power):
//   k* = min k with binom.sf(k-1, n, 0.001) < 0.05; limit = brentq(lambda f: binom.sf(k*-1, n, f) - 0.95)
//   upper bound = beta.ppf(0.95, k+1, n-k)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessReadEvidence,
  powerText,
  binomialUpperTail,
  cancerCellFraction,
  detectableVaf,
  detectionLimit,
  detectionPower,
  expectedVaf,
  formatP,
  formatPercent,
  minSignificantAltReads,
  pText,
  vafUpperBound,
} from '../../src/reads/index.ts';

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test('binomial upper tail equals the exact sums', () => {
  close(binomialUpperTail(4, 612, 0.001), 0.003576176243044184);
  close(binomialUpperTail(3, 812, 0.001), 0.0490765030558032);
  close(binomialUpperTail(1, 812, 0.001), 0.5562110959202764);
  close(binomialUpperTail(2, 812, 0.001), 0.19549378850012067);
  close(binomialUpperTail(30, 1000, 0.02), 0.020696518673239506);
  close(binomialUpperTail(12, 1000, 0.02), 0.9795589254004117);
  assert.equal(binomialUpperTail(0, 10, 0.3), 1);
  assert.equal(binomialUpperTail(5, 10, 0), 0);
  assert.equal(binomialUpperTail(10, 10, 1), 1);
  // deep ctDNA depth stays finite and tiny, not NaN
  const far = binomialUpperTail(200, 20000, 0.001);
  assert.ok(far > 0 && far < 1e-60, String(far));
  assert.throws(() => binomialUpperTail(5, 4, 0.1), /0 <= alt <= depth/);
  assert.throws(() => binomialUpperTail(-1, 4, 0.1), /whole numbers/);
  assert.throws(() => binomialUpperTail(1.5, 4, 0.1), /whole numbers/);
  assert.throws(() => binomialUpperTail(1, 4, 1.5), /probability/);
});

test('detectable VAF: rule of three for one read; bisection for more', () => {
  close(detectableVaf(812)!, 0.003682528260463225);
  assert.equal(formatPercent(detectableVaf(812)!), '0.37%');
  const three = detectableVaf(812, { minAltReads: 3 })!;
  assert.ok(Math.abs(three - 0.007732956545442933) < 1e-9, String(three));
  close(detectionPower(812, three, 3), 0.95, 1e-6);
  assert.equal(detectableVaf(2, { minAltReads: 3 }), null);
  assert.equal(detectableVaf(0), null);
  assert.equal(minSignificantAltReads(812), 3); // P(X>=3) = 0.049 < 0.05; P(X>=2) = 0.195
  assert.equal(minSignificantAltReads(812, 0.001, 0.01), 4);
  assert.equal(minSignificantAltReads(0), 1);
  assert.throws(() => detectableVaf(100, { power: 1 }), /power must be a number in \(0, 1\)/);
  assert.throws(() => detectableVaf(100, { minAltReads: 0 }), /minAltReads/);
});

test('detection limit of a call: the significant count, then 95% power to reach it (scipy reference values)', () => {
  // n: [k*, VAF with 95% power to reach k*]
  const ref: Array<[number, number, number]> = [
    [812, 3, 0.007732956545443135],
    [640, 3, 0.00980421510025449],
    [2000, 6, 0.0052492752869334565],
    [900, 4, 0.008592445661424248],
    [200, 2, 0.023498470434950694],
    [40, 1, 0.07215752450551458],
    [5000, 10, 0.0031389372345018837],
  ];
  for (const [n, k, vaf] of ref) {
    const lim = detectionLimit(n);
    assert.equal(lim.minAltReads, k, `k* at ${n}`);
    close(lim.vaf!, vaf, 1e-7);
  }
  // at the limit the power is 95%; at the rule-of-three VAF it is only 58% (scipy: binom.sf(2, 812, 0.0037) = 0.578)
  close(detectionPower(812, detectionLimit(812).vaf!, 3), 0.95, 1e-6);
  close(detectionPower(812, 0.0037, 3), 0.5782114834101303, 1e-9);
  // 2/812 at a VAF of interest of 0.5%: power binom.sf(2, 812, 0.005) = 0.771 < 95%
  close(detectionPower(812, 0.005, 3), 0.7712906286909045, 1e-9);
  // a stricter alpha needs more reads
  assert.equal(detectionLimit(812, { alpha: 0.01 }).minAltReads, 4);
  assert.deepEqual(detectionLimit(0), { minAltReads: 1, vaf: null });
});

test('VAF upper bound: Clopper-Pearson one-sided 95% (rule of three at 0 reads)', () => {
  close(vafUpperBound(0, 812)!, 0.0036825282604632556, 1e-9);
  close(vafUpperBound(0, 2000)!, 0.0014967448951882837, 1e-9);
  close(vafUpperBound(2, 812)!, 0.007732956545442934, 1e-7);
  close(vafUpperBound(1, 812)!, 0.005828746732573992, 1e-7);
  close(vafUpperBound(3, 2000)!, 0.003872223150157523, 1e-7);
  assert.equal(vafUpperBound(5, 5), 1);
  assert.equal(vafUpperBound(0, 0), null);
  assert.throws(() => vafUpperBound(3, 2), /0 <= alt <= depth/);
  assert.throws(() => vafUpperBound(0, 10, 1), /confidence must be a number in \(0, 1\)/);
});

test('purity model: ABSOLUTE CCF, with the published worked example', () => {
  // PMC3934006 Fig. 1: VAF 0.125, local copy number 3, purity 67% -> CCF about 0.5
  close(cancerCellFraction(0.125, { purity: 0.67, tumourCopies: 3 }), 0.498134328358209);
  close(expectedVaf({ purity: 1 }), 0.5);
  close(expectedVaf({ purity: 0.6 }), 0.3);
  close(expectedVaf({ purity: 0.5, tumourCopies: 4, mutantCopies: 2 }, 0.5), 0.5 * 0.5 * 2 / (0.5 * 4 + 1));
  assert.throws(() => expectedVaf({ purity: 0 }), /purity must be in \(0, 1\]/);
  assert.throws(() => expectedVaf({ purity: 0.5, tumourCopies: 2, mutantCopies: 3 }), /mutantCopies/);
});

test('evidence text: pre-existing subclonal, absent with power, inconclusive, no coverage', () => {
  const pre = assessReadEvidence({ sample: 'PRIMARY', altReads: 4, depth: 612, purityModel: { purity: 0.6 } });
  assert.equal(pre.status, 'present');
  assert.equal(pre.clonality, 'subclonal');
  close(pre.ccf!, (4 / 612) / 0.3);
  assert.equal(pre.text, 'pre-existing, subclonal: 4/612 alt reads in PRIMARY (binomial p = 0.0036 vs 0.1% error; VAF 0.65%; cancer cell fraction 2.2%)');

  const lowLevel = assessReadEvidence({ sample: 'PRIMARY', altReads: 4, depth: 612 });
  assert.equal(lowLevel.text, 'pre-existing, low-level: 4/612 alt reads in PRIMARY (binomial p = 0.0036 vs 0.1% error; VAF 0.65%)');
  assert.equal(lowLevel.clonality, null);

  const clonal = assessReadEvidence({ sample: 'P', altReads: 140, depth: 500, purityModel: { purity: 0.6 } });
  assert.equal(clonal.clonality, 'clonal'); // VAF 28% vs 30% expected for a clonal heterozygous mutation
  assert.equal(clonal.text, 'pre-existing, clonal: 140/500 alt reads in P (binomial p = 1.6e-293 vs 0.1% error; VAF 28%; cancer cell fraction 93%)');

  // a CCF estimate above 100% (E-PRIMARY's PIK3CA: 160/500 at purity 60% -> 107%) is shown capped
  const over = assessReadEvidence({ sample: 'E-PRIMARY', altReads: 160, depth: 500, purityModel: { purity: 0.6 } });
  close(cancerCellFraction(0.32, { purity: 0.6 }), 1.0666666666666667);
  assert.deepEqual([over.clonality, over.ccf, over.ccf95?.[1]], ['clonal', 1, 1]);
  assert.equal(over.text, 'pre-existing, clonal: 160/500 alt reads in E-PRIMARY (binomial p < 1e-300 vs 0.1% error; VAF 32%; cancer cell fraction ≈100%, clonal)');

  // 0 alt reads: the VAF bound (rule of three) and the power of a call (3 reads needed at 812x) are different numbers
  const absent = assessReadEvidence({ sample: 'PRIMARY', altReads: 0, depth: 812 });
  assert.equal(absent.status, 'absent');
  assert.deepEqual([absent.minAltReads, Number(absent.detectableVaf!.toFixed(6)), Number(absent.vafUpperBound!.toFixed(6))], [3, 0.007733, 0.003683]);
  assert.equal(absent.text, 'absent: 0/812 reads in PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads)');

  const noise = assessReadEvidence({ sample: 'PRIMARY', altReads: 1, depth: 812 });
  assert.equal(noise.text, 'absent: 1/812 reads in PRIMARY, within the 0.1% error rate (binomial p = 0.56); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads)');

  // the VAF of interest is judged with the same power: 2/812 cannot exclude 0.5% (power 77%) -> inconclusive,
  // so an earlier sample like this never makes a finding "acquired"
  const two = assessReadEvidence({ sample: 'PRIMARY', altReads: 2, depth: 812, vafOfInterest: 0.005 });
  assert.equal(two.status, 'inconclusive');
  assert.equal(two.text, 'not evaluable: 2/812 alt reads in PRIMARY, within the 0.1% error rate (binomial p = 0.2); ≥95% power only for VAF ≥ 0.77% (a call needs ≥3 alt reads), above the VAF of interest 0.5%: power 77.1%');
  // ... and 0/812 cannot either (the upper bound 0.37% is below 0.5%, but a call needs 3 reads)
  assert.equal(assessReadEvidence({ sample: 'PRIMARY', altReads: 0, depth: 812, vafOfInterest: 0.005 }).status, 'inconclusive');
  // at a VAF of interest of 1% it can (power binom.sf(2, 812, 0.01) = 0.988)
  assert.equal(assessReadEvidence({ sample: 'PRIMARY', altReads: 2, depth: 812, vafOfInterest: 0.01 }).status, 'absent');
  close(detectionPower(812, 0.01, 3), 0.9877765725364926, 1e-9);

  const shallow = assessReadEvidence({ sample: 'PRIMARY', altReads: 0, depth: 40, vafOfInterest: 0.05 });
  assert.equal(shallow.status, 'inconclusive');
  assert.equal(shallow.text, 'not evaluable: 0/40 alt reads in PRIMARY (VAF < 7.2%, 95% upper bound); ≥95% power only for VAF ≥ 7.2% (a call needs ≥1 alt read), above the VAF of interest 5%: power 87.1%');

  const none = assessReadEvidence({ sample: 'PRIMARY', altReads: 0, depth: 0 });
  assert.deepEqual([none.status, none.text, none.pValue, none.detectableVaf, none.vafUpperBound], ['no-coverage', 'not evaluable: no reads at the position in PRIMARY', null, null, null]);

  // a higher error rate makes 4/612 noise
  const noisy = assessReadEvidence({ sample: 'PRIMARY', altReads: 4, depth: 612 }, { errorRate: 0.005 });
  assert.equal(noisy.status, 'absent');
  assert.throws(() => assessReadEvidence({ sample: 'X', altReads: 3, depth: 2 }), /0 <= alt <= depth/);
  assert.throws(() => assessReadEvidence({ sample: 'X', altReads: 0, depth: 2 }, { errorRate: 0 }), /errorRate/);
});

test('number formatting', () => {
  assert.deepEqual([formatPercent(0.0037), formatPercent(0.015), formatPercent(0.06), formatPercent(0.123), formatPercent(0.00004)], ['0.37%', '1.5%', '6%', '12%', '0.004%']);
  assert.deepEqual([formatP(0.5562), formatP(0.0036), formatP(0.00012), formatP(1e-320)], ['0.56', '0.0036', '1.2e-4', '< 1e-300']);
  assert.deepEqual([pText(0.0036), pText(1e-320)], ['p = 0.0036', 'p < 1e-300']);
});

test('review-s3 #12: an "absent" names the VAF of interest it was judged against, where it comes from, and the power there', () => {
  const basis = '0.2% in E-PLASMA-1 at tumour fraction 2%, scaled to purity 60%, same cancer cell fraction';
  const e = assessReadEvidence({ sample: 'E-PRIMARY', altReads: 0, depth: 812, vafOfInterest: 0.06, vafOfInterestBasis: basis });
  assert.equal(e.status, 'absent');
  // scipy: binom.sf(2, 812, 0.06) = 1.0 (to double precision): printed as "> 99.9%", never a rounded 100%
  assert.ok(e.powerAtVafOfInterest! > 0.999999);
  assert.equal(e.vafOfInterest, 0.06);
  assert.equal(e.text, `absent: 0/812 reads in E-PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 6% (${basis}): power > 99.9%`);
  // at 1% the power is binom.sf(2, 812, 0.01) = 0.98797 (scipy): absent; powers are rounded down (98.7%)
  const one = assessReadEvidence({ sample: 'P', altReads: 2, depth: 812, vafOfInterest: 0.01 });
  assert.equal(one.text, 'absent: 2/812 reads in P, within the 0.1% error rate (binomial p = 0.2); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 1%: power 98.7%');
  // no VAF of interest: no power field, text as before
  const plain = assessReadEvidence({ sample: 'P', altReads: 0, depth: 812 });
  assert.deepEqual([plain.vafOfInterest, plain.powerAtVafOfInterest], [null, null]);
  assert.deepEqual([powerText(0.771), powerText(0.999), powerText(0.9995), powerText(1)], ['77.1%', '99.9%', '> 99.9%', '> 99.9%']);
  assert.throws(() => assessReadEvidence({ sample: 'P', altReads: 0, depth: 10, vafOfInterest: 1.2 }), /vafOfInterest must be a number in \(0, 1\) \(got 1.2\)/);
});
