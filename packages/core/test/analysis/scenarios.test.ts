/**
 * Issue 14: synthetic clinical scenarios, each read as a tumour board would, with the exact options, warnings,
 * conversions and origins expected. Every test names the rule it checks (file and rule number of the source).
 * All patients are synthetic.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binomialAtLeast, DEFAULT_COMMENTS, InputError, interpretCase, parseCaseFile, type AnalysisResult, type CoveredRegion, type SampleData, type VariantCall } from '../../src/index.ts';
import { call, caseOf, sample } from './fixtures.ts';
import { SCENARIO_KB as KB } from './scenario-kb.ts';

const WIDE: CoveredRegion[] = [{ chrom: 'chr17', start: 0, end: 100_000_000, depth: 500 }];
let nextPos = 1000;
/** A variant on the synthetic panel (positions are synthetic and distinct). */
const v = (gene: string, hgvsp: string, vaf: number, extra: Partial<VariantCall> = {}) => call(gene, hgvsp, nextPos++, vaf, extra);
const path = (her2: object | undefined, er?: number, pr?: number) => ({ ...(her2 ? { her2 } : {}), ...(er !== undefined ? { er: { percent: er } } : {}), ...(pr !== undefined ? { pr: { percent: pr } } : {}) });
type Opt = Parameters<typeof sample>[0];
const s = (o: Opt, variants: VariantCall[] | null = null, regions: CoveredRegion[] | null = WIDE, meanDepth?: number): SampleData => sample(o, variants, regions, meanDepth);

const names = (r: AnalysisResult) => r.therapyOptions.map((o) => `${o.level} ${o.therapy}`);
const option = (r: AnalysisResult, therapy: string) => r.therapyOptions.find((o) => o.therapy === therapy);
const excluded = (r: AnalysisResult, therapy: string) => r.excludedOptions.filter((x) => x.therapy === therapy).map((x) => x.reason);

const ENDOCRINE = [{ drug: 'letrozole', start: '2021-01-01', end: '2023-01-01', setting: 'metastatic' as const }];

