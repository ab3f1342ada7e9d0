/**
 * The HTTP API's response shapes around the analysis contract (analysis/schema.ts), as zod schemas: the server
 * declares them as route response schemas (so they appear in /api/openapi.json and responses are checked against
 * them) and the web app imports the inferred types instead of copying them. Pure: zod only.
 */
import { z } from 'zod';
import { AnalysisResultSchema, ClassificationResultSchema } from '../analysis/schema.ts';
import { TreatmentSchema } from '../case/schema.ts';
import { RESEARCH_USE_NOTICE } from '../notice.ts';

export const ANALYSIS_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

/** Record status (issue 17): a record entered in error stays stored, is left out of lists and analyses. */
export const RECORD_STATUSES = ['active', 'entered-in-error'] as const;

/** Why, by whom (user id) and when a record was marked entered in error; null for an active record. */
export const EnteredInErrorSchema = z.object({ reason: z.string(), by: z.string().nullable(), at: z.string() });
export type EnteredInError = z.infer<typeof EnteredInErrorSchema>;

/** The status fields every correctable record carries (patients, samples, treatments, files). */
const Correctable = { status: z.enum(RECORD_STATUSES), enteredInError: EnteredInErrorSchema.nullable() };
/** Patients, samples and treatments are edited in place with a revision number (1 when created). */
const Revised = { revision: z.number().int(), updatedAt: z.string().nullable() };

/**
 * Disease setting (`early` | `metastatic`) and metastatic line (whole number >= 1) as the case file has them
 * (case/schema.ts: the same enum and bounds); null = not stated, inferred from the dates and sample types.
 */
const Setting = TreatmentSchema.shape.setting.unwrap().nullable();
const Line = TreatmentSchema.shape.line.unwrap().nullable();

export const PatientInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  sex: z.enum(['F', 'M', 'X']).nullable(),
  birthYear: z.number().int().nullable(),
  synthetic: z.boolean(),
  /** Disease setting now as entered (case field patient.setting); null = inferred. Optional: added in s4. */
  setting: Setting.optional(),
  createdAt: z.string(),
  ...Correctable,
  ...Revised,
});
export type PatientInfo = z.infer<typeof PatientInfoSchema>;

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
export type AnalysisRecord = z.infer<typeof AnalysisRecordSchema>;
export type AnalysisStatus = AnalysisRecord['status'];

/** GET /api/patients: a patient with its sample count and latest run. */
export const PatientListItemSchema = PatientInfoSchema.extend({
  samples: z.number().int(),
  lastAnalysis: z.object({ id: z.string(), version: z.number().int(), status: z.enum(ANALYSIS_STATUSES) }).nullable(),
});
export type PatientListItem = z.infer<typeof PatientListItemSchema>;
export const PatientListSchema = z.object({ patients: z.array(PatientListItemSchema) });

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
export type PathologyInfo = z.infer<typeof PathologyInfoSchema>;

export const StoredFileInfoSchema = z.object({
  id: z.string(),
  sampleId: z.string(),
  kind: z.string(),
  originalName: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  options: z.record(z.string(), z.unknown()),
  uploadedAt: z.string(),
  ...Correctable,
});
export type StoredFileInfo = z.infer<typeof StoredFileInfoSchema>;

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
  ...Correctable,
  ...Revised,
  pathology: PathologyInfoSchema.nullable(),
  pathologyVersions: z.number().int(),
  classification: ClassificationResultSchema.nullable(),
  classificationError: z.string().nullable(),
  files: z.array(StoredFileInfoSchema),
});
export type SampleInfo = z.infer<typeof SampleInfoSchema>;

export const TreatmentInfoSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  drug: z.string(),
  start: z.string(),
  end: z.string().nullable(),
  response: z.string().nullable(),
  /** Early or metastatic as entered (case field treatments[].setting); null = inferred from the dates. Optional: added in s4. */
  setting: Setting.optional(),
  /** Metastatic line as entered (case field treatments[].line); null = counted from the start dates. Optional: added in s4. */
  line: Line.optional(),
  createdAt: z.string(),
  ...Correctable,
  ...Revised,
});
export type TreatmentInfo = z.infer<typeof TreatmentInfoSchema>;

