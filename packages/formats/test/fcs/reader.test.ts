import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@her2scope/core';
import { parseFcs, readFcsFile, writeFcs, type FcsFile } from '@her2scope/formats/fcs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'fcs');
const repoRoot = resolve(here, '..', '..', '..', '..');
const shared = resolve(repoRoot, '..', 'shared', 'data');
const hasShared = existsSync(join(shared, 'fcs'));

const isInputError = (re: RegExp | string) => (e: unknown) => {
  assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
  if (typeof re === 'string') assert.equal(e.message, re);
  else assert.match(e.message, re);
  return true;
};

/** Build an FCS file from raw TEXT pairs and DATA bytes with correct HEADER offsets. */
function craft(pairs: Array<[string, string]>, data: Uint8Array, opts: { version?: string; delim?: string; headerData?: [number, number]; textOverride?: string } = {}): Uint8Array {
  const d = opts.delim ?? '/';
  const text = opts.textOverride ?? d + pairs.map(([k, v]) => `${k}${d}${v}${d}`).join('');
  const tb = Buffer.from(text, 'latin1');
  const textStart = 58;
  const textEnd = textStart + tb.length - 1;
  const dataStart = textEnd + 1;
  const dataEnd = dataStart + data.length - 1;
  const f = (n: number) => String(n).padStart(8, ' ');
  const [hs, he] = opts.headerData ?? [dataStart, dataEnd];
  const header = Buffer.from(`FCS${opts.version ?? '3.1'}    ${f(textStart)}${f(textEnd)}${f(hs)}${f(he)}${f(0)}${f(0)}`, 'latin1');
  return Buffer.concat([header, tb, Buffer.from(data)]);
}

const minimal = (extra: Array<[string, string]> = [], drop: string[] = []): Array<[string, string]> =>
  (
    [
      ['$BYTEORD', '1,2,3,4'],
      ['$DATATYPE', 'F'],
      ['$MODE', 'L'],
      ['$PAR', '1'],
      ['$TOT', '2'],
      ['$P1N', 'X'],
      ['$P1B', '32'],
      ['$P1R', '1024'],
      ['$P1E', '0,0'],
    ] as Array<[string, string]>
  )
    .filter(([k]) => !drop.includes(k))
    .concat(extra);
const twoFloats = new Uint8Array(new Float32Array([1.5, -2]).buffer);

function col(f: FcsFile, name: string, scaled = false): number[] {
  const i = f.channelIndex(name);
  assert.ok(i >= 0, `no channel ${name}`);
  return Array.from(scaled ? f.scaledColumn(i) : f.rawColumn(i));
}

test('real FCS 3.1 file: counts, names and the first event (FlowKit data_set_simple_line_100.fcs)', () => {
  const f = readFcsFile(join(fixtures, 'data_set_simple_line_100.fcs'));
  assert.equal(f.version, '3.1');
  assert.equal(f.eventCount, 100); // $TOT
  assert.deepEqual(f.parameters.map((p) => p.name), ['channel_A', 'channel_B']);
  assert.equal(f.dataType, 'F');
  assert.equal(f.keyword('$PAR'), '2');
  assert.equal(f.keyword('tot'.padStart(4, '$')), '100');
  assert.deepEqual(f.warnings, []);
  assert.equal(f.rawColumn(0).length, 100);
});

