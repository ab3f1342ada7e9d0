/**
 * Issue 17 scenarios that change records, in chromium on a real `her2scope serve` with the bundled SYNTHETIC examples:
 * a re-entered pathology makes the analysis stale (its options are withheld, one click re-runs it); records are
 * edited and marked entered in error with a reason (shown struck through on request); cohorts are imported by an
 * administrator only, queried for prevalence with CIs, compared between two groups and drawn as oncoprint and
 * lollipop. axe-core on each state; screenshots at 1440x900 and 390x844 in packages/web/test-artifacts/screenshots.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, DESKTOP, login, pageScrollWidth, PHONE, repoRoot, shoot, startHarness, type Harness } from './browser.ts';

const ADMIN = ['rec-admin', 'admin', 'records password 1'] as const;
const VIEWER = ['rec-viewer', 'viewer', 'records password 2'] as const;
let h: Harness;

before(async () => {
  h = await startHarness({ users: [[...ADMIN], [...VIEWER]], loadExamples: true });
});
after(async () => {
  await h?.close();
});

async function openPatient(page: Page, label: RegExp, summary: RegExp = /^Summary analysis v1/): Promise<void> {
  await page.goto(h.url);
  await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
  await page.getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
  for (let i = 0; i < 120; i++) {
    if ((await page.getByRole('region', { name: summary }).count()) > 0) return;
    await page.waitForTimeout(500);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
  }
  assert.fail(`no finished analysis for ${String(label)}`);
}

test('always current: re-entered pathology makes the analysis stale, its options are withheld, one click re-runs it', { timeout: 240_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await h.newPage(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openPatient(page, /^SYN-D/);
  await page.getByRole('tab', { name: 'Options' }).click();
  assert.ok((await page.locator('ol.options > li').count()) > 0, 'options shown while current');

  // The lung metastasis is re-entered as HER2 IHC 3+ (a new pathology version).
  await page.getByRole('tab', { name: 'Pathology' }).click();
  const card = page.locator('section.sample', { has: page.getByRole('heading', { name: /^Sample D-LUNG/ }) });
  await card.getByRole('button', { name: 'Edit pathology' }).click();
  const form = page.getByRole('form', { name: 'Pathology of sample D-LUNG' });
  await form.getByLabel('HER2 IHC score').selectOption('3+');
  await form.locator('.live').getByText('HER2-positive', { exact: true }).waitFor();
  await form.getByRole('button', { name: 'Save pathology' }).click();

  const stale = page.getByRole('region', { name: 'Results out of date' });
  await stale.waitFor();
  assert.match(await stale.innerText(), /Analysis v1 .* no longer matches the records[\s\S]*sample D-LUNG: pathology version 2 \(the analysis used version 1\)/);
  assert.equal(await page.getByRole('region', { name: /^Summary/ }).count(), 0, 'no summary of the superseded analysis');
  for (const tab of ['Findings', 'Options', 'Reports']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByText(/The findings, options and reports of analysis v1 are withheld/).waitFor();
  }
  assert.equal(await page.locator('ol.options > li').count(), 0, 'no option of the superseded analysis is shown');
  assert.equal(await page.getByRole('link', { name: /Clinician report/ }).count(), 0, 'no report of the superseded analysis');
  await assertAccessible(page, 'the stale patient page');
  await shoot(page, 'stale-1440x900');
  await page.setViewportSize(PHONE);
  await shoot(page, 'stale-390x844');
  await page.setViewportSize(DESKTOP);

  await stale.getByRole('button', { name: 'Re-run analysis' }).click();
  const summary = page.getByRole('region', { name: /^Summary analysis v2/ });
  await summary.waitFor({ timeout: 90_000 });
  assert.match(await summary.getByRole('row', { name: /D-LUNG/ }).innerText(), /HER2-positive\s+IHC 3\+/);
  assert.equal(await page.getByRole('region', { name: 'Results out of date' }).count(), 0);
  await page.getByRole('tab', { name: 'Options' }).click();
  assert.ok((await page.locator('ol.options > li').count()) > 0, 'the new analysis shows options');
  await page.close();
});

test('correctable records: edit a treatment (checked dates), mark a file and a treatment entered in error with a reason, shown struck through', { timeout: 180_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await h.newPage(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openPatient(page, /^SYN-C/);
  const treatments = page.getByRole('region', { name: 'Treatments' });
  await treatments.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = page.getByRole('form', { name: 'Edit treatment tamoxifen' });
  await edit.getByLabel('End date (empty = ongoing)').fill('2016-01-01');
  await edit.getByRole('button', { name: 'Save treatment' }).click();
  await edit.getByText('End date 2016-01-01 is before the start date 2017-07-01').waitFor();
  assert.equal(await edit.getByLabel('End date (empty = ongoing)').getAttribute('aria-invalid'), 'true');
  await edit.getByLabel('End date (empty = ongoing)').fill('2020-11-15');
  await edit.getByRole('button', { name: 'Save treatment' }).click();
  await treatments.getByText('tamoxifen 2017-07-01 – 2020-11-15 (progression)').waitFor();
  // The analysis used the old dates: the page says so.
  await page.getByRole('region', { name: 'Results out of date' }).getByText('treatment tamoxifen', { exact: false }).first().waitFor();
  // The setting and the metastatic line, as a case file states them (migration 0008): the line is checked beside its field.
  await treatments.getByRole('button', { name: 'Edit', exact: true }).click();
  const lineLabel = 'Metastatic line (empty = counted from the dates)';
  await edit.getByLabel('Setting', { exact: true }).selectOption('metastatic');
  await edit.getByLabel(lineLabel).fill('0');
  await edit.getByRole('button', { name: 'Save treatment' }).click();
  await edit.getByText('Line of therapy must be a whole number >= 1').waitFor();
  assert.equal(await edit.getByLabel(lineLabel).getAttribute('aria-invalid'), 'true');
  await edit.getByLabel(lineLabel).fill('2');
  await edit.getByRole('button', { name: 'Save treatment' }).click();
  await treatments.getByText('tamoxifen 2017-07-01 – 2020-11-15 (progression) · metastatic · line 2').waitFor();

  // A file entered in error, with a reason.
  await page.getByRole('tab', { name: 'Files' }).click();
  const files = page.locator('section.sample', { has: page.getByRole('heading', { name: /^Files of sample C-PRIMARY/ }) });
  const panelFile = files.locator('li', { hasText: 'c-cells.panel.yml' });
  await panelFile.getByRole('button', { name: 'Entered in error…' }).click();
  const reasonForm = page.getByRole('form', { name: 'Mark file c-cells.panel.yml entered in error' });
  await reasonForm.getByRole('button', { name: 'Mark file c-cells.panel.yml entered in error' }).click();
  await reasonForm.getByText('Reason: give a reason of 3 to 1000 characters').waitFor();
  await reasonForm.getByLabel('Reason').fill('uploaded to the wrong sample <b>x</b>');
  await reasonForm.getByRole('button', { name: 'Mark file c-cells.panel.yml entered in error' }).click();
  await files.locator('li', { hasText: 'c-cells.panel.yml' }).waitFor({ state: 'detached' });

  // Shown struck through with the reason (as text, never as HTML) when asked.
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByLabel('Show records entered in error (struck through)').check();
  await page.getByRole('tab', { name: 'Files' }).click();
  const struck = files.locator('li.eie', { hasText: 'c-cells.panel.yml' });
  await struck.waitFor();
  assert.equal(await struck.locator('del').innerText(), 'c-cells.panel.yml');
  assert.match(await struck.innerText(), /entered in error: uploaded to the wrong sample <b>x<\/b>/);
  assert.equal(await struck.locator('b').count(), 0, 'the reason is text');
  await assertAccessible(page, 'records entered in error');
  await shoot(page, 'entered-in-error-1440x900', true);
  await page.close();

  // A viewer sees no correction controls.
  const viewer = await h.newPage(DESKTOP);
  await login(viewer, h.url, VIEWER[0], VIEWER[2]);
  await viewer.getByRole('link', { name: /^SYN-C/ }).click();
  await viewer.getByRole('heading', { level: 1, name: /^SYN-C/ }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: /^Edit|Entered in error/ }).count(), 0);
  await viewer.close();
});

test('cohorts in the app: import is admin-only; prevalence with CIs, two-group comparison, oncoprint and lollipop', { timeout: 180_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const viewer = await h.newPage(DESKTOP);
  await login(viewer, h.url, VIEWER[0], VIEWER[2]);
  await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cohorts' }).click();
  await viewer.getByRole('heading', { level: 1, name: 'Cohorts' }).waitFor();
  await viewer.getByText('No study imported yet.').waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Import study' }).count(), 0, 'no import form for a viewer');
  await viewer.close();

  const page = await h.newPage(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cohorts' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cohorts' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cohorts', 'focus on the heading');
  await page.getByLabel('Study folder').setInputFiles(join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'cbioportal', 'synthetic_her2'));
  await page.getByRole('button', { name: 'Import study' }).click();
  await page.getByText('Imported synthetic_her2.').waitFor({ timeout: 60_000 });
  await page.getByText(/^synthetic_her2 — /).waitFor();

  const prev = page.getByRole('form', { name: 'Prevalence query' });
  await prev.getByLabel('Gene').fill('ERBB2');
  await prev.getByLabel('Group by (optional)').fill('her2');
  await prev.getByRole('button', { name: 'Show prevalence' }).click();
  const table = page.getByRole('region', { name: 'Prevalence table' });
  await table.waitFor();
  assert.match(await table.getByRole('row', { name: /^All/ }).innerText(), /All\s+19 \/ 27\s+70\.4% \(95% CI 51\.5%–84\.1%\)/);
  assert.match(await table.getByRole('row', { name: /^HER2-positive/ }).innerText(), /2 \/ 3\s+66\.7% \(95% CI 20\.8%–93\.9%\)/);

  const cmp = page.getByRole('form', { name: 'Two-group comparison' });
  await cmp.getByLabel('Group A (values, comma-separated)').fill('Primary');
  await cmp.getByLabel('Group B (values, comma-separated)').fill('Recurrence');
  await cmp.getByRole('button', { name: 'Compare' }).click();
  const res = page.locator('dl.comparison');
  await res.waitFor();
  const text = await res.innerText();
  assert.match(text, /8 \/ 14: 57\.1% \(95% CI 32\.6%–78\.6%\)/);
  assert.match(text, /11 \/ 13: 84\.6% \(95% CI 57\.8%–95\.7%\)/);
  assert.match(text, /0\.256 \(exact 95% CI 0\.0202 to 1\.93/);
  assert.match(text, /p = 0\.2087/);
  // An unknown group is an error next to its field, in human words.
  await cmp.getByLabel('Group B (values, comma-separated)').fill('');
  await cmp.getByRole('button', { name: 'Compare' }).click();
  await cmp.getByText('Group B: give at least one group value').waitFor();

  // A gene the study has no data for: the server's message next to the field.
  const plots = page.getByRole('form', { name: 'Plots' });
  await plots.getByLabel('Oncoprint genes (comma-separated)').fill('ERBB2,NOTAGENE');
  await plots.getByRole('button', { name: 'Draw' }).click();
  await page.locator('#pl-genes-error').waitFor();
  assert.equal(await plots.getByLabel('Oncoprint genes (comma-separated)').getAttribute('aria-invalid'), 'true');
  assert.doesNotMatch(await page.locator('#pl-genes-error').innerText(), /query\.|body\./);
  await plots.getByLabel('Oncoprint genes (comma-separated)').fill('ERBB2,PIK3CA');
  await plots.getByRole('button', { name: 'Draw' }).click();
  for (const name of [/^Oncoprint of ERBB2,PIK3CA/, /^Lollipop of ERBB2/]) {
    const img = page.getByRole('img', { name });
    await img.waitFor();
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle());
  }
  await assertAccessible(page, 'the cohort page with results');
  await shoot(page, 'cohorts-1440x900', true);
  await page.setViewportSize(PHONE);
  const w = await pageScrollWidth(page);
  assert.ok(w.scrollWidth <= w.innerWidth, `cohort page scrolls sideways at 390 px (${w.scrollWidth})`);
  await assertAccessible(page, 'the cohort page at 390 px');
  await shoot(page, 'cohorts-390x844', true);
  await page.close();
});
