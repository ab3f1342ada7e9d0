/**
 * Tumour-board view in chromium (issue 17): the bundled SYNTHETIC examples loaded into a real `her2scope serve`,
 * driven by playwright-core at 1440x900 and 390x844. Checks: SYN-A's first screen shows the acquired ERBB2 L755S and
 * the top option without scrolling; the evidence drawer links citations; the timeline marks the variant events and
 * IHC scores without overlapping labels and with text >= 12 px on a phone; no horizontal page overflow at 390 px;
 * focus moves to the page heading on navigation; landmarks on every page; field errors next to the field with human
 * names; axe-core finds no violation on any page or HTML report; every page (login, patients, patient, cohorts,
 * accounts, account) without sideways scroll at 390 px; SYN-A's phone first screen; patient edit with a checked birth
 * year, sample and patient entered in error, audited. Screenshots: packages/web/test-artifacts/screenshots.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, DESKTOP, login, pageScrollWidth, PHONE, shoot, startHarness, type Harness } from './browser.ts';

const ADMIN = ['board-admin', 'admin', 'board password 1'] as const;
let h: Harness;

before(async () => {
  h = await startHarness({ users: [[...ADMIN]], loadExamples: true });
});
after(async () => {
  await h?.close();
});

const newPage = (): Promise<Page> => h.newPage();

/** Open an example patient from the list and wait until its analysis is shown. */
async function openPatient(page: Page, label: RegExp): Promise<void> {
  await page.goto(h.url);
  await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
  await page.getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
  // The examples are analysed when the server loads them; reload until the summary shows a finished analysis.
  for (let i = 0; i < 120; i++) {
    if ((await page.locator('#summary-h .sub').count()) > 0) return;
    await page.waitForTimeout(500);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
  }
  assert.fail(`no finished analysis for ${String(label)}`);
}

