/** Shapes of the API's JSON, as the web app uses them (the server's zod schemas and OpenAPI are the reference). */
import type { AnalysisResult, ClassificationResult } from '@her2scope/core';

export type { AnalysisResult, ClassificationResult };

export type Permission = 'read' | 'patient.write' | 'pathology.write' | 'file.upload' | 'treatment.write' | 'comment' | 'analysis.run' | 'admin';

export interface SessionInfo {
  user: { id: string; username: string; role: string; permissions: Permission[] };
  csrfToken: string;
  notice: string;
}

export interface PatientInfo {
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

export interface StoredFileInfo {
  id: string;
  sampleId: string;
  kind: string;
  originalName: string;
  size: number;
  sha256: string;
  options: Record<string, unknown>;
  uploadedAt: string;
}

export interface SampleInfo {
  id: string;
  label: string;
  type: string;
  site: string;
  collected: string;
  pathology: PathologyInfo | null;
  pathologyVersions: number;
  classification: ClassificationResult | null;
  classificationError: string | null;
  files: StoredFileInfo[];
}

export interface TreatmentInfo {
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

export interface PatientDetail {
  patient: PatientInfo;
  samples: SampleInfo[];
  treatments: TreatmentInfo[];
  comments: CommentInfo[];
  analyses: AnalysisRecord[];
  latest: { analysis: AnalysisRecord; result: AnalysisResult; reports: string[] } | null;
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
