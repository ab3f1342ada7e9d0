import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@her2scope/core';
import { parseFcs, writeFcs } from '@her2scope/formats/fcs';

/** An FCS data set: HEADER + TEXT + DATA, offsets relative to the data set's start. */
function dataSet(pairs: Array<[string, string]>, data: Uint8Array | string, nextData?: (ownLength: number) => number): Buffer {
  const d = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
  const build = (next: number) => {
    const text = '/' + [...pairs, ['$NEXTDATA', String(next).padStart(8, '0')]].map(([k, v]) => `${k}/${v}/`).join('');
    const tb = Buffer.from(text, 'latin1');
    const f = (n: number) => String(n).padStart(8, ' ');
    const textEnd = 58 + tb.length - 1;
    const header = Buffer.from(`FCS3.0    ${f(58)}${f(textEnd)}${f(textEnd + 1)}${f(textEnd + d.length)}${f(0)}${f(0)}`, 'latin1');
    return Buffer.concat([header, tb, d]);
  };
  const first = build(0);
  return nextData ? build(nextData(first.length)) : first;
}

const base = (extra: Array<[string, string]>): Array<[string, string]> => [['$MODE', 'L'], ['$PAR', '2'], ['$P1N', 'FSC'], ['$P2N', 'HER2'], ['$P1R', '1024'], ['$P2R', '1024'], ...extra];
const isInputError = (msg: string | RegExp) => (e: unknown) => e instanceof InputError && (typeof msg === 'string' ? e.message === msg : msg.test(e.message));

test('ASCII data, fixed width: $PnB characters per value', () => {
  const f = parseFcs(dataSet(base([['$DATATYPE', 'A'], ['$TOT', '3'], ['$P1B', '4'], ['$P2B', '5']]), '  12 -3.5   7  1e3 100    0'), 'a.fcs');
  assert.equal(f.dataType, 'A');
  assert.deepEqual(Array.from(f.rawColumn(0)), [12, 7, 100]);
  assert.deepEqual(Array.from(f.rawColumn(1)), [-3.5, 1000, 0]);
  assert.deepEqual(f.warnings, []);
  assert.throws(() => parseFcs(dataSet(base([['$DATATYPE', 'A'], ['$TOT', '1'], ['$P1B', '4'], ['$P2B', '5']]), '  12 -x.5'), 'a.fcs'), isInputError(/^a\.fcs: byte \d+: ASCII value " -x\.5" is not a number$/));
});

test('ASCII data, free format ($PnB *): values separated by spaces, tabs, commas, CR or LF', () => {
  const f = parseFcs(dataSet(base([['$DATATYPE', 'A'], ['$TOT', '3'], ['$P1B', '*'], ['$P2B', '*']]), '1,2\r\n3\t4\n  5 6\n'), 'b.fcs');
  assert.deepEqual([Array.from(f.rawColumn(0)), Array.from(f.rawColumn(1))], [
    [1, 3, 5],
    [2, 4, 6],
  ]);
  assert.throws(() => parseFcs(dataSet(base([['$DATATYPE', 'A'], ['$TOT', '4'], ['$P1B', '*'], ['$P2B', '*']]), '1 2 3 4 5 6'), 'b.fcs'), isInputError(/ASCII DATA holds 6 values but \$TOT 4 × \$PAR 2 needs 8$/));
  assert.throws(() => parseFcs(dataSet(base([['$DATATYPE', 'A'], ['$TOT', '3'], ['$P1B', '*'], ['$P2B', '4']]), '1 2 3 4 5 6'), 'b.fcs'), isInputError(/every parameter a width, or '\*' for every parameter/));
  const extra = parseFcs(dataSet(base([['$DATATYPE', 'A'], ['$TOT', '2'], ['$P1B', '*'], ['$P2B', '*']]), '1 2 3 4 5'), 'b.fcs');
  assert.deepEqual(extra.warnings, ['ASCII DATA holds 1 values more than $TOT × $PAR needs; they are ignored']);
});

test('several data sets chained by $NEXTDATA: --dataset N chooses one, the default is the first, a wrong N lists how many', () => {
  const floats = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
  const common: Array<[string, string]> = [['$DATATYPE', 'F'], ['$BYTEORD', '1,2,3,4'], ['$P1B', '32'], ['$P2B', '32']];
  const ds1 = dataSet(base([...common, ['$TOT', '1']]), floats(1, 2), (len) => len);
  const ds2 = dataSet(base([...common, ['$TOT', '2']]), floats(10, 20, 30, 40), (len) => len);
  const ds3 = dataSet(base([...common, ['$TOT', '1']]), floats(7, 8));
  const file = Buffer.concat([ds1, ds2, ds3]);
  const first = parseFcs(file, 'multi.fcs');
  assert.deepEqual([first.dataSet, first.dataSetCount, first.eventCount, Array.from(first.rawColumn(1))], [1, 3, 1, [2]]);
  assert.deepEqual(first.warnings, ['the file holds 3 data sets; data set 1 is read (choose another with --dataset N)']);
  const second = parseFcs(file, 'multi.fcs', { dataset: 2 });
  assert.deepEqual([second.eventCount, Array.from(second.rawColumn(0)), Array.from(second.rawColumn(1))], [2, [10, 30], [20, 40]]);
  assert.deepEqual(Array.from(parseFcs(file, 'multi.fcs', { dataset: 3 }).rawColumn(0)), [7]);
  assert.throws(() => parseFcs(file, 'multi.fcs', { dataset: 4 }), isInputError('multi.fcs: --dataset 4: the file holds 3 data sets'));
  assert.throws(() => parseFcs(ds3, 'one.fcs', { dataset: 2 }), isInputError('one.fcs: --dataset 2: the file holds 1 data set'));
  assert.throws(() => parseFcs(ds3, 'one.fcs', { dataset: 0 }), isInputError('one.fcs: --dataset 0: must be a whole number from 1'));
  // A $NEXTDATA past the end of the file: the chain stops there, with a warning.
  const dangling = dataSet(base([...common, ['$TOT', '1']]), floats(1, 2), () => 99999);
  assert.deepEqual(parseFcs(dangling, 'd.fcs').warnings, ['$NEXTDATA 99999 of data set 1 points past the end of the file; ignored']);
});

test('a $SPILLOVER that names channels but holds no values is a warning and the data stay uncompensated', () => {
  const bytes = writeFcs({ parameters: [{ name: 'FITC-A' }, { name: 'PE-A' }], columns: [[1, 2], [3, 4]], keywords: { $SPILLOVER: '2,FITC-A,PE-A' } });
  const f = parseFcs(bytes, 's.fcs');
  assert.deepEqual(f.warnings, ['$SPILLOVER names 2 channels but holds no values; the data are used uncompensated (give a matrix with --comp to compensate)']);
  assert.equal(f.spillover(), null);
  const empties = parseFcs(writeFcs({ parameters: [{ name: 'FITC-A' }, { name: 'PE-A' }], columns: [[1], [3]], keywords: { SPILL: '2,FITC-A,PE-A,,,,' } }), 't.fcs');
  assert.equal(empties.spillover(), null);
  assert.match(empties.warnings[0]!, /^SPILL names 2 channels but holds no values/);
  // Some values but not all is still an error, when compensation is asked for.
  const partial = parseFcs(writeFcs({ parameters: [{ name: 'FITC-A' }, { name: 'PE-A' }], columns: [[1], [3]], keywords: { $SPILLOVER: '2,FITC-A,PE-A,1,0' } }), 'u.fcs');
  assert.throws(() => partial.spillover(), isInputError(/\$SPILLOVER: expected 7 comma-separated entries/));
});
