/**
 * Shapes of the API's JSON. The analysis result and the patient / analysis responses are the contract's types
 * (`@her2scope/core` analysis/schema.ts and api/, the schemas the server's routes declare); the rest are declared here.
 */
import type { AnalysisResult, ClassificationResult } from '@her2scope/core';
import type { AnalysisRecord, AnalysisStatus, CommentInfo, PathologyInfo, PatientDetail, PatientInfo, SampleInfo, StoredFileInfo, TreatmentInfo } from '@her2scope/core/api';

export type { AnalysisResult, ClassificationResult, AnalysisRecord, AnalysisStatus, CommentInfo, PathologyInfo, PatientDetail, PatientInfo, SampleInfo, StoredFileInfo, TreatmentInfo };

export type Permission = 'read' | 'patient.write' | 'pathology.write' | 'file.upload' | 'treatment.write' | 'comment' | 'analysis.run' | 'admin';

export interface SessionInfo {
  user: { id: string; username: string; role: string; permissions: Permission[] };
  csrfToken: string;
  notice: string;
}

export interface PatientListItem extends PatientInfo {
  samples: number;
  lastAnalysis: { id: string; version: number; status: AnalysisStatus } | null;
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
