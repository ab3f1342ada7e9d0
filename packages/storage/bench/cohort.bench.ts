// Cohort scale benchmark: import a generated cBioPortal study of 100,000 samples and 1,000,000 mutations into
// SQLite (target <= 30 s) and time prevalence queries (target <= 200 ms each). Reference tool in the same run: the
// sqlite3 shell loading the same MAF with `.import` (no validation, no filtering, one index) and answering the same
// overall-prevalence question in SQL; its peak RSS comes from /usr/bin/time -v.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../src/index.ts';
import { importStudy, prevalenceCounts } from '../src/cohort/index.ts';
import { generateStudy } from './gen-study.ts';

const SAMPLES = Number(process.env.COHORT_BENCH_SAMPLES ?? 100_000);
const MUTATIONS = Number(process.env.COHORT_BENCH_MUTATIONS ?? 1_000_000);
const root = resolve(process.cwd(), 'bench-data');
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

function ensureTool(bin: string, pkg: string): boolean {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0) return true;
  let r = spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore' });
  }
  return r.status === 0;
}

const tGen = performance.now();
const study = await generateStudy(root, SAMPLES, MUTATIONS);
console.log(`generated/checked ${study.dir} in ${((performance.now() - tGen) / 1000).toFixed(1)} s (${(statSync(join(study.dir, 'data_mutations.txt')).size / 2 ** 20).toFixed(0)} MiB MAF)`);

const dbPath = join(root, 'cohort-bench.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
const storage = await openDatabase(`sqlite:${dbPath}`);
const t0 = performance.now();
const summary = await importStudy(storage, study.dir);
const importS = (performance.now() - t0) / 1000;
const mutProfile = summary.profiles.find((p) => p.kind === 'mutations')!;
console.log(`import: ${summary.samples.toLocaleString('en-US')} samples, ${mutProfile.rows.toLocaleString('en-US')} MAF rows (${mutProfile.stored.toLocaleString('en-US')} stored after the default Silent/... filter) in ${importS.toFixed(1)} s (target <= 30 s) ${importS <= 30 ? 'OK' : 'OVER TARGET'}`);

const queries = [
  { label: 'ERBB2 overall', q: { alteration: { kind: 'mutation' as const, gene: 'ERBB2' } } },
  { label: 'ERBB2 by SAMPLE_TYPE', q: { alteration: { kind: 'mutation' as const, gene: 'ERBB2' }, groupBy: { kind: 'attribute' as const, attribute: 'SAMPLE_TYPE' } } },
  { label: 'ERBB2 L755S by ER_STATUS', q: { alteration: { kind: 'mutation' as const, gene: 'ERBB2', proteinChange: 'L755S' }, groupBy: { kind: 'attribute' as const, attribute: 'ER_STATUS' } } },
  { label: 'HER2-positive (status) by SAMPLE_TYPE', q: { alteration: { kind: 'her2' as const, category: 'positive' as const }, groupBy: { kind: 'attribute' as const, attribute: 'SAMPLE_TYPE' } } },
];
let worst = 0;
let overall = { k: 0, n: 0 };
for (const { label, q } of queries) {
  await prevalenceCounts(storage, q); // warm-up
  const times: number[] = [];
  let r;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    r = await prevalenceCounts(storage, q);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[2]!;
  worst = Math.max(worst, median);
  if (label === 'ERBB2 overall') overall = r!.table.overall;
  console.log(`query ${label}: median ${median.toFixed(0)} ms of 5 (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)}); overall ${r!.table.overall.k}/${r!.table.overall.n}`);
}
console.log(`prevalence latency: worst median ${worst.toFixed(0)} ms (target <= 200 ms) ${worst <= 200 ? 'OK' : 'OVER TARGET'}`);
await storage.close();
const rss = process.resourceUsage().maxRSS;
console.log(`her2scope peak RSS (generation + import + queries, one process): ${mib(rss)}; database ${(statSync(dbPath).size / 2 ** 20).toFixed(0)} MiB`);

// Reference: the sqlite3 shell.
if (ensureTool('sqlite3', 'sqlite3') && existsSync('/usr/bin/time')) {
  const refDb = join(root, 'cohort-ref.db');
  rmSync(refDb, { force: true });
  const script = join(root, 'cohort-ref.sql');
  writeFileSync(
    script,
    [
      '.mode tabs',
      '.timer on',
      `.import --skip 1 ${join(study.dir, 'data_mutations.txt')} maf`,
      'CREATE INDEX maf_gene ON maf(Hugo_Symbol, Tumor_Sample_Barcode);',
      `SELECT COUNT(DISTINCT Tumor_Sample_Barcode) FROM maf WHERE Hugo_Symbol = 'ERBB2' AND Variant_Classification NOT IN ('Silent','Intron','IGR','3''UTR','5''UTR','3''Flank','5''Flank');`,
      '',
    ].join('\n'),
  );
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', 'sqlite3', refDb], { input: `.read ${script}\n`, encoding: 'utf8' });
  const refS = (performance.now() - t) / 1000;
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const runs = [...(r.stdout + r.stderr).matchAll(/Run Time: real ([\d.]+)/g)].map((m) => Number(m[1]));
  const count = /^(\d+)$/m.exec(r.stdout)?.[1];
  const queryMs = runs.length ? runs[runs.length - 1]! * 1000 : NaN;
  console.log(`reference sqlite3 shell: .import + index + count ${refS.toFixed(1)} s total; its count query ${queryMs.toFixed(0)} ms (ERBB2 samples ${count}, her2scope ${overall.k}); peak RSS ${mib(rssKb)}`);
  console.log(`ratio her2scope import / sqlite3 .import+index: ${(importS / refS).toFixed(2)}x (her2scope also validates every cell, filters, links samples and writes clinical data)`);
  rmSync(refDb, { force: true });
} else {
  console.log('reference sqlite3 shell or /usr/bin/time not available: no reference figures');
}

// Optional: the same import and query on PostgreSQL when DATABASE_URL is set.
if (process.env.DATABASE_URL) {
  const pg = await openDatabase(process.env.DATABASE_URL);
  const tp = performance.now();
  await importStudy(pg, study.dir);
  const pgImport = (performance.now() - tp) / 1000;
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    await prevalenceCounts(pg, { study: 'bench_synthetic', ...queries[1]!.q });
    if (i > 0) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`PostgreSQL (${pg.location}): import ${pgImport.toFixed(1)} s; '${queries[1]!.label}' median ${times[2]!.toFixed(0)} ms`);
  await pg.close();
}
