/**
 * Shapes of the API's JSON. The analysis result and the patient / analysis responses are the contract's types
 * (`@her2scope/core` analysis/schema.ts and api/, the schemas the server's routes declare); the patient records (with the issue-17 correction and staleness fields, which the contract's api/ schemas do not carry yet) are declared here.
 */
import type { AnalysisResult, ClassificationResult } from '@her2scope/core';

export type { AnalysisResult, ClassificationResult };

export type Permission = 'read' | 'patient.write' | 'pathology.write' | 'file.upload' | 'treatment.write' | 'comment' | 'analysis.run' | 'admin';

export interface SessionInfo {
  user: { id: string; username: string; role: string; permissions: Permission[] };
  csrfToken: string;
  notice: string;
}

/** Issue 17: every correctable record says whether it was entered in error, and why. */
export interface Correctable {
  status?: 'active' | 'entered-in-error';
  enteredInError?: { reason: string; by: string | null; at: string } | null;
}

/** Patients, samples and treatments are edited in place with a revision number. */
export interface Revised {
  revision?: number;
  updatedAt?: string | null;
}

export interface PatientInfo extends Correctable, Revised {
  id: string;
  label: string;
  sex: 'F' | 'M' | 'X' | null;
  birthYear: number | null;
  synthetic: boolean;
  createdAt: string;
}

export type AnalysisStatus = 'queued' | 'running' | 'done' | 'failed';

export interface PatientListItem extends PatientInfo {
  samples: number;
  lastAnalysis: { id: string; version: number; status: AnalysisStatus } | null;
}

export interface PathologyInfo {
  id: string;
  version: number;
  data: Record<string, unknown>;
  enteredBy: string | null;
  enteredAt: string;
  signedBy: string | null;
  signedAt: string | null;
}

export interface StoredFileInfo extends Correctable {
  id: string;
  sampleId: string;
  kind: string;
  originalName: string;
  size: number;
  sha256: string;
  options: Record<string, unknown>;
  uploadedAt: string;
}

export interface SampleInfo extends Correctable, Revised {
  id: string;
  label: string;
  type: string;
  site: string;
  collected: string;
  /** Tumour purity and, for plasma, the ctDNA tumour fraction (0-1); null when not given (absent from older servers). */
  purity?: number | null;
  tumorFraction?: number | null;
  pathology: PathologyInfo | null;
  pathologyVersions: number;
  classification: ClassificationResult | null;
  classificationError: string | null;
  files: StoredFileInfo[];
}

export interface TreatmentInfo extends Correctable, Revised {
  id: string;
  drug: string;
  start: string;
  end: string | null;
  response: string | null;
}

export interface CommentInfo {
  id: string;
  author: string | null;
  body: string;
  createdAt: string;
}

export interface AnalysisRecord {
  id: string;
  patientId: string;
  version: number;
  status: AnalysisStatus;
  progress: number;
  message: string | null;
  kbVersion: string;
  codeVersion: string;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What changed since the latest finished analysis (the API's `staleChanges`). */
export interface StaleChange {
  entity: 'patient' | 'sample' | 'pathology' | 'file' | 'treatment' | 'input';
  id: string | null;
  change: 'added' | 'edited' | 'removed' | 'new-version';
  message: string;
}

export interface PatientDetail {
  patient: PatientInfo;
  /** True when the records changed after the latest finished analysis; its result is then withheld. */
  analysisStale?: boolean;
  staleChanges?: StaleChange[];
  samples: SampleInfo[];
  treatments: TreatmentInfo[];
  comments: CommentInfo[];
  analyses: AnalysisRecord[];
  /**
   * The latest finished analysis. When `stale`, `result` is null and `reports` empty: a superseded analysis's options
   * are never shown as current. `supersededBy`: a newer run already queued or running.
   */
  latest: { analysis: AnalysisRecord; stale?: boolean; changes?: StaleChange[]; supersededBy?: string | null; result: AnalysisResult | null; reports: string[] } | null;
  notice: string;
}

export interface UserInfo {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  userId: string | null;
  username: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  ip: string | null;
}
