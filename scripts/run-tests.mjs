#!/usr/bin/env node
// Runs every test file (packages/*/test/**/*.test.ts) with Node's built-in test runner through tsx, from the
// TypeScript sources: NODE_OPTIONS carries `--conditions=her2scope-source --import tsx`, so the test processes and every
// Node process they start (the `her2scope` binary, servers, worker threads) resolve the workspace packages to src/,
// never to a possibly stale dist/.
// Node 20's `--test` takes no glob patterns, so the files are listed here. Extra arguments filter by path.
// PostgreSQL: when DATABASE_URL is not set, a throwaway cluster is started with scripts/pg.sh (which installs
// PostgreSQL from Debian when missing) and stopped afterwards, so the storage, server and cohort suites always run
// against both SQLite and PostgreSQL. HER2SCOPE_NO_PG=1 skips that (and the PostgreSQL tests then fail, by design).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync('packages')) {
  try {
    walk(join('packages', pkg, 'test'), files);
  } catch {
    // package without tests
  }
}
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// tsx by absolute URL: the processes the tests start often run in a temp folder, where a bare `tsx` is not found.
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=her2scope-source --import ${import.meta.resolve('tsx')}`.trim() };
let startedPg = false;
if (!env.DATABASE_URL && env.HER2SCOPE_NO_PG !== '1') {
  const pg = spawnSync('bash', ['scripts/pg.sh', 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (pg.status !== 0) {
    console.error('run-tests: could not start PostgreSQL (scripts/pg.sh start); set DATABASE_URL or HER2SCOPE_NO_PG=1');
    process.exit(2);
  }
  env.DATABASE_URL = pg.stdout.trim();
  startedPg = true;
}
const r = spawnSync(process.execPath, ['--test', '--test-force-exit', '--test-concurrency=2', ...selected], { stdio: 'inherit', env });
if (startedPg) spawnSync('bash', ['scripts/pg.sh', 'stop'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
