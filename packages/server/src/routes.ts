/**
 * The JSON API. Every body, query and path parameter is validated with zod (fastify-type-provider-zod), which also
 * feeds the OpenAPI document at /api/openapi.json. Each route names its permission (auth/roles.ts).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AnalysisQueuedSchema, AnalysisResponseSchema, AuditListSchema, PatientDetailSchema, PatientListSchema, SessionInfoSchema, UserListSchema, type AnalysisResponse, type PatientDetail, type SessionInfo } from '@her2scope/core/api';
import { CaseFileSchema, CaseSampleSchema, classifyPathology, InputError, parsePathologyInput, PLASMA_SITE, SAMPLE_TYPES, SITES, timelineIssues, TreatmentSchema, type ClassificationResult, type FieldIssue } from '@her2scope/core';
import { openVariantFile } from '@her2scope/formats/variants';
import { readBed } from '@her2scope/formats/bed';
import { readCopyNumber } from '@her2scope/formats/copynumber';
import { sniffAlignmentFile, sniffAlignmentIndex, sniffFasta } from '@her2scope/formats/reads';
import { FILE_KINDS, ROLES, type CorrectableKind, type CorrectionRefusal, type FileKind, type PathologyRecord, type StoredFile } from '@her2scope/storage/clinical';
import { assertAnalysable, buildSnapshot, inputChanges, snapshotPatient, type AnalysisInput, type InputChange } from './analysis/input.ts';
import { dummyHash, hashPassword, PASSWORD_MAX, passwordProblem, verifyPassword } from './auth/passwords.ts';
import { permissionsOf, PERMISSIONS, type Permission } from './auth/roles.ts';
import { newToken, SESSION_COOKIE, sessionId } from './auth/session.ts';
import { badRequest, HttpError, invalidFields, notFound } from './http-error.ts';
import { QueueFullError } from './jobs/runner.ts';
import { PatientPageCache } from './patient-cache.ts';
import type { UploadChecker } from './jobs/upload-check.ts';
import { latestToday } from './today.ts';

import { RESEARCH_USE_NOTICE as RESEARCH_USE } from '@her2scope/core';

const Id = z.uuid({ error: 'must be an id (UUID)' });
const IdParams = z.object({ id: Id });
const Username = z.string().min(2).max(64).regex(/^[A-Za-z0-9._-]+$/, { error: 'may contain only letters, digits, ".", "_" and "-"' });
/** A new password: the policy of auth/passwords.ts (length, common/breached list, sequences). */
const NewPassword = z.string().superRefine((p, c) => {
  const problem = passwordProblem(p);
  if (problem) c.addIssue({ code: 'custom', message: problem });
});
const Role = z.enum(ROLES);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD' }).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { error: 'is not a real calendar date' });

/**
 * Characters refused in labels and names (issue 12): C0/C1 control characters and DEL; bidirectional embeddings,
 * overrides and isolates and the marks (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069: "Trojan Source"
 * style spoofing of how a label reads); zero-width and invisible characters (U+200B-U+200D, U+2060-U+2064, U+FEFF,
 * U+180E, U+FFF9-U+FFFB interlinear annotation).
 */
export const UNSAFE_LABEL_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/u;
const SafeLabel = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((t) => !UNSAFE_LABEL_CHARS.test(t), { error: 'may not contain control, bidirectional-override or zero-width characters' })
    .refine((t) => !/[<>]/.test(t), { error: 'may not contain "<" or ">"' });

/** A year as a whole number; whether it is plausible (1900 to this year) is checked against today (core timelineIssues). */
const BirthYear = z.number({ error: 'must be a year (a whole number)' }).int({ error: 'must be a year (a whole number)' });
const Sex = z.enum(['F', 'M', 'X'], { error: 'must be F, M or X' });
const SampleType = z.enum(SAMPLE_TYPES, { error: `must be one of ${SAMPLE_TYPES.join(', ')}` });
const Site = z.enum(SITES, { error: `must be one of ${SITES.join(', ')}` });
/** The record revision the client edited (optional): a PATCH of a record changed meanwhile answers 409 revision-conflict. */
const Revision = z.number().int().min(1).optional().describe('The revision the edit is based on; 409 revision-conflict when the record has changed since');

/** Disease setting and metastatic line: the case file's fields (core case/schema.ts), same enum, bounds and messages. */
const Setting = CaseFileSchema.shape.patient.shape.setting.unwrap();
const TreatmentSetting = TreatmentSchema.shape.setting.unwrap();
const Line = TreatmentSchema.shape.line.unwrap();

const PatientBody = z
  .object({
    label: SafeLabel(128).describe('The local patient identifier (pseudonym); shown in the UI, never written to the audit log.'),
    sex: Sex.optional(),
    birthYear: BirthYear.optional().describe('From 1900 to this year'),
    synthetic: z.boolean().optional().describe('True for synthetic (example) patients.'),
    setting: Setting.optional().describe('Disease setting now (early or metastatic); default: metastatic when any sample is a metastasis or recurrence'),
  })
  .strict();

const PatientPatch = z
  .object({ label: PatientBody.shape.label.optional(), sex: Sex.nullable().optional(), birthYear: BirthYear.nullable().optional(), setting: Setting.nullable().optional().describe('null: inferred from the samples'), revision: Revision })
  .strict()
  .refine((b) => b.label !== undefined || b.sex !== undefined || b.birthYear !== undefined || b.setting !== undefined, { error: 'must change at least one of label, sex, birthYear, setting' });

/**
 * A sample: `site` is required for tissue and may be omitted for a plasma draw (stored as blood, core PLASMA_SITE);
 * `purity` (tumour purity) and, for plasma only, `tumorFraction` (ctDNA fraction) as in a case file.
 */
const SampleBody = z
  .object({
    label: CaseSampleSchema.shape.id,
    type: SampleType,
    site: Site.optional().describe('Required except for plasma (blood)'),
    collected: IsoDate.describe('Not after today, not before the birth year'),
    purity: CaseSampleSchema.shape.purity.describe('Tumour purity (fraction > 0 and <= 1): purity-adjusts detection power'),
    tumorFraction: CaseSampleSchema.shape.tumorFraction.describe('Plasma only: ctDNA tumour fraction (0-1) of the draw'),
  })
  .strict()
  .superRefine((b, c) => {
    if (b.site === undefined && b.type !== 'plasma') c.addIssue({ code: 'custom', message: `is required for a ${b.type} sample (one of ${SITES.join(', ')})`, path: ['site'] });
    if (b.tumorFraction !== undefined && b.type !== 'plasma') c.addIssue({ code: 'custom', message: 'is for plasma samples only', path: ['tumorFraction'] });
  });