test('mixed 16/32-bit integers with $PnR masks match FlowIO (variable_int_example.fcs)', () => {
  // Expected values from FlowIO tests/test_flowdata.py test_parse_var_int_data (BSD-3-Clause).
  const expected = [
    49135, 61373, 48575, 49135, 61373, 48575, 7523, 598, 49135, 61373, 48575, 49135, 61373, 48575, 28182, 61200, 48575, 49135, 32445, 30797, 19057, 49135, 61373, 48575, 5969, 8265081,
    61266, 48575, 49135, 20925, 61265, 48575, 27961, 25200, 61287, 48575, 9795, 49135, 29117, 49135, 61373, 48575, 61228, 48575, 22, 21760, 49135, 20413, 49135, 23997, 19807, 15691602,
  ];
  for (const file of ['variable_int_example.fcs', 'data_start_offset_discrepancy_example.fcs']) {
    const f = readFcsFile(join(fixtures, file));
    assert.equal(f.eventCount, 2);
    assert.equal(f.parameters.length, 26);
    const rows: number[] = [];
    for (let e = 0; e < 2; e++) for (let p = 0; p < 26; p++) rows.push(f.rawColumn(p)[e]!);
    assert.deepEqual(rows, expected, file);
    assert.equal(f.parameters[25]!.bits, 32);
  }
  // The non-compliant file's HEADER says DATA starts at 5555; TEXT says 6081 and only that fits $TOT × 54 bytes.
  const bad = readFcsFile(join(fixtures, 'data_start_offset_discrepancy_example.fcs'));
  assert.equal(bad.dataStart, 6081);
  assert.deepEqual(bad.warnings, ['DATA offsets disagree: HEADER says 5555-6188, TEXT $BEGINDATA/$ENDDATA says 6081-6188; TEXT $BEGINDATA/$ENDDATA is used']);
  // $P1E 4,1: log-amplified channel scaled as 10^(4·x/65536)
  assert.ok(Math.abs(bad.scaledColumn(0)[0]! - 10 ** ((4 * 49135) / 65536)) < 1e-9);
});

test('FCS 3.0 integer file with a ZIP in its supplemental TEXT (cyflow_cube_8.fcs) and a big-endian float file with SPILL', () => {
  const c = readFcsFile(join(fixtures, 'cyflow_cube_8.fcs'));
  assert.equal(c.eventCount, 725);
  assert.equal(c.parameters.length, 10);
  assert.deepEqual(c.warnings, ['supplemental TEXT at byte 16681 does not start with the TEXT delimiter; ignored']);
  assert.deepEqual(col(c, 'FSC').slice(0, 1), [8]);
  const s = readFcsFile(join(fixtures, 'index_sorted_example.fcs'));
  assert.equal(s.eventCount, 384);
  assert.equal(s.byteOrder, '4,3,2,1');
  const spill = s.spillover()!;
  assert.deepEqual(spill.detectors, ['BL 530/30-A', 'BL 695/40-A', 'YG 586/15-A', 'YG 780/60-A', 'RL 780/60-A', 'VL 525/50-A']);
  assert.equal(spill.values[0]![1], 0.05082635623959459);
  assert.equal(s.parameters[7]!.label, 'viability;7-AAD;695/40@488/A');
  assert.equal(s.channelIndex('viability;7-AAD;695/40@488/A'), 7);
});

test('corrupted.fcs (10 bytes of text) is rejected with the offset and what was found', () => {
  assert.throws(() => readFcsFile(join(fixtures, 'corrupted.fcs')), isInputError('corrupted.fcs: byte 0: not an FCS file (10 bytes, starts with "oi21j08cn\\n"; an FCS file starts with a 58-byte HEADER)'));
  assert.throws(() => readFcsFile(join(fixtures, 'nope.fcs')), isInputError('nope.fcs: cannot read file (no such file)'));
});

