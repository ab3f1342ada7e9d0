/**
 * Migration 0003_cohort_panels: gene panels and per-gene denominators (issue 18).
 *
 * - cohort_gene_panel, cohort_gene_panel_gene: gene panels, global to the database as in cBioPortal (a panel is
 *   imported once and used by any study; Import-Gene-Panels.md). Genes are stored upper-cased (symbols) or as digits
 *   (Entrez IDs).
 * - cohort_profile_sample.panel_id: the sample's panel for that profile (NULL = no panel: whole exome / genome).
 * - cohort_gene: every gene a study names (mutations, copy number, expression, its panels), for case-insensitive
 *   lookups and "did you mean" suggestions.
 * - cohort_profile_group_count: samples per (profile, panel, grouping value), written at import, so that grouped
 *   denominators are read, not counted, at query time (and, per mutation profile, its number of off-panel calls).
 * - cohort_sample_attribute_ref_value_idx: a covering index for the group value of each altered sample.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../db.ts';

export function migration0003CohortPanels(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cohort_gene_panel')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('stable_id', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('cohort_gene_panel_gene')
        .addColumn('panel_id', 'integer', (c) => c.notNull().references('cohort_gene_panel.id').onDelete('cascade'))
        .addColumn('gene', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cohort_gene_panel_gene_pk', ['panel_id', 'gene'])
        .execute();
      await db.schema.createIndex('cohort_gene_panel_gene_gene_idx').on('cohort_gene_panel_gene').column('gene').execute();
      await db.schema.alterTable('cohort_profile_sample').addColumn('panel_id', 'integer').execute();
      await db.schema
        .createTable('cohort_gene')
        .addColumn('study_id', 'integer', (c) => c.notNull().references('cohort_study.id').onDelete('cascade'))
        .addColumn('gene', 'text', (c) => c.notNull())
        .addColumn('entrez_gene_id', 'integer')
        .addPrimaryKeyConstraint('cohort_gene_pk', ['study_id', 'gene'])
        .execute();
      await db.schema
        .createTable('cohort_profile_group_count')
        .addColumn('profile_id', 'integer', (c) => c.notNull().references('cohort_profile.id').onDelete('cascade'))
        .addColumn('panel_key', 'integer', (c) => c.notNull())
        .addColumn('grouping', 'text', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('n', 'integer', (c) => c.notNull())
        .execute();
      // Grouped numerators look up each altered sample's group value: a covering index saves the table fetch.
      await db.schema.createIndex('cohort_sample_attribute_ref_value_idx').on('cohort_sample_attribute').columns(['sample_ref', 'attr_id', 'value']).execute();
      await db.schema.createIndex('cohort_profile_group_count_idx').on('cohort_profile_group_count').columns(['profile_id', 'grouping', 'panel_key']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('cohort_sample_attribute_ref_value_idx').ifExists().execute();
      await db.schema.dropTable('cohort_profile_group_count').ifExists().execute();
      await db.schema.dropTable('cohort_gene').ifExists().execute();
      await db.schema.alterTable('cohort_profile_sample').dropColumn('panel_id').execute();
      await db.schema.dropTable('cohort_gene_panel_gene').ifExists().execute();
      await db.schema.dropTable('cohort_gene_panel').ifExists().execute();
    },
  };
}
