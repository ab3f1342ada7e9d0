#!/usr/bin/env node
// `npm run demo`: runs the main job on the bundled SYNTHETIC examples with the real `her2scope` binary.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const bin = join('packages', 'cli', 'bin', 'her2scope.mjs');
const run = (args) => {
  console.log(`\n$ her2scope ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

console.log('her2scope demo on bundled SYNTHETIC examples. For research use; not a medical device.');
for (const f of readdirSync(join('examples', 'pathology')).sort()) run(['classify', '--input', join('examples', 'pathology', f)]);
