/**
 * Migration 0007_sample_fractions (issue 16): a sample's tumour purity and, for a plasma draw, its circulating tumour
 * DNA fraction, so that an analysis of a stored patient gets the same case fields as a case file (`purity`,
 * `tumorFraction`; core case/schema.ts). Both are fractions 0-1 or NULL (not given). Plain ALTER TABLE ... ADD
 * COLUMN of nullable columns works on both databases; `double precision` (8 bytes on both: a PostgreSQL `real` would turn 0.6 into 0.6000000238).
 */
import type { Kysely, Migration } from 'kysely';

export function migration0007SampleFractions(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('clin_samples').addColumn('purity', 'double precision').execute();
      await db.schema.alterTable('clin_samples').addColumn('tumor_fraction', 'double precision').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('clin_samples').dropColumn('tumor_fraction').execute();
      await db.schema.alterTable('clin_samples').dropColumn('purity').execute();
    },
  };
}
