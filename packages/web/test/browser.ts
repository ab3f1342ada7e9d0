/**
 * Shared harness of the browser tests: the real `her2scope serve` process, Debian's chromium driven by playwright-core
 * (no browser download; scripts/ensure-chromium.sh installs chromium with apt when missing), axe-core injected into a
 * page, and the screenshot folder (packages/web/test-artifacts/screenshots, git-ignored).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild } from '../build.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');
export const CHROMIUM = process.env.HER2SCOPE_CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts', 'screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Harness {
  dir: string;
  url: string;
  db: string;
  browser: Browser | undefined;
  skip: string | false;
  /** A page in a fresh browser context (its own cookies), closed with the page. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Chromium present (installed with apt when missing), or the reason to skip. */
export function chromiumOrSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0 || !existsSync(CHROMIUM)) return `chromium is not installed and could not be installed: ${r.stderr.trim().split('\n').pop()}`;
  return false;
}

/** Add a user from the CLI (password from stdin). */
export function addUser(db: string, name: string, role: string, password: string): void {
  const r = spawnSync(process.execPath, [bin, 'user', 'add', name, '--role', role, '--password-stdin', '--db', db], { input: `${password}\n`, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** Start `her2scope serve` on a fresh SQLite database (users added first) and a chromium context. */
export async function startHarness(options: { users: Array<[string, string, string]>; loadExamples?: boolean; viewport?: { width: number; height: number } }): Promise<Harness> {
  const skip = chromiumOrSkip();
  await ensureWebBuild();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-web-'));
  const db = `sqlite:${join(dir, 'web.db')}`;
  for (const [name, role, password] of options.users) addUser(db, name, role, password);
  const args = [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db, '--data-dir', join(dir, 'data'), ...(options.loadExamples ? ['--load-examples'] : [])];
  const server: ChildProcess = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 60_000);
    server.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  let browser: Browser | undefined;
  if (!skip) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  }
  return {
    dir,
    url,
    db,
    browser,
    skip,
    async newPage(viewport) {
      assert.ok(browser, 'no browser');
      // bypassCSP: the app's Content-Security-Policy (script-src 'self') would block injecting axe-core.
      const context = await browser.newContext({ viewport: viewport ?? options.viewport ?? DESKTOP, acceptDownloads: true, bypassCSP: true });
      const page = await context.newPage();
      page.on('close', () => void context.close().catch(() => undefined)); // the browser may already be closing
      page.setDefaultTimeout(30_000);
      return page;
    },
    async close() {
      await browser?.close();
      if (server.exitCode === null) {
        await new Promise<void>((resolve) => {
          server.once('exit', () => resolve());
          server.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function login(page: Page, url: string, user: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Run axe-core (every rule it runs by default: WCAG 2.x A/AA and best practices) on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    interface AxeResult {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
    }
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<AxeResult> } }).axe;
    const r = await axe.run(document);
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')) }));
  });
}

/** Assert no axe violation, naming the page and each violation with its first targets. */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const v = await axeViolations(page);
  assert.deepEqual(
    v.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.targets.join(', ')}`),
    [],
    `axe-core violations on ${where}`,
  );
}

/** No horizontal scrolling of the page itself. */
export async function pageScrollWidth(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

export async function shoot(page: Page, name: string, fullPage = false): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
