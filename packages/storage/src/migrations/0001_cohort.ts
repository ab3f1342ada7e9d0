/** Cohort tables: studies imported from cBioPortal folders, their patients, samples, profiles and timelines. */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../db.ts';

export function migration0001Cohort(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  // Cascading deletes make "re-import replaces the study" a single DELETE of the study row.
  const ref = (table: string) => `${table}.id`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cohort_study')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('identifier', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('type_of_cancer', 'text', (c) => c.notNull())
        .addColumn('reference_genome', 'text')
        .addColumn('citation', 'text')
        .addColumn('pmid', 'text')
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .addColumn('summary_json', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('cohort_attribute')
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('attr_id', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('datatype', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cohort_attribute_pk', ['study_id', 'level', 'attr_id'])
        .execute();

      await db.schema
        .createTable('cohort_patient')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('patient_id', 'text', (c) => c.notNull())
        .addUniqueConstraint('cohort_patient_study_patient_uq', ['study_id', 'patient_id'])
        .execute();

      await db.schema
        .createTable('cohort_patient_attribute')
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('patient_ref', 'integer', (c) => c.notNull().references(ref('cohort_patient')).onDelete('cascade'))
        .addColumn('attr_id', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cohort_patient_attribute_pk', ['patient_ref', 'attr_id'])
        .execute();
      await db.schema.createIndex('cohort_patient_attribute_value_idx').on('cohort_patient_attribute').columns(['study_id', 'attr_id', 'value']).execute();

      await db.schema
        .createTable('cohort_sample')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('patient_ref', 'integer', (c) => c.notNull().references(ref('cohort_patient')).onDelete('cascade'))
        .addColumn('sample_id', 'text', (c) => c.notNull())
        .addColumn('her2_category', 'text')
        .addUniqueConstraint('cohort_sample_study_sample_uq', ['study_id', 'sample_id'])
        .execute();
      await db.schema.createIndex('cohort_sample_patient_idx').on('cohort_sample').column('patient_ref').execute();
      await db.schema.createIndex('cohort_sample_her2_idx').on('cohort_sample').columns(['study_id', 'her2_category']).execute();

      await db.schema
        .createTable('cohort_sample_attribute')
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('sample_ref', 'integer', (c) => c.notNull().references(ref('cohort_sample')).onDelete('cascade'))
        .addColumn('attr_id', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cohort_sample_attribute_pk', ['sample_ref', 'attr_id'])
        .execute();
      // Group sizes by attribute value are read straight from this index (no per-sample lookups).
      await db.schema.createIndex('cohort_sample_attribute_value_idx').on('cohort_sample_attribute').columns(['study_id', 'attr_id', 'value']).execute();

      await db.schema
        .createTable('cohort_profile')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('stable_id', 'text', (c) => c.notNull())
        .addColumn('alteration_type', 'text', (c) => c.notNull())
        .addColumn('datatype', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('source_file', 'text', (c) => c.notNull())
        .addColumn('profiled_by', 'text', (c) => c.notNull())
        .addUniqueConstraint('cohort_profile_study_stable_uq', ['study_id', 'stable_id'])
        .execute();

      await db.schema
        .createTable('cohort_profile_sample')
        .addColumn('profile_id', 'integer', (c) => c.notNull().references(ref('cohort_profile')).onDelete('cascade'))
        .addColumn('sample_ref', 'integer', (c) => c.notNull().references(ref('cohort_sample')).onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cohort_profile_sample_pk', ['profile_id', 'sample_ref'])
        .execute();
      await db.schema.createIndex('cohort_profile_sample_sample_idx').on('cohort_profile_sample').column('sample_ref').execute();

      await db.schema
        .createTable('cohort_mutation')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('profile_id', 'integer', (c) => c.notNull().references(ref('cohort_profile')).onDelete('cascade'))
        // Not a foreign key on purpose: an FK here needs one more index on the largest table (a fifth slower bulk
        // load). Rows go with their profile (cascade above); the importer only writes sample_refs of its own study.
        .addColumn('sample_ref', 'integer', (c) => c.notNull())
        .addColumn('gene', 'text', (c) => c.notNull())
        .addColumn('entrez_gene_id', 'integer')
        .addColumn('variant_class', 'text', (c) => c.notNull())
        .addColumn('mutation_class', 'text', (c) => c.notNull())
        .addColumn('protein_change', 'text')
        .addColumn('protein_position', 'integer')
        .addColumn('chromosome', 'text')
        .addColumn('start_position', 'integer')
        .addColumn('end_position', 'integer')
        .addColumn('reference_allele', 'text', (c) => c.notNull())
        .addColumn('tumor_allele', 'text', (c) => c.notNull())
        .addColumn('t_alt_count', 'integer')
        .addColumn('t_ref_count', 'integer')
        .addColumn('mutation_status', 'text')
        .execute();

      await db.schema
        .createTable('cohort_cna')
        .addColumn('profile_id', 'integer', (c) => c.notNull().references(ref('cohort_profile')).onDelete('cascade'))
        // Not a foreign key, for the same reason as cohort_mutation.sample_ref.
        .addColumn('sample_ref', 'integer', (c) => c.notNull())
        .addColumn('gene', 'text')
        .addColumn('entrez_gene_id', 'integer')
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('cohort_expression')
        .addColumn('profile_id', 'integer', (c) => c.notNull().references(ref('cohort_profile')).onDelete('cascade'))
        .addColumn('gene', 'text')
        .addColumn('entrez_gene_id', 'integer')
        .addColumn('value_blob', blob, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cohort_expression_gene_idx').on('cohort_expression').columns(['profile_id', 'gene']).execute();

      await db.schema
        .createTable('cohort_timeline_event')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('patient_ref', 'integer', (c) => c.notNull().references(ref('cohort_patient')).onDelete('cascade'))
        .addColumn('sample_ref', 'integer', (c) => c.references(ref('cohort_sample')).onDelete('cascade'))
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('start_date', 'integer', (c) => c.notNull())
        .addColumn('stop_date', 'integer')
        .addColumn('agent', 'text')
        .addColumn('attributes_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cohort_timeline_event_patient_idx').on('cohort_timeline_event').column('patient_ref').execute();
      await db.schema.createIndex('cohort_timeline_event_sample_idx').on('cohort_timeline_event').column('sample_ref').execute();
      await db.schema.createIndex('cohort_timeline_event_type_idx').on('cohort_timeline_event').columns(['study_id', 'event_type']).execute();

      await db.schema
        .createTable('cohort_case_list')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('study_id', 'integer', (c) => c.notNull().references(ref('cohort_study')).onDelete('cascade'))
        .addColumn('stable_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addUniqueConstraint('cohort_case_list_study_stable_uq', ['study_id', 'stable_id'])
        .execute();

      await db.schema
        .createTable('cohort_case_list_sample')
        .addColumn('case_list_id', 'integer', (c) => c.notNull().references(ref('cohort_case_list')).onDelete('cascade'))
        .addColumn('sample_ref', 'integer', (c) => c.notNull().references(ref('cohort_sample')).onDelete('cascade'))
        .addPrimaryKeyConstraint('cohort_case_list_sample_pk', ['case_list_id', 'sample_ref'])
        .execute();
      await db.schema.createIndex('cohort_case_list_sample_sample_idx').on('cohort_case_list_sample').column('sample_ref').execute();

      // Indexes of the bulk tables (mutations, copy number) are part of the schema; the importer fills the tables
      // inside one transaction.
      await db.schema.createIndex('cohort_mutation_gene_idx').on('cohort_mutation').columns(['profile_id', 'gene', 'sample_ref']).execute();
      await db.schema.createIndex('cohort_cna_gene_idx').on('cohort_cna').columns(['profile_id', 'gene', 'value', 'sample_ref']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of [
        'cohort_case_list_sample', 'cohort_case_list', 'cohort_timeline_event', 'cohort_expression', 'cohort_cna', 'cohort_mutation',
        'cohort_profile_sample', 'cohort_profile', 'cohort_sample_attribute', 'cohort_sample', 'cohort_patient_attribute', 'cohort_patient',
        'cohort_attribute', 'cohort_study',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
