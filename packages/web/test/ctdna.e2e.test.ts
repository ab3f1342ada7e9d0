/**
 * Issue 16 in chromium on a real `her2scope serve` with the bundled SYNTHETIC examples (SYN-E: a primary with reads,
 * three plasma draws, a liver metastasis with NGS copy number): the copy-number track on the timeline at 390 px
 * (ERBB2 amplified, no text over text, nothing wider than the screen), the reads / index pairing shown with the
 * files, and the sample form with plasma (site optional), purity and ctDNA tumour fraction, errors beside the field.
 * axe-core on each state.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, login, pageScrollWidth, PHONE, shoot, startHarness, type Harness } from './browser.ts';

const ADMIN = ['ctdna-admin', 'admin', 'ctdna password 1'] as const;
let h: Harness;

before(async () => {
  h = await startHarness({ users: [[...ADMIN]], loadExamples: true });
});
after(async () => {
  await h?.close();
});

async function openPatient(page: Page, label: RegExp): Promise<void> {
  await page.goto(h.url);
  await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
  await page.getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
  for (let i = 0; i < 160; i++) {
    if ((await page.getByRole('region', { name: /^Summary analysis v1/ }).count()) > 0) return;
    await page.waitForTimeout(500);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
  }
  assert.fail(`no finished analysis for ${String(label)}`);
}

test('SYN-E at 390 px: copy-number track on the timeline, reads pairing with the files, plasma sample form with field errors; no axe violations', { timeout: 300_000 }, async (t) => {
  if (h.skip) return t.skip(h.skip);
  const page = await h.newPage(PHONE);
  await login(page, h.url, ADMIN[0], ADMIN[2]);
  await openPatient(page, /^SYN-E/);

  // The timeline's copy-number track: the liver metastasis, ERBB2 amplified by sequencing.
  const svg = page.locator('svg.timeline');
  await svg.waitFor();
  const cn = svg.locator('g.tl-cn');
  assert.equal(await cn.locator('text.tl-cn-title').textContent(), 'Copy number (sequencing)');
  assert.match((await cn.locator('tspan').allTextContents()).join(' | '), /^E-LIVER \| ERBB2 amplified \(CN 13\.3\)$/);
  assert.match((await svg.getAttribute('aria-label')) ?? '', /copy number by sequencing: E-LIVER ERBB2 amplification \(copy number 13\.3\)/);
  // Text boxes as drawn: none overlaps another, all inside the screen.
  const rects = await svg.locator('rect.tl-box').evaluateAll((els) => els.map((e) => (e as unknown as { getBoundingClientRect(): { x: number; y: number; width: number; height: number } }).getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i]!;
    const b = rects[j]!;
    assert.ok(!(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h), `timeline boxes ${i} and ${j} overlap`);
  }
  const { scrollWidth, innerWidth } = await pageScrollWidth(page);
  assert.ok(scrollWidth <= innerWidth, `no horizontal scroll at 390 px (${scrollWidth} > ${innerWidth})`);
  await assertAccessible(page, 'SYN-E overview with the copy-number track');
  await shoot(page, 'ctdna-timeline-390x844', true);

  // Files: the primary's BAM with its index (stored apart, paired); the upload form offers the new kinds.
  await page.getByRole('tab', { name: 'Files' }).click();
  const form = page.getByRole('form', { name: 'Upload a file for sample E-PRIMARY' });
  assert.equal(await form.locator('p.pairing').textContent(), 'Reads e-primary.bam (BAM): index and reference complete.');
  await form.getByLabel('File type').selectOption('copy-number');
  await form.getByLabel(/^Purity for log2 ratios/).waitFor();
  await form.getByLabel('File type').selectOption('reads');
  assert.match((await form.locator('p.hint').textContent()) ?? '', /Upload its index too/);
  await assertAccessible(page, 'SYN-E files with the reads kinds');

  // Add a plasma draw: the site may stay unset; a purity of 60 (a percentage) is refused beside the field.
  await page.getByRole('tab', { name: 'Pathology' }).click();
  const add = page.getByRole('form', { name: 'Add a sample' });
  await add.getByLabel('Sample id').fill('E-PLASMA-4');
  await add.getByLabel('Sample type').selectOption('plasma');
  assert.equal(await add.getByLabel(/^Site/).inputValue(), '', 'a plasma draw starts without a site (blood)');
  await add.getByLabel(/^Tumour purity/).fill('60');
  await add.getByLabel(/^ctDNA tumour fraction/).fill('0.05');
  await add.getByLabel('Collection date').fill('2022-05-10');
  await add.getByRole('button', { name: 'Add sample' }).click();
  const purity = add.getByLabel(/^Tumour purity/);
  assert.equal(await purity.getAttribute('aria-invalid'), 'true');
  const describedBy = await purity.getAttribute('aria-describedby');
  assert.equal(await page.locator(`#${describedBy}`).textContent(), 'Purity must be a fraction > 0 and <= 1 (e.g. 0.6 for 60%)');
  await assertAccessible(page, 'the sample form with a field error');
  await purity.fill('');
  await add.getByRole('button', { name: 'Add sample' }).click();
  await page.getByRole('heading', { name: /^Sample E-PLASMA-4/ }).waitFor();
  assert.match(await page.getByRole('heading', { name: /^Sample E-PLASMA-4/ }).innerText(), /\(plasma, blood, 2022-05-10\)/);
  await page.close();
});
