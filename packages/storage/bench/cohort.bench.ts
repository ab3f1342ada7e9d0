// Cohort scale benchmark (issue 18). Generates a realistic synthetic cBioPortal study (120 GDC MAF columns, case lists
// with _sequenced, two gene panels and a panel matrix; 100,000 samples, 1,000,000 mutations by default), then in the
// same run measures:
// - her2scope's import into SQLite and into PostgreSQL (COPY), each in its own process (peak RSS per process);
// - the reference: the sqlite3 shell's `.import` of the same MAF plus the same index (gene, sample), time and RSS;
// - a grouped prevalence query (ERBB2 by SAMPLE_TYPE, gene-panel denominators) and a two-group comparison
//   (Primary vs Metastasis, Fisher), median of 5 after a warm-up.
// Goals: import <= 1.5x the reference, peak RSS <= 300 MB, grouped query <= 100 ms, comparison <= 150 ms.
// PostgreSQL: DATABASE_URL, or a throwaway cluster from scripts/pg.sh (started and stopped here).
// COHORT_BENCH_SAMPLES / COHORT_BENCH_MUTATIONS change the size.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

interface RunResult {
  importS: number;
  samples: number;
  mafRows: number;
  stored: number;
  redacted: number;
  panels: Record<string, number>;
  overall: [number, number];
  denominator: string;
  groups: Array<[string, number, number]>;
  fisherP: number;
  groupedMs: { median: number; min: number; max: number };
  byErMs: { median: number; min: number; max: number };
  compareMs: { median: number; min: number; max: number };
  maxRssKb: number;
}

function run(url: string, dir: string): RunResult | null {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'cohort-run.ts'), url, dir], { encoding: 'utf8', cwd: repo, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`  run failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RunResult;
}

function report(label: string, r: RunResult, refS: number | null) {
  const ratio = refS ? r.importS / refS : NaN;
  console.log(`${label}: import ${r.importS.toFixed(1)} s${refS ? ` = ${ratio.toFixed(2)}x the reference (goal <= ${GOALS.ratio}x) ${verdict(ratio <= GOALS.ratio)}` : ''}`);
  console.log(`  ${r.samples.toLocaleString('en-US')} samples, ${r.mafRows.toLocaleString('en-US')} MAF rows, ${r.stored.toLocaleString('en-US')} stored (default filter; ${r.redacted} Redacted dropped); panels ${JSON.stringify(r.panels)}`);
  console.log(`  peak RSS ${mb(r.maxRssKb)} (goal <= ${GOALS.rssMb} MB) ${verdict(r.maxRssKb / 1024 <= GOALS.rssMb)}`);
  console.log(`  grouped query ERBB2 by SAMPLE_TYPE: median ${r.groupedMs.median.toFixed(0)} ms (min ${r.groupedMs.min.toFixed(0)}, max ${r.groupedMs.max.toFixed(0)}; goal <= ${GOALS.groupedMs} ms) ${verdict(r.groupedMs.median <= GOALS.groupedMs)}; ${r.groups.map((g) => `${g[0]} ${g[1]}/${g[2]}`).join(', ')}`);
  console.log(`  grouped query ERBB2 L755S by ER_STATUS: median ${r.byErMs.median.toFixed(0)} ms`);
  console.log(`  two-group comparison Primary vs Metastasis: median ${r.compareMs.median.toFixed(0)} ms (goal <= ${GOALS.compareMs} ms) ${verdict(r.compareMs.median <= GOALS.compareMs)}; Fisher p ${r.fisherP.toPrecision(4)}`);
  console.log(`  denominator: ${r.denominator}`);
}

const tGen = performance.now();
const study = generateStudy(root, SAMPLES, MUTATIONS);
const maf = join(study.dir, 'data_mutations.txt');
console.log(`study ${study.dir}: generated/checked in ${((performance.now() - tGen) / 1000).toFixed(1)} s; MAF ${(statSync(maf).size / 2 ** 20).toFixed(0)} MiB, 120 columns`);

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
