/**
 * Passwords and sessions (ASVS V2/V3, issue 12), on SQLite and PostgreSQL: at least 12 characters; common and
 * breached passwords refused (the bundled SecLists list, with digits/symbols around or repeated); users change their
 * own password (the current one is needed; their other sessions end); users list and end their own sessions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { passwordProblem } from '../src/auth/passwords.ts';
import { backends, Client, loggedIn, PASSWORD, startServer, uniq, type TestServer } from './helpers.ts';

describe('password policy', () => {
  test('length, the common-password list (exact, decorated, repeated), sequences, the user name', () => {
    const cases: Array<[string, string | null]> = [
      ['eleven char', 'must be at least 12 characters'],
      ['x'.repeat(257), 'must be at most 256 characters'],
      ['password1234', 'is a commonly used password (found in a list of breached passwords)'],
      ['P@ssw0rd!!', 'must be at least 12 characters'],
      ['#Sunshine2024!', 'is a commonly used password (found in a list of breached passwords)'],
      ['qwertyqwertyqwerty', 'is a commonly used password (found in a list of breached passwords)'],
      ['FOOTBALL1234', 'is a commonly used password (found in a list of breached passwords)'],
      ['123456789012', 'is a keyboard or alphabet sequence'],
      ['asdfghjklzxcv', 'is a keyboard or alphabet sequence'],
      ['zzzzzzzzzzzzzz', 'is one character repeated'],
      ['alice in wonderland', 'contains the user name'],
      ['correct horse battery staple', null],
      ['Tr0ub4dor&3xyz', null],
      ['sunshine and rain on tuesday', null],
    ];
    for (const [pw, problem] of cases) assert.equal(passwordProblem(pw, 'alice'), problem, pw);
  });
});

for (const backend of backends()) {
  describe(`accounts on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(backend, { loginRateLimit: { max: 1000, windowMs: 60_000 } });
    });
    after(async () => s?.close());

    test('an admin cannot create an account with a short, common or name-bearing password (400 naming the field)', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const name = `nurse-${uniq()}`;
      for (const [password, message] of [
        ['elevenchars', 'Password must be at least 12 characters'],
        ['iloveyou12345', 'Password is a commonly used password (found in a list of breached passwords)'],
        [`${name} rocks!`, 'Password contains the user name'],
      ] as const) {
        const r = await admin.post('/api/users', { username: name, role: 'viewer', password });
        assert.equal(r.statusCode, 400, password);
        assert.deepEqual([r.json().field, r.json().message], ['password', message]);
        assert.deepEqual(r.json().fields, [{ field: 'password', label: 'Password', message }]);
      }
      assert.equal((await admin.post('/api/users', { username: name, role: 'viewer', password: 'twelve chars ok' })).statusCode, 201);
    });

    test('change own password: needs the current one, applies the policy, ends the other sessions but not this one', async () => {
      const here = await loggedIn(s.app, s.users.oncologist);
      const elsewhere = await loggedIn(s.app, s.users.oncologist);
      const wrong = await here.post('/api/auth/password', { currentPassword: 'not my password', newPassword: 'a brand new passphrase' });
      assert.equal(wrong.statusCode, 403);
      assert.equal(wrong.json().error, 'bad-credentials');
      const weak = await here.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'baseball12345' });
      assert.equal(weak.statusCode, 400);
      assert.equal(weak.json().field, 'newPassword');
      const same = await here.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: PASSWORD });
      assert.equal(same.json().message, 'New password is the current password');
      const noCsrf = await here.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }, { 'x-csrf-token': '' });
      assert.equal(noCsrf.statusCode, 403);
      assert.equal(noCsrf.json().error, 'csrf');

      assert.equal((await here.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })).statusCode, 200);
      assert.equal((await here.get('/api/patients')).statusCode, 200, 'this session stays');
      assert.equal((await elsewhere.get('/api/patients')).statusCode, 401, 'the other session ended at once');
      assert.equal((await new Client(s.app).login(s.users.oncologist, PASSWORD)).statusCode, 401);
      assert.equal((await new Client(s.app).login(s.users.oncologist, 'a brand new passphrase')).statusCode, 200);
      const audit = await s.app.her2scope.store.listAudit({ limit: 50 });
      assert.deepEqual(audit.filter((a) => a.action === 'user.password').map((a) => a.outcome).slice(0, 2), ['ok', 'failed']);
      assert.ok(!JSON.stringify(audit).includes('brand new'));
    });

    test('list own sessions (never the token), end another one; other users’ sessions are out of reach', async () => {
      const a = await loggedIn(s.app, s.users.molecular);
      const b = new Client(s.app);
      const login = await s.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'user-agent': 'Tablet Browser/1.0' }, payload: { username: s.users.molecular, password: PASSWORD } });
      b.cookie = String(login.headers['set-cookie']).split(';')[0]!;
      b.csrf = login.json().csrfToken;
      const list = await a.get('/api/auth/sessions');
      assert.equal(list.statusCode, 200);
      const sessions = list.json().sessions as Array<{ id: string; current: boolean; userAgent: string | null; ip: string; createdAt: string; expiresAt: string }>;
      assert.equal(sessions.length, 2);
      assert.deepEqual(sessions.map((x) => x.current).sort(), [false, true]);
      for (const x of sessions) assert.deepEqual(Object.keys(x).sort(), ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'userAgent']);
      assert.ok(!list.body.includes(a.cookie!.split('=')[1]!) && !list.body.includes(b.cookie.split('=')[1]!), 'no token in the list');
      const other = sessions.find((x) => !x.current)!;
      assert.equal(other.userAgent, 'Tablet Browser/1.0');

      const intruder = await loggedIn(s.app, s.users.pathologist);
      assert.equal((await intruder.request('DELETE', `/api/auth/sessions/${other.id}`)).statusCode, 404, "another user's session");
      assert.equal((await b.get('/api/patients')).statusCode, 200);
      assert.equal((await a.request('DELETE', `/api/auth/sessions/${other.id}`)).statusCode, 200);
      assert.equal((await b.get('/api/patients')).statusCode, 401, 'ended at once');
      assert.equal((await a.get('/api/auth/sessions')).json().sessions.length, 1);
      assert.equal((await a.request('DELETE', '/api/auth/sessions/nothex')).json().field, 'id');
    });
  });
}
