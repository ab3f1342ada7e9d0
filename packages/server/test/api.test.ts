/**
 * The HTTP API against a real database: SQLite in a temp dir and PostgreSQL (npm test starts it; never skipped in CI).
 * Authentication (401 on every protected route), CSRF, roles (a viewer cannot write anything), the login rate
 * limit, the clinical workflow up to an analysis with an acquired ERBB2 mutation and its reports, versioned
 * analyses, upload limits and checks, and an audit log without patient data.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnalysisResultSchema } from '@her2scope/core';
import { AnalysisResponseSchema, PatientDetailSchema, PatientListSchema } from '@her2scope/core/api';
import { backends, Client, examplesDir, loggedIn, PASSWORD, startServer, uniq, type TestServer } from './helpers.ts';

type OpenApi = { paths: Record<string, Record<string, { security?: unknown[] }>> };

const FAKE_ID = '00000000-0000-4000-8000-000000000000';
const concrete = (path: string) => path.replace(/\{id\}/g, FAKE_ID).replace(/\{format\}/g, 'html');

for (const backend of backends()) {
  describe(`API on ${backend.name}`, () => {
    let s: TestServer;
    let routes: Array<{ method: string; path: string; secured: boolean }>;

    before(async () => {
      s = await startServer(backend, { loginRateLimit: { max: 1000, windowMs: 60_000 } });
      const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApi>();
      routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([m]) => m !== 'head').map(([method, op]) => ({ method: method.toUpperCase(), path, secured: Array.isArray(op.security) && op.security.length > 0 })));
    });
    after(async () => s?.close());

    test('the OpenAPI document lists the API with its security schemes', async () => {
      const r = await s.app.inject({ method: 'GET', url: '/api/openapi.json' });
      assert.equal(r.statusCode, 200);
      const doc = r.json();
      assert.equal(doc.openapi, '3.0.3');
      assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['csrf', 'session']);
      for (const p of ['/api/patients', '/api/patients/{id}', '/api/samples/{id}/files', '/api/analyses/{id}/reports/{format}', '/api/audit', '/api/auth/login']) assert.ok(doc.paths[p], p);
      // Request bodies come from the zod schemas.
      assert.deepEqual(doc.paths['/api/patients'].post.requestBody.content['application/json'].schema.required, ['label']);
      // Responses of the patient, analysis and result routes come from the contract (core analysis/schema.ts, api/).
      const json200 = (path: string, method: string, code: string) => doc.paths[path][method].responses[code].content['application/json'].schema;
      const detail = json200('/api/patients/{id}', 'get', '200');
      assert.deepEqual(detail.required, ['patient', 'analysisStale', 'staleChanges', 'samples', 'treatments', 'comments', 'analyses', 'latest', 'notice']);
      // Issue 17's correction and staleness fields are part of the contract (the web app imports these types).
      assert.deepEqual(detail.properties.patient.required, ['id', 'label', 'sex', 'birthYear', 'synthetic', 'createdAt', 'status', 'enteredInError', 'revision', 'updatedAt']);
      assert.deepEqual(detail.properties.staleChanges.items.properties.entity.enum, ['patient', 'sample', 'pathology', 'file', 'treatment', 'input']);
      const latest = (detail.properties.latest.anyOf ?? [detail.properties.latest]).find((x: { properties?: unknown }) => x.properties);
      assert.deepEqual(latest.required, ['analysis', 'stale', 'changes', 'supersededBy', 'result', 'reports']);
      assert.deepEqual(detail.properties.samples.items.properties.files.items.properties.status.enum, ['active', 'entered-in-error']);
      assert.deepEqual(json200('/api/analyses/{id}', 'get', '200').required, ['analysis', 'current', 'stale', 'changes', 'supersededBy', 'result', 'reports']);
      assert.deepEqual(json200('/api/patients', 'get', '200').properties.patients.items.required.slice(-2), ['samples', 'lastAnalysis']);
      assert.deepEqual(json200('/api/auth/session', 'get', '200').required, ['user', 'csrfToken', 'notice']);
      assert.deepEqual(json200('/api/audit', 'get', '200').properties.entries.items.required.at(-1), 'count');
      const result = json200('/api/analyses/{id}', 'get', '200').properties.result;
      const options = (result.anyOf ?? [result]).find((x: { properties?: unknown }) => x.properties).properties.therapyOptions.items;
      assert.deepEqual(options.required, ['id', 'therapy', 'drugs', 'level', 'reasons', 'citations', 'warnings', 'setting', 'context', 'support', 'basis']);
      assert.deepEqual(json200('/api/patients/{id}/analyses', 'post', '202').required, ['analysis']);
      assert.equal(routes.length, 39);
    });

    test('every protected route answers 401 without a session, and never runs its handler', async () => {
      const patientsBefore = (await s.app.her2scope.store.listPatients({ limit: 1000 })).length;
      const secured = routes.filter((r) => r.secured);
      assert.equal(secured.length, 37);
      for (const r of secured) {
        const res = await s.app.inject({ method: r.method as 'GET', url: concrete(r.path), ...(r.method === 'GET' ? {} : { payload: { label: 'x' } }) });
        assert.equal(res.statusCode, 401, `${r.method} ${r.path}: ${res.body}`);
        assert.equal(res.json().error, 'unauthenticated');
      }
      // A forged cookie is no session either.
      const res = await s.app.inject({ method: 'GET', url: '/api/patients', headers: { cookie: 'h2s_session=forged-token' } });
      assert.equal(res.statusCode, 401);
      assert.equal((await s.app.her2scope.store.listPatients({ limit: 1000 })).length, patientsBefore, 'nothing was created');
    });

    test('login: wrong password 401 (audited without the attempted name), right password sets an HttpOnly SameSite cookie', async () => {
      const c = new Client(s.app);
      const bad = await c.login(s.users.viewer, 'wrong password!');
      assert.equal(bad.statusCode, 401);
      assert.equal(bad.json().error, 'bad-credentials');
      const unknown = await c.login('no-such-user-typed-a-password', 'whatever1');
      assert.equal(unknown.statusCode, 401);
      const ok = await c.login(s.users.viewer);
      assert.equal(ok.statusCode, 200);
      const cookie = String(ok.headers['set-cookie']);
      assert.match(cookie, /^h2s_session=[A-Za-z0-9_-]{43}; /);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.match(cookie, /Path=\//);
      assert.deepEqual(ok.json().user.permissions, ['read']);
      const session = await c.get('/api/auth/session');
      assert.equal(session.statusCode, 200);
      assert.equal(session.json().csrfToken, c.csrf);
      const audit = await s.app.her2scope.store.listAudit({ limit: 10 });
      const logins = audit.filter((a) => a.action === 'login');
      assert.deepEqual(logins.slice(0, 3).map((a) => a.outcome), ['ok', 'failed', 'failed']);
      assert.equal(logins[1]!.username, null, 'an unknown user name is not recorded');
      assert.equal(logins[2]!.username, s.users.viewer);
      assert.ok(!JSON.stringify(audit).includes('no-such-user-typed-a-password'));
    });

    test('the database keeps only the SHA-256 of the session token; logout ends the session', async () => {
      const c = await loggedIn(s.app, s.users.oncologist);
      const token = c.cookie!.split('=')[1]!;
      const rows = await s.storage.db.selectFrom('sessions' as never).selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(token));
      assert.equal((await c.post('/api/auth/logout')).statusCode, 200);
      assert.equal((await c.get('/api/patients')).statusCode, 401);
    });

    test('CSRF: a state change without the session token, or with a wrong one, is refused with 403', async () => {
      const c = await loggedIn(s.app, s.users.admin);
      const none = await c.request('POST', '/api/patients', { label: `CSRF-${uniq()}` }, { 'x-csrf-token': '' });
      assert.equal(none.statusCode, 403);
      assert.equal(none.json().error, 'csrf');
      const wrong = await c.request('POST', '/api/patients', { label: `CSRF-${uniq()}` }, { 'x-csrf-token': 'A'.repeat(43) });
      assert.equal(wrong.statusCode, 403);
      const other = await loggedIn(s.app, s.users.pathologist);
      const crossed = await c.request('POST', '/api/patients', { label: `CSRF-${uniq()}` }, { 'x-csrf-token': other.csrf! });
      assert.equal(crossed.statusCode, 403, "another session's token does not work");
      assert.equal((await s.app.her2scope.store.listPatients({ q: 'CSRF-' })).length, 0);
    });

    test('a viewer cannot write: every state-changing route answers 403 and is audited as denied', async () => {
      const viewer = await loggedIn(s.app, s.users.viewer);
      const writes = routes.filter((r) => r.secured && r.method !== 'GET' && !['/api/auth/logout', '/api/classify', '/api/auth/password', '/api/auth/sessions/{id}'].includes(r.path));
      assert.equal(writes.length, 18);
      const before = (await s.app.her2scope.store.listAudit({ limit: 1000 })).length;
      for (const r of writes) {
        const res = await viewer.request(r.method as 'POST', concrete(r.path), { label: 'x' });
        assert.equal(res.statusCode, 403, `${r.method} ${r.path}: ${res.body}`);
        assert.equal(res.json().error, 'forbidden');
      }
      // Admin-only reads too.
      assert.equal((await viewer.get('/api/audit')).statusCode, 403);
      assert.equal((await viewer.get('/api/users')).statusCode, 403);
      const denied = (await s.app.her2scope.store.listAudit({ limit: 1000 })).slice(0, writes.length + 2);
      assert.equal((await s.app.her2scope.store.listAudit({ limit: 1000 })).length - before, writes.length + 2);
      assert.ok(denied.every((a) => a.action === 'access.denied' && a.outcome === 'denied' && a.username === s.users.viewer));
      assert.deepEqual(denied.map((a) => a.entityId).filter((e) => e === 'POST /api/patients').length, 1);
      // Reading is allowed.
      assert.equal((await viewer.get('/api/patients')).statusCode, 200);
    });

    test('roles: pathologist enters pathology but cannot upload; molecular uploads but cannot enter pathology; oncologist records treatments', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const p = (await admin.post('/api/patients', { label: `ROLES-${uniq()}` })).json().patient;
      const sample = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      const path = await loggedIn(s.app, s.users.pathologist);
      const mol = await loggedIn(s.app, s.users.molecular);
      const onc = await loggedIn(s.app, s.users.oncologist);
      assert.equal((await path.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '2+' } })).statusCode, 201);
      assert.equal((await mol.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '2+' } })).statusCode, 403);
      assert.equal((await path.upload(`/api/samples/${sample.id}/files?kind=regions`, 'panel.bed', 'chr17\t1\t100\n')).statusCode, 403);
      assert.equal((await mol.upload(`/api/samples/${sample.id}/files?kind=regions`, 'panel.bed', 'chr17\t1\t100\n')).statusCode, 201);
      assert.equal((await onc.post(`/api/patients/${p.id}/treatments`, { drug: 'letrozole', start: '2020-02-01' })).statusCode, 201);
      assert.equal((await path.post(`/api/patients/${p.id}/treatments`, { drug: 'letrozole', start: '2020-02-01' })).statusCode, 403);
      assert.equal((await onc.post(`/api/patients/${p.id}/comments`, { body: 'discuss at the board' })).statusCode, 201);
      assert.equal((await onc.post('/api/patients', { label: `X-${uniq()}` })).statusCode, 403);
    });

    test('validation: bodies, queries and ids are checked and the error names the field', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const extra = await admin.post('/api/patients', { label: 'P', mrn: '123' });
      assert.equal(extra.statusCode, 400);
      assert.equal(extra.json().message, 'Mrn is not a field of this request');
      assert.ok(!extra.body.includes('123'), 'the unknown field\'s value is not echoed');
      const hostile = await admin.post('/api/patients', { label: '<script>alert(1)</script>' });
      assert.equal(hostile.statusCode, 400);
      assert.equal(hostile.json().field, 'label');
      assert.equal((await admin.get('/api/patients/not-a-uuid')).json().field, 'id');
      assert.equal((await admin.get(`/api/patients/${FAKE_ID}`)).statusCode, 404);
      const p = (await admin.post('/api/patients', { label: `VAL-${uniq()}` })).json().patient;
      const badDate = await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2021-02-30' });
      assert.equal(badDate.statusCode, 400);
      assert.equal(badDate.json().message, 'Collection date is not a real calendar date');
      const badSite = await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'spleen', collected: '2021-02-03' });
      assert.equal(badSite.json().field, 'site');
      const sample = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2021-02-03' })).json().sample;
      assert.equal((await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2021-02-03' })).statusCode, 409);
      // Contradictory pathology is refused by the classification engine, naming the field.
      const contradictory = await admin.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '3+', stainedPercent: 5 } });
      assert.equal(contradictory.statusCode, 400);
      assert.equal(contradictory.json().error, 'invalid-input');
      assert.match(contradictory.json().message, /her2\.stainedPercent/);
      const outOfRange = await admin.put(`/api/samples/${sample.id}/pathology`, { er: { percent: 140 } });
      assert.equal(outOfRange.json().field, 'er.percent');
      assert.equal((await admin.post(`/api/samples/${sample.id}/pathology/sign`)).statusCode, 409, 'nothing to sign yet');
      // Search treats LIKE wildcards literally.
      assert.equal((await admin.get('/api/patients?q=%25')).json().patients.length, 0);
      assert.equal((await admin.get(`/api/patients?q=${encodeURIComponent(p.label.toLowerCase())}`)).json().patients.length, 1);
    });

    test('labels refuse bidi overrides, zero-width and control characters; comments refuse NUL', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const hostile = ['P-\u202Eevil', 'P-\u2066x\u2069', 'P\u200B1', 'P\uFEFF2', 'P\u00003', 'P\u007F4', 'P\u00855', 'P\u061C6', 'P\u200F7', 'P\u20608'];
      for (const label of hostile) {
        const r = await admin.post('/api/patients', { label });
        assert.equal(r.statusCode, 400, JSON.stringify(label));
        assert.equal(r.json().message, 'Label may not contain control, bidirectional-override or zero-width characters');
      }
      assert.equal((await admin.post('/api/patients', { label: `Müller-Lüdenscheidt ${uniq()}` })).statusCode, 201, 'letters of any script are fine');
      const p = (await admin.post('/api/patients', { label: `BIDI-${uniq()}` })).json().patient;
      assert.equal((await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'trastuzumab\u202E', start: '2020-01-01' })).json().field, 'drug');
      const nul = await admin.post(`/api/patients/${p.id}/comments`, { body: 'ok\u0000hidden' });
      assert.equal(nul.statusCode, 400);
      assert.equal(nul.json().message, 'Comment may not contain NUL characters');
      assert.equal((await admin.post(`/api/patients/${p.id}/comments`, { body: 'line one\nline two\tand a tab' })).statusCode, 201);
    });

    test('pathology is versioned and signed; the patient page shows the classification with its rule trail', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const path = await loggedIn(s.app, s.users.pathologist);
      const p = (await admin.post('/api/patients', { label: `PATH-${uniq()}` })).json().patient;
      const sample = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'B1', type: 'primary', site: 'breast', collected: '2022-05-06' })).json().sample;
      const v1 = await path.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '2+' } });
      assert.equal(v1.json().classification.her2.category, 'pending');
      const v2 = await path.put(`/api/samples/${sample.id}/pathology`, { her2: { ihc: '2+', ish: { her2: 4.6, cep17: 2.6 } }, er: { percent: 5 }, pr: { percent: 0 } });
      assert.equal(v2.statusCode, 201);
      assert.equal(v2.json().pathology.version, 2);
      const signed = await path.post(`/api/samples/${sample.id}/pathology/sign`);
      assert.equal(signed.statusCode, 200);
      assert.equal(signed.json().pathology.signedBy, s.users.pathologist);
      assert.equal((await path.post(`/api/samples/${sample.id}/pathology/sign`)).json().error, 'already-signed');
      const detail = (await path.get(`/api/patients/${p.id}`)).json();
      const smp = detail.samples[0];
      assert.equal(smp.pathologyVersions, 2);
      assert.equal(smp.pathology.version, 2);
      assert.equal(smp.classification.her2.category, 'HER2-low');
      assert.equal(smp.classification.her2.ishGroup, 4);
      assert.equal(smp.classification.er.status, 'low-positive');
      const rules = smp.classification.her2.rules as Array<{ id: string; source: string }>;
      assert.deepEqual(rules.map((r) => r.id).slice(0, 2), ['her2.ihc.2+', 'her2.ish.dual.group4']);
      assert.match(rules[1]!.source, /^ASCO\/CAP HER2 testing guideline 2018 .*Fig\. 3/);
      // The stateless classification endpoint gives the same answer.
      const live = await path.post('/api/classify', { her2: { ihc: '2+', ish: { her2: 4.6, cep17: 2.6 } }, er: { percent: 5 }, pr: { percent: 0 } });
      assert.deepEqual(live.json().classification, smp.classification);
    });

    test('uploads: streamed with their SHA-256, unreadable files refused with the reader message, over-limit refused with nothing left behind', async () => {
      const small = await startServer(backend, { uploadLimitBytes: 1024 });
      try {
        const admin = await loggedIn(small.app, small.users.admin);
        const p = (await admin.post('/api/patients', { label: `UP-${uniq()}` })).json().patient;
        const sample = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'U1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
        const bed = 'chr17\t39687914\t39730426\tERBB2\t300\n';
        const ok = await admin.upload(`/api/samples/${sample.id}/files?kind=regions`, '../../etc/passwd.bed', bed);
        assert.equal(ok.statusCode, 201);
        const f = ok.json().file;
        assert.equal(f.size, Buffer.byteLength(bed));
        assert.equal(f.sha256, createHash('sha256').update(bed).digest('hex'));
        assert.equal(f.originalName, 'passwd.bed', 'the client path is dropped');
        const stored = readFileSync(join(small.dataDir, 'files', f.sha256.slice(0, 2), `${f.sha256}.bed`), 'utf8');
        assert.equal(stored, bed);
        const download = await admin.get(`/api/files/${f.id}`);
        assert.equal(download.body, bed);
        assert.equal(download.headers['x-checksum-sha256'], f.sha256);

        const big = await admin.upload(`/api/samples/${sample.id}/files?kind=regions`, 'big.bed', 'x'.repeat(4096));
        assert.equal(big.statusCode, 413);
        assert.equal(big.json().error, 'too-large');

        const unannotated = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n17\t39724730\t.\tT\tC\t.\tPASS\t.\n';
        const refused = await admin.upload(`/api/samples/${sample.id}/files?kind=variants`, 'plain.vcf', unannotated);
        assert.equal(refused.statusCode, 400);
        assert.match(refused.json().message, /^plain\.vcf.*(VEP|SnpEff)/);
        const badKind = await admin.upload(`/api/samples/${sample.id}/files?kind=pictures`, 'x.png', 'x');
        assert.equal(badKind.json().field, 'kind');
        const notMultipart = await admin.post(`/api/samples/${sample.id}/files?kind=regions`, { file: 'x' });
        assert.equal(notMultipart.statusCode, 415);

        const rows = await small.app.her2scope.store.listFiles(p.id);
        assert.equal(rows.length, 1, 'only the accepted file has a record');
        assert.deepEqual(readdirSync(join(small.dataDir, 'tmp')), [], 'no partial upload left');
      } finally {
        await small.close();
      }
    });

    test('FlowJo workspace upload: parsed before it is kept, its own size limit, group/sample only with it; the analysis matches the FCS by its uploaded name and FlowJo\'s counts come out', async () => {
      const fixtures = join(examplesDir, '..', '..', 'packages', 'formats', 'test', 'fixtures', 'flowjo');
      const admin = await loggedIn(s.app, s.users.admin);
      const p = (await admin.post('/api/patients', { label: `WSP-${uniq()}`, synthetic: true })).json().patient;
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'W1', type: 'primary', site: 'breast', collected: '2021-05-06' })).json().sample;
      const bad = await admin.upload(`/api/samples/${sm.id}/files?kind=flowjo-workspace`, 'lab.wsp', '<Workspace><SampleList></SampleList></Workspace>');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /^lab\.wsp: .*no samples/);
      const notXml = await admin.upload(`/api/samples/${sm.id}/files?kind=flowjo-workspace`, 'junk.wsp', 'FCS3.1 not a workspace');
      assert.equal(notXml.statusCode, 400);
      assert.match(notXml.json().message, /^junk\.wsp: /);
      const misplaced = await admin.upload(`/api/samples/${sm.id}/files?kind=cytometry&group=All%20Samples`, 'x.fcs', 'x');
      assert.equal(misplaced.statusCode, 400);
      assert.equal(misplaced.json().field, 'querystring.group');
      const fcs = await admin.upload(`/api/samples/${sm.id}/files?kind=cytometry`, 'data_set_simple_line_100.fcs', readFileSync(join(fixtures, 'data_set_simple_line_100.fcs')));
      assert.equal(fcs.statusCode, 201, fcs.body);
      const ws = await admin.upload(`/api/samples/${sm.id}/files?kind=flowjo-workspace&group=All%20Samples`, 'single_ellipse_51_events.wsp', readFileSync(join(fixtures, 'single_ellipse_51_events.wsp')));
      assert.equal(ws.statusCode, 201, ws.body);
      assert.equal(ws.json().file.kind, 'flowjo-workspace');
      assert.deepEqual(ws.json().file.options, { group: 'All Samples' });
      assert.match(readdirSync(join(s.dataDir, 'files', ws.json().file.sha256.slice(0, 2))).join(' '), /\.wsp/);
      const a = (await admin.post(`/api/patients/${p.id}/analyses`)).json().analysis;
      await s.app.her2scope.runner.whenIdle();
      const r = (await admin.get(`/api/analyses/${a.id}`)).json();
      assert.equal(r.analysis.status, 'done', r.analysis.error);
      const cyto = r.result.samples[0].cytometry;
      assert.deepEqual(
        cyto.populations.map((x: { name: string; path: string; count: number; workspaceCount: number }) => [x.name, x.path, x.count, x.workspaceCount]),
        [['ellipse1', '', 51, 51]],
      );
      assert.ok(cyto.notes.some((n: string) => n === "FlowJo workspace single_ellipse_51_events.wsp: sample 'data_set_simple_line_100.fcs', 1 populations."), cyto.notes.join('\n'));
      // The workspace gets a limit of its own (the smaller of 64 MiB and the server's upload limit).
      const small = await startServer(backend, { uploadLimitBytes: 1024 });
      try {
        const a2 = await loggedIn(small.app, small.users.admin);
        const p2 = (await a2.post('/api/patients', { label: `WSP-${uniq()}` })).json().patient;
        const s2 = (await a2.post(`/api/patients/${p2.id}/samples`, { label: 'W2', type: 'primary', site: 'breast', collected: '2021-05-06' })).json().sample;
        const big = await a2.upload(`/api/samples/${s2.id}/files?kind=flowjo-workspace`, 'big.wsp', readFileSync(join(fixtures, 'single_ellipse_51_events.wsp')));
        assert.equal(big.statusCode, 413);
        assert.deepEqual(readdirSync(join(small.dataDir, 'tmp')), [], 'no partial upload left');
      } finally {
        await small.close();
      }
    });

    test('clinical workflow: two biopsies, analysis in a worker, acquired ERBB2 L755S, reports; a re-run is a new version', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const mol = await loggedIn(s.app, s.users.molecular);
      const label = `FLOW-${uniq()}`;
      const p = (await admin.post('/api/patients', { label, sex: 'F', birthYear: 1961, synthetic: true })).json().patient;
      const primary = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'PRIM', type: 'primary', site: 'breast', collected: '2016-03-02' })).json().sample;
      const liver = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'LIV', type: 'metastasis', site: 'liver', collected: '2019-02-01' })).json().sample;
      await admin.put(`/api/samples/${primary.id}/pathology`, { her2: { ihc: '1+' }, er: { percent: 95 }, pr: { percent: 40 } });
      await admin.put(`/api/samples/${liver.id}/pathology`, { her2: { ihc: '1+' }, er: { percent: 90 }, pr: { percent: 5 } });
      const up = async (sampleId: string, kind: string, file: string, query = '') => {
        const r = await mol.upload(`/api/samples/${sampleId}/files?kind=${kind}${query}`, file, readFileSync(join(examplesDir, file)));
        assert.equal(r.statusCode, 201, r.body);
        return r.json().file;
      };
      await up(primary.id, 'variants', 'a-primary.vcf', '&tumor=TUMOR&normal=NORMAL');
      await up(primary.id, 'regions', 'panel.bed');
      await up(liver.id, 'variants', 'a-liver.vcf.gz', '&tumor=TUMOR&normal=NORMAL');
      await up(liver.id, 'regions', 'panel.bed');
      await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'letrozole', start: '2016-04-01', end: '2019-01-10', response: 'progression' });

      const queued = await mol.post(`/api/patients/${p.id}/analyses`);
      assert.equal(queued.statusCode, 202);
      const a1 = queued.json().analysis;
      assert.equal(a1.version, 1);
      assert.equal(a1.status, 'queued');
      await s.app.her2scope.runner.whenIdle();
      const done = (await mol.get(`/api/analyses/${a1.id}`)).json();
      assert.equal(done.analysis.status, 'done', done.analysis.error);
      assert.equal(done.analysis.progress, 1);
      assert.equal(done.analysis.kbVersion, s.app.her2scope.kbVersion);
      assert.equal(done.analysis.codeVersion, 'her2scope 0.1.0');
      assert.deepEqual(done.reports, ['fhir', 'html', 'json', 'patient', 'pdf']);
      const livS = done.result.samples.find((x: { id: string }) => x.id === 'LIV');
      const erbb2 = livS.findings.find((f: { gene: string }) => f.gene === 'ERBB2');
      assert.equal(erbb2.alteration, 'p.L755S');
      assert.equal(erbb2.origin, 'acquired');
      assert.equal(erbb2.originSample, 'PRIM');
      assert.equal(livS.findings.find((f: { gene: string }) => f.gene === 'PIK3CA').origin, 'pre-existing');
      assert.ok(done.result.changes.some((c: { kind: string; detail: string }) => c.kind === 'acquired-variant' && /L755S/.test(c.detail) && /letrozole/.test(c.detail)));
      assert.equal(done.result.patient.id, label);
      assert.deepEqual(AnalysisResultSchema.parse(done.result), done.result);
      assert.ok(done.result.therapyOptions.every((o: { basis: string[] }) => o.basis.length > 0));

      const input = (await mol.get(`/api/analyses/${a1.id}/input`)).json().input;
      assert.equal(input.samples.length, 2);
      assert.equal(input.samples[0].variants.file.name, 'a-primary.vcf');
      assert.equal(input.samples[0].pathologyVersion, 1);

      const html = await mol.get(`/api/analyses/${a1.id}/reports/html`);
      assert.equal(html.statusCode, 200);
      assert.match(html.headers['content-type'] as string, /^text\/html/);
      assert.match(html.headers['content-security-policy'] as string, /default-src 'none'/);
      assert.match(html.body, /L755S/);
      assert.match(html.body, /not a medical device/i);
      const again = await mol.request('GET', `/api/analyses/${a1.id}/reports/html`, undefined, { 'if-none-match': html.headers.etag as string });
      assert.equal(again.statusCode, 304);
      const fhir = await mol.get(`/api/analyses/${a1.id}/reports/fhir?download=1`);
      assert.equal(fhir.json().resourceType, 'Bundle');
      assert.match(fhir.headers['content-disposition'] as string, /^attachment; filename="fhir-bundle.json"/);
      const json = await mol.get(`/api/analyses/${a1.id}/reports/json`);
      assert.deepEqual(json.json(), done.result);
      assert.match((await mol.get(`/api/analyses/${a1.id}/reports/patient`)).body, /L755S|HER2/);

      // Re-run: a new version; the first run's record and result stay as they were.
      await admin.put(`/api/samples/${liver.id}/pathology`, { her2: { ihc: '3+', stainedPercent: 80 }, er: { percent: 90 }, pr: { percent: 5 } });
      const a2 = (await mol.post(`/api/patients/${p.id}/analyses`)).json().analysis;
      assert.equal(a2.version, 2);
      await s.app.her2scope.runner.whenIdle();
      const first = (await mol.get(`/api/analyses/${a1.id}`)).json();
      const second = (await mol.get(`/api/analyses/${a2.id}`)).json();
      assert.deepEqual(first.result, done.result);
      assert.equal(first.analysis.finishedAt, done.analysis.finishedAt);
      assert.equal(second.result.samples.find((x: { id: string }) => x.id === 'LIV').classification.her2.category, 'HER2-positive');
      assert.equal(first.result.samples.find((x: { id: string }) => x.id === 'LIV').classification.her2.category, 'HER2-low');
      const detail = (await mol.get(`/api/patients/${p.id}`)).json();
      // The routes send exactly the contract: parsing strips nothing (a field the contract lacks would vanish here).
      assert.deepEqual(PatientDetailSchema.parse(detail), detail);
      assert.deepEqual(AnalysisResponseSchema.parse(second), second);
      assert.equal(second.current, true);
      assert.equal(first.current, false);
      assert.equal(first.supersededBy, a2.id);
      const listed = (await mol.get('/api/patients')).json();
      assert.deepEqual(PatientListSchema.parse(listed), listed);
      assert.ok(listed.patients.some((x: { id: string; status: string; revision: number }) => x.id === p.id && x.status === 'active' && x.revision === 1));
      assert.deepEqual(detail.analyses.map((a: { version: number }) => a.version), [2, 1]);
      assert.equal(detail.latest.analysis.id, a2.id);

      // A report of an unfinished or unknown run.
      assert.equal((await mol.get(`/api/analyses/${FAKE_ID}/reports/html`)).statusCode, 404);
    });

    test('a patient without samples cannot be analysed (400 naming why)', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const p = (await admin.post('/api/patients', { label: `EMPTY-${uniq()}` })).json().patient;
      const r = await admin.post(`/api/patients/${p.id}/analyses`);
      assert.equal(r.statusCode, 400);
      assert.match(r.json().message, /samples: a case needs at least one sample/);
    });

    test('a failing analysis is stored as failed with the reader message (file name, not the server path)', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const p = (await admin.post('/api/patients', { label: `FAIL-${uniq()}` })).json().patient;
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'F1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      // A VCF whose header passes the upload check but whose record is broken.
      const vcf = readFileSync(join(examplesDir, 'a-primary.vcf'), 'utf8').replace(/\n(?!#)([^\n]*)\n?$/, (_m, last: string) => `\n${last.split('\t').slice(0, 5).join('\t')}\n`);
      const up = await admin.upload(`/api/samples/${sm.id}/files?kind=variants&tumor=TUMOR&normal=NORMAL`, 'broken.vcf', vcf);
      assert.equal(up.statusCode, 201, up.body);
      const a = (await admin.post(`/api/patients/${p.id}/analyses`)).json().analysis;
      await s.app.her2scope.runner.whenIdle();
      const r = (await admin.get(`/api/analyses/${a.id}`)).json();
      assert.equal(r.analysis.status, 'failed');
      assert.match(r.analysis.error, /broken\.vcf:\d+/);
      assert.ok(!r.analysis.error.includes(s.dataDir), r.analysis.error);
    });

    test('the audit log records who did what to which record, and holds no patient data', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const marker = `AUDIT-${uniq()}`;
      const p = (await admin.post('/api/patients', { label: marker, sex: 'F', birthYear: 1937 })).json().patient;
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: `${marker}-S`, type: 'primary', site: 'breast', collected: '2011-11-11' })).json().sample;
      await admin.put(`/api/samples/${sm.id}/pathology`, { her2: { ihc: '1+' }, er: { percent: 77.7 } });
      await admin.upload(`/api/samples/${sm.id}/files?kind=regions`, `${marker}-panel.bed`, 'chr17\t1\t100\n');
      await admin.post(`/api/patients/${p.id}/treatments`, { drug: `${marker}-drug`, start: '2012-01-01' });
      await admin.post(`/api/patients/${p.id}/comments`, { body: `${marker} secret comment` });
      await admin.get(`/api/patients/${p.id}`);
      await admin.get(`/api/patients?q=${marker}`);
      const audit = await admin.get('/api/audit?limit=1000');
      assert.equal(audit.statusCode, 200);
      const entries = audit.json().entries as Array<{ action: string; entityType: string; entityId: string; username: string; at: string }>;
      const mine = entries.filter((e) => e.username === s.users.admin && [p.id, sm.id].includes(e.entityId));
      assert.deepEqual(mine.map((e) => e.action).reverse(), ['patient.create', 'sample.create', 'pathology.enter', 'patient.view']);
      for (const action of ['file.upload', 'treatment.add', 'comment.add']) assert.ok(entries.some((e) => e.action === action && e.username === s.users.admin), action);
      assert.ok(mine.every((e) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(e.at)));
      // Nothing of the patient's data: not the label, sample id, dates, values, file name, drug or comment.
      // Hex values (ids, the SHA-256 hash chain) are left out of the search: a 4-digit secret such as 1937 turns up
      // in random hex by chance.
      const rows = (await s.storage.db.selectFrom('audit_log' as never).selectAll().execute()) as Array<Record<string, unknown>>;
      const raw = JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => !(typeof v === 'string' && /^[0-9a-f-]{16,}$/i.test(v))))));
      for (const secret of [marker, '1937', '2011-11-11', '77.7', 'panel.bed', 'secret comment', 'breast']) assert.ok(!raw.includes(secret), `audit log contains ${secret}`);
    });

    test('admin manages accounts; a disabled account loses its sessions; users cannot disable themselves', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const name = `nurse-${uniq()}`;
      const created = await admin.post('/api/users', { username: name, role: 'viewer', password: 'long enough pw' });
      assert.equal(created.statusCode, 201);
      assert.equal((await admin.post('/api/users', { username: name, role: 'viewer', password: 'long enough pw' })).statusCode, 409);
      assert.equal((await admin.post('/api/users', { username: `x-${uniq()}`, role: 'viewer', password: 'short' })).json().field, 'password');
      assert.equal((await admin.post('/api/users', { username: `x-${uniq()}`, role: 'superuser', password: 'long enough pw' })).json().field, 'role');
      const nurse = new Client(s.app);
      assert.equal((await nurse.login(name, 'long enough pw')).statusCode, 200);
      assert.equal((await admin.request('PATCH', `/api/users/${created.json().user.id}`, { disabled: true })).statusCode, 200);
      assert.equal((await nurse.get('/api/patients')).statusCode, 401);
      assert.equal((await new Client(s.app).login(name, 'long enough pw')).statusCode, 401);
      const me = (await admin.get('/api/auth/session')).json().user.id;
      assert.equal((await admin.request('PATCH', `/api/users/${me}`, { disabled: true })).statusCode, 400);
      assert.ok((await admin.get('/api/users')).json().users.some((u: { username: string; disabled: boolean }) => u.username === name && u.disabled));
    });

    test('security headers on every answer; API answers are not cached', async () => {
      const r = await s.app.inject({ method: 'GET', url: '/api/health' });
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.match(r.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
      assert.match(r.headers['content-security-policy'] as string, /style-src 'self';/);
      assert.ok(!(r.headers['content-security-policy'] as string).includes('unsafe-inline'));
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
      assert.match(r.headers['permissions-policy'] as string, /^camera=\(\), microphone=\(\), geolocation=\(\)/);
      assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
      assert.equal(r.json().notice, 'For research use; not a medical device.');
    });
  });
}

describe('HTTPS deployment headers', () => {
  test('with secureCookies: HSTS on every answer and a Secure session cookie', async () => {
    const s = await startServer(backends()[0]!, { secureCookies: true });
    try {
      const r = await s.app.inject({ method: 'GET', url: '/api/health' });
      assert.equal(r.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      const login = await new Client(s.app).login(s.users.viewer);
      assert.match(String(login.headers['set-cookie']), /; Secure/);
      assert.equal(login.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    } finally {
      await s.close();
    }
  });
});

describe('login rate limit', () => {
  test('the 4th attempt within the window from one address gets 429, even with the right password', async () => {
    const s = await startServer(backends()[0]!, { loginRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const c = new Client(s.app);
      for (let i = 0; i < 3; i++) assert.equal((await c.login(s.users.admin, 'wrong password')).statusCode, 401);
      const r = await c.login(s.users.admin, PASSWORD);
      assert.equal(r.statusCode, 429);
      assert.equal(r.json().error, 'rate-limited');
      // Another address is not affected.
      const other = await s.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.8.7', payload: { username: s.users.admin, password: PASSWORD } });
      assert.equal(other.statusCode, 200);
    } finally {
      await s.close();
    }
  });
});
