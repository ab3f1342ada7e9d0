/**
 * Password hashing with scrypt from node:crypto (no native addon). Stored form:
 * `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`, so the cost can be raised later without breaking old
 * hashes. Comparison is constant-time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/** Cost: N = 2^15, r = 8, p = 1 (32 MiB, about 50-100 ms here): the OWASP-recommended minimum for scrypt. */
export const SCRYPT_PARAMS = { log2N: 15, r: 8, p: 1, keylen: 32 } as const;

export const PASSWORD_MIN = 8;
/** Long inputs are refused so that a login cannot be used to make the server hash megabytes. */
export const PASSWORD_MAX = 256;

export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p, keylen } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const N = 2 ** log2N;
  const key = await scrypt(password, salt, keylen, { N, r, p, maxmem: 256 * N * r });
  return `scrypt$${log2N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length < 16) return false;
  const N = 2 ** log2N;
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password: verified against when the user does not exist, so timing does not reveal it. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(18).toString('base64')));
}

/** A random password for `her2scope user add` without --password-stdin (shown once). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
