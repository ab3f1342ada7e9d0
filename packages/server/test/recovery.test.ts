/**
 * Robustness: the real `her2scope serve` process is killed (SIGKILL) in the middle of an upload and in the middle of
 * an analysis. After a restart there is no half record: the partial upload is gone and has no row; the interrupted
 * analysis is resumed once and completes; a run interrupted again is marked failed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '@her2scope/storage';
import { ClinicalStore } from '@her2scope/storage/clinical';
import { buildServer, hashPassword } from '../src/index.ts';
import { examplesDir, PASSWORD, repoRoot } from './helpers.ts';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');

interface Running {
  child: ChildProcess;
  url: string;
}

function serve(dir: string): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', `sqlite:${join(dir, 'db.sqlite')}`, '--data-dir', join(dir, 'data')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function session(url: string) {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return { cookie, csrfToken, call };
}

describe('crash recovery (real server process, SIGKILL)', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'her2scope-recovery-'));
    const storage = await openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    await new ClinicalStore(storage.db).createUser({ username: 'admin', role: 'admin', passwordHash: await hashPassword(PASSWORD) }, { userId: null, username: 'test', ip: null });
    await storage.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('killed during an upload: the partial file streamed to disk is removed on restart and has no record', async () => {
    const server = await serve(dir);
    const s = await session(server.url);
    const p = await s.call('POST', '/api/patients', { label: 'KILL-UPLOAD' });
    const sm = await s.call('POST', `/api/patients/${p.json.patient.id}/samples`, { label: 'K1', type: 'primary', site: 'breast', collected: '2020-01-01' });
    const boundary = '----killtest';
    const req = request(`${server.url}/api/samples/${sm.json.sample.id}/files?kind=regions`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('error', () => undefined); // the server dies under it
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bed"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const line = Buffer.from('chr17\t39687914\t39730426\tERBB2\t300\n'.repeat(2048)); // 80 KiB
    const tmp = join(dir, 'data', 'tmp');
    let partial: { name: string; size: number } | undefined;
    for (let i = 0; i < 200 && !partial; i++) {
      req.write(line);
      await new Promise((r) => setTimeout(r, 10));
      const part = readdirSync(tmp).find((n) => n.endsWith('.part'));
      if (part && statSync(join(tmp, part)).size > 1024 * 1024) partial = { name: part, size: statSync(join(tmp, part)).size };
    }
    assert.ok(partial, 'the upload is written to disk while it arrives (streamed, not buffered)');
    await kill(server.child);
    req.destroy();
    assert.ok(readdirSync(tmp).includes(partial.name), 'the partial file is still there after the kill');

    const storage = await openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    const app = await buildServer({ db: storage, dataDir: join(dir, 'data'), webRoot: null });
    try {
      assert.deepEqual(readdirSync(tmp), [], 'partial uploads are removed on start');
      assert.equal((await app.her2scope.store.listFiles(p.json.patient.id)).length, 0, 'no file record');
      const audit = await app.her2scope.store.listAudit({ limit: 1000 });
      assert.ok(!audit.some((a) => a.action === 'file.upload'), 'no audit line for an upload that did not happen');
    } finally {
      await app.close();
      await storage.close();
    }
  });

  test('killed during an analysis: on restart the run is resumed once and completes; interrupted again, it is marked failed', async () => {
    const server = await serve(dir);
    const s = await session(server.url);
    const p = await s.call('POST', '/api/patients', { label: 'KILL-ANALYSIS' });
    const pid = p.json.patient.id as string;
    const sm = await s.call('POST', `/api/patients/${pid}/samples`, { label: 'M1', type: 'metastasis', site: 'liver', collected: '2019-02-01' });
    const form = new FormData();
    form.append('file', new Blob([readFileSync(join(examplesDir, 'a-liver.vcf.gz'))]), 'a-liver.vcf.gz');
    const up = await fetch(`${server.url}/api/samples/${sm.json.sample.id}/files?kind=variants&tumor=TUMOR&normal=NORMAL`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken }, body: form });
    assert.equal(up.status, 201);
    const a = await s.call('POST', `/api/patients/${pid}/analyses`);
    const id = a.json.analysis.id as string;
    let status = 'queued';
    for (let i = 0; i < 400 && status !== 'running'; i++) {
      status = (await s.call('GET', `/api/analyses/${id}`)).json.analysis.status;
      if (status === 'done') break;
      if (status !== 'running') await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(status, 'running', 'caught the analysis while it runs (the worker takes about a second to start)');
    await kill(server.child);

    const storage = await openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    const store = new ClinicalStore(storage.db);
    const interrupted = await store.getAnalysis(id);
    assert.equal(interrupted!.status, 'running');
    assert.equal(await store.getAnalysisResult(id), null, 'no result stored for a run that did not finish');
    assert.equal((await store.listReportFormats(id)).length, 0);
    const app = await buildServer({ db: storage, dataDir: join(dir, 'data'), webRoot: null });
    try {
      await app.her2scope.runner.whenIdle();
      const resumed = await store.getAnalysis(id);
      assert.equal(resumed!.status, 'done', resumed!.error ?? '');
      assert.equal(resumed!.attempts, 2);
      const result = (await store.getAnalysisResult(id)) as { samples: Array<{ findings: Array<{ gene: string; alteration: string }> }> };
      assert.ok(result.samples[0]!.findings.some((f) => f.gene === 'ERBB2' && f.alteration === 'p.L755S'));
      assert.deepEqual(await store.listReportFormats(id), ['fhir', 'html', 'json', 'patient']);
      // A second interruption (simulated: the row is left running after its 2nd attempt) is not retried again.
      const again = await store.createAnalysis({ patientId: pid, kbVersion: 'k', codeVersion: 'c', input: await store.getAnalysisInput(id) }, { userId: null, username: null, ip: null });
      await storage.db.updateTable('clin_analyses' as never).set({ status: 'running', attempts: 2 } as never).where('id' as never, '=', again.id as never).execute();
      await app.close();
      const app2 = await buildServer({ db: storage, dataDir: join(dir, 'data'), webRoot: null });
      await app2.her2scope.runner.whenIdle();
      const failed = await store.getAnalysis(again.id);
      assert.equal(failed!.status, 'failed');
      assert.equal(failed!.error, 'interrupted 2 times by a server restart; not retried');
      assert.equal(await store.getAnalysisResult(again.id), null);
      await app2.close();
    } finally {
      await app.close();
      await storage.close();
    }
  });
});
