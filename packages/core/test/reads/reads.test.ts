// Reference values computed independently with exact rational arithmetic (Python fractions + math.comb):
//   1 - sum_{i<k} C(n,i) p^i (1-p)^(n-i)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessReadEvidence,
  binomialUpperTail,
  cancerCellFraction,
  detectableVaf,
  detectionPower,
  expectedVaf,
  formatP,
  formatPercent,
  minSignificantAltReads,
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

  const absent = assessReadEvidence({ sample: 'PRIMARY', altReads: 0, depth: 812 });
  assert.equal(absent.status, 'absent');
  assert.equal(absent.text, 'absent: 0/812 reads in PRIMARY, ≥95% power for VAF ≥ 0.37%');

  const noise = assessReadEvidence({ sample: 'PRIMARY', altReads: 1, depth: 812 });
  assert.equal(noise.text, 'absent: 1/812 reads in PRIMARY, within the 0.1% error rate (binomial p = 0.56), ≥95% power for VAF ≥ 0.37%');

  const shallow = assessReadEvidence({ sample: 'PRIMARY', altReads: 0, depth: 40, vafOfInterest: 0.05 });
  assert.equal(shallow.status, 'inconclusive');
  assert.equal(shallow.text, 'not evaluable: 0/40 alt reads in PRIMARY; ≥95% power for VAF ≥ 7.2%, above the VAF of interest 5%');

  const none = assessReadEvidence({ sample: 'PRIMARY', altReads: 0, depth: 0 });
  assert.deepEqual([none.status, none.text, none.pValue], ['no-coverage', 'not evaluable: no reads at the position in PRIMARY', null]);

  // a higher error rate makes 4/612 noise
  const noisy = assessReadEvidence({ sample: 'PRIMARY', altReads: 4, depth: 612 }, { errorRate: 0.005 });
  assert.equal(noisy.status, 'absent');
  assert.throws(() => assessReadEvidence({ sample: 'X', altReads: 3, depth: 2 }), /0 <= alt <= depth/);
  assert.throws(() => assessReadEvidence({ sample: 'X', altReads: 0, depth: 2 }, { errorRate: 0 }), /errorRate/);
});

test('number formatting', () => {
  assert.deepEqual([formatPercent(0.0037), formatPercent(0.015), formatPercent(0.06), formatPercent(0.123), formatPercent(0.00004)], ['0.37%', '1.5%', '6%', '12%', '0.004%']);
  assert.deepEqual([formatP(0.5562), formatP(0.0036), formatP(0.00012), formatP(1e-320)], ['0.56', '0.0036', '1.2e-4', '< 1e-300']);
});
