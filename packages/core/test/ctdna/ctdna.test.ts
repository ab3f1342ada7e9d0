// Expected detection limits computed independently with exact rational binomial sums (Python fractions); white-cell
// limits and upper bounds with scipy 1.17.1 (binom.sf, beta.ppf; see reads.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CH_GENES, chGene, classifyPlasmaVariant, classifyTrajectory, ctdnaDetectionLimit, ctdnaFraction, emergingDuringTherapy, perPositionAlphaNote, type Draw } from '../../src/ctdna/index.ts';

test('detection limit from depth', () => {
  const d = ctdnaDetectionLimit(5000);
  assert.equal(d.minAltReads, 10);
  assert.ok(Math.abs(d.vaf! - 0.00313893723450183) < 1e-9);
  assert.equal(d.text, 'depth 5000: 10 alt reads needed; ≥95% power for VAF ≥ 0.31%');
  assert.deepEqual([ctdnaDetectionLimit(812).minAltReads, ctdnaDetectionLimit(300).minAltReads], [3, 2]);
  assert.ok(Math.abs(ctdnaDetectionLimit(300).vaf! - 0.015714554891583955) < 1e-9);
  assert.equal(ctdnaDetectionLimit(0).vaf, null);
  assert.equal(ctdnaDetectionLimit(0).text, 'depth 0: too shallow for a call above the 0.1% error rate');
});

test('CH genes: cited, JAK2 only V617F', () => {
  assert.deepEqual(CH_GENES.map((g) => g.gene), ['DNMT3A', 'TET2', 'ASXL1', 'JAK2', 'PPM1D', 'TP53', 'CHEK2']);
  for (const g of CH_GENES) assert.ok(g.source.length > 20, g.gene);
  assert.equal(chGene('JAK2', 'p.V617F')?.gene, 'JAK2');
  assert.equal(chGene('JAK2', 'V617F')?.gene, 'JAK2');
  assert.equal(chGene('JAK2', 'p.R683G'), null);
  assert.equal(chGene('ESR1', 'p.D538G'), null);
});

test('plasma variant origin with and without the white-cell sample', () => {
  const dnmt = classifyPlasmaVariant({ gene: 'DNMT3A', proteinChange: 'p.R882H', plasmaVaf: 0.02, wbc: { altReads: 20, depth: 1000 } });
  assert.equal(dnmt.origin, 'chip');
  assert.equal(dnmt.text, 'CHIP: also in the white-cell sample, 20/1000 reads in white cells (VAF 2%; binomial p = 1.3e-19 vs 0.1% error)');
  assert.ok(dnmt.sources.some((s) => s.includes('Steensma')));
  const small = classifyPlasmaVariant({ gene: 'TET2', plasmaVaf: 0.008, wbc: { altReads: 8, depth: 1000 } });
  assert.equal(small.origin, 'chip');
  assert.match(small.text, /\(clonal haematopoiesis below the 2% CHIP definition\)$/);
  assert.equal(classifyPlasmaVariant({ gene: 'TP53', plasmaVaf: 0.3, wbc: { altReads: 480, depth: 1000 } }).text, 'germline (heterozygous): 480/1000 reads in white cells (VAF 48%)');
  assert.equal(classifyPlasmaVariant({ gene: 'BRCA2', plasmaVaf: 0.9, wbc: { altReads: 300, depth: 300 } }).text, 'germline (homozygous): 300/300 reads in white cells (VAF 100%)');
  const esr1 = classifyPlasmaVariant({ gene: 'ESR1', proteinChange: 'p.D538G', plasmaVaf: 0.015, wbc: { altReads: 0, depth: 900 } });
  assert.equal(esr1.origin, 'tumour');
  // 0/900: VAF < 0.33% (beta.ppf(0.95, 1, 900)), but a call needs 4 reads, 95% power at 0.86%
  assert.equal(esr1.text, 'tumour-derived: absent from white cells, 0/900 reads in white cells (VAF < 0.33%, 95% upper bound); ≥95% power for VAF ≥ 0.86% (a call needs ≥4 alt reads)');
  // 1 read at 0.1% error is noise, not CH
  const one = classifyPlasmaVariant({ gene: 'DNMT3A', plasmaVaf: 0.05, wbc: { altReads: 1, depth: 900 } });
  assert.equal(one.origin, 'tumour');
  assert.equal(one.text, 'tumour-derived: absent from white cells, 1/900 reads in white cells, within the 0.1% error rate (binomial p = 0.59); ≥95% power for VAF ≥ 0.86% (a call needs ≥4 alt reads)');
  // the same power as everywhere: 0/2000 white-cell reads call 0.52% with 95% power (6 reads needed), not the 0.15%
  // of the rule of three, so a 0.2% plasma variant is only presumed tumour-derived; 1.5% is tumour-derived
  const low = classifyPlasmaVariant({ gene: 'ESR1', proteinChange: 'p.D538G', plasmaVaf: 0.002, wbc: { altReads: 0, depth: 2000 } });
  assert.deepEqual([low.origin, low.text], ['presumed-tumour', 'presumed tumour-derived; white cells too shallow to exclude it at the plasma VAF 0.2%: 0/2000 reads in white cells (VAF < 0.15%, 95% upper bound); ≥95% power only for VAF ≥ 0.52% (a call needs ≥6 alt reads)']);
  assert.equal(classifyPlasmaVariant({ gene: 'ESR1', proteinChange: 'p.D538G', plasmaVaf: 0.015, wbc: { altReads: 0, depth: 2000 } }).origin, 'tumour');
  // the review's probe: AKT1 E17K at 2% in plasma, 3/2000 in white cells (p = 0.32, not CH) -> tumour, with the power
  // of a call (0.52%), never the 1-read bound
  assert.equal(classifyPlasmaVariant({ gene: 'AKT1', proteinChange: 'p.E17K', plasmaVaf: 0.02, wbc: { altReads: 3, depth: 2000 } }).text, 'tumour-derived: absent from white cells, 3/2000 reads in white cells, within the 0.1% error rate (binomial p = 0.32); ≥95% power for VAF ≥ 0.52% (a call needs ≥6 alt reads)');
  // white cells too shallow for a 0.2% plasma VAF: a CH gene stays "possible"
  assert.equal(classifyPlasmaVariant({ gene: 'DNMT3A', plasmaVaf: 0.002, wbc: { altReads: 0, depth: 200 } }).text, 'possible clonal haematopoiesis: DNMT3A is a CH gene; white cells too shallow to exclude it at the plasma VAF 0.2%: 0/200 reads in white cells (VAF < 1.5%, 95% upper bound); ≥95% power only for VAF ≥ 2.3% (a call needs ≥2 alt reads)');
  assert.equal(classifyPlasmaVariant({ gene: 'ASXL1', plasmaVaf: 0.01 }).text, 'possible clonal haematopoiesis: ASXL1 is a CH gene; no matched white-cell sample');
  assert.equal(classifyPlasmaVariant({ gene: 'PIK3CA', plasmaVaf: 0.01 }).text, 'presumed tumour-derived; no matched white-cell sample');
  assert.equal(classifyPlasmaVariant({ gene: 'PIK3CA', plasmaVaf: 0.01, wbc: { altReads: 0, depth: 0 } }).text, 'presumed tumour-derived; no white-cell reads at the position');
});

