/** The hidden HER2+ stem-cell flag judged by the core against a case sample's classified HER2 (issue 13). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessBulkHer2, NO_BULK_HER2_NOTE, summarizeStemCells, type CytometryResult } from '../../src/cytometry/index.ts';

const counts = (deferBulkHer2: boolean, bulkHer2: string | null = null): CytometryResult =>
  summarizeStemCells({ totalEvents: 2100, analysed: 2000, her2: 160, stem: 200, both: 60, analysedText: 'live events', thresholds: {}, notes: [], bulkHer2, ...(deferBulkHer2 ? { deferBulkHer2 } : {}) });

test('deferred: no bulk note, flag false, bulkHer2 null; assessed later exactly as if given at once', () => {
  const deferred = counts(true);
  assert.equal(deferred.bulkHer2, null);
  assert.equal(deferred.hiddenHer2StemCells, false);
  assert.deepEqual(deferred.notes, [
    'HER2+CD44+CD24-low: only 60 events (< 100); the estimate is imprecise (see its 95% CI).',
    'HER2+CD44+CD24-low 60 of 2,000: 3.0% (95% CI 2.3%-3.8%); detection limit 0.15% at 95%.',
  ]);
  for (const bulk of ['HER2-ultralow', 'HER2-low', 'HER2-0', 'HER2-positive', 'equivocal']) {
    assert.deepEqual(assessBulkHer2(deferred, bulk), counts(false, bulk), bulk);
  }
  assert.equal(assessBulkHer2(deferred, 'HER2-ultralow').hiddenHer2StemCells, true);
  assert.equal(assessBulkHer2(deferred, 'HER2-positive').hiddenHer2StemCells, false);
  assert.equal(deferred.hiddenHer2StemCells, false, 'the input is not changed');
});

test('a result that said "no bulk HER2 given" loses that note when assessed', () => {
  const unassessed = counts(false);
  assert.equal(unassessed.notes.at(-1), NO_BULK_HER2_NOTE);
  const r = assessBulkHer2(unassessed, 'HER2-low');
  assert.equal(r.hiddenHer2StemCells, true);
  assert.ok(!r.notes.includes(NO_BULK_HER2_NOTE));
  assert.match(r.notes.at(-1) ?? '', /^Bulk HER2 is HER2-low \(negative\/low\), yet 3\.0% of analysed cells are HER2\+CD44\+CD24-low/);
});

test('already assessed, or without the stem-cell populations: returned as it is', () => {
  const given = counts(false, 'HER2-positive');
  assert.equal(assessBulkHer2(given, 'HER2-ultralow'), given);
  const gatesOnly: CytometryResult = { events: 10, populations: [{ name: 'G1', count: 5, parent: 'all', fraction: 0.5, ci95: [0.2, 0.8] }], hiddenHer2StemCells: false, detectionLimit: 0.26, totalEvents: 10, analysed: 'all events', thresholds: {}, bulkHer2: null, notes: [] };
  assert.equal(assessBulkHer2(gatesOnly, 'HER2-ultralow'), gatesOnly);
});

test('a bulk value that is not a HER2 result is an input error', () => {
  assert.throws(() => assessBulkHer2(counts(true), 'maybe'), /bulkHer2: 'maybe' is not a bulk HER2 result/);
});
