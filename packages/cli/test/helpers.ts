import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the real `her2scope` binary. */
export function her2scope(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, HER2SCOPE_DEBUG: '', ...options.env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Assert the error contract: exit 2, exactly one line on stderr, no stack trace. */
export function oneLineError(r: Run): string {
  if (r.code !== 2) throw new Error(`expected exit 2, got ${r.code}: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  if (lines.length !== 1) throw new Error(`expected one stderr line, got:\n${r.stderr}`);
  if (/\bat .*\.ts:\d+/.test(r.stderr)) throw new Error(`stack trace printed:\n${r.stderr}`);
  return lines[0]!;
}
