/**
 * Issue 14 scenarios on the BUNDLED knowledge base (data/*.json): the situations of the issue, read as a tumour
 * board would, with real drugs and the curated context of each item. Synthetic patients; no files are read except
 * the KB. Each test names the rule (core/src/analysis/therapy.ts, state.ts, variant-class.ts, origin.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { interpretCase, type AnalysisResult, type CaseData, type SampleData, type VariantCall } from '@her2scope/core';
import { loadKnowledgeBase } from '../src/index.ts';

const kb = loadKnowledgeBase();
const PANEL = [{ chrom: 'chr17', start: 0, end: 200_000_000, depth: 500 }];
let pos = 100;
function v(gene: string, hgvsp: string, vaf: number, extra: Partial<VariantCall> = {}): VariantCall {
  return { gene, hgvsp, hgvsc: null, consequence: 'missense_variant', chrom: 'chr17', pos: pos++, ref: 'A', alt: 'G', vaf, depth: 400, altCount: Math.round(400 * vaf), filter: 'PASS', sample: 'T', ...extra };
}
function s(id: string, collected: string, pathology: object | undefined, variants: VariantCall[] | null = null, type: 'primary' | 'metastasis' = 'metastasis'): SampleData {
  return { sample: { id, type, site: type === 'primary' ? 'breast' : 'liver', collected, ...(pathology ? { pathology } : {}), ...(variants ? { variants: { file: `${id}.vcf` } } : {}) }, variants, regions: variants ? PANEL : null, cytometry: null };
}
function run(samples: SampleData[], treatments: CaseData['case']['treatments'] = [], options = {}): AnalysisResult {
  return interpretCase({ case: { patient: { id: 'SYN-KB', synthetic: true }, samples: samples.map((x) => x.sample), treatments }, samples }, kb, options);
}
const P = (ihc: string, er?: number, pr?: number, stainedPercent?: number) => ({ her2: { ihc, ...(stainedPercent !== undefined ? { stainedPercent } : {}) }, ...(er !== undefined ? { er: { percent: er } } : {}), ...(pr !== undefined ? { pr: { percent: pr } } : {}) });
const options = (r: AnalysisResult) => r.therapyOptions.map((o) => `${o.level} ${o.therapy}`);
const hasDrug = (r: AnalysisResult, drug: string) => r.therapyOptions.filter((o) => o.drugs.includes(drug)).map((o) => o.therapy);
const ET_MET = [{ drug: 'letrozole', start: '2021-01-01', end: '2022-12-01', setting: 'metastatic' as const }, { drug: 'palbociclib', start: '2021-01-01', end: '2022-12-01', setting: 'metastatic' as const }];

describe('issue 14 on the bundled KB', () => {
  test('ER 0 / PR 0 latest biopsy, ESR1 Y537S from an older ER+ sample: no oral SERD / PROTAC option (state.ts: latest evaluable HR)', () => {
    const r = run([s('M1', '2023-01-01', P('1+', 90, 50), [v('ESR1', 'p.Y537S', 0.2)]), s('M2', '2024-01-01', P('1+', 0, 0))], ET_MET);
    for (const d of ['elacestrant', 'imlunestrant', 'vepdegestrant', 'fulvestrant']) assert.deepEqual(hasDrug(r, d), [], d);
    assert.ok(r.excludedOptions.some((x) => x.therapy === 'elacestrant' && x.reason.includes('latest HR status is negative (M2, 2024-01-01)')));
  });

  test('HER2 3+ ER-/PR- with PIK3CA H1047R: no alpelisib/capivasertib/inavolisib + fulvestrant; HER2 first-line options lead', () => {
    const r = run([s('M1', '2024-01-01', P('3+', 0, 0), [v('PIK3CA', 'p.H1047R', 0.3, { chrom: 'chr3' })])]);
    assert.deepEqual(hasDrug(r, 'fulvestrant'), []);
    assert.deepEqual(hasDrug(r, 'alpelisib'), []);
    // PIK3CA-associated trastuzumab resistance (CIViC B/C) warns the trastuzumab regimens, which rank after the clean
    // level-A first-line option but stay above lower-level options (therapy.ts rule 5). No single-agent trastuzumab
    // first line (Herceptin label: alone only after >=1 chemotherapy regimen for metastatic disease; review-14 P10).
    assert.deepEqual(options(r).slice(0, 3), ['A trastuzumab deruxtecan + pertuzumab', 'A pertuzumab + trastuzumab + docetaxel', 'B neratinib']);
    assert.ok(r.therapyOptions[1]!.warnings.some((w) => w.startsWith('trastuzumab: PIK3CA p.H1047R')));
  });

  test('PIK3CA I391M, ERBB2 I655V and normal-carried BRCA1 P871L: no therapy from any of them', () => {
    const r = run([s('M1', '2024-01-01', P('0', 0, 0, 0), [v('PIK3CA', 'p.I391M', 0.5), v('ERBB2', 'p.I655V', 0.5), v('BRCA1', 'p.P871L', 0.5, { normalAltCount: 40, normalDepth: 80 })])]);
    assert.deepEqual(options(r), []);
    assert.deepEqual(r.samples[0]!.findings.map((f) => [f.gene, f.oncogenicity, f.origin, f.evidence.length]), [
      ['PIK3CA', 'vus', 'first-sample', 0],
      ['ERBB2', 'polymorphism', 'first-sample', 0],
      ['BRCA1', 'polymorphism', 'germline', 0],
    ]);
  });

  test('ERBB2 T798I acquired on neratinib: no neratinib option; each is excluded with the T798I resistance (therapy.ts rule 5: no option its own warning contradicts)', () => {
    const r = run(
      [s('M1', '2021-01-01', P('1+', 90, 50), [v('ERBB2', 'p.L755S', 0.3, { pos: 5 })]), s('M2', '2023-06-01', P('1+', 90, 50), [v('ERBB2', 'p.L755S', 0.3, { pos: 5 }), v('ERBB2', 'p.T798I', 0.1, { pos: 6 })])],
      [{ drug: 'neratinib', start: '2021-02-01', end: '2023-05-20' }, { drug: 'fulvestrant', start: '2021-02-01', end: '2023-05-20' }],
    );
    assert.deepEqual(options(r), ['A trastuzumab deruxtecan']);
    for (const name of ['neratinib', 'neratinib + fulvestrant']) {
      assert.ok(r.excludedOptions.some((x) => x.therapy === name && x.reason.startsWith('contradicted by resistance evidence in this patient: ') && x.reason.includes('neratinib: ERBB2 p.T798I (acquired, VAF 10%): resistance to neratinib (curated:erbb2-t798i')), name);
    }
    assert.deepEqual(r.changes.map((c) => [c.kind, c.toSample, c.afterTreatments.map((t) => `${t.months} months ${t.drug}`).join(', ')]), [['acquired-variant', 'M2', '27 months fulvestrant, 27 months neratinib']]);
  });

  test('first-line HER2+ metastatic: pertuzumab + trastuzumab + docetaxel and T-DXd + pertuzumab; no single-agent trastuzumab (review-14 P10); neratinib never level A', () => {
    const r = run([s('M1', '2024-01-01', P('3+', 0, 0))]);
    assert.deepEqual(options(r), ['A pertuzumab + trastuzumab + docetaxel', 'A trastuzumab deruxtecan + pertuzumab', 'B neratinib', 'C trastuzumab emtansine']);
    assert.deepEqual(r.therapyOptions.map((o) => o.context), ['fits', 'fits', 'fits', 'fits']);
    // Herceptin label: single agent only after >=1 chemotherapy regimen for metastatic disease; adjuvant single agent
    // only after anthracycline-based therapy. The CIViC first-line "trastuzumab" items (trastuzumab added to
    // chemotherapy, EID528/EID529) are excluded by their curated override.
    assert.deepEqual(r.excludedOptions.filter((x) => x.therapy === 'trastuzumab').map((x) => x.reason), [
      'HER2-positive: civic:EID1122: for early disease; the patient\'s setting is metastatic (metastasis sample M1); needs prior Anthracycline (WHO ATC L01DB) as well; none in the treatments',
      'HER2-positive: curated:her2pos-trastuzumab-adjuvant: for early disease; the patient\'s setting is metastatic (metastasis sample M1); needs prior Anthracycline (WHO ATC L01DB) as well; none in the treatments',
      'HER2-positive: curated:her2pos-trastuzumab: needs prior Cytotoxic chemotherapy in the metastatic setting; none in the treatments',
    ]);
    const later = run([s('M1', '2024-01-01', P('3+', 0, 0))], [{ drug: 'vinorelbine', start: '2024-02-01', end: '2024-08-01', setting: 'metastatic' as const, response: 'progression' as const }]);
    assert.deepEqual(later.therapyOptions.find((o) => o.therapy === 'trastuzumab')?.support.map((x) => [x.id, x.level, x.setting]), [
      ['curated:her2pos-trastuzumab', 'A', 'metastatic, single agent after >=1 chemotherapy regimen for metastatic disease (Herceptin label)'],
    ]);
    assert.ok(r.excludedOptions.some((x) => x.therapy === 'neratinib' && x.reason.includes('curated:her2pos-neratinib-extended-adjuvant: for early disease')));
  });

  test('HER2-low primary then HER2-0 (null) metastasis after endocrine therapy: T-DXd kept, reason names the primary', () => {
    const r = run([s('P', '2018-01-01', P('1+', 90, 50), null, 'primary'), s('M', '2023-01-01', P('0', 90, 50, 0))], ET_MET);
    assert.deepEqual(options(r), ['A trastuzumab deruxtecan']);
    assert.ok(r.therapyOptions[0]!.reasons.every((x) => x.startsWith('HER2-low in P (2018-01-01): ') && x.includes('eligibility kept from the earlier HER2-low result in P (2018-01-01)')));
  });

  test('germline BRCA1 truncating variant: olaparib and talazoparib; the same variant somatic: no PARP inhibitor', () => {
    const brca = (normalAltCount: number) => v('BRCA1', 'p.E23Vfs*17', 0.5, { consequence: 'frameshift_variant', normalAltCount, normalDepth: 60 });
    const chemo = [{ drug: 'paclitaxel', start: '2023-01-01', end: '2023-06-01', setting: 'metastatic' as const }];
    const g = run([s('M', '2024-01-01', P('0', 0, 0, 0), [brca(30)])], chemo);
    assert.deepEqual(options(g).slice(0, 2), ['A olaparib', 'A talazoparib']);
    const sm = run([s('M', '2024-01-01', P('0', 0, 0, 0), [brca(0)])], chemo);
    assert.deepEqual([hasDrug(sm, 'olaparib'), hasDrug(sm, 'talazoparib')], [[], []]);
  });

  test('every CIViC item in the bundled KB carries its release date, and the notice says it is old', () => {
    assert.ok(kb.entries.filter((e) => e.origin === 'civic').every((e) => e.sourceDate === '2021-08-01'));
    assert.deepEqual(run([s('M1', '2024-01-01', P('3+', 0, 0))], [], { asOf: '2026-12-01' }).kbNotices, [
      'CIViC evidence in this knowledge base dates from 2021-08-01, more than two years old: check for newer evidence and labels before acting on it.',
    ]);
  });

  test('camizestrant and gedatolisib are never presented as approved options (kb-2026-update.md)', () => {
    const drugs = new Set(kb.entries.flatMap((e) => e.therapies.filter((t) => t.direction === 'sensitivity' && (t.level === 'A')).flatMap((t) => t.drugs)));
    assert.equal(drugs.has('camizestrant'), false);
    assert.equal(drugs.has('gedatolisib'), false);
  });
  test('adjuvant letrozole finished 5 years before a PIK3CA H1047R relapse: no capivasertib/inavolisib/T-DXd (DB-06) options; labels need metastatic ET or recurrence within 12 months (state.ts priorEarlyWithinMonths)', () => {
    const r = run([s('P', '2014-01-01', P('1+', 90, 50), null, 'primary'), s('M', '2025-06-01', P('1+', 90, 50), [v('PIK3CA', 'p.H1047R', 0.3, { chrom: 'chr3' })])], [
      { drug: 'letrozole', start: '2015-01-01', end: '2020-02-01', setting: 'early' as const, response: 'complete-response' as const },
    ]);
    assert.deepEqual(options(r), ['A alpelisib + fulvestrant']);
    assert.ok(r.excludedOptions.some((x) => x.therapy === 'capivasertib + fulvestrant' && x.reason.includes('in the metastatic setting or (neo)adjuvant with recurrence during or within 12 months of its end')));
    assert.ok(r.excludedOptions.some((x) => x.therapy === 'trastuzumab deruxtecan' && x.reason.includes('curated:her2low-tdxd-db06')));
  });

  test('the same relapse 6 months after the adjuvant AI: capivasertib + fulvestrant and inavolisib fit (Truqap, Itovebi labels)', () => {
    const r = run([s('P', '2014-01-01', P('1+', 90, 50), null, 'primary'), s('M', '2020-08-01', P('1+', 90, 50), [v('PIK3CA', 'p.H1047R', 0.3, { chrom: 'chr3' })])], [
      { drug: 'letrozole', start: '2015-01-01', end: '2020-02-01', setting: 'early' as const },
    ]);
    assert.deepEqual(hasDrug(r, 'capivasertib'), ['capivasertib + fulvestrant']);
    assert.deepEqual(hasDrug(r, 'inavolisib'), ['inavolisib + palbociclib + fulvestrant']);
  });

  test('HER2+ relapse 4 years after adjuvant trastuzumab: no T-DXd (DESTINY-Breast03) or curated T-DM1 in line 1 (6-month window of both labels)', () => {
    const r = run([s('M', '2024-03-01', P('3+', 0, 0))], [
      { drug: 'trastuzumab', start: '2019-01-01', end: '2020-02-01', setting: 'early' as const },
      { drug: 'docetaxel', start: '2019-01-01', end: '2019-05-01', setting: 'early' as const },
    ]);
    assert.deepEqual(hasDrug(r, 'trastuzumab deruxtecan'), ['trastuzumab deruxtecan + pertuzumab']);
    assert.ok(r.excludedOptions.some((x) => x.therapy === 'trastuzumab deruxtecan' && x.reason.includes('curated:her2pos-tdxd:') && x.reason.includes('within 6 months')));
    assert.ok(r.excludedOptions.some((x) => x.therapy === 'trastuzumab emtansine' && x.reason.includes('curated:her2pos-tdm1:')));
  });

  test('HER2+ after progression on T-DXd in the metastatic setting: T-DXd is not offered again (therapy.ts: progressed regimen)', () => {
    const r = run([s('M', '2022-01-10', P('3+', 0, 0))], [
      { drug: 'pertuzumab', start: '2019-01-01', end: '2020-06-01', setting: 'metastatic' as const, response: 'progression' as const },
      { drug: 'trastuzumab', start: '2019-01-01', end: '2020-06-01', setting: 'metastatic' as const, response: 'progression' as const },
      { drug: 'docetaxel', start: '2019-01-01', end: '2019-06-01', setting: 'metastatic' as const },
      { drug: 'trastuzumab deruxtecan', start: '2020-07-01', end: '2021-12-01', setting: 'metastatic' as const, response: 'progression' as const },
    ]);
    assert.deepEqual(hasDrug(r, 'trastuzumab deruxtecan'), []);
    assert.deepEqual(r.therapyOptions.filter((o) => o.therapy === 'trastuzumab'), []);
    assert.ok(r.excludedOptions.some((x) => x.therapy === 'trastuzumab deruxtecan' && x.reason.endsWith('the disease progressed on trastuzumab deruxtecan in the metastatic setting')));
    assert.ok(hasDrug(r, 'tucatinib').length === 1);
  });
});

/**
 * Session-3 tumour-board review (/work/review-s2.md) on the bundled KB: findings 2, 7, 8, 15 and 16. Synthetic
 * patients; each test names the rule it checks (core/src/analysis/therapy.ts rules 7-10, state.ts priorAllOf).
 */
