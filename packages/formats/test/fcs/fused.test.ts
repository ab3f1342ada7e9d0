// Fused decode + compensation (fcs/fused.ts, FcsFile.compensatedColumns): the same doubles, bit for bit, as decoding
// the columns and compensating them with core's compensate(), in every layout it accepts; null where it does not apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compensate, compensationMatrix, evaluateGates, type GatingStrategy } from '@her2scope/core/cytometry';
import { parseFcs, writeFcs } from '@her2scope/formats/fcs';
import { fcsEventSource } from '@her2scope/formats/cytometry';
import { seededRandom } from '@her2scope/core';

const NAMES = ['FSC-A', 'A', 'B', 'C', 'Time'];
// Spillover with zero entries (skipped terms) and a detector order that differs from the parameter order.
const SPILL = '3,C,A,B,1,0.2,0,0.05,1,0.1,0,0.3,1';

function sample(n: number): number[][] {
  const rnd = seededRandom(7);
  const cols = NAMES.map(() => Array.from({ length: n }, () => (rnd() - 0.2) * 1e5));
  // Hostile values: NaN, ±Infinity, -0, huge and tiny floats.
  const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 3.4e38, 1.2e-38];
  odd.forEach((v, i) => {
    cols[1 + (i % 3)]![i] = v;
  });
  return cols;
}

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

for (const [dataType, byteOrder] of [['F', 'le'], ['F', 'be'], ['D', 'le'], ['D', 'be']] as const) {
  test(`fused compensation of ${dataType} data (${byteOrder}) equals decode + compensate bit for bit`, () => {
    const n = 1000;
    const bytes = writeFcs({ dataType, byteOrder, parameters: NAMES.map((name) => ({ name })), columns: sample(n), keywords: { $SPILLOVER: SPILL } });
    const fused = parseFcs(bytes, 'f.fcs');
    const plain = parseFcs(bytes, 'p.fcs');
    const spill = fused.spillover();
    assert.ok(spill);
    const k = compensationMatrix(spill);
    const idx = spill.detectors.map((d) => fused.channelIndex(d));
    assert.deepEqual(idx, [3, 1, 2]);
    const got = fused.compensatedColumns(idx, k, [2, 0]);
    assert.ok(got, 'the fused path applies');
    assert.equal(got[1], null);
    const want = compensate(idx.map((i) => plain.scaledColumn(i)), k, [0, 2]);
    for (const j of [0, 2]) assert.ok(bitsEqual(got[j]!, want[j]!), `column ${j}`);
    // The hostile values went through: event 0 has a NaN detector (A), so its outputs using A are NaN.
    assert.ok(Number.isNaN(got[2]![0]!));
    // After the fused pass (and the in-place swap of big-endian data) the columns still decode as stored.
    assert.ok(Object.is(fused.rawColumn(1)[3], -0));
    assert.ok(Number.isNaN(fused.rawColumn(1)[0]!));
    assert.deepEqual(Array.from(fused.rawColumn(4).subarray(0, 5)), Array.from(plain.rawColumn(4).subarray(0, 5)));
  });
}

test('fused compensation: null for integer data, a detector with a $PnG gain, or a permuted byte order; the gates give the same counts', () => {
  const n = 200;
  const cols = sample(n).map((c) => c.map((v) => (Number.isFinite(v) ? Math.abs(Math.round(v)) % 60000 : 5)));
  const mk = (extra: Partial<Parameters<typeof writeFcs>[0]>) => parseFcs(writeFcs({ parameters: NAMES.map((name) => ({ name, bits: 16, range: 65536 })), columns: cols, keywords: { $SPILLOVER: SPILL }, ...extra }), 'x.fcs');
  const k = compensationMatrix({ detectors: ['C', 'A', 'B'], fluorochromes: ['C', 'A', 'B'], values: [[1, 0.2, 0], [0.05, 1, 0.1], [0, 0.3, 1]] });
  assert.equal(mk({ dataType: 'I' }).compensatedColumns([3, 1, 2], k, [0]), null);
  assert.equal(mk({ dataType: 'F', byteOrder: '3,4,1,2' }).compensatedColumns([3, 1, 2], k, [0]), null);
  const gained = parseFcs(writeFcs({ dataType: 'F', parameters: NAMES.map((name) => ({ name, ...(name === 'A' ? { gain: 2 } : {}) })), columns: cols, keywords: { $SPILLOVER: SPILL } }), 'g.fcs');
  assert.equal(gained.compensatedColumns([3, 1, 2], k, [0]), null);
  assert.ok(gained.compensatedColumns([3, 2], [[1, 0], [0.5, 1]], [0]), 'without the gained detector it applies');
  // A rectangle gate on compensated values: the fused source and the column-by-column source agree.
  const strategy: GatingStrategy = {
    gates: [{ id: 'g', parentId: null, type: 'rectangle', dimensions: [{ dimension: { kind: 'fcs', name: 'A', compensation: 'FCS', transform: null }, min: 1000, max: 40000 }] }],
    transforms: {},
    ratios: {},
    matrices: {},
  };
  for (const f of [mk({ dataType: 'F' }), mk({ dataType: 'I' }), gained]) {
    const spill = f.spillover();
    const viaFused = evaluateGates(strategy, fcsEventSource(f, spill))[0]!;
    const plain = { ...fcsEventSource(f, spill), compensated: undefined };
    const viaColumns = evaluateGates(strategy, plain)[0]!;
    assert.equal(viaFused.count, viaColumns.count);
    assert.deepEqual(viaFused.membership, viaColumns.membership);
    assert.ok(viaFused.count > 10 && viaFused.count < n - 10, `count ${viaFused.count}`);
  }
});

test('fused compensation rejects inconsistent layouts', async () => {
  const { compensateRows } = await import('../../src/fcs/fused.ts');
  const src = new Float32Array(8);
  assert.throws(() => compensateRows(src, 4, 2, [0, 1], [[1]], [0]), /2 detector offsets for a 1-row matrix/);
  assert.throws(() => compensateRows(src, 4, 2, [4], [[1]], [0]), /detector offset 4 is outside the 4-value row/);
  assert.throws(() => compensateRows(src, 4, 3, [0], [[1]], [0]), /8 stored values for 3 events of 4/);
  assert.throws(() => compensateRows(src, 4, 2, [0], [[1]], [1]), /output 1 is outside 0\.\.0/);
  const big = Array.from({ length: 65 }, (_, i) => Array.from({ length: 65 }, (_, j) => (i === j ? 1 : 0.01)));
  assert.equal(compensateRows(new Float32Array(65 * 2), 65, 2, big.map((_, i) => i), big, big.map((_, i) => i)), null, 'too many terms');
  // All-zero column: zeros, as compensate() gives.
  assert.deepEqual(Array.from(compensateRows(new Float32Array([1, 2, 3, 4]), 2, 2, [0, 1], [[0, 1], [0, 1]], [0])![0]!), [0, 0]);
});
