/**
 * writeReports end to end (all five files, atomic, same VAF in every format) and the PDF (printed with Debian's
 * chromium; its text read back with pdftotext). The setup runs scripts/ensure-chromium.sh, which installs the
 * Debian packages `chromium` and `poppler-utils` when they are missing.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '@her2scope/core';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { PdfError, renderClinicianHtml, renderPdf, writeReports, type ReportFormat } from '../src/index.ts';
import { analyse, caseA, caseHeavy, HOSTILE, hostileCase } from './fixtures.ts';
import { visibleText } from './readability.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'her2scope-reports-test-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
});

const pdfText = (pdf: Uint8Array | string) => {
  const file = typeof pdf === 'string' ? pdf : join(tmp, `t-${Math.random().toString(36).slice(2)}.pdf`);
  if (typeof pdf !== 'string') writeFileSync(file, pdf);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
};
const pdfPages = (file: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);

const ALL_FORMATS: ReportFormat[] = ['html', 'pdf', 'patient', 'fhir', 'json'];

test('writeReports writes all five files; the acquired ERBB2 variant has the same VAF in every format', async () => {
  const r = analyse(caseA());
  const out = join(tmp, 'a', 'nested');
  const progress: string[] = [];
  const written = await writeReports(r, out, ALL_FORMATS, { onProgress: (m) => progress.push(m) });
  assert.deepEqual(written, {
    html: join(out, 'report.html'),
    pdf: join(out, 'report.pdf'),
    patient: join(out, 'patient-summary.html'),
    fhir: join(out, 'fhir-bundle.json'),
    json: join(out, 'analysis.json'),
  });
  assert.deepEqual(readdirSync(out).sort(), ['analysis.json', 'fhir-bundle.json', 'patient-summary.html', 'report.html', 'report.pdf'], 'no temp file left');
  assert.ok(progress.includes('rendering report.pdf') && progress.includes(`writing ${join(out, 'report.pdf')}`));

  const vaf = r.samples.find((s) => s.id === 'A-LIVER')!.findings.find((f) => f.gene === 'ERBB2')!.vaf!;
  assert.equal(vaf, 0.31);
  // json
  const json = JSON.parse(readFileSync(written.json, 'utf8'));
  assert.equal(json.samples.find((s: { id: string }) => s.id === 'A-LIVER').findings.find((f: { gene: string }) => f.gene === 'ERBB2').vaf, vaf);
  // html
  const html = visibleText(readFileSync(written.html, 'utf8')).replace(/\s+/g, ' ');
  assert.match(html, /ERBB2 p\.L755S c\.2264T>C missense_variant 17:37880220 T>C acquired \(vs A-PRIMARY\) VAF 31%/);
  // pdf
  const pdf = pdfText(written.pdf).replace(/\s+/g, ' ');
  assert.match(pdf, /acquired ERBB2 p\.L755S VAF 31% A-PRIMARY → A-LIVER letrozole 33 mo/);
  assert.match(pdf, /VAF 31%/);
  // patient summary: the same share, in words
  const patient = visibleText(readFileSync(written.patient, 'utf8')).replace(/\s+/g, ' ');
  assert.match(patient, /ERBB2 gene in the sample from the liver .* About 31 in 100 pieces of DNA read from this sample/);
  assert.equal(Math.round(vaf * 100), 31);
  // fhir
  const bundle = JSON.parse(readFileSync(written.fhir, 'utf8')) as Bundle;
  const variant = bundle.entry!.map((e) => e.resource as Observation).find((o) => o.component?.some((c) => c.valueCodeableConcept?.text === 'ERBB2'))!;
  assert.equal(variant.component!.find((c) => c.code.coding?.[0]?.code === '81258-6')!.valueQuantity!.value, vaf);
  assert.match(bundle.timestamp!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'writeReports stamps the bundle');
});

test('PDF: paginated, with the report text (timeline, findings, notice, page footer)', () => {
  const file = join(tmp, 'a', 'nested', 'report.pdf');
  assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  const pages = pdfPages(file);
  assert.equal(pages, 2);
  const text = pdfText(file);
  for (const s of ['HER2-centred precision oncology report', 'SYNTHETIC PATIENT', 'SYN-A', 'Summary', 'Top options for A-LIVER', 'HER2 timeline', 'A-PRIMARY', 'A-LIVER', '℞ letrozole', 'neratinib + fulvestrant', 'appendix of the HTML report', '2026.12.4'])
    assert.ok(text.includes(s), `PDF text has '${s}'`);
  for (const s of ['Hover for details', 'Methods', 'Rule trail']) assert.ok(!text.includes(s), `no '${s}' in print (screen-only / appendix)`);
  assert.ok(text.includes(`Page 1 of ${pages}`) && text.includes(`Page ${pages} of ${pages}`));
  assert.equal(text.match(/For research use; not a medical device\./g)!.length >= pages, true, 'notice on every page');
});

test('PDF (issue 17): at most two pages for 3 samples and 10 findings, page 1 holds the summary card', async () => {
  const r = analyse(caseHeavy());
  assert.deepEqual([r.samples.length, r.samples.reduce((n, s) => n + s.findings.length, 0)], [3, 10]);
  const pdf = await renderPdf(renderClinicianHtml(r, { generatedAt: new Date('2026-12-02T01:00:00Z'), analysisVersion: 'run 3' }));
  // Page objects counted in the PDF itself (chromium writes one "/Type /Page" per page, uncompressed).
  const pageObjects = Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
  assert.equal(pageObjects.length, 2);
  const file = join(tmp, 'heavy.pdf');
  writeFileSync(file, pdf);
  assert.equal(pdfPages(file), 2);
  const page1 = execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  for (const s of ['Summary', 'HER2 / ER / PR per sample', 'IHC 2+', 'ratio 1.77', 'Acquired, lost and emerging findings', 'ERBB2 p.L755S', 'VAF 31%', 'letrozole 45 mo', `Top options for H-BONE`, r.therapyOptions[0]!.therapy, 'Analysis run 3 of 2 Dec 2026'])
    assert.ok(page1.includes(s), `page 1 has '${s}'`);
});

test('PDF: a hostile patient id is printed as text, not run', async () => {
  const pdf = await renderPdf(renderClinicianHtml(analyse(hostileCase())));
  const text = pdfText(pdf);
  assert.ok(text.includes(`her2scope report`));
  assert.ok(text.includes(HOSTILE), 'the id appears literally, as text');
});

test('writeReports: replaces existing reports atomically and leaves other files alone', async () => {
  const out = join(tmp, 'replace');
  mkdirSync(out);
  writeFileSync(join(out, 'report.html'), 'old');
  writeFileSync(join(out, 'notes.txt'), 'keep me');
  await writeReports(analyse(caseA()), out, ['html', 'json']);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /^<!doctype html>/);
  assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'keep me');
  assert.deepEqual(readdirSync(out).sort(), ['analysis.json', 'notes.txt', 'report.html']);
  assert.equal(statSync(join(out, 'report.html')).mode & 0o777, 0o644);
});

test('writeReports: a failing PDF leaves the folder untouched (render everything first, then write)', async () => {
  const out = join(tmp, 'nopdf');
  const saved = process.env.HER2SCOPE_CHROMIUM;
  process.env.HER2SCOPE_CHROMIUM = join(tmp, 'no-such-chromium');
  try {
    await assert.rejects(writeReports(analyse(caseA()), out, ALL_FORMATS), (e: unknown) => {
      assert.ok(e instanceof PdfError && e instanceof InputError);
      assert.equal((e as Error).message, `--format pdf: chromium not found at ${join(tmp, 'no-such-chromium')}: run scripts/ensure-chromium.sh (Debian package 'chromium'), or set HER2SCOPE_CHROMIUM`);
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env.HER2SCOPE_CHROMIUM;
    else process.env.HER2SCOPE_CHROMIUM = saved;
  }
  assert.throws(() => statSync(out), /ENOENT/, 'nothing created');
});

test('writeReports: bad output folder and bad format are input errors', async () => {
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(writeReports(analyse(caseA()), file, ['json']), (e: unknown) => e instanceof InputError && /^--out: cannot use '.*a-file' as the output folder \(a file is in the way\)$/.test((e as Error).message));
  await assert.rejects(writeReports(analyse(caseA()), join(file, 'sub'), ['json']), (e: unknown) => e instanceof InputError && /a file is in the way/.test((e as Error).message));
  await assert.rejects(writeReports(analyse(caseA()), join(tmp, 'x'), ['docx' as ReportFormat]), /--format: 'docx' is not one of html, pdf, patient, fhir, json/);
});

test('CLI: her2scope analyze --out writes all five files for every bundled example', () => {
  const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');
  for (const c of ['a-erbb2-acquired', 'b-her2-conversion', 'c-hidden-stem-cells', 'd-esr1-acquired']) {
    const out = join(tmp, 'cli', c);
    const r = spawnSync(process.execPath, [bin, 'analyze', join(repoRoot, 'examples', 'cases', `${c}.yaml`), '--out', out], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    // Progress steps and the summary line on stderr (issue 17), nothing else.
    assert.ok(r.stderr.trimEnd().split('\n').every((l) => l.startsWith('analyze: ')), r.stderr);
    assert.match(r.stderr, /\nanalyze: done in \d+\.\d s: 2 samples, .* 5 reports in .*\n$/);
    for (const f of ['report.html', 'report.pdf', 'patient-summary.html', 'fhir-bundle.json', 'analysis.json']) {
      assert.ok(r.stdout.includes(join(out, f)), `${c}: stdout names ${f}`);
      assert.ok(statSync(join(out, f)).size > 1000, `${c}: ${f} written`);
    }
    assert.match(r.stdout, /written in \d+ ms\. For research use; not a medical device\.\n$/);
  }
  const a = JSON.parse(readFileSync(join(tmp, 'cli', 'a-erbb2-acquired', 'analysis.json'), 'utf8'));
  assert.equal(a.samples.find((s: { id: string }) => s.id === 'A-LIVER').findings.find((f: { gene: string }) => f.gene === 'ERBB2').vaf, 0.31);
  assert.ok(pdfText(join(tmp, 'cli', 'a-erbb2-acquired', 'report.pdf')).includes('VAF 31%'));
  assert.ok(readFileSync(join(tmp, 'cli', 'c-hidden-stem-cells', 'report.html'), 'utf8').includes('<section id="cytometry">'));
  // Only some formats; a bad format is a one-line usage error.
  const only = join(tmp, 'cli', 'only');
  const r = spawnSync(process.execPath, [bin, 'analyze', join(repoRoot, 'examples', 'cases', 'b-her2-conversion.yaml'), '--out', only, '--format', 'fhir,patient'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(only).sort(), ['fhir-bundle.json', 'patient-summary.html']);
  const bad = spawnSync(process.execPath, [bin, 'analyze', join(repoRoot, 'examples', 'cases', 'b-her2-conversion.yaml'), '--out', only, '--format', 'docx'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "her2scope analyze: --format: 'docx' is not one of html, pdf, patient, fhir, json\n");
});