test('every FCS file in ../shared: $TOT events, $PAR parameters and first events as published', { skip: !hasShared && 'shared/ not present' }, () => {
  // Counts and formats as listed in shared/data/SOURCES.md (read from each file's TEXT segment).
  const table: Array<[string, string, string, number, number]> = [
    ['fcs/test_comp_example.fcs', '3.0', 'F', 10703, 18],
    ['fcs/index_sorted_example.fcs', '3.0', 'F', 384, 13],
    ['fcs/data_set_simple_line_100.fcs', '3.1', 'F', 100, 2],
    ['fcs/test_data_2d_01.fcs', '3.1', 'F', 10000, 2],
    ['fcs/data_start_offset_discrepancy_example.fcs', '3.0', 'I', 2, 26],
    ['fcs/G11.fcs', '3.1', 'F', 5785, 12],
    ['fcs/3FITC_4PE_004.fcs', '2.0', 'I', 94569, 4],
    ['fcs/variable_int_example.fcs', '3.0', 'I', 2, 26],
    ['fcs/cyflow_cube_8.fcs', '3.0', 'I', 725, 10],
    ['fcs/EY_2013-07-19_PBS_FCS_2.0_Custom_Without_Add_Well_A1.001.fcs', '2.0', 'F', 10000, 16],
    ['fcs/EY_2013-07-19_PBS_FCS_3.1_Custom_Without_Add_Well_A1.001.fcs', '3.1', 'F', 10000, 19],
    ['fcs/FCS_3.0_Fortessa_PBS_Specimen_001_A1_A01.fcs', '3.0', 'F', 11585, 11],
    ['fcs/Sample_Well_A02.fcs', '2.0', 'I', 37395, 8],
    ['fcs/0877408774.B08', '2.0', 'I', 10000, 8],
    ['gatingml/data1.fcs', '2.0', 'I', 13367, 8],
  ];
  for (const [file, version, type, tot, par] of table) {
    const f = readFcsFile(join(shared, file));
    assert.deepEqual([f.version, f.dataType, f.eventCount, f.parameters.length], [version, type, tot, par], file);
    for (let p = 0; p < par; p++) assert.equal(f.rawColumn(p).length, tot);
  }
  // First rows as asserted by fcsparser's tests (tests/test_fcs_reader.py, MIT): Fortessa FCS 3.0 (big-endian floats)
  const fortessa = readFcsFile(join(shared, 'fcs/FCS_3.0_Fortessa_PBS_Specimen_001_A1_A01.fcs'));
  const row = (f: FcsFile, e: number) => f.parameters.map((_, p) => f.rawColumn(p)[e]!);
  const near = (a: number[], b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-8, `${v} vs ${b[i]}`));
  near(row(fortessa, 0), [1312.8499755859375, 560, 153640.96875, 1472.639892578125, 1424, 67774.53125, 17.939998626708984, 8.579999923706055, 137.05999755859375, -36.720001220703125, 0]);
  near(row(fortessa, 3), [2332.329833984375, 583, 262143, 624, 627, 65222.4296875, 24.959999084472656, 49.13999938964844, 72.37999725341797, -12.960000991821289, 0.10000000149011612]);
  assert.deepEqual(fortessa.spillover()!.detectors, ['FITC-A', 'PerCP-Cy5-5-A', 'AmCyan-A', 'PE-Texas Red-A']);
  // MACSQuant FCS 2.0 (little-endian floats)
  const mq = readFcsFile(join(shared, 'fcs/EY_2013-07-19_PBS_FCS_2.0_Custom_Without_Add_Well_A1.001.fcs'));
  near(row(mq, 0).slice(0, 4), [1.60764902830123901367e-3, 1.46554875373840332031, 2.03116130828857421875, 3.60766235351562500000e2]);
  assert.equal(mq.keyword('$CYT'), 'MACSQuant');
  assert.equal(mq.keyword('$FIL'), 'EY_2013-07-19_PBS_FCS_2.0_Custom_Without_Add_Well_A1.001.fcs');
  // The MACSQuant 3.1 $SPILLOVER lists 6 names but no values: a warning, and the file reads as uncompensated.
  const mq31 = readFcsFile(join(shared, 'fcs/EY_2013-07-19_PBS_FCS_3.1_Custom_Without_Add_Well_A1.001.fcs'));
  assert.deepEqual(mq31.warnings, [
    '$SPILLOVER names 6 channels but holds no values; the data are used uncompensated (give a matrix with --comp to compensate)',
    'DATA end offset is one byte past the data (off-by-one writer); the extra byte is ignored',
  ]);
  assert.equal(mq31.spillover(), null);
  // FCS 2.0 with a backslash delimiter and empty values written as a doubled delimiter ($P3S\\$P4S)
  const b08 = readFcsFile(join(shared, 'fcs/0877408774.B08'));
  assert.equal(b08.parameters[2]!.label, null);
  assert.equal(b08.parameters[3]!.name, 'FL2-H');
  assert.equal(b08.keyword('$P6N'), 'FL1-A');
  assert.equal(b08.parameters[7]!.label, 'Time (51.20 sec.)');
  // data1.fcs: FL1-H is 4-decade log ($P3E 4,0 -> f2 read as 1); FSC-H has gain 3.67
  const d1 = readFcsFile(join(shared, 'gatingml/data1.fcs'));
  assert.equal(d1.parameters[2]!.log0, 1);
  assert.ok(Math.abs(d1.scaledColumn(2)[0]! - 10 ** ((4 * d1.rawColumn(2)[0]!) / 1024)) < 1e-12);
  assert.ok(Math.abs(d1.scaledColumn(0)[0]! - d1.rawColumn(0)[0]! / 3.67) < 1e-12);
  // G11: Attune, $SPILLOVER with 5 detectors, escaped delimiters in $PnF values (488//10 -> 488/10)
  const g11 = readFcsFile(join(shared, 'fcs/G11.fcs'));
  assert.equal(g11.keyword('$P3F'), '488/10');
  assert.deepEqual(g11.spillover()!.detectors, ['BL1-A', 'YL2-A', 'VL1-A', 'VL1-H', 'VL1-W']);
  assert.equal(g11.parameters[5]!.label, 'Alexa Fluor™ 405-A');
});