async function inViewport(page: Page, locator: ReturnType<Page['locator']>): Promise<boolean> {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  const scrollY = await page.evaluate(() => window.scrollY);
  return !!box && !!vp && scrollY === 0 && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

test('SYN-A first screen at 1440x900: acquired ERBB2 L755S and the top option visible without scrolling; focus on the heading', { timeout: 180_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  await page.setViewportSize(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openPatient(page, /^SYN-A/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'patient-h', 'focus on the page heading after navigation');
  await page.evaluate(() => window.scrollTo(0, 0));
  const summary = page.getByRole('region', { name: /^Summary/ });
  const acquired = summary.locator('li.event-acquired', { hasText: 'ERBB2 p.L755S' });
  assert.equal(await acquired.count(), 1);
  assert.match(await acquired.innerText(), /acquired\s+ERBB2 p\.L755S VAF 31% in A-LIVER \(vs A-PRIMARY\) · after letrozole, 33 months/);
  const top = summary.locator('.top-options > li').first();
  assert.match(await top.innerText(), /^A\s+inavolisib \+ palbociclib \+ fulvestrant/);
  assert.ok(await inViewport(page, acquired), 'the acquired ERBB2 L755S is on the first screen');
  assert.ok(await inViewport(page, top), 'the top option is on the first screen');
  assert.equal(await summary.locator('.top-options > li').count(), 3);
  // Receptors per sample with the IHC score the classification used.
  assert.match(await summary.getByRole('row', { name: /A-LIVER/ }).innerText(), /HER2-low\s+IHC 1\+\s+positive \(90%\)\s+positive \(5%\)/);
  assert.match(await summary.locator('#summary-h').innerText(), /analysis v1 · \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC · KB /);
  await shoot(page, 'syn-a-1440x900');
  await shoot(page, 'syn-a-1440x900-full', true);
  await page.close();
});

test('evidence drawer: levels and linked citations (PubMed, current CIViC, FDA label), Escape returns focus', { timeout: 120_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  await page.setViewportSize(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openPatient(page, /^SYN-A/);
  const opener = page.getByRole('button', { name: 'Evidence for ERBB2 p.L755S' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Evidence: ERBB2 p.L755S in A-LIVER' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'drawer-h');
  const text = await dialog.innerText();
  assert.match(text, /acquired \(vs A-PRIMARY\)/);
  assert.match(text, /neratinib \(sensitivity, level B\)/);
  const hrefs = await dialog.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  assert.ok(hrefs.includes('https://civicdb.org/evidence/5338/summary'), `current CIViC address in ${hrefs.join(' ')}`);
  assert.ok(hrefs.includes('https://pubmed.ncbi.nlm.nih.gov/23220880/'));
  assert.ok(hrefs.every((x) => x.startsWith('https://')), 'only https links');
  assert.ok(!hrefs.some((x) => x.includes('civic.genome.wustl.edu')), 'no retired CIViC address');
  await assertAccessible(page, 'the finding evidence drawer');
  await shoot(page, 'drawer-finding-1440x900');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Evidence for ERBB2 p.L755S', 'focus back on the opener');

  await page.getByRole('button', { name: 'Evidence for inavolisib + palbociclib + fulvestrant' }).first().click();
  const opt = page.getByRole('dialog', { name: 'Evidence: inavolisib + palbociclib + fulvestrant' });
  await opt.waitFor();
  assert.match(await opt.innerText(), /Level\s+A/);
  const optHrefs = await opt.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  assert.ok(optHrefs.includes('https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Itovebi'), `FDA label link in ${optHrefs.join(' ')}`);
  await opt.getByRole('button', { name: 'Close' }).click();
  await opt.waitFor({ state: 'detached' });
  await page.close();
});

test('tabs, landmarks and axe-core on every page and HTML report (desktop and phone)', { timeout: 300_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  await page.setViewportSize(DESKTOP);
  await page.goto(h.url);
  await page.getByLabel('User name').waitFor();
  await assertAccessible(page, 'the login page');
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  const landmarks = async (where: string) => {
    for (const role of ['banner', 'navigation', 'main', 'contentinfo'] as const) assert.equal(await page.getByRole(role, { name: role === 'navigation' ? 'Main' : undefined }).count(), 1, `${role} landmark on ${where}`);
  };
  await landmarks('the patient list');
  await assertAccessible(page, 'the patient list');
  for (const [name, heading] of [
    ['Accounts & audit', 'Accounts and audit log'],
    ['Account', 'Your account'],
  ] as const) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.waitForFunction((hd) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === hd, heading);
    await landmarks(heading);
    await assertAccessible(page, heading);
  }
  for (const [label, viewport] of [
    [/^SYN-A/, DESKTOP],
    [/^SYN-C/, PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await openPatient(page, label);
    await landmarks(String(label));
    const size = `${viewport.width}x${viewport.height}`;
    for (const tab of ['Overview', 'Pathology', 'Files', 'Findings', 'Options', 'Reports']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel', { name: tab }).waitFor();
      await assertAccessible(page, `${String(label)} ${tab} at ${size}`);
      const w = await pageScrollWidth(page);
      assert.ok(w.scrollWidth <= w.innerWidth, `${tab} at ${size}: the page scrolls sideways (${w.scrollWidth} > ${w.innerWidth})`);
      await shoot(page, `${String(label).replace(/\W/g, '').toLowerCase()}-${tab.toLowerCase()}-${size}`, true);
    }
  }
  // Keyboard: arrow keys move between tabs.
  await page.getByRole('tab', { name: 'Reports' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Overview');
  assert.equal(await page.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected'), 'true');

  // The HTML reports (clinician report and patient summary) of SYN-A (variants) and SYN-C (cytometry).
  await page.setViewportSize(DESKTOP);
  for (const label of [/^SYN-A/, /^SYN-C/]) {
    await openPatient(page, label);
    await page.getByRole('tab', { name: 'Reports' }).click();
    for (const name of ['Clinician report (HTML)', 'Patient summary (HTML)']) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      assert.ok(href);
      const report = await page.context().newPage(); // same session
      await report.goto(new URL(href, h.url).href);
      await assertAccessible(report, `${name} of ${String(label)}`);
      await shoot(report, `report-${String(label).replace(/\W/g, '').toLowerCase()}-${name.split(' ')[0]?.toLowerCase() ?? 'x'}-1440x900`, true);
      await report.close();
    }
  }
  await page.close();
});

test('phone 390x844: timeline marks the acquired variant and IHC scores, labels do not overlap, text >= 12 px, no sideways scroll', { timeout: 120_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  await page.setViewportSize(PHONE);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openPatient(page, /^SYN-A/);
  const svg = page.getByRole('img', { name: /^HER2 timeline/ });
  assert.match((await svg.getAttribute('aria-label')) ?? '', /A-LIVER 2019-02-01 IHC 1\+ HER2-low, ER positive, ERBB2 p\.L755S acquired/);
  const texts = await svg.locator('text').evaluateAll((els) =>
    els.map((el) => {
      const svgEl = (el as SVGTextElement).ownerSVGElement;
      const scale = svgEl?.getScreenCTM()?.a ?? 1;
      const r = el.getBoundingClientRect();
      return { text: el.textContent ?? '', px: parseFloat(getComputedStyle(el).fontSize) * scale, box: { x: r.x, y: r.y, w: r.width, h: r.height } };
    }),
  );
  assert.ok(texts.length > 5);
  for (const x of texts) assert.ok(Math.round(x.px * 10) / 10 >= 12, `timeline text "${x.text}" is ${x.px.toFixed(1)} px`);
  assert.ok(texts.some((x) => /▲ acquired ERBB2 p\.L755S/.test(x.text)));
  assert.ok(texts.some((x) => /IHC 1\+ · HER2-low/.test(x.text)));
  // No two label texts overlap.
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i]!.box;
      const b = texts[j]!.box;
      const overlap = a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
      assert.ok(!overlap, `timeline texts overlap: "${texts[i]!.text}" and "${texts[j]!.text}"`);
    }
  const svgBox = await svg.boundingBox();
  assert.ok(svgBox && svgBox.x + svgBox.width <= PHONE.width, 'the timeline fits the phone width');
  const w = await pageScrollWidth(page);
  assert.ok(w.scrollWidth <= w.innerWidth, `page scrolls sideways at 390 px (${w.scrollWidth})`);
  await shoot(page, 'syn-a-390x844');
  await shoot(page, 'syn-a-390x844-full', true);
  await page.close();
});

test('field errors next to the field with human names: a future sample date, a treatment ending before it starts', { timeout: 120_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  await page.setViewportSize(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await page.getByLabel('Patient identifier (pseudonym)').fill('E2E-BIRTH');
  await page.getByLabel('Birth year').fill('2031');
  await page.getByRole('button', { name: 'Create patient' }).click();
  await page.locator('#np-year-error').getByText(/^Birth year must be a year from 1900 to \d{4}$/).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'np-year', 'focus on the field in error');
  assert.equal(await page.getByRole('link', { name: 'E2E-BIRTH' }).count(), 0, 'not created');
  await openPatient(page, /^SYN-B/);
  await page.getByRole('tab', { name: 'Pathology' }).click();
  await page.getByLabel('Sample id').fill('FUTURE');
  await page.getByLabel('Collection date').fill('2031-05-01');
  await page.getByRole('button', { name: 'Add sample' }).click();
  const collected = page.getByLabel('Collection date');
  await page.waitForFunction(() => document.activeElement?.id === 'as-date');
  assert.equal(await collected.getAttribute('aria-invalid'), 'true');
  const msg = await page.locator('#as-date-error').innerText();
  assert.match(msg, /^Collection date 2031-05-01 is after today \(\d{4}-\d{2}-\d{2}\)$/);
  assert.equal(await collected.evaluate((el) => el.getAttribute('aria-describedby')), 'as-date-error');
  await page.getByLabel('Collection date').fill('1950-05-01');
  await page.getByRole('button', { name: 'Add sample' }).click();
  await page.getByText(/^Collection date 1950-05-01 is before the birth year 1958$/).waitFor();
  await assertAccessible(page, 'the sample form with an error');

  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByLabel('Drug or regimen').fill('trastuzumab');
  await page.getByLabel('Start date').fill('2020-05-01');
  await page.getByLabel('End date (empty = ongoing)').fill('2020-01-01');
  await page.getByRole('button', { name: 'Add treatment' }).click();
  await page.locator('#tr-end-error').getByText('End date 2020-01-01 is before the start date 2020-05-01').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tr-end');
  assert.doesNotMatch(await page.locator('main').innerText(), /body\./, 'no internal field path shown');
  await shoot(page, 'field-errors-1440x900');
  await page.close();
});

test('every page at 390x844 and 1440x900: no sideways scroll, focus on the page heading after each navigation, landmarks', { timeout: 240_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  const noSideways = async (where: string) => {
    const w = await pageScrollWidth(page);
    assert.ok(w.scrollWidth <= w.innerWidth, `${where}: the page scrolls sideways (${w.scrollWidth} > ${w.innerWidth})`);
  };
  const focusedHeading = (heading: string) => page.waitForFunction((hd) => document.activeElement?.tagName === 'H1' && (document.activeElement.textContent ?? '').startsWith(hd), heading);
  for (const viewport of [PHONE, DESKTOP]) {
    const size = `${viewport.width}x${viewport.height}`;
    await page.setViewportSize(viewport);
    await page.goto(h.url);
    await page.getByLabel('User name').waitFor();
    await noSideways(`the login page at ${size}`);
    await shoot(page, `login-${size}`);
    await login(page, h.url, ADMIN[0], ADMIN[2]);
    await focusedHeading('Patients');
    await noSideways(`the patient list at ${size}`);
    await shoot(page, `patients-${size}`, true);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const [name, heading, shot] of [
      ['Cohorts', 'Cohorts', 'cohorts-empty'],
      ['Accounts & audit', 'Accounts and audit log', 'admin'],
      ['Account', 'Your account', 'account'],
      ['Patients', 'Patients', 'patients-again'],
    ] as const) {
      await nav.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await focusedHeading(heading);
      for (const role of ['banner', 'main', 'contentinfo'] as const) assert.equal(await page.getByRole(role).count(), 1, `${role} landmark on ${heading}`);
      await noSideways(`${heading} at ${size}`);
      await shoot(page, `${shot}-${size}`, true);
    }
    // A patient page opened from the list: focus on its heading too.
    await page.getByRole('link', { name: /^SYN-B/ }).click();
    await page.getByRole('heading', { level: 1, name: /^SYN-B/ }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'patient-h');
    await noSideways(`SYN-B at ${size}`);
    await page.context().clearCookies();
  }
  await page.close();
});

test('SYN-A first screen at 390x844: the summary starts on the first screen with the acquired ERBB2 L755S', { timeout: 120_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  await page.setViewportSize(PHONE);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openPatient(page, /^SYN-A/);
  await page.evaluate(() => window.scrollTo(0, 0));
  const summary = page.getByRole('region', { name: /^Summary/ });
  const acquired = summary.locator('li.event-acquired', { hasText: 'ERBB2 p.L755S' });
  assert.ok(await inViewport(page, acquired), 'the acquired ERBB2 L755S is on the first phone screen');
  // The top option follows directly (the summary comes before any data-entry form).
  const top = summary.locator('.top-options > li').first();
  assert.match(await top.innerText(), /^A\s+inavolisib \+ palbociclib \+ fulvestrant/);
  const [topBox, tabsBox] = await Promise.all([top.boundingBox(), page.getByRole('tablist').boundingBox()]);
  assert.ok(topBox && tabsBox && topBox.y < tabsBox.y, 'the top option is above the tabs and their forms');
  await shoot(page, 'syn-a-first-screen-390x844');
  await page.close();
});

test('correctable records in the app: patient edit with a checked birth year, sample and patient entered in error, audited', { timeout: 180_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await newPage();
  await page.setViewportSize(DESKTOP);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await page.getByLabel('Patient identifier (pseudonym)').fill('E2E-CORR');
  await page.getByLabel('Birth year').fill('1970');
  await page.getByRole('button', { name: 'Create patient' }).click();
  await page.getByRole('heading', { level: 1, name: /^E2E-CORR/ }).waitFor();
  await page.getByRole('tab', { name: 'Pathology' }).click();
  await page.getByLabel('Sample id').fill('CORR-1');
  await page.getByLabel('Collection date').fill('1985-03-01');
  await page.getByRole('button', { name: 'Add sample' }).click();
  await page.getByRole('heading', { name: /^Sample CORR-1/ }).waitFor();

  // A birth year after a recorded date: the message is next to the field, with its human name.
  await page.locator('.record-actions').first().getByRole('button', { name: 'Edit patient' }).click();
  const edit = page.getByRole('form', { name: 'Edit patient' });
  await edit.getByLabel('Birth year').fill('1990');
  await edit.getByRole('button', { name: 'Save patient' }).click();
  assert.equal(await page.locator('#ep-year-error').innerText(), 'Birth year 1990 is after a recorded date (1985-03-01)');
  assert.equal(await edit.getByLabel('Birth year').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'ep-year', 'focus on the field in error');
  await assertAccessible(page, 'the patient edit form with an error');
  await edit.getByLabel('Birth year').fill('1969');
  await edit.getByLabel('Label (pseudonym)').fill('E2E-CORR2');
  await edit.getByRole('button', { name: 'Save patient' }).click();
  await page.getByRole('heading', { level: 1, name: /^E2E-CORR2/ }).waitFor();
  assert.match(await page.locator('p.meta').innerText(), /born 1969 · 1 sample · 0 treatments/);

  // The sample entered in error, with a reason: gone from the record.
  const sample = page.locator('section.sample', { has: page.getByRole('heading', { name: /^Sample CORR-1/ }) });
  await sample.getByRole('button', { name: 'Entered in error…' }).click();
  const reason = page.getByRole('form', { name: 'Mark sample CORR-1 entered in error' });
  await reason.getByLabel('Reason').fill('sample belongs to another patient');
  await reason.getByRole('button', { name: 'Mark sample CORR-1 entered in error' }).click();
  await sample.waitFor({ state: 'detached' });
  assert.match(await page.locator('p.meta').innerText(), /0 samples/);

  // The patient entered in error: back to the list, where it is no longer listed.
  await page.locator('.record-actions').first().getByRole('button', { name: 'Entered in error…' }).click();
  const pr = page.getByRole('form', { name: 'Mark this patient entered in error' });
  await pr.getByLabel('Reason').fill('duplicate registration');
  await pr.getByRole('button', { name: 'Mark this patient entered in error' }).click();
  await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
  await page.getByRole('link', { name: /^SYN-A/ }).waitFor();
  assert.equal(await page.getByRole('link', { name: /^E2E-CORR/ }).count(), 0, 'the patient entered in error is not listed');

  // Every correction is in the audit log (ids only, never the label or the reason).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts & audit' }).click();
  const audit = page.getByRole('region', { name: 'Audit log', exact: true });
  await audit.getByRole('row', { name: /patient\.entered-in-error/ }).waitFor();
  const log = await audit.innerText();
  for (const action of ['patient.edit', 'sample.entered-in-error', 'patient.entered-in-error']) assert.match(log, new RegExp(`${ADMIN[0]}\\s+${action.replace('.', '\\.')}`), action);
  assert.doesNotMatch(log, /E2E-CORR|duplicate registration|another patient/, 'no patient data or reasons in the audit log');
  await page.close();
});