const SamplePatch = z
  .object({
    label: CaseSampleSchema.shape.id.optional(),
    type: SampleType.optional(),
    site: Site.optional(),
    collected: IsoDate.optional(),
    purity: CaseSampleSchema.shape.purity.unwrap().nullable().optional().describe('null clears it'),
    tumorFraction: CaseSampleSchema.shape.tumorFraction.unwrap().nullable().optional().describe('Plasma only; null clears it'),
    revision: Revision,
  })
  .strict()
  .refine((b) => b.label !== undefined || b.type !== undefined || b.site !== undefined || b.collected !== undefined || b.purity !== undefined || b.tumorFraction !== undefined, { error: 'must change at least one of label, type, site, collected, purity, tumorFraction' });

const TreatmentBody = z
  .object({
    drug: SafeLabel(200),
    start: IsoDate.describe('Not after today, not before the birth year'),
    end: IsoDate.optional().describe('Not before start, not after today; absent while ongoing'),
    response: TreatmentSchema.shape.response,
    setting: TreatmentSetting.optional().describe('early (neoadjuvant / adjuvant) or metastatic; default: metastatic when it started on or after the first metastasis / recurrence sample'),
    line: Line.optional().describe('Metastatic line of therapy (1 = first line); default: counted from the metastatic treatments\' start dates'),
  })
  .strict()
  .refine((t) => !t.end || t.end >= t.start, { error: 'is before the start date', path: ['end'] });

const TreatmentPatch = z
  .object({
    drug: SafeLabel(200).optional(),
    start: IsoDate.optional(),
    end: IsoDate.nullable().optional(),
    response: TreatmentSchema.shape.response.unwrap().nullable().optional(),
    setting: TreatmentSetting.nullable().optional().describe('null: inferred from the dates'),
    line: Line.nullable().optional().describe('null: counted from the start dates'),
    revision: Revision,
  })
  .strict()
  .refine((b) => b.drug !== undefined || b.start !== undefined || b.end !== undefined || b.response !== undefined || b.setting !== undefined || b.line !== undefined, { error: 'must change at least one of drug, start, end, response, setting, line' });

/** Why a record is entered in error: free text (kept with the record, never in the audit log). */
const ReasonBody = z
  .object({
    reason: z
      .string()
      .trim()
      .min(3, { error: 'must be at least 3 characters' })
      .max(1000, { error: 'must be at most 1000 characters' })
      .refine((t) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t) && !UNSAFE_LABEL_CHARS.test(t.replace(/[\n\r\t]/g, ' ')), { error: 'may not contain control, bidirectional-override or zero-width characters' })
      .describe('Why the record is entered in error (shown with it; never written to the audit log)'),
  })
  .strict();

const IncludeQuery = z.object({ includeEnteredInError: z.enum(['0', '1']).optional().describe('1: also records entered in error (status entered-in-error, shown struck through)') }).strict();

/** "Today" of the date checks: the latest date that is today in some time zone (UTC + 1 day; today.ts, re-read A14). */
const today = () => latestToday();

/** Date problems of one record as field problems keyed by the record's own field names (`collected`, `end`). */
function dateProblems(issues: FieldIssue[]): never | void {
  if (issues.length === 0) return;
  throw invalidFields(issues.map((i) => ({ field: String(i.path.at(-1)), label: i.label, message: i.message })));
}

const Fraction = z.coerce.number({ error: 'must be a fraction > 0 and <= 1' }).gt(0, { error: 'must be a fraction > 0 and <= 1' }).max(1, { error: 'must be a fraction > 0 and <= 1' });

const UploadQuery = z
  .object({
    kind: z
      .enum(FILE_KINDS, { error: `must be one of ${FILE_KINDS.join(', ')}` })
      .describe('variants: VCF/MAF; regions: BED of the sequenced regions; cytometry: FCS or per-cell CSV/TSV; cytometry-panel: panel YAML; cytometry-control: FMO/isotype control; gates: Gating-ML XML; flowjo-workspace: FlowJo 10 workspace (.wsp) whose sample matching the FCS file gives the populations; reads: BAM or CRAM for the read-level look-back; reads-index: its .bai / .csi (BAM) or .crai (CRAM); reference: the FASTA a CRAM was written against (uncompressed); reference-index: that FASTA\'s .fai; copy-number: CNVkit .cns / .call.cns, SEG, PCGR CNA TSV or VCF with CN. Files are recognised by content, not by name.'),
    tumor: z.string().max(200).optional().describe('Tumour sample column (VCF) or Tumor_Sample_Barcode (MAF)'),
    normal: z.string().max(200).optional(),
    meanDepth: z.coerce.number().positive().optional().describe('Mean sequencing depth, used for coverage when the BED has no depth column'),
    group: SafeLabel(200).optional().describe('flowjo-workspace: the workspace sample group to pick the sample from'),
    sample: SafeLabel(200).optional().describe('flowjo-workspace: the workspace sample (name, sample ID or $FIL); default: matched by $FIL / file name. copy-number: the SEG ID / VCF sample column to read'),
    purity: Fraction.optional().describe('copy-number: tumour purity (0-1) for converting log2 ratios to copies; default: the sample\'s purity'),
    ploidy: z.coerce.number({ error: 'must be a number > 0 and <= 10' }).gt(0, { error: 'must be a number > 0 and <= 10' }).max(10, { error: 'must be a number > 0 and <= 10' }).optional().describe('copy-number: tumour ploidy (default 2)'),
  })
  .strict();

/**
 * Upload limit of a FlowJo workspace: it is XML parsed in memory, so it gets a limit of its own (below the general
 * one); real workspaces are a few MB.
 */
export const WORKSPACE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Kinds read whole into memory (a copy-number table; a FASTA index) get the same limit as a workspace: real ones are
 * kilobytes to a few MB. Alignment files, their indexes and the reference are read in pieces (the general limit).
 */
const IN_MEMORY_KINDS: ReadonlySet<FileKind> = new Set(['flowjo-workspace', 'copy-number', 'reference-index']);