describe('1. eligibility from the right results (state.ts; therapy.ts rule 1-2)', () => {
  test('ER 0 / PR 0 latest biopsy with an older ESR1 Y537S from an ER+ sample: no elacestrant, excluded for HR-negative', () => {
    const r = interpretCase(
      caseOf(
        [
          s({ id: 'M1', collected: '2023-02-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('ESR1', 'p.Y537S', 0.2)]),
          s({ id: 'M2', collected: '2024-03-01', pathology: path({ ihc: '1+' }, 0, 0) }, null),
        ],
        ENDOCRINE,
      ),
      KB,
    );
    assert.equal(option(r, 'elacestrant'), undefined);
    assert.equal(option(r, 'imlunestrant'), undefined);
    assert.deepEqual(r.context.hr, { status: 'negative', note: null, sample: 'M2', collected: '2024-03-01' });
    assert.deepEqual(excluded(r, 'elacestrant'), [
      'ESR1 p.Y537S (first-sample, VAF 20%) [sequenced in M1, 2023-02-01; judged on today\'s receptor status]: curated:esr1-y537s: needs HR-positive; latest HR status is negative (M2, 2024-03-01)',
    ]);
    assert.equal(r.samples[0]!.findings[0]!.evidence.find((e) => e.id === 'curated:esr1-y537s')!.context, 'does-not-fit');
  });

  test('HER2 3+ ER-/PR- with PIK3CA H1047R: no fulvestrant + alpelisib (curated HR+ context; endocrine regimen needs HR+ for the context-free CIViC item)', () => {
    const r = interpretCase(caseOf([s({ id: 'M1', collected: '2024-01-10', pathology: path({ ihc: '3+' }, 0, 0) }, [v('PIK3CA', 'p.H1047R', 0.3)])]), KB);
    // The unreviewed CIViC neratinib item (EID761) stays as "context unknown", ranked last.
    assert.deepEqual(names(r), ['A pertuzumab + trastuzumab + docetaxel', 'A trastuzumab', 'B neratinib']);
    assert.deepEqual(excluded(r, 'alpelisib + fulvestrant'), ['PIK3CA p.H1047R (first-sample, VAF 30%): curated:pik3ca-h1047r: needs HR-positive; latest HR status is negative (M1, 2024-01-10); needs HER2-negative; HER2 is positive; needs prior Endocrine (hormone) therapy; none in the treatments']);
    assert.deepEqual(excluded(r, 'fulvestrant + alpelisib'), ['PIK3CA p.H1047R (first-sample, VAF 30%): civic:EID7313: needs HR-positive; latest HR status is negative (M1, 2024-01-10); context unknown: CIViC item without curated review of setting, line and prior therapy; level A withheld (shown as B) until reviewed']);
  });

  test('variant evidence from an older sequenced sample is re-judged in today\'s receptor context (HR+ primary with PIK3CA, HER2 3+ HR- metastasis)', () => {
    const r = interpretCase(
      caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2019-01-01', pathology: path({ ihc: '1+' }, 95, 80) }, [v('PIK3CA', 'p.H1047R', 0.25)]), s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '3+' }, 0, 0) }, null)], ENDOCRINE),
      KB,
    );
    assert.equal(option(r, 'alpelisib + fulvestrant'), undefined);
    assert.match(excluded(r, 'alpelisib + fulvestrant')[0]!, /\[sequenced in P, 2019-01-01; judged on today's receptor status\]: curated:pik3ca-h1047r: needs HR-positive; latest HR status is negative \(M, 2024-01-01\); needs HER2-negative; HER2 is positive$/);
  });

  test('HER2-low primary then HER2-0 metastasis keeps T-DXd with a reason naming the primary (ASCO/CAP 2023; ESMO HER2-low consensus)', () => {
    const r = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2018-05-01', pathology: path({ ihc: '1+' }, 90, 40) }), s({ id: 'M', collected: '2023-05-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 40) })], ENDOCRINE), KB);
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan']);
    assert.deepEqual(option(r, 'trastuzumab deruxtecan')!.reasons, [
      'HER2-low in P (2018-05-01): curated:her2low-tdxd summary. (curated:her2low-tdxd, level A; checked 2026-12-01) [eligibility kept from the earlier HER2-low result in P (2018-05-01) although the latest result (M, 2023-05-01) is HER2-null: ASCO/CAP 2023 HER2 update: consider all prior and concurrent HER2 results; see also the ESMO HER2-low expert consensus, Tarantino P et al., Ann Oncol 2023;34:645-659]',
    ]);
    assert.deepEqual(option(r, 'trastuzumab deruxtecan')!.warnings, []);
    assert.deepEqual(r.changes.map((c) => [c.kind, c.from, c.to]), [['her2-conversion', 'HER2-low (negative)', 'HER2-null (negative)']]);
  });

  test('HER2 3+ biopsy then IHC 0 one month later: HER2-positive options kept with a discordance warning (ranked after clean options of the same tier and level)', () => {
    const r = interpretCase(
      caseOf([s({ id: 'B1', collected: '2024-01-05', pathology: path({ ihc: '3+' }, 80, 20) }), s({ id: 'B2', collected: '2024-02-06', pathology: path({ ihc: '0', stainedPercent: 5 }, 80, 20) })]),
      KB,
    );
    // THP is the first-line guideline option (tier 0) even with the warning; T-DXd (ultralow, HR+) is clean tier 1.
    assert.deepEqual(names(r), ['A pertuzumab + trastuzumab + docetaxel', 'A trastuzumab deruxtecan', 'A trastuzumab', 'B neratinib']);
    const warning = 'HER2 discordance: HER2-positive in B1 (2024-01-05) but HER2-ultralow in B2 (2024-02-06); review both results and consider retesting before HER2-directed therapy (ASCO/CAP 2023: consider all prior and concurrent HER2 results)';
    assert.deepEqual(option(r, 'pertuzumab + trastuzumab + docetaxel')!.warnings, [warning]);
    assert.deepEqual(option(r, 'trastuzumab deruxtecan')!.warnings, [], 'T-DXd rests on the current HER2-ultralow result (HR+), clean');
    assert.deepEqual(r.changes.map((c) => [c.kind, c.from, c.to, c.fromSample, c.toSample]), [['her2-conversion', 'HER2-positive (positive)', 'HER2-ultralow (negative)', 'B1', 'B2']]);
  });

  test('ER not tested + PR 0 on the latest sample: HR status from the last sample that decides it, and the note says it is not evaluable now (state.ts HrOutdated)', () => {
    const r = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2018-01-01', pathology: path({ ihc: '1+' }, 70, 30) }), s({ id: 'M', collected: '2023-01-01', pathology: path({ ihc: '1+' }, undefined, 0) })]), KB);
    assert.deepEqual(r.context.hr, {
      status: 'positive',
      note: 'HR status not evaluable now: HR-positive only in P (2018-01-01); the later M (2023-01-01) has ER not tested, PgR negative: test ER on M before an option that needs HR status (ER IHC is the predictive assay for endocrine therapy, ASCO/CAP 2020)',
      sample: 'P',
      collected: '2018-01-01',
    });
    assert.equal(r.samples[1]!.classification!.subtype, null, 'HR- needs ER tested (classification/subtype.ts)');
  });

  test('ER low positive (5%) counts as HR-positive with the ER-low note (ASCO/CAP 2020)', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2023-01-01', pathology: path({ ihc: '1+' }, 5, 0) })]), KB);
    // The note is classification's own comment (classification/subtype.ts hrStatus decides HR once).
    assert.deepEqual(r.context.hr, { status: 'positive', note: DEFAULT_COMMENTS.erLowCountedHrPositive, sample: 'M', collected: '2023-01-01' });
    assert.deepEqual(r.samples[0]!.classification!.hr, { status: 'positive', notes: [DEFAULT_COMMENTS.erLowCountedHrPositive] });
  });
});

