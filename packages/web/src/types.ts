/**
 * Shapes of the API's JSON. They are the contract's types: the analysis result (`@her2scope/core` analysis/schema.ts)
 * and the patient, analysis, user, audit and cohort responses (`@her2scope/core/api`, the zod schemas the server's routes
 * declare as response schemas, so they appear in /api/openapi.json). The web app's own view types live beside
 * the components that use them.
 */
import type { AnalysisResult, ClassificationResult } from '@her2scope/core';

export type { AnalysisResult, ClassificationResult };
export type {
  AnalysisRecord,
  AnalysisResponse,
  AnalysisStatus,
  AuditEntry,
  CohortComparison,
  CohortImport,
  CohortPrevalence,
  CohortProportion,
  CohortStudy,
  CohortStudyList,
  CommentInfo,
  EnteredInError,
  PathologyInfo,
  PatientDetail,
  PatientInfo,
  PatientListItem,
  Permission,
  SampleInfo,
  SessionInfo,
  StaleChange,
  StoredFileInfo,
  TreatmentInfo,
  UserInfo,
} from '@her2scope/core/api';
