import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exposuresBetween, interpretCase, InputError, wholeMonths } from '../../src/index.ts';
import { caseOf, KB, L755S, PANEL, PANEL_NO_DEPTH, sample, T798I } from './fixtures.ts';

const letrozole = { drug: 'letrozole', start: '2016-04-01', end: '2019-01-10', response: 'progression' as const };

describe('variant origin', () => {
  test('acquired when an earlier sample covered the position adequately', () => {
    const r = interpretCase(
      caseOf([sample({ id: 'S1', type: 'primary', site: 'breast', collected: '2016-03-02' }, []), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31)])], [letrozole]),
      KB,
    );
    const f = r.samples[1]!.findings[0]!;
    assert.deepEqual([f.gene, f.alteration, f.origin, f.originSample, f.vaf], ['ERBB2', 'p.L755S', 'acquired', 'S1', 0.31]);
    const change = r.changes.find((c) => c.kind === 'acquired-variant')!;
    assert.equal(change.detail, 'ERBB2 p.L755S acquired: absent from S1 (primary, breast, 2016-03-02), found in S2 (metastasis, liver, 2019-02-01) at VAF 31% after 33 months of letrozole; detection power in S1: depth 500: VAF 31% gives ~155 reads (P(>=3 reads) = 100%)');
    assert.equal(f.originReason, 'absent from S1 (depth 500: VAF 31% gives ~155 reads (P(>=3 reads) = 100%))');
    assert.deepEqual(change.afterTreatments, [{ drug: 'letrozole', start: '2016-04-01', end: '2019-01-10', months: 33 }]);
  });

  test('pre-existing when an earlier sample had it', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [L755S(0.05)]), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.4)])]), KB);
    assert.deepEqual([r.samples[0]!.findings[0]!.origin, r.samples[1]!.findings[0]!.origin, r.samples[1]!.findings[0]!.originSample], ['first-sample', 'pre-existing', 'S1']);
    assert.equal(r.changes.length, 0);
  });

  test('not-evaluable-earlier when the earlier panel did not cover the position', () => {
    const otherPanel = [{ chrom: 'chr3', start: 178936000, end: 178953000, depth: null }];
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [], otherPanel), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31)])]), KB);
    assert.equal(r.samples[1]!.findings[0]!.origin, 'not-evaluable-earlier');
    assert.equal(r.changes.filter((c) => c.kind === 'acquired-variant').length, 0);
  });

  test('not-evaluable-earlier without a BED (coverage unknown)', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [], null), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31)])]), KB);
    assert.equal(r.samples[1]!.findings[0]!.origin, 'not-evaluable-earlier');
  });

  test('depth from the BED 5th column or the sample mean depth decides adequacy (default >= 50)', () => {
    const shallow = [{ ...PANEL[0]!, depth: 49 }];
    const deep = [{ ...PANEL[0]!, depth: 50 }];
    const origin = (regions: typeof PANEL, meanDepth?: number, minDepth?: number) =>
      interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [], regions, meanDepth), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31)])]), KB, minDepth ? { minDepth } : {}).samples[1]!.findings[0]!.origin;
    assert.equal(origin(shallow), 'not-evaluable-earlier');
    assert.equal(origin(deep), 'acquired');
    assert.equal(origin(PANEL_NO_DEPTH, 30), 'not-evaluable-earlier');
    assert.equal(origin(PANEL_NO_DEPTH, 80), 'acquired');
    // Rule (origin.ts): unknown depth (BED without depth column, no meanDepth) is never adequate.
    assert.equal(origin(PANEL_NO_DEPTH), 'not-evaluable-earlier');
    assert.equal(origin(deep, undefined, 100), 'not-evaluable-earlier');
  });

  test('an earlier sample that was not sequenced does not count', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, null), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31)])]), KB);
    assert.equal(r.samples[1]!.findings[0]!.origin, 'first-sample');
    assert.equal(r.samples[0]!.sequenced, false);
  });

  test('samples are ordered by collection date, not by file order', () => {
    const r = interpretCase(caseOf([sample({ id: 'LATER', collected: '2019-02-01' }, [L755S(0.31)]), sample({ id: 'EARLY', collected: '2016-03-02' }, [])]), KB);
    assert.deepEqual(r.samples.map((s) => s.id), ['EARLY', 'LATER']);
    assert.equal(r.samples[1]!.findings[0]!.origin, 'acquired');
    assert.equal(r.latestSample, 'LATER');
  });

  test('samples on the same day are contemporaneous (a tie): neither is earlier', () => {
    const r = interpretCase(caseOf([sample({ id: 'B', type: 'metastasis', collected: '2019-02-01' }, [L755S(0.3)]), sample({ id: 'A', type: 'primary', collected: '2019-02-01' }, [])]), KB);
    assert.deepEqual(r.samples.map((s) => s.id), ['A', 'B']); // tie broken by type, then id
    assert.equal(r.samples[1]!.findings[0]!.origin, 'first-sample');
  });

  test('lost when a later covering sample lacks the variant', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [L755S(0.2)]), sample({ id: 'S2', collected: '2019-02-01' }, [])]), KB);
    const lost = r.changes.filter((c) => c.kind === 'lost-variant');
    assert.equal(lost.length, 1);
    assert.deepEqual([lost[0]!.fromSample, lost[0]!.toSample, lost[0]!.from, lost[0]!.to], ['S1', 'S2', 'VAF 20%', 'not detected']);
  });

  test('variants in genes outside the KB are counted, not listed', () => {
    const tp53 = { ...L755S(0.5), gene: 'TP53', hgvsp: 'p.R175H', pos: 7578406 };
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [tp53, L755S(0.1)])]), KB);
    assert.deepEqual([r.samples[0]!.findings.length, r.samples[0]!.otherVariants], [1, 1]);
  });
});

