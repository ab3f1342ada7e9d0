// Issue 16 in the interpretation: read look-back deciding the origin, copy number per sample with ERBB2 against
// IHC/ISH, cn-change, plasma CHIP / germline / tumour, trajectories and emerging-variant, and the rule that CHIP and
// germline plasma variants never make a therapy option. SYNTHETIC data.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnalysisResultSchema, interpretCase, optionLevelText, parseCaseFile, InputError, type KnowledgeBase, type SampleData, type SiteReadCount, type VariantCall } from '../../src/index.ts';
import { cnChanges, ctdnaSummary, originWithReads, readEvidenceFor } from '../../src/analysis/longitudinal.ts';
import { call, caseOf, KB, L755S, sample } from './fixtures.ts';

const counts = (v: VariantCall, altReads: number, depth: number): SiteReadCount => ({ chrom: v.chrom, pos: v.pos, ref: v.ref, alt: v.alt, refReads: depth - altReads, altReads, otherReads: 0, depth });
const withReads = (s: SampleData, c: SiteReadCount[]): SampleData => ({ ...s, reads: { file: `${s.sample.id}.bam`, counts: c } });

describe('read look-back decides the origin', () => {
  test('absent with power in the earlier sample -> acquired, with the read evidence as the reason and in the change', () => {
    const v = L755S(0.31);
    // no BED for S1: without reads the origin would be not-evaluable-earlier
    const s1 = withReads(sample({ id: 'S1', type: 'primary', site: 'breast', collected: '2016-03-02' }, [], null), [counts(v, 0, 812)]);
    const r = interpretCase(caseOf([s1, sample({ id: 'S2', collected: '2019-02-01' }, [v])]), KB);
    const f = r.samples[1]?.findings[0];
    assert.deepEqual([f?.origin, f?.originSample, f?.originReason], ['acquired', 'S1', 'absent: 0/812 reads in S1 (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 31% (31% in S2, no purity of S1 to scale by): power > 99.9%']);
    assert.deepEqual(f?.readEvidence?.map((e) => [e.sample, e.when, e.status, e.altReads, e.depth]), [['S1', 'earlier', 'absent', 0, 812]]);
    const change = r.changes.find((c) => c.kind === 'acquired-variant');
    assert.equal(change?.detail, 'ERBB2 p.L755S acquired: absent from S1 (primary, breast, 2016-03-02), found in S2 (metastasis, liver, 2019-02-01) at VAF 31%; reads in S1: absent: 0/812 reads in S1 (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 31% (31% in S2, no purity of S1 to scale by): power > 99.9%');
  });

  test('significant alt reads in the earlier sample -> pre-existing (subclonal with its purity), even though its VCF did not call it', () => {
    const v = L755S(0.31);
    const s1 = withReads(sample({ id: 'PRIMARY', type: 'primary', site: 'breast', collected: '2016-03-02', purity: 0.6 }, []), [counts(v, 4, 612)]);
    const r = interpretCase(caseOf([s1, sample({ id: 'S2', collected: '2019-02-01' }, [v])]), KB);
    const f = r.samples[1]?.findings[0];
    assert.equal(f?.origin, 'pre-existing');
    assert.equal(f?.originSample, 'PRIMARY');
    assert.equal(f?.originReason, 'pre-existing, subclonal: 4/612 alt reads in PRIMARY (binomial p = 0.0036 vs 0.1% error; VAF 0.65%; cancer cell fraction 2.2%)');
    assert.equal(f?.readEvidence?.[0]?.clonality, 'subclonal');
    assert.equal(r.changes.filter((c) => c.kind === 'acquired-variant').length, 0);
  });

  test('too few reads for the VAF of interest -> the VCF/BED judgement stands, with the reads named', () => {
    const v = L755S(0.05);
    const s1 = withReads(sample({ id: 'S1', collected: '2016-03-02' }, [], null), [counts(v, 0, 40)]);
    const r = interpretCase(caseOf([s1, sample({ id: 'S2', collected: '2019-02-01' }, [v])]), KB);
    const f = r.samples[1]?.findings[0];
    assert.equal(f?.origin, 'not-evaluable-earlier');
    assert.equal(f?.originReason, 'no earlier sample could have detected it: S1: no sequenced-regions BED, coverage unknown; reads: not evaluable: 0/40 alt reads in S1 (VAF < 7.2%, 95% upper bound); ≥95% power only for VAF ≥ 7.2% (a call needs ≥1 alt read), above the VAF of interest 5% (5% in S2, no purity of S1 to scale by): power 87.1%');
  });

  test('a later sample\'s reads are shown, never used for the origin; an uncounted position says so', () => {
    const v = L755S(0.31);
    const s2 = withReads(sample({ id: 'S2', collected: '2019-02-01' }, []), [counts(v, 30, 300)]);
    const s3 = withReads(sample({ id: 'S3', collected: '2020-02-01' }, []), [{ ...counts(v, 0, 0), note: 'contig chr17 is not in the file' }]);
    const s1 = sample({ id: 'S1', type: 'primary', site: 'breast', collected: '2016-03-02' }, [v]);
    const ev = readEvidenceFor(v, s1, [s1, s2, s3]);
    assert.deepEqual(
      ev.map((e) => [e.sample, e.when, e.status, e.text]),
      [
        ['S2', 'later', 'present', 'present, detected: 30/300 alt reads in S2 (binomial p = 1.3e-49 vs 0.1% error; VAF 10%)'],
        ['S3', 'later', 'not-evaluable', 'not evaluable in S3: contig chr17 is not in the file'],
      ],
    );
    assert.equal(originWithReads({ origin: 'first-sample', sample: null, reason: 'no earlier sequenced sample' }, ev, [s1, s2, s3]).origin, 'first-sample');
  });

  test('absence in a plasma draw (reads or coverage) never makes a tissue variant acquired', () => {
    const v = L755S(0.31);
    const plasma = withReads(sample({ id: 'P1', type: 'plasma', site: undefined, collected: '2016-03-02' }, [], null, 5000), [counts(v, 0, 5000)]);
    const r = interpretCase(caseOf([plasma, sample({ id: 'S2', collected: '2019-02-01' }, [v])]), KB);
    const f = r.samples[1]?.findings[0];
    assert.equal(f?.origin, 'not-evaluable-earlier');
    assert.match(f?.originReason ?? '', /^earlier samples are plasma draws only \(P1\)/);
  });
});

