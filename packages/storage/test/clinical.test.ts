/**
 * The clinical store on SQLite AND PostgreSQL (issue 12): concurrency (20 parallel signs give one success and one
 * audit line; 20 parallel pathology saves and analysis requests all store, with consecutive versions), the
 * tamper-evident audit chain (an edited or deleted line is found, and which), coalesced read events, sessions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type Storage } from '../src/index.ts';
import { ClinicalStore, toRecordStatus, type Actor } from '../src/clinical/index.ts';
import { backends } from './databases.ts';

const actor = (name: string): Actor => ({ userId: null, username: name, ip: '127.0.0.1' });

for (const backend of backends()) {
  describe(`clinical store on ${backend.name}`, () => {
    let dir: string;
    let storage: Storage;
    let store: ClinicalStore;
    let drop: () => Promise<void>;
    let userId: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'her2scope-clinical-'));
      const created = await backend.create(dir);
      drop = () => created.drop();
      storage = await openDatabase(created.url);
      store = new ClinicalStore(storage.db);
      userId = (await store.createUser({ username: 'path1', role: 'pathologist', passwordHash: 'x' }, actor('setup'))).id;
    });
    after(async () => {
      await storage?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const newSample = async (label: string) => {
      const p = await store.createPatient({ label }, actor('setup'));
      return { patient: p, sample: await store.createSample({ patientId: p.id, label: 'S1', type: 'primary', site: 'breast', collected: '2020-01-01' }, actor('setup')) };
    };
    const who = (): Actor => ({ userId, username: 'path1', ip: '127.0.0.1' });

    test('migration 0008: a treatment\'s setting and line and a patient\'s setting are stored, edited (new revision) and cleared', async () => {
      const p = await store.createPatient({ label: 'SETTING', setting: 'metastatic' }, actor('setup'));
      assert.equal(p.setting, 'metastatic');
      assert.equal((await store.getPatient(p.id))?.setting, 'metastatic');
      const plain = await store.createPatient({ label: 'SETTING-NONE' }, actor('setup'));
      assert.equal((await store.getPatient(plain.id))?.setting, null);
      const t = await store.addTreatment({ patientId: p.id, drug: 'trastuzumab', start: '2019-02-01', setting: 'early' }, actor('setup'));
      assert.deepEqual([t.setting, t.line, t.revision], ['early', null, 1]);
      const edited = await store.updateTreatment(t.id, { setting: 'metastatic', line: 2 }, who(), 1);
      assert.ok(typeof edited !== 'string');
      assert.deepEqual([edited.setting, edited.line, edited.revision], ['metastatic', 2, 2]);
      // The same values again are no edit (no new revision).
      const same = await store.updateTreatment(t.id, { setting: 'metastatic', line: 2 }, who());
      assert.ok(typeof same !== 'string');
      assert.equal(same.revision, 2);
      const cleared = await store.updateTreatment(t.id, { setting: null, line: null }, who());
      assert.ok(typeof cleared !== 'string');
      assert.deepEqual([cleared.setting, cleared.line, cleared.revision], [null, null, 3]);
      const pe = await store.updatePatient(p.id, { setting: 'early' }, who());
      assert.ok(typeof pe !== 'string');
      assert.deepEqual([pe.setting, pe.revision], ['early', 2]);
      assert.deepEqual((await store.listTreatments(p.id)).map((x) => [x.drug, x.setting, x.line]), [['trastuzumab', null, null]]);
    });

    test('migration 0008: the database refuses an unknown status on every correctable table, and an unknown setting or a line below 1', async () => {
      const p = await store.createPatient({ label: 'CHECKS' }, actor('setup'));
      const s = await store.createSample({ patientId: p.id, label: 'S1', type: 'primary', site: 'breast', collected: '2020-01-01' }, actor('setup'));
      const t = await store.addTreatment({ patientId: p.id, drug: 'letrozole', start: '2020-02-01' }, actor('setup'));
      const f = await store.addFile({ sampleId: s.id, kind: 'variants', originalName: 'a.vcf', size: 1, sha256: '0'.repeat(64), storagePath: 'x/a.vcf', options: {} }, actor('setup'));
      const refused = backend.name === 'sqlite' ? /CHECK constraint failed/ : /violates check constraint/;
      for (const [table, id] of [['clin_patients', p.id], ['clin_samples', s.id], ['clin_treatments', t.id], ['clin_files', f.id]] as const) {
        await assert.rejects(sql`update ${sql.table(table)} set status = ${'deleted'} where id = ${id}`.execute(storage.db), refused, `${table}: update`);
        await assert.rejects(sql`update ${sql.table(table)} set status = null where id = ${id}`.execute(storage.db), backend.name === 'sqlite' ? refused : /null value|not-null/, `${table}: null`);
      }
      await assert.rejects(sql`insert into clin_patients (id, label, synthetic, created_at, status) values (${'x-1'}, ${'CHECKS-2'}, 0, ${'2020-01-01'}, ${'archived'})`.execute(storage.db), refused, 'insert');
      // The two known values still pass.
      await sql`update clin_treatments set status = ${'entered-in-error'} where id = ${t.id}`.execute(storage.db);
      await sql`update clin_treatments set status = ${'active'} where id = ${t.id}`.execute(storage.db);
      await assert.rejects(sql`update clin_treatments set setting = ${'palliative'} where id = ${t.id}`.execute(storage.db), /CHECK constraint failed|violates check constraint/);
      await assert.rejects(sql`update clin_treatments set line = 0 where id = ${t.id}`.execute(storage.db), /CHECK constraint failed|violates check constraint/);
      await assert.rejects(sql`update clin_patients set setting = ${'adjuvant'} where id = ${p.id}`.execute(storage.db), /CHECK constraint failed|violates check constraint/);
      assert.equal((await store.getTreatment(t.id))?.status, 'active');
    });

    test('toRecordStatus fails closed: an unknown stored status is an error, never read as active', () => {
      assert.equal(toRecordStatus('active'), 'active');
      assert.equal(toRecordStatus('entered-in-error'), 'entered-in-error');
      assert.throws(() => toRecordStatus('deleted'), { message: 'unknown record status "deleted" (expected active or entered-in-error)' });
      assert.throws(() => toRecordStatus(''), { message: 'unknown record status "" (expected active or entered-in-error)' });
    });

    test('20 parallel signs of the same version: exactly one succeeds and writes one audit line', async () => {
      const { sample } = await newSample('SIGN');
      await store.addPathology(sample.id, { her2: { ihc: '2+' } }, who());
      const results = await Promise.all(Array.from({ length: 20 }, () => store.signPathology(sample.id, who())));
      assert.equal(results.filter((r) => r !== null && r !== 'already-signed').length, 1);
      assert.equal(results.filter((r) => r === 'already-signed').length, 19);
      const lines = (await store.listAudit({ limit: 1000, entityId: sample.id })).filter((a) => a.action === 'pathology.sign');
      assert.equal(lines.length, 1);
    });

    test('20 parallel pathology saves all store, versions 1..20, one audit line each', async () => {
      const { patient, sample } = await newSample('SAVE');
      const saved = await Promise.all(Array.from({ length: 20 }, (_, i) => store.addPathology(sample.id, { er: { percent: i } }, who())));
      assert.deepEqual(saved.map((p) => p.version).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal((await store.listPathology(patient.id)).length, 20);
      assert.equal((await store.listAudit({ limit: 1000, entityId: sample.id })).filter((a) => a.action === 'pathology.enter').length, 20);
    });

    test('20 parallel analysis requests all store, versions 1..20', async () => {
      const { patient } = await newSample('ANALYSE');
      const runs = await Promise.all(Array.from({ length: 20 }, () => store.createAnalysis({ patientId: patient.id, kbVersion: 'kb', codeVersion: 'code', input: { samples: [] } }, who())));
      assert.deepEqual(runs.map((a) => a.version).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal(new Set(runs.map((a) => a.id)).size, 20);
    });

    test('the audit log is a hash chain: intact, then an edited line and a deleted line are found', async () => {
      await store.recordAuditMany([
        { actor: actor('reader'), entry: { action: 'patient.view', entityType: 'patient', entityId: 'p1' }, at: '2026-01-01T00:00:00.000Z', count: 41 },
        { actor: actor('reader'), entry: { action: 'patient.view', entityType: 'patient', entityId: 'p2' }, at: '2026-01-01T00:00:01.000Z' },
      ]);
      const good = await store.verifyAudit();
      assert.equal(good.ok, true);
      const total = (await store.listAudit({ limit: 1000 })).length;
      assert.equal(good.rows, total);
      const coalesced = (await store.listAudit({ limit: 2 })).reverse();
      assert.deepEqual(coalesced.map((a) => [a.entityId, a.count]), [['p1', 41], ['p2', 1]]);

      const lines = (await store.listAudit({ limit: 1000 })).reverse();
      const victim = lines[5]!;
      // Edit: the line's own hash no longer matches.
      await sql`update audit_log set username = ${'mallory'} where seq = ${victim.seq}`.execute(storage.db);
      const edited = await store.verifyAudit();
      assert.deepEqual(edited.ok ? null : [edited.seq, edited.problem], [victim.seq, 'edited']);
      await sql`update audit_log set username = ${victim.username} where seq = ${victim.seq}`.execute(storage.db);
      assert.equal((await store.verifyAudit()).ok, true, 'restored');
      // Editing the count of a coalesced line is an edit too.
      await sql`update audit_log set count = 1 where seq = ${coalesced[0]!.seq}`.execute(storage.db);
      const recount = await store.verifyAudit();
      assert.deepEqual(recount.ok ? null : [recount.seq, recount.problem], [coalesced[0]!.seq, 'edited']);
      await sql`update audit_log set count = 41 where seq = ${coalesced[0]!.seq}`.execute(storage.db);
      // Delete: the next line no longer follows.
      await sql`delete from audit_log where seq = ${victim.seq}`.execute(storage.db);
      const deleted = await store.verifyAudit();
      assert.equal(deleted.ok, false);
      if (!deleted.ok) {
        assert.equal(deleted.seq, lines[6]!.seq);
        assert.equal(deleted.problem, 'chain-broken');
        assert.equal(deleted.message, `line ${lines[6]!.seq} does not follow the line before it: a line was deleted between line ${lines[4]!.seq} and it, or line ${lines[4]!.seq} was edited and re-hashed`);
      }
    });
  });
}
