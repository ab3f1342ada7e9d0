/**
 * Issue 17 "always current", every kind of input change, in chromium on a real `her2scope serve` with the bundled
 * SYNTHETIC example SYN-D: a sample edit, a treatment added, a treatment edited, a treatment entered in error, a file
 * entered in error and a new pathology version each make the finished analysis stale. After each change the editing
 * page says what changed and shows no summary, finding, option or report of the superseded run; a second user's page
 * left open on the Options tab (another browser context) stops showing those options without a reload; one click
 * re-runs, and both pages then show the new run's options again. Screenshots in packages/web/test-artifacts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { DESKTOP, login, PHONE, shoot, startHarness, type Harness } from './browser.ts';

const ADMIN = ['cur-admin', 'admin', 'current password 1'] as const;
const VIEWER = ['cur-viewer', 'viewer', 'current password 2'] as const;
let h: Harness;

before(async () => {
  h = await startHarness({ users: [[...ADMIN], [...VIEWER]], loadExamples: true });
});
after(async () => {
  await h?.close();
});

/** Open SYN-D and wait for the summary of analysis `version`. */
async function openSynD(page: Page, version: number): Promise<void> {
  await page.goto(h.url);
  await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
  await page.getByRole('link', { name: /^SYN-D/ }).click();
  await page.getByRole('heading', { level: 1, name: /^SYN-D/ }).waitFor();
  for (let i = 0; i < 120; i++) {
    if ((await page.getByRole('region', { name: new RegExp(`^Summary analysis v${version}\\b`) }).count()) > 0) return;
    await page.waitForTimeout(500);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /^SYN-D/ }).waitFor();
  }
  assert.fail(`no finished analysis v${version} for SYN-D`);
}

/** The superseded run `version` is shown nowhere as current on `page`, and the stale notice lists `change`. */
async function assertWithheld(page: Page, version: number, change: RegExp, where: string): Promise<void> {
  const stale = page.getByRole('region', { name: 'Results out of date' });
  await stale.waitFor();
  const text = await stale.innerText();
  assert.match(text, new RegExp(`Analysis v${version} .* no longer matches the records`), where);
  assert.match(text, change, `${where}: the change is named`);
  assert.equal(await page.getByRole('region', { name: /^Summary/ }).count(), 0, `${where}: no summary of the superseded run`);
  assert.equal(await page.locator('circle.ring-acquired, li.event-acquired').count(), 0, `${where}: no finding events of the superseded run`);
  for (const tab of ['Findings', 'Options', 'Reports']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByText(`The findings, options and reports of analysis v${version} are withheld`).waitFor();
    assert.equal(await page.locator('ol.options > li').count(), 0, `${where}: no option on ${tab}`);
    assert.equal(await page.getByRole('button', { name: /^Evidence for/ }).count(), 0, `${where}: no evidence button on ${tab}`);
    assert.equal(await page.getByRole('link', { name: /Clinician report|Patient summary|FHIR|Analysis \(JSON\)/ }).count(), 0, `${where}: no report on ${tab}`);
  }
}

/** The viewer's page, open on the Options tab, notices the change by itself (no reload, no click). */
async function viewerSeesStale(viewer: Page, version: number, change: RegExp, where: string): Promise<void> {
  await viewer.getByText(`The findings, options and reports of analysis v${version} are withheld`).waitFor({ timeout: 25_000 });
  assert.equal(await viewer.locator('ol.options > li').count(), 0, `${where}: the open page no longer shows the old options`);
  assert.match(await viewer.getByRole('region', { name: 'Results out of date' }).innerText(), change, `${where}: the open page names the change`);
  assert.match(await viewer.getByRole('region', { name: 'Results out of date' }).innerText(), /Ask a user who may run analyses to re-run it/);
}

async function rerun(page: Page, viewer: Page, next: number): Promise<void> {
  await page.getByRole('region', { name: 'Results out of date' }).getByRole('button', { name: 'Re-run analysis' }).click();
  await page.getByRole('region', { name: new RegExp(`^Summary analysis v${next}\\b`) }).waitFor({ timeout: 120_000 });
  assert.equal(await page.getByRole('region', { name: 'Results out of date' }).count(), 0);
  await page.getByRole('tab', { name: 'Options' }).click();
  await page.locator('ol.options > li').first().waitFor();
  // The open page picks up the new run by itself too.
  await viewer.getByRole('region', { name: new RegExp(`^Summary analysis v${next}\\b`) }).waitFor({ timeout: 25_000 });
  await viewer.locator('ol.options > li').first().waitFor();
}

const card = (page: Page, heading: RegExp): Locator => page.locator('section.sample', { has: page.getByRole('heading', { name: heading }) });

async function markEnteredInError(page: Page, scope: Locator, what: string, reason: string): Promise<void> {
  await scope.getByRole('button', { name: 'Entered in error…' }).click();
  const form = page.getByRole('form', { name: `Mark ${what} entered in error` });
  await form.getByLabel('Reason').fill(reason);
  await form.getByRole('button', { name: `Mark ${what} entered in error` }).click();
  await form.waitFor({ state: 'detached' });
}

