/**
 * Issue 16 in the web app's pure logic: the copy-number track of the timeline (laid out from the e-ctdna example's
 * analysis, the checked-in `her2scope analyze --json` golden, at phone and desk widths), the sample form's fraction
 * checks, the reads / index / reference pairing shown with the files, and upload errors placed next to their field.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AnalysisResult } from '@her2scope/core';
import { assertGolden } from '../../../scripts/golden.ts';
import { ApiError } from '../src/api.ts';
import { uploadErrors } from '../src/components/UploadForm.tsx';
import { readsPairing } from '../src/pairing.ts';
import { cnTrackGenes, layoutTimeline, TIMELINE_FONT, type TimelineLayout, type TimelineSample } from '../src/timeline.ts';
import { validateFractions } from '../src/validation.ts';

const here = dirname(fileURLToPath(import.meta.url));
const example = JSON.parse(readFileSync(join(here, '..', '..', 'cli', 'test', 'expected', 'e-ctdna.json'), 'utf8')) as AnalysisResult;

/** The timeline's input as the patient page builds it from the analysis (Timeline.tsx / PatientPage.tsx). */
function timelineInput(r: AnalysisResult): TimelineSample[] {
  return r.samples.map((s) => ({
    id: s.id,
    label: s.id,
    collected: s.collected,
    her2: s.classification?.her2?.category ?? null,
    er: s.classification?.er.status ?? null,
    ...(s.copyNumber ? { copyNumber: s.copyNumber.genes.map((g) => ({ gene: g.gene, status: g.status, copyNumber: g.copyNumber })) } : {}),
  }));
}

type Box = { name: string; x0: number; y0: number; w: number; h: number };

/** Every text box of the figure: sample blocks, copy-number blocks and treatment labels. */
function boxes(l: TimelineLayout): Box[] {
  const out: Box[] = l.samples.map((s) => ({ name: `sample ${s.id}`, ...s.block }));
  for (const b of l.cnTrack?.blocks ?? []) out.push({ name: `cn ${b.sampleId}`, x0: b.x0, y0: b.y0, w: b.w, h: b.h });
  if (l.cnTrack) out.push({ name: 'cn title', x0: l.cnTrack.title.x, y0: l.cnTrack.title.y - 12, w: [...l.cnTrack.title.text].length * TIMELINE_FONT.charSub, h: 14 });
  for (const t of l.treatments) out.push({ name: `treatment ${t.drug}`, x0: Math.min(t.x1, t.textX), y0: t.y - 9, w: Math.max(t.x2, t.textX + [...t.text].length * TIMELINE_FONT.charSub) - Math.min(t.x1, t.textX), h: 18 });
  return out;
}

function collisions(l: TimelineLayout): string[] {
  const b = boxes(l);
  const out: string[] = [];
  for (let i = 0; i < b.length; i++) {
    for (let j = i + 1; j < b.length; j++) {
      const p = b[i]!;
      const q = b[j]!;
      if (p.x0 < q.x0 + q.w && q.x0 < p.x0 + p.w && p.y0 < q.y0 + q.h && q.y0 < p.y0 + p.h) out.push(`${p.name} overlaps ${q.name}`);
    }
  }
  return out;
}

test('copy-number track: ERBB2 and the non-neutral genes per sample with copy number, no text over text, inside the width, at 390 px and 1200 px', () => {
  const samples = timelineInput(example);
  const liver = example.samples.find((s) => s.copyNumber)!;
  for (const width of [390, 1200]) {
    const l = layoutTimeline(samples, example.treatments.map((t) => ({ drug: t.drug, start: t.start, end: t.end ?? null })), width, '2022-06-01');
    assert.ok(l.cnTrack, 'a track when a sample has copy number');
    assert.deepEqual(l.cnTrack.blocks.map((b) => b.sampleId), [liver.id], 'one block per sample with copy number (plasma draws have none)');
    const shown = cnTrackGenes(liver.copyNumber!.genes.map((g) => ({ gene: g.gene, status: g.status, copyNumber: g.copyNumber })));
    assert.equal(shown[0]!.gene, 'ERBB2');
    assert.ok(shown.slice(1).every((g) => g.status !== 'neutral'), 'other genes only when not neutral');
    const erbb2 = liver.copyNumber!.genes.find((g) => g.gene === 'ERBB2')!;
    assert.equal(l.cnTrack.blocks[0]!.lines[1]!.text, `ERBB2 ${erbb2.status === 'amplification' ? 'amplified' : erbb2.status} (CN ${Number(erbb2.copyNumber.toFixed(1))})`);
    assert.deepEqual(collisions(l), [], `no collisions at ${width} px`);
    for (const b of boxes(l)) assert.ok(b.x0 >= 0 && b.x0 + b.w <= width, `${b.name} inside ${width} px`);
    // The track sits below the axis labels and above the treatments.
    assert.ok(l.cnTrack.title.y > l.axisY + 20);
    assert.ok(l.treatments.every((t) => t.y - 9 > l.cnTrack!.y + l.cnTrack!.height - 30));
    assert.ok(l.height >= Math.max(...l.treatments.map((t) => t.y + 9)));
  }
  assertGolden(join(here, 'expected', 'timeline-cn-390.json'), layoutTimeline(samples, example.treatments.map((t) => ({ drug: t.drug, start: t.start, end: t.end ?? null })), 390, '2022-06-01'));
});

