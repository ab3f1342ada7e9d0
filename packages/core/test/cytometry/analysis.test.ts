import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, seededRandom } from '@her2scope/core';
import {
  analyzeStemCells,
  describeDetectionLimit,
  formatRarePercent,
  autoThreshold,
  parseBulkHer2,
  parsePanel,
  percentileThreshold,
  STEM_CELL_POPULATIONS,
} from '@her2scope/core/cytometry';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

/** SYNTHETIC: 50,000 cells, 1,000 HER2+CD44+CD24-low (2.0%), 2,000 HER2+ CD24+, 4,000 HER2- CD44+CD24-low. */
function synthetic(extraDead = 0) {
  const n = 50000 + extraDead;
  const her2 = new Float64Array(n);
  const cd44 = new Float64Array(n);
  const cd24 = new Float64Array(n);
  const viab = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dead = i >= 50000;
    const a = i < 1000; // HER2+ CD44+ CD24-low
    const b = i >= 1000 && i < 3000; // HER2+ CD44+ CD24+
    const c = i >= 3000 && i < 7000; // HER2- CD44+ CD24-low
    her2[i] = a || b ? 5000 + (i % 97) : 100 + (i % 89);
    cd44[i] = a || b || c ? 8000 + (i % 71) : 200 + (i % 53);
    cd24[i] = a || c ? 50 + (i % 31) : 6000 + (i % 61);
    viab[i] = dead ? 9000 : 20;
  }
  return { n, her2, cd44, cd24, viab };
}

test('2.0% HER2+CD44+CD24-low among 50,000 live cells: exact counts, Wilson 95% CI and detection limit', () => {
  const s = synthetic(2500);
  const r = analyzeStemCells({
    eventCount: s.n,
    markers: {
      HER2: { channel: 'HER2-PE', values: s.her2, threshold: { value: 1000, source: 'panel' } },
      CD44: { channel: 'CD44-FITC', values: s.cd44, threshold: { value: 1000, source: 'panel' } },
      CD24: { channel: 'CD24-APC', values: s.cd24, threshold: { value: 1000, source: 'panel' } },
      viability: { channel: 'DAPI', values: s.viab, threshold: { value: 1000, source: 'panel' } },
    },
    bulkHer2: 'IHC 1+',
  });
  assert.equal(r.events, 50000);
  assert.equal(r.totalEvents, 52500);
  assert.deepEqual(
    r.populations.map((p) => [p.name, p.count, p.parent, p.fraction]),
    [
      ['HER2+', 3000, 'analysed', 0.06],
      ['CD44+CD24-low', 5000, 'analysed', 0.1],
      ['HER2+CD44+CD24-low', 1000, 'analysed', 0.02],
    ],
  );
  const both = r.populations[2]!;
  close(both.ci95[0], 0.018809236808095785);
  close(both.ci95[1], 0.021264513535083414);
  close(r.detectionLimit!, 5.99128506245549e-5, 1e-15);
  assert.equal(r.hiddenHer2StemCells, true);
  assert.equal(formatRarePercent(both.fraction!), '2.0%');
  assert.ok(r.notes.includes('2,500 viability-positive (dead) events were excluded.'));
  assert.ok(r.notes.some((x) => x.startsWith('Bulk HER2 is IHC 1+ (negative/low), yet 2.0% of analysed cells')));
  assert.deepEqual(r.thresholds.viability, { channel: 'DAPI', value: 1000, source: 'panel' });
  assert.equal(r.analysed, 'events live (DAPI below 1000)');
  assert.deepEqual([...STEM_CELL_POPULATIONS], r.populations.map((p) => p.name));
});

test('no stem cells: 0 of 20,000 reports < 0.015% at 95% and no flag; HER2-positive bulk never flags', () => {
  const n = 20000;
  const zeros = new Float64Array(n);
  const r = analyzeStemCells({
    eventCount: n,
    markers: {
      HER2: { channel: 'h', values: zeros, threshold: { value: 1, source: 'panel' } },
      CD44: { channel: 'a', values: zeros, threshold: { value: 1, source: 'panel' } },
      CD24: { channel: 'b', values: zeros, threshold: { value: 1, source: 'panel' } },
    },
    bulkHer2: 'HER2-low',
  });
  assert.equal(r.populations[2]!.count, 0);
  assert.deepEqual(r.populations[2]!.ci95, [0, r.populations[2]!.ci95[1]]);
  assert.equal(describeDetectionLimit(0, 20000), '0 of 20,000: < 0.015% at 95%');
  assert.ok(r.notes.includes('HER2+CD44+CD24-low 0 of 20,000: < 0.015% at 95%.'));
  assert.equal(r.hiddenHer2StemCells, false);

  const s = synthetic();
  const pos = analyzeStemCells({
    eventCount: s.n,
    markers: {
      HER2: { channel: 'h', values: s.her2, threshold: { value: 1000, source: 'panel' } },
      CD44: { channel: 'a', values: s.cd44, threshold: { value: 1000, source: 'panel' } },
      CD24: { channel: 'b', values: s.cd24, threshold: { value: 1000, source: 'panel' } },
    },
    bulkHer2: 'IHC 3+',
  });
  assert.equal(pos.hiddenHer2StemCells, false);
  const none = analyzeStemCells({ eventCount: s.n, markers: pos.thresholds && { HER2: { channel: 'h', values: s.her2, threshold: { value: 1000, source: 'panel' } }, CD44: { channel: 'a', values: s.cd44, threshold: { value: 1000, source: 'panel' } }, CD24: { channel: 'b', values: s.cd24, threshold: { value: 1000, source: 'panel' } } } });
  assert.equal(none.hiddenHer2StemCells, false);
  assert.equal(none.bulkHer2, null);
  assert.ok(none.notes.some((x) => x.includes('not assessed')));
});

