/**
 * Issue 17 on SQLite and PostgreSQL: correctable records (PATCH, entered in error with a reason, audited without
 * patient data, kept but left out of lists and analyses), date checks with field-level human messages, and an
 * analysis that says when it is stale and then withholds its result.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends, loggedIn, startServer, uniq, type TestServer } from './helpers.ts';
import { latestToday } from '../src/today.ts';

const FAKE_ID = '00000000-0000-4000-8000-000000000000';
/** The server's "today" of the date checks: UTC's date + 1 day (src/today.ts, re-read A14). */
const today = latestToday();
const thisYear = Number(today.slice(0, 4));

for (const backend of backends()) {
  describe(`corrections on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(backend, { loginRateLimit: { max: 1000, windowMs: 60_000 } });
    });
    after(async () => s?.close());

    test('dates: none after today, none before the birth year, end >= start, birth year 1900..this year; messages name the field in words', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const future = await admin.post('/api/patients', { label: `D-${uniq()}`, birthYear: thisYear + 5 });
      assert.equal(future.statusCode, 400);
      assert.deepEqual(future.json(), {
        error: 'invalid-input',
        field: 'birthYear',
        message: `Birth year must be a year from 1900 to ${thisYear}`,
        fields: [{ field: 'birthYear', label: 'Birth year', message: `Birth year must be a year from 1900 to ${thisYear}` }],
      });
      assert.equal((await admin.post('/api/patients', { label: `D-${uniq()}`, birthYear: 1899 })).json().field, 'birthYear');
      assert.equal((await admin.post('/api/patients', { label: `D-${uniq()}`, birthYear: 1964.5 })).json().message, 'Birth year must be a year (a whole number)');
      const p = (await admin.post('/api/patients', { label: `D-${uniq()}`, birthYear: 1964 })).json().patient;
      const s2031 = await admin.post(`/api/patients/${p.id}/samples`, { label: 'M1', type: 'metastasis', site: 'liver', collected: '2031-01-05' });
      assert.equal(s2031.statusCode, 400);
      assert.deepEqual(s2031.json().fields, [{ field: 'collected', label: 'Collection date', message: `Collection date 2031-01-05 is after today (${today})` }]);
      const s1950 = await admin.post(`/api/patients/${p.id}/samples`, { label: 'M1', type: 'metastasis', site: 'liver', collected: '1950-06-01' });
      assert.equal(s1950.json().message, 'Collection date 1950-06-01 is before the birth year 1964');
      const t2035 = await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'trastuzumab', start: '2035-01-01' });
      assert.equal(t2035.json().message, `Start date 2035-01-01 is after today (${today})`);
      const backwards = await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'trastuzumab', start: '2020-03-01', end: '2019-01-01' });
      assert.equal(backwards.statusCode, 400);
      assert.deepEqual(backwards.json().fields, [{ field: 'end', label: 'End date', message: 'End date is before the start date' }]);
      assert.ok(!backwards.body.includes('body.'), 'no internal path in the answer');
      // Nothing was stored.
      const page = (await admin.get(`/api/patients/${p.id}`)).json();
      assert.deepEqual([page.samples.length, page.treatments.length], [0, 0]);
      // Several problems at once are all listed.
      const many = await admin.post(`/api/patients/${p.id}/samples`, { label: 'bad label!', type: 'organ', site: 'liver', collected: '2020-01-01' });
      assert.deepEqual(many.json().fields.map((f: { field: string }) => f.field).sort(), ['label', 'type']);
      assert.equal(many.json().fields.find((f: { field: string }) => f.field === 'type').message, 'Sample type must be one of primary, recurrence, metastasis, plasma');
    });

    test('edit patients, samples and treatments: revision + 1, audited with ids only; dates re-checked; stale revision is a 409', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const onc = await loggedIn(s.app, s.users.oncologist);
      const label = `E-${uniq()}`;
      const p = (await admin.post('/api/patients', { label, birthYear: 1964 })).json().patient;
      assert.deepEqual([p.revision, p.status, p.enteredInError], [1, 'active', null]);
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2016-03-02' })).json().sample;
      const tr = (await onc.post(`/api/patients/${p.id}/treatments`, { drug: 'letrozole', start: '2016-04-01' })).json().treatment;

      const edited = await admin.request('PATCH', `/api/samples/${sm.id}`, { collected: '2016-03-05', site: 'lymph node', revision: 1 });
      assert.equal(edited.statusCode, 200, edited.body);
      assert.deepEqual([edited.json().sample.collected, edited.json().sample.site, edited.json().sample.revision], ['2016-03-05', 'lymph node', 2]);
      // Saving what is stored is no edit: same revision, nothing audited.
      const same = await admin.request('PATCH', `/api/samples/${sm.id}`, { collected: '2016-03-05', site: 'lymph node', revision: 2 });
      assert.deepEqual([same.statusCode, same.json().sample.revision], [200, 2]);
      const stale = await admin.request('PATCH', `/api/samples/${sm.id}`, { site: 'breast', revision: 1 });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().error, 'revision-conflict');
      assert.equal((await admin.request('PATCH', `/api/samples/${sm.id}`, { collected: '2031-01-01' })).json().field, 'collected');
      assert.equal((await admin.request('PATCH', `/api/samples/${sm.id}`, {})).statusCode, 400, 'an empty edit is refused');
      assert.equal((await admin.request('PATCH', `/api/samples/${sm.id}`, { patientId: FAKE_ID })).json().message, 'Patient id is not a field of this request');

      // Treatment end: against the stored start as well.
      const badEnd = await onc.request('PATCH', `/api/treatments/${tr.id}`, { end: '2016-01-01' });
      assert.equal(badEnd.json().message, 'End date 2016-01-01 is before the start date 2016-04-01');
      const ended = await onc.request('PATCH', `/api/treatments/${tr.id}`, { end: '2019-01-10', response: 'progression' });
      assert.deepEqual([ended.json().treatment.end, ended.json().treatment.response, ended.json().treatment.revision], ['2019-01-10', 'progression', 2]);
      const cleared = await onc.request('PATCH', `/api/treatments/${tr.id}`, { end: null });
      assert.equal(cleared.json().treatment.end, null);

      // Birth year after an existing date is refused on birthYear, naming the record.
      const late = await admin.request('PATCH', `/api/patients/${p.id}`, { birthYear: 2017 });
      assert.equal(late.statusCode, 400);
      assert.equal(late.json().field, 'birthYear');
      assert.equal(late.json().message, 'Birth year 2017 is after a date of sample S1 (Collection date 2016-03-05 is before the birth year 2017)');
      const ok = await admin.request('PATCH', `/api/patients/${p.id}`, { birthYear: 1961, sex: 'F' });
      assert.deepEqual([ok.json().patient.birthYear, ok.json().patient.sex, ok.json().patient.revision], [1961, 'F', 2]);

      // Roles: a viewer edits nothing; an oncologist may not edit samples; a molecular biologist not treatments.
      const viewer = await loggedIn(s.app, s.users.viewer);
      const mol = await loggedIn(s.app, s.users.molecular);
      assert.equal((await viewer.request('PATCH', `/api/patients/${p.id}`, { sex: 'X' })).statusCode, 403);
      assert.equal((await onc.request('PATCH', `/api/samples/${sm.id}`, { site: 'bone' })).statusCode, 403);
      assert.equal((await mol.request('PATCH', `/api/treatments/${tr.id}`, { drug: 'x' })).statusCode, 403);
      // Ids of another kind of record are not found (no cross-kind access).
      assert.equal((await admin.request('PATCH', `/api/samples/${tr.id}`, { site: 'bone' })).statusCode, 404);
      assert.equal((await admin.request('PATCH', `/api/treatments/${sm.id}`, { drug: 'x' })).statusCode, 404);
      assert.equal((await admin.request('PATCH', `/api/patients/${FAKE_ID}`, { sex: 'X' })).statusCode, 404);

      const audit = await s.app.her2scope.store.listAudit({ limit: 50 });
      const edits = audit.filter((a) => a.action.endsWith('.edit')).map((a) => [a.action, a.entityId]);
      assert.deepEqual(edits, [
        ['patient.edit', p.id],
        ['treatment.edit', tr.id],
        ['treatment.edit', tr.id],
        ['sample.edit', sm.id],
      ]);
      const text = JSON.stringify(audit);
      for (const secret of [label, 'lymph node', 'letrozole', '2016-03-05']) assert.ok(!text.includes(secret), `audit holds no ${secret}`);
    });

    test('entered in error: kept with reason, who and when; left out of lists and analyses; shown on request; audited without the reason', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const mol = await loggedIn(s.app, s.users.molecular);
      const viewer = await loggedIn(s.app, s.users.viewer);
      const label = `EIE-${uniq()}`;
      const p = (await admin.post('/api/patients', { label, birthYear: 1964 })).json().patient;
      const keep = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: '2016-03-02' })).json().sample;
      const wrong = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'S2', type: 'metastasis', site: 'liver', collected: '2020-03-02' })).json().sample;
      const t = (await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'letrozole', start: '2016-04-01' })).json().treatment;
      const file = (await mol.upload(`/api/samples/${keep.id}/files?kind=regions`, 'panel.bed', 'chr17\t39687000\t39730000\tERBB2\t500\n')).json().file;

      const reason = '<img src=x onerror=alert(1)> sample of another patient (lab mix-up)';
      assert.equal((await viewer.post(`/api/samples/${wrong.id}/entered-in-error`, { reason })).statusCode, 403, 'viewer denied');
      assert.equal((await admin.post(`/api/samples/${wrong.id}/entered-in-error`, { reason: 'x' })).json().message, 'Reason must be at least 3 characters');
      assert.equal((await admin.post(`/api/samples/${wrong.id}/entered-in-error`, { reason: 'ok\u202Eevil' })).json().field, 'reason');
      assert.equal((await admin.post(`/api/samples/${wrong.id}/entered-in-error`, {})).json().field, 'reason');
      const r = await admin.post(`/api/samples/${wrong.id}/entered-in-error`, { reason });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      const marked = r.json().sample;
      assert.equal(marked.status, 'entered-in-error');
      assert.equal(marked.enteredInError.reason, reason, 'stored as text, returned as JSON');
      assert.equal(marked.enteredInError.by, (await s.app.her2scope.store.findUserForLogin(s.users.admin))!.id);
      assert.match(marked.enteredInError.at, /^\d{4}-\d{2}-\d{2}T/);
      assert.equal((await admin.post(`/api/samples/${wrong.id}/entered-in-error`, { reason })).json().error, 'entered-in-error', 'twice is a 409');
      assert.equal((await admin.request('PATCH', `/api/samples/${wrong.id}`, { site: 'bone' })).statusCode, 409, 'no edits after');
      assert.equal((await admin.put(`/api/samples/${wrong.id}/pathology`, { er: { percent: 5 } })).statusCode, 409, 'no pathology after');
      const sign = await admin.post(`/api/samples/${wrong.id}/pathology/sign`);
      assert.deepEqual([sign.statusCode, sign.json().error], [409, 'entered-in-error'], 'no sign-off after');
      assert.equal((await admin.post(`/api/treatments/${keep.id}/entered-in-error`, { reason })).statusCode, 404, 'a sample id is no treatment');

      assert.equal((await admin.post(`/api/treatments/${t.id}/entered-in-error`, { reason: 'wrong patient' })).statusCode, 200);
      assert.equal((await admin.post(`/api/files/${file.id}/entered-in-error`, { reason: 'wrong panel' })).json().file.status, 'entered-in-error');

      const page = (await admin.get(`/api/patients/${p.id}`)).json();
      assert.deepEqual(page.samples.map((x: { label: string }) => x.label), ['S1']);
      assert.deepEqual([page.treatments.length, page.samples[0].files.length], [0, 0]);
      const all = (await admin.get(`/api/patients/${p.id}?includeEnteredInError=1`)).json();
      assert.deepEqual(all.samples.map((x: { label: string; status: string }) => [x.label, x.status]), [['S1', 'active'], ['S2', 'entered-in-error']]);
      assert.deepEqual(all.treatments.map((x: { status: string }) => x.status), ['entered-in-error']);
      assert.deepEqual(all.samples[0].files.map((x: { status: string }) => x.status), ['entered-in-error']);
      // The file itself is still stored and downloadable (records are never deleted).
      assert.equal((await admin.get(`/api/files/${file.id}`)).statusCode, 200);

      // The analysis input leaves them out.
      const a = (await admin.post(`/api/patients/${p.id}/analyses`)).json().analysis;
      const input = (await admin.get(`/api/analyses/${a.id}/input`)).json().input;
      assert.deepEqual(input.samples.map((x: { id: string }) => x.id), ['S1']);
      assert.deepEqual(input.treatments, []);
      assert.equal(input.samples[0].variants, undefined);
      assert.deepEqual(input.versions.samples, [{ id: keep.id, label: 'S1', revision: 1, pathologyVersion: null, files: [] }]);
      await s.app.her2scope.runner.whenIdle();

      // The patient: out of the list, still readable by id, nothing can be added.
      assert.equal((await admin.post(`/api/patients/${p.id}/entered-in-error`, { reason: 'duplicate registration' })).statusCode, 200);
      assert.equal((await admin.get(`/api/patients?q=${label}`)).json().patients.length, 0);
      assert.deepEqual((await admin.get(`/api/patients?q=${label}&includeEnteredInError=1`)).json().patients.map((x: { status: string }) => x.status), ['entered-in-error']);
      assert.equal((await admin.get(`/api/patients/${p.id}`)).json().patient.status, 'entered-in-error');
      assert.equal((await admin.post(`/api/patients/${p.id}/samples`, { label: 'S9', type: 'primary', site: 'breast', collected: '2016-03-02' })).statusCode, 409);
      assert.equal((await admin.post(`/api/patients/${p.id}/analyses`)).statusCode, 409);
      const comment = await admin.post(`/api/patients/${p.id}/comments`, { body: 'a note' });
      assert.deepEqual([comment.statusCode, comment.json().error], [409, 'entered-in-error'], 'nothing added, comments included');

      const audit = await s.app.her2scope.store.listAudit({ limit: 50 });
      assert.deepEqual(
        audit.filter((x) => x.action.endsWith('.entered-in-error')).map((x) => [x.action, x.entityId]),
        [
          ['patient.entered-in-error', p.id],
          ['file.entered-in-error', file.id],
          ['treatment.entered-in-error', t.id],
          ['sample.entered-in-error', wrong.id],
        ],
      );
      const text = JSON.stringify(audit);
      for (const secret of ['onerror', 'mix-up', 'wrong patient', 'duplicate registration', label]) assert.ok(!text.includes(secret), `audit holds no ${secret}`);
    });

    test('always current: a change after the analysis makes it stale (what changed), its result is withheld until a new run', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const p = (await admin.post('/api/patients', { label: `STALE-${uniq()}`, birthYear: 1964 })).json().patient;
      const m1 = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'M1', type: 'metastasis', site: 'liver', collected: '2021-05-01' })).json().sample;
      assert.equal((await admin.put(`/api/samples/${m1.id}/pathology`, { her2: { ihc: '1+' }, er: { percent: 90 }, pr: { percent: 10 } })).statusCode, 201);
      const a1 = (await admin.post(`/api/patients/${p.id}/analyses`)).json().analysis;
      await s.app.her2scope.runner.whenIdle();
      let page = (await admin.get(`/api/patients/${p.id}`)).json();
      assert.equal(page.latest.analysis.id, a1.id);
      assert.equal(page.latest.analysis.status, 'done', JSON.stringify(page.latest.analysis));
      assert.deepEqual([page.analysisStale, page.staleChanges, page.latest.stale, page.latest.supersededBy], [false, [], false, null]);
      assert.equal(page.latest.result.samples[0].classification.her2.category, 'HER2-low', 'a current run shows its result (IHC 1+)');
      assert.ok(page.latest.reports.includes('pdf'));
      // The PDF was printed by the job (issue 17): it is on disk before anyone asks, and the download serves it.
      const printed = join(s.dataDir, 'reports', `${a1.id}.pdf`);
      assert.ok(existsSync(printed), 'PDF printed when the analysis finished');
      const dl = await admin.get(`/api/analyses/${a1.id}/reports/pdf`);
      assert.equal(dl.statusCode, 200);
      assert.deepEqual(dl.rawPayload, readFileSync(printed));
      const text = execFileSync('pdftotext', [printed, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      assert.match(text, /Analysis run 1 of \d+ \w{3} \d{4}, knowledge base [\d.]+, code her2scope/);
      assert.match(text, /version 1, not signed/);

      // The metastasis re-entered as IHC 3+ (a new pathology version): the old HER2-low options must not look current.
      assert.equal((await admin.put(`/api/samples/${m1.id}/pathology`, { her2: { ihc: '3+' }, er: { percent: 90 }, pr: { percent: 10 } })).statusCode, 201);
      page = (await admin.get(`/api/patients/${p.id}`)).json();
      assert.equal(page.analysisStale, true);
      assert.deepEqual(page.staleChanges, [{ entity: 'pathology', id: m1.id, change: 'new-version', message: 'sample M1: pathology version 2 (the analysis used version 1)' }]);
      assert.deepEqual([page.latest.stale, page.latest.result, page.latest.reports], [true, null, []]);
      const old = (await admin.get(`/api/analyses/${a1.id}`)).json();
      assert.deepEqual([old.current, old.stale, old.supersededBy], [false, true, null]);
      assert.equal(old.changes.length, 1);
      // Its reports are not served as current either (a bookmark, a history link): 409 unless asked for as history.
      const oldReport = await admin.get(`/api/analyses/${a1.id}/reports/html`);
      assert.equal(oldReport.statusCode, 409);
      assert.deepEqual(oldReport.json(), { error: 'not-current', message: "this report is out of date: the patient's records changed since it ran (1 change); run the analysis again, or add history=1 to read it as history" });
      assert.equal((await admin.get(`/api/analyses/${a1.id}/reports/pdf`)).statusCode, 409);
      assert.equal((await admin.get(`/api/analyses/${a1.id}/reports/html?history=1`)).statusCode, 200);

      // More changes are all listed.
      await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'trastuzumab', start: '2021-06-01' });
      await admin.request('PATCH', `/api/samples/${m1.id}`, { site: 'bone' });
      page = (await admin.get(`/api/patients/${p.id}`)).json();
      assert.deepEqual(page.staleChanges.map((c: { entity: string; change: string }) => `${c.entity}:${c.change}`), ['sample:edited', 'pathology:new-version', 'treatment:added']);

      assert.equal((await admin.post(`/api/samples/${m1.id}/pathology/sign`)).statusCode, 200);
      // A new run: queued -> supersededBy; done -> current again, and the old one is superseded by it.
      const a2 = (await admin.post(`/api/patients/${p.id}/analyses`)).json().analysis;
      await s.app.her2scope.runner.whenIdle();
      page = (await admin.get(`/api/patients/${p.id}`)).json();
      assert.equal(page.latest.analysis.id, a2.id);
      assert.deepEqual([page.analysisStale, page.latest.stale], [false, false]);
      assert.ok(page.latest.result !== null);
      assert.equal(page.latest.result.samples[0].classification.her2.category, 'HER2-positive');
      const superseded = (await admin.get(`/api/analyses/${a1.id}`)).json();
      assert.deepEqual([superseded.current, superseded.supersededBy], [false, a2.id]);
      assert.equal((await admin.get(`/api/analyses/${a2.id}`)).json().current, true);
      assert.equal((await admin.get(`/api/analyses/${a1.id}/reports/json`)).json().message, 'this report is out of date: a newer analysis has finished; run the analysis again, or add history=1 to read it as history');
      assert.equal((await admin.get(`/api/analyses/${a2.id}/reports/json`)).statusCode, 200);
      // Saving a record unchanged keeps the run current.
      assert.equal((await admin.request('PATCH', `/api/samples/${m1.id}`, { site: 'bone' })).statusCode, 200);
      assert.equal((await admin.get(`/api/patients/${p.id}`)).json().analysisStale, false);
      const text2 = execFileSync('pdftotext', [join(s.dataDir, 'reports', `${a2.id}.pdf`), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      assert.match(text2, new RegExp(`signed by ${s.users.admin} on \\d+ \\w{3} \\d{4}`));
      assert.match(text2, /Analysis run 2 of/);
    });
  });
}
