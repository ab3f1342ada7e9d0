/**
 * The audit log's hash chain (tamper evidence). Each line stores `prev_hash` (the `hash` of the line before it, by
 * `seq`; GENESIS for the first) and `hash` = SHA-256 over `prev_hash` and the line's fields. Editing a line breaks
 * its own hash; deleting one breaks the next line's `prev_hash`; re-hashing an edited line breaks the next line.
 * (Deleting the newest lines leaves a shorter valid chain: compare the count and the last hash with a copy kept
 * elsewhere, e.g. `her2scope audit verify` output in the backup log.)
 */
import { createHash } from 'node:crypto';

export const AUDIT_GENESIS = '0'.repeat(64);

export interface AuditHashFields {
  at: string;
  user_id: string | null;
  username: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  outcome: string;
  ip: string | null;
  count: number | string;
}

export function auditHash(prevHash: string, r: AuditHashFields): string {
  const fields = [r.at, r.user_id, r.username, r.action, r.entity_type, r.entity_id, r.outcome, r.ip, Number(r.count)];
  return createHash('sha256').update(`${prevHash}\n${JSON.stringify(fields)}`).digest('hex');
}
