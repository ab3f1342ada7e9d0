/** The shared golden-file helper (scripts/golden.ts): a missing file fails; only UPDATE_EXPECTED=1 writes. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertGolden, updateRequested } from '../../../scripts/golden.ts';

const dir = mkdtempSync(join(tmpdir(), 'her2scope-golden-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a missing golden file fails, names the file and writes nothing', () => {
  const path = join(dir, 'missing.json');
  assert.throws(() => assertGolden(path, { a: 1 }, { update: false }), (e: Error) => {
    assert.match(e.message, /^golden file .*missing\.json is missing: run the test with UPDATE_EXPECTED=1 to write it/);
    return true;
  });
  assert.equal(existsSync(path), false);
});

test('update writes JSON with indent 1 and a final newline (creating the folder); the next check passes', () => {
  const path = join(dir, 'sub', 'out.json');
  assertGolden(path, { a: [1, 2], b: 'x' }, { update: true });
  assert.equal(readFileSync(path, 'utf8'), '{\n "a": [\n  1,\n  2\n ],\n "b": "x"\n}\n');
  assertGolden(path, { b: 'x', a: [1, 2] }, { update: false });
});

test('a JSON value that differs fails and leaves the file as it was', () => {
  const path = join(dir, 'differs.json');
  writeFileSync(path, '{"a": 1}\n');
  assert.throws(() => assertGolden(path, { a: 2 }, { update: false }), /differs from golden file .*differs\.json/);
  assert.equal(readFileSync(path, 'utf8'), '{"a": 1}\n');
});

test('text golden files compare byte for byte; a non-string value for them is a usage error', () => {
  const path = join(dir, 'plot.svg');
  writeFileSync(path, '<svg/>\n');
  assertGolden(path, '<svg/>\n', { update: false });
  assert.throws(() => assertGolden(path, '<svg/>', { update: false }), /differs from golden file .*plot\.svg/);
  assert.throws(() => assertGolden(path, { svg: 1 }, { update: true }), /only \.json files take a non-string value/);
});

test('only UPDATE_EXPECTED=1 asks for an update', () => {
  assert.equal(updateRequested({ UPDATE_EXPECTED: '1' }), true);
  for (const v of [undefined, '', '0', 'true', 'yes']) assert.equal(updateRequested({ UPDATE_EXPECTED: v }), false, String(v));
});