export const CommentInfoSchema = z.object({ id: z.string(), patientId: z.string(), author: z.string().nullable(), body: z.string(), createdAt: z.string() });
export type CommentInfo = z.infer<typeof CommentInfoSchema>;

/** One way the records differ from the input a finished run used (server analysis/input.ts `inputChanges`). */
export const StaleChangeSchema = z.object({
  entity: z.enum(['patient', 'sample', 'pathology', 'file', 'treatment', 'input']),
  id: z.string().nullable(),
  change: z.enum(['added', 'edited', 'removed', 'new-version']),
  message: z.string(),
});
export type StaleChange = z.infer<typeof StaleChangeSchema>;

/** Report formats of a finished run (the stored ones, and `pdf`, printed on demand). */
const ReportList = z.array(z.string());

/** GET /api/patients/:id */
export const PatientDetailSchema = z.object({
  patient: PatientInfoSchema,
  /** True when the records changed after the latest finished analysis; its result is then withheld. */
  analysisStale: z.boolean(),
  staleChanges: z.array(StaleChangeSchema),
  samples: z.array(SampleInfoSchema),
  treatments: z.array(TreatmentInfoSchema),
  comments: z.array(CommentInfoSchema),
  analyses: z.array(AnalysisRecordSchema),
  /**
   * The latest finished analysis. When `stale`, `result` is null and `reports` empty: a superseded analysis's options
   * are never shown as current. `supersededBy`: a newer run already queued or running.
   */
  latest: z
    .object({
      analysis: AnalysisRecordSchema,
      stale: z.boolean(),
      changes: z.array(StaleChangeSchema),
      supersededBy: z.string().nullable(),
      result: AnalysisResultSchema.nullable(),
      reports: ReportList,
    })
    .nullable(),
  notice: z.literal(RESEARCH_USE_NOTICE),
});
export type PatientDetail = z.infer<typeof PatientDetailSchema>;

/**
 * GET /api/analyses/:id: the run, and its result (the analysis contract) once done. `current` is false when the
 * records changed since the run (`stale`, `changes`) or a newer run finished (`supersededBy`).
 */
export const AnalysisResponseSchema = z.object({
  analysis: AnalysisRecordSchema,
  current: z.boolean(),
  stale: z.boolean(),
  changes: z.array(StaleChangeSchema),
  supersededBy: z.string().nullable(),
  result: AnalysisResultSchema.nullable(),
  reports: ReportList,
});
export type AnalysisResponse = z.infer<typeof AnalysisResponseSchema>;

/** POST /api/patients/:id/analyses (202): the queued run. */
export const AnalysisQueuedSchema = z.object({ analysis: AnalysisRecordSchema });

/** GET /api/users: an account (never its password hash). */
export const UserInfoSchema = z.object({ id: z.string(), username: z.string(), role: z.string(), disabled: z.boolean(), createdAt: z.string() });
export type UserInfo = z.infer<typeof UserInfoSchema>;

/** GET /api/audit: one line of the audit log (who, what, which record, when; never patient data). */
export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  outcome: z.enum(['ok', 'denied', 'failed']),
  ip: z.string().nullable(),
  /** Events this line stands for (repeated reads coalesced; 1 for every change). */
  count: z.number().int(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });

/** The permission names a route can require (the server's auth/roles.ts grants each to roles). */
export const PERMISSION_NAMES = ['read', 'patient.write', 'pathology.write', 'file.upload', 'treatment.write', 'comment', 'analysis.run', 'admin'] as const;
export type Permission = (typeof PERMISSION_NAMES)[number];

