/**
 * Attack test for issue 12: authorization is decided from the MATCHED route, never from the raw URL. The real server
 * (listening on 127.0.0.1) is walked route by route from /api/openapi.json, and every route is requested under
 * hostile spellings sent byte for byte (`--path-as-is`): each character percent-encoded in turn, the whole path
 * encoded, `//`, `/./`, `/../`, upper case, trailing slash, `;params`, backslashes. Without a cookie every answer is
 * 401 or 404; with a viewer's cookie (and its CSRF token) every route the viewer may not use answers 403 or 404, and
 * the routes it may use answer what their canonical spelling answers, 400 or 404. Nothing is created (no patient, no
 * user) and no answer without a session carries data. Also: deny by default (a route without a declared permission
 * stops the server from starting) and --allowed-hosts (DNS rebinding).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { backends, loggedIn, startServer, type TestServer } from './helpers.ts';

type OpenApi = { paths: Record<string, Record<string, { security?: unknown[] }>> };
const FAKE_ID = '00000000-0000-4000-8000-000000000000';
const concrete = (path: string) => path.replace(/\{id\}/g, FAKE_ID).replace(/\{format\}/g, 'html');

const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** Hostile spellings of a canonical path (no query string). */
export function spellings(path: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < path.length; i++) {
    // (A request target must start with '/': the leading one stays, or Node's HTTP parser answers 400 itself.)
    if (path[i] === '/') {
      if (i > 0) out.add(`${path.slice(0, i)}%2F${path.slice(i + 1)}`);
    }
    else {
      out.add(`${path.slice(0, i)}${pct(path[i]!)}${path.slice(i + 1)}`);
      out.add(`${path.slice(0, i)}${pct(path[i]!).toLowerCase()}${path.slice(i + 1)}`);
    }
  }
  out.add(path.replace(/[^/]/g, pct));
  out.add(path.replace(/[^/]/g, (c) => encodeURIComponent(pct(c)))); // double encoding
  const segs = path.split('/').slice(1);
  for (let i = 0; i <= segs.length; i++) {
    const head = `/${segs.slice(0, i).join('/')}`.replace(/^\/$/, '');
    const tail = segs.slice(i).join('/');
    out.add(`${head}//${tail}`);
    out.add(`${head}/./${tail}`);
    out.add(`${head}/x/../${tail}`);
    out.add(`${head}/%2e/${tail}`);
    out.add(`${head}/x/%2e%2e/${tail}`);
    if (i < segs.length) out.add(`${head}/${segs[i]};x=1${tail.slice(segs[i]!.length)}`);
  }
  out.add(`/${path}`);
  out.add(path.toUpperCase());
  out.add(path.replace(/^\/api/, '/API'));
  out.add(path.replace(/^\/api/, '/Api'));
  out.add(`${path}/`);
  out.add(`${path};jsessionid=1`);
  out.add(`${path}%00`);
  out.add(`${path}%20`);
  out.add(`${path}.json`);
  out.add(`/${path.slice(1).replace(/\//g, '\\')}`);
  out.add(path.replace(/^\/api\//, '/api\\'));
  out.delete(path);
  return [...out];
}

function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `localhost:${port}`, ...headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const backend of backends()) {
  describe(`hostile path spellings on ${backend.name}`, () => {
    let s: TestServer;
    let port: number;
    let routes: Array<{ method: string; path: string }>;

    before(async () => {
      s = await startServer(backend, { loginRateLimit: { max: 10_000, windowMs: 60_000 } });
      await s.app.listen({ host: '127.0.0.1', port: 0 });
      port = (s.app.server.address() as { port: number }).port;
      const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApi>();
      routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([m, op]) => m !== 'head' && Array.isArray(op.security) && op.security.length > 0)
          .map(([method]) => ({ method: method.toUpperCase(), path: concrete(path) })),
      );
    });
    after(async () => s?.close());

    test('without a cookie: every spelling of every protected route answers 401 or 404, with no data and nothing created', async () => {
      assert.ok(routes.length >= 21, `only ${routes.length} protected routes`);
      const usersBefore = (await s.app.her2scope.store.listUsers()).length;
      const statuses = new Map<number, number>();
      let n = 0;
      for (const r of routes) {
        const body = r.method === 'GET' ? undefined : JSON.stringify({ username: 'intruder', role: 'admin', password: 'a very long password 1', label: 'INTRUDER' });
        for (const p of [r.path, ...spellings(r.path)]) {
          const res = await raw(port, r.method, p, {}, body);
          n++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          assert.ok([401, 404].includes(res.status), `${r.method} ${p}: ${res.status} ${res.body.slice(0, 200)}`);
          const json = JSON.parse(res.body) as Record<string, unknown>;
          assert.deepEqual(Object.keys(json).sort(), res.status === 401 ? ['error', 'message'] : ['error', 'message', 'statusCode'], `${r.method} ${p}`);
        }
      }
      assert.ok(n > 1500, `${n} requests`);
      assert.ok((statuses.get(401) ?? 0) > routes.length * 10, 'decoded spellings reach the route and are refused there');
      assert.equal((await s.app.her2scope.store.listUsers()).length, usersBefore, 'no account was created');
      assert.equal((await s.app.her2scope.store.listPatients({ q: 'INTRUDER' })).length, 0);
      // 401s are audited (coalesced, by route pattern: no path, no patient data).
      await s.app.her2scope.auditReads.flush();
      const audit = await s.app.her2scope.store.listAudit({ limit: 1000 });
      const unauth = audit.filter((a) => a.action === 'access.unauthenticated');
      assert.ok(unauth.some((a) => a.entityId === 'POST /api/users'));
      assert.ok(unauth.every((a) => a.outcome === 'denied' && a.userId === null && /^[A-Z]+ \/api\/[a-z/:-]+$/.test(a.entityId!)), JSON.stringify(unauth.slice(0, 3)));
    });

    test("with a viewer's cookie and CSRF token: refused routes stay refused (403/404) under every spelling; allowed ones answer as canonically", async () => {
      const viewer = await loggedIn(s.app, s.users.viewer);
      const headers = { cookie: viewer.cookie!, 'x-csrf-token': viewer.csrf! };
      const usersBefore = (await s.app.her2scope.store.listUsers()).length;
      const deniedBefore = (await s.app.her2scope.store.listAudit({ limit: 1000 })).filter((a) => a.action === 'access.denied').length;
      let denied = 0;
      for (const r of routes) {
        if (r.path === '/api/auth/logout') continue; // would end the viewer's own session
        const body = r.method === 'GET' ? undefined : JSON.stringify({ username: 'intruder2', role: 'admin', password: 'a very long password 2', label: 'INTRUDER2', disabled: true });
        const canonical = await raw(port, r.method, r.path, headers, body);
        const forbidden = canonical.status === 403;
        for (const p of spellings(r.path)) {
          const res = await raw(port, r.method, p, headers, body);
          if (forbidden) {
            assert.ok([403, 404].includes(res.status), `${r.method} ${p}: ${res.status} ${res.body.slice(0, 200)}`);
            if (res.status === 403) {
              assert.equal(JSON.parse(res.body).error, 'forbidden');
              denied++;
            }
          } else {
            // Allowed for a viewer: the checks ran; another spelling may name another route or an invalid id (400).
            assert.ok([canonical.status, 400, 404].includes(res.status), `${r.method} ${p}: ${res.status} (canonical ${canonical.status})`);
          }
        }
      }
      assert.ok(denied > 100, `${denied} refusals`);
      assert.equal((await s.app.her2scope.store.listUsers()).length, usersBefore, 'no account was created');
      assert.equal((await s.app.her2scope.store.listPatients({ q: 'INTRUDER' })).length, 0);
      const deniedAfter = (await s.app.her2scope.store.listAudit({ limit: 1000 })).filter((a) => a.action === 'access.denied').length;
      assert.ok(deniedAfter - deniedBefore >= Math.min(denied, 1000 - deniedBefore), 'every refusal is audited');
    });

    test('a state change under a decoded spelling still needs the CSRF token', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const r = await raw(port, 'POST', '/%61pi/patients', { cookie: admin.cookie! }, JSON.stringify({ label: 'NO-CSRF' }));
      assert.equal(r.status, 403);
      assert.equal(JSON.parse(r.body).error, 'csrf');
      const ok = await raw(port, 'POST', '/%61pi/patients', { cookie: admin.cookie!, 'x-csrf-token': admin.csrf! }, JSON.stringify({ label: 'WITH-CSRF' }));
      assert.equal(ok.status, 201, 'the same checks as the canonical path, and then the handler');
    });

    test('Host header: only allowed names are answered (DNS rebinding)', async () => {
      const evil = await raw(port, 'GET', '/api/health', { host: 'attacker.example:80' });
      assert.equal(evil.status, 421);
      assert.equal(JSON.parse(evil.body).error, 'host-not-allowed');
      assert.equal((await raw(port, 'GET', '/api/health', { host: `127.0.0.1:${port}` })).status, 200);
      assert.equal((await raw(port, 'GET', '/api/health', { host: 'LOCALHOST' })).status, 200);
      assert.equal((await raw(port, 'GET', '/api/health', { host: `[::1]:${port}` })).status, 200);
      assert.equal((await raw(port, 'GET', '/api/health', { host: 'localhost.attacker.example' })).status, 421);
      assert.equal((await raw(port, 'GET', '/api/health', { host: 'user@localhost' })).status, 421);
    });
  });
}

describe('deny by default', () => {
  test('a route without a declared permission stops the server from starting', async () => {
    const s = await startServer(backends()[0]!);
    try {
      s.app.get('/api/forgotten', async () => ({ secret: true }));
      await assert.rejects(async () => s.app.ready(), /routes without a declared permission \(config\.permission\): GET \/api\/forgotten/);
    } finally {
      await s.close().catch(() => undefined);
    }
  });

  test('--allowed-hosts: a configured name is answered, the loopback default then is not', async () => {
    const s = await startServer(backends()[0]!, { allowedHosts: ['her2scope.example.org'] });
    try {
      assert.equal((await s.app.inject({ method: 'GET', url: '/api/health', headers: { host: 'her2scope.example.org' } })).statusCode, 200);
      assert.equal((await s.app.inject({ method: 'GET', url: '/api/health', headers: { host: 'localhost' } })).statusCode, 421);
    } finally {
      await s.close();
    }
  });
});
