/**
 * Seeded fuzz test of the FCS reader: 2,500 corrupted files (byte flips, truncations, HEADER offset edits, TEXT
 * keyword edits, inserted/deleted bytes). Every one must either parse (and then decode every column) or fail with
 * an InputError; never another exception, a crash or a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@her2scope/core';
import { parseFcs, writeFcs } from '@her2scope/formats/fcs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'fcs');

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const bases: Uint8Array[] = [
  readFileSync(join(fixtures, 'variable_int_example.fcs')),
  readFileSync(join(fixtures, 'data_set_simple_line_100.fcs')),
  readFileSync(join(fixtures, 'data_start_offset_discrepancy_example.fcs')),
  writeFcs({
    version: '2.0',
    dataType: 'I',
    byteOrder: 'be',
    parameters: [
      { name: 'FSC-H', bits: 16, range: 1024, gain: 2 },
      { name: 'FL1-H', bits: 8, range: 200, amplification: [4, 0] },
      { name: 'FL2-H', bits: 32, range: 70000 },
      { name: 'Time', bits: 24, range: 2 ** 24 },
    ],
    columns: [
      [1, 2, 3, 1023, 500],
      [0, 255, 100, 7, 9],
      [65535, 69999, 1, 2, 3],
      [10, 20, 30, 40, 50],
    ],
    keywords: { $TIMESTEP: '0.01', SPILL: '2,FL1-H,FL2-H,1,0.1,0.05,1' },
  }),
  writeFcs({
    version: '3.1',
    dataType: 'D',
    parameters: [{ name: 'A', label: 'CD44' }, { name: 'B/C', label: 'HER2' }],
    columns: [
      [1.5, -2, 3e6],
      [0, 1, 2],
    ],
    keywords: { $SPILLOVER: '2,A,B/C,1,0.2,0,1' },
    supplementalKeywords: { NOTE: 'stext' },
    analysisKeywords: { G: '1' },
  }),
  writeFcs({ version: '3.0', dataType: 'F', byteOrder: '3,4,1,2', parameters: [{ name: 'X' }, { name: 'Y' }], columns: [[1, 2], [3, 4]], zeroHeaderDataOffsets: true }),
];

function mutate(base: Uint8Array, rnd: () => number): Uint8Array {
  const b = Uint8Array.from(base);
  const pick = (n: number) => Math.floor(rnd() * n);
  const textEnd = Math.min(b.length, Number(Buffer.from(b.subarray(18, 26)).toString('latin1').trim()) + 1 || 512);
  switch (pick(8)) {
    case 0: {
      // flip a few random bytes anywhere
      const k = 1 + pick(8);
      for (let i = 0; i < k; i++) b[pick(b.length)] = pick(256);
      return b;
    }
    case 1: // truncate
      return b.subarray(0, pick(b.length));
    case 2: {
      // overwrite one HEADER offset field
      const field = 10 + 8 * pick(6);
      const choices = ['       0', '99999999', '  -12345', '   12 34', 'abcdefgh', String(pick(b.length * 2)).padStart(8, ' '), String(pick(b.length)).padStart(8, ' ')];
      Buffer.from(choices[pick(choices.length)]!, 'latin1').copy(b, field);
      return b;
    }
    case 3: {
      // edit a keyword value in TEXT
      const text = Buffer.from(b.subarray(58, textEnd)).toString('latin1');
      const d = text[0] ?? '/';
      const parts = text.split(d);
      const keys = ['$TOT', '$PAR', '$P1B', '$P2B', '$P1R', '$P1E', '$BYTEORD', '$DATATYPE', '$MODE', '$BEGINDATA', '$ENDDATA', '$BEGINSTEXT', '$ENDSTEXT', '$BEGINANALYSIS', '$ENDANALYSIS', '$SPILLOVER', 'SPILL', '$P1N', '$TIMESTEP', '$P1G'];
      const key = keys[pick(keys.length)]!;
      const at = parts.findIndex((p) => p.toUpperCase() === key);
      if (at < 0 || at + 1 >= parts.length) return b;
      const values = ['0', '-1', '1', '3', '64', '12', '*', 'x', '4,3', '1,2,3,4,5,6,7,8,9', '99999999999999999999', '1e300', '', '4,0', 'A', 'C', 'D', '2,1', String(pick(100000)), `2,a,b,1,0`];
      parts[at + 1] = values[pick(values.length)]!;
      const edited = Buffer.from(parts.join(d), 'latin1');
      return Buffer.concat([b.subarray(0, 58), edited, b.subarray(textEnd)]);
    }
    case 4: {
      // insert random bytes into TEXT (shifts every offset)
      const at = 58 + pick(Math.max(1, textEnd - 58));
      const ins = Uint8Array.from({ length: 1 + pick(6) }, () => (rnd() < 0.5 ? b[58]! : pick(256)));
      return Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
    }
    case 5: {
      // delete bytes
      const at = pick(b.length);
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(10)))]);
    }
    case 6: {
      // replace the delimiter everywhere with another byte, or double it
      const d = b[58]!;
      const other = pick(256);
      for (let i = 58; i < textEnd; i++) if (b[i] === d && rnd() < 0.1) b[i] = other;
      return b;
    }
    default: {
      // random junk after a valid HEADER prefix
      const junk = Uint8Array.from({ length: pick(300) }, () => pick(256));
      return Buffer.concat([b.subarray(0, 10 + pick(48)), junk]);
    }
  }
}

test('fuzz: 2,500 corrupted FCS files give a parse or an InputError, never another exception', { timeout: 120000 }, () => {
  const rnd = prng(20240611);
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 2500; i++) {
    const base = bases[i % bases.length]!;
    let bytes = mutate(base, rnd);
    if (rnd() < 0.3) bytes = mutate(bytes, rnd);
    try {
      const f = parseFcs(bytes, `fuzz-${i}.fcs`);
      for (let p = 0; p < f.parameters.length; p++) {
        assert.equal(f.rawColumn(p).length, f.eventCount);
        assert.equal(f.scaledColumn(p).length, f.eventCount);
      }
      try {
        f.spillover();
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      }
      parsed++;
    } catch (e) {
      if (!(e instanceof InputError)) {
        assert.fail(`case ${i}: ${(e as Error).stack}`);
      }
      assert.ok(e.message.startsWith(`fuzz-${i}.fcs: `), e.message);
      rejected++;
    }
  }
  assert.equal(parsed + rejected, 2500);
  assert.ok(parsed > 100 && rejected > 500, `parsed ${parsed}, rejected ${rejected}`);
});