/** GET /api/auth/session and POST /api/auth/login: the user, their permissions and the CSRF token. */
export const SessionInfoSchema = z.object({
  user: z.object({ id: z.string(), username: z.string(), role: z.string(), permissions: z.array(z.enum(PERMISSION_NAMES)) }),
  csrfToken: z.string(),
  notice: z.literal(RESEARCH_USE_NOTICE),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** GET /api/users: the accounts, the roles and which roles hold each permission. */
export const UserListSchema = z.object({ users: z.array(UserInfoSchema), roles: z.array(z.string()).readonly(), permissions: z.record(z.enum(PERMISSION_NAMES), z.array(z.string()).readonly()) });

// ---- cohorts (issue 17): the /api/cohort/* answers (server cohort-routes.ts) -------------------------------------

const count = z.number().int().nonnegative();

/** An imported cBioPortal study with its sample and patient counts (GET /api/cohort/studies). */
export const CohortStudySchema = z.object({
  identifier: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  importedAt: z.string(),
  samples: count,
  patients: count,
});
export type CohortStudy = z.infer<typeof CohortStudySchema>;
export const CohortStudyListSchema = z.object({ studies: z.array(CohortStudySchema), notice: z.literal(RESEARCH_USE_NOTICE) });
export type CohortStudyList = z.infer<typeof CohortStudyListSchema>;

/**
 * k of n with the fraction and the Wilson 95% interval (core stats/proportion.ts). JSON has no NaN: the fraction is
 * null when n = 0.
 */
export const CohortProportionSchema = z.object({ k: count, n: count, fraction: z.number().nullable(), ci95: z.tuple([z.number(), z.number()]) });
export type CohortProportion = z.infer<typeof CohortProportionSchema>;

/** What was asked and of which samples (every cohort answer names them). */
const CohortQuestion = {
  study: z.string(),
  /** The alteration as text ("ERBB2 mutation", "HER2-low"). */
  alteration: z.string(),
  /** Which samples form the denominator. */
  denominator: z.string(),
  groupBy: z.string().nullable(),
};

/** GET /api/cohort/prevalence: overall and per group (groups: largest first, the "no value" group (null) last). */
export const CohortPrevalenceSchema = z.object({
  ...CohortQuestion,
  overall: CohortProportionSchema,
  groups: z.array(CohortProportionSchema.extend({ group: z.string().nullable() })),
  notice: z.literal(RESEARCH_USE_NOTICE),
});
export type CohortPrevalence = z.infer<typeof CohortPrevalenceSchema>;

/**
 * GET /api/cohort/compare: group A against group B, Fisher's exact test (two-sided) and the conditional MLE odds ratio
 * with its exact 95% interval (core stats/fisher.ts). An infinite or undefined odds ratio or bound is null.
 */
export const CohortComparisonSchema = z.object({
  ...CohortQuestion,
  groupA: z.array(z.string()),
  groupB: z.array(z.string()),
  a: CohortProportionSchema,
  b: CohortProportionSchema,
  fisherP: z.number(),
  oddsRatio: z.number().nullable(),
  oddsRatioCi95: z.tuple([z.number().nullable(), z.number().nullable()]),
  notice: z.literal(RESEARCH_USE_NOTICE),
});
export type CohortComparison = z.infer<typeof CohortComparisonSchema>;

/**
 * POST /api/cohort/studies (201): the import summary. The counts are typed here; the detailed reports (profiles,
 * HER2 derivation, skipped files) pass through as `her2scope cohort import --json` prints them.
 */
export const CohortImportSchema = z.object({
  summary: z.looseObject({
    study: z.string(),
    name: z.string(),
    replaced: z.boolean(),
    patients: count,
    samples: count,
    caseLists: count,
    timelineEvents: count,
    genePanels: z.array(z.string()),
    warnings: z.array(z.string()),
    seconds: z.number(),
  }),
  notice: z.literal(RESEARCH_USE_NOTICE),
});
export type CohortImport = z.infer<typeof CohortImportSchema>;

/** A number for JSON: NaN and the infinities (n = 0, an odds ratio without bound) become null. */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
