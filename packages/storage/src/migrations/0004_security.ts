/**
 * Migration 0004_security (issue 12):
 * - audit_log: `count` (repeated reads coalesced into one line), `prev_hash` and `hash` (a SHA-256 chain: see
 *   clinical/audit-hash.ts); existing lines are chained in `seq` order here.
 * - sessions: `ip` and `user_agent` at login (users list and end their own sessions).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { AUDIT_GENESIS, auditHash, type AuditHashFields } from '../clinical/audit-hash.ts';

export function migration0004Security(): Migration {
  return { up, down };
}

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('count', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('ip', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  // Chain the lines written before this migration, oldest first, in pages.
  let prev = AUDIT_GENESIS;
  let after = -1;
  for (;;) {
    const { rows } = await sql<AuditHashFields & { seq: number | string }>`select seq, at, user_id, username, action, entity_type, entity_id, outcome, ip, count from audit_log where seq > ${after} order by seq limit 1000`.execute(db);
    if (rows.length === 0) break;
    for (const r of rows) {
      const hash = auditHash(prev, r);
      await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`.execute(db);
      prev = hash;
      after = Number(r.seq);
    }
  }
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of ['hash', 'prev_hash', 'count']) await db.schema.alterTable('audit_log').dropColumn(c).execute();
  for (const c of ['user_agent', 'ip']) await db.schema.alterTable('sessions').dropColumn(c).execute();
}
