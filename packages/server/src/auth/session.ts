/**
 * Server-side sessions. The cookie holds a random 256-bit token (HttpOnly, SameSite=Strict, Path=/, Secure when
 * configured); the database holds only its SHA-256, so a copy of the database cannot be used to log in. Each session
 * has its own random CSRF token: every state-changing request must send it in the `X-CSRF-Token` header
 * (synchronizer-token pattern; a cross-site page can neither read it nor, with SameSite=Strict, send the cookie).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClinicalStore, User } from '@her2scope/storage/clinical';

export const SESSION_COOKIE = 'h2s_session';
export const CSRF_HEADER = 'x-csrf-token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

type SessionRecord = { user: User; csrfToken: string; expiresAt: string };

/**
 * Session lookups, cached for a few seconds: every API request checks its session, and the database round trip
 * was the largest cost of a report read. Logout and disabling an account (through this server) drop entries at
 * once; a session ended directly in the database is honoured within `ttlMs`.
 */
export class SessionCache {
  private readonly entries = new Map<string, { record: SessionRecord | null; until: number }>();
  constructor(
    private readonly store: ClinicalStore,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 10_000,
  ) {}

  async get(id: string): Promise<SessionRecord | null> {
    const now = Date.now();
    const hit = this.entries.get(id);
    if (hit && hit.until > now) {
      if (hit.record && Date.parse(hit.record.expiresAt) <= now) return null;
      return hit.record;
    }
    const record = await this.store.findSession(id);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    // Unknown tokens are not cached (a flood of random cookies must not fill the cache).
    if (record) this.entries.set(id, { record, until: now + this.ttlMs });
    else this.entries.delete(id);
    return record;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  forgetUser(userId: string): void {
    for (const [id, e] of this.entries) if (e.record?.user.id === userId) this.entries.delete(id);
  }
}
