/**
 * All migrations, in order. Names sort in the order they run (`0001_cohort`, `0002_...`); a new feature adds a file
 * here and one line below, never edits a migration that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../db.ts';
import { migration0001Cohort } from './0001_cohort.ts';
import { migration0002Clinical } from './0002_clinical.ts';
import { migration0003CohortPanels } from './0003_cohort_panels.ts';
import { migration0004Security } from './0004_security.ts';
import { migration0005Corrections } from './0005_corrections.ts';
import { migration0006CohortGeneCounts } from './0006_cohort_gene_counts.ts';
import { migration0007SampleFractions } from './0007_sample_fractions.ts';
import { migration0008TreatmentSetting } from './0008_treatment_setting.ts';

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_cohort': migration0001Cohort(dialect),
    '0002_clinical': migration0002Clinical(dialect),
    '0003_cohort_panels': migration0003CohortPanels(dialect),
    '0004_security': migration0004Security(),
    '0005_corrections': migration0005Corrections(),
    '0006_cohort_gene_counts': migration0006CohortGeneCounts(),
    '0007_sample_fractions': migration0007SampleFractions(),
    '0008_treatment_setting': migration0008TreatmentSetting(dialect),
  };
}

/** Kysely's Migrator reads migrations from a provider; this one is static (no files are read at run time). */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(dialect)) };
}
