import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyPathology, DEFAULT_COMMENTS, InputError, parsePathologyInput, type PathologyInput } from '../../src/index.ts';

const classify = (input: unknown) => classifyPathology(parsePathologyInput(input));
const rejects = (input: unknown, field: string, message: RegExp) =>
  assert.throws(() => classify(input), (e: unknown) => e instanceof InputError && e.field === field && message.test(e.message));

describe('ER (ASCO/CAP 2020)', () => {
  const cases: Array<[number, string]> = [
    [0, 'negative'],
    [0.9, 'negative'],
    [1, 'low-positive'],
    [10, 'low-positive'],
    [10.5, 'positive'],
    [11, 'positive'],
    [100, 'positive'],
  ];
  for (const [percent, status] of cases) {
    test(`${percent}% -> ${status}`, () => assert.equal(classify({ er: { percent } }).er.status, status));
  }
  test('low positive carries the guideline comment', () => {
    assert.deepEqual(classify({ er: { percent: 5 } }).er.comments, [DEFAULT_COMMENTS.erLowPositive, DEFAULT_COMMENTS.erControls]);
    assert.deepEqual(classify({ er: { percent: 50 } }).er.comments, []);
  });
  test('ER 0-10% carries the internal/external control note (ASCO/CAP 2020: control status required for 0-10%)', () => {
    assert.deepEqual(classify({ er: { percent: 0 } }).er.comments, [DEFAULT_COMMENTS.erControls]);
    assert.deepEqual(classify({ er: { percent: 10 } }).er.comments, [DEFAULT_COMMENTS.erLowPositive, DEFAULT_COMMENTS.erControls]);
    assert.deepEqual(classify({ er: { percent: 11 } }).er.comments, []);
  });
  test('not tested', () => assert.equal(classify({ her2: { ihc: '1+' } }).er.status, 'not-tested'));
});

describe('PgR (ASCO/CAP 2020: no low-positive category)', () => {
  test('boundaries', () => {
    assert.equal(classify({ pr: { percent: 0.99 } }).pr.status, 'negative');
    assert.equal(classify({ pr: { percent: 1 } }).pr.status, 'positive');
    assert.equal(classify({ pr: { percent: 5 } }).pr.status, 'positive');
  });
});

describe('Allred score (Harvey 1999)', () => {
  test('proportion + intensity converts exactly', () => {
    assert.equal(classify({ er: { allred: { proportion: 0, intensity: 0 } } }).er.status, 'negative');
    assert.equal(classify({ er: { allred: { proportion: 1, intensity: 3 } } }).er.status, 'negative'); // <1% strong: still negative
    assert.equal(classify({ er: { allred: { proportion: 2, intensity: 1 } } }).er.status, 'low-positive');
    assert.equal(classify({ er: { allred: { proportion: 3, intensity: 2 } } }).er.status, 'positive');
  });
  test('unambiguous totals', () => {
    assert.equal(classify({ er: { allred: 0 } }).er.status, 'negative');
    assert.equal(classify({ er: { allred: 2 } }).er.status, 'negative');
    assert.equal(classify({ er: { allred: 6 } }).er.status, 'positive');
    assert.equal(classify({ er: { allred: 8 } }).er.status, 'positive');
    assert.equal(classify({ pr: { allred: 5 } }).pr.status, 'positive'); // PS >= 2 in every split
  });
  test('ambiguous totals are rejected, not guessed', () => {
    rejects({ er: { allred: 3 } }, 'er.allred', /Allred total of 3 may mean <1% or 1-10%/);
    rejects({ er: { allred: 4 } }, 'er.allred', /may mean <1% or 1-10% or >10%/);
    rejects({ er: { allred: 5 } }, 'er.allred', /may mean 1-10% or >10%/);
    rejects({ pr: { allred: 4 } }, 'pr.allred', /may mean/);
  });
  test('impossible scores', () => {
    rejects({ er: { allred: 1 } }, 'er.allred', /cannot occur/);
    rejects({ er: { allred: 9 } }, 'er.allred', /total score 0-8/);
    rejects({ er: { allred: { proportion: 3, intensity: 0 } } }, 'er.allred', /intensity is 0 exactly when proportion is 0/);
  });
});

