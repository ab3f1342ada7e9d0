import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readBed, readBedSource } from '../../src/bed/index.ts';
import { bufferSource } from '../../src/vcf/io.ts';
import { errorOf, fixture, gzip, text } from '../vcf/helpers.ts';

const PANEL = [
  { chrom: 'chr17', start: 39687913, end: 39730426, depth: 812.5 },
  { chrom: 'chr3', start: 179230000, end: 179240000, depth: 640 },
  { chrom: 'chr6', start: 152090000, end: 152100000, depth: null },
  { chrom: 'chr10', start: 87930000, end: 87940000, depth: 233 },
];

test('BED of sequenced regions: 0-based half-open, 5th column = mean depth when numeric', async () => {
  assert.deepEqual(await readBed(fixture('panel.bed')), PANEL);
  assert.deepEqual(await readBedSource(bufferSource(gzip(text('panel.bed')), 'panel.bed.gz')), PANEL);
  assert.deepEqual(await readBedSource(bufferSource(Buffer.from('chr1\t0\t10\n\nchr1\t20\t30\tname\n'), 'b.bed')), [
    { chrom: 'chr1', start: 0, end: 10, depth: null },
    { chrom: 'chr1', start: 20, end: 30, depth: null },
  ]);
});

test('BED errors name file, line and column', async () => {
  const fails = async (s: string) => (await errorOf(() => readBedSource(bufferSource(Buffer.from(s), 'p.bed')))).message;
  assert.equal(await fails('chr1\t0\t10\nchr1\tx\t10\n'), "p.bed:2: start: 'x' is not a whole number");
  assert.equal(await fails('chr1\t5\t-1\n'), "p.bed:1: end: '-1' is not a whole number");
  assert.equal(await fails('chr1\t50\t10\n'), 'p.bed:1: end: 10 is before start 50');
  assert.equal(await fails('chr1\t50\n'), 'p.bed:1: columns: expected at least 3 columns (chrom, start, end), found 2');
  assert.equal((await errorOf(() => readBed(fixture('nope.bed')))).message, `${fixture('nope.bed')}: cannot open: no such file`);
});