test('writer/reader round trip: FCS 2.0, 3.0 and 3.1; F, D and I; both byte orders', () => {
  const values = [0, 1, 2.5, -3.25, 1000.5, 262143];
  const ints = [0, 1, 255, 1023, 40000, 65535];
  for (const version of ['2.0', '3.0', '3.1'] as const) {
    for (const byteOrder of ['le', 'be'] as const) {
      for (const dataType of ['F', 'D', 'I'] as const) {
        const v = dataType === 'I' ? ints : values;
        const buf = writeFcs({ version, dataType, byteOrder, parameters: [{ name: 'A', bits: 16, range: 65536 }, { name: 'B', bits: 16, range: 65536 }], columns: [v, [...v].reverse()] });
        const f = parseFcs(buf, 't.fcs');
        assert.equal(f.version, version);
        assert.deepEqual(col(f, 'A'), v, `${version} ${byteOrder} ${dataType}`);
        assert.deepEqual(col(f, 'B'), [...v].reverse());
        assert.deepEqual(f.warnings, []);
      }
    }
  }
});

test('integers: 8 to 64 bits, $PnR bit masks (next power of two), and a 3,4,1,2 byte order', () => {
  const f = parseFcs(
    writeFcs({
      dataType: 'I',
      byteOrder: 'be',
      parameters: [
        { name: 'i8', bits: 8, range: 256 },
        { name: 'i24', bits: 24, range: 2 ** 24 },
        { name: 'i40', bits: 40, range: 2 ** 40 },
        { name: 'i64', bits: 64, range: 2 ** 53 },
        { name: 'masked16', bits: 16, range: 1000 }, // -> mask 1023
      ],
      columns: [
        [0, 255, 17],
        [0, 16777215, 123456],
        [0, 2 ** 40 - 1, 987654321012],
        [0, 2 ** 52 + 3, 42],
        [0xffff, 1023, 1024 + 5],
      ],
    }),
  );
  assert.deepEqual(col(f, 'i8'), [0, 255, 17]);
  assert.deepEqual(col(f, 'i24'), [0, 16777215, 123456]);
  assert.deepEqual(col(f, 'i40'), [0, 2 ** 40 - 1, 987654321012]);
  assert.deepEqual(col(f, 'i64'), [0, 2 ** 52 + 3, 42]);
  assert.deepEqual(col(f, 'masked16'), [1023, 1023, 5]);
  const odd = parseFcs(writeFcs({ dataType: 'I', byteOrder: '3,4,1,2', parameters: [{ name: 'w', bits: 32, range: 2 ** 32 }], columns: [[0x01020304, 7, 4294967295]] }));
  assert.equal(odd.byteOrder, '3,4,1,2');
  assert.deepEqual(col(odd, 'w'), [0x01020304, 7, 4294967295]);
  const oddF = parseFcs(writeFcs({ dataType: 'F', byteOrder: '2,1,4,3', parameters: [{ name: 'f' }], columns: [[1.5, -1234.25]] }));
  assert.deepEqual(col(oddF, 'f'), [1.5, -1234.25]);
});