test('a population at the detection limit is not flagged: 2 of 50,000 is below 1 - 0.05^(1/50000)', () => {
  const n = 50000;
  const her2 = new Float64Array(n);
  const cd44 = new Float64Array(n);
  const cd24 = new Float64Array(n).fill(5000);
  for (let i = 0; i < 2; i++) {
    her2[i] = 5000;
    cd44[i] = 5000;
    cd24[i] = 0;
  }
  const run = () =>
    analyzeStemCells({
      eventCount: n,
      markers: {
        HER2: { channel: 'h', values: her2, threshold: { value: 1000, source: 'panel' } },
        CD44: { channel: 'a', values: cd44, threshold: { value: 1000, source: 'panel' } },
        CD24: { channel: 'b', values: cd24, threshold: { value: 1000, source: 'panel' } },
      },
      bulkHer2: 'IHC 0',
    });
  assert.equal(run().hiddenHer2StemCells, false); // 4e-5 < 5.99e-5
  for (let i = 2; i < 4; i++) {
    her2[i] = 5000;
    cd44[i] = 5000;
    cd24[i] = 0;
  }
  assert.equal(run().hiddenHer2StemCells, true); // 8e-5 > 5.99e-5
});

test('gate, lineage and per-cell calls; missing values are excluded and counted', () => {
  const her2 = Float64Array.from([5000, 5000, 10, Number.NaN, 5000, 5000]);
  const cd44 = Float64Array.from([5000, 5000, 5000, 5000, 5000, 5000]);
  const cd24calls = Uint8Array.from([0, 1, 0, 0, 0, 255]);
  const epcam = Float64Array.from([900, 900, 900, 900, 10, 900]);
  const gate = Uint8Array.from([1, 1, 1, 1, 1, 0]);
  const r = analyzeStemCells({
    eventCount: 6,
    markers: {
      HER2: { channel: 'HER2 mean', values: her2, threshold: { value: 1000, source: 'control' } },
      CD44: { channel: 'CD44 mean', values: cd44, threshold: { value: 1000, source: 'automatic' } },
      CD24: { channel: 'CD24 call', calls: cd24calls },
      lineage: { channel: 'EpCAM', values: epcam, threshold: { value: 100, source: 'panel' } },
    },
    gate: { membership: gate, name: 'Cells' },
  });
  assert.equal(r.events, 3);
  assert.deepEqual(r.populations.map((p) => p.count), [2, 2, 1]);
  assert.ok(r.notes.includes("1 events outside gate 'Cells' were not analysed."));
  assert.ok(r.notes.includes('1 lineage-negative events were excluded.'));
  assert.ok(r.notes.includes('1 events with a missing marker value were excluded.'));
  assert.ok(r.notes.some((x) => x.startsWith('CD44 threshold 1000 was set automatically')));
  assert.deepEqual(r.thresholds.CD24, { channel: 'CD24 call', value: null, source: 'calls' });
  assert.equal(r.analysed, "events inside gate 'Cells', lineage-positive (EpCAM at or above 100)");
  const empty = analyzeStemCells({ eventCount: 0, markers: { HER2: { channel: 'h', values: new Float64Array(0), threshold: { value: 1, source: 'panel' } }, CD44: { channel: 'a', calls: new Uint8Array(0) }, CD24: { channel: 'b', calls: new Uint8Array(0) } } });
  assert.equal(empty.events, 0);
  assert.equal(empty.detectionLimit, null);
  assert.equal(empty.populations[0]!.fraction, null);
  assert.deepEqual(empty.populations[0]!.ci95, [0, 1]);
});

test('threshold helpers: nearest-rank percentile and the automatic minimum-error split on an imbalanced bimodal sample', () => {
  const v = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentileThreshold(v, 99), 99);
  assert.equal(percentileThreshold(v, 100), 100);
  assert.equal(percentileThreshold(v, 50, Uint8Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : 0))), 5);
  assert.equal(percentileThreshold(Float64Array.from([Number.NaN]), 99), null);
  // two well separated populations: the split falls between them
  const bi = new Float64Array(2000);
  for (let i = 0; i < 2000; i++) bi[i] = i < 1500 ? 50 + (i % 40) : 20000 + (i % 500) * 10;
  const t = autoThreshold(bi)!;
  assert.ok(t > 90 && t < 20000, `Otsu threshold ${t}`);
  assert.equal(autoThreshold(Float64Array.from([5, 5, 5])), null);
});

