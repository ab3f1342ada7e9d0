/**
 * Cohort API (issue 17) on SQLite and PostgreSQL: an admin imports the synthetic cBioPortal study as a folder
 * upload; any logged-in role reads prevalence (the same counts as the storage tests), comparisons, oncoprint and
 * lollipop; hostile upload names, oversize uploads and non-admins are refused.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends, loggedIn, repoRoot, startServer, uniq, type Client, type TestServer } from './helpers.ts';

const studyDir = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'cbioportal', 'synthetic_her2');

function studyFiles(dir: string, prefix = ''): Array<{ name: string; content: Buffer }> {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? studyFiles(join(dir, n), `${prefix}${n}/`) : [{ name: `${prefix}${n}`, content: readFileSync(join(dir, n)) }]));
}

function uploadStudy(c: Client, files: Array<{ name: string; content: Buffer | string }>) {
  const boundary = `----h2s${uniq()}`;
  const body = Buffer.concat([
    ...files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: text/plain\r\n\r\n`), Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content), Buffer.from('\r\n')]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return c.app.inject({ method: 'POST', url: '/api/cohort/studies', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: c.cookie!, 'x-csrf-token': c.csrf! }, payload: body });
}

for (const backend of backends()) {
  describe(`cohort API on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(backend, { loginRateLimit: { max: 1000, windowMs: 60_000 }, cohortUploadLimitBytes: 2 * 1024 * 1024 });
    });
    after(async () => s?.close());

    test('import: admin only; hostile names, a missing meta_study.txt and oversize uploads are refused and leave nothing', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const onc = await loggedIn(s.app, s.users.oncologist);
      const files = studyFiles(studyDir).map((f) => ({ ...f, name: `synthetic_her2/${f.name}` }));
      assert.equal((await uploadStudy(onc, files)).statusCode, 403);
      for (const bad of ['../meta_study.txt', '/etc/passwd', 'a/b/c/d.txt', 'x/..', 'meta study.txt', 'a\\b.txt']) {
        const r = await uploadStudy(admin, [{ name: bad, content: 'x' }]);
        assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
        assert.equal(r.json().field, 'files');
      }
      const mixed = await uploadStudy(admin, [{ name: 'a/meta_study.txt', content: 'x' }, { name: 'b/data.txt', content: 'y' }]);
      assert.equal(mixed.json().message, 'the files come from different folders: upload one study folder');
      assert.equal((await uploadStudy(admin, [{ name: 'data_cna.txt', content: 'x' }])).json().message, 'the upload has no meta_study.txt: upload the whole study folder');
      const big = await uploadStudy(admin, [{ name: 'meta_study.txt', content: Buffer.alloc(3 * 1024 * 1024, 0x61) }]);
      assert.equal(big.statusCode, 413);
      assert.deepEqual(readdirSync(join(s.dataDir, 'tmp')), [], 'no upload left behind');
      assert.equal((await admin.get('/api/cohort/studies')).json().studies.length, 0);
    });

    test('import the study folder, then prevalence with CIs, comparison, oncoprint and lollipop for any role', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const files = studyFiles(studyDir).map((f) => ({ ...f, name: `synthetic_her2/${f.name}` }));
      const r = await uploadStudy(admin, files);
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.json().summary.study, 'synthetic_her2');
      assert.deepEqual(readdirSync(join(s.dataDir, 'tmp')), [], 'upload folder removed');
      assert.deepEqual((await s.app.her2scope.store.listAudit({ limit: 5 })).filter((a) => a.action === 'cohort.import').map((a) => a.entityId), ['synthetic_her2']);

      const viewer = await loggedIn(s.app, s.users.viewer);
      const studies = (await viewer.get('/api/cohort/studies')).json().studies;
      assert.deepEqual(studies.map((x: { identifier: string }) => x.identifier), ['synthetic_her2']);
      const prev = (await viewer.get('/api/cohort/prevalence?gene=ERBB2&by=SAMPLE_TYPE')).json();
      assert.deepEqual([prev.overall.k, prev.overall.n], [19, 27]);
      assert.ok(Math.abs(prev.overall.ci95[0] - 0.515193170358519) < 1e-12 && Math.abs(prev.overall.ci95[1] - 0.841469595302202) < 1e-12, 'Wilson CI as R prop.test(19, 27, correct = FALSE)');
      assert.deepEqual(prev.groups.map((g: { group: string; k: number; n: number }) => [g.group, g.k, g.n]), [['Primary', 8, 14], ['Recurrence', 11, 13]]);
      const her2 = (await viewer.get('/api/cohort/prevalence?her2=positive')).json();
      assert.deepEqual([her2.overall.k, her2.overall.n], [3, 9]);
      const cmp = (await viewer.get('/api/cohort/compare?gene=ERBB2&by=SAMPLE_TYPE&groupA=Primary&groupB=Recurrence')).json();
      assert.deepEqual([cmp.groupA, cmp.groupB], [['Primary'], ['Recurrence']]);
      assert.deepEqual([cmp.a.k, cmp.a.n, cmp.b.k, cmp.b.n], [8, 14, 11, 13]);
      const unknown = await viewer.get('/api/cohort/prevalence?gene=ERBBX');
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json().field, 'gene');
      assert.equal(unknown.json().message, 'gene: unknown gene ERBBX; did you mean ERBB2?');
      assert.equal((await viewer.get('/api/cohort/prevalence?gene=ERBB2&cna=sideways')).statusCode, 400);
      assert.equal((await viewer.get('/api/cohort/compare?gene=ERBB2&by=SAMPLE_TYPE&groupA=Primary&groupB=Nowhere')).statusCode, 400);

      const onco = (await viewer.get('/api/cohort/oncoprint?genes=ERBB2,PIK3CA')).json();
      assert.deepEqual(onco.genes, ['ERBB2', 'PIK3CA']);
      assert.equal(onco.samples.length, 27);
      assert.equal(new Set(onco.cells.filter((c: { gene: string; mutations: string[] }) => c.gene === 'ERBB2' && c.mutations.length > 0).map((c: { sample: string }) => c.sample)).size, 19);
      const svg = await viewer.get('/api/cohort/oncoprint?genes=ERBB2&format=svg');
      assert.equal(svg.headers['content-type'], 'image/svg+xml; charset=utf-8');
      assert.match(svg.body, /^<svg /);
      assert.equal(svg.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'");
      const lolli = (await viewer.get('/api/cohort/lollipop?gene=ERBB2')).json();
      assert.equal(lolli.gene, 'ERBB2');
      assert.ok(lolli.mutations.some((m: { proteinChange: string }) => m.proteinChange === 'L755S'));
      assert.match((await viewer.get('/api/cohort/lollipop?gene=ERBB2&format=svg')).body, /L755S/);
      // Re-import replaces the study; the viewer may not import.
      assert.equal((await uploadStudy(viewer, files)).statusCode, 403);
      assert.equal((await uploadStudy(admin, files)).json().summary.replaced, true);
    });
  });
}
