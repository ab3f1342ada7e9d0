/**
 * scripts/ensure-chromium.sh prints one line while installing (issue 17: `npm run demo` printed pages of apt output),
 * and the end of apt's log when the install fails. apt-get is faked on a PATH of its own: nothing is installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const script = resolve(import.meta.dirname, '..', '..', '..', 'scripts', 'ensure-chromium.sh');

function run(aptExit: number) {
  const dir = mkdtempSync(join(tmpdir(), 'h2s-apt-'));
  const bin = join(dir, 'bin');
  const tmp = join(dir, 'tmp');
  try {
    for (const d of [bin, tmp]) spawnSync('mkdir', ['-p', d]);
    for (const tool of ['mktemp', 'tail', 'rm', 'cat', 'seq']) {
      const which = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(which, join(bin, tool));
    }
    writeFileSync(join(bin, 'id'), '#!/bin/bash\necho 0\n');
    // A chatty apt-get: 200 lines of output per call.
    writeFileSync(join(bin, 'apt-get'), `#!/bin/bash\nfor i in $(seq 1 200); do echo "Get:$i http://deb.debian.org/debian $*"; done\nexit ${aptExit}\n`);
    for (const f of ['id', 'apt-get']) chmodSync(join(bin, f), 0o755);
    const r = spawnSync('/bin/bash', [script], { encoding: 'utf8', env: { PATH: bin, TMPDIR: tmp } });
    return { ...r, leftover: readdirSync(tmp) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('installing prints one line and leaves no log behind', () => {
  const r = run(0);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^ensure-chromium: installing chromium poppler-utils with apt-get \(log: .*ensure-chromium\.\w+\.log\)\n$/);
  assert.deepEqual(r.leftover, []);
});

test('a failed install shows the end of the apt log and exits 1', () => {
  const r = run(100);
  assert.equal(r.status, 1);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2 + 20);
  assert.match(lines[1]!, /^ensure-chromium: apt-get failed; the end of .*\.log:$/);
  assert.equal(lines.at(-1), 'Get:200 http://deb.debian.org/debian update -qq');
});