describe('2. conversions like with like (interpret.ts conversions, her2Comparable)', () => {
  test('a pending sample does not reset the baseline: HER2-null -> (2+ pending) -> 3+ is reported null -> positive', () => {
    const r = interpretCase(
      caseOf([s({ id: 'A', collected: '2019-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }) }), s({ id: 'B', collected: '2020-01-01', pathology: path({ ihc: '2+' }) }), s({ id: 'C', collected: '2021-01-01', pathology: path({ ihc: '3+' }) })]),
      KB,
    );
    assert.deepEqual(r.changes.map((c) => [c.kind, c.from, c.to, c.fromSample, c.toSample]), [['her2-conversion', 'HER2-null (negative)', 'HER2-positive (positive)', 'A', 'C']]);
  });

  test('IHC 0 -> IHC 0 (0%) -> ISH-negative without IHC: no conversion (HER2-0, HER2-null and ISH-only are not comparable)', () => {
    const r = interpretCase(
      caseOf([s({ id: 'A', collected: '2019-01-01', pathology: path({ ihc: '0' }) }), s({ id: 'B', collected: '2020-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }) }), s({ id: 'C', collected: '2021-01-01', pathology: path({ ish: { her2: 2, cep17: 2 } }) })]),
      KB,
    );
    assert.deepEqual(r.changes, []);
  });

  test('HER2-null -> HER2-ultralow is a conversion; HER2-0 (no %) -> ultralow is not', () => {
    const conv = (first: object) => interpretCase(caseOf([s({ id: 'A', collected: '2019-01-01', pathology: path(first) }), s({ id: 'B', collected: '2020-01-01', pathology: path({ ihc: '0', stainedPercent: 5 }) })]), KB).changes.map((c) => `${c.from} -> ${c.to}`);
    assert.deepEqual(conv({ ihc: '0', stainedPercent: 0 }), ['HER2-null (negative) -> HER2-ultralow (negative)']);
    assert.deepEqual(conv({ ihc: '0' }), []);
  });

  test('ISH-negative without IHC -> HER2-low is not a conversion; but HER2-low after it compares with the earlier IHC 0', () => {
    const r = interpretCase(
      caseOf([s({ id: 'A', collected: '2019-01-01', pathology: path({ ihc: '0' }) }), s({ id: 'B', collected: '2020-01-01', pathology: path({ ish: { her2: 2, cep17: 2 } }) }), s({ id: 'C', collected: '2021-01-01', pathology: path({ ihc: '1+' }) })]),
      KB,
    );
    assert.deepEqual(r.changes.map((c) => [c.from, c.to, c.fromSample, c.toSample]), [['HER2-0 (negative)', 'HER2-low (negative)', 'A', 'C']]);
  });

  test('ER positive -> not tested -> negative: ER loss reported against the last tested value', () => {
    const r = interpretCase(caseOf([s({ id: 'A', collected: '2019-01-01', pathology: path(undefined, 80) }), s({ id: 'B', collected: '2020-01-01', pathology: path({ ihc: '1+' }) }), s({ id: 'C', collected: '2021-01-01', pathology: path(undefined, 0) })]), KB);
    assert.deepEqual(r.changes.map((c) => [c.kind, c.from, c.to, c.fromSample, c.toSample]), [['er-conversion', 'positive', 'negative', 'A', 'C']]);
  });
});

describe('3. context: setting, line, prior therapy (state.ts judgeContext; therapy.ts rule 5)', () => {
  test('first-line HER2+ metastatic: pertuzumab + trastuzumab + docetaxel above trastuzumab alone; 2L T-DXd excluded by line', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '3+' }, 0, 0) })]), KB);
    assert.deepEqual(names(r), ['A pertuzumab + trastuzumab + docetaxel', 'A trastuzumab', 'B neratinib']);
    assert.deepEqual(r.therapyOptions.map((o) => [o.setting, o.context]), [['1L metastatic', 'fits'], ['adjuvant, or metastatic with chemotherapy', 'fits'], [null, 'unknown']]);
    assert.equal(r.context.line, 1);
    assert.deepEqual(excluded(r, 'trastuzumab deruxtecan'), ['HER2-positive: curated:her2pos-tdxd: for line >=2; the patient is at line 1; needs prior HER2-directed therapy; none in the treatments']);
  });

  test('second line after THP: T-DXd is placed (after >=1 anti-HER2 regimen); THP is excluded by line', () => {
    const t = [
      { drug: 'pertuzumab', start: '2022-01-01', end: '2023-06-01' },
      { drug: 'trastuzumab', start: '2022-01-01', end: '2023-06-01' },
      { drug: 'docetaxel', start: '2022-01-01', end: '2022-06-01' },
    ];
    const r = interpretCase(caseOf([s({ id: 'M0', collected: '2021-12-01', pathology: path({ ihc: '3+' }, 0, 0) }), s({ id: 'M1', collected: '2023-07-01', pathology: path({ ihc: '3+' }, 0, 0) })], t), KB);
    assert.equal(r.context.line, 2, 'three drugs started the same day are one regimen');
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan', 'A trastuzumab', 'B neratinib']);
    assert.deepEqual(excluded(r, 'pertuzumab + trastuzumab + docetaxel'), ['HER2-positive: curated:her2pos-thp: for line <=1; the patient is at line 2']);
  });

  test('neratinib from ExteNET is extended adjuvant only: not an option in metastatic disease, never level A there', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '3+' }, 0, 0) })], [{ drug: 'trastuzumab', start: '2020-01-01', end: '2021-01-01', setting: 'early' }]), KB);
    assert.equal(r.therapyOptions.some((o) => o.therapy === 'neratinib' && o.level === 'A'), false);
    assert.deepEqual(excluded(r, 'neratinib'), [
      "HER2-positive: civic:EID1113: for early disease; the patient's setting is metastatic (metastasis sample M)",
      "HER2-positive: curated:her2pos-neratinib-extended-adjuvant: for early disease; the patient's setting is metastatic (metastasis sample M)",
    ]);
    // The unreviewed CIViC neratinib item stays, capped and marked.
    assert.deepEqual(option(r, 'neratinib')!.level, 'B');
    assert.equal(option(r, 'neratinib')!.context, 'unknown');
  });

  test('early setting after adjuvant trastuzumab: neratinib shown as "extended adjuvant"', () => {
    const r = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2022-01-01', pathology: path({ ihc: '3+' }, 80, 50) })], [{ drug: 'trastuzumab', start: '2022-02-01', end: '2023-02-01' }]), KB);
    assert.equal(r.context.setting, 'early');
    const n = option(r, 'neratinib')!;
    assert.deepEqual([n.level, n.setting, n.context], ['A', 'extended adjuvant', 'fits']);
  });

  test('CIViC item without curated review: "context unknown", level A shown as B, ranked after fitting options (therapy.ts rule 2)', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('PIK3CA', 'p.H1047R', 0.3)])], ENDOCRINE), KB);
    assert.deepEqual(names(r), ['A alpelisib + fulvestrant', 'A trastuzumab deruxtecan']);
    const o = option(r, 'alpelisib + fulvestrant')!;
    assert.deepEqual(o.support.map((x) => [x.id, x.level, x.source]), [['curated:pik3ca-h1047r', 'A', 'checked 2026-12-01'], ['civic:EID7313', 'B', 'CIViC 2021-08-01']]);
    assert.ok(o.reasons.some((x) => x.endsWith('(civic:EID7313, level B; CIViC 2021-08-01) [context unknown: CIViC item without curated review of setting, line and prior therapy; level A withheld (shown as B) until reviewed]')));
  });

  test('a CIViC item alone with context unknown ranks after fitting options and is marked unknown', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '3+' }, 0, 0) })], [{ drug: 'trastuzumab', start: '2022-01-01', end: '2023-01-01', setting: 'metastatic' }]), KB);
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan', 'A trastuzumab', 'B neratinib']);
    assert.equal(option(r, 'neratinib')!.context, 'unknown');
  });

  test('priorSetting "metastatic": adjuvant endocrine therapy alone does not satisfy "after endocrine therapy in the metastatic setting"', () => {
    const kb = { ...KB, entries: KB.entries.map((e) => (e.id === 'curated:her2low-tdxd' ? { ...e, context: { ...e.context, priorAnyOf: ['endocrine-therapy' as const], priorSetting: 'metastatic' as const } } : e)) };
    const c = (setting: 'early' | 'metastatic') => caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2016-01-01', pathology: path({ ihc: '1+' }, 90, 50) }), s({ id: 'M', collected: '2020-01-01', pathology: path({ ihc: '1+' }, 90, 50) })], [{ drug: 'letrozole', start: '2016-02-01', end: '2019-12-01', setting }]);
    assert.deepEqual(names(interpretCase(c('early'), kb)), []);
    assert.deepEqual(excluded(interpretCase(c('early'), kb), 'trastuzumab deruxtecan'), ['HER2-low: curated:her2low-tdxd: needs prior Endocrine (hormone) therapy in the metastatic setting; none in the treatments']);
    assert.deepEqual(names(interpretCase(c('metastatic'), kb)), ['A trastuzumab deruxtecan']);
  });

  test('setting and line from the case: primary only is early; explicit treatment line wins over counting', () => {
    const early = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2022-01-01', pathology: path({ ihc: '1+' }, 90, 50) })]), KB);
    assert.deepEqual([early.context.setting, early.context.line], ['early', null]);
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 90, 50) })], [{ drug: 'letrozole', start: '2020-01-01', line: 3 }]), KB);
    assert.deepEqual([r.context.setting, r.context.line], ['metastatic', 4]);
    const declared = interpretCase({ ...caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2022-01-01' })]), case: { patient: { id: 'X', setting: 'metastatic' }, samples: [], treatments: [] } }, KB);
    assert.deepEqual([declared.context.setting, declared.context.settingSource], ['metastatic', 'patient.setting in the case file']);
  });
});

