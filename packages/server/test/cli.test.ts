/** The `her2scope user` and `her2scope serve` commands, run as the real binary: accounts, and one-line errors (exit 2). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '@her2scope/storage';
import { ClinicalStore } from '@her2scope/storage/clinical';
import { verifyPassword } from '../src/index.ts';
import { repoRoot } from './helpers.ts';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');

function run(args: string[], options: { cwd: string; input?: string }) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd, input: options.input ?? '', encoding: 'utf8', timeout: 60_000, env: { ...process.env, HER2SCOPE_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(r: { code: number | null; stderr: string }): string {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  return lines[0]!;
}

describe('her2scope user / serve', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'her2scope-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('user add with --password-stdin stores a scrypt hash that verifies; user list shows it', async () => {
    const r = run(['user', 'add', 'alice', '--role', 'pathologist', '--password-stdin'], { cwd: dir, input: 'a good passphrase\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `created pathologist account 'alice' in sqlite:${join(dir, 'her2scope.db')}\n`);
    const storage = await openDatabase(`sqlite:${join(dir, 'her2scope.db')}`);
    try {
      const u = await new ClinicalStore(storage.db).findUserForLogin('alice');
      assert.equal(u!.role, 'pathologist');
      assert.match(u!.passwordHash, /^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
      assert.equal(await verifyPassword('a good passphrase', u!.passwordHash), true);
      assert.equal(await verifyPassword('a good passphrasE', u!.passwordHash), false);
    } finally {
      await storage.close();
    }
    const list = run(['user', 'list'], { cwd: dir });
    assert.match(list.stdout, /^alice\tpathologist\tactive\t\d{4}-/);
  });

  test('user add without --password-stdin prints a generated password once', () => {
    const r = run(['user', 'add', 'root.admin', '--role', 'admin'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\npassword: [A-Za-z0-9_-]{20}  \(shown once; pass --password-stdin to choose one\)\n$/);
  });

  test('user errors are one line with exit 2', () => {
    assert.equal(oneLine(run(['user', 'add', 'bob'], { cwd: dir })), 'her2scope user: --role is required: one of admin, pathologist, molecular, oncologist, viewer');
    assert.equal(oneLine(run(['user', 'add', 'bob', '--role', 'root'], { cwd: dir })), "her2scope user: --role: 'root' is not one of admin, pathologist, molecular, oncologist, viewer");
    assert.equal(oneLine(run(['user', 'add', 'alice', '--role', 'viewer', '--password-stdin'], { cwd: dir, input: 'long enough 1\n' })), "her2scope user: user 'alice' already exists");
    assert.equal(oneLine(run(['user', 'add', 'carol', '--role', 'viewer', '--password-stdin'], { cwd: dir, input: 'short\n' })), 'her2scope user: --password-stdin: the password must be at least 12 characters');
    assert.equal(oneLine(run(['user', 'add', 'carol', '--role', 'viewer', '--password-stdin'], { cwd: dir, input: 'Password12345!\n' })), 'her2scope user: --password-stdin: the password is a commonly used password (found in a list of breached passwords)');
    assert.equal(oneLine(run(['user', 'add', '<b>', '--role', 'viewer'], { cwd: dir })), "her2scope user: user name '<b>': use 2-64 letters, digits, '.', '_' or '-'");
    assert.equal(oneLine(run(['user', 'remove', 'x'], { cwd: dir })), "her2scope user: give a subcommand: add, list or passwd (see 'her2scope user --help')");
    assert.equal(oneLine(run(['user', 'passwd', 'nobody', '--password-stdin'], { cwd: dir, input: 'a fine passphrase\n' })), `her2scope user: no user 'nobody' in sqlite:${join(dir, 'her2scope.db')}`);
    assert.match(oneLine(run(['user', 'list', '--db', 'mysql://x/y'], { cwd: dir })), /^her2scope user: db: 'mysql:' databases are not supported/);
  });

  test('user passwd sets a new password (policy checked) and ends the account sessions', async () => {
    const dbUrl = `sqlite:${join(dir, 'her2scope.db')}`;
    let storage = await openDatabase(dbUrl);
    try {
      const store = new ClinicalStore(storage.db);
      const alice = (await store.findUserForLogin('alice'))!;
      await store.createSession({ id: 'a'.repeat(64), userId: alice.id, csrfToken: 'x', expiresAt: '2999-01-01T00:00:00.000Z' });
    } finally {
      await storage.close();
    }
    const r = run(['user', 'passwd', 'alice', '--password-stdin'], { cwd: dir, input: 'another good passphrase\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "new password set for 'alice'; its sessions were ended\n");
    storage = await openDatabase(dbUrl);
    try {
      const store = new ClinicalStore(storage.db);
      const alice = (await store.findUserForLogin('alice'))!;
      assert.equal(await verifyPassword('another good passphrase', alice.passwordHash), true);
      assert.deepEqual(await store.listSessions(alice.id), []);
    } finally {
      await storage.close();
    }
  });

  test('audit verify: intact (exit 0), then an edited line is named (exit 1)', async () => {
    const ok = run(['audit', 'verify'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^audit log intact: \d+ lines; last hash [0-9a-f]{64}\n$/);
    const storage = await openDatabase(`sqlite:${join(dir, 'her2scope.db')}`);
    let seq: number;
    try {
      const lines = await new ClinicalStore(storage.db).listAudit({ limit: 1000 });
      seq = lines.at(-2)!.seq;
      storage.sqlite!.prepare("update audit_log set action = 'user.disable' where seq = ?").run(seq);
    } finally {
      await storage.close();
    }
    const bad = run(['audit', 'verify'], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, new RegExp(`^audit log TAMPERED: line ${seq} was edited \\(its hash does not match its content\\) \\(checked \\d+ lines\\)\n$`));
    assert.equal(oneLine(run(['audit', 'check'], { cwd: dir })), "her2scope audit: give the subcommand verify (see 'her2scope audit --help')");
  });

  test('serve flag errors and a busy port are one line with exit 2', async () => {
    assert.equal(oneLine(run(['serve', '--port', 'http'], { cwd: dir })), "her2scope serve: --port: 'http' is not a number");
    assert.equal(oneLine(run(['serve', '--port', '70000'], { cwd: dir })), 'her2scope serve: --port: must be a whole number 0-65535');
    assert.equal(oneLine(run(['serve', '--upload-limit', '2XB'], { cwd: dir })), "her2scope serve: --upload-limit: '2XB' is not a size (e.g. 500MiB, 2GiB)");
    assert.equal(oneLine(run(['serve', '--log', 'loud'], { cwd: dir })), "her2scope serve: --log: 'loud' is not one of fatal, error, warn, info, debug");
    assert.equal(oneLine(run(['serve', '--allowed-hosts', 'evil.example/x'], { cwd: dir })), "her2scope serve: --allowed-hosts: 'evil.example/x' is not a host name");
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run(['serve', '--port', String(port)], { cwd: dir });
      assert.equal(r.stderr.trim().split('\n').at(-1), `her2scope serve: --port: 127.0.0.1:${port} is already in use`);
      assert.equal(r.code, 2);
    } finally {
      blocker.close();
    }
  });
});