test('scale values: $PnE log amplification, $PnG gain and $TIMESTEP', () => {
  const f = parseFcs(
    writeFcs({
      version: '2.0',
      dataType: 'I',
      parameters: [
        { name: 'FL1-H', bits: 16, range: 1024, amplification: [4, 0] },
        { name: 'FSC-H', bits: 16, range: 1024, gain: 4 },
        { name: 'FL2-H', bits: 16, range: 1024, amplification: [2, 10] },
        { name: 'Time', bits: 16, range: 1024 },
      ],
      columns: [[0, 256, 768], [8, 12, 0], [512, 0, 0], [100, 200, 300]],
      keywords: { $TIMESTEP: '0.5' },
    }),
  );
  assert.deepEqual(col(f, 'FL1-H', true), [1, 10, 1000]);
  assert.deepEqual(col(f, 'FSC-H', true), [2, 3, 0]);
  assert.deepEqual(col(f, 'FL2-H', true), [100, 10, 10]);
  assert.deepEqual(col(f, 'Time', true), [50, 100, 150]);
  assert.equal(f.parameters[0]!.log0, 1);
  // $PnE on float data is ignored (FCS 3.1: must be 0,0 for F/D) with a warning
  const g = parseFcs(craft(minimal([], ['$P1E']).concat([['$P1E', '4,1']]), twoFloats));
  assert.deepEqual(col(g, 'X', true), [1.5, -2]);
  assert.deepEqual(g.warnings, ["$P1E is '4,1' on F data; log amplification applies to integer data only and is ignored"]);
});

test('TEXT: escaped delimiters, FCS 2.0 empty values, supplemental TEXT, ANALYSIS and zero HEADER offsets', () => {
  const buf = writeFcs({
    version: '3.1',
    parameters: [{ name: 'A/B', label: 'CD44 // FITC' }],
    columns: [[1, 2, 3]],
    keywords: { NOTE: 'a/b//c', $SPILLOVER: '1,A/B,1' },
    supplementalKeywords: { 'LAB NAME': 'synthetic lab', $FIL: 'not-used.fcs' },
    analysisKeywords: { GATE1: 'Singlets' },
    zeroHeaderDataOffsets: true,
  });
  const f = parseFcs(buf, 's.fcs');
  assert.equal(f.parameters[0]!.name, 'A/B');
  assert.equal(f.parameters[0]!.label, 'CD44 // FITC');
  assert.equal(f.keyword('NOTE'), 'a/b//c');
  assert.equal(f.keyword('lab name'), 'synthetic lab');
  assert.equal(f.analysis.get('GATE1'), 'Singlets');
  assert.equal(f.header.dataStart, 0);
  assert.deepEqual(col(f, 'A/B'), [1, 2, 3]);
  assert.deepEqual(f.spillover()!.detectors, ['A/B']);
  // FCS 2.0 writers put empty values as a doubled delimiter after the keyword; no $TOT: count from the DATA length
  const t = craft(
    [
      ['$BYTEORD', '1,2,3,4'],
      ['$DATATYPE', 'F'],
      ['$PAR', '1'],
      ['$P1N', 'X'],
      ['$P1B', '32'],
      ['$P1R', '1024'],
    ],
    twoFloats,
    { version: '2.0', delim: '\\', textOverride: '\\$BYTEORD\\1,2,3,4\\$DATATYPE\\F\\$P1S\\\\$PAR\\1\\$P1N\\X\\$P1B\\32\\$P1R\\1024\\' },
  );
  const e = parseFcs(t, 'old.fcs');
  assert.equal(e.eventCount, 2);
  assert.equal(e.keyword('$P1S'), '');
  assert.equal(e.parameters[0]!.label, null);
  // trailing padding after the last delimiter is allowed
  const padded = craft(minimal(), twoFloats, { textOverride: '/' + minimal().map(([k, v]) => `${k}/${v}/`).join('') + '     ' });
  assert.deepEqual(col(parseFcs(padded), 'X'), [1.5, -2]);
});

