import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '@her2scope/core';
import { parseCaseText } from '../../src/case/index.ts';

const CASE = (collected: string, treatment = '') => `patient: { id: P1, birthYear: 1964 }
samples:
  - id: S1
    type: primary
    site: breast
    collected: 2016-03-02
  - id: M1
    type: metastasis
    site: liver
    collected: ${collected}
${treatment}`;

test('the case-file loader applies the date rules with file, line and field', () => {
  assert.equal(parseCaseText(CASE('2021-05-01'), 'case.yaml', '2026-12-02').samples.length, 2);
  assert.throws(() => parseCaseText(CASE('2031-05-01'), 'case.yaml', '2026-12-02'), (e: unknown) => e instanceof InputError && e.message === 'case.yaml:10: samples[1].collected: Collection date 2031-05-01 is after today (2026-12-02)');
  assert.throws(() => parseCaseText(CASE('1950-05-01'), 'case.yaml', '2026-12-02'), (e: unknown) => e instanceof InputError && e.message === 'case.yaml:10: samples[1].collected: Collection date 1950-05-01 is before the birth year 1964');
  const t = 'treatments:\n  - { drug: letrozole, start: 2016-04-01 }\n  - { drug: trastuzumab, start: 2035-01-01 }\n';
  assert.throws(() => parseCaseText(CASE('2021-05-01', t), 'case.yaml', '2026-12-02'), (e: unknown) => e instanceof InputError && e.message === 'case.yaml:13: treatments[1].start: Start date 2035-01-01 is after today (2026-12-02)');
});
