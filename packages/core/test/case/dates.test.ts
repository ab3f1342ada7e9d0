import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTimeline, fieldLabel, InputError, timelineIssues } from '../../src/index.ts';

const TODAY = '2026-12-02';

test('a plausible timeline has no issues; boundaries (today, the birth year, end = start, 1900) are accepted', () => {
  assert.deepEqual(timelineIssues({ birthYear: 1964, samples: [{ collected: '2016-03-02' }, { collected: TODAY }], treatments: [{ start: '1964-01-01', end: '1964-01-01' }, { start: '2020-01-01', end: null }] }, TODAY), []);
  assert.deepEqual(timelineIssues({ birthYear: 1900, samples: [], treatments: [] }, TODAY), []);
  assert.deepEqual(timelineIssues({ birthYear: 2026, samples: [], treatments: [] }, TODAY), []);
  assert.deepEqual(timelineIssues({ samples: [{ collected: '1901-01-01' }], treatments: [] }, TODAY), [], 'no birth year: only the future is checked');
});

test('the issue-17 report: sample 2031 and 1950 for a patient born 1964, a 2035 treatment, birth year 2031', () => {
  assert.deepEqual(timelineIssues({ birthYear: 1964, samples: [{ collected: '2031-01-05' }, { collected: '1950-06-01' }], treatments: [{ start: '2035-02-01' }] }, TODAY), [
    { path: ['samples', 0, 'collected'], field: 'samples[0].collected', label: 'Collection date', message: 'Collection date 2031-01-05 is after today (2026-12-02)' },
    { path: ['samples', 1, 'collected'], field: 'samples[1].collected', label: 'Collection date', message: 'Collection date 1950-06-01 is before the birth year 1964' },
    { path: ['treatments', 0, 'start'], field: 'treatments[0].start', label: 'Start date', message: 'Start date 2035-02-01 is after today (2026-12-02)' },
  ]);
  assert.deepEqual(timelineIssues({ birthYear: 2031, samples: [{ collected: '2020-01-01' }], treatments: [] }, TODAY), [
    { path: ['patient', 'birthYear'], field: 'patient.birthYear', label: 'Birth year', message: 'Birth year must be a year from 1900 to 2026' },
  ], 'an implausible birth year is not used to judge the other dates');
  assert.equal(timelineIssues({ birthYear: 1899, samples: [], treatments: [] }, TODAY).length, 1);
  assert.equal(timelineIssues({ birthYear: 1964.5, samples: [], treatments: [] }, TODAY).length, 1);
});

test('treatment end: before start, after today', () => {
  assert.deepEqual(timelineIssues({ samples: [], treatments: [{ start: '2020-03-01', end: '2020-02-29' }, { start: '2020-03-01', end: '2027-01-01' }] }, TODAY).map((i) => [i.field, i.message]), [
    ['treatments[0].end', 'End date 2020-02-29 is before the start date 2020-03-01'],
    ['treatments[1].end', 'End date 2027-01-01 is after today (2026-12-02)'],
  ]);
});

test('assertTimeline throws an InputError naming the path; a malformed today is a programming error', () => {
  assert.throws(() => assertTimeline({ birthYear: 1964, samples: [{ collected: '2031-01-05' }], treatments: [] }, TODAY), (e: unknown) => e instanceof InputError && e.message === 'samples[0].collected: Collection date 2031-01-05 is after today (2026-12-02)');
  assert.throws(() => timelineIssues({ samples: [], treatments: [] }, '2.12.2026'), /today must be YYYY-MM-DD/);
});

test('field labels are human words, never internal paths', () => {
  assert.equal(fieldLabel(['body', 'end']), 'End date');
  assert.equal(fieldLabel(['samples', 1, 'collected']), 'Collection date');
  assert.equal(fieldLabel(['patientId']), 'Patient id');
  assert.equal(fieldLabel(['meanDepth']), 'Mean depth');
  assert.equal(fieldLabel([]), 'Value');
});