describe('4. actionable variants only (variant-class.ts)', () => {
  test('PIK3CA I391M (not on the SOLAR-1 list): VUS shown without therapy', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 50) }, [v('PIK3CA', 'p.I391M', 0.45)])], ENDOCRINE), KB);
    const f = r.samples[0]!.findings[0]!;
    assert.deepEqual([f.oncogenicity, f.vus, f.evidence.length], ['vus', true, 0]);
    assert.equal(f.oncogenicityReason, 'VUS: not matched by the PIK3CA oncogenicity rules');
    assert.deepEqual(names(r), []);
  });

  test('ERBB2 I655V (cited polymorphism rs1136201): never actionable, no neratinib', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('ERBB2', 'p.I655V', 0.5)])]), KB);
    const f = r.samples[0]!.findings[0]!;
    assert.deepEqual([f.oncogenicity, f.oncogenicityReason, f.evidence.length], ['polymorphism', 'common polymorphism rs1136201: common germline polymorphism', 0]);
    assert.equal(option(r, 'neratinib'), undefined);
  });

  test('population AF > 1% from gnomAD in the annotation: polymorphism, even for a listed hotspot', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('ERBB2', 'p.V777L', 0.5, { populationAf: 0.02 })])]), KB);
    const f = r.samples[0]!.findings[0]!;
    assert.deepEqual([f.oncogenicity, f.populationAf, f.evidence.length], ['polymorphism', 0.02, 0]);
    assert.equal(option(r, 'neratinib'), undefined);
  });

  test('BRCA1 P871L carried by the matched normal: germline origin, polymorphism, no olaparib and no platinum', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 0, 0) }, [v('BRCA1', 'p.P871L', 0.5, { normalAltCount: 41, normalDepth: 80, normalVaf: 0.5125 })])]), KB);
    const f = r.samples[0]!.findings[0]!;
    assert.deepEqual([f.origin, f.originReason, f.oncogenicity, f.evidence.length], ['germline', 'germline: 41 alt reads of 80 in the matched normal', 'polymorphism', 0]);
    assert.deepEqual(names(r), []);
  });

  test('PARP inhibitors only on a germline pathogenic BRCA1 variant: somatic truncating -> excluded; germline truncating -> olaparib A', () => {
    const trunc = (extra: Partial<VariantCall>) => v('BRCA1', 'p.E23Vfs*17', 0.5, { consequence: 'frameshift_variant', ...extra });
    const somatic = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 0, 0) }, [trunc({ normalAltCount: 0, normalDepth: 60 })])]), KB);
    assert.equal(option(somatic, 'olaparib'), undefined);
    assert.deepEqual(excluded(somatic, 'olaparib').map((x) => x.replace(/^.*?: /, '')), [
      'PARP inhibitors need a germline pathogenic BRCA1/2 variant (OlympiAD/EMBRACA; olaparib, talazoparib labels); this finding is not germline-confirmed',
    ]);
    assert.deepEqual(names(somatic), ['B cisplatin'], 'platinum for TNBC (CIViC EID1684, context unknown) stays for a somatic BRCA1 truncation');
    const germline = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 0, 0) }, [trunc({ normalAltCount: 30, normalDepth: 60 })])]), KB);
    assert.equal(germline.samples[0]!.findings[0]!.origin, 'germline');
    assert.deepEqual(names(germline), ['A olaparib']);
    assert.deepEqual(option(germline, 'olaparib')!.support.map((x) => x.id), ['curated:brca1-germline-olaparib', 'civic:EID5830']);
  });

  test('a germline variant is neither acquired nor lost', () => {
    const g = () => v('BRCA1', 'p.Q1756Pfs*74', 0.5, { consequence: 'frameshift_variant', normalAltCount: 20, normalDepth: 40, pos: 77777 });
    const r = interpretCase(caseOf([s({ id: 'A', collected: '2020-01-01' }, [g()]), s({ id: 'B', collected: '2021-01-01' }, [])]), KB);
    assert.deepEqual(r.changes, []);
    assert.equal(r.samples[0]!.findings[0]!.origin, 'germline');
  });
});