test('DATA segment: off-by-one end, surplus bytes, and HEADER/TEXT disagreement resolved by $TOT', () => {
  const offByOne = craft(minimal(), new Uint8Array([...twoFloats, 0]));
  assert.deepEqual(parseFcs(offByOne).warnings, ['DATA end offset is one byte past the data (off-by-one writer); the extra byte is ignored']);
  const surplus = craft(minimal(), new Uint8Array([...twoFloats, 0, 0, 0]));
  assert.deepEqual(parseFcs(surplus).warnings, ['DATA segment has 3 bytes more than $TOT × 4 needs; they are ignored']);
  const text = minimal();
  const tlen = 1 + text.map(([k, v]) => `${k}/${v}/`).join('').length + '$BEGINDATA/00000000/$ENDDATA/00000000/'.length;
  const start = 58 + tlen + 40; // TEXT $BEGINDATA points past 40 bytes of junk
  const junk = new Uint8Array(40).fill(0x41);
  const withText = craft(
    [...text, ['$BEGINDATA', String(start).padStart(8, '0')], ['$ENDDATA', String(start + 7).padStart(8, '0')]],
    new Uint8Array([...junk, ...twoFloats]),
  );
  // HEADER points at the junk (48 bytes: does not fit $TOT × 4 = 8); TEXT points at the 8 data bytes
  const f = parseFcs(withText);
  assert.deepEqual(col(f, 'X'), [1.5, -2]);
  assert.match(f.warnings[0]!, /^DATA offsets disagree: HEADER says \d+-\d+, TEXT \$BEGINDATA\/\$ENDDATA says \d+-\d+; TEXT \$BEGINDATA\/\$ENDDATA is used$/);
  const empty = parseFcs(craft(minimal([], ['$TOT']).concat([['$TOT', '0']]), new Uint8Array(0), { headerData: [0, 0] }));
  assert.equal(empty.eventCount, 0);
  assert.deepEqual(col(empty, 'X'), []);
});

