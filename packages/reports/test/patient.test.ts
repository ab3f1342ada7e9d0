import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';
import type { AnalysisResult } from '@her2scope/core';
import { renderClinicianHtml, renderPatientSummaryHtml } from '../src/index.ts';
import { analyse, ALL, caseA, caseB, caseC, HOSTILE, hostileCase } from './fixtures.ts';
import { readability, visibleText } from './readability.ts';

const a = analyse(caseA());
const text = (h: string) => visibleText(h).replace(/\s+/g, ' ');

test('readability: the formula gives the published values on reference sentences', () => {
  // One sentence, 6 one-syllable words: 0.39*6 + 11.8*1 - 15.59 = -1.45.
  assert.equal(Number(readability('<p>The cat sat on the mat.</p>').grade.toFixed(2)), -1.45);
  // Two blocks = two sentences; "information" has 4 syllables: words 6, syllables 9.
  const r = readability('<p>We read the information.</p><p>It helps.</p>');
  assert.deepEqual({ sentences: r.sentences, words: r.words, syllables: r.syllables }, { sentences: 2, words: 6, syllables: 9 });
});

test('patient summary reads at or below the 6th-8th-grade target (Flesch-Kincaid), unlike the clinician report', () => {
  for (const [name, r] of ALL()) {
    const { grade, words } = readability(renderPatientSummaryHtml(r));
    assert.ok(words > 300, `${name}: a real summary (${words} words)`);
    assert.ok(grade <= 8 && grade >= 2, `${name}: grade ${grade.toFixed(1)} should be within 2-8`);
  }
  // The same measure rates the clinician report as hard: it can tell the two apart.
  const clin = readability(renderClinicianHtml(a).replace(/<svg[\s\S]*?<\/svg>/g, '')).grade;
  const pat = readability(renderPatientSummaryHtml(a)).grade;
  assert.ok(clin > 9 && clin > pat + 4, `clinician report grade ${clin.toFixed(1)} vs patient ${pat.toFixed(1)}`);
});

test('patient summary: no unexplained jargon; every technical word it uses is in "Words used here"', () => {
  for (const [name, r] of ALL()) {
    const h = renderPatientSummaryHtml(r);
    const body = text(h);
    for (const banned of ['VAF', 'allele', 'variant', 'IHC', 'ISH', 'HGVS', 'metastasis', 'FISH', 'CIViC', 'p.L755S', 'c.2264', 'missense', 'somatic', 'amplif', 'HR+', 'subtype', 'KB ']) {
      assert.ok(!body.includes(banned), `${name}: '${banned}' should not appear`);
    }
    const terms = [...parseHTML(h).document.querySelectorAll('dt')].map((d) => d.textContent);
    for (const used of ['HER2', 'ER', 'PR', 'Sample', 'Gene', 'Mutation', 'Lymph node']) assert.ok(terms.some((t) => t.startsWith(used)), `${name}: '${used}' explained`);
    for (const g of new Set(r.samples.flatMap((s) => s.findings.map((f) => f.gene)))) assert.ok(terms.includes(g), `${name}: gene ${g} explained`);
  }
});

test('patient summary: the acquired ERBB2 change in plain words, with the same share of tumour DNA (VAF 0.31)', () => {
  const body = text(renderPatientSummaryHtml(a));
  assert.match(
    body,
    /A new change was found in the ERBB2 gene in the sample from the liver \(February 1, 2019\)\. It was not in the sample from the breast \(March 2, 2016\)\. About 31 in 100 pieces of DNA read from this sample had this change\. It showed up after 33 months of letrozole\./,
  );
  assert.match(body, /ERBB2 The gene for HER2\./);
  assert.match(body, /HER2: HER2-low\. This means the cancer cells have a small amount of HER2 on their surface\./);
  assert.ok(body.includes(`Is ${a.therapyOptions[0]!.therapy} a choice for me? Why or why not?`));
  assert.match(body, /My test results changed over time\. Does that change my choices\?/);
});

test('patient summary: HER2 conversion and hidden stem cells in plain words', () => {
  const b = text(renderPatientSummaryHtml(analyse(caseB())));
  assert.match(b, /Your HER2 result changed\. It was HER2-zero in the sample from the breast \(June 15, 2015\)\. It was HER2-positive in the sample from the bone \(September 3, 2020\)\./);
  const c = text(renderPatientSummaryHtml(analyse(caseC())));
  assert.match(c, /It found a small group of cells with HER2 that the main HER2 test did not show\. Scientists are still studying what this means\./);
  assert.match(c, /a sample from a lymph node \(cancer that came back\)/);
});