const REPORT_FORMATS = ['html', 'patient', 'fhir', 'json', 'pdf'] as const;
const REPORT_DOWNLOAD_NAMES: Record<(typeof REPORT_FORMATS)[number], string> = {
  html: 'report.html',
  patient: 'patient-summary.html',
  fhir: 'fhir-bundle.json',
  json: 'analysis.json',
  pdf: 'report.pdf',
};
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

const publicFile = (f: StoredFile) => ({ id: f.id, sampleId: f.sampleId, kind: f.kind, originalName: f.originalName, size: f.size, sha256: f.sha256, options: f.options, uploadedAt: f.uploadedAt, status: f.status, enteredInError: f.enteredInError });

function classify(data: unknown): { classification: ClassificationResult | null; classificationError: string | null } {
  try {
    return { classification: classifyPathology(parsePathologyInput(data)), classificationError: null };
  } catch (e) {
    if (e instanceof InputError) return { classification: null, classificationError: e.message };
    throw e;
  }
}

/**
 * JSON already serialized, sent as it is: Fastify does not re-serialize a string sent with a JSON content type, so a
 * route's response schema documents it without checking it (the type only satisfies the route's declared shape).
 */
const jsonText = <T>(text: string): T => text as unknown as T;

export interface RouteOptions {
  loginRateLimit: { max: number; windowMs: number };
}