describe('5. resistance (therapy.ts rule 4)', () => {
  test('ERBB2 T798I acquired after 28 months of neratinib: neratinib excluded with the resistance, never an option', () => {
    const l755s = () => v('ERBB2', 'p.L755S', 0.3, { pos: 500 });
    const r = interpretCase(
      caseOf(
        [s({ id: 'M1', collected: '2021-01-01', pathology: path({ ihc: '1+' }, 0, 0) }, [l755s()]), s({ id: 'M2', collected: '2023-06-01', pathology: path({ ihc: '1+' }, 0, 0) }, [l755s(), v('ERBB2', 'p.T798I', 0.12, { pos: 600 })])],
        [{ drug: 'neratinib', start: '2021-02-01', end: '2023-05-20' }],
      ),
      KB,
    );
    const acquired = r.changes.find((c) => c.kind === 'acquired-variant')!;
    assert.deepEqual([acquired.fromSample, acquired.toSample, acquired.afterTreatments.map((t) => `${t.months} months ${t.drug}`)], ['M1', 'M2', ['27 months neratinib']]);
    // No option its own warning contradicts: neratinib is excluded with the T798I resistance (therapy.ts rule 5).
    assert.equal(option(r, 'neratinib'), undefined);
    assert.deepEqual(excluded(r, 'neratinib').filter((x) => x.startsWith('contradicted')), [
      'contradicted by resistance evidence in this patient: neratinib: ERBB2 p.T798I (acquired, VAF 12%): resistance to neratinib (curated:erbb2-t798i, level C; checked 2026-12-01)',
    ]);
    // T798I is not on the ERBB2 activating list, so the generic "ERBB2 mutation" item never applied to it.
    assert.deepEqual(r.samples[1]!.findings.find((f) => f.alteration === 'p.T798I')!.evidence.map((e) => e.id), ['curated:erbb2-t798i']);
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan']);
    // ER 0 / PR 0: the fulvestrant combination is not an option at all (endocrine regimens need HR+).
    assert.match(excluded(r, 'neratinib + fulvestrant')[0]!, /needs HR-positive; latest HR status is negative \(M2, 2023-06-01\)/);
  });

  test('resistance wins over the same finding\'s generic sensitivity (with a rule set that lists T798I, the generic neratinib item is dropped)', () => {
    // Mechanics only: a KB whose ERBB2 rule also lists T798I would let the generic "ERBB2 mutation" item match it.
    const kb = { ...KB, oncogenicity: { ...KB.oncogenicity!, genes: KB.oncogenicity!.genes.map((g) => (g.gene === 'ERBB2' ? { ...g, rules: [{ ...g.rules[0]!, hgvsp: ['p.L755S', 'p.V777L', 'p.T798I'] } as (typeof g.rules)[number]] } : g)) } };
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 0, 0) }, [v('ERBB2', 'p.T798I', 0.2)])]), kb);
    assert.equal(option(r, 'neratinib'), undefined);
    assert.deepEqual(excluded(r, 'neratinib'), ["ERBB2 p.T798I (first-sample, VAF 20%): resistance wins over this finding's generic sensitivity item civic:EID5338: curated:erbb2-t798i (level C) reports resistance to neratinib"]);
  });

  test('class-level resistance ("hormone therapy") warns each member drug; drug-specific better evidence on the same finding is not warned', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 50) }, [v('ESR1', 'p.Y537S', 0.2), v('ESR1', 'p.D538G', 0.1), v('PIK3CA', 'p.H1047R', 0.3)])], ENDOCRINE), KB);
    assert.deepEqual(option(r, 'elacestrant')!.warnings, ['elacestrant: ESR1 p.D538G (first-sample, VAF 10%): resistance to hormone therapy (civic:EID243, level C; CIViC 2021-08-01)']);
    assert.deepEqual(option(r, 'alpelisib + fulvestrant')!.warnings, [
      'fulvestrant: ESR1 p.Y537S (first-sample, VAF 20%): resistance to hormone therapy (civic:EID246, level C; CIViC 2021-08-01)',
      'fulvestrant: ESR1 p.D538G (first-sample, VAF 10%): resistance to hormone therapy (civic:EID243, level C; CIViC 2021-08-01)',
    ]);
    assert.equal(option(r, 'imlunestrant')!.warnings.some((w) => w.includes('p.Y537S')), false, 'Y537S: imlunestrant level A on the same finding beats the class-level C');
  });

  test("an entry's own combination is not warned by its own single-drug resistance; other regimens with that drug are (weaker resistance: after clean options of the same level)", () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('ERBB2', 'p.L755S', 0.3), v('PIK3CA', 'p.H1047R', 0.3)])], ENDOCRINE), KB);
    assert.deepEqual(option(r, 'neratinib + fulvestrant')!.warnings, []);
    assert.deepEqual(option(r, 'alpelisib + fulvestrant')!.warnings, ['fulvestrant: ERBB2 p.L755S (first-sample, VAF 30%): resistance to fulvestrant (curated:erbb2-l755s, level C; checked 2026-12-01)']);
    // Level C resistance against a level A option, fulvestrant never given: demoted within level A, not below B.
    assert.deepEqual(names(r), ['A trastuzumab deruxtecan', 'A alpelisib + fulvestrant', 'B neratinib', 'B neratinib + fulvestrant']);
    // A drug given before does not make weaker resistance from a finding present from the start severe (tumour-board
    // review s2, c09: label regimens given after prior therapy): the option stays, with the warning.
    const after = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('ERBB2', 'p.L755S', 0.3), v('PIK3CA', 'p.H1047R', 0.3)])], [...ENDOCRINE, { drug: 'fulvestrant', start: '2023-01-01', end: '2023-12-01' }]), KB);
    assert.deepEqual(names(after), ['A trastuzumab deruxtecan', 'A alpelisib + fulvestrant', 'B neratinib', 'B neratinib + fulvestrant']);
    assert.deepEqual(option(after, 'alpelisib + fulvestrant')!.warnings, ['fulvestrant: ERBB2 p.L755S (first-sample, VAF 30%): resistance to fulvestrant (curated:erbb2-l755s, level C; checked 2026-12-01)']);
    // Acquired under the drug already given: severe, the option is excluded with the warning.
    const acquired = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2022-01-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('PIK3CA', 'p.H1047R', 0.3)]), s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '1+' }, 90, 50) }, [v('ERBB2', 'p.L755S', 0.3), v('PIK3CA', 'p.H1047R', 0.3)])], [...ENDOCRINE, { drug: 'fulvestrant', start: '2023-01-01', end: '2023-12-01' }]), KB);
    assert.match(excluded(acquired, 'alpelisib + fulvestrant').join('\n'), /contradicted by resistance evidence in this patient: fulvestrant: ERBB2 p.L755S \(acquired/);
  });

  test('no-benefit items (NSABP B-47) are contrary evidence, never options', () => {
    const r = interpretCase(caseOf([s({ id: 'P', type: 'primary', site: 'breast', collected: '2023-01-01', pathology: path({ ihc: '2+', ish: { her2: 2, cep17: 2 } }, 90, 50) })]), KB);
    assert.equal(option(r, 'trastuzumab'), undefined);
    assert.deepEqual(r.contraryEvidence.map((c) => [c.therapy, c.level, c.citations.map((x) => x.id)]), [['trastuzumab', 'B', ['PMID:31821109']]]);
  });
});

