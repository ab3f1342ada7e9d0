/**
 * The reports read the contract's fields, never its prose (re-read B2, B3): the summary card's variant changes come
 * from a change's `gene` / `alteration` / `findingId`, the HER2 cell's IHC score from the result's `ihc`, and the
 * patient sentences' gene from `gene`. Shown by rewriting the prose (`detail`, rule ids) and checking that nothing
 * rendered moves. SYNTHETIC patients.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHTML } from 'linkedom';
import type { AnalysisResult } from '@her2scope/core';
import { renderClinicianHtml } from '../src/index.ts';
import { patientLongitudinalSentences } from '../src/longitudinal.ts';
import { analyse, caseA } from './fixtures.ts';

const summaryCells = (r: AnalysisResult) => {
  const doc = parseHTML(renderClinicianHtml(r)).document;
  return {
    receptors: [...doc.querySelectorAll('#summary table')[0]!.querySelectorAll('tbody tr')].map((tr) => tr.querySelectorAll('td')[2]?.textContent.trim()),
    changes: [...(doc.querySelectorAll('#summary table')[1]?.querySelectorAll('tbody tr') ?? [])].map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent.trim())),
  };
};

test('clinician summary card: variant changes and IHC scores from the fields, whatever the prose says', () => {
  const r = analyse(caseA());
  const expected = {
    receptors: ['HER2-low (IHC 1+)', 'HER2-low (IHC 1+)'],
    changes: [['acquired', 'ERBB2 p.L755S', 'VAF 31%', 'A-PRIMARY → A-LIVER']],
  };
  assert.deepEqual(summaryCells(r), expected);
  const prose: AnalysisResult = structuredClone(r);
  for (const c of prose.changes) c.detail = 'rewritten: nothing to parse here';
  for (const s of prose.samples) for (const rule of s.classification?.her2?.rules ?? []) rule.id = 'renamed';
  assert.deepEqual(summaryCells(prose), expected);
  // the fields decide: another finding id gives no VAF, another alteration is shown as such
  const moved: AnalysisResult = structuredClone(r);
  const c = moved.changes.find((x) => x.kind === 'acquired-variant')!;
  c.findingId = 'A-LIVER:variant:1:1:A:T';
  c.alteration = 'p.X1Y';
  const h = moved.samples[0]!.classification!.her2!;
  h.ihc = null;
  assert.deepEqual(summaryCells(moved), { receptors: ['HER2-low', expected.receptors[1]], changes: [['acquired', 'ERBB2 p.X1Y', '', 'A-PRIMARY → A-LIVER']] });
});

test('patient sentences name the emerging variant\'s gene from the change\'s `gene`', () => {
  const r = analyse(caseA());
  const emerging: AnalysisResult = {
    ...r,
    changes: [{ kind: 'emerging-variant', detail: 'no gene here', from: 'VAF 1.5%', to: 'VAF 6%', fromSample: 'A-PRIMARY', toSample: 'A-LIVER', afterTreatments: [{ drug: 'letrozole', start: '2016-04-01', end: null, months: 33 }], firstDetected: '2018-01-02', trend: 'rising', findingId: null, gene: 'ESR1', alteration: 'p.D538G' }],
    ctdna: null,
    samples: r.samples.map((s) => ({ ...s, copyNumber: null })),
  };
  assert.deepEqual(patientLongitudinalSentences(emerging), ['A change in the ESR1 gene was first found in your blood on 2018-01-02, while you were taking letrozole. Since then, the amount has gone up.']);
});
