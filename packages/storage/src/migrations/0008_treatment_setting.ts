/**
 * Migration 0008_treatment_setting (issue s4): what a case file can say about the disease setting, stored too, so
 * that an analysis of a stored patient gets the same case fields as `her2scope analyze` (core case/schema.ts):
 *
 * - clin_treatments.setting ('early' | 'metastatic' | NULL = inferred from the dates) and clin_treatments.line (the
 *   metastatic line of therapy, a whole number >= 1, NULL = counted from the start dates);
 * - clin_patients.setting ('early' | 'metastatic' | NULL = inferred from the sample types).
 *
 * The new columns carry their own CHECK (ADD COLUMN with a CHECK works on both databases; there are no rows with a
 * value yet). Re-read A16: the record `status` columns of migration 0005 get `status IN ('active',
 * 'entered-in-error')`: on PostgreSQL an ALTER TABLE ... ADD CONSTRAINT (it fails, and so does opening the database,
 * if a stored row holds anything else: fail closed); SQLite cannot add a constraint to an existing table without
 * rebuilding it (and every table that references clin_patients / clin_samples would have to follow), so it gets a
 * BEFORE INSERT and a BEFORE UPDATE OF status trigger per table that aborts the statement instead, after checking
 * (before any change: SQLite migrations run without a transaction) that no stored row already breaks the rule.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db.ts';

/** The values of core case/schema.ts TREATMENT_SETTINGS (storage does not import the schema into SQL). */
const SETTINGS_SQL = sql`('early', 'metastatic')`;
const STATUS_SQL = sql`('active', 'entered-in-error')`;
const STATUS_TABLES = ['clin_patients', 'clin_samples', 'clin_treatments', 'clin_files'] as const;

export function migration0008TreatmentSetting(dialect: Dialect): Migration {
  return { up: (db) => up(db, dialect === 'sqlite'), down: (db) => down(db, dialect === 'sqlite') };
}

async function up(db: Kysely<unknown>, sqlite: boolean): Promise<void> {
  // SQLite runs this without a transaction (no transactional DDL in Kysely's SQLite adapter): check before changing
  // anything, so that a refused upgrade leaves the database as it was. (PostgreSQL rolls the whole migration back.)
  if (sqlite) {
    for (const t of STATUS_TABLES) {
      const bad = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)} where status is null or status not in ${STATUS_SQL}`.execute(db);
      if (Number(bad.rows[0]?.n ?? 0) > 0) throw new Error(`${t}: rows with a status other than active / entered-in-error; correct them before upgrading`);
    }
  }
  await db.schema.alterTable('clin_treatments').addColumn('setting', 'text', (c) => c.check(sql`setting in ${SETTINGS_SQL}`)).execute();
  await db.schema.alterTable('clin_treatments').addColumn('line', 'integer', (c) => c.check(sql`line >= 1`)).execute();
  await db.schema.alterTable('clin_patients').addColumn('setting', 'text', (c) => c.check(sql`setting in ${SETTINGS_SQL}`)).execute();
  for (const t of STATUS_TABLES) {
    if (!sqlite) {
      await sql`alter table ${sql.table(t)} add constraint ${sql.id(`${t}_status_check`)} check (status in ${STATUS_SQL})`.execute(db);
      continue;
    }
    for (const when of ['insert', 'update'] as const) {
      const event = when === 'insert' ? sql.raw('before insert') : sql.raw('before update of status');
      await sql`create trigger ${sql.id(`${t}_status_${when}`)} ${event} on ${sql.table(t)} for each row when new.status is null or new.status not in ${STATUS_SQL} begin select raise(abort, ${sql.lit(`CHECK constraint failed: ${t}.status must be active or entered-in-error`)}); end`.execute(db);
    }
  }
}

async function down(db: Kysely<unknown>, sqlite: boolean): Promise<void> {
  for (const t of STATUS_TABLES) {
    if (sqlite) for (const when of ['insert', 'update']) await sql`drop trigger if exists ${sql.id(`${t}_status_${when}`)}`.execute(db);
    else await sql`alter table ${sql.table(t)} drop constraint if exists ${sql.id(`${t}_status_check`)}`.execute(db);
  }
  await db.schema.alterTable('clin_patients').dropColumn('setting').execute();
  await db.schema.alterTable('clin_treatments').dropColumn('line').execute();
  await db.schema.alterTable('clin_treatments').dropColumn('setting').execute();
}