const draws = (vafs: Array<number | null>, reads?: Array<[number, number]>): Draw[] =>
  vafs.map((vaf, i) => ({ sample: `P${i + 1}`, date: ['2021-03-01', '2021-09-01', '2022-03-01'][i]!, vaf, ...(reads ? { altReads: reads[i]![0], depth: reads[i]![1] } : {}) }));

test('trajectories: rising / steady by Fisher on reads, emerging, cleared, falling, not detected', () => {
  const esr1 = classifyTrajectory(draws([0.002, 0.015, 0.06], [[10, 5000], [75, 5000], [300, 5000]]));
  // the first point, 10/5000, is the smallest significant count (p = 0.032) and below the 0.31% 95%-power limit
  assert.equal(esr1.text, 'rising: 0.2% → 1.5% → 6% (first detected 2021-03-01, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error)');
  // at or above the limit (16/5000 = 0.32% >= 0.31%), or without reads, no qualifier
  assert.equal(classifyTrajectory(draws([0.0032, 0.015, 0.06], [[16, 5000], [75, 5000], [300, 5000]])).text, 'rising: 0.32% → 1.5% → 6% (first detected 2021-03-01)');
  assert.equal(classifyTrajectory(draws([0.002, 0.015, 0.06])).text, 'rising: 0.2% → 1.5% → 6% (first detected 2021-03-01)');
  assert.throws(() => classifyTrajectory([{ sample: 'X', date: '2021-03-01', vaf: 0.1, altReads: 11, depth: 10 }]), /draw X: reads 11\/10 are not whole numbers with 0 <= alt <= depth/);
  const dnmt = classifyTrajectory(draws([0.02, 0.021, 0.0196], [[100, 5000], [105, 5000], [98, 5000]]));
  assert.equal(dnmt.trend, 'steady');
  assert.equal(classifyTrajectory(draws([null, 0.004, 0.01])).text, 'emerging: not detected → 0.4% → 1% (first detected 2021-09-01)');
  assert.equal(classifyTrajectory(draws([0.05, 0.01, 0])).trend, 'cleared');
  assert.equal(classifyTrajectory(draws([0.05, 0.03, 0.01])).trend, 'falling'); // no reads: fold 5 >= 2
  assert.equal(classifyTrajectory(draws([0.05, 0.03, 0.04])).trend, 'steady'); // fold 1.25
  assert.deepEqual(classifyTrajectory(draws([null, 0, null])), { trend: 'not-detected', firstDetected: null, points: draws([null, 0, null]), text: 'not detected in 3 draws' });
  // order by date, whatever order given
  assert.equal(classifyTrajectory([...draws([0.002, 0.015, 0.06])].reverse()).trend, 'rising');
  // small counts: not significant -> steady, even though the VAF doubled
  assert.equal(classifyTrajectory(draws([0.01, 0.02], [[1, 100], [2, 100]])).trend, 'steady');
  assert.throws(() => classifyTrajectory([{ sample: 'X', date: '2021-3-1', vaf: 0.1 }]), /not YYYY-MM-DD/);
  assert.throws(() => classifyTrajectory([{ sample: 'X', date: '2021-03-01', vaf: 1.5 }]), /not in \[0, 1\]/);
});

