/** Table types of the database (Kysely). New features add their tables in new migrations and here. */
import type { Generated } from 'kysely';

export interface CohortStudyTable {
  id: Generated<number>;
  identifier: string;
  name: string;
  description: string;
  type_of_cancer: string;
  reference_genome: string | null;
  citation: string | null;
  pmid: string | null;
  imported_at: string;
  /** JSON import summary (counts, skipped files, warnings). */
  summary_json: string;
}

export interface CohortAttributeTable {
  study_id: number;
  level: 'PATIENT' | 'SAMPLE';
  attr_id: string;
  display_name: string;
  description: string;
  datatype: string;
  priority: number;
}

export interface CohortPatientTable {
  id: Generated<number>;
  study_id: number;
  patient_id: string;
}

export interface CohortPatientAttributeTable {
  study_id: number;
  patient_ref: number;
  attr_id: string;
  value: string;
}

export interface CohortSampleTable {
  id: Generated<number>;
  study_id: number;
  patient_ref: number;
  sample_id: string;
  /** HER2 category derived at import from the clinical attributes (core cohort/her2.ts); null when unknown. */
  her2_category: string | null;
}

export interface CohortSampleAttributeTable {
  study_id: number;
  sample_ref: number;
  attr_id: string;
  value: string;
}

export interface CohortProfileTable {
  id: Generated<number>;
  study_id: number;
  stable_id: string;
  alteration_type: string;
  datatype: string;
  name: string | null;
  source_file: string;
  /** How the profiled samples were chosen (case list, matrix header ...). */
  profiled_by: string;
}

export interface CohortProfileSampleTable {
  profile_id: number;
  sample_ref: number;
  /** Column of the sample in the profile's value arrays (expression); -1 otherwise. */
  position: number;
  /** The sample's gene panel for this profile (cohort_gene_panel.id); null = no panel (whole exome / genome). */
  panel_id?: number | null;
}

export interface CohortMutationTable {
  id: Generated<number>;
  profile_id: number;
  sample_ref: number;
  gene: string;
  entrez_gene_id: number | null;
  variant_class: string;
  mutation_class: string;
  protein_change: string | null;
  protein_position: number | null;
  chromosome: string | null;
  start_position: number | null;
  end_position: number | null;
  reference_allele: string;
  tumor_allele: string;
  t_alt_count: number | null;
  t_ref_count: number | null;
  mutation_status: string | null;
}

export interface CohortCnaTable {
  profile_id: number;
  sample_ref: number;
  gene: string | null;
  entrez_gene_id: number | null;
  value: number;
}

export interface CohortExpressionTable {
  profile_id: number;
  gene: string | null;
  entrez_gene_id: number | null;
  /** Float64 little-endian, one per profile sample in `position` order; NaN = missing. */
  value_blob: Uint8Array;
}

export interface CohortTimelineEventTable {
  id: Generated<number>;
  study_id: number;
  patient_ref: number;
  sample_ref: number | null;
  event_type: string;
  start_date: number;
  stop_date: number | null;
  agent: string | null;
  attributes_json: string;
}

export interface CohortCaseListTable {
  id: Generated<number>;
  study_id: number;
  stable_id: string;
  name: string;
  description: string;
  category: string | null;
}

export interface CohortCaseListSampleTable {
  case_list_id: number;
  sample_ref: number;
}

export interface Database {
  cohort_study: CohortStudyTable;
  cohort_attribute: CohortAttributeTable;
  cohort_patient: CohortPatientTable;
  cohort_patient_attribute: CohortPatientAttributeTable;
  cohort_sample: CohortSampleTable;
  cohort_sample_attribute: CohortSampleAttributeTable;
  cohort_profile: CohortProfileTable;
  cohort_profile_sample: CohortProfileSampleTable;
  cohort_mutation: CohortMutationTable;
  cohort_cna: CohortCnaTable;
  cohort_expression: CohortExpressionTable;
  cohort_timeline_event: CohortTimelineEventTable;
  cohort_case_list: CohortCaseListTable;
  cohort_case_list_sample: CohortCaseListSampleTable;
  cohort_gene_panel: CohortGenePanelTable;
  cohort_gene_panel_gene: CohortGenePanelGeneTable;
  cohort_gene: CohortGeneTable;
  cohort_profile_group_count: CohortProfileGroupCountTable;
  cohort_gene_group_count: CohortGeneGroupCountTable;
}

/** Migration 0003_cohort_panels. */
export interface CohortGenePanelTable {
  id: Generated<number>;
  stable_id: string;
  description: string;
}

export interface CohortGenePanelGeneTable {
  panel_id: number;
  /** Upper-cased gene symbol, or an Entrez ID as digits. */
  gene: string;
}

export interface CohortGeneTable {
  study_id: number;
  gene: string;
  entrez_gene_id: number | null;
}

export interface CohortProfileGroupCountTable {
  profile_id: number;
  /** cohort_gene_panel.id, or 0 for samples without a panel. */
  panel_key: number;
  /** '' (overall), 'her2', 'SAMPLE:<attr>' or 'PATIENT:<attr>'. */
  grouping: string;
  value: string | null;
  n: number;
}

/** Migration 0006_cohort_gene_counts: altered samples per (mutation profile, gene, grouping value), non-zero only. */
export interface CohortGeneGroupCountTable {
  profile_id: number;
  gene: string;
  /** As in cohort_profile_group_count: '' (overall), 'her2', 'SAMPLE:<attr>' or 'PATIENT:<attr>'. */
  grouping: string;
  value: string | null;
  k: number;
}
