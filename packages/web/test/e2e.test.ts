/**
 * Browser end-to-end test: the real `her2scope serve` process and Debian's chromium driven by playwright-core (no
 * browser download; scripts/ensure-chromium.sh installs chromium and poppler-utils with apt when missing). A user
 * logs in with the keyboard, creates a patient, enters pathology (watching the live classification), uploads the
 * VCFs and BEDs of two biopsies, runs the analysis, sees the acquired ERBB2 L755S, and downloads the PDF report.
 * The screenshot of the patient page is written to $TMPDIR/her2scope-e2e-patient.png.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { ensureWebBuild } from '../build.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const examples = join(repoRoot, 'examples', 'cases');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');
const CHROMIUM = process.env.HER2SCOPE_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOT = join(tmpdir(), 'her2scope-e2e-patient.png');

let dir: string;
let server: ChildProcess | undefined;
let url = '';
let context: BrowserContext | undefined;
let skip: string | false = false;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    const r = spawnSync('bash', [join(repoRoot, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0 || !existsSync(CHROMIUM)) skip = `chromium is not installed and could not be installed: ${r.stderr.trim().split('\n').pop()}`;
  }
  await ensureWebBuild();
  dir = mkdtempSync(join(tmpdir(), 'her2scope-e2e-'));
  const db = `sqlite:${join(dir, 'e2e.db')}`;
  const add = spawnSync(process.execPath, [bin, 'user', 'add', 'ada', '--role', 'admin', '--password-stdin', '--db', db], { input: 'e2e password 1\n', encoding: 'utf8' });
  assert.equal(add.status, 0, add.stderr);
  server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db, '--data-dir', join(dir, 'data')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 60_000);
    server!.stdout!.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server!.stderr!.on('data', (d) => (err += d));
    server!.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  if (skip) return;
  const { chromium } = await import('playwright-core');
  context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await context?.close();
  if (server && server.exitCode === null) {
    await new Promise<void>((resolve) => {
      server!.once('exit', () => resolve());
      server!.kill('SIGTERM');
    });
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function addSample(page: Page, label: string, type: string, site: string, date: string) {
  await page.getByRole('tab', { name: 'Pathology' }).click();
  await page.getByLabel('Sample id').fill(label);
  await page.getByLabel('Sample type', { exact: true }).selectOption(type);
  await page.getByLabel('Site').selectOption(site);
  await page.getByLabel('Collection date').fill(date);
  await page.getByRole('button', { name: 'Add sample' }).click();
  await page.getByRole('heading', { name: new RegExp(`^Sample ${label}`) }).waitFor();
}

async function upload(page: Page, sample: string, kind: string, file: string, tumorNormal = false) {
  await page.getByRole('tab', { name: 'Files' }).click();
  const form = page.getByRole('form', { name: `Upload a file for sample ${sample}` });
  await form.getByLabel('File type').selectOption(kind);
  if (tumorNormal) {
    await form.getByLabel('Tumour sample name (optional)').fill('TUMOR');
    await form.getByLabel('Normal sample name (optional)').fill('NORMAL');
  }
  await form.getByLabel('File', { exact: true }).setInputFiles(join(examples, file));
  await form.getByRole('button', { name: 'Upload' }).click();
  await form.getByText(`Uploaded ${file}`).waitFor();
}

async function enterPathology(page: Page, sample: string, values: { ihc: string; er: string; pr: string }, expectCategory: string) {
  await page.getByRole('tab', { name: 'Pathology' }).click();
  const card = page.locator(`section.sample`, { has: page.getByRole('heading', { name: new RegExp(`^Sample ${sample}`) }) });
  await card.getByRole('button', { name: 'Enter pathology' }).click();
  const form = page.getByRole('form', { name: `Pathology of sample ${sample}` });
  await form.getByLabel('HER2 IHC score').selectOption(values.ihc);
  // Live classification as values are typed, with the rule trail.
  await form.getByLabel('ER: % of tumour nuclei staining').pressSequentially(values.er);
  await form.getByLabel('PR: % of tumour nuclei staining').pressSequentially(values.pr);
  const live = form.locator('.live');
  await live.getByText(expectCategory, { exact: true }).waitFor();
  assert.match(await live.innerText(), /Rule trail[\s\S]*her2\.ihc\.1\+[\s\S]*ASCO\/CAP/);
  await form.getByRole('button', { name: 'Save pathology' }).click();
  await card.getByRole('button', { name: 'Sign pathology v1' }).click();
  await card.getByText('Pathology signed.').waitFor();
}

test('log in, create a patient, enter pathology, upload VCFs, see the acquired ERBB2 mutation, download the PDF', { timeout: 180_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const page = context!.pages()[0] ?? (await context!.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && !/401 \(Unauthorized\)/.test(m.text()) && consoleErrors.push(m.text()));
  page.setDefaultTimeout(30_000);
  await page.goto(url);

  // Log in with the keyboard only.
  await page.getByLabel('User name').focus();
  await page.keyboard.type('ada');
  await page.keyboard.press('Tab');
  await page.keyboard.type('e2e password 1');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Patients' }).waitFor();
  // Focus moves to the page heading (screen readers announce the new page); Tab goes on to the search box.
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Patients');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'patient-search');
  assert.equal(await page.evaluate(() => document.querySelector('a, button, input, select, textarea')?.textContent), 'Skip to content', 'the skip link comes first');

  await page.getByLabel('Patient identifier (pseudonym)').fill('E2E-PATIENT-1');
  await page.getByLabel('Synthetic (test) patient').check();
  await page.getByRole('button', { name: 'Create patient' }).click();
  await page.getByRole('heading', { level: 1, name: /E2E-PATIENT-1/ }).waitFor();

  await addSample(page, 'PRIM', 'primary', 'breast', '2016-03-02');
  await enterPathology(page, 'PRIM', { ihc: '1+', er: '95', pr: '40' }, 'HER2-low');
  await upload(page, 'PRIM', 'variants', 'a-primary.vcf', true);
  await upload(page, 'PRIM', 'regions', 'panel.bed');

  await addSample(page, 'LIV', 'metastasis', 'liver', '2019-02-01');
  await enterPathology(page, 'LIV', { ihc: '1+', er: '90', pr: '5' }, 'HER2-low');
  await upload(page, 'LIV', 'variants', 'a-liver.vcf.gz', true);
  await upload(page, 'LIV', 'regions', 'panel.bed');

  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByLabel('Drug or regimen').fill('letrozole');
  await page.getByLabel('Start date').fill('2016-04-01');
  await page.getByLabel('End date (empty = ongoing)').fill('2019-01-10');
  await page.getByLabel('Response').selectOption('progression');
  await page.getByRole('button', { name: 'Add treatment' }).click();
  await page.getByText('2016-04-01 – 2019-01-10 (progression)').waitFor();

  await page.getByRole('button', { name: 'Run analysis' }).click();
  // Results come first: the summary card shows the acquired mutation as soon as the analysis is done.
  await page.getByRole('region', { name: /^Summary analysis v1/ }).locator('li.event-acquired', { hasText: 'ERBB2 p.L755S' }).waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Findings' }).click();
  await page.getByRole('heading', { level: 2, name: /^Findings \(analysis v1/ }).waitFor();
  const acquired = page.locator('tr.origin-acquired');
  assert.equal(await acquired.count(), 1);
  assert.match(await acquired.innerText(), /ERBB2\s+p\.L755S\s+acquired \(vs PRIM\)\s+31%/);
  assert.match(await page.locator('tr.origin-pre-existing').first().innerText(), /PIK3CA\s+p\.E545K\s+pre-existing/);
  await page.getByText(/ERBB2 p\.L755S acquired: absent from PRIM/).waitFor();
  await page.getByRole('tab', { name: 'Options' }).click();
  await page.getByRole('heading', { name: 'Therapy options for LIV' }).waitFor();
  await page.getByRole('tab', { name: 'Overview' }).click();
  assert.match(await page.getByRole('img', { name: /^HER2 timeline: PRIM 2016-03-02 IHC 1\+ HER2-low/ }).getAttribute('aria-label') ?? '', /LIV 2019-02-01 IHC 1\+ HER2-low, ER positive, ERBB2 p\.L755S acquired; treatments: letrozole 2016-04-01 to 2019-01-10/);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  t.diagnostic(`screenshot: ${SCREENSHOT}`);

  await page.getByRole('tab', { name: 'Reports' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Clinician report (PDF)' }).click()]);
  assert.equal(download.suggestedFilename(), 'report.pdf');
  const pdfPath = join(dir, 'report.pdf');
  await download.saveAs(pdfPath);
  const pdf = readFileSync(pdfPath);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const text = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  if (text.status === 0) {
    assert.match(text.stdout, /E2E-PATIENT-1/);
    assert.match(text.stdout, /L755S/);
    assert.match(text.stdout, /not a medical device/i);
  } else t.diagnostic('pdftotext not available: PDF text not checked');

  // Tablet width: the page itself never scrolls sideways (wide tables scroll inside their box).
  await page.setViewportSize({ width: 768, height: 1024 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal page scroll at 768 px');
  assert.deepEqual(consoleErrors, []);
});