describe('H-score', () => {
  test('breakdown gives the exact percent', () => {
    const r = classify({ er: { hScore: { weak: 5, moderate: 3, strong: 0 } } }).er;
    assert.deepEqual([r.status, r.percent], ['low-positive', 8]);
    assert.equal(classify({ pr: { hScore: { weak: 0.5 } } }).pr.status, 'negative');
  });
  test('a total converts only when its percent range stays in one category', () => {
    assert.equal(classify({ er: { hScore: 240 } }).er.status, 'positive'); // 80-100%
    assert.equal(classify({ er: { hScore: 0 } }).er.status, 'negative');
    assert.equal(classify({ er: { hScore: 5 } }).er.status, 'low-positive'); // 1.7-5%
    assert.equal(classify({ pr: { hScore: 20 } }).pr.status, 'positive'); // 6.7-20%: positive either way
    rejects({ er: { hScore: 20 } }, 'er.hScore', /H-score of 20 may mean 6.7-20% of nuclei/);
    rejects({ er: { hScore: 2 } }, 'er.hScore', /may mean 0.7-2%/);
  });
  test('breakdown over 100%', () => rejects({ er: { hScore: { weak: 60, strong: 50 } } }, 'er.hScore', /110%, more than 100%/));
  test('more than one measure', () => rejects({ er: { percent: 50, allred: 7 } }, 'er', /exactly one of percent, allred, hScore/));
});

describe('surrogate subtype', () => {
  const subtype = (input: PathologyInput) => classify(input).subtype;
  test('four groups', () => {
    assert.equal(subtype({ her2: { ihc: '1+' }, er: { percent: 90 }, pr: { percent: 0 } }), 'HR+/HER2-');
    assert.equal(subtype({ her2: { ihc: '3+' }, er: { percent: 90 } }), 'HR+/HER2+');
    assert.equal(subtype({ her2: { ihc: '3+' }, er: { percent: 0 }, pr: { percent: 0 } }), 'HR-/HER2+');
    assert.equal(subtype({ her2: { ihc: '0' }, er: { percent: 0 }, pr: { percent: 0 } }), 'HR-/HER2-');
    assert.equal(subtype({ her2: { ihc: '0' }, er: { percent: 0 }, pr: { percent: 2 } }), 'HR+/HER2-');
    assert.equal(subtype({ her2: { ihc: '1+' }, er: { percent: 5 }, pr: { percent: 0 } }), 'HR+/HER2-'); // ER low positive
  });
  test('null when HER2 or both receptors are unknown', () => {
    assert.equal(subtype({ her2: { ihc: '2+' }, er: { percent: 90 } }), null); // equivocal
    assert.equal(subtype({ er: { percent: 90 } }), null);
    assert.equal(subtype({ her2: { ihc: '3+' } }), null);
  });
  test('HR-negative needs ER tested and <1%: ER not tested + PgR 0 is HR unknown (ASCO/CAP 2020)', () => {
    assert.equal(subtype({ her2: { ihc: '3+' }, pr: { percent: 0 } }), null);
    // ER not tested: PgR alone never decides HR (ER IHC is the predictive assay; review s4 #3), flagged
    assert.equal(subtype({ her2: { ihc: '3+' }, pr: { percent: 5 } }), null);
    assert.deepEqual(classify({ her2: { ihc: '3+' }, pr: { percent: 5 } }).hr, { status: null, notes: [DEFAULT_COMMENTS.erNotTestedPrPositive] });
    assert.equal(subtype({ her2: { ihc: '3+' }, er: { percent: 0 } }), 'HR-/HER2+'); // ER <1%, PgR not tested
  });
  test('notes: ER low counted as HR+ is flagged; ER-/PgR+ is flagged (ASCO/CAP 2020)', () => {
    assert.deepEqual(classify({ her2: { ihc: '1+' }, er: { percent: 5 }, pr: { percent: 0 } }).notes, [DEFAULT_COMMENTS.erLowCountedHrPositive]);
    assert.deepEqual(classify({ her2: { ihc: '1+' }, er: { percent: 5 }, pr: { percent: 30 } }).notes, []);
    assert.deepEqual(classify({ her2: { ihc: '1+' }, er: { percent: 0 }, pr: { percent: 30 } }).notes, [DEFAULT_COMMENTS.erNegativePrPositive]);
    assert.deepEqual(classify({ her2: { ihc: '1+' }, er: { percent: 80 }, pr: { percent: 30 } }).notes, []);
  });
  test('ki67 is passed through', () => assert.equal(classify({ er: { percent: 1 }, ki67: 25 }).ki67, 25));
});
