import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defined, missingValue } from '../src/errors.ts';

test('missingValue throws an Error naming the missing expression', () => {
  assert.throws(() => missingValue('cols[3]'), { name: 'Error', message: 'missing value: cols[3]' });
  const xs = [10, 20];
  const at = (i: number) => xs[i] ?? missingValue(`xs[${i}]`);
  assert.equal(at(1), 20);
  assert.throws(() => at(2), { message: 'missing value: xs[2]' });
  // 0 and '' are values, not absence.
  assert.equal([0][0] ?? missingValue('zero'), 0);
  assert.equal([''][0] ?? missingValue('empty'), '');
});

test('defined lets null through and throws only for undefined', () => {
  const ad: Array<number | null> = [null, 7];
  assert.equal(defined(ad[0], 'ad[0]'), null);
  assert.equal(defined(ad[1], 'ad[1]'), 7);
  assert.equal(defined(0, 'zero'), 0);
  assert.throws(() => defined(ad[2], 'ad[2]'), { name: 'Error', message: 'missing value: ad[2]' });
  assert.throws(() => defined(new Map<string, number | null>().get('x'), "matrices.get('x')"), { message: "missing value: matrices.get('x')" });
});
