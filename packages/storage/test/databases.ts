/**
 * The databases every storage and server suite runs on: SQLite (a file in a temp dir) and PostgreSQL. PostgreSQL is
 * not optional: `npm test` starts a throwaway cluster (scripts/pg.sh) and sets DATABASE_URL; without it the suites
 * FAIL (they do not skip) unless HER2SCOPE_NO_PG=1 is set outside CI. Each test database on PostgreSQL is a fresh
 * `CREATE DATABASE` on that cluster, dropped afterwards, so suites running at the same time never share rows.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new, empty database: its URL and how to drop it. */
  create(dir: string): Promise<{ url: string; drop(): Promise<void> }>;
}

export function pgAdminUrl(): string | null {
  const url = process.env.DATABASE_URL;
  if (url) return url;
  if (process.env.CI === 'true' || process.env.HER2SCOPE_NO_PG !== '1') {
    throw new Error('DATABASE_URL is not set: PostgreSQL suites cannot run (npm test / scripts/run-tests.mjs starts one; HER2SCOPE_NO_PG=1 runs SQLite only, never in CI)');
  }
  return null;
}

/** A fresh PostgreSQL database on the cluster of `adminUrl`. */
export async function createPgDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `h2s_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** SQLite always; PostgreSQL too (required unless HER2SCOPE_NO_PG=1 outside CI). */
export function backends(): Backend[] {
  const list: Backend[] = [{ name: 'sqlite', create: (dir) => Promise.resolve({ url: `sqlite:${join(dir, 'her2scope.db')}`, drop: () => Promise.resolve() }) }];
  const admin = pgAdminUrl();
  if (admin) list.push({ name: 'postgres', create: () => createPgDatabase(admin) });
  return list;
}
