/**
 * Repository for the clinical tables (migration 0002_clinical): accounts, sessions, patients, samples, versioned
 * pathology, uploaded files, treatments, comments, versioned analyses with their reports, and the audit log.
 *
 * Every change that a user makes is written in ONE transaction together with its audit entry, so there is never a
 * record without its audit line or an audit line for a change that did not happen. Audit entries hold internal ids
 * (UUIDs), the action and the outcome; never patient data (no labels, values, file names or comments).
 * Only parameterised SQL (Kysely), on SQLite and PostgreSQL alike.
 *
 * Concurrency (issue 12): a change that numbers a new version (pathology, analysis) or depends on the current state
 * (signing) first locks its parent row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite transactions are serialised on
 * the one connection), so 20 parallel saves get 20 consecutive versions and 20 parallel signs exactly one success.
 * Audit lines are hash-chained (audit-hash.ts): writers take a transaction-scoped advisory lock on PostgreSQL, so the
 * chain has one order, the `seq` order.
 */
import { randomUUID } from 'node:crypto';
import { PostgresAdapter, sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { AUDIT_GENESIS, auditHash, type AuditHashFields } from './audit-hash.ts';
import type { AnalysesTable, ClinicalTables, FilesTable, PathologyTable, PatientsTable, SamplesTable, TreatmentsTable } from './schema.ts';

export const ROLES = ['admin', 'pathologist', 'molecular', 'oncologist', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Kinds of uploaded file, each used by one case field (core case/schema.ts): `variants` / `regions` (variants.file /
 * .regions), the cytometry inputs, `reads` (BAM or CRAM: reads.file), `reads-index` (.bai / .csi / .crai:
 * reads.index), `reference` (the FASTA a CRAM was written against: reads.reference) with `reference-index` (its
 * .fai), and `copy-number` (CNVkit .cns / .call.cns, SEG, PCGR CNA TSV or VCF with CN: copyNumber.file).
 */
export const FILE_KINDS = ['variants', 'regions', 'cytometry', 'cytometry-panel', 'cytometry-control', 'gates', 'flowjo-workspace', 'reads', 'reads-index', 'reference', 'reference-index', 'copy-number'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const ANALYSIS_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

type Db = Kysely<ClinicalTables>;
type Trx = Transaction<ClinicalTables>;

export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

/** Who acts; written to the audit log. `userId` null = the server itself (e.g. loading the examples). */
export interface Actor {
  userId: string | null;
  username: string | null;
  ip: string | null;
}

/** Record status (migration 0005_corrections). */
export const RECORD_STATUSES = ['active', 'entered-in-error'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Disease setting of a patient or a treatment (core case/schema.ts TREATMENT_SETTINGS; migration 0008). */
export type Setting = 'early' | 'metastatic';

/** Why, by whom and when a record was marked entered in error (null for an active record). */
export interface EnteredInError {
  reason: string;
  /** User id of who marked it. */
  by: string | null;
  at: string;
}

/** The status fields every correctable record carries. */
export interface Correctable {
  status: RecordStatus;
  enteredInError: EnteredInError | null;
}

/** Patients, samples and treatments are edited in place with a revision number (1 when created). */
export interface Revised {
  revision: number;
  updatedAt: string | null;
}

/** The kinds of record that can be marked entered in error. */
export const CORRECTABLE_KINDS = ['patient', 'sample', 'treatment', 'file'] as const;
export type CorrectableKind = (typeof CORRECTABLE_KINDS)[number];

/** Why an edit or a status change did not happen. */
export type CorrectionRefusal = 'not-found' | 'entered-in-error' | 'revision-conflict';

export interface Patient extends Correctable, Revised {
  id: string;
  label: string;
  sex: 'F' | 'M' | 'X' | null;
  birthYear: number | null;
  synthetic: boolean;
  /** Disease setting now; null = inferred from the sample types (case field patient.setting). */
  setting: Setting | null;
  createdAt: string;
}

export interface PatientListItem extends Patient {
  samples: number;
  lastAnalysis: { id: string; version: number; status: AnalysisStatus } | null;
}

export interface Sample extends Correctable, Revised {
  id: string;
  patientId: string;
  label: string;
  type: string;
  site: string;
  collected: string;
  /** Tumour purity (0-1), null when not given (migration 0007_sample_fractions). */
  purity: number | null;
  /** Plasma only: ctDNA tumour fraction (0-1), null when not given. */
  tumorFraction: number | null;
  createdAt: string;
}

export interface PathologyRecord {
  id: string;
  sampleId: string;
  version: number;
  data: unknown;
  enteredBy: string | null;
  enteredAt: string;
  signedBy: string | null;
  signedAt: string | null;
}

export interface StoredFile extends Correctable {
  id: string;
  sampleId: string;
  kind: FileKind;
  originalName: string;
  size: number;
  sha256: string;
  /** Path relative to the server's data directory. */
  storagePath: string;
  options: Record<string, unknown>;
  uploadedBy: string | null;
  uploadedAt: string;
}

export interface TreatmentRecord extends Correctable, Revised {
  id: string;
  patientId: string;
  drug: string;
  start: string;
  end: string | null;
  response: string | null;
  /** Early or metastatic; null = inferred from the dates (case field treatments[].setting). */
  setting: Setting | null;
  /** Metastatic line of therapy (>= 1); null = counted from the start dates (case field treatments[].line). */
  line: number | null;
  createdAt: string;
}

export interface CommentRecord {
  id: string;
  patientId: string;
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
  attempts: number;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  userId: string | null;
  username: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  /** Events this line stands for (repeated reads coalesced; 1 for every change). */
  count: number;
}

/** The result of `verifyAudit`: ok, or the first line that is not as written. */
export type AuditVerification =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; seq: number; problem: 'edited' | 'chain-broken' | 'unchained'; message: string };

export interface AuditInput {
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  outcome?: AuditEntry['outcome'];
}

export interface StoredReport {
  format: string;
  mediaType: string;
  content: string;
  sha256: string;
}

/** A unique-constraint violation (duplicate label etc.), on either database. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(err?.message ?? '');
}

const now = () => new Date().toISOString();

/** Key of the PostgreSQL advisory lock that orders audit-log writers (any constant; "h2sa"). */
const AUDIT_LOCK_KEY = 0x68327361;

/** An audit line as written: the hashed fields (audit-hash.ts), with the coalesced count as a number. */
type AuditRow = AuditHashFields & { count: number };

const auditRow = (actor: Actor, entry: AuditInput, at: string, count = 1): AuditRow => ({
  at,
  user_id: actor.userId,
  username: actor.username,
  action: entry.action,
  entity_type: entry.entityType ?? null,
  entity_id: entry.entityId ?? null,
  outcome: entry.outcome ?? 'ok',
  ip: actor.ip,
  count,
});

function toUser(r: ClinicalTables['users']): User {
  return { id: r.id, username: r.username, role: r.role as Role, disabled: Boolean(r.disabled), createdAt: r.created_at };
}
type StatusColumns = { status: string; status_reason: string | null; status_by: string | null; status_at: string | null };
/**
 * A stored record status; anything but the two known values is an error, never read as `active` (fail closed, re-read
 * A16; migration 0008 also refuses such a value on write).
 */
export function toRecordStatus(value: string): RecordStatus {
  if (value === 'active' || value === 'entered-in-error') return value;
  throw new Error(`unknown record status ${JSON.stringify(value)} (expected active or entered-in-error)`);
}
function toStatus(r: StatusColumns): Correctable {
  const status = toRecordStatus(r.status);
  return { status, enteredInError: status === 'entered-in-error' ? { reason: r.status_reason ?? '', by: r.status_by ?? null, at: r.status_at ?? '' } : null };
}
function toSetting(v: string | null | undefined): Setting | null {
  if (v === null || v === undefined) return null;
  if (v === 'early' || v === 'metastatic') return v;
  throw new Error(`unknown setting ${JSON.stringify(v)} (expected early or metastatic)`);
}
function toRevised(r: { revision: number | string; updated_at: string | null }): Revised {
  return { revision: Number(r.revision), updatedAt: r.updated_at };
}
function toPatient(r: Selectable<PatientsTable>): Patient {
  return { id: r.id, label: r.label, sex: (r.sex as Patient['sex']) ?? null, birthYear: r.birth_year === null ? null : Number(r.birth_year), synthetic: Boolean(Number(r.synthetic)), setting: toSetting(r.setting), createdAt: r.created_at, ...toStatus(r), ...toRevised(r) };
}
function toSample(r: Selectable<SamplesTable>): Sample {
  return { id: r.id, patientId: r.patient_id, label: r.label, type: r.type, site: r.site, collected: r.collected, purity: r.purity ?? null, tumorFraction: r.tumor_fraction ?? null, createdAt: r.created_at, ...toStatus(r), ...toRevised(r) };
}
function toTreatment(r: Selectable<TreatmentsTable>): TreatmentRecord {
  return { id: r.id, patientId: r.patient_id, drug: r.drug, start: r.start, end: r.end, response: r.response, setting: toSetting(r.setting), line: r.line === null || r.line === undefined ? null : Number(r.line), createdAt: r.created_at, ...toStatus(r), ...toRevised(r) };
}
function toFile(r: Selectable<FilesTable>): StoredFile {
  return {
    id: r.id,
    sampleId: r.sample_id,
    kind: r.kind as FileKind,
    originalName: r.original_name,
    size: Number(r.size),
    sha256: r.sha256,
    storagePath: r.storage_path,
    options: JSON.parse(r.options) as Record<string, unknown>,
    uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at,
    ...toStatus(r),
  };
}
/** The status columns of a new record. */
const FRESH_STATUS = { status: 'active', status_reason: null, status_by: null, status_at: null } as const;
/** The status and revision columns of a new patient, sample or treatment. */
const FRESH = { ...FRESH_STATUS, revision: 1, updated_by: null, updated_at: null } as const;
function toAnalysis(r: Omit<AnalysesTable, 'input' | 'result'>): AnalysisRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    version: Number(r.version),
    status: r.status as AnalysisStatus,
    progress: Number(r.progress),
    message: r.message,
    kbVersion: r.kb_version,
    codeVersion: r.code_version,
    error: r.error,
    attempts: Number(r.attempts),
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

const ANALYSIS_COLUMNS = ['id', 'patient_id', 'version', 'status', 'progress', 'message', 'kb_version', 'code_version', 'error', 'attempts', 'requested_by', 'created_at', 'started_at', 'finished_at'] as const;

/** Escape LIKE wildcards so that a search for `50%` matches the text `50%`. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** List options: entered-in-error records are left out unless asked for (the UI shows them struck through). */
export interface ListOptions {
  includeEnteredInError?: boolean;
}

/** A committed change that can alter what a patient page shows (for the server's page cache). */
export interface ClinicalChange {
  type: 'patient' | 'sample' | 'analysis';
  id: string;
  /** The patient, when the change knows it without a query. */
  patientId?: string;
}

export class ClinicalStore {
  readonly db: Db;
  private readonly listeners = new Set<(c: ClinicalChange) => void>();

  /** Be told of every committed change to a patient's records (the server's patient-page cache). */
  onChange(listener: (c: ClinicalChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(c: ClinicalChange): void {
    for (const l of this.listeners) l(c);
  }
  /** PostgreSQL (row locks, advisory lock) or SQLite (one serialised connection). */
  readonly postgres: boolean;

  /** Takes the Kysely instance of `openDatabase` (any table set that includes migration 0002's tables). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(db: Kysely<any>) {
    this.db = db as Db;
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Lock a parent row until the transaction ends (PostgreSQL); SQLite transactions are already serialised. */
  private async lock(trx: Trx, table: 'clin_samples' | 'clin_patients' | 'users', id: string): Promise<void> {
    if (this.postgres) await sql`select id from ${sql.table(table)} where id = ${id} for update`.execute(trx);
  }

  /** Insert one new record together with its audit line, in one transaction (see the file header). */
  private async insertAudited<T extends 'users' | 'clin_patients' | 'clin_samples' | 'clin_files' | 'clin_treatments' | 'clin_comments'>(
    table: T,
    row: Insertable<ClinicalTables[T]> & { id: string },
    actor: Actor,
    action: string,
    entityType: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Kysely cannot narrow a generic table name's row type; `row` is checked against the table above.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (trx as Kysely<any>).insertInto(table).values(row).execute();
      await this.audit(trx, actor, { action, entityType, entityId: row.id });
    });
  }

  /** Append one audit line to the chain, inside the caller's transaction (always its last statement). */
  private async audit(trx: Trx, actor: Actor, entry: AuditInput): Promise<void> {
    await this.appendAudit(trx, [auditRow(actor, entry, now())]);
  }

  private async appendAudit(trx: Trx, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.postgres) await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
    const last = await trx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    let prev = last?.hash ?? AUDIT_GENESIS;
    const values = rows.map((r) => {
      const hash = auditHash(prev, r);
      const v = { ...r, prev_hash: prev, hash };
      prev = hash;
      return v;
    });
    // One statement per line: the chain order is the `seq` order on both databases.
    for (const v of values) await trx.insertInto('audit_log').values(v).execute();
  }

  /** Record an event that changes no table (login, denied access). */
  async recordAudit(actor: Actor, entry: AuditInput): Promise<void> {
    await this.db.transaction().execute((trx) => this.audit(trx, actor, entry));
  }

  /** Several events in one transaction (the server batches and coalesces read events). */
  async recordAuditMany(events: Array<{ actor: Actor; entry: AuditInput; at: string; count?: number }>): Promise<void> {
    if (events.length === 0) return;
    await this.db.transaction().execute((trx) => this.appendAudit(trx, events.map(({ actor, entry, at, count }) => auditRow(actor, entry, at, count ?? 1))));
  }

  /**
   * Walk the audit log in `seq` order and check the hash chain. Reports the first line that was edited (its hash
   * does not match its fields), or whose predecessor was deleted or altered (its `prev_hash` is not the previous
   * line's hash).
   */
  async verifyAudit(): Promise<AuditVerification> {
    let prev = AUDIT_GENESIS;
    let after = -1;
    let rows = 0;
    let prevSeq: number | null = null;
    for (;;) {
      const page = await this.db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(2000).execute();
      if (page.length === 0) return { ok: true, rows, lastHash: prev };
      for (const r of page) {
        const seq = Number(r.seq);
        rows++;
        if (!r.hash || !r.prev_hash) return { ok: false, rows, seq, problem: 'unchained', message: `line ${seq} has no hash (inserted around the server, or its hash removed)` };
        if (r.prev_hash !== prev) {
          const where = prevSeq === null ? 'before it (the first lines were deleted)' : `between line ${prevSeq} and it, or line ${prevSeq} was edited and re-hashed`;
          return { ok: false, rows, seq, problem: 'chain-broken', message: `line ${seq} does not follow the line before it: a line was deleted ${where}` };
        }
        if (auditHash(prev, { ...r, count: Number(r.count) }) !== r.hash) return { ok: false, rows, seq, problem: 'edited', message: `line ${seq} was edited (its hash does not match its content)` };
        prev = r.hash;
        prevSeq = seq;
        after = seq;
      }
    }
  }

  async listAudit(options: { limit?: number; beforeSeq?: number; entityId?: string } = {}): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
    if (options.beforeSeq !== undefined) q = q.where('seq', '<', options.beforeSeq);
    if (options.entityId !== undefined) q = q.where('entity_id', '=', options.entityId);
    const rows = await q.execute();
    return rows.map((r) => ({ seq: Number(r.seq), at: r.at, userId: r.user_id, username: r.username, action: r.action, entityType: r.entity_type, entityId: r.entity_id, outcome: r.outcome as AuditEntry['outcome'], ip: r.ip, count: Number(r.count) }));
  }

  // ---- users and sessions -------------------------------------------------------------------------------------

  async createUser(input: { username: string; role: Role; passwordHash: string }, actor: Actor): Promise<User> {
    const row = { id: randomUUID(), username: input.username, role: input.role, password_hash: input.passwordHash, disabled: 0, created_at: now() };
    await this.insertAudited('users', row, actor, 'user.create', 'user');
    return toUser(row);
  }

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
  }

  async findUserForLogin(username: string): Promise<(User & { passwordHash: string }) | null> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
  }

  async setUserDisabled(userId: string, disabled: boolean, actor: Actor): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', userId).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await this.audit(trx, actor, { action: disabled ? 'user.disable' : 'user.enable', entityType: 'user', entityId: userId });
      return true;
    });
  }

  /** Set a password and end the user's sessions (all but `keepSessionId`, the session that changed it). */
  async setPassword(userId: string, passwordHash: string, actor: Actor, keepSessionId?: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
      let end = trx.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepSessionId) end = end.where('id', '<>', keepSessionId);
      await end.execute();
      await this.audit(trx, actor, { action: 'user.password', entityType: 'user', entityId: userId });
    });
  }

  async createSession(input: { id: string; userId: string; csrfToken: string; expiresAt: string; ip?: string | null; userAgent?: string | null }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id: input.id, user_id: input.userId, csrf_token: input.csrfToken, created_at: now(), expires_at: input.expiresAt, ip: input.ip ?? null, user_agent: input.userAgent?.slice(0, 200) ?? null })
      .execute();
  }

  /**
   * A user's live sessions, newest first. `id` is a public handle (the first 16 hex digits of the stored SHA-256 of
   * the token; neither the token nor the full key is shown).
   */
  async listSessions(userId: string, at: string = now()): Promise<Array<{ id: string; key: string; createdAt: string; expiresAt: string; ip: string | null; userAgent: string | null }>> {
    const rows = await this.db.selectFrom('sessions').select(['id', 'created_at', 'expires_at', 'ip', 'user_agent']).where('user_id', '=', userId).where('expires_at', '>', at).orderBy('created_at', 'desc').execute();
    return rows.map((r) => ({ id: r.id.slice(0, 16), key: r.id, createdAt: r.created_at, expiresAt: r.expires_at, ip: r.ip, userAgent: r.user_agent }));
  }

  /** End one of the user's own sessions by its public handle; the full keys ended (for the session cache). */
  async endSession(userId: string, handle: string, actor: Actor): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const keys = (await trx.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).map((r) => r.id).filter((k) => k.slice(0, 16) === handle);
      if (keys.length === 0) return [];
      await trx.deleteFrom('sessions').where('id', 'in', keys).execute();
      await this.audit(trx, actor, { action: 'session.end', entityType: 'user', entityId: userId });
      return keys;
    });
  }

  /** The session and its (enabled) user, when the session exists and has not expired. */
  async findSession(id: string, at: string = now()): Promise<{ user: User; csrfToken: string; expiresAt: string } | null> {
    const r = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.csrf_token', 'sessions.expires_at', 'users.id', 'users.username', 'users.role', 'users.disabled', 'users.created_at', 'users.password_hash'])
      .where('sessions.id', '=', id)
      .where('sessions.expires_at', '>', at)
      .executeTakeFirst();
    if (!r || Number(r.disabled)) return null;
    return { user: toUser(r), csrfToken: r.csrf_token, expiresAt: r.expires_at };
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteExpiredSessions(at: string = now()): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<=', at).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- patients -----------------------------------------------------------------------------------------------

  async createPatient(input: { label: string; sex?: Patient['sex']; birthYear?: number | null; synthetic?: boolean; setting?: Setting | null }, actor: Actor): Promise<Patient> {
    const row = { id: randomUUID(), label: input.label, sex: input.sex ?? null, birth_year: input.birthYear ?? null, synthetic: input.synthetic ? 1 : 0, setting: input.setting ?? null, created_by: actor.userId, created_at: now(), ...FRESH };
    await this.insertAudited('clin_patients', row, actor, 'patient.create', 'patient');
    this.changed({ type: 'patient', id: row.id, patientId: row.id });
    return toPatient(row);
  }

  async getPatient(id: string): Promise<Patient | null> {
    const r = await this.db.selectFrom('clin_patients').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toPatient(r) : null;
  }

  async findPatientByLabel(label: string): Promise<Patient | null> {
    const r = await this.db.selectFrom('clin_patients').selectAll().where('label', '=', label).executeTakeFirst();
    return r ? toPatient(r) : null;
  }

  /** Patients whose label contains `q` (case-insensitive), by label, with their sample count and latest analysis. */
  async listPatients(options: { q?: string; limit?: number; offset?: number } & ListOptions = {}): Promise<PatientListItem[]> {
    let q = this.db
      .selectFrom('clin_patients as p')
      .selectAll('p')
      .select((eb) => eb.selectFrom('clin_samples as s').whereRef('s.patient_id', '=', 'p.id').where('s.status', '=', 'active').select((e) => e.fn.countAll<number | string>().as('n')).as('n_samples'))
      .orderBy('p.label')
      .limit(Math.min(Math.max(options.limit ?? 200, 1), 1000))
      .offset(Math.max(options.offset ?? 0, 0));
    if (options.q) q = q.where(sql<boolean>`lower(${sql.ref('p.label')}) like ${likePattern(options.q)} escape '\\'`);
    if (!options.includeEnteredInError) q = q.where('p.status', '=', 'active');
    const rows = await q.execute();
    const ids = rows.map((r) => r.id);
    const latest = new Map<string, PatientListItem['lastAnalysis']>();
    if (ids.length) {
      const an = await this.db.selectFrom('clin_analyses').select(['id', 'patient_id', 'version', 'status']).where('patient_id', 'in', ids).orderBy('version', 'asc').execute();
      for (const a of an) latest.set(a.patient_id, { id: a.id, version: Number(a.version), status: a.status as AnalysisStatus });
    }
    return rows.map((r) => ({ ...toPatient(r), samples: Number(r.n_samples ?? 0), lastAnalysis: latest.get(r.id) ?? null }));
  }

  // ---- samples and pathology ----------------------------------------------------------------------------------

  async createSample(input: { patientId: string; label: string; type: string; site: string; collected: string; purity?: number | null; tumorFraction?: number | null }, actor: Actor): Promise<Sample> {
    const row = { id: randomUUID(), patient_id: input.patientId, label: input.label, type: input.type, site: input.site, collected: input.collected, purity: input.purity ?? null, tumor_fraction: input.tumorFraction ?? null, created_by: actor.userId, created_at: now(), ...FRESH };
    await this.insertAudited('clin_samples', row, actor, 'sample.create', 'sample');
    this.changed({ type: 'patient', id: input.patientId, patientId: input.patientId });
    return toSample(row);
  }

  async getSample(id: string): Promise<Sample | null> {
    const r = await this.db.selectFrom('clin_samples').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toSample(r) : null;
  }

  /** A patient's samples by collection date; entered-in-error ones only with `includeEnteredInError`. */
  async listSamples(patientId: string, options: ListOptions = {}): Promise<Sample[]> {
    let q = this.db.selectFrom('clin_samples').selectAll().where('patient_id', '=', patientId).orderBy('collected').orderBy('label');
    if (!options.includeEnteredInError) q = q.where('status', '=', 'active');
    return (await q.execute()).map(toSample);
  }

  private pathologyQuery() {
    return this.db
      .selectFrom('clin_pathology as p')
      .leftJoin('users as e', 'e.id', 'p.entered_by')
      .leftJoin('users as s', 's.id', 'p.signed_by')
      .select(['p.id', 'p.sample_id', 'p.version', 'p.data', 'p.entered_at', 'p.signed_at', 'e.username as entered_name', 's.username as signed_name']);
  }

  private static toPathology(r: Pick<PathologyTable, 'id' | 'sample_id' | 'version' | 'data' | 'entered_at' | 'signed_at'> & { entered_name: string | null; signed_name: string | null }): PathologyRecord {
    return { id: r.id, sampleId: r.sample_id, version: Number(r.version), data: JSON.parse(r.data), enteredBy: r.entered_name, enteredAt: r.entered_at, signedBy: r.signed_name, signedAt: r.signed_at };
  }

  /** Enter pathology for a sample: a new version; earlier versions stay. */
  async addPathology(sampleId: string, data: unknown, actor: Actor): Promise<PathologyRecord> {
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, 'clin_samples', sampleId);
      const max = await trx.selectFrom('clin_pathology').select((eb) => eb.fn.max('version').as('v')).where('sample_id', '=', sampleId).executeTakeFirst();
      const version = Number(max?.v ?? 0) + 1;
      await trx.insertInto('clin_pathology').values({ id, sample_id: sampleId, version, data: JSON.stringify(data), entered_by: actor.userId, entered_at: now(), signed_by: null, signed_at: null }).execute();
      await this.audit(trx, actor, { action: 'pathology.enter', entityType: 'sample', entityId: sampleId });
    });
    this.changed({ type: 'sample', id: sampleId });
    return (await this.pathologyQuery().where('p.id', '=', id).executeTakeFirstOrThrow().then((r) => ClinicalStore.toPathology(r)));
  }

  /** Sign the latest pathology version of a sample. Returns null when there is none; 'already-signed' when it is signed. */
  async signPathology(sampleId: string, actor: Actor): Promise<PathologyRecord | null | 'already-signed'> {
    const outcome = await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, 'clin_samples', sampleId);
      const latest = await trx.selectFrom('clin_pathology').select(['id', 'signed_at']).where('sample_id', '=', sampleId).orderBy('version', 'desc').limit(1).executeTakeFirst();
      if (!latest) return null;
      if (latest.signed_at) return 'already-signed' as const;
      const r = await trx.updateTable('clin_pathology').set({ signed_by: actor.userId, signed_at: now() }).where('id', '=', latest.id).where('signed_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return 'already-signed' as const; // signed meanwhile: no second audit line
      await this.audit(trx, actor, { action: 'pathology.sign', entityType: 'sample', entityId: sampleId });
      return latest.id;
    });
    if (outcome === null || outcome === 'already-signed') return outcome;
    this.changed({ type: 'sample', id: sampleId });
    return ClinicalStore.toPathology(await this.pathologyQuery().where('p.id', '=', outcome).executeTakeFirstOrThrow());
  }

  /** Every pathology version of the patient's samples, newest version first per sample. */
  async listPathology(patientId: string): Promise<PathologyRecord[]> {
    const rows = await this.pathologyQuery()
      .innerJoin('clin_samples as sm', 'sm.id', 'p.sample_id')
      .where('sm.patient_id', '=', patientId)
      .orderBy('p.sample_id')
      .orderBy('p.version', 'desc')
      .execute();
    return rows.map((r) => ClinicalStore.toPathology(r));
  }

  // ---- files --------------------------------------------------------------------------------------------------

  async addFile(input: Omit<StoredFile, 'id' | 'uploadedBy' | 'uploadedAt' | keyof Correctable>, actor: Actor): Promise<StoredFile> {
    const row = {
      id: randomUUID(),
      sample_id: input.sampleId,
      kind: input.kind,
      original_name: input.originalName,
      size: input.size,
      sha256: input.sha256,
      storage_path: input.storagePath,
      options: JSON.stringify(input.options),
      uploaded_by: actor.userId,
      uploaded_at: now(),
      ...FRESH_STATUS,
    };
    await this.insertAudited('clin_files', row, actor, 'file.upload', 'file');
    this.changed({ type: 'sample', id: input.sampleId });
    return toFile(row);
  }

  async getFile(id: string): Promise<StoredFile | null> {
    const r = await this.db.selectFrom('clin_files').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toFile(r) : null;
  }

  /**
   * A patient's files by upload time. Without `includeEnteredInError`, files entered in error and the files of
   * samples entered in error are left out.
   */
  async listFiles(patientId: string, options: ListOptions = {}): Promise<StoredFile[]> {
    let q = this.db.selectFrom('clin_files as f').innerJoin('clin_samples as s', 's.id', 'f.sample_id').selectAll('f').where('s.patient_id', '=', patientId).orderBy('f.uploaded_at');
    if (!options.includeEnteredInError) q = q.where('f.status', '=', 'active').where('s.status', '=', 'active');
    return (await q.execute()).map(toFile);
  }

  /** Storage paths referenced by any file row (used to remove orphaned blobs after a crash). */
  async allStoragePaths(): Promise<Set<string>> {
    return new Set((await this.db.selectFrom('clin_files').select('storage_path').execute()).map((r) => r.storage_path));
  }

  // ---- treatments and comments --------------------------------------------------------------------------------

  async addTreatment(input: { patientId: string; drug: string; start: string; end?: string | null; response?: string | null; setting?: Setting | null; line?: number | null }, actor: Actor): Promise<TreatmentRecord> {
    const row = { id: randomUUID(), patient_id: input.patientId, drug: input.drug, start: input.start, end: input.end ?? null, response: input.response ?? null, setting: input.setting ?? null, line: input.line ?? null, created_by: actor.userId, created_at: now(), ...FRESH };
    await this.insertAudited('clin_treatments', row, actor, 'treatment.add', 'treatment');
    this.changed({ type: 'patient', id: input.patientId, patientId: input.patientId });
    return toTreatment(row);
  }

  async getTreatment(id: string): Promise<TreatmentRecord | null> {
    const r = await this.db.selectFrom('clin_treatments').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toTreatment(r) : null;
  }

  /** A patient's treatments by start date; entered-in-error ones only with `includeEnteredInError`. */
  async listTreatments(patientId: string, options: ListOptions = {}): Promise<TreatmentRecord[]> {
    let q = this.db.selectFrom('clin_treatments').selectAll().where('patient_id', '=', patientId).orderBy('start').orderBy('created_at');
    if (!options.includeEnteredInError) q = q.where('status', '=', 'active');
    return (await q.execute()).map(toTreatment);
  }

  async addComment(input: { patientId: string; body: string }, actor: Actor): Promise<CommentRecord> {
    const row = { id: randomUUID(), patient_id: input.patientId, user_id: actor.userId, body: input.body, created_at: now() };
    await this.insertAudited('clin_comments', row, actor, 'comment.add', 'comment');
    this.changed({ type: 'patient', id: input.patientId, patientId: input.patientId });
    return { id: row.id, patientId: row.patient_id, author: actor.username, body: row.body, createdAt: row.created_at };
  }

  async listComments(patientId: string): Promise<CommentRecord[]> {
    const rows = await this.db
      .selectFrom('clin_comments as c')
      .leftJoin('users as u', 'u.id', 'c.user_id')
      .select(['c.id', 'c.patient_id', 'c.body', 'c.created_at', 'u.username'])
      .where('c.patient_id', '=', patientId)
      .orderBy('c.created_at')
      .execute();
    return rows.map((r) => ({ id: r.id, patientId: r.patient_id, author: r.username, body: r.body, createdAt: r.created_at }));
  }

  // ---- corrections (issue 17) ---------------------------------------------------------------------------------

  /**
   * Edit a patient, sample or treatment in place: the changed columns, revision + 1, who and when; audited as
   * `<kind>.edit` (ids only). Refused for a record entered in error, and with `expectedRevision` when the record was
   * edited meanwhile ('revision-conflict'). Returns the record as now stored.
   */
  async updatePatient(id: string, patch: { label?: string; sex?: Patient['sex']; birthYear?: number | null; setting?: Setting | null }, actor: Actor, expectedRevision?: number): Promise<Patient | CorrectionRefusal> {
    const set: Partial<Record<'label' | 'sex' | 'birth_year' | 'setting', string | number | null>> = {};
    if (patch.label !== undefined) set.label = patch.label;
    if (patch.sex !== undefined) set.sex = patch.sex;
    if (patch.birthYear !== undefined) set.birth_year = patch.birthYear;
    if (patch.setting !== undefined) set.setting = patch.setting;
    const r = await this.edit('clin_patients', 'patient', id, set, actor, expectedRevision);
    if (typeof r === 'string') return r;
    this.changed({ type: 'patient', id, patientId: id });
    return toPatient(await this.db.selectFrom('clin_patients').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  }

  async updateSample(id: string, patch: { label?: string; type?: string; site?: string; collected?: string; purity?: number | null; tumorFraction?: number | null }, actor: Actor, expectedRevision?: number): Promise<Sample | CorrectionRefusal> {
    const { purity, tumorFraction, ...text } = patch;
    const set: Partial<Record<'label' | 'type' | 'site' | 'collected' | 'purity' | 'tumor_fraction', string | number | null>> = { ...text };
    if (purity !== undefined) set.purity = purity;
    if (tumorFraction !== undefined) set.tumor_fraction = tumorFraction;
    const r = await this.edit('clin_samples', 'sample', id, set, actor, expectedRevision);
    if (typeof r === 'string') return r;
    const row = await this.db.selectFrom('clin_samples').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    this.changed({ type: 'sample', id, patientId: row.patient_id });
    return toSample(row);
  }

  async updateTreatment(id: string, patch: { drug?: string; start?: string; end?: string | null; response?: string | null; setting?: Setting | null; line?: number | null }, actor: Actor, expectedRevision?: number): Promise<TreatmentRecord | CorrectionRefusal> {
    const set: Partial<Record<'drug' | 'start' | 'end' | 'response' | 'setting' | 'line', string | number | null>> = { ...patch };
    const r = await this.edit('clin_treatments', 'treatment', id, set, actor, expectedRevision);
    if (typeof r === 'string') return r;
    const row = await this.db.selectFrom('clin_treatments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    this.changed({ type: 'patient', id: row.patient_id, patientId: row.patient_id });
    return toTreatment(row);
  }

  private async edit(table: 'clin_patients' | 'clin_samples' | 'clin_treatments', kind: 'patient' | 'sample' | 'treatment', id: string, set: Record<string, string | number | null | undefined>, actor: Actor, expectedRevision?: number): Promise<true | CorrectionRefusal> {
    return this.db.transaction().execute(async (trx) => {
      // The generic table name cannot narrow Kysely's row type; the columns are those of the three tables above.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const t = trx as Kysely<any>;
      if (this.postgres) await sql`select id from ${sql.table(table)} where id = ${id} for update`.execute(trx);
      const values = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
      const cur: Record<string, string | number | null> | undefined = await t.selectFrom(table).select(['status', 'revision', ...Object.keys(values)]).where('id', '=', id).executeTakeFirst();
      if (!cur) return 'not-found' as const;
      if (cur.status !== 'active') return 'entered-in-error' as const;
      if (expectedRevision !== undefined && Number(cur.revision) !== expectedRevision) return 'revision-conflict' as const;
      // Saving what is already stored is not an edit: no new revision (which would make the analysis stale), no audit.
      const same = (a: string | number | null | undefined, b: string | number | null | undefined) => (a === null || a === undefined ? b === null : b !== null && b !== undefined && String(a) === String(b));
      if (Object.entries(values).every(([k, v]) => same(cur[k], v))) return true as const;
      await t
        .updateTable(table)
        .set({ ...values, revision: Number(cur.revision) + 1, updated_by: actor.userId, updated_at: now() })
        .where('id', '=', id)
        .execute();
      await this.audit(trx, actor, { action: `${kind}.edit`, entityType: kind, entityId: id });
      return true as const;
    });
  }

  /**
   * Mark a record entered in error, with the reason: it stays stored (status, reason, who, when) and is left out of
   * lists and analyses from now on. Audited as `<kind>.entered-in-error` with the id only (the reason is free text
   * and can name the patient, so it is kept with the record, never in the audit log). A sample's files and
   * pathology go with it; a patient's records with the patient.
   */
  async markEnteredInError(kind: CorrectableKind, id: string, reason: string, actor: Actor): Promise<{ patientId: string } | CorrectionRefusal> {
    const table = ({ patient: 'clin_patients', sample: 'clin_samples', treatment: 'clin_treatments', file: 'clin_files' } as const)[kind];
    const out = await this.db.transaction().execute(async (trx) => {
      if (this.postgres) await sql`select id from ${sql.table(table)} where id = ${id} for update`.execute(trx);
      const cur = await trx.selectFrom(table).select(['status']).where('id', '=', id).executeTakeFirst();
      if (!cur) return 'not-found' as const;
      if (cur.status !== 'active') return 'entered-in-error' as const;
      await trx.updateTable(table).set({ status: 'entered-in-error', status_reason: reason, status_by: actor.userId, status_at: now() }).where('id', '=', id).execute();
      await this.audit(trx, actor, { action: `${kind}.entered-in-error`, entityType: kind, entityId: id });
      return true as const;
    });
    if (typeof out === 'string') return out;
    const patientId = await this.patientIdOf(kind, id);
    if (patientId === null) throw new Error(`${kind} ${id} has no patient`);
    this.changed({ type: kind === 'sample' ? 'sample' : 'patient', id: kind === 'sample' ? id : patientId, patientId });
    return { patientId };
  }

  /** The patient a record belongs to (null when the record does not exist). */
  async patientIdOf(kind: CorrectableKind, id: string): Promise<string | null> {
    if (kind === 'patient') return (await this.db.selectFrom('clin_patients').select('id').where('id', '=', id).executeTakeFirst())?.id ?? null;
    if (kind === 'sample') return this.patientIdOfSample(id);
    if (kind === 'treatment') return (await this.db.selectFrom('clin_treatments').select('patient_id').where('id', '=', id).executeTakeFirst())?.patient_id ?? null;
    const f = await this.db.selectFrom('clin_files as f').innerJoin('clin_samples as s', 's.id', 'f.sample_id').select('s.patient_id').where('f.id', '=', id).executeTakeFirst();
    return f?.patient_id ?? null;
  }

  // ---- analyses -----------------------------------------------------------------------------------------------

  /** Queue an analysis: a new row numbered after the patient's last one (history is never rewritten). */
  async createAnalysis(input: { patientId: string; kbVersion: string; codeVersion: string; input: unknown }, actor: Actor): Promise<AnalysisRecord> {
    const id = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.transaction().execute(async (trx) => {
          await this.lock(trx, 'clin_patients', input.patientId);
          const max = await trx.selectFrom('clin_analyses').select((eb) => eb.fn.max('version').as('v')).where('patient_id', '=', input.patientId).executeTakeFirst();
          await trx
            .insertInto('clin_analyses')
            .values({
              id,
              patient_id: input.patientId,
              version: Number(max?.v ?? 0) + 1,
              status: 'queued',
              progress: 0,
              message: 'queued',
              kb_version: input.kbVersion,
              code_version: input.codeVersion,
              input: JSON.stringify(input.input),
              result: null,
              error: null,
              attempts: 0,
              requested_by: actor.userId,
              created_at: now(),
              started_at: null,
              finished_at: null,
            })
            .execute();
          await this.audit(trx, actor, { action: 'analysis.request', entityType: 'analysis', entityId: id });
        });
        break;
      } catch (e) {
        // Two requests for the same patient at once on PostgreSQL: the second takes the next number.
        if (attempt < 3 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
    this.changed({ type: 'analysis', id, patientId: input.patientId });
    return (await this.getAnalysis(id))!;
  }

  async getAnalysis(id: string): Promise<AnalysisRecord | null> {
    const r = await this.db.selectFrom('clin_analyses').select(ANALYSIS_COLUMNS).where('id', '=', id).executeTakeFirst();
    return r ? toAnalysis(r) : null;
  }

  async getAnalysisInput(id: string): Promise<unknown> {
    const r = await this.db.selectFrom('clin_analyses').select('input').where('id', '=', id).executeTakeFirst();
    return r ? JSON.parse(r.input) : null;
  }

  async getAnalysisResult(id: string): Promise<unknown> {
    const r = await this.db.selectFrom('clin_analyses').select('result').where('id', '=', id).executeTakeFirst();
    return r?.result ? JSON.parse(r.result) : null;
  }

  async listAnalyses(patientId: string): Promise<AnalysisRecord[]> {
    const rows = await this.db.selectFrom('clin_analyses').select(ANALYSIS_COLUMNS).where('patient_id', '=', patientId).orderBy('version', 'desc').execute();
    return rows.map(toAnalysis);
  }

  async listAnalysesByStatus(statuses: AnalysisStatus[]): Promise<AnalysisRecord[]> {
    const rows = await this.db.selectFrom('clin_analyses').select(ANALYSIS_COLUMNS).where('status', 'in', statuses).orderBy('created_at').execute();
    return rows.map(toAnalysis);
  }

  /** Mark a queued analysis as running (counts the attempt). False when it was not queued. */
  async startAnalysis(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('clin_analyses')
      .set((eb) => ({ status: 'running', started_at: now(), progress: 0, message: 'starting', attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    this.changed({ type: 'analysis', id });
    return Number(r.numUpdatedRows) === 1;
  }

  async setAnalysisProgress(id: string, progress: number, message: string): Promise<void> {
    await this.db.updateTable('clin_analyses').set({ progress, message }).where('id', '=', id).where('status', '=', 'running').execute();
    this.changed({ type: 'analysis', id });
  }

  /** Store a finished analysis and its rendered reports in one transaction (all or nothing). */
  async completeAnalysis(id: string, result: unknown, reports: StoredReport[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('clin_analyses')
        .set({ status: 'done', progress: 1, message: 'done', result: JSON.stringify(result), finished_at: now() })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new Error(`analysis ${id} is not running`);
      for (const rep of reports) {
        await trx.insertInto('clin_reports').values({ analysis_id: id, format: rep.format, media_type: rep.mediaType, content: rep.content, sha256: rep.sha256 }).execute();
      }
      await this.audit(trx, { userId: null, username: null, ip: null }, { action: 'analysis.complete', entityType: 'analysis', entityId: id });
    });
    this.changed({ type: 'analysis', id });
  }

  async failAnalysis(id: string, error: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('clin_analyses').set({ status: 'failed', message: 'failed', error, finished_at: now() }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
      await this.audit(trx, { userId: null, username: null, ip: null }, { action: 'analysis.fail', entityType: 'analysis', entityId: id, outcome: 'failed' });
    });
    this.changed({ type: 'analysis', id });
  }

  /** Put an interrupted (running) analysis back in the queue. */
  async requeueAnalysis(id: string): Promise<void> {
    await this.db.updateTable('clin_analyses').set({ status: 'queued', progress: 0, message: 'resumed after a server restart' }).where('id', '=', id).where('status', '=', 'running').execute();
    this.changed({ type: 'analysis', id });
  }

  async getReport(analysisId: string, format: string): Promise<StoredReport | null> {
    const r = await this.db.selectFrom('clin_reports').select(['format', 'media_type', 'content', 'sha256']).where('analysis_id', '=', analysisId).where('format', '=', format).executeTakeFirst();
    return r ? { format: r.format, mediaType: r.media_type, content: r.content, sha256: r.sha256 } : null;
  }

  async listReportFormats(analysisId: string): Promise<string[]> {
    return (await this.db.selectFrom('clin_reports').select('format').where('analysis_id', '=', analysisId).orderBy('format').execute()).map((r) => r.format);
  }

  /** The patient an entity belongs to (for access checks and for listing). */
  async patientIdOfSample(sampleId: string): Promise<string | null> {
    const r = await this.db.selectFrom('clin_samples').select('patient_id').where('id', '=', sampleId).executeTakeFirst();
    return r?.patient_id ?? null;
  }
}