test('always current: after every kind of input change the superseded options are withheld, on this page and on an open one', { timeout: 900_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await h.newPage(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openSynD(page, 1);
  const viewer = await h.newPage(PHONE);
  await login(viewer, h.url, VIEWER[0], VIEWER[2]);
  await openSynD(viewer, 1);
  await viewer.getByRole('tab', { name: 'Options' }).click();
  await viewer.locator('ol.options > li').first().waitFor();

  const changes: Array<{ name: string; change: RegExp; act: () => Promise<void> }> = [
    {
      name: 'sample edit',
      change: /sample D-LUNG edited/,
      act: async () => {
        await page.getByRole('tab', { name: 'Pathology' }).click();
        const lung = card(page, /^Sample D-LUNG/);
        await lung.getByRole('button', { name: 'Edit sample' }).click();
        const form = page.getByRole('form', { name: 'Edit sample D-LUNG' });
        await form.getByLabel('Collection date').fill('2018-10-08');
        await form.getByRole('button', { name: 'Save sample' }).click();
        await page.getByRole('heading', { name: /^Sample D-LUNG \(metastasis, lung, 2018-10-08\)/ }).waitFor();
      },
    },
    {
      name: 'treatment added',
      change: /treatment fulvestrant from 2018-11-01 added/,
      act: async () => {
        await page.getByRole('tab', { name: 'Overview' }).click();
        await page.getByLabel('Drug or regimen').fill('fulvestrant');
        await page.getByLabel('Start date').fill('2018-11-01');
        await page.getByRole('button', { name: 'Add treatment' }).click();
        await page.getByRole('region', { name: 'Treatments' }).getByText('fulvestrant 2018-11-01 – ongoing').waitFor();
      },
    },
    {
      name: 'treatment edit',
      change: /treatment fulvestrant from 2018-11-01 edited/,
      act: async () => {
        await page.getByRole('tab', { name: 'Overview' }).click();
        const item = page.getByRole('region', { name: 'Treatments' }).locator('li', { hasText: 'fulvestrant' });
        await item.getByRole('button', { name: 'Edit', exact: true }).click();
        const form = page.getByRole('form', { name: 'Edit treatment fulvestrant' });
        await form.getByLabel('End date (empty = ongoing)').fill('2019-06-30');
        await form.getByRole('button', { name: 'Save treatment' }).click();
        await page.getByRole('region', { name: 'Treatments' }).getByText('fulvestrant 2018-11-01 – 2019-06-30').waitFor();
      },
    },
    {
      name: 'treatment entered in error',
      change: /treatment fulvestrant from 2018-11-01 entered in error/,
      act: async () => {
        await page.getByRole('tab', { name: 'Overview' }).click();
        const item = page.getByRole('region', { name: 'Treatments' }).locator('li', { hasText: 'fulvestrant' });
        await markEnteredInError(page, item, 'treatment fulvestrant', 'recorded for the wrong patient');
        await item.waitFor({ state: 'detached' });
      },
    },
    {
      name: 'file entered in error',
      change: /sample D-PRIMARY: a file the analysis used was replaced or entered in error/,
      act: async () => {
        await page.getByRole('tab', { name: 'Files' }).click();
        const item = card(page, /^Files of sample D-PRIMARY/).locator('li', { hasText: 'panel.bed' });
        await markEnteredInError(page, item, 'file panel.bed', 'the wrong capture panel');
        await item.waitFor({ state: 'detached' });
      },
    },
    {
      name: 'pathology new version',
      change: /sample D-LUNG: pathology version 2 \(the analysis used version 1\)/,
      act: async () => {
        await page.getByRole('tab', { name: 'Pathology' }).click();
        const lung = card(page, /^Sample D-LUNG/);
        await lung.getByRole('button', { name: 'Edit pathology' }).click();
        const form = page.getByRole('form', { name: 'Pathology of sample D-LUNG' });
        await form.getByLabel('HER2 IHC score').selectOption('1+');
        await form.locator('.live').getByText('HER2-low', { exact: true }).waitFor();
        await form.getByRole('button', { name: 'Save pathology' }).click();
        await lung.getByText('Pathology saved (new version).').waitFor();
      },
    },
  ];

  let version = 1;
  for (const c of changes) {
    await c.act();
    await assertWithheld(page, version, c.change, c.name);
    await viewerSeesStale(viewer, version, c.change, `${c.name} (open page)`);
    if (c.name === 'treatment added') {
      await shoot(page, 'current-stale-1440x900');
      await shoot(viewer, 'current-stale-390x844');
    }
    version += 1;
    await rerun(page, viewer, version);
  }
  // The last run used the IHC 1+ lung metastasis: HER2-low in the summary.
  assert.match(await page.getByRole('region', { name: /^Summary analysis v7/ }).getByRole('row', { name: /D-LUNG/ }).innerText(), /HER2-low\s+IHC 1\+/);
  await viewer.close();
  await page.close();
});
