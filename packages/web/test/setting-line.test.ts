/**
 * The treatment form's metastatic line (migration 0008): checked before sending with the case schema's own rule and
 * message (a whole number >= 1; empty = counted from the dates), shown beside the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorsFrom, labelsFor, validateLine } from '../src/validation.ts';
import { ApiError } from '../src/api.ts';

test('validateLine: empty or a whole number >= 1 passes; anything else is a field error in the case schema\'s words', () => {
  assert.deepEqual(validateLine(''), []);
  assert.deepEqual(validateLine('  '), []);
  assert.deepEqual(validateLine('1'), []);
  assert.deepEqual(validateLine(' 12 '), []);
  for (const bad of ['0', '-1', '1.5', 'two', '1e2', '2nd']) {
    assert.deepEqual(validateLine(bad), [{ field: 'line', message: 'Line of therapy must be a whole number >= 1' }], bad);
  }
});

test('the API\'s setting / line errors map to the form\'s fields with their human names', () => {
  const err = new ApiError(400, 'invalid-input', 'Setting must be one of early, metastatic', 'setting', [
    { field: 'setting', label: 'Setting', message: 'Setting must be one of early, metastatic' },
    { field: 'line', label: 'Line of therapy', message: 'Line of therapy must be a whole number >= 1' },
  ]);
  assert.deepEqual(fieldErrorsFrom(err, labelsFor(['drug', 'start', 'end', 'response', 'setting', 'line']), 'cannot add the treatment'), [
    { field: 'setting', message: 'Setting must be one of early, metastatic' },
    { field: 'line', message: 'Line of therapy must be a whole number >= 1' },
  ]);
});
