/**
 * Server-side sessions. The cookie holds a random 256-bit token (HttpOnly, SameSite=Strict, Path=/, Secure when
 * configured); the database holds only its SHA-256, so a copy of the database cannot be used to log in. Each session
 * has its own random CSRF token: every state-changing request must send it in the `X-CSRF-Token` header
 * (synchronizer-token pattern; a cross-site page can neither read it nor, with SameSite=Strict, send the cookie).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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
