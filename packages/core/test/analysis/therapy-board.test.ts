/**
 * Tumour-board findings carried to s4 (review-14 P8-P12, review-s3 #9): exact option sets, pending states, warnings
 * and texts on the scenario KB (test/analysis/scenario-kb.ts). Every patient is synthetic.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_COMMENTS, interpretCase, type AnalysisResult, type CaseFile, type CoveredRegion, type SampleData } from '../../src/index.ts';
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