test('patient summary: notice, synthetic label, questions for the care team', () => {
  const h = renderPatientSummaryHtml(a);
  const doc = parseHTML(h).document;
  assert.deepEqual([...doc.querySelectorAll('.notice')].map((n) => n.textContent), ['For research use; not a medical device.', 'For research use; not a medical device.']);
  assert.equal(doc.querySelector('.synthetic')!.textContent, 'This is a made-up example. It is not a real person.');
  const h2 = [...doc.querySelectorAll('h2')].map((x) => x.textContent);
  assert.ok(h2.includes('Questions to ask your care team'));
  const qs = [...doc.querySelectorAll('h2')].find((x) => x.textContent === 'Questions to ask your care team')!.nextElementSibling!.querySelectorAll('li');
  assert.ok(qs.length >= 5);
  const real = renderPatientSummaryHtml({ ...a, patient: { ...a.patient, synthetic: false } });
  assert.equal(parseHTML(real).document.querySelector('.synthetic'), null);
  assert.match(h, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  assert.doesNotMatch(h, /<script|<link|<img/i);
});

test('patient summary: hostile id and drug name come out as text', () => {
  const h = renderPatientSummaryHtml(analyse(hostileCase()));
  assert.doesNotMatch(h, /<script/i);
  const doc = parseHTML(h).document;
  assert.equal(doc.querySelectorAll('script').length, 0);
  assert.ok(doc.body.textContent.includes(`Name or number on file: ${HOSTILE}`));
  assert.ok(doc.body.textContent.includes(`33 months of letrozole ${HOSTILE}`));
});

test('review findings 17-18: CHIP and germline findings are not tumour changes; pending and warned options are worded by kind', () => {
  const r = structuredClone(a);
  const liver = r.samples[1]!;
  const base = liver.findings[0]!;
  liver.findings.push(
    { ...base, id: `${base.id}#chip`, gene: 'DNMT3A', alteration: 'p.R882H', origin: 'clonal-haematopoiesis', vaf: 0.02, evidence: [] },
    { ...base, id: `${base.id}#germ`, gene: 'BRCA1', alteration: 'p.E1250*', origin: 'germline', oncogenicity: 'likely-oncogenic', vaf: 0.5, evidence: [] },
  );
  const [first, second] = r.therapyOptions;
  first!.pending = { kind: 'her2-ish', text: 'only if ISH on the liver sample confirms HER2 amplification' };
  first!.warnings = ['HER2 by NGS only: x'];
  first!.warningDetails = [{ kind: 'her2-ngs-only', text: 'HER2 by NGS only: x' }];
  second!.warnings = ['HER2 status unresolved: y'];
  second!.warningDetails = [{ kind: 'her2-unresolved', text: 'HER2 status unresolved: y' }];
  const h = renderPatientSummaryHtml(r);
  const body = text(h);
  const tumour = body.slice(body.indexOf('Other changes found in tumor genes'), body.indexOf('Inherited changes'));
  assert.equal(tumour.includes('DNMT3A'), false);
  assert.equal(tumour.includes('BRCA1'), false);
  assert.ok(body.includes('Inherited changes A change in the BRCA1 gene was found that you were most likely born with (it was also found in your normal cells). It is not a change of the tumor. Your care team can explain what it means for you.'));
  assert.equal(body.includes('counsel'), false, 'no genetic-counselling advice the clinician report does not give');
  assert.ok(body.includes(`${first!.therapy}. Only if a further HER2 test confirms that the tumor has extra HER2. How strong the proof would be then: strong: approved for this kind of finding or in treatment guidelines.`));
  assert.ok(body.includes(`${second!.therapy}. How strong the proof is: ${second!.level === 'A' ? 'strong' : 'good'}`));
  assert.ok(body.includes('Note: your HER2 result is not settled yet. One more HER2 test may change whether this medicine fits.'));
  assert.equal(body.includes('may make a medicine in this plan work less well'), false);
  assert.ok(body.includes('Do I need one more HER2 test before choosing a medicine?'));
});

test('patient summary (issue 16 item 4): the earlier sample read again, in plain words; the blood-test figure with a plain caption; still easy to read', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const e = JSON.parse(readFileSync(join(here, '..', '..', 'cli', 'test', 'expected', 'e-ctdna.json'), 'utf8')) as AnalysisResult;
  const h = renderPatientSummaryHtml(e);
  const body = text(h);
  assert.ok(body.includes('The earlier sample from the breast (January 15, 2019) was read again: 0 of 812 pieces of DNA at this spot had the change.'));
  assert.ok(body.includes('The earlier sample from the breast (January 15, 2019) was read again: the change was found there in 160 of 500 pieces of DNA at this spot.'));
  // only earlier samples with a clear answer are told: the CHIP clone's finding (blood cells) is not among the tumour changes
  assert.equal((body.match(/was read again/g) ?? []).length, 5, '4 ESR1 findings (absent) + 1 PIK3CA (found)');
  const doc = parseHTML(h).document;
  const fig = doc.querySelector('figure.blood');
  assert.ok(fig?.querySelector('svg.h2s-ctdna-figure'));
  assert.equal(fig?.querySelector('figcaption')?.textContent, 'Each line is one gene change found in your blood tests. A dot higher up means more of the change in that test. An open dot means that test did not find the change. A dashed line is a change that comes from blood cells, not from the cancer. The bars at the bottom show when you took each medicine.');
  for (const banned of ['VAF', 'allele', 'variant', 'p.D538G', 'p.R882H', 'ctDNA']) assert.ok(!body.includes(banned), `'${banned}' should not appear`);
  const { grade } = readability(h);
  assert.ok(grade <= 8 && grade >= 2, `grade ${grade.toFixed(1)}`);
  // no blood draws: no figure, no read-again sentence without reads
  const a2 = renderPatientSummaryHtml(a);
  assert.equal(a2.includes('Your blood tests over time'), false);
  assert.equal(a2.includes('was read again'), false);
  // hostile sample ids in the read evidence come out as text
  const hostile = structuredClone(e);
  const f = hostile.samples.find((s) => s.id === 'E-LIVER')!.findings.find((x) => x.gene === 'PIK3CA')!;
  hostile.samples[0]!.id = HOSTILE;
  f.readEvidence[0]!.sample = HOSTILE;
  assert.doesNotMatch(renderPatientSummaryHtml(hostile), /<script/i);
});
