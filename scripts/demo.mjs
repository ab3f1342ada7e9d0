#!/usr/bin/env node
// `npm run demo`: runs the main job on the bundled SYNTHETIC examples with the real `her2scope` binary:
// classification of an example pathology block, the longitudinal analysis of each example case with all five
// reports, a Fisher comparison, and finally the HTTP API + web app on an embedded SQLite database with the example
// patients loaded (skipped with DEMO_NO_SERVE=1, and under CI). For research use; not a medical device.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RESEARCH_USE_NOTICE } from '@her2scope/core/notice';

const bin = join('packages', 'cli', 'bin', 'her2scope.mjs');
const run = (args, { quiet = false } = {}) => {
  console.log(`\n$ her2scope ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

console.log(`her2scope demo on bundled SYNTHETIC examples. ${RESEARCH_USE_NOTICE}`);
spawnSync('bash', [join('scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
for (const f of readdirSync(join('examples', 'pathology')).sort()) run(['classify', '--input', join('examples', 'pathology', f)]);
const cases = readdirSync(join('examples', 'cases')).filter((f) => f.endsWith('.yaml')).sort();
for (const f of cases) {
  run(['analyze', join('examples', 'cases', f)]);
  run(['analyze', join('examples', 'cases', f), '--out', join('demo-output', f.replace(/\.yaml$/, ''))]);
}
// Example e (issue 16: reads, copy number, serial ctDNA) sits in its own folder with its BAM and copy-number files.
run(['analyze', join('examples', 'cases', 'e-ctdna', 'e-ctdna.yaml')]);
run(['analyze', join('examples', 'cases', 'e-ctdna', 'e-ctdna.yaml'), '--out', join('demo-output', 'e-ctdna')]);
run(['cohort', 'compare', '--group-a', '8/14', '--group-b', '11/13']);
console.log(`\nReports for each example case are in ${resolve('demo-output')}/<case>/ (report.html, report.pdf, patient-summary.html, fhir-bundle.json, analysis.json).`);

if (process.env.DEMO_NO_SERVE || process.env.CI) process.exit(0);
console.log('\nStarting the web app with the example patients (Ctrl-C to stop)...');
const server = spawn(process.execPath, [bin, 'serve', '--db', `sqlite:${join('demo-output', 'her2scope.db')}`, '--data-dir', join('demo-output', 'server-data'), '--load-examples', '--port', process.env.PORT ?? '8080'], { stdio: 'inherit' });
server.on('exit', (code) => process.exit(code ?? 0));
process.on('SIGINT', () => server.kill('SIGINT'));
