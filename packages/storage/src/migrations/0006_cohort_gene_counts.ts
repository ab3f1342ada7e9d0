/**
 * Migration 0006_cohort_gene_counts: grouped numerators counted at import (issue 18, scale).
 *
 * cohort_gene_group_count holds, per mutation profile, gene and grouping value, the number of distinct samples with
 * at least one imported mutation of the gene that are profiled for it (gene panels), for the same groupings as the
 * denominators of cohort_profile_group_count ('' overall, 'her2', 'SAMPLE:<attr>', 'PATIENT:<attr>'). A grouped
 * query for "any mutation of gene G" then reads a few rows instead of joining every altered sample to its group
 * value; queries with a class or protein change are still counted from cohort_mutation. Only non-zero counts are
 * stored. (Numbered 0006: 0005 is taken by another branch's migration.)
 */
import type { Kysely, Migration } from 'kysely';

export function migration0006CohortGeneCounts(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cohort_gene_group_count')
        .addColumn('profile_id', 'integer', (c) => c.notNull().references('cohort_profile.id').onDelete('cascade'))
        .addColumn('gene', 'text', (c) => c.notNull())
        .addColumn('grouping', 'text', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('k', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cohort_gene_group_count_idx').on('cohort_gene_group_count').columns(['profile_id', 'gene', 'grouping']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('cohort_gene_group_count').ifExists().execute();
    },
  };
}
