import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@her2scope/core';
import { parseCall, readCellTable } from '@her2scope/formats/cells';
import { readCompensationCsv } from '@her2scope/formats/cytometry';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'cells-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fcs');
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const inputError = (message: string | RegExp) => (e: unknown) => {
  assert.ok(e instanceof InputError, String(e));
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
  return true;
};

test('CSV with quoting, BOM and CRLF: only the requested columns, missing values as NaN, calls as 1/0/255', async () => {
  const p = write(
    'qupath.csv',
    '\uFEFFImage,Name,"Cell: HER2 mean","Cell: CD44 mean",CD24 class,Note\r\n' +
      'slide 1,cell,1200.5,300,Negative,"a, quoted note"\r\n' +
      'slide 1,cell,NaN,4000,HER2: Positive,x\r\n' +
      'slide 1,cell,15,,1,""\r\n' +
      'slide 1,cell,-3.5e2,10,NA,y\r\n',
  );
  const t = await readCellTable(p, { columns: ['Cell: HER2 mean', 'Cell: CD44 mean'], callColumns: ['CD24 class'] });
  assert.equal(t.rows, 4);
  assert.deepEqual(t.header, ['Image', 'Name', 'Cell: HER2 mean', 'Cell: CD44 mean', 'CD24 class', 'Note']);
  assert.deepEqual(Array.from(t.values.get('Cell: HER2 mean')!), [1200.5, Number.NaN, 15, -350]);
  assert.deepEqual(Array.from(t.values.get('Cell: CD44 mean')!), [300, 4000, Number.NaN, 10]);
  assert.deepEqual(Array.from(t.calls.get('CD24 class')!), [0, 1, 1, 255]);
});

test('TSV by extension, semicolons by sniffing, header matched case-insensitively', async () => {
  const tsv = await readCellTable(write('halo.tsv', 'Object Id\tHER2 Intensity\n1\t5\n2\t7\n'), { columns: ['her2 intensity'] });
  assert.deepEqual(Array.from(tsv.values.get('her2 intensity')!), [5, 7]);
  const semi = await readCellTable(write('x.txt', 'a;b\n1;2\n3;4\n'), { columns: ['b'] });
  assert.deepEqual(Array.from(semi.values.get('b')!), [2, 4]);
  // many rows: storage grows
  const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i * 2}`).join('\n');
  const big = await readCellTable(write('big.csv', `id,v\n${rows}\n`), { columns: ['v'] });
  assert.equal(big.rows, 5000);
  assert.equal(big.values.get('v')![4999], 9998);
});

test('per-cell table errors name file:line and the column', async () => {
  await assert.rejects(readCellTable(write('a.csv', 'x,y\n1,2\n3,abc\n'), { columns: ['y'] }), inputError("a.csv:3: y: 'abc' is not a number"));
  await assert.rejects(readCellTable(write('b.csv', 'x,y\n1,2\n3\n'), { columns: ['y'] }), inputError('b.csv:3: 1 fields, but the header has 2'));
  await assert.rejects(readCellTable(write('c.csv', 'x,y\n1,2\n'), { columns: ['HER2'] }), inputError("c.csv: marker column 'HER2' is not in the header (columns: x, y)"));
  await assert.rejects(readCellTable(write('d.csv', 'x,c\n1,maybe\n'), { columns: ['x'], callColumns: ['c'] }), inputError("d.csv:2: c: 'maybe' is not a positive/negative call (use 1/0, true/false, positive/negative, +/-)"));
  await assert.rejects(readCellTable(write('e.csv', ''), { columns: ['x'] }), inputError('e.csv: the table is empty (no header row)'));
  await assert.rejects(readCellTable(write('f.csv', 'x,y\n1,"2\n'), { columns: ['y'] }), inputError(/^f\.csv(:\d+)?: not a readable table: /));
  await assert.rejects(readCellTable(join(dir, 'none.csv'), { columns: ['x'] }), inputError('none.csv: cannot read file (no such file)'));
  assert.equal(parseCall(' + '), 1);
  assert.equal(parseCall('neg'), 0);
  assert.equal(parseCall('sometimes'), null);
});

test('compensation matrix CSV: header row (optionally #), optional row labels, errors with line numbers', () => {
  const m = readCompensationCsv(join(fixtures, 'comp_complete_example.csv'));
  assert.equal(m.detectors.length, 14);
  assert.deepEqual(m.detectors.slice(0, 3), ['Ax488-A', 'PE-A', 'PE-TR-A']);
  assert.deepEqual(m.values[0]!.slice(0, 4), [1, 0.2986, 0, 0.0165]);
  const labelled = readCompensationCsv(write('l.csv', '# ,B,A\nA,0.1,1\nB,1,0\n'));
  assert.deepEqual(labelled.detectors, ['B', 'A']);
  assert.deepEqual(labelled.values, [
    [1, 0],
    [0.1, 1],
  ]);
  assert.throws(() => readCompensationCsv(write('m.csv', 'A,B\n1,0\n0,x\n')), inputError("m.csv:3: 'x' is not a number"));
  assert.throws(() => readCompensationCsv(write('n.csv', 'A,B\n1,0,5,6\n')), inputError('n.csv:2: 4 values, expected 2 (one per detector in the header)'));
  assert.throws(() => readCompensationCsv(write('o.csv', 'A,B\n1,0\n')), inputError('o.csv: 1 matrix rows, expected 2'));
  assert.throws(() => readCompensationCsv(write('p.csv', 'A,A\n1,0\n0,1\n')), inputError('p.csv:1: a detector is named twice in the header'));
  assert.throws(() => readCompensationCsv(write('q.csv', '\n\n')), inputError('q.csv: the matrix file is empty'));
  assert.throws(() => readCompensationCsv(write('r.csv', ',A,B\nC,1,0\nA,0,1\n')), inputError("r.csv:2: row label 'C' is not a detector of the header"));
});