describe('receptor conversions', () => {
  test('HER2-0 -> HER2-positive and ER loss, with the treatments in between', () => {
    const r = interpretCase(
      caseOf(
        [
          { ...sample({ id: 'P', type: 'primary', site: 'breast', collected: '2015-01-10', pathology: { her2: { ihc: '0' }, er: { percent: 90 }, pr: { percent: 50 } } }, null) },
          { ...sample({ id: 'M', type: 'metastasis', site: 'bone', collected: '2018-06-20', pathology: { her2: { ihc: '3+' }, er: { percent: 0 }, pr: { percent: 50 } } }, null) },
        ],
        [{ drug: 'anastrozole', start: '2015-03-01', end: '2018-01-01' }],
      ),
      KB,
    );
    assert.deepEqual(
      r.changes.map((c) => [c.kind, c.from, c.to]),
      [
        ['her2-conversion', 'HER2-0 (negative)', 'HER2-positive (positive)'],
        ['er-conversion', 'positive', 'negative'],
      ],
    );
    assert.equal(r.changes[0]!.detail, 'HER2 HER2-0 (negative) in P (primary, breast, 2015-01-10) -> HER2-positive (positive) in M (metastasis, bone, 2018-06-20) after 34 months of anastrozole');
    assert.match(r.changes[1]!.detail, /^ER loss: positive in P/);
  });

  test('no conversion when the category is the same or pending', () => {
    const r = interpretCase(
      caseOf([
        sample({ id: 'P', collected: '2015-01-10', pathology: { her2: { ihc: '1+' } } }, null),
        sample({ id: 'M', collected: '2016-01-10', pathology: { her2: { ihc: '2+' } } }, null),
        sample({ id: 'N', collected: '2017-01-10', pathology: { her2: { ihc: '1+' } } }, null),
      ]),
      KB,
    );
    assert.deepEqual(r.changes, []);
  });

  test('bad pathology in a sample names its path in the case file', () => {
    assert.throws(
      () => interpretCase(caseOf([sample({ id: 'A', collected: '2015-01-10' }, null), sample({ id: 'B', collected: '2014-01-10', pathology: { her2: { ihc: '3+', stainedPercent: 5 } } }, null)]), KB),
      (e: unknown) => e instanceof InputError && e.field === 'samples[1].pathology.her2.stainedPercent',
    );
  });
});

