import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../schema.ts';

/** Bound parameters per statement: SQLite allows 32,766, PostgreSQL 65,535; stay well below both. */
const MAX_PARAMS = 30_000;

type Db = Kysely<Database> | Transaction<Database>;

/** The raw connection behind an import transaction: better-sqlite3, or the pg client the transaction runs on. */
export interface BulkSink {
  sqlite?: BetterSqlite3.Database;
  pg?: pg.PoolClient;
  /** COPY streams not yet closed (an aborted import destroys them so that the connection can roll back). */
  openCopies?: Set<Writable>;
}

/** One value in PostgreSQL's COPY text format (PostgreSQL docs, COPY, "Text Format"): \N is NULL; \, tab, LF, CR escaped. */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`COPY: ${v} is not a finite number`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Uint8Array) return `\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  const text: unknown = v;
  return String(text).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

const COLUMN = /^[a-z_][a-z0-9_]*$/;
/** Bytes of COPY data per write. */
const COPY_CHUNK = 1 << 18;

/**
 * Buffers rows of one table and writes them in bulk, always with bound values or COPY data (never SQL text):
 * - SQLite: one prepared single-row INSERT run per row on the connection that holds the Kysely transaction (faster
 *   than building and preparing large multi-row statements);
 * - PostgreSQL with the import's client: `COPY table (columns) FROM STDIN` (pg-copy-streams) on the transaction's
 *   connection, so the rows commit or roll back with the import;
 * - otherwise: multi-row INSERT statements built by Kysely.
 * `flush()` must be called at the end (it also closes a COPY).
 */
export class BatchInserter<T extends Extract<keyof Database, string>> {
  private rows: Insertable<Database[T]>[] = [];
  private readonly size: number;
  count = 0;
  private statement: BetterSqlite3.Statement | null = null;
  private keys: string[] | null = null;
  private checkedColumns: readonly string[] | null = null;
  private copy: Writable | null = null;
  /** COPY data not yet written: UTF-8 bytes outside V8's heap (line strings die young instead of piling up). */
  private buf: Buffer | null = null;
  private pending = 0;
  private values: unknown[] | null = null;
  private readonly sqlite?: BetterSqlite3.Database;
  private readonly pg?: pg.PoolClient;
  private readonly openCopies?: Set<Writable>;
  constructor(
    private readonly db: Db,
    private readonly table: T,
    columns: number,
    sink?: BulkSink | BetterSqlite3.Database,
  ) {
    this.size = Math.max(1, Math.floor(MAX_PARAMS / columns));
    if (sink && 'prepare' in sink) this.sqlite = sink;
    else if (sink) {
      this.sqlite = (sink).sqlite;
      this.pg = (sink).pg;
      this.openCopies = (sink).openCopies;
    }
  }

  /**
   * Add a row given as values in the order of `columns` (names checked on the first call, and always the same): the
   * rows of a large table without an object per row. Nulls as null.
   */
  async addValues(columns: ReadonlyArray<Extract<keyof Database[T], string>>, values: readonly unknown[]): Promise<void> {
    if (columns !== this.checkedColumns) {
      const keys = this.columnsOf(Object.fromEntries(columns.map((c) => [c, null])));
      if (keys.join() !== columns.join()) throw new Error(`${this.table}: rows with different columns`);
      this.checkedColumns = columns;
    }
    const keys = this.keys ?? [];
    if (keys.length !== values.length) throw new Error(`${this.table}: ${values.length} values for ${keys.length} columns`);
    if (this.sqlite) {
      this.count++;
      if (!this.statement) this.statement = this.sqlite.prepare(`INSERT INTO ${this.table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`);
      this.statement.run(values);
      return;
    }
    if (this.pg) {
      let line = '';
      for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyText(values[i]);
      await this.addCopyLine(line + '\n');
      return;
    }
    await this.add(Object.fromEntries(keys.map((k, i) => [k, values[i]])) as Insertable<Database[T]>);
  }

  /** One COPY text line into the 256 KiB buffer, written to the connection when full (with back-pressure). */
  private async addCopyLine(line: string): Promise<void> {
    this.count++;
    const bytes = Buffer.byteLength(line);
    if (this.buf && this.pending + bytes > this.buf.length) await this.write();
    if (bytes > COPY_CHUNK) {
      this.buf = Buffer.from(line);
      this.pending = bytes;
      await this.write();
      return;
    }
    this.buf ??= Buffer.allocUnsafe(COPY_CHUNK);
    this.pending += this.buf.write(line, this.pending);
  }

  async add(row: Insertable<Database[T]>): Promise<void> {
    if (this.sqlite) {
      // Written at once: buffering gains nothing for prepared single-row INSERTs, and rows kept across awaits get
      // promoted to V8's old space (a large import's peak RSS).
      this.count++;
      this.runSqlite(row);
      return;
    }
    if (this.pg) {
      // COPY: the row becomes its text line at once (no row objects are kept), encoded into a 256 KiB buffer that is
      // handed to the connection when full (with back-pressure: the reader waits while the server catches up).
      const keys = this.columnsOf(row);
      const r = row as Record<string, unknown>;
      let line = '';
      for (let i = 0; i < keys.length; i++) line += (i ? '\t' : '') + copyText(r[keys[i]!]);
      await this.addCopyLine(line + '\n');
      return;
    }
    this.rows.push(row);
    if (this.rows.length >= this.size) await this.write();
  }

  private runSqlite(row: Insertable<Database[T]>): void {
    const keys = this.columnsOf(row);
    if (!this.statement) this.statement = this.sqlite!.prepare(`INSERT INTO ${this.table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`);
    const values = this.values ?? (this.values = new Array(keys.length));
    const r = row as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      const v = r[keys[i]!];
      values[i] = v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
    }
    this.statement.run(values);
  }

  private columnsOf(row: object): string[] {
    if (!this.keys) {
      this.keys = Object.keys(row);
      if (!this.keys.every((k) => COLUMN.test(k))) throw new Error(`unexpected column name in ${this.table}`);
    }
    return this.keys;
  }

  private async write(): Promise<void> {
    if (this.pg) {
      if (!this.buf || this.pending === 0) return;
      const keys = this.keys!;
      if (!this.copy) {
        this.copy = this.pg.query(copyFrom(`COPY ${this.table} (${keys.join(', ')}) FROM STDIN`));
        this.openCopies?.add(this.copy);
      }
      const chunk = this.buf.subarray(0, this.pending);
      this.buf = null;
      this.pending = 0;
      if (!this.copy.write(chunk)) {
        // Wait for the server to catch up; each listener is removed when the other fires (no listener pile-up).
        const copy = this.copy;
        await new Promise<void>((resolve, reject) => {
          const onDrain = () => {
            copy.off('error', onError);
            resolve();
          };
          const onError = (e: Error) => {
            copy.off('drain', onDrain);
            reject(e);
          };
          copy.once('drain', onDrain);
          copy.once('error', onError);
        });
      }
      return;
    }
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    this.count += rows.length;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await (this.db as Kysely<any>).insertInto(this.table).values(rows).execute();
  }

  /** Write what is buffered and close an open COPY (its errors surface here). */
  async flush(): Promise<void> {
    await this.write();
    if (this.copy) {
      const c = this.copy;
      this.copy = null;
      c.end();
      try {
        await finished(c);
      } finally {
        this.openCopies?.delete(c);
      }
    }
  }
}

/**
 * Insert rows and map each row's natural key (e.g. sample_id) to its generated id. The order of RETURNING rows is not
 * guaranteed by SQLite or PostgreSQL, so rows are matched by key, not by position.
 */
export async function insertReturningIds<T extends Extract<keyof Database, string>>(
  db: Db,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  columns: number,
  key: string,
): Promise<Map<string, number>> {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out = (await (db as Kysely<any>).insertInto(table).values(chunk as any[]).returning(['id', key]).execute()) as Array<Record<string, unknown>>;
    if (out.length !== chunk.length) throw new Error(`insert into ${table} returned ${out.length} ids for ${chunk.length} rows`);
    for (const r of out) ids.set(String(r[key]), Number(r.id));
  }
  return ids;
}

/**
 * The rows of one study into a table with a generated `id`, mapping each row's natural key (`key`, e.g. sample_id) to
 * its id, the fast way on the import's connection: SQLite, a prepared single-row INSERT and its lastInsertRowid;
 * PostgreSQL, COPY and then one SELECT of (id, key) for the study (the study is new in this transaction, so its rows
 * are exactly these). Otherwise multi-row INSERT ... RETURNING (insertReturningIds). Every row must have
 * `study_id = studyId`.
 */
export async function insertStudyRowsWithIds<T extends 'cohort_patient' | 'cohort_sample'>(
  db: Db,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  columns: number,
  key: 'patient_id' | 'sample_id',
  studyId: number,
  sink?: BulkSink,
): Promise<Map<string, number>> {
  for (const r of rows) if ((r as unknown as { study_id: number }).study_id !== studyId) throw new Error(`${table}: a row of another study`);
  if (sink?.sqlite) {
    const ids = new Map<string, number>();
    const first = rows[0];
    if (!first) return ids;
    const keys = Object.keys(first);
    if (!keys.every((k) => COLUMN.test(k))) throw new Error(`unexpected column name in ${table}`);
    const statement = sink.sqlite.prepare(`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`);
    const values: unknown[] = new Array<unknown>(keys.length);
    for (const row of rows) {
      const r = row as Record<string, unknown>;
      for (let i = 0; i < keys.length; i++) values[i] = r[keys[i] ?? ''];
      ids.set(String(r[key]), Number(statement.run(values).lastInsertRowid));
    }
    return ids;
  }
  if (sink?.pg) {
    const b = new BatchInserter(db, table, columns, sink);
    for (const row of rows) await b.add(row);
    await b.flush();
    const ids = new Map<string, number>();
    const out = await sink.pg.query<{ id: number | string; k: string }>(`SELECT id, ${key} AS k FROM ${table} WHERE study_id = $1`, [studyId]);
    for (const r of out.rows) ids.set(r.k, Number(r.id));
    if (ids.size !== rows.length) throw new Error(`insert into ${table} gave ${ids.size} ids for ${rows.length} rows`);
    return ids;
  }
  return insertReturningIds(db, table, rows, columns, key);
}
