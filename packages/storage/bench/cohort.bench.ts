// Cohort scale benchmark (issue 18). Generates a realistic synthetic cBioPortal study (120 GDC MAF columns, case lists
// with _sequenced, two gene panels and a panel matrix; 100,000 samples, 1,000,000 mutations by default), then in the
// same run measures:
// - her2scope's import into SQLite and into PostgreSQL (COPY): `her2scope cohort import`, the compiled CLI as users
//   run it, each in its own process (time and peak RSS of that process);
// - the reference: the sqlite3 shell's `.import` of the same MAF plus the same index (gene, sample), time and RSS;
// - a grouped prevalence query (ERBB2 by SAMPLE_TYPE, gene-panel denominators) and a two-group comparison
//   (Primary vs Metastasis, Fisher), median of 5 after a warm-up.
// Goals: import <= 1.5x the reference, peak RSS <= 300 MB, grouped query <= 100 ms, comparison <= 150 ms.
// PostgreSQL: DATABASE_URL, or a throwaway cluster from scripts/pg.sh (started and stopped here).
// COHORT_BENCH_SAMPLES / COHORT_BENCH_MUTATIONS change the size.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateStudy } from './gen-study.ts';

const SAMPLES = Number(process.env.COHORT_BENCH_SAMPLES ?? 100_000);
const MUTATIONS = Number(process.env.COHORT_BENCH_MUTATIONS ?? 1_000_000);
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const root = resolve(process.cwd(), 'bench-data');
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const GOALS = { ratio: 1.5, rssMb: 300, groupedMs: 100, compareMs: 150 };
const verdict = (ok: boolean) => (ok ? 'OK' : 'OVER GOAL');

function ensureSqlite3(): boolean {
  if (spawnSync('sh', ['-c', 'command -v sqlite3']).status === 0) return true;
  // Debian package; needs root (the bench machine's setup).
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  return spawnSync('apt-get', ['install', '-y', '-qq', 'sqlite3'], { stdio: 'ignore' }).status === 0;
}

interface QueryResult {
  overall: [number, number];
  denominator: string;
  groups: Array<[string, number, number]>;
  fisherP: number;
  groupedMs: { median: number; min: number; max: number };
  byErMs: { median: number; min: number; max: number };
  compareMs: { median: number; min: number; max: number };
  maxRssKb: number;
}

interface RunResult extends QueryResult {
  importS: number;
  stages: ImportJson['stages'];
  importRssKb: number;
  samples: number;
  mafRows: number;
  stored: number;
  redacted: number;
  panels: Record<string, number>;
}

interface ImportJson {
  samples: number;
  stages: Array<{ stage: string; seconds: number; cpuSeconds: number; parts?: Record<string, number> }>;
  profiles: Array<{ kind: string; rows: number; stored: number; redacted?: number; panels?: Record<string, number> }>;
}

/**
 * The import as users run it: `her2scope cohort import` (the compiled CLI, built by scripts/bench.mjs) in its own
 * process under /usr/bin/time (wall time and peak RSS of that process). The queries then run in another process
 * (cohort-run.ts) on the imported database.
 */
