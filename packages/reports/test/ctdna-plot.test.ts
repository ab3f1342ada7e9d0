import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisResult } from '@her2scope/core';
import { assertGolden } from '../../../scripts/golden.ts';
import { renderCtdnaSvg, type CtdnaPlotInput } from '../src/ctdna-plot.ts';
import { ctdnaFigureSvg } from '../src/longitudinal.ts';

const NOTICE = 'For research use; not a medical device.';
const input: CtdnaPlotInput = {
  notice: NOTICE,
  series: [
    { label: 'ESR1 p.D538G', origin: 'tumour', points: [{ date: '2021-03-01', vaf: 0.002, sample: 'PLASMA-1' }, { date: '2021-09-01', vaf: 0.015 }, { date: '2022-03-01', vaf: 0.06 }] },
    { label: 'DNMT3A p.R882H', origin: 'chip', points: [{ date: '2021-03-01', vaf: 0.02 }, { date: '2021-09-01', vaf: 0.021 }, { date: '2022-03-01', vaf: 0.0196 }] },
    { label: 'PIK3CA p.H1047R', origin: 'tumour', points: [{ date: '2021-03-01', vaf: null, detectionLimit: 0.003 }, { date: '2021-09-01', vaf: 0.004 }, { date: '2022-03-01', vaf: null }] },
  ],
  treatments: [{ drug: 'letrozole', start: '2020-06-01' }, { drug: 'palbociclib', start: '2020-06-01', end: '2021-12-01' }],
};

test('ctDNA figure: one line per variant (CHIP dashed), open marks for not detected, treatments beneath, notice', () => {
  const svg = renderCtdnaSvg(input)!;
  const doc = parseHTML(`<body>${svg}</body>`).document;
  const fig = doc.querySelector('svg.h2s-ctdna-figure')!;
  const lineGroups = [...fig.querySelectorAll('g[aria-label="line"]')];
  assert.equal(lineGroups.length, 2, 'solid (tumour) and dashed (CH) line groups');
  assert.deepEqual(lineGroups.map((g) => [g.getAttribute('stroke-dasharray'), g.querySelectorAll('path').length]), [[null, 2], ['6,4', 1]]);
  const titles = [...fig.querySelectorAll('title')].map((t) => t.textContent);
  assert.ok(titles.includes('ESR1 p.D538G, 2021-03-01 (PLASMA-1): VAF 0.2%'));
  assert.ok(titles.includes('PIK3CA p.H1047R, 2021-03-01: not detected (detection limit 0.3%)'));
  assert.ok(!titles.some((t) => t.startsWith('PIK3CA p.H1047R, 2022-03-01')), 'not detected without a limit: not drawn');
  assert.equal(titles.filter((t) => / \d{4}-\d{2}-\d{2}.*: (VAF|not detected)/.test(t)).length, 8);
  assert.ok(titles.includes('letrozole: 2020-06-01 to ongoing'));
  assert.ok(titles.includes('palbociclib: 2020-06-01 to 2021-12-01'));
  const texts = [...fig.querySelectorAll('text')].map((t) => t.textContent);
  assert.ok(texts.includes('DNMT3A p.R882H (CH)'));
  assert.ok(texts.includes('ESR1 p.D538G'));
  assert.ok(texts.includes(NOTICE));
  assert.ok(svg.includes('stroke-dasharray="6,4"'), 'CH line dashed');
  // open circle for the not-detected draw
  const open = [...fig.querySelectorAll('g[aria-label="dot"][fill="white"] circle')];
  assert.equal(open.length, 1);
  // deterministic
  assert.equal(renderCtdnaSvg(input), svg);
  assert.equal(renderCtdnaSvg({ ...input, series: [] }), null);
});

test('ctDNA figure escapes hostile labels', () => {
  const HOSTILE = '<script>alert(1)</script>';
  const svg = renderCtdnaSvg({ notice: HOSTILE, title: HOSTILE, series: [{ label: HOSTILE, points: [{ date: '2021-01-01', vaf: 0.01 }] }], treatments: [{ drug: HOSTILE, start: '2020-01-01' }] })!;
  assert.doesNotMatch(svg, /<script/i);
  assert.ok(svg.includes('&lt;script&gt;'));
});

// Golden files, one per figure: the e-ctdna example's ctDNA figure as the clinician report and the FHIR Media draw
// it, and the same drawing with the patient summary's plain-words title, axis and labels (issue 16 item 4).
test('ctDNA figure of the e-ctdna example: clinician and patient versions are golden files; one drawing approach', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const example = JSON.parse(readFileSync(join(here, '..', '..', 'cli', 'test', 'expected', 'e-ctdna.json'), 'utf8')) as AnalysisResult;
  const clinician = ctdnaFigureSvg(example)!;
  const patient = ctdnaFigureSvg(example, 'patient')!;
  assertGolden(join(here, 'expected', 'ctdna-e-ctdna.svg'), clinician);
  assertGolden(join(here, 'expected', 'ctdna-e-ctdna-patient.svg'), patient);
  const texts = (svg: string) => [...parseHTML(`<body>${svg}</body>`).document.querySelectorAll('text')].map((t) => t.textContent);
  assert.ok(texts(clinician).includes('ESR1 p.D538G') && texts(clinician).includes('DNMT3A p.R882H (CH)') && texts(clinician).includes('↑ VAF in plasma'));
  assert.ok(texts(patient).includes('ESR1 change') && texts(patient).includes('DNMT3A change (blood cells)') && texts(patient).includes('↑ Share of DNA in the blood'));
  assert.ok(texts(patient).includes('Changes found in your blood, test by test'));
  // the same marks: only the words differ
  const marks = (svg: string) => svg.match(/<(path|circle|rect)\b[^>]*>/g)?.length;
  assert.equal(marks(patient), marks(clinician));
  assert.equal(ctdnaFigureSvg({ ...example, ctdna: null }), null);
});