describe('therapy options', () => {
  test('ranked by level, with reasons, citations and context', () => {
    const r = interpretCase(
      caseOf([
        sample({ id: 'S1', collected: '2016-03-02' }, []),
        sample({ id: 'S2', collected: '2019-02-01', pathology: { her2: { ihc: '1+' }, er: { percent: 90 } } }, [L755S(0.31), { ...L755S(0.2), gene: 'ESR1', hgvsp: 'p.Y537S', chrom: 'chr6', pos: 152419920 }]),
      ]),
      KB,
    );
    assert.deepEqual(r.therapyOptions.map((o) => [o.therapy, o.level]), [
      ['elacestrant', 'A'],
      ['trastuzumab deruxtecan', 'A'],
      ['neratinib + fulvestrant', 'B'],
    ]);
    const nf = r.therapyOptions[2]!;
    assert.deepEqual(nf.reasons, ['ERBB2 p.L755S (acquired, VAF 31%): ERBB2 L755S is activating; neratinib + fulvestrant. (curated:erbb2-l755s, level B; curated)']);
    assert.deepEqual(nf.citations.map((c) => c.id), ['PMID:29420467']);
    assert.deepEqual(nf.warnings, [], 'fulvestrant resistance from the same finding is what the combination overcomes');
    // The fulvestrant resistance item is level D: hidden by default (therapy.ts rule 7), shown with includePreclinical.
    assert.deepEqual(r.resistance.map((w) => w.therapy), []);
    assert.equal(r.kbVersion, 'test-1');
    assert.equal(r.notice, 'For research use; not a medical device.');
  });

  test('an option whose drug meets resistance evidence from another finding is warned and ranked last in its level', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [L755S(0.3), T798I(0.1)])]), KB);
    const nf = r.therapyOptions.find((o) => o.therapy === 'neratinib + fulvestrant')!;
    assert.deepEqual(nf.warnings, ['neratinib: ERBB2 p.T798I (first-sample, VAF 10%): resistance to neratinib (curated:erbb2-t798i, level C; curated)']);
  });

  test('context that does not fit drops the option (ESR1 in an HR-negative sample)', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02', pathology: { her2: { ihc: '0' }, er: { percent: 0 }, pr: { percent: 0 } } }, [{ ...L755S(0.2), gene: 'ESR1', hgvsp: 'p.Y537S' }])]), KB);
    assert.deepEqual(r.therapyOptions, []);
    assert.equal(r.samples[0]!.findings[0]!.evidence[0]!.context, 'does-not-fit');
  });

  test('unknown context keeps the option with a caveat and ranks it as context unknown (therapy.ts rule 5c)', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, [{ ...L755S(0.2), gene: 'ESR1', hgvsp: 'p.Y537S' }])]), KB);
    assert.match(r.therapyOptions[0]!.reasons[0]!, /\[needs HR-positive; HR status unknown; needs HER2-negative; no evaluable HER2 result\]$/);
    assert.equal(r.therapyOptions[0]!.context, 'unknown');
  });
});

test('whole months and exposure windows', () => {
  assert.equal(wholeMonths('2016-04-01', '2019-01-10'), 33);
  assert.equal(wholeMonths('2016-04-15', '2016-05-14'), 0);
  assert.equal(wholeMonths('2016-04-15', '2016-05-15'), 1);
  assert.equal(wholeMonths('2019-01-01', '2018-01-01'), 0);
  const t = [
    { drug: 'tamoxifen', start: '2010-01-01', end: '2012-01-01' },
    { drug: 'letrozole', start: '2016-04-01' },
  ];
  assert.deepEqual(exposuresBetween(t, '2015-01-01', '2018-04-01'), [{ drug: 'letrozole', start: '2016-04-01', end: null, months: 24 }]);
  assert.deepEqual(exposuresBetween(t, null, '2011-01-01').map((e) => [e.drug, e.months]), [['tamoxifen', 12]]);
});