describe('6. one option per regimen, citations per regimen, preclinical hidden (therapy.ts rules 5-7)', () => {
  test('"fulvestrant + alpelisib" (CIViC) and "alpelisib + fulvestrant" (curated) are one option in the curated order', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 50) }, [v('PIK3CA', 'p.H1047R', 0.3)])], ENDOCRINE), KB);
    assert.deepEqual(names(r), ['A alpelisib + fulvestrant']);
    assert.deepEqual(option(r, 'alpelisib + fulvestrant')!.drugs, ['alpelisib', 'fulvestrant']);
  });

  test('citations per regimen: elacestrant cites the Orserdu label, imlunestrant the Inluriyo label, both the shared paper', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 50) }, [v('ESR1', 'p.Y537S', 0.2)])], ENDOCRINE), KB);
    assert.deepEqual(option(r, 'elacestrant')!.citations.map((c) => c.id), ['FDA:Orserdu:2023-01', 'PMID:24185512']);
    assert.deepEqual(option(r, 'imlunestrant')!.citations.map((c) => c.id), ['FDA:Inluriyo:2025-09-25', 'PMID:24185512']);
  });

  test('levels D/E hidden by default and counted; with includePreclinical "pictilisib" and "pictilisib bismesylate" are one option', () => {
    const c = caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 50) }, [v('PIK3CA', 'p.E545K', 0.3)])], ENDOCRINE);
    const hidden = interpretCase(c, KB);
    assert.deepEqual([names(hidden), hidden.hiddenPreclinical], [['B alpelisib + fulvestrant'], 2]);
    const shown = interpretCase(c, KB, { includePreclinical: true });
    assert.deepEqual(names(shown), ['B alpelisib + fulvestrant', 'D pictilisib']);
    assert.deepEqual(option(shown, 'pictilisib')!.support.map((x) => x.id), ['civic:EID2034', 'civic:EID710']);
  });

  test('a sensitivity item naming a drug class ("mtor inhibitor") is never an option', () => {
    const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '0', stainedPercent: 0 }, 90, 50) }, [v('PIK3CA', 'p.E545K', 0.3)])], ENDOCRINE), KB);
    assert.equal(option(r, 'mtor inhibitor'), undefined);
    assert.deepEqual(excluded(r, 'mtor inhibitor'), ['PIK3CA p.E545K (first-sample, VAF 30%): civic:EID1610 names a drug class (mtor inhibitor), not a regimen: class-level evidence only']);
  });
});

