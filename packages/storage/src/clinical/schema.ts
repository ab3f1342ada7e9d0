/** Kysely table types of migration 0002_clinical (see that file for what each table holds). */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  role: string;
  password_hash: string;
  disabled: number;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  /** Migration 0004_security: the client address and (truncated) User-Agent at login, shown in the user's session list. */
  ip: string | null;
  user_agent: string | null;
}

/** Migration 0005_corrections: a record marked entered in error is kept, left out of lists and analyses. */
export interface EnteredInErrorColumns {
  /** 'active' or 'entered-in-error'. */
  status: Generated<string>;
  status_reason: string | null;
  /** User id of who marked it entered in error. */
  status_by: string | null;
  status_at: string | null;
}

/** Migration 0005_corrections: records that can be edited carry a revision, 1 when created, +1 on every edit. */
export interface RevisedColumns extends EnteredInErrorColumns {
  revision: Generated<number>;
  updated_by: string | null;
  updated_at: string | null;
}

export interface PatientsTable extends RevisedColumns {
  id: string;
  label: string;
  sex: string | null;
  birth_year: number | null;
  synthetic: number;
  /** Migration 0008_treatment_setting: disease setting now, 'early' | 'metastatic'; NULL = inferred from the samples. */
  setting: string | null;
  created_by: string | null;
  created_at: string;
}

export interface SamplesTable extends RevisedColumns {
  id: string;
  patient_id: string;
  label: string;
  type: string;
  site: string;
  collected: string;
  /** Migration 0007_sample_fractions: tumour purity (0-1) and, for plasma, the ctDNA tumour fraction (0-1); NULL when not given. */
  purity: number | null;
  tumor_fraction: number | null;
  created_by: string | null;
  created_at: string;
}

export interface PathologyTable {
  id: string;
  sample_id: string;
  version: number;
  data: string;
  entered_by: string | null;
  entered_at: string;
  signed_by: string | null;
  signed_at: string | null;
}

export interface FilesTable extends EnteredInErrorColumns {
  id: string;
  sample_id: string;
  kind: string;
  original_name: string;
  /** bigint: PostgreSQL returns it as a string. */
  size: number | string;
  sha256: string;
  storage_path: string;
  options: string;
  uploaded_by: string | null;
  uploaded_at: string;
}

export interface TreatmentsTable extends RevisedColumns {
  id: string;
  patient_id: string;
  drug: string;
  start: string;
  end: string | null;
  response: string | null;
  /** Migration 0008_treatment_setting: 'early' | 'metastatic'; NULL = inferred from the dates. */
  setting: string | null;
  /** Migration 0008_treatment_setting: metastatic line of therapy (>= 1); NULL = counted from the start dates. */
  line: number | null;
  created_by: string | null;
  created_at: string;
}

export interface CommentsTable {
  id: string;
  patient_id: string;
  user_id: string | null;
  body: string;
  created_at: string;
}

export interface AnalysesTable {
  id: string;
  patient_id: string;
  version: number;
  status: string;
  progress: number;
  message: string | null;
  kb_version: string;
  code_version: string;
  input: string;
  result: string | null;
  error: string | null;
  attempts: number;
  requested_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ReportsTable {
  analysis_id: string;
  format: string;
  media_type: string;
  content: string;
  sha256: string;
}

export interface AuditTable {
  seq: Generated<number>;
  at: string;
  user_id: string | null;
  username: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  outcome: string;
  ip: string | null;
  /** Migration 0004_security: how many events this line stands for (repeated reads are coalesced; changes are always 1). */
  count: Generated<number>;
  /** Migration 0004_security: SHA-256 (hex) of the previous line's `hash` (the chain). */
  prev_hash: string | null;
  /** Migration 0004_security: SHA-256 (hex) of `prev_hash` and this line's fields (see auditHash in store.ts). */
  hash: string | null;
}

export interface ClinicalTables {
  users: UsersTable;
  sessions: SessionsTable;
  clin_patients: PatientsTable;
  clin_samples: SamplesTable;
  clin_pathology: PathologyTable;
  clin_files: FilesTable;
  clin_treatments: TreatmentsTable;
  clin_comments: CommentsTable;
  clin_analyses: AnalysesTable;
  clin_reports: ReportsTable;
  audit_log: AuditTable;
}
