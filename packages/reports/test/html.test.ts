import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { interpretCase, type CaseData } from '@her2scope/core';
import { citationUrl, renderClinicianHtml, renderPatientSummaryHtml, renderTimelineSvg, toFhirBundle } from '../src/index.ts';
import { analyse, KB, caseA, caseB, caseC, caseD, caseHeavy, HOSTILE, hostileCase } from './fixtures.ts';

const a = analyse(caseA());
const html = renderClinicianHtml(a);
const dom = (h: string) => parseHTML(h).document;

test('clinician HTML: patient and sample table, notice, synthetic label, KB version', () => {
  const doc = dom(html);
  assert.equal(doc.querySelector('title')?.textContent, 'her2scope report: SYN-A');
  assert.equal(doc.querySelectorAll('.notice').length, 2);
  for (const n of doc.querySelectorAll('.notice')) assert.equal(n.textContent.trim(), 'For research use; not a medical device.');
  assert.match(doc.querySelector('.synthetic')!.textContent, /SYNTHETIC PATIENT/);
  const rows = [...doc.querySelectorAll('#samples tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));
  assert.deepEqual(
    rows.map((r) => r.slice(0, 8)),
    [
      ['2016-03-02', 'A-PRIMARY', 'primary', 'breast', 'HER2-low (negative)', 'positive (95%)', 'positive (40%)', '20%'],
      ['2019-02-01', 'A-LIVER', 'metastasis', 'liver', 'HER2-low (negative)', 'positive (90%)', 'positive (5%)', '30%'],
    ],
  );
  assert.equal(doc.querySelector('#summary .meta')!.textContent, 'Analysis, knowledge base 2026.12.4. Evidence to discuss, not recommendations.');
  assert.match(doc.querySelector('#methods')!.textContent, /version 2026\.12\.4/);
  assert.ok(!html.includes('generated'), 'no timestamp unless one is given');
  const stamped = dom(renderClinicianHtml(a, { generatedAt: new Date('2026-01-02T03:04:05Z'), analysisVersion: 'run 3', codeVersion: 'her2scope 0.1.0', signOff: { 'A-LIVER': 'signed by path-1 on 2 Jan 2026' } }));
  assert.equal(stamped.querySelector('header .meta')!.textContent, 'SYN-A · female · born 1961 · 2 samples, latest A-LIVER · generated 2 Jan 2026 03:04 UTC');
  assert.equal(stamped.querySelector('#summary .meta')!.textContent, 'Analysis run 3 of 2 Jan 2026, knowledge base 2026.12.4, code her2scope 0.1.0. Evidence to discuss, not recommendations.');
  assert.deepEqual([...stamped.querySelectorAll('#summary table')[0]!.querySelectorAll('tbody tr td:last-child')].map((td) => td.textContent), ['not recorded', 'signed by path-1 on 2 Jan 2026']);
});

test('clinician HTML: the acquired ERBB2 variant with origin, VAF and linked evidence', () => {
  const doc = dom(html);
  const row = [...doc.querySelectorAll('#findings tr')].find((tr) => tr.textContent.includes('ERBB2'))!;
  const cells = [...row.querySelectorAll('td')].map((td) => td.textContent.trim());
  assert.equal(cells[0], 'ERBB2');
  assert.equal(cells[1], 'p.L755Sc.2264T>C');
  assert.equal(cells[3], 'acquired (vs A-PRIMARY)');
  assert.equal(row.querySelectorAll('td')[3]!.getAttribute('class'), 'acquired');
  assert.match(cells[4], /^VAF 31%/);
  const links = [...row.querySelectorAll('a')].map((x) => x.getAttribute('href'));
  assert.ok(links.includes('https://pubmed.ncbi.nlm.nih.gov/29420467/'), 'SUMMIT (Hyman 2018) linked to PubMed');
  // The pre-existing PIK3CA call of the primary points to the later sample instead of repeating 15 entries.
  const pik = [...doc.querySelectorAll('#findings tr')].filter((tr) => tr.textContent.includes('PIK3CA'));
  assert.equal(pik.length, 2);
  assert.match(pik[0]!.textContent, /first sample \(no earlier sample\).*VAF 23%.*KB entries: see A-LIVER below/s);
  assert.match(pik[1]!.textContent, /pre-existing \(vs A-PRIMARY\).*VAF 27%/s);
  // The change, with the treatment before it.
  assert.match(doc.querySelector('#changes')!.textContent, /ERBB2 p\.L755S acquired: absent from A-PRIMARY .* at VAF 31% after 33 months of letrozole/);
  assert.match(doc.querySelector('#changes')!.textContent, /letrozole: 33 months \(2016-04-01 to 2019-01-10\)/);
});

test('clinician HTML: HER2/ER/PR per sample with the rule trail', () => {
  const doc = dom(html);
  const text = doc.querySelector('#classification')!.textContent;
  assert.match(text, /her2\.ihc\.1\+ \(ASCO\/CAP HER2 testing guideline 2018/);
  assert.match(text, /er\.positive \(ASCO\/CAP ER\/PgR testing guideline 2020/);
  assert.equal(doc.querySelectorAll('#classification div.keep h3').length, 2);
});

test('clinician HTML: therapy options ranked, with levels, warnings and citation links', () => {
  const doc = dom(html);
  const rows = [...doc.querySelectorAll('#therapy table')[0]!.querySelectorAll('tbody tr')];
  assert.equal(rows.length, a.therapyOptions.length);
  assert.deepEqual(
    rows.map((r) => r.querySelector('td')!.textContent),
    a.therapyOptions.map((o) => o.level),
  );
  const nf = rows.find((r) => r.querySelector('td:nth-child(2) b')?.textContent === 'neratinib + fulvestrant')!;
  assert.equal(nf.querySelector('td')!.textContent, 'B');
  // Every citation with a URL (or a PMID) becomes a link; nothing but http(s) links.
  const hrefs = [...doc.querySelectorAll('a')].map((x) => x.getAttribute('href')!);
  assert.ok(hrefs.length > 20);
  for (const h of hrefs) assert.match(h, /^https?:\/\//);
  // Every warning of every option is printed (KB 2026.12.2: the L755S endocrine-resistance item is preclinical, hidden).
  for (const w of a.therapyOptions.flatMap((o) => o.warnings)) assert.ok(doc.querySelector('#therapy')!.textContent.includes(`Warning: ${w}`), w);
});

test('clinician HTML is self-contained: no script, no external resource, CSP forbids both', () => {
  for (const r of [a, analyse(caseB()), analyse(caseC()), analyse(caseD())]) {
    const h = renderClinicianHtml(r);
    assert.doesNotMatch(h, /<script|<link|<img|<iframe|<object|@import|url\(/i);
    assert.doesNotMatch(h, /\s(src|srcset|action|formaction)=/i);
    const csp = dom(h).querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src/);
  }
});

test('HER2 timeline: samples on a time axis with HER2 category, ER status and treatment bars', () => {
  const svg = dom(`<body>${renderTimelineSvg(a)}</body>`).querySelector('svg')!;
  const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
  for (const t of ['A-PRIMARY', 'A-LIVER', 'HER2', 'ER', '℞ letrozole', 'HER2-low', 'ER positive 95%', 'ER positive 90%']) assert.ok(texts.includes(t), `timeline has '${t}'`);
  const years = [...svg.querySelectorAll('tspan')].map((t) => t.textContent).filter((t) => /^\d{4}$/.test(t));
  assert.deepEqual(years, ['2016', '2017', '2018', '2019'], 'a time axis over the case');
  assert.equal(svg.querySelectorAll('circle').length, 2, 'one HER2 mark per sample');
  const bar = [...svg.querySelectorAll('rect')].find((r) => r.querySelector('title')?.textContent?.startsWith('letrozole'))!;
  assert.equal(bar.querySelector('title')!.textContent, 'letrozole: 2016-04-01 to 2019-01-10 (progression)');
  // The primary (2016-03-02) is left of the metastasis (2019-02-01).
  const xs = [...svg.querySelectorAll('circle')].map((c) => Number(c.getAttribute('cx')));
  assert.ok(xs[0]! < xs[1]!);
  // HER2 conversion: colours differ between HER2-0 and HER2-positive.
  const b = dom(`<body>${renderTimelineSvg(analyse(caseB()))}</body>`).querySelector('svg')!;
  const fills = [...b.querySelectorAll('circle')].map((c) => c.getAttribute('fill'));
  assert.deepEqual(fills, ['#d9d9d9', '#b2182b']);
  assert.ok([...b.querySelectorAll('text')].some((t) => t.textContent === 'HER2-positive'));
});

test('cytometry figure appears only for samples with cytometry', () => {
  const c = renderClinicianHtml(analyse(caseC()));
  const doc = dom(c);
  const sec = doc.querySelector('#cytometry')!;
  assert.match(sec.querySelector('figure h3')!.textContent, /C-PRIMARY .*hidden HER2\+ CD44\+ CD24-low population detected/);
  const labels = [...sec.querySelectorAll('svg text')].map((t) => t.textContent);
  for (const l of ['HER2+', 'CD44+CD24-low', 'HER2+CD44+CD24-low', '3.00%', 'detection limit']) assert.ok(labels.includes(l), l);
  assert.match(sec.textContent, /HER2\+CD44\+CD24-low600analysed3\.00%2\.77% – 3\.25%/);
  assert.equal(doc.querySelector('#samples tbody tr td:last-child')!.textContent, 'hidden HER2+ stem cells');
  assert.equal(dom(html).querySelector('#cytometry'), null);
});

test('hostile patient id and drug name come out inert in the clinician HTML (text, SVG, title)', () => {
  const h = renderClinicianHtml(analyse(hostileCase()));
  assert.ok(!h.includes('<script>alert(1)</script>'));
  assert.doesNotMatch(h, /<script/i);
  const doc = dom(h);
  assert.equal(doc.querySelectorAll('script').length, 0);
  assert.equal(doc.querySelector('title')!.textContent, `her2scope report: ${HOSTILE}`);
  assert.equal(doc.querySelector('header .meta b')!.textContent, HOSTILE);
  assert.ok([...doc.querySelectorAll('svg text')].some((t) => t.textContent === `℞ letrozole ${HOSTILE}`), 'drug name in the timeline is text');
  assert.ok(doc.querySelector('#treatments')!.textContent.includes(`letrozole ${HOSTILE}`));
});

test('citation links: own URL, PubMed, doi.org; never a javascript: URL', () => {
  assert.equal(citationUrl({ type: 'pmid', id: 'PMID:29420467', text: 'x' }), 'https://pubmed.ncbi.nlm.nih.gov/29420467/');
  assert.equal(citationUrl({ type: 'guideline', id: 'ASCO/CAP-HER2-2018', text: 'Wolff AC et al., doi:10.1200/JCO.2018.77.8738), affirmed 2023' }), 'https://doi.org/10.1200/JCO.2018.77.8738');
  assert.equal(citationUrl({ type: 'doi', id: '10.1000/a b', text: 'x' }), null, 'a DOI with a space is not a DOI');
  assert.equal(citationUrl({ type: 'civic', id: 'EID1', text: 'x', url: 'javascript:alert(1)' }), null);
  assert.equal(citationUrl({ type: 'label', id: 'FDA:Enhertu', text: 'FDA label' }), null);
  assert.equal(citationUrl({ type: 'other', id: 'x', text: 'y', url: 'https://civic.genome.wustl.edu/links/evidence_items/241' }), 'https://civic.genome.wustl.edu/links/evidence_items/241');
});

test('a single sample without pathology and an ongoing treatment still renders every part', () => {
  const sample = { id: 'S1', type: 'primary', site: 'other', collected: '2020-01-01' } as CaseData['samples'][number]['sample'];
  const r = interpretCase({ case: { patient: { id: 'P1' }, samples: [sample], treatments: [{ drug: 'tamoxifen', start: '2019-06-01' }] }, samples: [{ sample, variants: null, regions: null, cytometry: null }] }, KB);
  const doc = dom(renderClinicianHtml(r));
  assert.deepEqual([...doc.querySelectorAll('#samples tbody td')].map((td) => td.textContent).slice(0, 7), ['2020-01-01', 'S1', 'primary', 'other', 'no pathology', 'no pathology', 'no pathology']);
  const svg = doc.querySelector('#timeline svg')!;
  assert.ok([...svg.querySelectorAll('text')].some((t) => t.textContent === 'ongoing →'));
  assert.equal(svg.querySelector('rect title')!.textContent, 'tamoxifen: 2019-06-01 to ongoing');
  assert.equal(doc.querySelector('#changes p')!.textContent, 'No change between samples.');
  assert.equal(doc.querySelector('#therapy p')!.textContent, 'No therapy option from the knowledge base.');
  assert.match(renderPatientSummaryHtml(r), /Only one sample was tested, so changes over time cannot be seen yet\./);
  assert.deepEqual(toFhirBundle(r).entry!.map((e) => e.resource!.resourceType), ['DiagnosticReport', 'Patient', 'Specimen']);
});

test('clinician summary card (issue 17): receptors with IHC/ISH values and conversions, findings with VAF and exposure, top three options', () => {
  const heavy = dom(renderClinicianHtml(analyse(caseHeavy())));
  const card = heavy.querySelector('#summary')!;
  const cells = (table: { querySelectorAll(s: string): Iterable<{ querySelectorAll(s: string): Iterable<{ textContent: string }> }> }) => [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));
  const [receptors, findings, options] = [...card.querySelectorAll('table')];
  assert.deepEqual(cells(receptors), [
    ['2 Mar 2015', 'H-PRIMARY primary, breast', 'HER2-low (IHC 1+)', 'positive (95%)', 'positive (40%)', '—'],
    ['1 Feb 2019', 'H-LIVER metastasis, liver', 'HER2-low (IHC 2+, ISH group 4, ratio 1.77)', 'positive (60%)', 'positive (5%)', '—'],
    ['10 Jun 2022', 'H-BONE metastasis, bone', 'HER2-positive (IHC 3+)', 'low-positive (5%)', 'negative (0%)', 'HER2: HER2-low (negative) → HER2-positive (positive)ER: positive → low-positivePR: positive → negative'],
  ]);
  assert.deepEqual(cells(findings).map((r) => r.slice(0, 4)), [
    ['acquired', 'ERBB2 p.L755S', 'VAF 31%', 'H-PRIMARY → H-LIVER'],
    ['acquired', 'ESR1 p.Y537S', 'VAF 12%', 'H-PRIMARY → H-LIVER'],
    ['acquired', 'ESR1 p.D538G', 'VAF 8%', 'H-LIVER → H-BONE'],
    ['acquired', 'PIK3CA p.H1047R', 'VAF 11%', 'H-LIVER → H-BONE'],
    ['emerging', 'AKT1 p.E17K', 'VAF 6%', 'H-BONE'],
  ]);
  assert.equal(cells(findings)[0]![4], 'letrozole 45 mo');
  assert.equal(cells(options).length, 3);
  assert.deepEqual(cells(options).map((r) => r.slice(0, 3)), analyse(caseHeavy()).therapyOptions.slice(0, 3).map((o, i) => [String(i + 1), o.therapy, o.level]));
  // Long warning lists are cut to two, the rest counted; print hides the appendix and screen-only hints.
  assert.match(cells(options)[0]![4]!, /and \d+ more \(appendix\)$/);
  assert.match(heavy.querySelector('style')!.textContent, /@media print\{[^]*\.screen-only,\.appendix\{display:none\}/);
  assert.equal(heavy.querySelector('.screen-only')!.textContent, ' Hover for details.');
});
