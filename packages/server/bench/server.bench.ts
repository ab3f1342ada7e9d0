// Server latency at 64 concurrent clients (autocannon) against the real `her2scope serve` process, on SQLite and on
// PostgreSQL (a throwaway cluster from scripts/pg.sh when DATABASE_URL is not set): a case report
// (GET /api/analyses/<id>/reports/html, ~57 KB) and a patient page (GET /api/patients/<id>: samples, pathology with
// classification, files, treatments, analyses and the latest result), each with the session check and a (coalesced)
// audit event per request. Reference measured in the same run: a bare node:http server returning the report bytes
// (no auth, no database) — the floor for this machine. Prints p50/p95/p99 (from every response time), requests/s, the
// ratio to the reference and the server's peak RSS. Goals (issue 12): patient page p95 <= 100 ms; report p95 <= 50 ms.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '@her2scope/storage';
import { ClinicalStore } from '@her2scope/storage/clinical';
import { createPgDatabase } from '../../storage/test/databases.ts';
import { hashPassword } from '../src/index.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'packages', 'cli', 'bin', 'her2scope.mjs');
const CONNECTIONS = 64;
const DURATION_S = 10;
const PASSWORD = 'bench password 1';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  const times: number[] = [];
  let non2xx = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds, headers }, (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)));
    instance.on('response', (_client, status, _bytes, ms) => {
      times.push(ms);
      if (status < 200 || status >= 300) non2xx++;
    });
  });
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), rps: times.length / seconds, n: times.length, non2xx, errors: result.errors + result.timeouts };
}
type Figures = Awaited<ReturnType<typeof load>>;

/** Start `her2scope serve --load-examples` on `dbUrl`, measure the report and the patient page, stop it. */
async function measure(dbUrl: string, dir: string): Promise<{ report: Figures; page: Figures; reportBody: Buffer; pageBytes: number; rssMiB: number }> {
  const storage = await openDatabase(dbUrl);
  await new ClinicalStore(storage.db).createUser({ username: 'bench', role: 'viewer', passwordHash: await hashPassword(PASSWORD) }, { userId: null, username: 'bench', ip: null });
  await storage.close();
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', dbUrl, '--data-dir', join(dir, 'data'), '--load-examples'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
    });
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    let found: { id: string; analysisId: string } | undefined;
    // Wait for every example analysis (not only SYN-A's): a run still going in a worker would skew the figures.
    for (let i = 0; i < 3000 && !found; i++) {
      const { patients } = (await (await fetch(`${base}/api/patients`, { headers: { cookie } })).json()) as { patients: Array<{ id: string; label: string; lastAnalysis: { id: string; status: string } | null }> };
      const settled = patients.length > 0 && patients.every((p) => p.lastAnalysis && ['done', 'failed'].includes(p.lastAnalysis.status));
      const a = patients.find((p) => p.label.startsWith('SYN-A'));
      if (settled && a?.lastAnalysis?.status === 'done') found = { id: a.id, analysisId: a.lastAnalysis.id };
      else await new Promise((r) => setTimeout(r, 200));
    }
    if (!found) throw new Error('the example analysis did not finish');
    const reportUrl = `${base}/api/analyses/${found.analysisId}/reports/html`;
    const pageUrl = `${base}/api/patients/${found.id}`;
    const reportBody = Buffer.from(await (await fetch(reportUrl, { headers: { cookie } })).arrayBuffer());
    const pageBytes = (await (await fetch(pageUrl, { headers: { cookie } })).arrayBuffer()).byteLength;
    await load(reportUrl, { cookie }, 2); // warm-up
    const report = await load(reportUrl, { cookie }, DURATION_S);
    await load(pageUrl, { cookie }, 2);
    const page = await load(pageUrl, { cookie }, DURATION_S);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    return { report, page, reportBody, pageBytes, rssMiB };
  } finally {
    if (child.exitCode === null) {
      await new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      });
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'her2scope-bench-'));
let startedPg = false;
let pgDb: { url: string; drop(): Promise<void> } | undefined;
try {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pg = spawnSync('bash', [join(root, 'scripts', 'pg.sh'), 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (pg.status !== 0) throw new Error('cannot start PostgreSQL (scripts/pg.sh start)');
    adminUrl = pg.stdout.trim();
    startedPg = true;
  }
  pgDb = await createPgDatabase(adminUrl);
  const results: Array<[string, Awaited<ReturnType<typeof measure>>]> = [];
  const sqliteDir = join(dir, 'sqlite');
  const pgDir = join(dir, 'postgres');
  for (const d of [sqliteDir, pgDir]) mkdirSync(d, { recursive: true });
  results.push(['sqlite', await measure(`sqlite:${join(sqliteDir, 'bench.db')}`, sqliteDir)]);
  results.push(['postgres', await measure(pgDb.url, pgDir)]);

  const body = results[0]![1].reportBody;
  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
  await load(bareUrl, {}, 2);
  const ref = await load(bareUrl, {}, DURATION_S);
  bare.close();

  const f = (x: number) => x.toFixed(1).padStart(7);
  console.log(`report ${(body.length / 1024).toFixed(0)} KiB, patient page ${(results[0]![1].pageBytes / 1024).toFixed(0)} KiB; ${CONNECTIONS} connections x ${DURATION_S} s each (autocannon), same machine`);
  console.log(`                                    p50 ms   p95 ms   p99 ms   req/s  non-2xx  peak RSS`);
  const row = (name: string, x: Figures, rss?: number) => console.log(`${name.padEnd(34)} ${f(x.p50)}  ${f(x.p95)}  ${f(x.p99)}  ${x.rps.toFixed(0).padStart(6)}  ${String(x.non2xx + x.errors).padStart(7)}  ${rss === undefined ? '' : `${rss.toFixed(0)} MiB`}`);
  let failed = false;
  for (const [db, r] of results) {
    row(`report (${db})`, r.report, r.rssMiB);
    row(`patient page (${db})`, r.page);
    if (r.report.non2xx + r.report.errors + r.page.non2xx + r.page.errors > 0) failed = true;
  }
  row('bare node:http reference (report)', ref);
  for (const [db, r] of results) {
    console.log(`${db}: report p95 ${(r.report.p95 / ref.p95).toFixed(2)}x the reference (goal <= 50 ms: ${r.report.p95 <= 50 ? 'met' : 'NOT met'}); patient page p95 ${r.page.p95.toFixed(1)} ms (goal <= 100 ms: ${r.page.p95 <= 100 ? 'met' : 'NOT met'})`);
  }
  if (failed) process.exitCode = 1;
} finally {
  await pgDb?.drop().catch(() => undefined);
  if (startedPg) spawnSync('bash', [join(root, 'scripts', 'pg.sh'), 'stop'], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}
