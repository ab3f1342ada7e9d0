/** Pure logic of the tumour-board view: summary card, timeline layout, citation links, field validation and errors. */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { interpretCase, type AnalysisResult, type Change } from '@her2scope/core';
import { loadCase } from '@her2scope/formats/case';
import { loadKnowledgeBase } from '@her2scope/kb';
import { ApiError, errorFrom } from '../src/api.ts';
import { citationHref, citationKind } from '../src/format.ts';
import { buildSummary, eventLabel, humanDateTime, ihcScore } from '../src/summary.ts';
import { layoutTimeline, TIMELINE_FONT, type TimelineLayout } from '../src/timeline.ts';
import { fieldErrorsFrom, localToday, stripPath, validateBirthYear, validateSample, validateTreatment } from '../src/validation.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ANALYSIS = { version: 3, createdAt: '2026-12-02T01:16:52.123Z', finishedAt: '2026-12-02T01:17:05.000Z', kbVersion: '2026.12.1', codeVersion: 'her2scope 0.1.0' };

let cached: AnalysisResult | undefined;
/** The bundled SYNTHETIC example SYN-A analysed as the CLI and the server analyse it (loadCase + interpretCase). */
async function synA(): Promise<AnalysisResult> {
  cached ??= interpretCase(await loadCase(join(here, '..', '..', '..', 'examples', 'cases', 'a-erbb2-acquired.yaml')), loadKnowledgeBase(), { asOf: '2026-12-02' });
  return structuredClone(cached);
}

test('summary of SYN-A: receptors with IHC, the acquired ERBB2 L755S with VAF and prior letrozole, top three options, analysis version and date', async () => {
  const s = buildSummary(await synA(), ANALYSIS);
  assert.deepEqual(s.samples, [
    { id: 'A-PRIMARY', type: 'primary', site: 'breast', collected: '2016-03-02', her2: 'HER2-low', her2Category: 'HER2-low', ihc: 'IHC 1+', ish: null, er: 'positive (95%)', pr: 'positive (40%)' },
    { id: 'A-LIVER', type: 'metastasis', site: 'liver', collected: '2019-02-01', her2: 'HER2-low', her2Category: 'HER2-low', ihc: 'IHC 1+', ish: null, er: 'positive (90%)', pr: 'positive (5%)' },
  ]);
  assert.equal(s.events.length, 1);
  assert.deepEqual({ ...s.events[0], detail: undefined }, { kind: 'acquired', label: 'ERBB2 p.L755S', findingId: 'A-LIVER:variant:17:37880220:T:C', sample: 'A-LIVER', versus: 'A-PRIMARY', vaf: 'VAF 31%', exposure: ['letrozole, 33 months'], detail: undefined });
  assert.deepEqual(s.conversions, []);
  assert.deepEqual(
    s.options.map((o) => [o.rank, o.level, o.therapy]),
    [
      [1, 'A', 'inavolisib + palbociclib + fulvestrant'],
      [2, 'A', 'alpelisib + fulvestrant'],
      [3, 'A', 'capivasertib + fulvestrant'],
    ],
  );
  assert.equal(s.moreOptions, 2);
  assert.deepEqual(s.analysis, { version: 3, date: '2 Dec 2026, 01:17 UTC', kbVersion: '2026.12.1', codeVersion: 'her2scope 0.1.0' });
  assert.equal(buildSummary(await synA(), { ...ANALYSIS, finishedAt: null }).analysis.date, '2 Dec 2026, 01:16 UTC', 'a running analysis shows its start');
});

