/**
 * The her2scope database: Kysely over better-sqlite3 (default; WAL journal, foreign keys on) or PostgreSQL (`pg`).
 * Migrations run on open. All SQL goes through Kysely's builder or its `sql` tag, so values are always bound
 * parameters.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { InputError } from '@her2scope/core';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';
import { parseDatabaseUrl, redactUrl } from './url.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, with any password removed (for messages). */
  location: string;
  /**
   * The better-sqlite3 handle behind `db` (SQLite only). Bulk loaders use it for prepared single-row INSERTs inside a
   * Kysely transaction on the same connection; everything else goes through `db`.
   */
  sqlite?: BetterSqlite3.Database;
  /** The pg pool behind `db` (PostgreSQL only): bulk imports take one client from it for COPY inside their transaction. */
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Base folder for relative SQLite paths (default: process.cwd()). */
  cwd?: string;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Storage> {
  const target = parseDatabaseUrl(url);
  let db: Kysely<Database>;
  let location: string;
  let sqliteHandle: BetterSqlite3.Database | undefined;
  let pgPool: pg.Pool | undefined;
  if (target.dialect === 'sqlite') {
    const memory = target.path === ':memory:';
    const path = memory ? ':memory:' : resolve(options.cwd ?? process.cwd(), target.path);
    location = memory ? 'sqlite::memory:' : `sqlite:${path}`;
    let sqlite: BetterSqlite3.Database;
    try {
      if (!memory) mkdirSync(dirname(path), { recursive: true });
      sqlite = new BetterSqlite3(path);
      if (!memory) sqlite.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; a power cut may lose the last commit, never corrupt.
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      // 64 MiB page cache: bulk imports update several indexes; the 2 MiB default makes them thrash.
      sqlite.pragma('cache_size = -65536');
      sqlite.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new InputError('db', `cannot open ${location}: ${(e as Error).message}`);
    }
    sqliteHandle = sqlite;
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  } else {
    location = redactUrl(target.connectionString);
    const pool = new pg.Pool({ connectionString: target.connectionString, max: 4 });
    // An idle pooled connection that the server ends (restart, pg_terminate_backend, DROP DATABASE … FORCE) makes the
    // pool emit 'error'; without a listener that is an uncaught exception that stops the whole process. The pool has
    // already dropped the client and the next query opens a new one, so there is nothing else to do here (node-postgres
    // docs, Pool "error" event). A query in flight still rejects its own promise.
    pool.on('error', () => undefined);
    pgPool = pool;
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const migrator = new Migrator({ db, provider: migrationProvider(target.dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const detail: unknown = error;
    const msg = error instanceof Error ? error.message : String(detail);
    throw new InputError('db', `cannot prepare ${location}: ${msg}`);
  }
  return { db, dialect: target.dialect, location, sqlite: sqliteHandle, pgPool, close: () => db.destroy() };
}
