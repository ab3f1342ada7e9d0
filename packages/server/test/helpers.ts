/**
 * Test helpers: a server on a fresh database (a SQLite file in a temp dir, or a new PostgreSQL database), accounts
 * of every role, and a small client that keeps the session cookie and the CSRF token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openDatabase, type Storage } from '@her2scope/storage';
import { buildServer, hashPassword, type ServerOptions } from '../src/index.ts';
import type { Backend } from '../../storage/test/databases.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const examplesDir = join(repoRoot, 'examples', 'cases');

export { backends, type Backend } from '../../storage/test/databases.ts';

/** A short random suffix: labels and user names stay unique when a PostgreSQL database is reused between runs. */
export const uniq = () => randomBytes(4).toString('hex');

export const PASSWORD = 'correct horse battery staple';

export interface TestServer {
  app: FastifyInstance;
  storage: Storage;
  dir: string;
  dataDir: string;
  dbUrl: string;
  users: Record<'admin' | 'pathologist' | 'molecular' | 'oncologist' | 'viewer', string>;
  close(): Promise<void>;
}

export async function startServer(backend: Backend, options: Partial<ServerOptions> = {}, reuse?: { dir: string; dbUrl: string }): Promise<TestServer> {
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'her2scope-server-'));
  const created = reuse ? null : await backend.create(dir);
  const dbUrl = reuse?.dbUrl ?? created!.url;
  const storage = await openDatabase(dbUrl);
  const dataDir = join(dir, 'data');
  const app = await buildServer({ db: storage, dataDir, webRoot: null, ...options });
  const suffix = uniq();
  const users = {} as TestServer['users'];
  if (!reuse) {
    const hash = await hashPassword(PASSWORD);
    for (const role of ['admin', 'pathologist', 'molecular', 'oncologist', 'viewer'] as const) {
      users[role] = `${role}-${suffix}`;
      await app.her2scope.store.createUser({ username: users[role], role, passwordHash: hash }, { userId: null, username: 'test', ip: null });
    }
  }
  return {
    app,
    storage,
    dir,
    dataDir,
    dbUrl,
    users,
    async close() {
      await app.close();
      await storage.close();
      await created?.drop();
      if (!reuse) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(readonly app: FastifyInstance) {}

  async login(username: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    const r = await this.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (r.statusCode === 200) {
      this.cookie = String(r.headers['set-cookie']).split(';')[0]!;
      this.csrf = r.json().csrfToken;
    }
    return r;
  }

  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
    return this.app.inject({
      method,
      url,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}), ...headers },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, payload?: unknown) {
    return this.request('POST', url, payload);
  }
  put(url: string, payload?: unknown) {
    return this.request('PUT', url, payload);
  }

  /** multipart/form-data upload of one part named "file". */
  upload(url: string, filename: string, content: Buffer | string) {
    const boundary = `----her2scope${uniq()}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.isBuffer(content) ? content : Buffer.from(content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return this.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...(this.cookie ? { cookie: this.cookie } : {}), ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}) },
      payload: body,
    });
  }
}

export async function loggedIn(app: FastifyInstance, username: string): Promise<Client> {
  const c = new Client(app);
  const r = await c.login(username);
  if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
  return c;
}