test('copy-number track: two samples with copy number a week apart stack in rows instead of overlapping; none without copy number', () => {
  const cn = (status: string, copyNumber: number) => [{ gene: 'ERBB2', status, copyNumber }, { gene: 'CCND1', status: 'gain', copyNumber: 3.4 }, { gene: 'ESR1', status: 'neutral', copyNumber: 2 }];
  const samples: TimelineSample[] = [
    { id: 'a', label: 'LIVER-BIOPSY-1', collected: '2022-04-12', her2: 'HER2-low', er: 'positive', copyNumber: cn('amplification', 13.3) },
    { id: 'b', label: 'LIVER-BIOPSY-2', collected: '2022-04-19', her2: 'HER2-low', er: 'positive', copyNumber: cn('neutral', 2.1) },
  ];
  const l = layoutTimeline(samples, [{ drug: 'letrozole', start: '2019-02-01', end: null }], 390, '2022-06-01');
  assert.deepEqual(l.cnTrack!.blocks.map((b) => [b.sampleId, b.row, b.lines.map((x) => x.text)]), [
    ['a', 0, ['LIVER-BIOPSY-1', 'ERBB2 amplified (CN 13.3)', 'CCND1 gain (CN 3.4)']],
    ['b', 1, ['LIVER-BIOPSY-2', 'ERBB2 neutral (CN 2.1)', 'CCND1 gain (CN 3.4)']],
  ]);
  assert.deepEqual(collisions(l), []);
  assert.equal(layoutTimeline(samples.map(({ copyNumber: _, ...s }) => s), [], 390, '2022-06-01').cnTrack, null);
});

test('sample form: purity > 0 and <= 1, tumour fraction 0-1 and for plasma only; empty is not given', () => {
  assert.deepEqual(validateFractions({ type: 'plasma', purity: '', tumorFraction: '0.02' }), { errors: [], purity: null, tumorFraction: 0.02 });
  assert.deepEqual(validateFractions({ type: 'primary', purity: ' 0.6 ', tumorFraction: '' }), { errors: [], purity: 0.6, tumorFraction: null });
  assert.deepEqual(validateFractions({ type: 'plasma', purity: '0', tumorFraction: '0' }).errors, [{ field: 'purity', message: 'Purity must be a fraction > 0 and <= 1 (e.g. 0.6 for 60%)' }]);
  assert.deepEqual(validateFractions({ type: 'primary', purity: '60', tumorFraction: '0.1' }).errors, [
    { field: 'purity', message: 'Purity must be a fraction > 0 and <= 1 (e.g. 0.6 for 60%)' },
    { field: 'tumorFraction', message: 'Tumour fraction is for plasma samples only' },
  ]);
  assert.deepEqual(validateFractions({ type: 'plasma', purity: '1', tumorFraction: '1.5' }).errors, [{ field: 'tumorFraction', message: 'Tumour fraction must be a fraction from 0 to 1 (e.g. 0.6 for 60%)' }]);
  assert.equal(validateFractions({ type: 'plasma', purity: '0.5x', tumorFraction: '' }).errors[0]?.field, 'purity');
});

test('reads pairing shown with the files: what a BAM or CRAM still needs, the latest active file of each kind', () => {
  const f = (kind: string, originalName: string, format?: string, status = 'active') => ({ kind, originalName, options: format ? { format } : {}, status });
  assert.deepEqual(readsPairing([]), { reads: null, missing: [] });
  assert.deepEqual(readsPairing([f('reads', 'p.bam', 'bam')]), { reads: { name: 'p.bam', format: 'bam' }, missing: ['its index (.bai or .csi)'] });
  assert.deepEqual(readsPairing([f('reads', 'p.bam', 'bam'), f('reads-index', 'p.bam.bai', 'bai')]).missing, []);
  assert.deepEqual(readsPairing([f('reads', 'p.bam', 'bam'), f('reads-index', 'p.cram.crai', 'crai')]).missing, ['a BAM index (.bai or .csi): p.cram.crai is a CRAM index']);
  assert.deepEqual(readsPairing([f('reads', 'p.cram', 'cram'), f('reads-index', 'p.cram.crai', 'crai')]).missing, ['the reference FASTA it was written against', 'the reference FASTA index (.fai)']);
  assert.deepEqual(readsPairing([f('reads', 'p.cram', 'cram'), f('reads-index', 'x.bai', 'bai'), f('reference', 'ref.fa', 'fa'), f('reference-index', 'ref.fa.fai', 'fai')]).missing, ['a CRAM index (.crai): x.bai is a BAM index']);
  // An index entered in error does not count.
  assert.deepEqual(readsPairing([f('reads', 'p.bam', 'bam'), f('reads-index', 'p.bam.bai', 'bai', 'entered-in-error')]).missing, ['its index (.bai or .csi)']);
  assert.deepEqual(readsPairing([f('reads-index', 'p.bam.bai', 'bai')]), { reads: null, missing: ['the BAM or CRAM these index / reference files belong to (kind: reads)'] });
});

test('upload errors go next to their field: query options by name, content problems to the file', () => {
  const purity = 'Purity must be a fraction > 0 and <= 1';
  assert.deepEqual(uploadErrors(new ApiError(400, 'invalid-input', purity, 'purity', [{ field: 'purity', label: 'Purity', message: purity }])), [{ field: 'purity', message: purity }]);
  const misplaced = 'sample applies to a FlowJo workspace (kind=flowjo-workspace) or copy-number upload';
  assert.deepEqual(uploadErrors(new ApiError(400, 'bad-request', misplaced, 'querystring.sample')), [{ field: 'sample', message: misplaced }]);
  const content = 'calls.bam: is neither a BAM (BGZF-compressed, "BAM\\1") nor a CRAM ("CRAM") file';
  assert.deepEqual(uploadErrors(new ApiError(400, 'invalid-input', content)), [{ field: 'file', message: content }]);
  assert.deepEqual(uploadErrors(new Error('network')), [{ field: 'file', message: 'upload failed' }]);
});