test('summary: lost and emerging events, conversions with exposure, ISH text, no pathology; options fewer than three', async () => {
  const base = await synA();
  // The details are prose the summary never parses: the labels come from `gene` and `alteration`.
  const change = (kind: string, detail: string, from: string, to: string, finding: [string, string, string] | null = null): Change =>
    ({ kind, detail, from, to, fromSample: 'A-PRIMARY', toSample: 'A-LIVER', afterTreatments: [{ drug: 'letrozole', start: '2016-04-01', end: '2019-01-10', months: 1 }], findingId: finding?.[0] ?? null, gene: finding?.[1] ?? null, alteration: finding?.[2] ?? null }) as unknown as Change;
  const liver = base.samples[1]!;
  const r: AnalysisResult = {
    ...base,
    samples: [
      { ...base.samples[0]!, classification: null },
      { ...liver, classification: { ...liver.classification!, her2: { ...liver.classification!.her2!, ihc: null, ishGroup: 4, ishRatioText: '1.77' }, er: { ...liver.classification!.er, status: 'not-tested', percent: null } } },
    ],
    changes: [
      change('lost-variant', 'x', 'VAF 0.23', 'not detected', ['A-PRIMARY:variant:3:178936091:G:A', 'PIK3CA', 'p.E545K']),
      change('emerging-variant', 'x', 'not detected', 'VAF 0.06', ['A-LIVER:variant:6:152094402:A:G', 'ESR1', 'p.D538G']),
      change('her2-conversion', 'HER2-0 to HER2-positive', 'HER2-0', 'HER2-positive'),
      change('acquired-variant', 'ERBB2 p.L755S acquired: absent from ...', 'not detected', 'VAF 0.31', ['A-LIVER:variant:17:37880220:T:C', 'ERBB2', 'p.L755S']),
      // an analysis stored before changes named their finding: a plain label, no evidence link
      { ...change('lost-variant', 'TP53 p.R175H lost: found in ...', 'VAF 0.1', 'not detected'), gene: undefined, alteration: undefined, findingId: undefined } as unknown as Change,
    ],
    therapyOptions: base.therapyOptions.slice(0, 1),
  };
  const s = buildSummary(r, ANALYSIS);
  assert.deepEqual(
    s.events.map((e) => [e.kind, e.label, e.findingId, e.vaf, e.exposure.join()]),
    [
      ['acquired', 'ERBB2 p.L755S', 'A-LIVER:variant:17:37880220:T:C', 'VAF 0.31', 'letrozole, 1 month'],
      ['emerging', 'ESR1 p.D538G', 'A-LIVER:variant:6:152094402:A:G', 'VAF 0.06', 'letrozole, 1 month'],
      ['lost', 'PIK3CA p.E545K', 'A-PRIMARY:variant:3:178936091:G:A', 'VAF 0.23', 'letrozole, 1 month'],
      ['lost', 'variant', null, 'VAF 0.1', 'letrozole, 1 month'],
    ],
  );
  assert.deepEqual(s.conversions.map((c) => [c.marker, c.from, c.to, c.fromSample, c.toSample]), [['HER2', 'HER2-0', 'HER2-positive', 'A-PRIMARY', 'A-LIVER']]);
  assert.deepEqual([s.samples[0]!.her2, s.samples[0]!.er, s.samples[0]!.ihc], ['no pathology', 'no pathology', null]);
  assert.deepEqual([s.samples[1]!.ish, s.samples[1]!.ihc, s.samples[1]!.er], ['ISH group 4, ratio 1.77', null, 'not tested']);
  assert.equal(s.options.length, 1);
  assert.equal(s.moreOptions, 0);
});

test('event labels from gene and alteration, IHC score from the HER2 result\'s ihc (never from rule ids), human dates', () => {
  assert.equal(eventLabel({ gene: 'ERBB2', alteration: 'p.L755S' }), 'ERBB2 p.L755S');
  assert.equal(eventLabel({ gene: 'ESR1', alteration: 'chr6:152094402 A>G' }), 'ESR1 chr6:152094402 A>G');
  assert.equal(eventLabel({ gene: 'ERBB2', alteration: null }), 'ERBB2');
  assert.equal(eventLabel({ gene: null, alteration: null }), 'variant');
  assert.equal(ihcScore({ her2: { ihc: '2+', rules: [] } } as never), 'IHC 2+');
  assert.equal(ihcScore({ her2: { ihc: '0', rules: [] } } as never), 'IHC 0');
  assert.equal(ihcScore({ her2: { ihc: null, rules: [{ id: 'her2.ihc.2+', source: '' }] } } as never), null);
  assert.equal(ihcScore({ her2: { rules: [{ id: 'her2.ihc.2+', source: '' }] } } as never), null, 'an analysis stored before the field: no score guessed from rule ids');
  assert.equal(ihcScore(null), null);
  assert.equal(humanDateTime('2016-03-02'), '2 Mar 2016');
  assert.equal(humanDateTime('2026-12-02T01:16:52Z'), '2 Dec 2026, 01:16 UTC');
  assert.equal(humanDateTime('2026-13-02'), '2026-13-02');
  assert.equal(humanDateTime('soon'), 'soon');
});

