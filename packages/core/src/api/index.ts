/**
 * The HTTP API's response shapes around the analysis contract (analysis/schema.ts), as zod schemas: the server
 * declares them as route response schemas (so they appear in /api/openapi.json and responses are checked against
 * them) and the web app imports the inferred types instead of copying them. Pure: zod only.
 */
import { z } from 'zod';
import { AnalysisResultSchema, ClassificationResultSchema } from '../analysis/schema.ts';
import { RESEARCH_USE_NOTICE } from '../notice.ts';

export const ANALYSIS_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

export const PatientInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  sex: z.enum(['F', 'M', 'X']).nullable(),
  birthYear: z.number().int().nullable(),
  synthetic: z.boolean(),
  createdAt: z.string(),
});

export const AnalysisRecordSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  version: z.number().int(),
  status: z.enum(ANALYSIS_STATUSES),
  progress: z.number(),
  message: z.string().nullable(),
  kbVersion: z.string(),
  codeVersion: z.string(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const PathologyInfoSchema = z.object({
  id: z.string(),
  sampleId: z.string(),
  version: z.number().int(),
  data: z.record(z.string(), z.unknown()),
  enteredBy: z.string().nullable(),
  enteredAt: z.string(),
  signedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
});

export const StoredFileInfoSchema = z.object({
  id: z.string(),
  sampleId: z.string(),
  kind: z.string(),
  originalName: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  options: z.record(z.string(), z.unknown()),
  uploadedAt: z.string(),
});

export const SampleInfoSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  label: z.string(),
  type: z.string(),
  site: z.string(),
  collected: z.string(),
  /** Tumour purity and, for plasma, the ctDNA tumour fraction (0-1); null when not given (issue 16). */
  purity: z.number().nullable().optional(),
  tumorFraction: z.number().nullable().optional(),
  createdAt: z.string(),
  pathology: PathologyInfoSchema.nullable(),
  pathologyVersions: z.number().int(),
  classification: ClassificationResultSchema.nullable(),
  classificationError: z.string().nullable(),
  files: z.array(StoredFileInfoSchema),
});

export const TreatmentInfoSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  drug: z.string(),
  start: z.string(),
  end: z.string().nullable(),
  response: z.string().nullable(),
  createdAt: z.string(),
});

export const CommentInfoSchema = z.object({ id: z.string(), patientId: z.string(), author: z.string().nullable(), body: z.string(), createdAt: z.string() });

/** Report formats of a finished run (the stored ones, and `pdf`, printed on demand). */
const ReportList = z.array(z.string());

/** GET /api/patients/:id */
export const PatientDetailSchema = z.object({
  patient: PatientInfoSchema,
  samples: z.array(SampleInfoSchema),
  treatments: z.array(TreatmentInfoSchema),
  comments: z.array(CommentInfoSchema),
  analyses: z.array(AnalysisRecordSchema),
  latest: z.object({ analysis: AnalysisRecordSchema, result: AnalysisResultSchema, reports: ReportList }).nullable(),
  notice: z.literal(RESEARCH_USE_NOTICE),
});

/** GET /api/analyses/:id: the run, and its result (the analysis contract) once done. */
export const AnalysisResponseSchema = z.object({ analysis: AnalysisRecordSchema, result: AnalysisResultSchema.nullable(), reports: ReportList });

/** POST /api/patients/:id/analyses (202): the queued run. */
export const AnalysisQueuedSchema = z.object({ analysis: AnalysisRecordSchema });

export type PatientInfo = z.infer<typeof PatientInfoSchema>;
export type AnalysisRecord = z.infer<typeof AnalysisRecordSchema>;
export type AnalysisStatus = AnalysisRecord['status'];
export type PathologyInfo = z.infer<typeof PathologyInfoSchema>;
export type StoredFileInfo = z.infer<typeof StoredFileInfoSchema>;
export type SampleInfo = z.infer<typeof SampleInfoSchema>;
export type TreatmentInfo = z.infer<typeof TreatmentInfoSchema>;
export type CommentInfo = z.infer<typeof CommentInfoSchema>;
export type PatientDetail = z.infer<typeof PatientDetailSchema>;
export type AnalysisResponse = z.infer<typeof AnalysisResponseSchema>;