test('emerging during therapy', () => {
  const t = classifyTrajectory(draws([0.002, 0.015, 0.06], [[10, 5000], [75, 5000], [300, 5000]]));
  const ai = [{ drug: 'letrozole', start: '2020-06-01' }];
  assert.deepEqual(emergingDuringTherapy('ESR1 p.D538G', t, ai), {
    during: ['letrozole'],
    firstDetected: '2021-03-01',
    trend: 'rising',
    detail: 'ESR1 p.D538G first seen in plasma on 2021-03-01 during letrozole; rising: 0.2% → 1.5% → 6% (first detected 2021-03-01, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error)',
  });
  assert.equal(emergingDuringTherapy('ESR1 p.D538G', t, [{ drug: 'tamoxifen', start: '2018-01-01', end: '2020-01-01' }]), null);
  assert.equal(emergingDuringTherapy('X', classifyTrajectory(draws([0.05, 0.01, 0])), ai), null);
});

test('share of ctDNA (review-s3 #16): 0.2% at tumour fraction 2% is ≈20% of ctDNA, subclonal by the Wilson interval; multiplicity note', () => {
  const f = ctdnaFraction(0.002, 0.02, { altReads: 10, depth: 5000 });
  // CCF = 2 x VAF / t (heterozygous, copy-neutral); interval: Wilson 95% of 10/5000 (Python, z = 1.959963984540054) x 2 / 0.02
  assert.ok(Math.abs(f.ccf - 0.2) < 1e-12);
  assert.ok(Math.abs(f.ccf95![0] - 0.10867468609438852) < 1e-9 && Math.abs(f.ccf95![1] - 0.3677884276333011) < 1e-9, String(f.ccf95));
  assert.equal(f.clonality, 'subclonal');
  assert.equal(f.text, 'VAF 0.2% at tumour fraction 2%: ≈20% of ctDNA (95% CI 11%-37%), subclonal; cancer cell fraction estimate assuming one mutant copy of two (heterozygous, no copy change at the locus); with 2 mutant copies it would be ≈10%');
  // without reads: no interval, no clonality claimed
  const bare = ctdnaFraction(0.015, 0.1);
  assert.deepEqual([bare.ccf95, bare.clonality], [null, null]);
  assert.equal(bare.text, 'VAF 1.5% at tumour fraction 10%: ≈30% of ctDNA; cancer cell fraction estimate assuming one mutant copy of two (heterozygous, no copy change at the locus); with 2 mutant copies it would be ≈15%');
  // an estimate above 100% is capped and says why; a wide interval reaching 1 is "clonal"
  const over = ctdnaFraction(0.02, 0.02, { altReads: 100, depth: 5000 });
  assert.deepEqual([over.ccf, over.ccf95?.[1], over.clonality], [1, 1, 'clonal']);
  assert.equal(over.text, 'VAF 2% at tumour fraction 2%: ≈100% of ctDNA (the estimate exceeds 100%: the copies assumed or the tumour fraction are off) (95% CI 100%-100%), clonal; cancer cell fraction estimate assuming one mutant copy of two (heterozygous, no copy change at the locus)');
  assert.throws(() => ctdnaFraction(0.01, 0), /tumour fraction must be in \(0, 1\] \(got 0\)/);
  assert.throws(() => ctdnaFraction(1.5, 0.1), /VAF must be in \[0, 1\] \(got 1.5\)/);
});

test('per-position alpha note: what the p-value means, no multiple-testing correction', () => {
  assert.equal(
    perPositionAlphaNote(),
    'Each position is tested on its own: a call needs alt reads whose one-sided binomial p-value is below 0.05, the p-value being the probability of at least that many alt reads from sequencing error alone (0.1% per base) if the variant were absent. No correction for the number of positions is made: of the positions of a panel that do not carry the variant, up to 5 in 100 may reach a call by error alone; a first detection at the detection limit is marked and needs the next draw to confirm it.',
  );
  assert.match(perPositionAlphaNote({ errorRate: 0.0005, alpha: 0.01 }), /below 0\.01, .*\(0\.05% per base\).* up to 1 in 100 may/);
});
