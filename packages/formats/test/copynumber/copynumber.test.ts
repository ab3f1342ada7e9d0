import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { geneCopyNumbers } from '@her2scope/core/copynumber';
import { parseCopyNumber, readCopyNumber } from '../../src/copynumber/index.ts';

const dir = resolve(fileURLToPath(import.meta.url), '../../fixtures/copynumber');
const calls = (g: ReturnType<typeof geneCopyNumbers>) => Object.fromEntries(g.map((x) => [x.gene, [x.status, x.copyNumber, x.method]]));

test('PCGR CNA TSV (real PCGR example, MIT): nMajor + nMinor, ERBB2 amplified', async () => {
  const d = await readCopyNumber(join(dir, 'T001-BRCA.grch38.cna.tsv'));
  assert.equal(d.format, 'pcgr');
  assert.equal(d.segments.length, 260);
  assert.deepEqual(d.segments.find((s) => s.chrom === '17' && s.start === 39600010), { chrom: '17', start: 39600010, end: 40000000, copyNumber: 9 });
  assert.deepEqual(calls(geneCopyNumbers(d.segments)), {
    ERBB2: ['amplification', 9, 'stated'],
    ESR1: ['neutral', 2, 'stated'],
    CCND1: ['neutral', 2, 'stated'],
    FGFR1: ['loss', 1, 'stated'],
    MYC: ['amplification', 5, 'stated'],
    PTEN: ['gain', 3, 'stated'],
  });
});

test('CNVkit .cns: 0-based start, threshold call without purity, ABSOLUTE rescaling with purity', async () => {
  const d = await readCopyNumber(join(dir, 'liver.cns'));
  assert.equal(d.format, 'cnvkit');
  assert.deepEqual(d.segments[0], { chrom: 'chr17', start: 39600001, end: 39800000, log2: 2.32 });
  assert.deepEqual(calls(geneCopyNumbers(d.segments)), {
    ERBB2: ['amplification', 10, 'cnvkit-threshold'], // ceil(2 * 2^2.32) = 10
    ESR1: ['neutral', 2, 'cnvkit-threshold'],
    CCND1: ['loss', 1, 'cnvkit-threshold'],
    FGFR1: ['gain', 3, 'cnvkit-threshold'],
    MYC: ['amplification', 4, 'cnvkit-threshold'],
    PTEN: ['deep-deletion', 0, 'cnvkit-threshold'],
  });
  const pure = geneCopyNumbers(d.segments, { purity: 0.5 });
  assert.deepEqual(calls(pure), {
    ERBB2: ['amplification', 18, 'purity-adjusted'], // (2 * 2^2.32 - 1) / 0.5 = 17.97
    ESR1: ['neutral', 1.9, 'purity-adjusted'],
    CCND1: ['loss', 1, 'purity-adjusted'],
    FGFR1: ['gain', 3.5, 'purity-adjusted'],
    MYC: ['amplification', 5.5, 'purity-adjusted'],
    PTEN: ['deep-deletion', 0, 'purity-adjusted'],
  });
  assert.equal(pure[0]!.text, 'ERBB2 amplification (copy number 18; log2 2.32; purity 50%; ploidy 2)');
});

test('CNVkit .call.cns: the cn column is used as stated', async () => {
  const d = await readCopyNumber(join(dir, 'liver.call.cns'));
  assert.deepEqual(calls(geneCopyNumbers(d.segments, { purity: 0.3 })), { ERBB2: ['amplification', 14, 'stated'], ESR1: ['neutral', 2, 'stated'], PTEN: ['deep-deletion', 0, 'stated'] });
});