test('every error path names the offset or keyword', () => {
  const bad = (bytes: Uint8Array, expected: string | RegExp) => assert.throws(() => parseFcs(bytes, 'x.fcs'), isInputError(expected));
  const good = craft(minimal(), twoFloats);
  bad(new Uint8Array(0), 'x.fcs: byte 0: not an FCS file (0 bytes; an FCS file starts with a 58-byte HEADER)');
  bad(Buffer.concat([Buffer.from('FCS9.9    '), Buffer.from(good).subarray(10)]), 'x.fcs: byte 3: FCS version 9.9 is not supported (2.0, 3.0, 3.1)');
  bad(Buffer.concat([Buffer.from('GIF89a    '), Buffer.from(good).subarray(10)]), /x\.fcs: byte 0: not an FCS file \(starts with "GIF89a {4}"/);
  const h = Buffer.from(good);
  h.write('  12x456', 26, 'latin1');
  bad(h, 'x.fcs: byte 26: HEADER DATA start offset "  12x456" is not a whole number');
  const outside = Buffer.from(good);
  outside.write(String(999999).padStart(8, ' '), 18, 'latin1');
  bad(outside, /x\.fcs: byte 10: HEADER TEXT segment 58-999999 lies outside the file/);
  bad(craft([], twoFloats, { textOverride: '/$PAR/1/$TOT' }), 'x.fcs: byte 66: TEXT segment ends inside keyword "$TOT" (no value)');
  bad(craft(minimal([], ['$PAR']), twoFloats), 'x.fcs: required keyword $PAR is missing');
  bad(craft(minimal([['$PAR', 'two']], ['$PAR']), twoFloats), "x.fcs: $PAR: 'two' is not a whole number");
  bad(craft(minimal([['$PAR', '99999999']], ['$PAR']), twoFloats), 'x.fcs: $PAR: 99999999 parameters is more than the 10000 supported');
  bad(craft(minimal([['$DATATYPE', 'A'], ['$P1B', '65']], ['$DATATYPE', '$P1B']), twoFloats), "x.fcs: $P1B: '65' is not a number of characters (1-64) or '*' for ASCII data");
  bad(craft(minimal([['$DATATYPE', 'Q']], ['$DATATYPE']), twoFloats), "x.fcs: $DATATYPE: 'Q' is not one of I, F, D, A");
  bad(craft(minimal([], ['$DATATYPE']), twoFloats), 'x.fcs: required keyword $DATATYPE is missing');
  bad(craft(minimal([['$MODE', 'C']], ['$MODE']), twoFloats), "x.fcs: $MODE: 'C' (correlated histogram data) is not supported; only list mode (L)");
  bad(craft(minimal([['$BYTEORD', '1,2,2,4']], ['$BYTEORD']), twoFloats), "x.fcs: $BYTEORD: '1,2,2,4' is not a byte order such as 1,2,3,4 or 4,3,2,1");
  bad(craft(minimal([], ['$P1B']), twoFloats), 'x.fcs: required keyword $P1B is missing');
  bad(craft(minimal([['$DATATYPE', 'I'], ['$P1B', '12']], ['$DATATYPE', '$P1B']), twoFloats), 'x.fcs: $P1B: 12 bits is not supported for integer data (8, 16, 24, 32, 40, 48, 56 or 64)');
  bad(craft(minimal([['$DATATYPE', 'I'], ['$P1B', 'x']], ['$DATATYPE', '$P1B']), twoFloats), "x.fcs: $P1B: 'x' is not a whole number of bits");
  bad(craft(minimal([['$DATATYPE', 'I'], ['$P1R', 'big']], ['$DATATYPE', '$P1R']), twoFloats), "x.fcs: $P1R: 'big' is not a number");
  bad(craft(minimal([['$P1E', '4']], ['$P1E']), twoFloats), "x.fcs: $P1E: '4' is not 'f1,f2' with two numbers >= 0");
  bad(craft(minimal([['$P1G', 'hi']]), twoFloats), "x.fcs: $P1G: 'hi' is not a number");
  bad(craft(minimal([['$TOT', '3']], ['$TOT']), twoFloats), /x\.fcs: byte \d+: DATA segment has 8 bytes but \$TOT 3 × 4 bytes per event needs 12/);
  bad(craft(minimal(), twoFloats, { headerData: [0, 0] }), 'x.fcs: byte 26: the HEADER DATA offsets are 0 and $BEGINDATA/$ENDDATA are missing');
  bad(craft(minimal(), twoFloats, { headerData: [200, 100000] }), 'x.fcs: byte 26: DATA segment 200-100000 (HEADER) lies outside the file (152 bytes)');
  bad(
    craft(minimal([['$DATATYPE', 'I'], ['$PAR', '2'], ['$P1B', '16'], ['$P2N', 'Y'], ['$P2B', '32'], ['$P2R', '10'], ['$BYTEORD', '3,4,1,2']], ['$DATATYPE', '$PAR', '$P1B', '$BYTEORD']), new Uint8Array(12)),
    "x.fcs: $BYTEORD: '3,4,1,2' is a mixed byte order; it is only supported when every value is 4 bytes wide",
  );
  bad(craft([], twoFloats, { textOverride: '/$DATATYPE/F/$PAR//' }), "x.fcs: $PAR: '' is not a whole number");
  bad(craft([], twoFloats, { textOverride: '/ /F/' }), 'x.fcs: byte 59: TEXT segment has an empty keyword');
});

test('files on disk: directory and unreadable paths', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fcs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => readFcsFile(dir, { name: 'd' }), isInputError('d: cannot read file (is a directory)'));
  const p = join(dir, 'ok.fcs');
  writeFileSync(p, craft(minimal(), twoFloats));
  assert.deepEqual(col(readFcsFile(p), 'X'), [1.5, -2]);
  writeFileSync(p, Buffer.from(craft(minimal(), twoFloats)).subarray(0, 100));
  assert.throws(() => readFcsFile(p), isInputError(/ok\.fcs: byte 10: HEADER TEXT segment 58-\d+ lies outside the file \(100 bytes\)/));
});

test('big-endian float and double DATA decode like little-endian (bulk byte swap), without touching the caller bytes', () => {
  const n = 3000;
  const cols = [Float64Array.from({ length: n }, (_, e) => Math.fround(Math.sin(e) * 1e4)), Float64Array.from({ length: n }, (_, e) => Math.fround(e / 7 - 100))];
  for (const dataType of ['F', 'D'] as const) {
    const params = [{ name: 'A', range: 262144 }, { name: 'B', range: 262144 }];
    const le = parseFcs(writeFcs({ version: '3.1', dataType, parameters: params, columns: cols }));
    const beBytes = writeFcs({ version: '3.1', dataType, parameters: params, columns: cols, byteOrder: 'be' });
    const copy = Uint8Array.from(beBytes);
    const be = parseFcs(beBytes);
    assert.equal(be.byteOrder, '4,3,2,1');
    assert.deepEqual(be.rawColumns(), le.rawColumns());
    assert.deepEqual(be.rawColumn(1), cols[1]);
    assert.deepEqual(new Uint8Array(beBytes), copy, 'the caller buffer is unchanged');
  }
});