describe('7. detection power for "acquired" (origin.ts)', () => {
  const twoSamples = (earlier: Partial<SampleData['sample']>, regions: CoveredRegion[] | null, later: VariantCall, meanDepth?: number, laterPurity?: number) =>
    interpretCase(caseOf([s({ id: 'E', collected: '2020-01-01', ...earlier }, [], regions, meanDepth), s({ id: 'L', collected: '2022-01-01', ...(laterPurity ? { purity: laterPurity } : {}) }, [later])]), KB);

  test('VAF 3% after a 60x panel: not-evaluable-earlier, "depth 60: VAF 3% gives ~1.8 reads"', () => {
    const r = twoSamples({}, [{ chrom: 'chr17', start: 0, end: 100_000_000, depth: 60 }], v('ERBB2', 'p.L755S', 0.03));
    const f = r.samples[1]!.findings[0]!;
    assert.deepEqual([f.origin, f.originReason], ['not-evaluable-earlier', 'no earlier sample could have detected it: E: depth 60: VAF 3% gives ~1.8 reads (P(>=3 reads) = 27%)']);
    assert.equal(r.changes.length, 0);
  });

  test('the same VAF at 500x is acquired (P(>=3 reads) ~ 100%)', () => {
    const r = twoSamples({}, WIDE, v('ERBB2', 'p.L755S', 0.03));
    assert.equal(r.samples[1]!.findings[0]!.origin, 'acquired');
    assert.equal(r.samples[1]!.findings[0]!.originReason, 'absent from E (depth 500: VAF 3% gives ~15 reads (P(>=3 reads) = 100%))');
  });

  test('purity-adjusted: VAF 20% at purity 0.8 is 0.05 expected at purity 0.2; 100x gives ~5 reads, P = 88% < 95%', () => {
    const regions = [{ chrom: 'chr17', start: 0, end: 100_000_000, depth: 100 }];
    const adjusted = twoSamples({ purity: 0.2 }, regions, v('ERBB2', 'p.L755S', 0.2), undefined, 0.8);
    assert.deepEqual([adjusted.samples[1]!.findings[0]!.origin, adjusted.samples[1]!.findings[0]!.originReason], ['not-evaluable-earlier', 'no earlier sample could have detected it: E: depth 100: VAF 5% (purity-adjusted from 20%) gives ~5 reads (P(>=3 reads) = 88%)']);
    assert.equal(twoSamples({}, regions, v('ERBB2', 'p.L755S', 0.2)).samples[1]!.findings[0]!.origin, 'acquired');
  });

  test('unknown depth (BED without depth, no meanDepth) is not evaluable; meanDepth makes it evaluable', () => {
    const noDepth = [{ chrom: 'chr17', start: 0, end: 100_000_000, depth: null }];
    const r = twoSamples({}, noDepth, v('ERBB2', 'p.L755S', 0.3));
    assert.equal(r.samples[1]!.findings[0]!.originReason, 'no earlier sample could have detected it: E: depth unknown (BED without a depth column and no meanDepth)');
    assert.equal(twoSamples({}, noDepth, v('ERBB2', 'p.L755S', 0.3), 200).samples[1]!.findings[0]!.origin, 'acquired');
  });

  test('the minimum alt-read count is a stated parameter (minAltReads): at 60x, 10 reads for VAF 0.3 P = 99.4%; for VAF 15% P = 41%; 3 reads for VAF 15% P = 99.7%', () => {
    const regions = [{ chrom: 'chr17', start: 0, end: 100_000_000, depth: 60 }];
    const c = (vaf: number) => caseOf([s({ id: 'E', collected: '2020-01-01' }, [], regions), s({ id: 'L', collected: '2022-01-01' }, [v('ERBB2', 'p.L755S', vaf)])]);
    assert.equal(interpretCase(c(0.3), KB, { minAltReads: 10 }).samples[1]!.findings[0]!.origin, 'acquired');
    assert.equal(interpretCase(c(0.15), KB, { minAltReads: 10 }).samples[1]!.findings[0]!.origin, 'not-evaluable-earlier');
    assert.equal(interpretCase(c(0.15), KB).samples[1]!.findings[0]!.origin, 'acquired');
    assert.equal(interpretCase(c(0.1), KB).samples[1]!.findings[0]!.origin, 'not-evaluable-earlier', 'VAF 0.1 at 60x: P(>=3) = 94.7% < 95%');
  });

  test('binomial detection probability (exact values)', () => {
    assert.equal(binomialAtLeast(3, 60, 0.03).toFixed(4), '0.2685'); // exact: 0.26853
    assert.equal(binomialAtLeast(3, 100, 0.05).toFixed(4), '0.8817');
    assert.equal(binomialAtLeast(0, 10, 0.5), 1);
    assert.equal(binomialAtLeast(11, 10, 0.5), 0);
    assert.equal(binomialAtLeast(1, 10, 0), 0);
  });
});