export async function registerRoutes(root: FastifyInstance, options: RouteOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const ctx = root.her2scope;
  const { store, files, runner } = ctx;
  const pageCache = new PatientPageCache(store);
  const sec = [{ session: [] }];
  const secWrite = [{ session: [], csrf: [] }];

  // ---- meta ---------------------------------------------------------------------------------------------------
  app.get('/api/health', { schema: { summary: 'Liveness', tags: ['meta'] }, config: { permission: 'public' } }, async () => ({ ok: true, kbVersion: ctx.kbVersion, codeVersion: ctx.codeVersion, notice: RESEARCH_USE }));
  app.get('/api/openapi.json', { schema: { hide: true }, config: { permission: 'public' } }, async () => root.swagger());

  // ---- auth ---------------------------------------------------------------------------------------------------
  const sessionBody = (user: { id: string; username: string; role: (typeof ROLES)[number] }, csrfToken: string): SessionInfo => ({
    user: { id: user.id, username: user.username, role: user.role, permissions: permissionsOf(user.role) },
    csrfToken,
    notice: RESEARCH_USE,
  });

  app.post(
    '/api/auth/login',
    {
      schema: { summary: 'Log in; sets the HttpOnly session cookie and returns the CSRF token', tags: ['auth'], body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(PASSWORD_MAX) }).strict(), response: { 200: SessionInfoSchema } },
      config: { permission: 'public', rateLimit: { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.windowMs } },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const user = await store.findUserForLogin(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
      if (!user || !ok || user.disabled) {
        // The attempted name is recorded only when it is a real account (a mistyped password can land in it).
        await store.recordAudit({ userId: user?.id ?? null, username: user?.username ?? null, ip: req.ip }, { action: 'login', entityType: 'user', entityId: user?.id ?? null, outcome: 'failed' });
        throw new HttpError(401, 'bad-credentials', 'wrong user name or password');
      }
      const token = newToken();
      const csrfToken = newToken();
      const expiresAt = new Date(Date.now() + ctx.options.sessionTtlMs);
      await store.createSession({ id: sessionId(token), userId: user.id, csrfToken, expiresAt: expiresAt.toISOString(), ip: req.ip ?? null, userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null });
      await store.recordAudit({ userId: user.id, username: user.username, ip: req.ip }, { action: 'login', entityType: 'user', entityId: user.id });
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: ctx.options.secureCookies, path: '/', expires: expiresAt });
      return sessionBody(user, csrfToken);
    },
  );

  app.get('/api/auth/session', { schema: { summary: 'The logged-in user, permissions and CSRF token', tags: ['auth'], security: sec, response: { 200: SessionInfoSchema } }, config: { permission: 'read' } }, async (req) => sessionBody(req.auth!.user, req.auth!.csrfToken));

  app.post('/api/auth/logout', { schema: { summary: 'Log out (ends the session)', tags: ['auth'], security: secWrite }, config: { permission: 'read' } }, async (req, reply) => {
    await store.deleteSession(req.auth!.sessionId);
    ctx.sessions.forget(req.auth!.sessionId);
    await store.recordAudit(ctx.actor(req), { action: 'logout', entityType: 'user', entityId: req.auth!.user.id });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.post(
    '/api/auth/password',
    {
      schema: {
        summary: 'Change your own password (needs the current one); ends your other sessions',
        tags: ['auth'],
        security: secWrite,
        body: z.object({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: NewPassword }).strict(),
      },
      config: { permission: 'read', rateLimit: { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.windowMs } },
    },
    async (req) => {
      const me = req.auth!.user;
      const account = await store.findUserForLogin(me.username);
      if (!account || !(await verifyPassword(req.body.currentPassword, account.passwordHash))) {
        await store.recordAudit(ctx.actor(req), { action: 'user.password', entityType: 'user', entityId: me.id, outcome: 'failed' });
        throw new HttpError(403, 'bad-credentials', 'the current password is wrong', 'currentPassword');
      }
      const problem = passwordProblem(req.body.newPassword, me.username);
      if (problem) throw badRequest(`New password ${problem}`, 'newPassword');
      if (req.body.newPassword === req.body.currentPassword) throw badRequest('New password is the current password', 'newPassword');
      await store.setPassword(me.id, await hashPassword(req.body.newPassword), ctx.actor(req), req.auth!.sessionId);
      ctx.sessions.forgetUser(me.id);
      return { ok: true };
    },
  );

  app.get('/api/auth/sessions', { schema: { summary: 'Your sessions (where and when you logged in); `current` marks this one', tags: ['auth'], security: sec }, config: { permission: 'read' } }, async (req) => ({
    sessions: (await store.listSessions(req.auth!.user.id)).map(({ key, ...s }) => ({ ...s, current: key === req.auth!.sessionId })),
  }));

  app.delete(
    '/api/auth/sessions/:id',
    { schema: { summary: 'End one of your sessions (log out elsewhere)', tags: ['auth'], security: secWrite, params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, { error: 'must be a session id (16 hex digits)' }) }) }, config: { permission: 'read' } },
    async (req) => {
      const ended = await store.endSession(req.auth!.user.id, req.params.id, ctx.actor(req));
      if (ended.length === 0) throw notFound('session');
      for (const k of ended) ctx.sessions.forget(k);
      return { ok: true, current: ended.includes(req.auth!.sessionId) };
    },
  );

  // ---- users and audit (admin) --------------------------------------------------------------------------------
  app.get('/api/users', { schema: { summary: 'List accounts', tags: ['admin'], security: sec, response: { 200: UserListSchema } }, config: { permission: 'admin' } }, async () => ({ users: await store.listUsers(), roles: ROLES, permissions: PERMISSIONS }));

  app.post(
    '/api/users',
    {
      schema: {
        summary: 'Create an account (password: at least 12 characters, not a common or breached password)',
        tags: ['admin'],
        security: secWrite,
        body: z
          .object({ username: Username, role: Role, password: NewPassword })
          .strict()
          .superRefine((b, c) => {
            if (passwordProblem(b.password, b.username) === 'contains the user name') c.addIssue({ code: 'custom', path: ['password'], message: 'contains the user name' });
          }),
      },
      config: { permission: 'admin' },
    },
    async (req, reply) => {
      const user = await store.createUser({ username: req.body.username, role: req.body.role, passwordHash: await hashPassword(req.body.password) }, ctx.actor(req));
      return reply.code(201).send({ user });
    },
  );

  app.patch(
    '/api/users/:id',
    { schema: { summary: 'Disable or enable an account (disabling ends its sessions)', tags: ['admin'], security: secWrite, params: IdParams, body: z.object({ disabled: z.boolean() }).strict() }, config: { permission: 'admin' } },
    async (req) => {
      if (req.params.id === req.auth!.user.id && req.body.disabled) throw badRequest('you cannot disable your own account', 'disabled');
      if (!(await store.setUserDisabled(req.params.id, req.body.disabled, ctx.actor(req)))) throw notFound('user');
      ctx.sessions.forgetUser(req.params.id);
      return { ok: true };
    },
  );

  app.get(
    '/api/audit',
    {
      schema: {
        summary: 'The audit log, newest first (who, what, which record, when; never patient data)',
        tags: ['admin'],
        security: sec,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional(), before: z.coerce.number().int().positive().optional(), entity: Id.optional() }).strict(),
        response: { 200: AuditListSchema },
      },
      config: { permission: 'admin' },
    },
    async (req) => ({ entries: await ctx.auditReads.flush({ all: true }).then(() => store.listAudit({ limit: req.query.limit ?? 100, ...(req.query.before ? { beforeSeq: req.query.before } : {}), ...(req.query.entity ? { entityId: req.query.entity } : {}) })) }),
  );

  // ---- patients -----------------------------------------------------------------------------------------------
  app.get(
    '/api/patients',
    {
      schema: {
        summary: 'List patients; q searches the label (case-insensitive substring)',
        tags: ['patients'],
        security: sec,
        querystring: z.object({ q: z.string().max(128).optional(), limit: z.coerce.number().int().min(1).max(1000).optional(), offset: z.coerce.number().int().min(0).optional(), ...IncludeQuery.shape }).strict(),
        response: { 200: PatientListSchema },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ patients: await store.listPatients({ ...(req.query.q ? { q: req.query.q } : {}), limit: req.query.limit ?? 200, offset: req.query.offset ?? 0, includeEnteredInError: req.query.includeEnteredInError === '1' }) }),
  );

  app.post('/api/patients', { schema: { summary: 'Register a patient (birth year from 1900 to this year)', tags: ['patients'], security: secWrite, body: PatientBody }, config: { permission: 'patient.write' } }, async (req, reply) => {
    dateProblems(timelineIssues({ birthYear: req.body.birthYear ?? null, samples: [], treatments: [] }, today()));
    const p = await store.createPatient({ label: req.body.label, sex: req.body.sex ?? null, birthYear: req.body.birthYear ?? null, synthetic: req.body.synthetic ?? false, setting: req.body.setting ?? null }, ctx.actor(req));
    return reply.code(201).send({ patient: p });
  });

  /**
   * The record, or 404. Deny by default: a record entered in error (or a sample of such a patient) answers 409,
   * nothing may be added to or changed on it; only reads pass `{ read: true }` to see it.
   */
  const requirePatient = async (id: string, opts: { read?: boolean } = {}) => {
    const p = await store.getPatient(id);
    if (!p) throw notFound('patient');
    if (!opts.read && p.status !== 'active') throw enteredInError('patient');
    return p;
  };
  const requireSample = async (id: string, opts: { read?: boolean } = {}) => {
    const s = await store.getSample(id);
    if (!s) throw notFound('sample');
    if (!opts.read && s.status !== 'active') throw enteredInError('sample');
    if (!opts.read) await requirePatient(s.patientId);
    return s;
  };
  const enteredInError = (what: string) => new HttpError(409, 'entered-in-error', `this ${what} is entered in error; it can no longer be changed or added to`);
  const refused = (what: string, r: CorrectionRefusal) =>
    r === 'not-found' ? notFound(what) : r === 'entered-in-error' ? enteredInError(what) : new HttpError(409, 'revision-conflict', `this ${what} was changed by someone else meanwhile; reload it and edit again`);

  /**
   * Whether a finished run is the current interpretation: no newer finished run (`supersededBy`) and no input
   * changed since (`changes`). Anything else is history.
   */
  const currency = async (a: { id: string; patientId: string; version: number }) => {
    const newerDone = (await store.listAnalyses(a.patientId)).find((x) => x.status === 'done' && x.version > a.version) ?? null;
    const changes = await staleness(a.id, await snapshotPatient(store, a.patientId));
    return { current: newerDone === null && changes.length === 0, changes, supersededBy: newerDone?.id ?? null };
  };

  /** Staleness of a finished run against the patient's current records (`now`, built from the same lists). */
  const staleness = async (analysisId: string, now: AnalysisInput): Promise<InputChange[]> => inputChanges((await store.getAnalysisInput(analysisId)) as AnalysisInput, now);

  app.patch(
    '/api/patients/:id',
    { schema: { summary: 'Edit a patient (label, sex, birth year, setting); audited; a later analysis is needed for the change to count', tags: ['corrections'], security: secWrite, params: IdParams, body: PatientPatch }, config: { permission: 'patient.write' } },
    async (req) => {
      const patient = await requirePatient(req.params.id);
      const { revision, ...patch } = req.body;
      if (patch.birthYear !== undefined && patch.birthYear !== null) {
        const [samples, treatments] = await Promise.all([store.listSamples(patient.id), store.listTreatments(patient.id)]);
        const issues = timelineIssues({ birthYear: patch.birthYear, samples, treatments }, today());
        const own = issues.find((i) => i.path[1] === 'birthYear');
        if (own) dateProblems([own]);
        const later = issues[0];
        if (later) {
          const what = later.path[0] === 'samples' ? `sample ${samples[Number(later.path[1])]?.label ?? ''}` : `treatment ${treatments[Number(later.path[1])]?.drug ?? ''}`;
          throw invalidFields([{ field: 'birthYear', label: 'Birth year', message: `Birth year ${patch.birthYear} is after a date of ${what} (${later.message})` }]);
        }
      }
      const r = await store.updatePatient(patient.id, patch, ctx.actor(req), revision);
      if (typeof r === 'string') throw refused('patient', r);
      return { patient: r };
    },
  );

  app.get(
    '/api/patients/:id',
    {
      schema: {
        summary:
          'A patient with samples, pathology and classification, files, treatments, comments, analyses and the latest result. `analysisStale` is true when the records changed after the latest finished analysis (`staleChanges` says how); its result is then withheld (`latest.result` null, `latest.stale` true) until a new run finishes.',
        tags: ['patients'],
        security: sec,
        params: IdParams,
        querystring: IncludeQuery,
        // Response: PatientDetailSchema (core api/), sent as cached JSON text (not re-serialized).
        response: { 200: PatientDetailSchema },
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
    const include = req.query.includeEnteredInError === '1';
    const cached = include ? null : pageCache.get(req.params.id);
    if (cached !== null) {
      ctx.auditReads.push(ctx.actor(req), { action: 'patient.view', entityType: 'patient', entityId: req.params.id });
      return reply.type('application/json; charset=utf-8').send(jsonText<PatientDetail>(cached));
    }
    const gen = pageCache.gen;
    const patient = await requirePatient(req.params.id, { read: true });
    const listed = { includeEnteredInError: include };
    const [samples, pathology, fileRows, treatments, comments, analyses] = await Promise.all([
      store.listSamples(patient.id, listed),
      store.listPathology(patient.id),
      store.listFiles(patient.id, listed),
      store.listTreatments(patient.id, listed),
      store.listComments(patient.id),
      store.listAnalyses(patient.id),
    ]);
    const versions = new Map<string, PathologyRecord[]>();
    for (const p of pathology) versions.set(p.sampleId, [...(versions.get(p.sampleId) ?? []), p]);
    const latestDone = analyses.find((a) => a.status === 'done') ?? null;
    // Staleness: the inputs the latest finished run used against the records now (records entered in error excluded).
    const changes = latestDone ? await staleness(latestDone.id, buildSnapshot(patient, samples, pathology, fileRows, treatments)) : [];
    const stale = changes.length > 0;
    // A run requested after the latest finished one (queued, running or failed) supersedes it once it finishes.
    const newer = latestDone ? (analyses.find((a) => a.version > latestDone.version && a.status !== 'failed') ?? null) : null;
    ctx.auditReads.push(ctx.actor(req), { action: 'patient.view', entityType: 'patient', entityId: patient.id });
    const page = {
      patient,
      analysisStale: stale,
      staleChanges: changes,
      samples: samples.map((s) => {
        const history = versions.get(s.id) ?? [];
        const latest = history[0] ?? null;
        return { ...s, pathology: latest, pathologyVersions: history.length, ...(latest ? classify(latest.data) : { classification: null, classificationError: null }), files: fileRows.filter((f) => f.sampleId === s.id).map(publicFile) };
      }),
      treatments,
      comments,
      analyses,
      // A stale run's result and reports are never served as current: withheld here, still readable (flagged) at /api/analyses/:id.
      latest: latestDone
        ? {
            analysis: latestDone,
            stale,
            changes,
            supersededBy: newer?.id ?? null,
            result: stale ? null : await store.getAnalysisResult(latestDone.id),
            reports: stale ? [] : [...(await store.listReportFormats(latestDone.id)), 'pdf'],
          }
        : null,
      notice: RESEARCH_USE,
    };
    const json = JSON.stringify(page);
    if (!include) pageCache.set(patient.id, json, [...samples.map((x) => x.id), ...analyses.map((a) => a.id)], gen);
    return reply.type('application/json; charset=utf-8').send(jsonText<PatientDetail>(json));
  },
  );

  app.post('/api/patients/:id/samples', { schema: { summary: 'Add a sample (type, site (optional for plasma), collection date: not after today, not before the birth year; purity; tumorFraction for plasma)', tags: ['patients'], security: secWrite, params: IdParams, body: SampleBody }, config: { permission: 'patient.write' } }, async (req, reply) => {
    const patient = await requirePatient(req.params.id);
    dateProblems(timelineIssues({ birthYear: patient.birthYear, samples: [{ collected: req.body.collected }], treatments: [] }, today()));
    const { site, ...rest } = req.body;
    const sample = await store.createSample({ patientId: patient.id, ...rest, site: site ?? PLASMA_SITE }, ctx.actor(req));
    return reply.code(201).send({ sample });
  });

  app.post('/api/patients/:id/treatments', { schema: { summary: 'Record a treatment (dates not after today, not before the birth year; end not before start)', tags: ['patients'], security: secWrite, params: IdParams, body: TreatmentBody }, config: { permission: 'treatment.write' } }, async (req, reply) => {
    const patient = await requirePatient(req.params.id);
    dateProblems(timelineIssues({ birthYear: patient.birthYear, samples: [], treatments: [{ start: req.body.start, end: req.body.end ?? null }] }, today()));
    const t = await store.addTreatment({ patientId: patient.id, drug: req.body.drug, start: req.body.start, end: req.body.end ?? null, response: req.body.response ?? null, setting: req.body.setting ?? null, line: req.body.line ?? null }, ctx.actor(req));
    return reply.code(201).send({ treatment: t });
  });

  app.post('/api/patients/:id/comments', { schema: { summary: 'Comment on a patient (tumour-board review)', tags: ['patients'], security: secWrite, params: IdParams, body: z.object({ body: z.string().trim().min(1).max(10_000).refine((t) => !t.includes('\u0000'), { error: 'may not contain NUL characters' }) }).strict() }, config: { permission: 'comment' } }, async (req, reply) => {
    const patient = await requirePatient(req.params.id);
    return reply.code(201).send({ comment: await store.addComment({ patientId: patient.id, body: req.body.body }, ctx.actor(req)) });
  });

  // ---- corrections (issue 17) ---------------------------------------------------------------------------------
  app.patch(
    '/api/samples/:id',
    { schema: { summary: 'Edit a sample (label, type, site, collection date, purity, tumorFraction); audited. Pathology corrections are a new version (PUT /api/samples/:id/pathology).', tags: ['corrections'], security: secWrite, params: IdParams, body: SamplePatch }, config: { permission: 'patient.write' } },
    async (req) => {
      const sample = await requireSample(req.params.id);
      const { revision, ...patch } = req.body;
      if (patch.collected !== undefined) {
        const patient = await requirePatient(sample.patientId);
        dateProblems(timelineIssues({ birthYear: patient.birthYear, samples: [{ collected: patch.collected }], treatments: [] }, today()));
      }
      // A ctDNA fraction belongs to a plasma draw: refused on a tissue sample, and kept from one turned into tissue.
      const type = patch.type ?? sample.type;
      const fraction = patch.tumorFraction !== undefined ? patch.tumorFraction : sample.tumorFraction;
      if (type !== 'plasma' && fraction !== null) {
        throw invalidFields([{ field: 'tumorFraction', label: 'tumorFraction', message: patch.tumorFraction !== undefined ? 'is for plasma samples only' : `is for plasma samples only: clear it (null) to make this sample a ${type} sample` }]);
      }
      const r = await store.updateSample(sample.id, patch, ctx.actor(req), revision);
      if (typeof r === 'string') throw refused('sample', r);
      return { sample: r };
    },
  );

  app.patch(
    '/api/treatments/:id',
    { schema: { summary: 'Edit a treatment (drug, start, end, response, setting, line; null clears end, response, setting or line); audited', tags: ['corrections'], security: secWrite, params: IdParams, body: TreatmentPatch }, config: { permission: 'treatment.write' } },
    async (req) => {
      const t = await store.getTreatment(req.params.id);
      if (!t) throw notFound('treatment');
      if (t.status !== 'active') throw enteredInError('treatment');
      const patient = await requirePatient(t.patientId);
      const { revision, ...patch } = req.body;
      const start = patch.start ?? t.start;
      const end = patch.end === undefined ? t.end : patch.end;
      dateProblems(timelineIssues({ birthYear: patient.birthYear, samples: [], treatments: [{ start, end }] }, today()));
      const r = await store.updateTreatment(t.id, patch, ctx.actor(req), revision);
      if (typeof r === 'string') throw refused('treatment', r);
      return { treatment: r };
    },
  );

  const EIE_PERMISSION: Record<CorrectableKind, Permission> = { patient: 'patient.write', sample: 'patient.write', treatment: 'treatment.write', file: 'file.upload' };
  const EIE_WHAT: Record<CorrectableKind, string> = {
    patient: 'the patient with all their records: left out of the patient list',
    sample: 'the sample with its pathology and files',
    treatment: 'the treatment',
    file: 'the file (its content stays stored)',
  };
  for (const kind of ['patient', 'sample', 'treatment', 'file'] as const) {
    app.post(
      `/api/${kind}s/:id/entered-in-error`,
      {
        schema: {
          summary: `Mark ${EIE_WHAT[kind]} as entered in error, with a reason. The record stays stored (status, reason, who, when), is left out of lists and analyses, and is shown struck through with ?includeEnteredInError=1. Audited (id only; the reason is not written to the audit log).`,
          tags: ['corrections'],
          security: secWrite,
          params: IdParams,
          body: ReasonBody,
        },
        config: { permission: EIE_PERMISSION[kind] },
      },
      async (req) => {
        const r = await store.markEnteredInError(kind, req.params.id, req.body.reason, ctx.actor(req));
        if (typeof r === 'string') throw refused(kind, r);
        const record = kind === 'patient' ? await store.getPatient(req.params.id) : kind === 'sample' ? await store.getSample(req.params.id) : kind === 'treatment' ? await store.getTreatment(req.params.id) : await store.getFile(req.params.id);
        if (!record) throw notFound(kind);
        return { [kind]: kind === 'file' ? publicFile(record as StoredFile) : record };
      },
    );
  }

  // ---- pathology ----------------------------------------------------------------------------------------------
  app.post(
    '/api/classify',
    { schema: { summary: 'Classify HER2/ER/PR from pathology values (ASCO/CAP rules, with the rule trail); stores nothing', tags: ['pathology'], security: secWrite, body: z.unknown() }, config: { permission: 'read' } },
    async (req) => ({ classification: classifyPathology(parsePathologyInput(req.body)), notice: RESEARCH_USE }),
  );

  app.put(
    '/api/samples/:id/pathology',
    { schema: { summary: "Enter a sample's pathology (a new version; earlier versions are kept)", tags: ['pathology'], security: secWrite, params: IdParams, body: z.unknown().describe('{ her2: { ihc, stainedPercent, ish: { probe, her2, cep17, ratio } }, er: { percent | allred | hScore }, pr: {...}, ki67 }') }, config: { permission: 'pathology.write' } },
    async (req, reply) => {
      const sample = await requireSample(req.params.id);
      const data = parsePathologyInput(req.body);
      const classification = classifyPathology(data); // contradictory input is refused here, with the field named
      const pathology = await store.addPathology(sample.id, data, ctx.actor(req));
      return reply.code(201).send({ pathology, classification });
    },
  );

  app.post('/api/samples/:id/pathology/sign', { schema: { summary: 'Sign the latest pathology version', tags: ['pathology'], security: secWrite, params: IdParams }, config: { permission: 'pathology.write' } }, async (req) => {
    const sample = await requireSample(req.params.id);
    const r = await store.signPathology(sample.id, ctx.actor(req));
    if (r === null) throw new HttpError(409, 'no-pathology', 'this sample has no pathology to sign');
    if (r === 'already-signed') throw new HttpError(409, 'already-signed', 'the latest pathology version is already signed');
    return { pathology: r };
  });

  // ---- files --------------------------------------------------------------------------------------------------
  app.post(
    '/api/samples/:id/files',
    {
      schema: {
        summary: 'Upload a file for a sample (multipart/form-data, one part named "file"); streamed to disk with its SHA-256; size limit configurable (default 2 GiB)',
        tags: ['files'],
        security: secWrite,
        consumes: ['multipart/form-data'],
        params: IdParams,
        querystring: UploadQuery,
      },
      config: { permission: 'file.upload' },
    },
    async (req, reply) => {
      const sample = await requireSample(req.params.id);
      if (req.query.kind !== 'flowjo-workspace' && req.query.group !== undefined) throw badRequest('group applies to a FlowJo workspace upload (kind=flowjo-workspace)', 'querystring.group');
      if (req.query.kind !== 'flowjo-workspace' && req.query.kind !== 'copy-number' && req.query.sample !== undefined) throw badRequest('sample applies to a FlowJo workspace (kind=flowjo-workspace) or copy-number upload', 'querystring.sample');
      for (const k of ['purity', 'ploidy'] as const) if (req.query.kind !== 'copy-number' && req.query[k] !== undefined) throw badRequest(`${k} applies to a copy-number upload (kind=copy-number); a sample's purity is a sample field`, `querystring.${k}`);
      if (!req.isMultipart()) throw new HttpError(415, 'unsupported-media-type', 'send the file as multipart/form-data with a part named "file"');
      const part = await req.file();
      if (!part || part.fieldname !== 'file') throw badRequest('no part named "file" in the upload', 'file');
      const originalName = (part.filename || 'upload').replace(/[\u0000-\u001f/\\]/g, '_').slice(0, 255);
      const limit = IN_MEMORY_KINDS.has(req.query.kind) ? Math.min(WORKSPACE_LIMIT_BYTES, ctx.options.uploadLimitBytes) : ctx.options.uploadLimitBytes;
      const received = await files.receive(part.file, limit);
      if (part.file.truncated) {
        await files.discard(received);
        throw new HttpError(413, 'too-large', `file is larger than the upload limit (${limit} bytes)`);
      }
      let extension: string | undefined;
      try {
        extension = await checkUpload(req.query.kind, received.tmpPath, originalName, req.query, ctx.uploadChecks);
      } catch (e) {
        await files.discard(received);
        throw e;
      }
      const storagePath = await files.commit(received, originalName, extension);
      const options: Record<string, unknown> = {};
      // What the content was recognised as (bam, cram, bai, csi, crai, fa, fai): shown with the file, pairs it.
      if (extension !== undefined) options.format = extension.slice(1);
      if (req.query.tumor) options.tumor = req.query.tumor;
      if (req.query.normal) options.normal = req.query.normal;
      if (req.query.meanDepth) options.meanDepth = req.query.meanDepth;
      if (req.query.kind === 'flowjo-workspace') {
        if (req.query.group) options.group = req.query.group;
        if (req.query.sample) options.sample = req.query.sample;
      }
      if (req.query.kind === 'copy-number') {
        if (req.query.purity !== undefined) options.purity = req.query.purity;
        if (req.query.ploidy !== undefined) options.ploidy = req.query.ploidy;
        if (req.query.sample) options.sample = req.query.sample;
      }
      const file = await store.addFile({ sampleId: sample.id, kind: req.query.kind, originalName, size: received.size, sha256: received.sha256, storagePath, options }, ctx.actor(req));
      return reply.code(201).send({ file: publicFile(file) });
    },
  );

  app.get('/api/files/:id', { schema: { summary: 'Download an uploaded file', tags: ['files'], security: sec, params: IdParams }, config: { permission: 'read' } }, async (req, reply) => {
    const f = await store.getFile(req.params.id);
    if (!f) throw notFound('file');
    ctx.auditReads.push(ctx.actor(req), { action: 'file.download', entityType: 'file', entityId: f.id });
    reply.header('content-disposition', `attachment; filename="${f.originalName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
    reply.header('x-checksum-sha256', f.sha256);
    return reply.type('application/octet-stream').send(createReadStream(files.absolute(f.storagePath)));
  });

  // ---- analyses -----------------------------------------------------------------------------------------------
  app.post('/api/patients/:id/analyses', { schema: { summary: 'Run the analysis (queued; runs in a worker thread). A new versioned run every time; history is kept. 429 beyond the per-user quota or when the queue is full.', tags: ['analyses'], security: secWrite, params: IdParams, response: { 202: AnalysisQueuedSchema } }, config: { permission: 'analysis.run' } }, async (req, reply) => {
    const owner = req.auth!.user.id;
    let slot: { release(): void };
    try {
      slot = runner.reserve(owner);
    } catch (e) {
      if (e instanceof QueueFullError) throw new HttpError(429, e.code, e.message);
      throw e;
    }
    try {
      const patient = await requirePatient(req.params.id);
      const input = await snapshotPatient(store, patient.id);
      assertAnalysable(input, today());
      const analysis = await store.createAnalysis({ patientId: patient.id, kbVersion: ctx.kbVersion, codeVersion: ctx.codeVersion, input }, ctx.actor(req));
      runner.enqueue(analysis.id, owner, slot);
      return reply.code(202).send({ analysis });
    } finally {
      slot.release();
    }
  });

  app.get(
    '/api/analyses/:id',
    {
      schema: {
        summary:
          'An analysis run: status and progress; the result and report formats once done. `current` is false when the patient\'s records changed since the run (`stale`, `changes`) or a newer run finished (`supersededBy`): its result is then history, never the current interpretation.',
        tags: ['analyses'],
        security: sec,
        params: IdParams,
        // The contract's shape (core api/); sent as JSON text so the staleness fields are not stripped.
        response: { 200: AnalysisResponseSchema },
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const a = await store.getAnalysis(req.params.id);
      if (!a) throw notFound('analysis');
      if (a.status !== 'done') return reply.type('application/json; charset=utf-8').send(jsonText<AnalysisResponse>(JSON.stringify({ analysis: a, current: false, stale: false, changes: [], supersededBy: null, result: null, reports: [] })));
      const { current, changes, supersededBy } = await currency(a);
      const body = { analysis: a, current, stale: changes.length > 0, changes, supersededBy, result: await store.getAnalysisResult(a.id), reports: [...(await store.listReportFormats(a.id)), 'pdf'] };
      return reply.type('application/json; charset=utf-8').send(jsonText<AnalysisResponse>(JSON.stringify(body)));
    },
  );

  app.get('/api/analyses/:id/input', { schema: { summary: 'The stored input snapshot of a run (samples, pathology version, file checksums, treatments)', tags: ['analyses'], security: sec, params: IdParams }, config: { permission: 'read' } }, async (req) => {
    const a = await store.getAnalysis(req.params.id);
    if (!a) throw notFound('analysis');
    return { analysis: a, input: await store.getAnalysisInput(a.id) };
  });

  // Reports of a finished run never change: keep the most recently read ones in memory as ready-to-send bytes.
  const reportCache = new Map<string, { body: Buffer; mediaType: string; etag: string }>();
  const REPORT_CACHE_BYTES = 64 * 1024 * 1024;
  let reportCacheBytes = 0;
  const cachedReport = async (id: string, format: string) => {
    const key = `${id}/${format}`;
    const hit = reportCache.get(key);
    if (hit) {
      reportCache.delete(key);
      reportCache.set(key, hit);
      return hit;
    }
    const r = await store.getReport(id, format);
    if (!r) return null;
    const entry = { body: Buffer.from(r.content, 'utf8'), mediaType: r.mediaType, etag: `"${r.sha256}"` };
    reportCache.set(key, entry);
    reportCacheBytes += entry.body.length;
    for (const [k, v] of reportCache) {
      if (reportCacheBytes <= REPORT_CACHE_BYTES) break;
      reportCache.delete(k);
      reportCacheBytes -= v.body.length;
    }
    return entry;
  };

  const pdfInFlight = new Map<string, Promise<Buffer>>();
  const pdfFor = (analysisId: string, html: string): Promise<Buffer> => {
    const existing = pdfInFlight.get(analysisId);
    if (existing) return existing;
    const path = files.reportPath(analysisId, 'pdf');
    const p = (async () => {
      try {
        return await readFile(path);
      } catch {
        const { renderPdf } = await import('@her2scope/reports');
        const pdf = await renderPdf(html);
        await files.storeReport(analysisId, 'pdf', pdf);
        return pdf;
      }
    })().finally(() => pdfInFlight.delete(analysisId));
    pdfInFlight.set(analysisId, p);
    return p;
  };

  app.get(
    '/api/analyses/:id/reports/:format',
    {
      schema: {
        summary:
          'A report of a finished run: html (clinician), patient (plain-language summary), fhir (FHIR R4 bundle), json, pdf. A run that is no longer current (inputs changed or a newer run finished) answers 409 `not-current` unless `history=1` asks for it as history.',
        tags: ['analyses'],
        security: sec,
        params: z.object({ id: Id, format: z.enum(REPORT_FORMATS) }),
        querystring: z.object({ download: z.enum(['0', '1']).optional(), history: z.enum(['0', '1']).optional() }).strict(),
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const { id, format } = req.params;
      const source = await cachedReport(id, format === 'pdf' ? 'html' : format);
      if (!source) {
        const a = await store.getAnalysis(id);
        throw a ? new HttpError(409, 'not-ready', `analysis is ${a.status}; reports exist once it is done`) : notFound('analysis');
      }
      if (req.query.history !== '1') {
        // A report never looks current when it is not (issue 17): its options may rest on records since corrected.
        const a = await store.getAnalysis(id);
        const c = a ? await currency(a) : null;
        if (c && !c.current) {
          const why = c.supersededBy ? 'a newer analysis has finished' : `the patient's records changed since it ran (${c.changes.length} change${c.changes.length === 1 ? '' : 's'})`;
          throw new HttpError(409, 'not-current', `this report is out of date: ${why}; run the analysis again, or add history=1 to read it as history`);
        }
      }
      ctx.auditReads.push(ctx.actor(req), { action: 'report.download', entityType: 'analysis', entityId: id });
      const disposition = req.query.download === '1' || format === 'pdf' ? 'attachment' : 'inline';
      reply.header('content-disposition', `${disposition}; filename="${REPORT_DOWNLOAD_NAMES[format]}"`);
      if (format === 'pdf') {
        reply.header('content-security-policy', REPORT_CSP);
        return reply.type('application/pdf').send(await pdfFor(id, source.body.toString('utf8')));
      }
      reply.header('etag', source.etag);
      if (format === 'html' || format === 'patient') reply.header('content-security-policy', REPORT_CSP);
      if (req.headers['if-none-match'] === source.etag) return reply.code(304).send();
      return reply.type(source.mediaType).send(source.body);
    },
  );
}

