// Server latency: 64 concurrent clients (autocannon) reading a case report (GET /api/analyses/<id>/reports/html,
// ~57 KB, with the session check and an audit-log insert per request) from the real `her2scope serve` process on
// SQLite. Reference measured in the same run: a bare node:http server returning the same bytes (no auth, no
// database) — the floor for this machine. Prints p50/p95/p99 (from every response time), requests/s, the ratio to
// the reference and the server's peak RSS. Target: p95 <= 50 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '@her2scope/storage';
import { ClinicalStore } from '@her2scope/storage/clinical';
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
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ url, connections: CONNECTIONS, duration: seconds, headers }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client, status, _bytes, ms) => {
      times.push(ms);
      if (status < 200 || status >= 300) non2xx++;
    });
  });
  void instance;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), rps: times.length / seconds, n: times.length, non2xx, errors: result.errors + result.timeouts };
}

const dir = mkdtempSync(join(tmpdir(), 'her2scope-bench-'));
const dbUrl = `sqlite:${join(dir, 'bench.db')}`;
let child: ChildProcess | undefined;
try {
  const storage = await openDatabase(dbUrl);
  await new ClinicalStore(storage.db).createUser({ username: 'bench', role: 'viewer', passwordHash: await hashPassword(PASSWORD) }, { userId: null, username: 'bench', ip: null });
  await storage.close();

  child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', dbUrl, '--data-dir', join(dir, 'data'), '--load-examples'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child!.stdout!.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child!.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: PASSWORD }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  let analysisId: string | undefined;
  for (let i = 0; i < 600 && !analysisId; i++) {
    const { patients } = (await (await fetch(`${base}/api/patients?q=SYN-A`, { headers: { cookie } })).json()) as { patients: Array<{ lastAnalysis: { id: string; status: string } | null }> };
    if (patients[0]?.lastAnalysis?.status === 'done') analysisId = patients[0].lastAnalysis.id;
    else await new Promise((r) => setTimeout(r, 100));
  }
  if (!analysisId) throw new Error('the example analysis did not finish');
  const reportUrl = `${base}/api/analyses/${analysisId}/reports/html`;
  const body = Buffer.from(await (await fetch(reportUrl, { headers: { cookie } })).arrayBuffer());

  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;

  await load(reportUrl, { cookie }, 2); // warm-up
  const server = await load(reportUrl, { cookie }, DURATION_S);
  await load(bareUrl, {}, 2);
  const ref = await load(bareUrl, {}, DURATION_S);
  bare.close();

  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  const f = (x: number) => x.toFixed(1).padStart(6);
  console.log(`report size ${(body.length / 1024).toFixed(0)} KiB; ${CONNECTIONS} connections x ${DURATION_S} s each (autocannon), same machine`);
  console.log(`                          p50 ms  p95 ms  p99 ms   req/s  non-2xx`);
  console.log(`her2scope serve (sqlite) ${f(server.p50)}  ${f(server.p95)}  ${f(server.p99)}  ${server.rps.toFixed(0).padStart(6)}  ${server.non2xx + server.errors}`);
  console.log(`bare node:http reference ${f(ref.p50)}  ${f(ref.p95)}  ${f(ref.p99)}  ${ref.rps.toFixed(0).padStart(6)}  ${ref.non2xx + ref.errors}`);
  console.log(`p95 ratio to the reference: ${(server.p95 / ref.p95).toFixed(2)}x; throughput ratio ${(ref.rps / server.rps).toFixed(2)}x`);
  console.log(`server peak RSS ${hwm.toFixed(0)} MiB (VmHWM); target p95 <= 50 ms: ${server.p95 <= 50 ? 'met' : 'NOT met'}`);
  if (server.non2xx + server.errors > 0) process.exitCode = 1;
} finally {
  if (child && child.exitCode === null) {
    await new Promise<void>((r) => {
      child!.once('exit', () => r());
      child!.kill('SIGTERM');
    });
  }
  rmSync(dir, { recursive: true, force: true });
}