describe('tumour-board review of issue 16 on the bundled KB', () => {
  const d538g = (vaf: number) => v('ESR1', 'p.D538G', vaf, { pos: 152332832 });
  const AI_ONGOING = [{ drug: 'letrozole', start: '2021-02-01', setting: 'metastatic' as const }];

  test('finding 2: ESR1 D538G acquired on ongoing letrozole: level-B aromatase-inhibitor resistance (PADA-1, SERENA-6) in the resistance list and on the change, by default (rules 7-8)', () => {
    const r = run([s('M1', '2021-01-05', P('0', 90, 30, 0), []), s('M2', '2024-03-01', P('0', 90, 30, 0), [d538g(0.15)])], AI_ONGOING);
    const ai = r.resistance.find((w) => w.therapy === 'aromatase inhibitor');
    assert.ok(ai);
    assert.deepEqual({ level: ai.level, ongoing: ai.ongoing, reason: ai.reason }, {
      level: 'B',
      ongoing: ['letrozole'],
      reason: 'ESR1 p.D538G emerged on letrozole (ongoing since 2021-02-01): resistance to aromatase inhibitor, level B (curated:esr1-d538g, level B; checked 2026-12-02; PMID:36183733, PMID:40454637)',
    });
    assert.equal(r.resistance[0], ai, 'resistance about the current treatment is listed first');
    const change = r.changes.find((c) => c.kind === 'acquired-variant');
    assert.ok(change?.warnings?.includes(ai.reason), 'the acquired-variant change carries the warning');
    // The citations of the statement are the two trials, and the oral SERD options do not cite them.
    assert.deepEqual(ai.citations.filter((c) => /PMID:(36183733|40454637)/.test(c.id)).map((c) => c.id), ['PMID:36183733', 'PMID:40454637']);
    for (const o of r.therapyOptions) assert.ok(!o.citations.some((c) => c.id === 'PMID:36183733'), o.therapy);
    assert.deepEqual(options(r).slice(0, 3), ['A elacestrant', 'A imlunestrant', 'A vepdegestrant']);
  });

  test('finding 2: the same variant after letrozole ended: level-B resistance listed, no "ongoing", no change warning; a D-level class item on a finished drug stays hidden', () => {
    const r = run([s('M1', '2021-01-05', P('0', 90, 30, 0), []), s('M2', '2024-03-01', P('0', 90, 30, 0), [d538g(0.15)])], [{ ...AI_ONGOING[0]!, end: '2024-02-01', response: 'progression' as const }]);
    assert.deepEqual(r.resistance.map((w) => [w.level, w.therapy, w.ongoing]), [['B', 'aromatase inhibitor', undefined]]);
    assert.equal(r.resistance[0]!.reason, 'ESR1 p.D538G (acquired, VAF 15%): resistance (curated:esr1-d538g, level B; checked 2026-12-02)');
    assert.equal(r.changes.find((c) => c.kind === 'acquired-variant')?.warnings, undefined);
  });

  test('finding 2 (a), review s3 finding 4: a D-level item naming only a broad class ("hormone therapy", civic:EID243) is no statement about the ongoing letrozole: hidden by default (rule 7), listed with --include-preclinical', () => {
    const r = run([s('M1', '2021-01-05', P('0', 90, 30, 0), []), s('M2', '2024-03-01', P('0', 90, 30, 0), [d538g(0.15)])], AI_ONGOING);
    assert.deepEqual(r.resistance.map((w) => [w.level, w.therapy]), [['B', 'aromatase inhibitor']]);
    for (const o of r.therapyOptions) assert.ok(!o.warnings.some((w) => w.includes('civic:EID243')), o.therapy);
    const pre = run([s('M1', '2021-01-05', P('0', 90, 30, 0), []), s('M2', '2024-03-01', P('0', 90, 30, 0), [d538g(0.15)])], AI_ONGOING, { includePreclinical: true });
    assert.deepEqual(pre.resistance.filter((w) => w.level === 'D').map((w) => [w.therapy, w.ongoing]), [['hormone therapy', ['letrozole']]]);
    assert.ok(pre.hiddenPreclinical === 0 && r.hiddenPreclinical > 0, 'D/E items stay hidden by default');
  });

  test('finding 8: HER2+ relapse 4 years after adjuvant trastuzumab, line 1: no T-DM1 from EMILIA/TDM4258g CIViC items, no GBG 26 / EGF104900 regimens (Kadcyla 6-month window; trials after metastatic trastuzumab)', () => {
    const r = run([s('P', '2019-01-05', P('3+', 0, 0), null, 'primary'), s('M', '2024-03-01', P('3+', 0, 0))], [
      { drug: 'docetaxel', start: '2019-02-01', end: '2019-06-01', setting: 'early' as const },
      { drug: 'carboplatin', start: '2019-02-01', end: '2019-06-01', setting: 'early' as const },
      { drug: 'trastuzumab', start: '2019-02-01', end: '2020-02-01', setting: 'early' as const },
    ]);
    assert.deepEqual(options(r), ['A pertuzumab + trastuzumab + docetaxel', 'A trastuzumab deruxtecan + pertuzumab', 'B neratinib', 'C trastuzumab emtansine']);
    // Review s3 finding 5: lapatinib + capecitabine needs an anthracycline as well (Tykerb label: "prior therapy including
    // an anthracycline, a taxane, and trastuzumab"); TCH gave a taxane and trastuzumab only.
    for (const id of ['curated:her2pos-lapatinib', 'civic:EID1132']) assert.match(r.excludedOptions.find((e) => e.items?.includes(id))?.reason ?? '', /needs prior Anthracycline \(WHO ATC L01DB\) as well; none in the treatments/, id);
    // T-DM1 remains only as the first-line randomised phase 2 item (EID1432, level C, setting stated).
    assert.deepEqual(r.therapyOptions.find((o) => o.therapy === 'trastuzumab emtansine')?.support.map((x) => x.id), ['civic:EID1432']);
    for (const id of ['civic:EID1160', 'civic:EID4840', 'civic:EID1764']) {
      const x = r.excludedOptions.find((e) => e.items?.includes(id));
      assert.match(x?.reason ?? '', /in the metastatic setting or \(neo\)adjuvant with recurrence during or within 6 months of its end/, id);
      assert.equal(x?.optionId, 'option:trastuzumab emtansine', `${id} names the T-DM1 option of EID1432`);
    }
    for (const id of ['civic:EID1133', 'civic:EID1009']) assert.match(r.excludedOptions.find((e) => e.items?.includes(id))?.reason ?? '', /in the metastatic setting; none in the treatments$/, id);
  });

  test('finding 15: ER not tested, PR 0, HER2-low, after metastatic paclitaxel, no endocrine therapy: no datopotamab deruxtecan (Datroway needs prior endocrine therapy and chemotherapy)', () => {
    const r = run([s('M', '2026-02-01', { her2: { ihc: '1+' }, pr: { percent: 0 } })], [{ drug: 'paclitaxel', start: '2026-02-10', end: '2026-08-01', line: 1, response: 'progression' as const }]);
    assert.deepEqual(options(r), ['A trastuzumab deruxtecan']);
    assert.deepEqual(r.excludedOptions.filter((x) => x.therapy === 'datopotamab deruxtecan').map((x) => x.reason), [
      'HER2-low: curated:hr-pos-her2-neg-dato-dxd: needs HR-positive; HR status unknown; needs prior Endocrine (hormone) therapy as well; none in the treatments',
    ]);
  });

  test('finding 15: the same patient after letrozole and paclitaxel but ER still not tested: datopotamab deruxtecan pending the HR status, ranked last ("A if HR status confirms")', () => {
    const r = run([s('M', '2026-02-01', { her2: { ihc: '1+' }, pr: { percent: 0 } })], [
      { drug: 'letrozole', start: '2024-01-01', end: '2025-12-01', setting: 'metastatic' as const, response: 'progression' as const },
      { drug: 'paclitaxel', start: '2026-02-10', end: '2026-08-01', line: 2, response: 'progression' as const },
    ]);
    const dato = r.therapyOptions.at(-1);
    assert.equal(dato?.therapy, 'datopotamab deruxtecan');
    assert.deepEqual(dato?.pending, { kind: 'hr-status', text: 'HR status unknown (no evaluable ER result): this option needs HR-positive disease; test ER/PgR before it applies (ASCO/CAP 2020: ER IHC is the predictive assay for endocrine therapy)' });
  });

  test('finding 16: ISH ratio reported 2.00 with a computed ratio below 2.0: every HER2-directed option carries the classification warning', () => {
    const r = run([s('M', '2026-02-01', { her2: { ihc: '2+', ish: { probe: 'dual', her2: 4.19, cep17: 2.1, ratio: 2.0 } }, er: { percent: 0 }, pr: { percent: 0 } })]);
    assert.equal(r.context.her2?.category, 'HER2-positive');
    assert.ok(r.therapyOptions.length > 0);
    for (const o of r.therapyOptions) {
      assert.deepEqual(o.warningDetails?.filter((w) => w.kind === 'her2-classification').map((w) => w.text), [
        'HER2 result to review (M, 2026-02-01): the reported HER2/CEP17 ratio 2.00 and the ratio computed from the reported mean signals per cell fall on different sides of the 2.0 cut-off; the reported ratio was used (ASCO/CAP 2018, Fig. 3). Review the counts before HER2-directed therapy',
      ], o.therapy);
    }
  });
});
