/**
 * Tumour-board findings carried to s4 (review-14 P8-P12, review-s3 #9): exact option sets, pending states, warnings
 * and texts on the scenario KB (test/analysis/scenario-kb.ts). Every patient is synthetic.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_COMMENTS, InputError, interpretCase, parseCaseFile, type AnalysisResult, type CaseFile, type CoveredRegion, type KbEntry, type KnowledgeBase, type SampleData, type VariantCall } from '../../src/index.ts';
import { caseOf, sample } from './fixtures.ts';
import { SCENARIO_KB as KB } from './scenario-kb.ts';

const WIDE: CoveredRegion[] = [{ chrom: 'chr17', start: 0, end: 100_000_000, depth: 500 }];
const path = (her2: object | undefined, er?: number, pr?: number) => ({ ...(her2 ? { her2 } : {}), ...(er !== undefined ? { er: { percent: er } } : {}), ...(pr !== undefined ? { pr: { percent: pr } } : {}) });
type Opt = Parameters<typeof sample>[0];
const s = (o: Opt): SampleData => sample(o, null, WIDE);
const names = (r: AnalysisResult) => r.therapyOptions.map((o) => `${o.level} ${o.therapy}${o.pending ? ` (pending ${o.pending.kind})` : ''}`);
const option = (r: AnalysisResult, therapy: string) => r.therapyOptions.find((o) => o.therapy === therapy);
const LETROZOLE_MET: CaseFile['treatments'] = [{ drug: 'letrozole', start: '2024-02-01', end: '2025-06-01', line: 1, response: 'progression' }];
const ULTRALOW = { ihc: '0', stainedPercent: 5 };

describe('c22 (review-14 P8): HR status from an older sample (state.ts HrOutdated, her2scope design rule)', () => {
  const primary = s({ id: 'P', type: 'primary', site: 'breast', collected: '2018-01-05', pathology: path(ULTRALOW, 90, 30) });

  test('later metastasis with ER not tested and PgR 0: the HR+-only option is not evaluable (pending hr-status: test ER on M), never "fits"', () => {
    const r = interpretCase(caseOf([primary, s({ id: 'M', collected: '2024-01-05', pathology: path(ULTRALOW, undefined, 0) })], LETROZOLE_MET), KB);
    const text = 'HR status not evaluable now: HR-positive only in P (2018-01-05); the later M (2024-01-05) has ER not tested, PgR negative: test ER on M before an option that needs HR status (ER IHC is the predictive assay for endocrine therapy, ASCO/CAP 2020)';
    assert.deepEqual(r.context.hr, { status: 'positive', note: text, sample: 'P', collected: '2018-01-05' });
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan (pending hr-status)']);
    const o = option(r, 'trastuzumab deruxtecan')!;
    assert.equal(o.context, 'unknown');
    assert.deepEqual(o.pending, { kind: 'hr-status', text: `this option needs HR-positive disease; ${text}` });
    // A10: the sample's own evidence list says the same as the option (no "fits" for an item therapy holds back).
    assert.deepEqual(r.samples[1]!.statusEvidence.map((e) => [e.id, e.context]), [['curated:her2ultralow-tdxd', 'unknown']]);
  });

  test('later metastasis with HER2 only (ER and PgR not tested): the option stays, with the hr-older-sample warning naming both samples', () => {
    const r = interpretCase(caseOf([primary, s({ id: 'M', collected: '2024-01-05', pathology: path(ULTRALOW) })], LETROZOLE_MET), KB);
    const text = 'HR status from an older sample: HR-positive in P (2018-01-05); the later M (2024-01-05) has ER and PgR not tested: consider testing ER on M (ASCO/CAP 2020)';
    assert.deepEqual(r.context.hr, { status: 'positive', note: text, sample: 'P', collected: '2018-01-05' });
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan']);
    assert.deepEqual(option(r, 'trastuzumab deruxtecan')!.warningDetails, [{ kind: 'hr-older-sample', text }]);
  });

  test('a later sample without pathology, or a later plasma draw, does not make the HR status outdated', () => {
    const r = interpretCase(caseOf([primary, s({ id: 'M', collected: '2024-01-05' }), s({ id: 'B', type: 'plasma', site: undefined, collected: '2024-02-05' })], LETROZOLE_MET), KB);
    assert.deepEqual(r.context.hr, { status: 'positive', note: null, sample: 'P', collected: '2018-01-05' });
  });

  test('an older HR-negative status with a later PgR-negative sample (ER not tested): judged HR-negative, with the older-sample note', () => {
    const r = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2018-01-05', pathology: path(ULTRALOW, 0, 0) }), s({ id: 'M', collected: '2024-01-05', pathology: path(ULTRALOW, undefined, 0) })], LETROZOLE_MET), KB);
    assert.equal(r.context.hr?.note, 'HR status from an older sample: HR-negative in P (2018-01-05); the later M (2024-01-05) has ER not tested, PgR negative: consider testing ER on M (ASCO/CAP 2020)');
    assert.deepEqual(names(r), []);
    assert.deepEqual(r.excludedOptions.map((x) => x.reason), ['HER2-ultralow: curated:her2ultralow-tdxd: needs HR-positive; latest HR status is negative (P, 2018-01-05)']);
  });

  test('review s4 #3: an older ER-negative sample and a later one with PgR 40% but ER not tested: HR not evaluable, the HR+-only option is pending "test ER on M"', () => {
    const r = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2018-01-05', pathology: path(ULTRALOW, 0, 0) }), s({ id: 'M', collected: '2024-01-05', pathology: path(ULTRALOW, undefined, 40) })], LETROZOLE_MET), KB);
    assert.deepEqual(r.samples[1]!.classification!.hr, { status: null, notes: [DEFAULT_COMMENTS.erNotTestedPrPositive] });
    const text = 'HR status not evaluable now: HR-negative only in P (2018-01-05); the later M (2024-01-05) has ER not tested, PgR positive: test ER on M before an option that needs HR status (ER IHC is the predictive assay for endocrine therapy, ASCO/CAP 2020)';
    assert.deepEqual(r.context.hr, { status: 'negative', note: text, sample: 'P', collected: '2018-01-05' });
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan (pending hr-status)']);
    // a single sample with PgR 40% and ER not tested: HR unknown, pending as well
    const single = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-05', pathology: path(ULTRALOW, undefined, 40) })], LETROZOLE_MET), KB);
    assert.equal(single.context.hr, null);
    assert.deepEqual(names(single), ['A trastuzumab deruxtecan (pending hr-status)']);
  });

  test('C1: classification decides HR once per sample; ER not tested + PgR 0 is unknown there, ER-/PgR+ is flagged', () => {
    const r = interpretCase(caseOf([primary, s({ id: 'M', collected: '2024-01-05', pathology: path(ULTRALOW, 0, 20) })]), KB);
    assert.deepEqual(r.samples.map((x) => x.classification!.hr), [
      { status: 'positive', notes: [] },
      { status: 'positive', notes: [DEFAULT_COMMENTS.erNegativePrPositive] },
    ]);
    assert.deepEqual(r.context.hr, { status: 'positive', note: DEFAULT_COMMENTS.erNegativePrPositive, sample: 'M', collected: '2024-01-05' });
    const unknown = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-05', pathology: path(ULTRALOW, undefined, 0) })]), KB);
    assert.deepEqual(unknown.samples[0]!.classification!.hr, { status: null, notes: [] });
    assert.equal(unknown.context.hr, null);
  });
});

// ---- c23 (review-14 P9): early setting, neoadjuvant regimen, display name, phase order -------------------------
const BRCA = { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' };
const HER2POS = { kind: 'her2-category' as const, label: 'HER2-positive', categories: ['HER2-positive'] };
const curated = (id: string, context: KbEntry['context'], therapy: KbEntry['therapies'][number]): KbEntry => ({
  id,
  gene: 'ERBB2',
  alteration: HER2POS,
  tumorType: BRCA,
  context,
  effect: 'biomarker',
  therapies: [therapy],
  summary: `${id} summary.`,
  citations: [{ type: 'label', id: `LABEL:${id}`, text: `label of ${id}` }],
  origin: 'curated',
  sourceDate: '2026-12-02',
});
const EARLY_KB: KnowledgeBase = {
  ...KB,
  entries: [
    ...KB.entries.filter((e) => e.alteration.kind !== 'her2-category' || !e.alteration.categories.includes('HER2-positive')),
    curated('curated:neo-tdxd-thp', { her2: 'positive', settings: ['early'], phase: 'neoadjuvant', label: 'neoadjuvant' }, { name: 'trastuzumab deruxtecan, then taxane + trastuzumab + pertuzumab', drugs: ['trastuzumab deruxtecan', 'trastuzumab', 'pertuzumab'], direction: 'sensitivity', level: 'A' }),
    curated('curated:residual-tdm1', { her2: 'positive', settings: ['early'], priorAnyOf: ['anti-her2-antibody'], phase: 'post-neoadjuvant', label: 'residual disease' }, { name: 'trastuzumab emtansine', drugs: ['trastuzumab emtansine'], direction: 'sensitivity', level: 'A' }),
    curated('curated:extended-neratinib', { her2: 'positive', settings: ['early'], priorAnyOf: ['anti-her2-antibody'], phase: 'extended-adjuvant', label: 'extended adjuvant' }, { name: 'neratinib', drugs: ['neratinib'], direction: 'sensitivity', level: 'A' }),
  ],
  drugClasses: { ...KB.drugClasses!, drugs: [...KB.drugClasses!.drugs, { name: 'trastuzumab emtansine', classes: ['anti-her2-adc'], synonyms: [], citations: [{ type: 'other', id: 'ATC', text: 'WHO ATC' }] }, { name: 'carboplatin', classes: ['platinum'], synonyms: [], citations: [{ type: 'other', id: 'ATC', text: 'WHO ATC' }] }] },
};
const HER2_3 = path({ ihc: '3+' }, 80, 20);
const TCHP: CaseFile['treatments'] = ['docetaxel', 'carboplatin', 'trastuzumab', 'pertuzumab'].map((drug) => ({ drug, start: '2025-01-20', end: '2025-05-01', setting: 'early' as const }));

describe('c23 (review-14 P9): neoadjuvant regimen only before any early treatment and surgery; the KB regimen name; phase order (state.ts, therapy.ts rule 5)', () => {
  const biopsy = s({ id: 'B', type: 'primary', site: 'breast', collected: '2025-01-05', pathology: HER2_3 });

  test('untreated early HER2+ disease: the neoadjuvant regimen is offered under its KB name, sequence kept', () => {
    const r = interpretCase(caseOf([biopsy]), EARLY_KB);
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan, then taxane + trastuzumab + pertuzumab']);
    assert.deepEqual(r.therapyOptions[0]!.drugs, ['trastuzumab deruxtecan', 'trastuzumab', 'pertuzumab']);
    assert.equal(r.therapyOptions[0]!.id, 'option:pertuzumab+trastuzumab+trastuzumab deruxtecan');
  });

  test('after neoadjuvant TCHP (surgery not stated): no neoadjuvant regimen; residual-disease T-DM1 and extended-adjuvant neratinib are not evaluable, never "fits" (review s4 #1, #2)', () => {
    const r = interpretCase(caseOf([biopsy, s({ id: 'S', type: 'primary', site: 'breast', collected: '2025-06-10', pathology: HER2_3 })], TCHP), EARLY_KB);
    assert.deepEqual(names(r), ['A trastuzumab emtansine', 'A neratinib']);
    assert.deepEqual(r.therapyOptions.map((o) => o.context), ['unknown', 'unknown']);
    assert.ok(r.therapyOptions[0]!.reasons[0]!.includes('[for residual invasive disease at surgery after neoadjuvant Anti-HER2 antibody; no surgery recorded (samples[].surgery)]'), r.therapyOptions[0]!.reasons[0]);
    assert.ok(r.therapyOptions[1]!.reasons[0]!.includes('to follow completed adjuvant Anti-HER2 antibody (Nerlynx label); no surgery recorded'), r.therapyOptions[1]!.reasons[0]);
    assert.deepEqual(r.excludedOptions.map((x) => [x.therapy, x.reason]), [
      ['trastuzumab deruxtecan, then taxane + trastuzumab + pertuzumab', 'HER2-positive: curated:neo-tdxd-thp: a neoadjuvant regimen is the first treatment of early disease; early-setting treatment already given (docetaxel, carboplatin, trastuzumab, pertuzumab from 2025-01-20)'],
    ]);
  });

  test('neoadjuvant TCHP, then surgery: T-DM1 for residual disease fits (residual disease to confirm); neratinib waits for completed adjuvant HER2 therapy (review s4 #1, #2)', () => {
    const surgery = s({ id: 'S', type: 'primary', site: 'breast', collected: '2025-06-10', surgery: true, pathology: HER2_3 });
    const r = interpretCase(caseOf([biopsy, surgery], TCHP), EARLY_KB);
    assert.deepEqual(names(r), ['A trastuzumab emtansine']);
    assert.equal(r.therapyOptions[0]!.context, 'fits');
    assert.ok(r.therapyOptions[0]!.reasons[0]!.includes('[residual invasive disease at surgery (sample S) is assumed: confirm it (no pathologic complete response)]'), r.therapyOptions[0]!.reasons[0]);
    assert.deepEqual(
      r.excludedOptions.filter((x) => x.items?.includes('curated:extended-neratinib')).map((x) => x.reason),
      ['HER2-positive: curated:extended-neratinib: to follow completed adjuvant Anti-HER2 antibody (Nerlynx label); none given after surgery (sample S, 2025-06-10)'],
    );
    // adjuvant trastuzumab completed after the surgery: extended adjuvant neratinib now fits
    const adjuvant = [...TCHP, { drug: 'trastuzumab', start: '2025-07-01', end: '2026-01-10', setting: 'early' as const }];
    const done = interpretCase(caseOf([biopsy, surgery], adjuvant), EARLY_KB);
    assert.deepEqual(done.therapyOptions.map((o) => `${o.level} ${o.therapy} ${o.context}`), ['A trastuzumab emtansine fits', 'A neratinib fits']);
  });

  test('upfront surgery, adjuvant TCH ongoing: no residual-disease option (nothing neoadjuvant) and no extended adjuvant yet (review s4 probe p1)', () => {
    const surgery = s({ id: 'S', type: 'primary', site: 'breast', collected: '2025-01-05', surgery: true, pathology: HER2_3 });
    const tch: CaseFile['treatments'] = ['docetaxel', 'carboplatin', 'trastuzumab'].map((drug) => ({ drug, start: '2025-02-01', setting: 'early' as const }));
    const r = interpretCase(caseOf([surgery], tch), EARLY_KB);
    assert.deepEqual(names(r), []);
    assert.deepEqual(
      r.excludedOptions.filter((x) => x.items?.some((i) => i === 'curated:residual-tdm1' || i === 'curated:extended-neratinib')).map((x) => x.reason),
      [
        'HER2-positive: curated:extended-neratinib: to follow completed adjuvant Anti-HER2 antibody (Nerlynx label); trastuzumab ongoing since 2025-02-01',
        'HER2-positive: curated:residual-tdm1: for residual invasive disease after neoadjuvant Anti-HER2 antibody; none given before surgery (sample S, 2025-01-05)',
      ],
    );
  });

  test('a sample marked as the surgical specimen ends the neoadjuvant phase even without treatments in the file', () => {
    const r = interpretCase(caseOf([biopsy, s({ id: 'S', type: 'primary', site: 'breast', collected: '2025-06-10', surgery: true, pathology: HER2_3 })]), EARLY_KB);
    assert.deepEqual(names(r), []);
    assert.deepEqual(
      r.excludedOptions.filter((x) => x.items?.includes('curated:neo-tdxd-thp')).map((x) => x.reason),
      ['HER2-positive: curated:neo-tdxd-thp: a neoadjuvant (pre-operative) regimen; surgery is recorded (sample S, 2025-06-10)'],
    );
  });

  test('case file: `surgery` is a boolean of tissue samples; a plasma draw marked as surgery is refused with its path', () => {
    const base = { patient: { id: 'SYN' }, samples: [{ id: 'B', type: 'primary', site: 'breast', collected: '2025-01-05', surgery: true }] };
    assert.equal(parseCaseFile(base).samples[0]!.surgery, true);
    assert.throws(() => parseCaseFile({ ...base, samples: [{ id: 'B', type: 'plasma', collected: '2025-01-05', surgery: true }] }), (e: unknown) => e instanceof InputError && /samples\[0\]\.surgery/.test(e.message) && /not a surgical specimen/.test(e.message));
    assert.throws(() => parseCaseFile({ ...base, samples: [{ ...base.samples[0], surgery: 'yes' }] }), (e: unknown) => e instanceof InputError && /samples\[0\]\.surgery/.test(e.message) && /must be true or false/.test(e.message));
  });
});

// ---- c09 (review-s3 #9): contrary evidence warns; a combination's resistance is not split ----------------------
const PIK3CA = (vaf: number): VariantCall => ({ gene: 'PIK3CA', hgvsp: 'p.H1047R', hgvsc: null, consequence: 'missense_variant', chrom: 'chr3', pos: 179234297, ref: 'A', alt: 'G', vaf, depth: 400, altCount: Math.round(400 * vaf), filter: 'PASS', sample: 'TUMOR' });
const civicRes = (id: string, name: string, level: 'A' | 'B' | 'C'): KbEntry => ({
  id,
  gene: 'PIK3CA',
  alteration: { kind: 'protein', hgvsp: 'p.H1047R', label: 'H1047R' },
  tumorType: BRCA,
  context: { her2: 'positive' },
  effect: 'resistance',
  therapies: [{ name, drugs: name.split(' + '), direction: 'resistance', level }],
  summary: `${id} summary.`,
  citations: [{ type: 'civic', id: id.replace('civic:', ''), text: `CIViC ${id}` }],
  origin: 'civic',
  sourceDate: '2021-08-01',
  review: { reason: 'reviewed for the test', citations: [{ type: 'other', id: 'CURATION', text: 'curation' }] },
});
const resistanceKb = (level: 'A' | 'B'): KnowledgeBase => ({
  ...EARLY_KB,
  entries: [
    ...EARLY_KB.entries,
    curated('curated:gbg26', { her2: 'positive', settings: ['metastatic'], priorAnyOf: ['anti-her2-antibody'], priorSetting: 'metastatic', label: 'GBG 26' }, { name: 'trastuzumab + capecitabine', drugs: ['trastuzumab', 'capecitabine'], direction: 'sensitivity', level: 'B' }),
    civicRes('civic:EID2098', 'trastuzumab', level),
    civicRes('civic:EID8705', 'capecitabine + lapatinib', 'B'),
  ],
  drugClasses: { ...EARLY_KB.drugClasses!, drugs: [...EARLY_KB.drugClasses!.drugs, ...['capecitabine', 'lapatinib'].map((name) => ({ name, classes: [name === 'lapatinib' ? ('anti-her2-tki' as const) : ('chemotherapy' as const)], synonyms: [], citations: [{ type: 'other' as const, id: 'ATC', text: 'WHO ATC' }] }))] },
});
const THP_PROGRESSED: CaseFile['treatments'] = [
  { drug: 'docetaxel', start: '2024-02-01', end: '2024-06-01', line: 1 },
  { drug: 'trastuzumab', start: '2024-02-01', end: '2025-09-01', line: 1, response: 'progression' },
  { drug: 'pertuzumab', start: '2024-02-01', end: '2025-09-01', line: 1, response: 'progression' },
];
const metastasis = sample({ id: 'M', collected: '2024-01-05', pathology: path({ ihc: '3+' }, 0, 0) }, [PIK3CA(0.22)], [{ chrom: 'chr3', start: 0, end: 200_000_000, depth: 500 }]);
const WARN_B = 'trastuzumab: PIK3CA p.H1047R (first-sample, VAF 22%): resistance to trastuzumab (civic:EID2098, level B; CIViC 2021-08-01)';

describe('c09 (review-s3 #9): level-B contrary evidence on a drug given before warns, a combination resistance is not split (therapy.ts rule 5)', () => {
  test('after THP: trastuzumab + capecitabine (GBG 26) stays at B with the level-B trastuzumab warning only (not the capecitabine + lapatinib item)', () => {
    const r = interpretCase(caseOf([metastasis], THP_PROGRESSED), resistanceKb('B'));
    assert.deepEqual(names(r), ['B trastuzumab + capecitabine']);
    // the regimen continues trastuzumab, on which the disease progressed (line 1): said, with the treatment (review s4 #5)
    assert.deepEqual(option(r, 'trastuzumab + capecitabine')!.warningDetails, [
      { kind: 'prior-progression', text: "Progressed on trastuzumab (line 1, 2024-02-01 to 2025-09-01) in the metastatic setting: this regimen continues it with a new partner; check the trial's and label's eligibility for prior trastuzumab" },
      { kind: 'resistance', text: WARN_B },
    ]);
  });

  test('the same evidence against trastuzumab the patient is on now excludes the regimen', () => {
    const ongoing = THP_PROGRESSED.map((t) => (t.drug === 'trastuzumab' ? { drug: 'trastuzumab', start: '2024-02-01', line: 1 } : t));
    const r = interpretCase(caseOf([metastasis], ongoing), resistanceKb('B'));
    assert.deepEqual(names(r), []);
    assert.deepEqual(r.excludedOptions.filter((x) => x.reason.startsWith('contradicted')).map((x) => [x.therapy, x.reason]), [['trastuzumab + capecitabine', `contradicted by resistance evidence in this patient: ${WARN_B}`]]);
  });

  test('level-A resistance excludes whatever the drug history', () => {
    const r = interpretCase(caseOf([metastasis], THP_PROGRESSED), resistanceKb('A'));
    assert.deepEqual(names(r), []);
    assert.equal(r.excludedOptions.filter((x) => x.reason.startsWith('contradicted')).length, 1);
  });
});

// ---- c30 (review-14 P12): which treatment was counted as the prior endocrine therapy ----------------------------
describe('c30 (review-14 P12): an option whose prior-therapy condition only an adjuvant treatment meets names it (state.ts judgeContext)', () => {
  const esr1 = (vaf: number): VariantCall => ({ gene: 'ESR1', hgvsp: 'p.Y537S', hgvsc: null, consequence: 'missense_variant', chrom: 'chr6', pos: 152419920, ref: 'A', alt: 'C', vaf, depth: 500, altCount: Math.round(500 * vaf), filter: 'PASS', sample: 'TUMOR' });
  const wide = [{ chrom: 'chr6', start: 0, end: 200_000_000, depth: 500 }];
  const M = sample({ id: 'M', collected: '2023-08-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 30) }, [esr1(0.12)], wide);
  const note = 'prior Endocrine (hormone) therapy counted from the early setting only: letrozole (2018-02-01 to 2023-07-01); none for metastatic disease';

  test('adjuvant letrozole only: elacestrant fits, and its reason says letrozole (adjuvant) was counted', () => {
    const r = interpretCase(caseOf([M], [{ drug: 'letrozole', start: '2018-02-01', end: '2023-07-01', setting: 'early', response: 'progression' }]), KB);
    assert.deepEqual(names(r), ['A elacestrant', 'A imlunestrant']);
    assert.deepEqual(option(r, 'elacestrant')!.reasons, [`ESR1 p.Y537S (first-sample, VAF 12%): curated:esr1-y537s summary. (curated:esr1-y537s, level A; checked 2026-12-01) [${note}]`]);
  });

  test('letrozole for metastatic disease: no such note', () => {
    const r = interpretCase(caseOf([M], [{ drug: 'letrozole', start: '2023-08-10', end: '2024-07-01', setting: 'metastatic', response: 'progression' }]), KB);
    assert.deepEqual(option(r, 'elacestrant')!.reasons, ['ESR1 p.Y537S (first-sample, VAF 12%): curated:esr1-y537s summary. (curated:esr1-y537s, level A; checked 2026-12-01)']);
  });
});
