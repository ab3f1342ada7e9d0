/**
 * The compiled build (scripts/build.mjs, what `npm ci` runs): the other tests run the TypeScript sources, so this one
 * builds the packages (not the web app) and runs the installed `her2scope` the way users do, without tsx and without
 * the her2scope-source condition: data files found from dist/, the bundled zod shared by core, kb and the server,
 * one-line errors, the API (its OpenAPI document is made from zod schemas) and a serve without a web build.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertGolden } from '../../../scripts/golden.ts';
import { oneLineError, repoRoot } from './helpers.ts';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');
// What an installed process sees: no tsx, no source condition.
const env = { ...process.env, NODE_OPTIONS: '', HER2SCOPE_DEBUG: '' };
const compiled = (args: string[], cwd = repoRoot) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
let dir: string;

before(() => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--no-web'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^build: \d+ modules compiled, 2 assets copied into packages\/\{cli,core,formats,kb,reports,server,storage\}\/dist/);
  dir = mkdtempSync(join(tmpdir(), 'her2scope-build-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('dist mirrors src: .ts imports rewritten to .js, zod imported from the one bundled copy, the worker entry copied', () => {
  const main = readFileSync(join(repoRoot, 'packages', 'cli', 'dist', 'main.js'), 'utf8');
  assert.match(main, /from "\.\/commands\/index\.js"/);
  assert.doesNotMatch(main, /\.ts['"]/);
  assert.match(readFileSync(join(repoRoot, 'packages', 'kb', 'dist', 'index.js'), 'utf8'), /from '@her2scope\/core\/zod'/);
  assert.ok(existsSync(join(repoRoot, 'packages', 'core', 'dist', 'vendor', 'zod.js')));
  assert.ok(existsSync(join(repoRoot, 'packages', 'server', 'dist', 'jobs', 'worker.mjs')));
  // The upload-check worker entry (re-read A13) and the job it loads from dist.
  assert.ok(existsSync(join(repoRoot, 'packages', 'server', 'dist', 'jobs', 'upload-check.mjs')));
  assert.ok(existsSync(join(repoRoot, 'packages', 'server', 'dist', 'jobs', 'upload-check-job.js')));
});

test('the compiled her2scope: help, classify, kb data from dist/, and the analyze golden output', () => {
  const help = compiled(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: her2scope <command> \[options\]\n/);
  const cls = compiled(['classify', '--ihc', '2+', '--ish-her2', '4.6', '--ish-cep17', '2.6', '--json']);
  assert.equal(cls.code, 0, cls.stderr);
  const her2 = JSON.parse(cls.stdout).her2;
  assert.deepEqual([her2.status, her2.category, her2.ishGroup, her2.ishRatio], ['negative', 'HER2-low', 4, 1.77]);
  const kb = compiled(['kb', 'list', '--json']);
  assert.equal(kb.code, 0, kb.stderr);
  const fromDist = JSON.parse(kb.stdout) as { version: string; entries: unknown[] };
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', 'kb', 'data', 'manifest.json'), 'utf8')) as { version: string };
  assert.equal(fromDist.version, manifest.version);
  assert.ok(fromDist.entries.length > 100, `${fromDist.entries.length} entries`);
  const analyze = compiled(['analyze', join('examples', 'cases', 'a-erbb2-acquired.yaml'), '--json']);
  assert.equal(analyze.code, 0, analyze.stderr);
  assertGolden(join(repoRoot, 'packages', 'cli', 'test', 'expected', 'a-erbb2-acquired.json'), JSON.parse(analyze.stdout));
});

test('input errors from the compiled build are one line, exit 2 (InputError from core is recognised across packages)', () => {
  assert.equal(oneLineError(compiled(['classify', '--ihc', '4+'])), 'her2scope classify: --ihc: must be one of "0", "1+", "2+", "3+"');
  // Thrown by formats (its own import of core), caught by the CLI (core/errors): the same class in dist.
  const path = join(repoRoot, 'packages', 'cli', 'test', 'fixtures', 'pathology-bad-ihc.yaml');
  assert.equal(oneLineError(compiled(['analyze', path, '--json'])), `her2scope analyze: ${path}: patient: required: { id, sex?, birthYear?, synthetic?, setting? }`);
});

test('compiled serve: API and OpenAPI (zod schemas) work; no web build means the API only, said on stderr', async () => {
  const webDist = join(repoRoot, 'packages', 'web', 'dist', 'index.html');
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', `sqlite:${join(dir, 'db.sqlite')}`, '--data-dir', join(dir, 'data')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 90_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
    });
    const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean; notice: string };
    assert.deepEqual([health.ok, health.notice], [true, 'For research use; not a medical device.']);
    const openapi = (await (await fetch(`${url}/api/openapi.json`)).json()) as { info: { description: string } };
    assert.equal(openapi.info.description, 'HER2-centred breast-cancer precision-oncology workbench. For research use; not a medical device.');
    assert.ok(JSON.stringify(openapi).includes('The local patient identifier (pseudonym)'), 'zod .describe() texts reach the OpenAPI document');
    if (!existsSync(webDist)) assert.match(err, /the web app is not built .*: serving the API only; build it with 'npm run build' in /);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
});
