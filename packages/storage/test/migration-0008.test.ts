/**
 * Migration 0008_treatment_setting on SQLite and PostgreSQL, from a database at 0007: existing rows get no setting
 * or line (inferred, as before), and an upgrade of a database that already holds a status other than active /
 * entered-in-error stops (fail closed) instead of adding a rule the stored rows break.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from '../src/migrations/index.ts';
import { backends } from './databases.ts';

for (const backend of backends()) {
  test(`0008 on ${backend.name}: old rows read as not stated; a stored unknown status stops the upgrade`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'her2scope-m0008-'));
    const created = await backend.create(dir);
    const db =
      backend.name === 'sqlite'
        ? new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(created.url.slice('sqlite:'.length)) }) })
        : new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: created.url, max: 1 }) }) });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider(backend.name) });
      assert.equal((await migrator.migrateTo('0007_sample_fractions')).error, undefined);
      await sql`insert into clin_patients (id, label, synthetic, created_at) values (${'p1'}, ${'OLD'}, 0, ${'2020-01-01'})`.execute(db);
      await sql`insert into clin_treatments (id, patient_id, drug, start, created_at) values (${'t1'}, ${'p1'}, ${'letrozole'}, ${'2020-02-01'}, ${'2020-02-01'})`.execute(db);
      await sql`insert into clin_patients (id, label, synthetic, created_at, status) values (${'p2'}, ${'BAD'}, 0, ${'2020-01-01'}, ${'archived'})`.execute(db);
      const refused = await migrator.migrateToLatest();
      assert.ok(refused.error instanceof Error, 'the upgrade stops');
      assert.match(refused.error.message, backend.name === 'sqlite' ? /^clin_patients: rows with a status other than active \/ entered-in-error/ : /check constraint "clin_patients_status_check".* is violated by some row/);
      // Corrected, the upgrade runs; the old rows have no setting / line.
      await sql`update clin_patients set status = ${'active'} where id = ${'p2'}`.execute(db);
      const ok = await migrator.migrateToLatest();
      assert.equal(ok.error, undefined);
      assert.deepEqual(ok.results?.map((r) => [r.migrationName, r.status]), [['0008_treatment_setting', 'Success']]);
      const t = await sql<{ setting: string | null; line: number | null }>`select setting, line from clin_treatments where id = ${'t1'}`.execute(db);
      assert.deepEqual(t.rows, [{ setting: null, line: null }]);
      const p = await sql<{ setting: string | null }>`select setting from clin_patients order by id`.execute(db);
      assert.deepEqual(p.rows, [{ setting: null }, { setting: null }]);
      // And down again (the constraint / triggers and the columns go).
      assert.equal((await migrator.migrateTo('0007_sample_fractions')).error, undefined);
      await sql`update clin_patients set status = ${'archived'} where id = ${'p2'}`.execute(db);
    } finally {
      await db.destroy();
      await created.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