test('panel validation and bulk HER2 wording', () => {
  const p = parsePanel({ markers: { HER2: 'PE-A', CD44: 'FITC-A', CD24: 'APC-A', viability: 'DAPI' }, thresholds: { HER2: 1200 }, bulkHer2: 0 });
  assert.equal(p.markers?.viability, 'DAPI');
  assert.equal(p.bulkHer2, '0');
  assert.throws(() => parsePanel({ markers: { HER2: 'PE-A', CD44: 'FITC-A' } }), (e: unknown) => e instanceof InputError && e.field === 'markers.CD24' && /channel name/.test(e.message));
  assert.throws(() => parsePanel({ markers: { HER2: 'a', CD44: 'b', CD24: 'c' }, thresholds: { HER2: 'high' } }), (e: unknown) => e instanceof InputError && e.field === 'thresholds.HER2');
  assert.throws(() => parsePanel({ markers: { HER2: 'a', CD44: 'b', CD24: 'c' }, colour: 'red' }), (e: unknown) => e instanceof InputError && e.message === 'colour: unknown field');
  assert.throws(() => parsePanel({ markers: { HER2: 'a', CD44: 'b', CD24: 'c', CD133: 'd' } }), (e: unknown) => e instanceof InputError && e.field === 'markers.CD133');
  for (const neg of ['IHC 0', 'IHC 1+', 'HER2-low', 'HER2-ultralow', 'HER2-null', 'negative', '0', 'IHC 2+ ISH-']) assert.equal(parseBulkHer2(neg), 'negative-or-low', neg);
  for (const pos of ['IHC 3+', 'HER2-positive', 'positive', '2+ ISH+']) assert.equal(parseBulkHer2(pos), 'positive', pos);
  assert.equal(parseBulkHer2('IHC 2+'), 'equivocal');
  assert.throws(() => parseBulkHer2('maybe'), (e: unknown) => e instanceof InputError && e.field === 'bulkHer2' && /'maybe' is not a bulk HER2 result/.test(e.message));
});

test('intensity columns (the fast path) and the same decisions given as calls give the same result, NaN, dead, lineage-negative and gated events included', () => {
  const n = 4001;
  const rnd = seededRandom(11);
  const col = (nanEvery: number) => Float64Array.from({ length: n }, (_, i) => (i % nanEvery === 0 ? Number.NaN : rnd() * 2000));
  const v = { HER2: col(97), CD44: col(89), CD24: col(83), viability: col(79), lineage: col(73) };
  const t = 1000;
  const gate = Uint8Array.from({ length: n }, () => (rnd() < 0.9 ? 1 : 0));
  // Values exactly at the threshold count as positive: event 5 HER2+ stem cell, 6 CD24 positive, 7 dead, 8 lineage+.
  for (const [i, h, a, b, dead, lin] of [[5, t, 1500, 0, 0, 1500], [6, 1500, 1500, t, 0, 1500], [7, 1500, 1500, 0, t, 1500], [8, 1500, 1500, 0, 0, t]] as const) {
    [v.HER2[i], v.CD44[i], v.CD24[i], v.viability[i], v.lineage[i], gate[i]] = [h, a, b, dead, lin, 1];
  }
  // Only events 5-8, as a check of the boundary decisions on their own.
  const only = Uint8Array.from({ length: n }, (_, i) => (i >= 5 && i <= 8 ? 1 : 0));
  const asCalls = (x: Float64Array) => Uint8Array.from(x, (y) => (Number.isNaN(y) ? 255 : y >= t ? 1 : 0));
  const values = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, { channel: k, values: x, threshold: { value: t, source: 'panel' as const } }]));
  const calls = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, { channel: k, calls: asCalls(x) }]));
  const a = analyzeStemCells({ eventCount: n, markers: values as Parameters<typeof analyzeStemCells>[0]['markers'], gate: { membership: gate, name: 'G' } });
  const b = analyzeStemCells({ eventCount: n, markers: calls as Parameters<typeof analyzeStemCells>[0]['markers'], gate: { membership: gate, name: 'G' } });
  assert.deepEqual(a.populations, b.populations);
  assert.equal(a.events, b.events);
  const counts = (r: typeof a) => r.notes.filter((x) => /^[\d,]+ /.test(x));
  assert.deepEqual(counts(a), counts(b));
  assert.equal(counts(a).length, 4, counts(a).join('\n'));
  assert.ok(a.events > 500 && a.events < 1500, `analysed ${a.events}`);
  const edge = analyzeStemCells({ eventCount: n, markers: values as Parameters<typeof analyzeStemCells>[0]['markers'], gate: { membership: only, name: 'edge' } });
  assert.equal(edge.events, 3);
  assert.deepEqual(edge.populations.map((p) => p.count), [3, 2, 2]);
});
