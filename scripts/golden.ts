/**
 * Golden files for tests: the one place that decides when an expected-output file may be written.
 *
 *   assertGolden(join(here, 'expected', 'a.json'), result);     // JSON: compared as data, stored with indent 1
 *   assertGolden(join(here, 'expected', 'plot.svg'), svgText);  // anything else: compared as exact text
 *
 * - The file exists: the value must equal it (a failure shows the difference).
 * - The file is missing: the test FAILS, naming the file. A golden file is reviewed by a person, never made by the test
 *   that reads it, so a deleted or misnamed file cannot turn a check into a pass.
 * - `UPDATE_EXPECTED=1`: the file is (re)written from the value and the test passes. Review the diff before committing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

/** True when the run was asked to rewrite golden files (exactly `UPDATE_EXPECTED=1`). */
export function updateRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.UPDATE_EXPECTED === '1';
}

/** How a value is stored: JSON files as `JSON.stringify(value, null, 1)` plus a newline, other files as the text. */
export function serializeGolden(path: string, actual: unknown): string {
  if (path.endsWith('.json')) return JSON.stringify(actual, null, 1) + '\n';
  if (typeof actual !== 'string') throw new TypeError(`golden file ${path}: only .json files take a non-string value`);
  return actual;
}

/** Compare `actual` with the golden file at `path` (see the top of this file). */
export function assertGolden(path: string, actual: unknown, options: { update?: boolean } = {}): void {
  const shown = relative(process.cwd(), path) || path;
  if (options.update ?? updateRequested()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, serializeGolden(path, actual));
    return;
  }
  if (!existsSync(path)) {
    assert.fail(`golden file ${shown} is missing: run the test with UPDATE_EXPECTED=1 to write it, review it, and commit it`);
  }
  const expected = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) assert.deepEqual(actual, JSON.parse(expected), `differs from golden file ${shown} (UPDATE_EXPECTED=1 rewrites it after review)`);
  else assert.equal(serializeGolden(path, actual), expected, `differs from golden file ${shown} (UPDATE_EXPECTED=1 rewrites it after review)`);
}
