/**
 * Migration 0002_clinical: the tables of the HTTP server and web app (issue 8).
 *
 * - users, sessions: accounts (scrypt hashes only), server-side sessions keyed by the SHA-256 of the cookie token.
 * - clin_patients, clin_samples, clin_pathology (versioned: every edit is a new row), clin_files (uploads with
 *   their SHA-256), clin_treatments, clin_comments.
 * - clin_analyses: one row per analysis run, numbered per patient, with the KB and code versions and a snapshot of
 *   its input; a re-run adds a row, never rewrites one. clin_reports holds the rendered reports of a finished run.
 * - audit_log: who did what to which record and when (internal ids only, never patient data).
 *
 * Portable across SQLite and PostgreSQL: ids are text UUIDs, times ISO-8601 text (UTC, sortable), JSON as text,
 * flags as integers; only the audit sequence differs (AUTOINCREMENT vs identity).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../db.ts';

export function migration0002Clinical(dialect: Dialect): Migration {
  return { up: (db) => up(db, dialect === 'sqlite'), down };
}

async function up(db: Kysely<unknown>, sqlite: boolean): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // hex SHA-256 of the cookie token
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('clin_patients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull().unique())
    .addColumn('sex', 'text')
    .addColumn('birth_year', 'integer')
    .addColumn('synthetic', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clin_samples')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('clin_patients.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('collected', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('clin_samples_patient_label_uq', ['patient_id', 'label'])
    .execute();

  await db.schema
    .createTable('clin_pathology')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sample_id', 'text', (c) => c.notNull().references('clin_samples.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('entered_by', 'text', (c) => c.references('users.id'))
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text', (c) => c.references('users.id'))
    .addColumn('signed_at', 'text')
    .addUniqueConstraint('clin_pathology_sample_version_uq', ['sample_id', 'version'])
    .execute();

  await db.schema
    .createTable('clin_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sample_id', 'text', (c) => c.notNull().references('clin_samples.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.references('users.id'))
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('clin_files_sample_idx').on('clin_files').column('sample_id').execute();

  await db.schema
    .createTable('clin_treatments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('clin_patients.id'))
    .addColumn('drug', 'text', (c) => c.notNull())
    .addColumn('start', 'text', (c) => c.notNull())
    .addColumn('end', 'text')
    .addColumn('response', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clin_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('clin_patients.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clin_analyses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('clin_patients.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // queued | running | done | failed
    .addColumn('progress', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text')
    .addColumn('kb_version', 'text', (c) => c.notNull())
    .addColumn('code_version', 'text', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('clin_analyses_patient_version_uq', ['patient_id', 'version'])
    .execute();
  await db.schema.createIndex('clin_analyses_status_idx').on('clin_analyses').column('status').execute();

  await db.schema
    .createTable('clin_reports')
    .addColumn('analysis_id', 'text', (c) => c.notNull().references('clin_analyses.id'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('clin_reports_pk', ['analysis_id', 'format'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity()))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('username', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity_type', 'entity_id']).execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_log', 'clin_reports', 'clin_analyses', 'clin_comments', 'clin_treatments', 'clin_files', 'clin_pathology', 'clin_samples', 'clin_patients', 'sessions', 'users']) {
    await db.schema.dropTable(t).execute();
  }
}