test('every CIViC item carries its source date; old CIViC evidence raises a KB notice (issue 14 item 9)', () => {
  const r = interpretCase(caseOf([s({ id: 'M', collected: '2024-01-01', pathology: path({ ihc: '3+' }, 0, 0) })]), KB, { asOf: '2026-12-01' });
  assert.deepEqual(r.kbNotices, ['CIViC evidence in this knowledge base dates from 2021-08-01, more than two years old: check for newer evidence and labels before acting on it.']);
  assert.ok(r.samples[0]!.statusEvidence.filter((e) => e.id.startsWith('civic:')).every((e) => e.sourceDate === '2021-08-01'));
  assert.deepEqual(interpretCase(caseOf([s({ id: 'M', collected: '2022-01-01' })]), KB, { asOf: '2022-06-01' }).kbNotices, []);
});

describe('case-file fields added for issue 14 (case/schema.ts): hostile values are rejected with their path', () => {
  const base = { patient: { id: 'X' }, samples: [{ id: 'S1', type: 'primary', site: 'breast', collected: '2020-01-01' }] };
  const errorOf = (value: unknown) => {
    try {
      parseCaseFile(value);
      return 'no error';
    } catch (e) {
      return e instanceof InputError ? `${e.field}: ${e.detail}` : String(e);
    }
  };
  test('purity must be a fraction in (0, 1]', () => {
    assert.equal(errorOf({ ...base, samples: [{ ...base.samples[0], purity: 1.5 }] }), 'samples[0].purity: must be a fraction > 0 and <= 1');
    assert.equal(errorOf({ ...base, samples: [{ ...base.samples[0], purity: 0 }] }), 'samples[0].purity: must be a fraction > 0 and <= 1');
    assert.equal(errorOf({ ...base, samples: [{ ...base.samples[0], purity: '60%' }] }), 'samples[0].purity: must be a fraction from 0 to 1');
    assert.equal(errorOf({ ...base, samples: [{ ...base.samples[0], purity: 0.6 }] }), 'no error');
  });
  test('treatment setting and line; patient setting', () => {
    assert.equal(errorOf({ ...base, treatments: [{ drug: 'x', start: '2020-01-01', setting: 'adjuvant' }] }), 'treatments[0].setting: must be one of early, metastatic');
    assert.equal(errorOf({ ...base, treatments: [{ drug: 'x', start: '2020-01-01', line: 0 }] }), 'treatments[0].line: must be a whole number >= 1');
    assert.equal(errorOf({ ...base, treatments: [{ drug: 'x', start: '2020-01-01', line: 1.5 }] }), 'treatments[0].line: must be a whole number >= 1');
    assert.equal(errorOf({ ...base, patient: { id: 'X', setting: 'late' } }), 'patient.setting: must be one of early, metastatic');
    assert.equal(errorOf({ ...base, patient: { id: 'X', setting: 'metastatic' }, treatments: [{ drug: 'x', start: '2020-01-01', setting: 'early', line: 2 }] }), 'no error');
  });
});
