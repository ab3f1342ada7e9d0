/**
 * The copy-number track of the report's HER2 timeline (issue 16), drawn from the e-ctdna example's analysis (the
 * checked-in `her2scope analyze --json` golden): a row per gene (ERBB2, then genes with a non-neutral call), a dot per
 * sample with copy number coloured by status, the status and copy number beneath; the figure is a golden file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';
import type { AnalysisResult } from '@her2scope/core';
import { assertGolden } from '../../../scripts/golden.ts';
import { CN_COLOURS, copyNumberTrack } from '../src/plots.ts';
import { renderTimelineSvg } from '../src/index.ts';
import { analyse, caseA } from './fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const example = JSON.parse(readFileSync(join(here, '..', '..', 'cli', 'test', 'expected', 'e-ctdna.json'), 'utf8')) as AnalysisResult;

test('timeline copy-number track: ERBB2 row with the liver metastasis amplified, coloured by status; genes neutral everywhere left out', () => {
  const liver = example.samples.find((s) => s.copyNumber)!;
  const erbb2 = liver.copyNumber!.genes.find((g) => g.gene === 'ERBB2')!;
  const track = copyNumberTrack(example);
  const nonNeutral = [...new Set(liver.copyNumber!.genes.filter((g) => g.gene !== 'ERBB2' && g.status !== 'neutral').map((g) => g.gene))].sort();
  assert.deepEqual(track.rows, ['CN ERBB2', ...nonNeutral.map((g) => `CN ${g}`)]);
  assert.deepEqual(track.points.filter((p) => p.row === 'CN ERBB2').map((p) => [p.label, p.colour, p.title]), [[`amp ${Number(erbb2.copyNumber.toFixed(1))}`, CN_COLOURS.amplification, `${liver.id} (${liver.collected}): ${erbb2.text}`]]);
  const svg = parseHTML(`<body>${renderTimelineSvg(example)}</body>`).document.querySelector('svg')!;
  const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
  for (const t of ['CN ERBB2', `amp ${Number(erbb2.copyNumber.toFixed(1))}`]) assert.ok(texts.includes(t), `timeline has '${t}'`);
  assert.ok([...svg.querySelectorAll('title')].some((t) => t.textContent === `${liver.id} (${liver.collected}): ${erbb2.text}`));
  // A case without copy number has no track.
  assert.deepEqual(copyNumberTrack(analyse(caseA())), { rows: [], points: [] });
  assert.ok(!renderTimelineSvg(analyse(caseA())).includes('CN ERBB2'));
  assertGolden(join(here, 'expected', 'timeline-e-ctdna.svg'), renderTimelineSvg(example));
});
