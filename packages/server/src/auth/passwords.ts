/**
 * Password hashing with scrypt from node:crypto (no native addon). Stored form:
 * `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`, so the cost can be raised later without breaking old
 * hashes. Comparison is constant-time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/** Cost: N = 2^15, r = 8, p = 1 (32 MiB, about 50-100 ms here): the OWASP-recommended minimum for scrypt. */
export const SCRYPT_PARAMS = { log2N: 15, r: 8, p: 1, keylen: 32 } as const;

/** ASVS 4.0.3 V2.1.1: at least 12 characters. */
export const PASSWORD_MIN = 12;
/** Long inputs are refused so that a login cannot be used to make the server hash megabytes. */
export const PASSWORD_MAX = 256;

const SEQUENCES = ['0123456789', '9876543210', 'abcdefghijklmnopqrstuvwxyz', 'zyxwvutsrqponmlkjihgfedcba', 'qwertyuiopasdfghjklzxcvbnm', 'mnbvcxzlkjhgfdsapoiuytrewq', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', 'q1w2e3r4t5y6u7i8o9p0'].map((s) => s.repeat(Math.ceil(600 / s.length)));

/** The bundled list of common passwords (SecLists top 1000, MIT; see data/common-passwords.LICENSE.md), lower-cased. */
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(readFileSync(new URL('../../data/common-passwords.txt', import.meta.url), 'utf8').split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean));
  return common;
}

/**
 * Why a new password is refused (ASVS V2.1.1, V2.1.7), or null when it is acceptable: shorter than 12 or longer
 * than 256 characters; one of the bundled common passwords, or one of them with digits or symbols around it
 * (`password1234!`) or repeated (`qwertyqwerty`); a run along the keyboard, the alphabet or the digits; one
 * character repeated; or the user name in it. No composition rules (ASVS V2.1.9): any characters, any mix.
 */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  if (/^(.)\1*$/su.test(password)) return 'is one character repeated';
  if (SEQUENCES.some((seq) => seq.includes(lower))) return 'is a keyboard or alphabet sequence';
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'contains the user name';
  const list = commonPasswords();
  const core = lower.replace(/^[\d\s\p{P}\p{S}]+|[\d\s\p{P}\p{S}]+$/gu, '');
  const repeated = /^(.+?)\1+$/su.exec(core)?.[1];
  if (list.has(lower) || list.has(core) || (repeated !== undefined && list.has(repeated))) return 'is a commonly used password (found in a list of breached passwords)';
  return null;
}

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