/**
 * Refuse an upload that the analysis could not read, at once and with the reader's message (file name, line, field).
 * Returns the extension the file is stored under when its content decides it (alignment files, indexes, FASTA): the
 * readers tell BAM from CRAM and .bai from .csi by it, so it must come from the bytes, not from the name sent.
 */
async function checkUpload(kind: FileKind, path: string, originalName: string, q: { tumor?: string | undefined; normal?: string | undefined; sample?: string | undefined }, checks: UploadChecker): Promise<string | undefined> {
  const rename = (e: unknown) => {
    if (e instanceof InputError) return new InputError(e.field.split(path).join(originalName), e.detail.split(path).join(originalName));
    return e;
  };
  try {
    if (kind === 'variants') {
      const f = await openVariantFile(path, { ...(q.tumor ? { tumor: q.tumor } : {}), ...(q.normal ? { normal: q.normal } : {}) });
      await f.close();
    } else if (kind === 'regions') {
      await readBed(path);
    } else if (kind === 'flowjo-workspace') {
      // Parsed in full (samples, groups, gate trees, transforms, matrices), in a worker thread (re-read A13).
      await checks.check('flowjo-workspace', path, originalName);
    } else if (kind === 'copy-number') {
      // Parsed in full (segments, the SEG / VCF sample): what the analysis reads.
      await readCopyNumber(path, q.sample !== undefined ? { sample: q.sample } : {});
    } else if (kind === 'reads') {
      return `.${(await sniffAlignmentFile(path, originalName)).format}`;
    } else if (kind === 'reads-index') {
      return `.${await sniffAlignmentIndex(path, originalName)}`;
    } else if (kind === 'reference') {
      await sniffFasta(path, originalName);
      return '.fa';
    } else if (kind === 'reference-index') {
      await checks.check('reference-index', path, originalName);
      return '.fai';
    }
    return undefined;
  } catch (e) {
    throw rename(e);
  }
}
