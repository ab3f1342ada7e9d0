/**
 * Migration 0005_corrections (issue 17): correctable records.
 *
 * - clin_patients, clin_samples, clin_treatments, clin_files: `status` ('active' | 'entered-in-error'), and for an
 *   entered-in-error record the `status_reason`, `status_by` (user id) and `status_at`. Such a record stays stored
 *   (it is never deleted) and is left out of lists and analyses.
 * - clin_patients, clin_samples, clin_treatments: `revision` (1 when created, +1 on every edit), so an analysis can
 *   record exactly which version of each input it used, and `updated_by` / `updated_at` of the last edit.
 *
 * Pathology corrections are new versions (clin_pathology already numbers them); files never change content, so they
 * get a status but no revision. Plain ALTER TABLE ... ADD COLUMN with constant defaults works on both databases.
 */
import type { Kysely, Migration } from 'kysely';

export function migration0005Corrections(): Migration {
  return { up, down };
}

const STATUS_TABLES = ['clin_patients', 'clin_samples', 'clin_treatments', 'clin_files'] as const;
const REVISED_TABLES = ['clin_patients', 'clin_samples', 'clin_treatments'] as const;

async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of STATUS_TABLES) {
    await db.schema.alterTable(t).addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
    await db.schema.alterTable(t).addColumn('status_reason', 'text').execute();
    await db.schema.alterTable(t).addColumn('status_by', 'text').execute();
    await db.schema.alterTable(t).addColumn('status_at', 'text').execute();
  }
  for (const t of REVISED_TABLES) {
    await db.schema.alterTable(t).addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable(t).addColumn('updated_by', 'text').execute();
    await db.schema.alterTable(t).addColumn('updated_at', 'text').execute();
  }
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of REVISED_TABLES) for (const c of ['updated_at', 'updated_by', 'revision']) await db.schema.alterTable(t).dropColumn(c).execute();
  for (const t of STATUS_TABLES) for (const c of ['status_at', 'status_by', 'status_reason', 'status']) await db.schema.alterTable(t).dropColumn(c).execute();
}
