#!/usr/bin/env node
// `npm run bench`: builds (scripts/build.mjs), then runs every packages/*/bench/*.bench.ts in turn and prints their
// figures. The bench files run from the TypeScript sources (through tsx, under the her2scope-source condition); the
// `her2scope` binary they start runs the compiled dist/, as users run it. Speed and memory targets live here, never in
// timed tests. Extra arguments filter by file path.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync('packages').sort()) {
  const dir = join('packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.ts')) files.push(join(dir, f));
}
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
let failed = 0;
for (const f of files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--conditions=her2scope-source', '--import', 'tsx', f], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