// A KB with a PIK3CA hotspot entry (alpelisib) to test that plasma CHIP / germline calls never make options.
const PIK3CA_KB: KnowledgeBase = {
  ...KB,
  entries: [
    ...KB.entries,
    {
      id: 'curated:pik3ca-h1047r',
      gene: 'PIK3CA',
      alteration: { kind: 'protein', hgvsp: 'p.H1047R', label: 'H1047R' },
      tumorType: { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' },
      context: {},
      effect: 'activating',
      therapies: [{ name: 'alpelisib + fulvestrant', drugs: ['alpelisib', 'fulvestrant'], direction: 'sensitivity', level: 'A' }],
      summary: 'PIK3CA H1047R: alpelisib + fulvestrant.',
      citations: [{ type: 'label', id: 'FDA:Piqray:2019-05', text: 'FDA label: Piqray (alpelisib), May 2019' }],
      origin: 'curated',
    },
  ],
};
const H1047R = (vaf: number, wbcAlt: number | null, wbcDepth = 2000) =>
  call('PIK3CA', 'p.H1047R', 179234297, vaf, { chrom: 'chr3', ref: 'A', alt: 'G', depth: 5000, altCount: Math.round(5000 * vaf), ...(wbcAlt !== null ? { normalAltCount: wbcAlt, normalDepth: wbcDepth, normalVaf: wbcAlt / wbcDepth } : {}) });
const plasmaDraw = (id: string, collected: string, v: VariantCall[], tumorFraction?: number) =>
  sample({ id, type: 'plasma', site: undefined, collected, ...(tumorFraction !== undefined ? { tumorFraction } : {}) }, v, null, 5000);

describe('plasma: CHIP, germline and tumour-derived calls', () => {
  test('white cells carry it at 2% -> clonal haematopoiesis, no option, no acquired change; absent from white cells -> tumour, option', () => {
    const chip = interpretCase(caseOf([plasmaDraw('P1', '2021-03-02', [H1047R(0.02, 40)])]), PIK3CA_KB);
    const f = chip.samples[0]?.findings[0];
    assert.equal(f?.origin, 'clonal-haematopoiesis');
    assert.equal(f?.plasma?.origin, 'chip');
    assert.equal(f?.originReason, 'CHIP: also in the white-cell sample, 40/2000 reads in white cells (VAF 2%; binomial p = 1.3e-37 vs 0.1% error)');
    assert.deepEqual(f?.evidence, []);
    assert.equal(chip.therapyOptions.some((o) => o.drugs.includes('alpelisib')), false);
    const tumour = interpretCase(caseOf([plasmaDraw('P1', '2021-03-02', [H1047R(0.02, 0)])]), PIK3CA_KB);
    assert.equal(tumour.samples[0]?.findings[0]?.plasma?.text, 'tumour-derived: absent from white cells, 0/2000 reads in white cells (VAF < 0.15%, 95% upper bound); ≥95% power for VAF ≥ 0.52% (a call needs ≥6 alt reads)');
    assert.deepEqual(tumour.therapyOptions.map((o) => o.therapy), ['alpelisib + fulvestrant']);
  });

  test('white cells near 0.5 -> germline (not CHIP), no option; without white cells a CH gene is possible CHIP and makes no option', () => {
    const germ = interpretCase(caseOf([plasmaDraw('P1', '2021-03-02', [H1047R(0.5, 1010)])]), PIK3CA_KB);
    assert.deepEqual([germ.samples[0]?.findings[0]?.origin, germ.samples[0]?.findings[0]?.originReason], ['germline', 'germline (heterozygous): 1010/2000 reads in white cells (VAF 51%)']);
    assert.equal(germ.therapyOptions.length, 0);
    const dnmt3a = call('DNMT3A', 'p.R882H', 25234373, 0.02, { chrom: 'chr2', ref: 'C', alt: 'T', depth: 5000, altCount: 100 });
    const r = interpretCase(caseOf([plasmaDraw('P1', '2021-03-02', [dnmt3a])]), PIK3CA_KB);
    const f = r.samples[0]?.findings[0];
    assert.deepEqual([f?.gene, f?.plasma?.origin, f?.plasma?.text, f?.evidence.length], ['DNMT3A', 'possible-chip', 'possible clonal haematopoiesis: DNMT3A is a CH gene; no matched white-cell sample', 0]);
    // in a tissue sample DNMT3A is not a KB gene: counted, not listed
    const tissue = interpretCase(caseOf([sample({ id: 'T1', collected: '2021-03-02' }, [dnmt3a])]), PIK3CA_KB);
    assert.deepEqual([tissue.samples[0]?.findings.length, tissue.samples[0]?.otherVariants], [0, 1]);
  });

  test('trajectories across draws and emerging-variant during a therapy (first detection date, trend, treatments)', () => {
    const esr1 = (vaf: number, alt: number) => call('ESR1', 'p.D538G', 152098791, vaf, { chrom: 'chr6', ref: 'A', alt: 'G', depth: 5000, altCount: alt, normalAltCount: 0, normalDepth: 2000, normalVaf: 0 });
    const draws = [plasmaDraw('P1', '2021-03-02', [], 0.02), plasmaDraw('P2', '2021-09-07', [esr1(0.015, 75)]), plasmaDraw('P3', '2022-03-08', [esr1(0.06, 300)])];
    const letrozole = { drug: 'letrozole', start: '2019-02-01' };
    const r = interpretCase(caseOf(draws, [letrozole]), KB);
    const t = r.ctdna?.variants[0]?.trajectory;
    assert.deepEqual([t?.trend, t?.firstDetected, t?.text], ['emerging', '2021-09-07', 'emerging: not detected → 1.5% → 6% (first detected 2021-09-07)']);
    assert.deepEqual(r.ctdna?.variants[0]?.points.map((p) => [p.sample, p.vaf, p.detectionLimit !== null ? Number(p.detectionLimit.toFixed(5)) : null]), [['P1', 0, 0.00314], ['P2', 0.015, 0.00314], ['P3', 0.06, 0.00314]]);
    assert.deepEqual(r.ctdna?.draws.map((d) => [d.sample, d.tumorFraction, d.detectionLimit?.text]), [
      ['P1', 0.02, 'depth 5000: 10 alt reads needed; ≥95% power for VAF ≥ 0.31%'],
      ['P2', null, 'depth 5000: 10 alt reads needed; ≥95% power for VAF ≥ 0.31%'],
      ['P3', null, 'depth 5000: 10 alt reads needed; ≥95% power for VAF ≥ 0.31%'],
    ]);
    const e = r.changes.find((c) => c.kind === 'emerging-variant');
    assert.deepEqual([e?.fromSample, e?.toSample, e?.from, e?.to, e?.firstDetected, e?.trend], ['P2', 'P3', 'VAF 1.5% (2021-09-07, first detected)', 'VAF 6% (2022-03-08, emerging)', '2021-09-07', 'emerging']);
    assert.deepEqual(e?.afterTreatments, [{ drug: 'letrozole', start: '2019-02-01', end: null, months: 31 }]);
    // the same rise before any treatment is no emerging-variant change
    const none = interpretCase(caseOf(draws, [{ drug: 'letrozole', start: '2022-06-01' }]), KB);
    assert.equal(none.changes.some((c) => c.kind === 'emerging-variant'), false);
  });

  test('one plasma origin per variant over all draws: CHIP by the white cells of P1 holds in P2 (finding, items, options and summary agree)', () => {
    // P1: white cells carry H1047R (40/2000: CHIP); P2, the latest draw, has no white-cell column (alone: presumed
    // tumour). Before the origin was decided once, P2's finding supported alpelisib while the ctDNA panel said CHIP.
    const draws = [plasmaDraw('P1', '2021-03-02', [H1047R(0.02, 40)]), plasmaDraw('P2', '2021-09-07', [H1047R(0.03, null)])];
    const r = interpretCase(caseOf(draws), PIK3CA_KB);
    const f = r.samples.find((s) => s.id === 'P2')?.findings[0];
    assert.deepEqual([f?.origin, f?.plasma?.origin, f?.plasma?.draw, f?.plasma?.wbcAltReads, f?.plasma?.wbcDepth, f?.evidence], ['clonal-haematopoiesis', 'chip', 'P1', 40, 2000, []]);
    assert.equal(
      f?.plasma?.text,
      'CHIP: also in the white-cell sample, 40/2000 reads in white cells (VAF 2%; binomial p = 1.3e-37 vs 0.1% error) (white cells of draw P1, 2021-03-02; one origin per variant over all draws; this draw alone: presumed tumour-derived; no matched white-cell sample)',
    );
    assert.equal(f?.originReason, f?.plasma?.text);
    assert.deepEqual(r.therapyOptions, []);
    assert.deepEqual(r.excludedOptions, []);
    assert.deepEqual(r.ctdna?.variants.map((v) => [v.gene, v.origin, v.originText]), [['PIK3CA', 'chip', 'CHIP: also in the white-cell sample, 40/2000 reads in white cells (VAF 2%; binomial p = 1.3e-37 vs 0.1% error)']]);
    // P1's own finding is decided by its own white cells: no note
    const p1 = r.samples.find((s) => s.id === 'P1')?.findings[0];
    assert.deepEqual([p1?.plasma?.origin, p1?.plasma?.draw, p1?.plasma?.text], ['chip', 'P1', r.ctdna?.variants[0]?.originText]);
    AnalysisResultSchema.parse(JSON.parse(JSON.stringify(r)));
  });

  test('germline by one draw\'s white cells holds in every draw; a white-cell judgement outranks a draw without one', () => {
    const germ = interpretCase(caseOf([plasmaDraw('P1', '2021-03-02', [H1047R(0.03, null)]), plasmaDraw('P2', '2021-09-07', [H1047R(0.5, 1010)])]), PIK3CA_KB);
    const p1 = germ.samples.find((s) => s.id === 'P1')?.findings[0];
    assert.deepEqual([p1?.origin, p1?.plasma?.origin, p1?.plasma?.draw], ['germline', 'germline', 'P2']);
    assert.deepEqual([germ.therapyOptions.length, germ.ctdna?.variants[0]?.origin], [0, 'germline']);
    // tumour by P1's white cells (0/2000), no white cells in P2: tumour in both, P2's finding supports the option
    const tumour = interpretCase(caseOf([plasmaDraw('P1', '2021-03-02', [H1047R(0.02, 0)]), plasmaDraw('P2', '2021-09-07', [H1047R(0.03, null)])]), PIK3CA_KB);
    const p2 = tumour.samples.find((s) => s.id === 'P2')?.findings[0];
    assert.deepEqual([p2?.plasma?.origin, p2?.plasma?.draw, tumour.ctdna?.variants[0]?.origin], ['tumour', 'P1', 'tumour']);
    assert.deepEqual(tumour.therapyOptions.map((o) => [o.therapy, o.basis]), [['alpelisib + fulvestrant', [p2?.id]]]);
    // white cells that disagree (CHIP in P2, absent in P1): CHIP wins in both draws (the safe direction)
    const mixed = interpretCase(caseOf([plasmaDraw('P1', '2021-03-02', [H1047R(0.02, 0)]), plasmaDraw('P2', '2021-09-07', [H1047R(0.02, 40)])]), PIK3CA_KB);
    assert.deepEqual(mixed.samples.map((s) => s.findings[0]?.plasma?.origin), ['chip', 'chip']);
    assert.deepEqual([mixed.therapyOptions.length, mixed.ctdna?.variants[0]?.origin], [0, 'chip']);
  });

  test('ctdnaSummary is null without plasma draws; CHIP variants never give emerging-variant', () => {
    assert.equal(ctdnaSummary([sample({ id: 'T', collected: '2020-01-01' }, [])], [], () => true, (v) => v.hgvsp ?? ''), null);
    const chipLate = [plasmaDraw('P1', '2021-03-02', []), plasmaDraw('P2', '2021-09-07', [H1047R(0.02, 40)])];
    const s = ctdnaSummary(chipLate, [{ drug: 'letrozole', start: '2019-02-01' }], () => true, (v) => v.hgvsp ?? '');
    assert.deepEqual([s?.summary.variants[0]?.origin, s?.summary.variants[0]?.trajectory.trend, s?.emerging.length], ['chip', 'emerging', 0]);
  });
});

describe('copy number in the interpretation', () => {
  const seg = (log2: number) => ({ chrom: 'chr17', start: 39600000, end: 39800000, log2 });
  const cnSample = (id: string, collected: string, log2: number, ihc: '0' | '1+' | '2+' | '3+') => ({
    ...sample({ id, collected, pathology: { her2: { ihc }, er: { percent: 90 } } }, []),
    copyNumber: { file: `${id}.cns`, format: 'cnvkit', segments: [seg(log2)], purity: 0.7, ploidy: 2 },
  });

  test('ERBB2 amplified by NGS but IHC 1+: discordant note, HER2-positive items only as warned options', () => {
    const kb: KnowledgeBase = {
      ...KB,
      entries: [
        ...KB.entries,
        {
          id: 'curated:her2pos-t',
          gene: 'ERBB2',
          alteration: { kind: 'her2-category', label: 'HER2-positive', categories: ['HER2-positive'] },
          tumorType: { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' },
          context: {},
          effect: 'biomarker',
          therapies: [{ name: 'trastuzumab', drugs: ['trastuzumab'], direction: 'sensitivity', level: 'A' }],
          summary: 'HER2-positive: trastuzumab.',
          citations: [{ type: 'label', id: 'FDA:Herceptin', text: 'FDA label: Herceptin' }],
          origin: 'curated',
        },
      ],
    };
    const r = interpretCase(caseOf([cnSample('LIVER', '2022-04-12', 2.31, '1+')]), kb);
    const cn = r.samples[0]?.copyNumber;
    assert.equal(cn?.genes[0]?.text, 'ERBB2 amplification (copy number 13.3; log2 2.31; purity 70%; ploidy 2)');
    assert.deepEqual([cn?.erbb2?.concordance, cn?.erbb2?.text], ['discordant', 'NGS amplified but IHC 1+ — discordant: consider ISH / heterogeneity']);
    const t = r.therapyOptions.find((o) => o.therapy === 'trastuzumab');
    assert.equal(t?.warnings[0], 'HER2 by NGS only: NGS amplified but IHC 1+ — discordant: consider ISH / heterogeneity. HER2-positive therapy rests on IHC 3+ or ISH amplification (ASCO/CAP HER2 testing guideline, Wolff AC et al. J Clin Oncol 2018;36:2105-2122; 2023 update): confirm by ISH on LIVER before HER2-directed therapy for HER2-positive disease');
    // the clean HER2-low option ranks before the warned NGS-only one
    assert.deepEqual(r.therapyOptions.map((o) => [o.therapy, o.warnings.length]), [['trastuzumab deruxtecan', 0], ['trastuzumab', 1]]);
    // IHC 3+ and NGS amplified: concordant, no NGS basis (IHC already made it HER2-positive), no warning
    const pos = interpretCase(caseOf([cnSample('LIVER', '2022-04-12', 2.31, '3+')]), kb);
    assert.equal(pos.samples[0]?.copyNumber?.erbb2?.text, 'ERBB2 amplified by NGS, concordant with IHC 3+');
    assert.deepEqual(pos.therapyOptions.map((o) => [o.therapy, o.warnings.length]), [['trastuzumab', 0]]);
  });

  test('review finding 3: NGS-only HER2-positive options are pending ISH, ranked after confirmed options; HER2-negative options carry the reciprocal warning (therapy.ts rule 9)', () => {
    const kb: KnowledgeBase = {
      ...KB,
      entries: [
        ...KB.entries,
        {
          id: 'curated:her2pos-t',
          gene: 'ERBB2',
          alteration: { kind: 'her2-category', label: 'HER2-positive', categories: ['HER2-positive'] },
          tumorType: { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' },
          context: { her2: 'positive' },
          effect: 'biomarker',
          therapies: [{ name: 'trastuzumab', drugs: ['trastuzumab'], direction: 'sensitivity', level: 'A' }],
          summary: 'HER2-positive: trastuzumab.',
          citations: [{ type: 'label', id: 'FDA:Herceptin', text: 'FDA label: Herceptin' }],
          origin: 'curated',
        },
      ],
    };
    const liver = { ...cnSample('LIVER', '2022-04-12', 2.31, '1+'), variants: [call('ESR1', 'p.Y537S', 152332832, 0.2)] };
    const r = interpretCase(caseOf([liver], [{ drug: 'letrozole', start: '2019-02-01', end: '2022-03-01' }]), kb);
    // Level A stays visible, but the NGS-only option comes last and reads "A if ISH confirms"; the warned elacestrant
    // ranks after the clean T-DXd of the same level (rule 5).
    assert.deepEqual(r.therapyOptions.map((o) => [o.therapy, optionLevelText(o), o.pending?.kind ?? null]), [
      ['trastuzumab deruxtecan', 'A', null],
      ['elacestrant', 'A', null],
      ['trastuzumab', 'A if ISH confirms', 'her2-ish'],
    ]);
    assert.equal(r.therapyOptions[2]?.pending?.text, 'only if ISH on LIVER confirms HER2 amplification: its HER2-positive basis is ERBB2 amplification by NGS alone (copy number 13.3), while HER2 status is set by IHC/ISH (ASCO/CAP)');
    // elacestrant needs HER2-negative disease: the reciprocal warning; T-DXd (HER2-low item, no HER2 context) has none.
    assert.deepEqual(r.therapyOptions[1]?.warningDetails, [{ kind: 'her2-unresolved', text: 'HER2 status unresolved: NGS ERBB2 amplification in LIVER (2022-04-12; copy number 13.3); confirm by ISH: this option is for HER2-negative disease' }]);
    assert.deepEqual(r.therapyOptions[0]?.warnings, []);
    assert.deepEqual(r.therapyOptions[2]?.warningDetails?.map((w) => w.kind), ['her2-ngs-only']);
    AnalysisResultSchema.parse(JSON.parse(JSON.stringify(r)));
    // IHC 3+ (concordant): nothing pending, no reciprocal warning.
    const pos = interpretCase(caseOf([{ ...cnSample('LIVER', '2022-04-12', 2.31, '3+'), variants: [call('ESR1', 'p.Y537S', 152332832, 0.2)] }]), kb);
    assert.deepEqual(pos.therapyOptions.map((o) => [o.therapy, o.pending ?? null, o.warnings.length]), [['trastuzumab', null, 0]]);
  });

  test('cn-change between samples with the treatments between them; cnChanges compares with the latest earlier call', () => {
    const r = interpretCase(caseOf([cnSample('PRIMARY', '2019-01-15', 0.0, '1+'), cnSample('LIVER', '2022-04-12', 2.31, '1+')], [{ drug: 'letrozole', start: '2019-02-01' }]), KB);
    const c = r.changes.find((x) => x.kind === 'cn-change');
    assert.deepEqual([c?.from, c?.to, c?.fromSample, c?.toSample], ['neutral (copy number 2)', 'amplification (copy number 13.3)', 'PRIMARY', 'LIVER']);
    assert.equal(c?.detail, 'ERBB2: neutral (copy number 2) -> amplification (copy number 13.3), PRIMARY (2019-01-15) -> LIVER (2022-04-12), copy number by sequencing after 38 months of letrozole');
    const g = (status: 'neutral' | 'gain' | 'amplification', copyNumber: number) => ({ gene: 'ERBB2', status, copyNumber, log2: null, method: 'stated' as const, coverage: 1, text: '', sources: [] });
    const cn = (genes: ReturnType<typeof g>[]) => ({ file: 'x', format: 'seg', purity: null, ploidy: 2, genes, erbb2: null });
    assert.deepEqual(
      cnChanges([
        { id: 'A', collected: '2020-01-01', copyNumber: cn([g('neutral', 2)]) },
        { id: 'B', collected: '2020-01-01', copyNumber: cn([g('gain', 3)]) },
        { id: 'C', collected: '2021-01-01', copyNumber: null },
        { id: 'D', collected: '2022-01-01', copyNumber: cn([g('gain', 3)]) },
        { id: 'E', collected: '2023-01-01', copyNumber: cn([g('amplification', 8)]) },
      ]).map((x) => `${x.fromSample}->${x.toSample} ${x.from} -> ${x.to}`),
      // A and B are the same day (no change between them); C has no copy number; D = B; E is compared with D
      ['D->E gain (copy number 3) -> amplification (copy number 8)'],
    );
  });
});

describe('case file fields (issue 16)', () => {
  const base = { patient: { id: 'X' }, treatments: [] };
  const fails = (samples: unknown[]) => {
    try {
      parseCaseFile({ ...base, samples });
    } catch (e) {
      if (e instanceof InputError) return e.message;
    }
    return 'no error';
  };
  test('plasma may omit its site; tissue may not; tumorFraction is for plasma; reads and copyNumber are checked', () => {
    const c = parseCaseFile({ ...base, samples: [{ id: 'P', type: 'plasma', collected: '2021-01-01', tumorFraction: 0.05, reads: { file: 'p.cram', reference: 'ref.fa' } }] });
    assert.deepEqual([c.samples[0]?.site, c.samples[0]?.tumorFraction, c.samples[0]?.reads?.reference], [undefined, 0.05, 'ref.fa']);
    assert.equal(fails([{ id: 'T', type: 'primary', collected: '2021-01-01' }]), 'samples[0].site: required for a primary sample (one of breast, bone, liver, lung, brain, lymph node, skin, blood, other)');
    assert.equal(fails([{ id: 'T', type: 'primary', site: 'breast', collected: '2021-01-01', tumorFraction: 0.1 }]), 'samples[0].tumorFraction: is for plasma samples only');
    assert.equal(fails([{ id: 'P', type: 'plasma', collected: '2021-01-01', tumorFraction: 1.5 }]), 'samples[0].tumorFraction: must be a fraction from 0 to 1');
    assert.equal(fails([{ id: 'P', type: 'plasma', collected: '2021-01-01', reads: { file: 'x.bam', bai: 'x.bai' } }]), 'samples[0].reads.bai: unknown field');
    assert.equal(fails([{ id: 'P', type: 'plasma', collected: '2021-01-01', reads: {} }]), 'samples[0].reads.file: must be a file path');
    assert.equal(fails([{ id: 'L', type: 'metastasis', site: 'liver', collected: '2021-01-01', copyNumber: { file: 'l.cns', purity: 0 } }]), 'samples[0].copyNumber.purity: must be a fraction > 0 and <= 1');
    assert.equal(fails([{ id: 'L', type: 'metastasis', site: 'liver', collected: '2021-01-01', copyNumber: { file: 'l.cns', ploidy: 12 } }]), 'samples[0].copyNumber.ploidy: must be a number > 0 and <= 10');
  });
});