function run(url: string, dir: string): RunResult | null {
  const t = performance.now();
  const imp = spawnSync('/usr/bin/time', ['-v', process.execPath, join(repo, 'packages', 'cli', 'bin', 'her2scope.mjs'), 'cohort', 'import', dir, '--db', url, '--json'], { encoding: 'utf8', cwd: repo, maxBuffer: 1 << 26 });
  const importS = (performance.now() - t) / 1000;
  if (imp.status !== 0) {
    console.log(`  import failed (${imp.status}): ${imp.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  const importRssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(imp.stderr)?.[1] ?? NaN);
  const summary = JSON.parse(imp.stdout) as ImportJson;
  const mut = summary.profiles.find((p) => p.kind === 'mutations');
  if (!mut) throw new Error('the bench study has no mutation profile');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'cohort-run.ts'), url], { encoding: 'utf8', cwd: repo, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`  queries failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  const q = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as QueryResult;
  return { ...q, importS, importRssKb, stages: summary.stages, samples: summary.samples, mafRows: mut.rows, stored: mut.stored, redacted: mut.redacted ?? 0, panels: mut.panels ?? {} };
}

function report(label: string, r: RunResult, refS: number | null) {
  const ratio = refS ? r.importS / refS : NaN;
  console.log(`${label}: import (her2scope cohort import) ${r.importS.toFixed(1)} s${refS ? ` = ${ratio.toFixed(2)}x the reference (goal <= ${GOALS.ratio}x) ${verdict(ratio <= GOALS.ratio)}` : ''}`);
  console.log(`  ${r.samples.toLocaleString('en-US')} samples, ${r.mafRows.toLocaleString('en-US')} MAF rows, ${r.stored.toLocaleString('en-US')} stored (default filter; ${r.redacted} Redacted dropped); panels ${JSON.stringify(r.panels)}`);
  console.log(`  peak RSS of the import ${mb(r.importRssKb)} (goal <= ${GOALS.rssMb} MB) ${verdict(r.importRssKb / 1024 <= GOALS.rssMb)}; of the query process ${mb(r.maxRssKb)}`);
  console.log(`  grouped query ERBB2 by SAMPLE_TYPE: median ${r.groupedMs.median.toFixed(0)} ms (min ${r.groupedMs.min.toFixed(0)}, max ${r.groupedMs.max.toFixed(0)}; goal <= ${GOALS.groupedMs} ms) ${verdict(r.groupedMs.median <= GOALS.groupedMs)}; ${r.groups.map((g) => `${g[0]} ${g[1]}/${g[2]}`).join(', ')}`);
  console.log(`  grouped query ERBB2 L755S by ER_STATUS (counted live): median ${r.byErMs.median.toFixed(0)} ms`);
  console.log(`  two-group comparison Primary vs Metastasis: median ${r.compareMs.median.toFixed(0)} ms (min ${r.compareMs.min.toFixed(0)}, max ${r.compareMs.max.toFixed(0)}; goal <= ${GOALS.compareMs} ms) ${verdict(r.compareMs.median <= GOALS.compareMs)}; Fisher p ${r.fisherP.toPrecision(4)}`);
  console.log(`  denominator: ${r.denominator}`);
  // Where the import's time went (CPU = the her2scope process; PostgreSQL's own work shows as wall time only).
  const stages = r.stages.filter((x) => x.seconds >= 0.05);
  console.log(`  import stages, wall s (CPU s): ${stages.map((x) => `${x.stage} ${x.seconds.toFixed(1)} (${x.cpuSeconds.toFixed(1)})${x.parts ? ` [${Object.entries(x.parts).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}]` : ''}`).join('; ')}`);
}

const tGen = performance.now();
const study = generateStudy(root, SAMPLES, MUTATIONS);
const maf = join(study.dir, 'data_mutations.txt');
console.log(`study ${study.dir}: generated/checked in ${((performance.now() - tGen) / 1000).toFixed(1)} s; MAF ${(statSync(maf).size / 2 ** 20).toFixed(0)} MiB, 120 columns`);
// The ratio is only meaningful on a quiet machine: under load the reference slows far more than the import.
console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(', ')} on ${cpus().length} CPUs`);

// Reference first: the sqlite3 shell, .import of the MAF plus the same (gene, sample) index.
let refS: number | null = null;
if (ensureSqlite3() && existsSync('/usr/bin/time')) {
  const refDb = join(root, 'cohort-ref.db');
  rmSync(refDb, { force: true });
  const script = join(root, 'cohort-ref.sql');
  writeFileSync(script, ['.mode tabs', `.import --skip 1 ${maf} maf`, 'CREATE INDEX maf_gene ON maf(Hugo_Symbol, Tumor_Sample_Barcode);', ''].join('\n'));
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', 'sqlite3', refDb], { input: `.read ${script}\n`, encoding: 'utf8' });
  refS = (performance.now() - t) / 1000;
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  console.log(`reference sqlite3 ${spawnSync('sqlite3', ['--version'], { encoding: 'utf8' }).stdout.split(' ')[0]}: .import + index ${refS.toFixed(1)} s, peak RSS ${mb(rssKb)}${r.status ? ` (exit ${r.status})` : ''}`);
  rmSync(refDb, { force: true });
} else {
  console.log('reference: sqlite3 shell or /usr/bin/time not available (and could not be installed): no ratio');
}

const dbPath = join(root, 'cohort-bench.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
const sqliteRun = run(`sqlite:${dbPath}`, study.dir);
if (sqliteRun) report('her2scope on SQLite', sqliteRun, refS);
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });

let url = process.env.DATABASE_URL;
let started = false;
if (!url) {
  const pg = spawnSync('bash', [join(repo, 'scripts', 'pg.sh'), 'start'], { encoding: 'utf8' });
  if (pg.status === 0) {
    url = pg.stdout.trim();
    started = true;
  } else console.log(`PostgreSQL: could not start a throwaway cluster (${pg.stderr.trim().split('\n').pop()}); set DATABASE_URL`);
}
if (url) {
  try {
    const pgRun = run(url, study.dir);
    if (pgRun) report('her2scope on PostgreSQL (COPY)', pgRun, refS);
  } finally {
    if (started) spawnSync('bash', [join(repo, 'scripts', 'pg.sh'), 'stop'], { stdio: 'ignore' });
  }
}
if (!sqliteRun) process.exit(1);
