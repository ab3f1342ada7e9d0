/**
 * Concurrency, limits and the audit log through the HTTP API, on SQLite and PostgreSQL (issue 12):
 * 20 parallel signs give one 200 and one audit line; 20 parallel pathology saves and 20 analysis requests all store
 * with consecutive versions; the per-user analysis quota and the queue bound answer 429; repeated reads are
 * coalesced while every change keeps its own line; 401s and CSRF refusals are audited without patient data; no
 * analysis input is ever written to disk.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends, examplesDir, loggedIn, startServer, uniq, type TestServer } from './helpers.ts';

for (const backend of backends()) {
  describe(`limits and concurrency on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(backend, { analysisQuotaPerUser: 25, analysisQueueLimit: 50, loginRateLimit: { max: 1000, windowMs: 60_000 } });
    });
    after(async () => s?.close());

    const patientWithSample = async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const p = (await admin.post('/api/patients', { label: `LIM-${uniq()}` })).json().patient;
      const sample = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      return { admin, p, sample };
    };

    test('the cached patient page follows every change at once (treatment, comment, pathology, sign, analysis)', async () => {
      const { admin, p, sample } = await patientWithSample();
      const page = async () => (await admin.get(`/api/patients/${p.id}`)).json();
      assert.equal((await page()).treatments.length, 0);
      assert.equal((await page()).treatments.length, 0, 'second read: from the cache');
      await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'letrozole', start: '2020-02-01' });
      assert.deepEqual((await page()).treatments.map((t: { drug: string }) => t.drug), ['letrozole']);
      await admin.post(`/api/patients/${p.id}/comments`, { body: 'board: discuss' });
      assert.equal((await page()).comments.length, 1);
      await admin.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '3+', stainedPercent: 80 } });
      assert.equal((await page()).samples[0].classification.her2.category, 'HER2-positive');
      await admin.post(`/api/samples/${sample.id}/pathology/sign`);
      assert.equal((await page()).samples[0].pathology.signedBy, s.users.admin);
      await admin.post(`/api/patients/${p.id}/samples`, { label: 'S2', type: 'metastasis', site: 'liver', collected: '2021-01-02' });
      assert.equal((await page()).samples.length, 2);
      const a = (await admin.post(`/api/patients/${p.id}/analyses`)).json().analysis;
      assert.deepEqual((await page()).analyses.map((x: { id: string; status: string }) => x.id), [a.id]);
      await s.app.her2scope.store.failAnalysis(a.id, 'stopped by the test');
      assert.equal((await page()).analyses[0].status, 'failed', 'a change made by the runner (not a route) too');
    });

    test('20 parallel signs: exactly one 200 and one audit line', async () => {
      const { sample } = await patientWithSample();
      const path = await loggedIn(s.app, s.users.pathologist);
      assert.equal((await path.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '2+' } })).statusCode, 201);
      const answers = await Promise.all(Array.from({ length: 20 }, () => path.post(`/api/samples/${sample.id}/pathology/sign`)));
      assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, ...Array<number>(19).fill(409)]);
      assert.ok(answers.filter((r) => r.statusCode === 409).every((r) => r.json().error === 'already-signed'));
      const lines = (await s.app.her2scope.store.listAudit({ limit: 1000, entityId: sample.id })).filter((a) => a.action === 'pathology.sign');
      assert.equal(lines.length, 1);
    });

    test('20 parallel pathology saves: all 201, versions 1..20', async () => {
      const { sample } = await patientWithSample();
      const path = await loggedIn(s.app, s.users.pathologist);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => path.put(`/api/samples/${sample.id}/pathology`, { er: { percent: i } })));
      assert.deepEqual(answers.map((r) => r.statusCode), Array<number>(20).fill(201));
      assert.deepEqual(answers.map((r) => r.json().pathology.version).sort((a: number, b: number) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal((await s.app.her2scope.store.listAudit({ limit: 1000, entityId: sample.id })).filter((a) => a.action === 'pathology.enter').length, 20, 'every change keeps its own line');
    });

    test('20 parallel analysis requests: all 202, versions 1..20', async () => {
      const { admin, p, sample } = await patientWithSample();
      await admin.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '1+' } });
      const answers = await Promise.all(Array.from({ length: 20 }, () => admin.post(`/api/patients/${p.id}/analyses`)));
      assert.deepEqual(answers.map((r) => r.statusCode), Array<number>(20).fill(202), answers.map((r) => r.body).join('\n'));
      assert.deepEqual(answers.map((r) => r.json().analysis.version).sort((a: number, b: number) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
      await s.app.her2scope.runner.stop(); // the runs themselves are not this test's subject (20 worker threads)
    });

    test("repeated reads are coalesced: 300 views of one patient by one viewer are at most 2 lines with the count", async () => {
      const { p } = await patientWithSample();
      const viewer = await loggedIn(s.app, s.users.viewer);
      for (let i = 0; i < 300; i++) assert.equal((await viewer.get(`/api/patients/${p.id}`)).statusCode, 200);
      await s.app.her2scope.auditReads.flush({ all: true });
      const views = (await s.app.her2scope.store.listAudit({ limit: 1000, entityId: p.id })).filter((a) => a.action === 'patient.view' && a.username === s.users.viewer);
      assert.deepEqual(views.map((v) => v.count).sort((a, b) => a - b), [1, 299]);
      assert.equal((await s.app.her2scope.store.verifyAudit()).ok, true);
    });

    test('401s and CSRF refusals are audited (route pattern, no path or patient data), coalesced', async () => {
      const { p } = await patientWithSample();
      for (let i = 0; i < 50; i++) assert.equal((await s.app.inject({ method: 'GET', url: `/api/patients/${p.id}` })).statusCode, 401);
      const admin = await loggedIn(s.app, s.users.admin);
      for (let i = 0; i < 5; i++) assert.equal((await admin.request('POST', `/api/patients/${p.id}/comments`, { body: 'x' }, { 'x-csrf-token': 'wrong' })).statusCode, 403);
      await s.app.her2scope.auditReads.flush({ all: true });
      const all = await s.app.her2scope.store.listAudit({ limit: 1000 });
      const unauth = all.filter((a) => a.action === 'access.unauthenticated' && a.entityId === 'GET /api/patients/:id');
      assert.equal(unauth.reduce((n, a) => n + a.count, 0), 50);
      assert.ok(unauth.length <= 2);
      const csrf = all.filter((a) => a.action === 'access.csrf' && a.username === s.users.admin);
      assert.deepEqual(csrf.map((a) => [a.entityId, a.outcome]), csrf.map(() => ['POST /api/patients/:id/comments', 'denied']));
      assert.equal(csrf.reduce((n, a) => n + a.count, 0), 5);
      assert.ok(unauth.every((a) => a.userId === null && a.outcome === 'denied'));
    });
  });
}

describe('analysis quota and queue bound', () => {
  test('per-user quota and the queue limit answer 429', async () => {
    const s = await startServer(backends()[0]!, { analysisQuotaPerUser: 2, analysisQueueLimit: 3 });
    try {
      const admin = await loggedIn(s.app, s.users.admin);
      const mol = await loggedIn(s.app, s.users.molecular);
      const onc = await loggedIn(s.app, s.users.oncologist);
      const p = (await admin.post('/api/patients', { label: `Q-${uniq()}` })).json().patient;
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      await admin.put(`/api/samples/${sm.id}/pathology`, { her2: { ihc: '1+' } });
      const url = `/api/patients/${p.id}/analyses`;
      const [a1, a2, a3, m1, o1] = await Promise.all([admin.post(url), admin.post(url), admin.post(url), mol.post(url), onc.post(url)]);
      assert.deepEqual([a1, a2, a3, m1, o1].map((r) => r.statusCode), [202, 202, 429, 202, 429]);
      assert.equal(a3.json().error, 'analysis-quota');
      assert.equal(a3.json().message, 'you have 2 analyses queued or running; wait for one to finish');
      assert.equal(o1.json().error, 'analysis-queue-full');
      await s.app.her2scope.runner.whenIdle();
      assert.equal((await admin.post(url)).statusCode, 202, 'slots are freed when runs finish');
      await s.app.her2scope.runner.whenIdle();
    } finally {
      await s.close();
    }
  });

  test('no analysis input on disk: 10 runs (4 failing) leave nothing in the data directory but the uploads', async () => {
    const s = await startServer(backends()[0]!, { analysisQuotaPerUser: 20 });
    try {
      const admin = await loggedIn(s.app, s.users.admin);
      const label = `DISK-${uniq()}`;
      const p = (await admin.post('/api/patients', { label })).json().patient;
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      await admin.put(`/api/samples/${sm.id}/pathology`, { her2: { ihc: '1+' } });
      const bad = (await admin.post('/api/patients', { label: `${label}-BAD` })).json().patient;
      const bsm = (await admin.post(`/api/patients/${bad.id}/samples`, { label: 'B1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      const vcf = readFileSync(join(examplesDir, 'a-primary.vcf'), 'utf8').replace(/\n(?!#)([^\n]*)\n?$/, (_m, last: string) => `\n${last.split('\t').slice(0, 5).join('\t')}\n`);
      assert.equal((await admin.upload(`/api/samples/${bsm.id}/files?kind=variants&tumor=TUMOR&normal=NORMAL`, 'broken.vcf', vcf)).statusCode, 201);
      const tmp = join(s.dataDir, 'tmp');
      const seen = new Set<string>();
      const watch = setInterval(() => {
        if (existsSync(tmp)) for (const n of readdirSync(tmp)) seen.add(n);
      }, 5);
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await admin.post(`/api/patients/${i % 5 < 3 ? p.id : bad.id}/analyses`);
        assert.equal(r.statusCode, 202, r.body);
        ids.push(r.json().analysis.id);
      }
      await s.app.her2scope.runner.whenIdle();
      clearInterval(watch);
      const statuses = await Promise.all(ids.map(async (id) => (await s.app.her2scope.store.getAnalysis(id))!.status));
      assert.deepEqual([...statuses].sort(), [...Array<string>(6).fill('done'), ...Array<string>(4).fill('failed')].sort());
      assert.deepEqual(readdirSync(tmp), [], 'tmp/ is empty');
      assert.deepEqual([...seen], [], 'nothing was ever written to tmp/ while the runs went on');
      const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
      const files = walk(s.dataDir);
      assert.deepEqual(files.map((f) => f.slice(s.dataDir.length)).filter((f) => !/^\/files\/[0-9a-f]{2}\/[0-9a-f]{64}\.vcf$/.test(f) && !/^\/reports\/[0-9a-f-]{36}\.pdf$/.test(f)), [], 'only the uploads and the printed reports of the finished runs');
      // The printed reports of finished runs are outputs kept for download (like the database), not analysis input.
      for (const f of files.filter((x) => !x.includes('/reports/'))) assert.ok(!readFileSync(f, 'utf8').includes(label), `${f} holds the patient label`);
    } finally {
      await s.close();
    }
  });
});