test('SEG: one sample of several; NA values; a missing choice is an error', async () => {
  const s1 = await readCopyNumber(join(dir, 'two-samples.seg'), { sample: 'S1' });
  assert.deepEqual([s1.format, s1.sample, s1.segments.length], ['seg', 'S1', 2]);
  assert.deepEqual(calls(geneCopyNumbers(s1.segments)), { ERBB2: ['amplification', 6, 'cnvkit-threshold'], PTEN: ['loss', 1, 'cnvkit-threshold'] });
  const s2 = await readCopyNumber(join(dir, 'two-samples.seg'), { sample: 'S2' });
  assert.deepEqual(s2.segments[1], { chrom: '10', start: 87000001, end: 88500000, log2: null });
  assert.deepEqual(calls(geneCopyNumbers(s2.segments)), { ERBB2: ['neutral', 2, 'cnvkit-threshold'] });
  await assert.rejects(readCopyNumber(join(dir, 'two-samples.seg')), { message: `${join(dir, 'two-samples.seg')}: holds 2 samples (S1, S2): say which with copyNumber.sample` });
  await assert.rejects(readCopyNumber(join(dir, 'two-samples.seg'), { sample: 'S9' }), { message: `${join(dir, 'two-samples.seg')}: sample 'S9' is not in the file (IDs: S1, S2)` });
});

test('VCF <AMP>/<DEL>/<DUP> with FORMAT or INFO CN; non-PASS and non-symbolic records skipped', async () => {
  const d = await readCopyNumber(join(dir, 'sv.vcf'));
  assert.equal(d.format, 'vcf');
  assert.equal(d.sample, 'LIVER');
  assert.deepEqual(d.segments, [
    { chrom: 'chr17', start: 39650001, end: 39760000, copyNumber: 12 },
    { chrom: 'chr10', start: 87850001, end: 87980000, copyNumber: 0 },
    { chrom: 'chr11', start: 69600001, end: 69700000, copyNumber: 3 },
  ]);
  assert.deepEqual(calls(geneCopyNumbers(d.segments)), { ERBB2: ['amplification', 12, 'stated'], CCND1: ['gain', 3, 'stated'], PTEN: ['deep-deletion', 0, 'stated'] });
});

test('gzip input; hostile and broken input gives one line naming file, line and field', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'h2s-cn-'));
  const gz = join(tmp, 'x.cns.gz');
  writeFileSync(gz, gzipSync('chromosome\tstart\tend\tlog2\nchr17\t39700000\t39710000\t3.1\n'));
  assert.deepEqual((await readCopyNumber(gz)).segments, [{ chrom: 'chr17', start: 39700001, end: 39710000, log2: 3.1 }]);
  const bad = (text: string) => {
    try {
      parseCopyNumber(text, 'f.tsv');
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(bad('a\tb\n1\t2\n'), "f.tsv:1: header: not a copy-number table (expected CNVkit .cns columns chromosome/start/end/log2, SEG columns ID/chrom/loc.start/loc.end/seg.mean, or PCGR Chromosome/Start/End/nMajor/nMinor); got 'a b'");
  assert.equal(bad('chromosome\tstart\tend\tlog2\nchr1\tx\t5\t0.1\n'), "f.tsv:2: start: 'x' is not a whole number");
  assert.equal(bad('chromosome\tstart\tend\tlog2\nchr1\t10\t5\t0.1\n'), 'f.tsv:2: end: 5 is before start 11');
  assert.equal(bad('chromosome\tstart\tend\tlog2\nchr1\t10\t50\tabc\n'), "f.tsv:2: log2: 'abc' is not a number");
  assert.equal(bad('Chromosome\tStart\tEnd\tnMajor\tnMinor\n1\t5\t50\t-1\t0\n'), 'f.tsv:2: nMajor/nMinor: copy numbers cannot be negative (-1, 0)');
  assert.equal(bad('##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t5\t.\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL\n'), 'f.tsv:3: INFO/END: missing for the symbolic allele <DEL>');
  assert.equal(bad('##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t5\t.\tN\t<DEL>\t.\tPASS\tEND=90\n'), 'f.tsv:3: CN: the <DEL> record has no copy number (FORMAT/CN or INFO/CN)');
  assert.equal(bad(''), 'f.tsv: no header line: not a copy-number file');
  await assert.rejects(readCopyNumber(join(tmp, 'none.cns')), { message: `${join(tmp, 'none.cns')}: cannot open: no such file` });
  const bin = join(tmp, 'bin.cns');
  writeFileSync(bin, Buffer.from([0x42, 0x41, 0x4d, 0x01, 0x00, 0x00]));
  await assert.rejects(readCopyNumber(bin), { message: `${bin}: is a binary file, not a copy-number table or VCF` });
});