test('citation links are built from the citation ids: PubMed, DOI, current CIViC, FDA label on DailyMed, ClinicalTrials.gov', () => {
  assert.equal(citationHref({ type: 'pmid', id: 'PMID:30531871' }), 'https://pubmed.ncbi.nlm.nih.gov/30531871/');
  assert.equal(citationHref({ type: 'civic', id: 'EID5338', url: 'https://civic.genome.wustl.edu/links/evidence_items/5338' }), 'https://civicdb.org/evidence/5338/summary');
  assert.equal(citationHref({ type: 'civic', id: 'EID12x', url: 'https://civic.genome.wustl.edu/links/evidence_items/12' }), null, 'the retired CIViC host is never linked');
  assert.equal(citationHref({ type: 'label', id: 'FDA:Enhertu:2022-08-05' }), 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Enhertu');
  assert.equal(citationHref({ type: 'label', id: 'FDA:Enhertu', url: 'javascript:alert(1)' }), 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Enhertu');
  assert.equal(citationHref({ type: 'label', id: 'FDA:<script>' }), null);
  assert.equal(citationHref({ type: 'other', id: 'x', url: 'javascript:alert(1)' }), null, 'only https links');
  assert.equal(citationHref({ type: 'other', id: 'x', url: 'https://a.example/"onmouseover="x' }), null);
  assert.equal(citationHref({ type: 'doi', id: '10.1056/NEJMoa2508668' }), 'https://doi.org/10.1056/NEJMoa2508668');
  assert.equal(citationHref({ type: 'guideline', id: 'ASCO/CAP-HER2-2018', text: 'Wolff AC et al., doi:10.1200/JCO.2018.77.8738), affirmed 2023' }), 'https://doi.org/10.1200/JCO.2018.77.8738');
  assert.equal(citationHref({ type: 'trial', id: 'NCT04784715' }), 'https://clinicaltrials.gov/study/NCT04784715');
  assert.equal(citationHref({ type: 'trial', id: 'NCT123' }), null);
  assert.equal(citationHref({ type: 'other', id: 'OncoKB:ESR1-breast', url: 'https://www.oncokb.org/news' }), 'https://www.oncokb.org/news');
  assert.equal(citationHref({ type: 'other', id: 'Smyth2020' }), null);
  assert.deepEqual(['pmid', 'civic', 'label', 'doi', 'trial', 'guideline', 'other'].map((type) => citationKind({ type } as never)), ['PubMed', 'CIViC', 'FDA label', 'DOI', 'trial', 'guideline', 'source']);
});

function boxesOverlap(l: TimelineLayout): string[] {
  const out: string[] = [];
  const b = l.samples.map((s) => ({ id: s.label, x: s.x, ...s.block }));
  for (let i = 0; i < b.length; i++)
    for (let j = i + 1; j < b.length; j++) {
      const p = b[i]!;
      const q = b[j]!;
      if (p.x0 < q.x0 + q.w && q.x0 < p.x0 + p.w && p.y0 < q.y0 + q.h && q.y0 < p.y0 + p.h) out.push(`${p.id} overlaps ${q.id}`);
    }
  return out;
}

test('timeline: samples in date order with IHC and variant events, treatments in lanes, yearly ticks', () => {
  const l = layoutTimeline(
    [
      { id: 'b', label: 'LIVER', collected: '2019-02-01', her2: 'HER2-low', er: 'positive', ihc: 'IHC 1+', events: [{ kind: 'acquired', label: 'ERBB2 p.L755S' }] },
      { id: 'a', label: 'PRIMARY', collected: '2016-03-02', her2: 'HER2-low', er: 'positive', ihc: 'IHC 1+' },
    ],
    [
      { drug: 'letrozole', start: '2016-04-01', end: '2019-01-10' },
      { drug: 'palbociclib', start: '2017-01-01', end: '2018-01-01' },
      { drug: 'fulvestrant', start: '2019-03-01', end: null },
    ],
    900,
    '2020-03-01',
  );
  assert.deepEqual(l.samples.map((s) => s.label), ['PRIMARY', 'LIVER']);
  assert.equal(l.samples[0]!.x, 24);
  assert.deepEqual(l.samples[1]!.block.lines, [
    { text: 'LIVER', kind: 'label' },
    { text: 'IHC 1+ · HER2-low', kind: 'sub' },
    { text: 'ER positive · 2019-02-01', kind: 'sub' },
    { text: '▲ acquired ERBB2 p.L755S', kind: 'acquired' },
  ]);
  assert.deepEqual(l.samples.map((s) => s.block.row), [0, 0], 'far apart: one row');
  assert.deepEqual(l.treatments.map((t) => [t.drug, t.lane, t.ongoing, t.text]), [
    ['letrozole', 0, false, 'letrozole'],
    ['palbociclib', 1, false, 'palbociclib'],
    ['fulvestrant', 0, true, 'fulvestrant (ongoing)'],
  ]);
  assert.equal(Math.round(l.treatments[2]!.x2), 876, 'an ongoing treatment runs to today, the end of the axis');
  assert.deepEqual(l.ticks.map((t) => t.label), ['2017', '2018', '2019', '2020']);
  assert.equal(l.lanes, 2);
  assert.deepEqual(boxesOverlap(l), []);
  assert.ok(l.samples.every((s) => s.block.y0 + s.block.h < l.axisY && s.block.y0 >= 0));
  assert.deepEqual(layoutTimeline([], [], 900, '2020-01-01').samples, []);
  const one = layoutTimeline([{ id: 'x', label: 'X', collected: '2020-06-15', her2: null, er: null }], [], 900, '2020-06-15');
  assert.equal(Math.round(one.samples[0]!.x), 450, 'a single date sits in the middle');
  assert.equal(one.samples[0]!.block.lines[1]!.text, 'HER2 not tested');
});

test('timeline on a phone (350 px): close samples go to further rows, no block overlaps another, stems of isolated samples cross nothing, all inside the width', () => {
  const samples = ['2016-03-02', '2016-09-10', '2017-01-05', '2019-02-01', '2019-02-20', '2019-02-20', '2018-03-01'].map((d, i) => ({
    id: String(i),
    label: `SAMPLE-${i}`,
    collected: d,
    her2: 'HER2-ultralow',
    er: 'low-positive',
    ihc: 'IHC 0',
    events: i === 3 ? [{ kind: 'acquired' as const, label: 'ESR1 p.Y537S' }, { kind: 'lost' as const, label: 'PIK3CA p.H1047R' }] : [],
  }));
  const treatments = [
    { drug: 'anastrozole', start: '2016-04-01', end: '2016-05-01' },
    { drug: 'palbociclib', start: '2016-05-15', end: '2016-06-01' },
    { drug: 'trastuzumab deruxtecan', start: '2019-03-01', end: null },
  ];
  for (const width of [350, 600, 1100]) {
    const l = layoutTimeline(samples, treatments, width, '2020-01-01');
    assert.deepEqual(boxesOverlap(l), [], `width ${width}`);
    for (const s of l.samples) {
      assert.ok(s.block.x0 >= 0 && s.block.x0 + s.block.w <= width, `${s.label} inside ${width}`);
      assert.ok(s.block.y0 >= 0);
    }
    // A sample further than a label's width from every other sample has a stem that crosses no other block. (Closer
    // samples may have a stem pass behind a nearer block: blocks are opaque, text never overlaps.)
    const widest = Math.max(...l.samples.map((x) => x.block.w));
    const isolated = l.samples.filter((s) => l.samples.every((o) => o === s || Math.abs(o.x - s.x) > widest));
    if (width === 1100) assert.deepEqual(isolated.map((x) => x.label), ['SAMPLE-6']);
    for (const s of isolated) for (const o of l.samples) if (o !== s) assert.ok(!(s.x >= o.block.x0 && s.x <= o.block.x0 + o.block.w), `${s.label}'s stem crosses ${o.label} at ${width}`);
    // Treatment texts in one lane never overlap.
    for (const a of l.treatments)
      for (const b of l.treatments)
        if (a !== b && a.lane === b.lane) {
          const aw = [...a.text].length * TIMELINE_FONT.charSub;
          const bw = [...b.text].length * TIMELINE_FONT.charSub;
          assert.ok(!(a.textX < b.textX + bw && b.textX < a.textX + aw), `${a.drug} and ${b.drug} overlap at ${width}`);
        }
    assert.ok(l.ticks.length <= Math.floor((width - 48) / 56) || l.ticks.length <= 2);
  }
  const spaced = layoutTimeline(samples.filter((_, i) => i === 0 || i === 3), treatments, 600, '2020-01-01');
  assert.deepEqual(spaced.samples.map((s) => s.block.row), [0, 0], 'samples three years apart share the first row at 600 px');
  const narrow = layoutTimeline(samples, treatments, 350, '2020-01-01');
  assert.ok(Math.max(...narrow.samples.map((s) => s.block.row)) >= 2, 'rows are added on a narrow screen');
});

test('field checks with the core date rules: no date after today, none before the birth year, end on or after start, plausible birth year', () => {
  const today = '2026-12-02';
  assert.deepEqual(validateSample({ collected: '2031-01-01' }, today, 1964), [{ field: 'collected', message: 'Collection date 2031-01-01 is after today (2026-12-02)' }]);
  assert.deepEqual(validateSample({ collected: '1950-06-01' }, today, 1964), [{ field: 'collected', message: 'Collection date 1950-06-01 is before the birth year 1964' }]);
  assert.deepEqual(validateSample({ collected: '1950-06-01' }, today, null), [], 'no birth year: only the future is checked');
  assert.deepEqual(validateSample({ collected: '1950-06-01' }, today, 1850), [], 'an implausible stored birth year is not used');
  assert.deepEqual(validateSample({ collected: '2026-12-02' }, today, 1964), [], 'today is allowed');
  assert.deepEqual(validateSample({ collected: '2026-02-30' }, today, 1964), [{ field: 'collected', message: 'Collection date 2026-02-30 is not a valid date (YYYY-MM-DD)' }]);
  assert.deepEqual(validateSample({ collected: '' }, today, 1964), [{ field: 'collected', message: 'Collection date: enter a date' }]);
  assert.deepEqual(validateTreatment({ start: '2020-05-01', end: '2020-01-01' }, today, 1964), [{ field: 'end', message: 'End date 2020-01-01 is before the start date 2020-05-01' }]);
  assert.deepEqual(validateTreatment({ start: '2020-05-01', end: '2020-05-01' }, today, 1964), []);
  assert.deepEqual(validateTreatment({ start: '2020-05-01', end: '' }, today, 1964), []);
  assert.deepEqual(validateTreatment({ start: '', end: '' }, today, 1964), [{ field: 'start', message: 'Start date: enter a date' }]);
  assert.deepEqual(validateTreatment({ start: '2035-01-01', end: '2036-01-01' }, today, 1964), [
    { field: 'start', message: 'Start date 2035-01-01 is after today (2026-12-02)' },
    { field: 'end', message: 'End date 2036-01-01 is after today (2026-12-02)' },
  ]);
  for (const bad of ['2031', '1899', '19x4']) assert.deepEqual(validateBirthYear(bad, today), [{ field: 'birthYear', message: 'Birth year must be a year from 1900 to 2026' }], bad);
  assert.deepEqual(validateBirthYear('1964', today), []);
  assert.deepEqual(validateBirthYear('', today), []);
  assert.equal(localToday(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
});

test('API errors become field errors with human names, without internal paths', () => {
  const names = { end: 'End date', collected: 'Collection date', birthYear: 'Birth year' };
  // Issue 17 API: `fields: [{ field, label, message }]`, messages already naming the field.
  assert.deepEqual(
    fieldErrorsFrom(errorFrom(400, { error: 'invalid-input', field: 'end', message: 'End date 2019-01-01 is before the start date 2020-03-01', fields: [{ field: 'end', label: 'End date', message: 'End date 2019-01-01 is before the start date 2020-03-01' }, { field: 'collected', label: 'Collection date', message: 'must be a date' }, { nope: 1 }] }), names, 'x'),
    [
      { field: 'end', message: 'End date 2019-01-01 is before the start date 2020-03-01' },
      { field: 'collected', message: 'Collection date: must be a date' },
    ],
  );
  // Older answers: one `field` with an internal path in the message.
  assert.deepEqual(fieldErrorsFrom(errorFrom(400, { error: 'invalid-input', field: 'body.end', message: 'body.end: end is before start' }), names, 'x'), [{ field: 'end', message: 'End date: end is before start' }]);
  assert.deepEqual(fieldErrorsFrom(errorFrom(400, { error: 'invalid-input', field: 'body.weird', message: 'body.weird: bad' }), names, 'x'), [{ field: null, message: 'bad' }]);
  assert.deepEqual(fieldErrorsFrom(new Error('boom'), names, 'cannot add the sample'), [{ field: null, message: 'cannot add the sample' }]);
  assert.deepEqual(fieldErrorsFrom(new ApiError(409, 'conflict', 'a sample with this id exists'), names, 'x'), [{ field: null, message: 'a sample with this id exists' }]);
  assert.equal(stripPath('body.samples[0].collected: in the future', null), 'in the future');
  assert.equal(stripPath('plain message', 'body.x'), 'plain message');
});
