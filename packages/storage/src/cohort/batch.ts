import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';

/** Bound parameters per statement: SQLite allows 32,766, PostgreSQL 65,535; stay well below both. */
const MAX_PARAMS = 30_000;

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Buffers rows of one table and inserts them in bulk. PostgreSQL: multi-row INSERT statements built by Kysely.
 * SQLite: one prepared single-row INSERT run for each row (better-sqlite3 runs it on the connection that holds the
 * Kysely transaction), which is several times faster than building and preparing large statements. Both are
 * parameterised; the SQL text holds only the fixed table and column names of this module's callers.
 */
export class BatchInserter<T extends keyof Database & string> {
  private rows: Insertable<Database[T]>[] = [];
  private readonly size: number;
  count = 0;
  private statement: BetterSqlite3.Statement | null = null;
  private keys: string[] | null = null;
  constructor(
    private readonly db: Db,
    private readonly table: T,
    columns: number,
    private readonly sqlite?: BetterSqlite3.Database,
  ) {
    this.size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  }

  async add(row: Insertable<Database[T]>): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.size) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    this.count += rows.length;
    if (this.sqlite) {
      if (!this.statement) {
        this.keys = Object.keys(rows[0]!);
        if (!this.keys.every((k) => /^[a-z_]+$/.test(k))) throw new Error(`unexpected column name in ${this.table}`);
        this.statement = this.sqlite.prepare(`INSERT INTO ${this.table} (${this.keys.join(', ')}) VALUES (${this.keys.map(() => '?').join(', ')})`);
      }
      const keys = this.keys!;
      const st = this.statement;
      const values: unknown[] = new Array(keys.length);
      for (const row of rows) {
        const r = row as Record<string, unknown>;
        for (let i = 0; i < keys.length; i++) {
          const v = r[keys[i]!];
          values[i] = v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
        }
        st.run(values);
      }
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await (this.db as Kysely<any>).insertInto(this.table).values(rows).execute();
  }
}

/**
 * Insert rows and map each row's natural key (e.g. sample_id) to its generated id. The order of RETURNING rows is not
 * guaranteed by SQLite or PostgreSQL, so rows are matched by key, not by position.
 */
export async function insertReturningIds<T extends keyof Database & string>(
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
