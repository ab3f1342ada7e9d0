// Fuzz: >= 10,000 randomly corrupted VCF / MAF / BED inputs (text and compressed bytes, with and without an
// index) must each give a clean InputError or a parse whose calls are well formed; never another exception, never
// a slow input. Seeded, so a failure is reproducible: the message names the case number and seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError, type VariantCall } from '@her2scope/core';
import { readBedSource } from '../../src/bed/index.ts';
import { openVariantSource, type VariantReadOptions } from '../../src/variants/index.ts';
import { bufferSource } from '../../src/vcf/io.ts';
import { bytes, text } from './helpers.ts';
import { seededRandom as prng } from '@her2scope/core';

const SEED = Number(process.env.HER2SCOPE_FUZZ_SEED ?? 20240611);
const r = prng(SEED);
const int = (n: number) => Math.floor(r() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const HOSTILE = ['\t', '\n', '\r\n', '|', ',', ':', ';', '=', '%', '%3D', '.', '-', '#', '##', '\0', 'é', '9', '99999999999999999999', '-1', 'x', '<DEL>', '*', '&', 'NaN', '1e400', '\u2028', '[', ']', 'CSQ=', 'ANN=', 'chr17', '  ', '\\', '"', "'", '__proto__', 'constructor'];

function mutateText(s: string): string {
  const n = 1 + int(4);
  for (let i = 0; i < n; i++) {
    const lines = s.split('\n');
    switch (int(9)) {
      case 0: {
        const p = int(s.length + 1);
        s = s.slice(0, p) + pick(HOSTILE) + s.slice(p + 1);
        break;
      }
      case 1: {
        const p = int(s.length + 1);
        s = s.slice(0, p) + pick(HOSTILE).repeat(1 + int(3)) + s.slice(p);
        break;
      }
      case 2: {
        const p = int(s.length + 1);
        s = s.slice(0, p) + s.slice(p + 1 + int(40));
        break;
      }
      case 3: {
        const k = int(lines.length);
        lines.splice(k, 0, lines[k] ?? '');
        s = lines.join('\n');
        break;
      }
      case 4:
        lines.splice(int(lines.length), 1);
        s = lines.join('\n');
        break;
      case 5:
        s = s.slice(0, int(s.length + 1));
        break;
      case 6: {
        const k = int(lines.length);
        const f = (lines[k] ?? '').split('\t');
        f[int(f.length + 1)] = pick(['', '.', '-1', '1.5', 'abc', '99999999999999999999', '0/1:x', '1/2/3/4', ',,,', '|||', pick(HOSTILE)]);
        lines[k] = f.join('\t');
        s = lines.join('\n');
        break;
      }
      case 7: {
        const a = int(lines.length);
        const b = int(lines.length);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        s = lines.join('\n');
        break;
      }
      default: {
        // Split a sub-field list somewhere: CSQ/ANN entries, FORMAT values.
        const p = s.indexOf(pick(['|', ':', ',', ';']), int(s.length));
        if (p >= 0) s = s.slice(0, p) + pick(['||', '::', ',,', ';;', '|x|', ':.:', '']) + s.slice(p + 1);
      }
    }
  }
  return s;
}

function mutateBytes(b: Buffer): Buffer {
  let out = Buffer.from(b);
  const n = 1 + int(4);
  for (let i = 0; i < n; i++) {
    switch (int(4)) {
      case 0:
        if (out.length) out[int(out.length)] = int(256);
        break;
      case 1:
        out = out.subarray(0, int(out.length + 1));
        break;
      case 2: {
        const p = int(out.length + 1);
        out = Buffer.concat([out.subarray(0, p), Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))), out.subarray(p)]);
        break;
      }
      default: {
        const p = int(out.length + 1);
        out.fill(0, Math.min(p, out.length), Math.min(out.length, p + int(32)));
      }
    }
  }
  return out;
}

function options(): VariantReadOptions {
  const o: VariantReadOptions = {};
  if (r() < 0.4) o.genes = pick([['ERBB2'], ['PIK3CA', 'ESR1', 'PTEN'], ['TP53'], ['OR4F5']]);
  if (r() < 0.3) o.region = pick(['chr17:39700000-39730000', 'chr17', '17:39723967-39723967', 'chr3:1-200000000', '1:60000-70000']);
  if (r() < 0.5) o.skipBadRecords = true;
  if (r() < 0.5) o.allFilters = true;
  if (r() < 0.1) o.tumor = pick(['TUMOR', 'TUMOUR_S1', 'S1-T', 'nobody']);
  return o;
}

function wellFormed(c: VariantCall): void {
  assert.equal(typeof c.gene, 'string');
  assert.ok(c.hgvsp === null || c.hgvsp.startsWith('p.'), `hgvsp ${c.hgvsp}`);
  assert.ok(c.hgvsc === null || typeof c.hgvsc === 'string');
  assert.equal(typeof c.consequence, 'string');
  assert.ok(c.chrom.length > 0 && !/\s/.test(c.chrom), `chrom ${JSON.stringify(c.chrom)}`);
  assert.ok(Number.isSafeInteger(c.pos) && c.pos >= 0, `pos ${c.pos}`);
  assert.ok(c.ref.length > 0 && c.alt.length > 0);
  assert.ok(c.vaf === null || (Number.isFinite(c.vaf) && c.vaf >= 0 && c.vaf <= 1), `vaf ${c.vaf}`);
  for (const n of [c.depth, c.altCount]) assert.ok(n === null || (Number.isSafeInteger(n) && n >= 0), `count ${n}`);
  assert.ok(c.altCount === null || c.depth === null || c.altCount <= c.depth, `altCount ${c.altCount} > depth ${c.depth}`);
  assert.equal(typeof c.filter, 'string');
  assert.equal(typeof c.sample, 'string');
}

interface Outcome {
  parsed: number;
  errors: number;
  slowest: number;
}

async function runCase(data: Buffer, name: string, opts: VariantReadOptions, index: Buffer | null, label: string, o: Outcome): Promise<void> {
  const t0 = performance.now();
  try {
    const f = await openVariantSource(bufferSource(data, name), opts, index ? bufferSource(index, `${name}.tbi`) : null);
    for await (const c of f) wellFormed(c);
    assert.ok(Number.isSafeInteger(f.skipped) && f.skipped >= 0);
    o.parsed++;
  } catch (e) {
    if (!(e instanceof InputError)) {
      const shown = JSON.stringify(data.toString('latin1').slice(0, 300));
      assert.fail(`${label} (seed ${SEED}, options ${JSON.stringify(opts)}): ${(e as Error).stack ?? String(e)}\ninput starts ${shown}`);
    }
    assert.ok(e.message.length > 0 && !e.message.includes('\n'), `one-line message: ${e.message}`);
    o.errors++;
  }
  o.slowest = Math.max(o.slowest, performance.now() - t0);
}

test('fuzz: 10,000+ corrupted VCF/MAF inputs give a parse or an InputError, quickly', async () => {
  const textSeeds: Array<[string, string]> = [
    ['tn-vep.vcf', text('tn-vep.vcf')],
    ['tn-snpeff.vcf', text('tn-snpeff.vcf')],
    ['strelka-vep.vcf', text('strelka-vep.vcf')],
    ['cancer_pedigree.ann.vcf', text('cancer_pedigree.ann.vcf')],
    ['tn.maf', text('tn.maf')],
    ['test.maf', text('test.maf')],
  ];
  const bgzf = bytes('tn-vep.vcf.gz');
  const tbi = bytes('tn-vep.vcf.gz.tbi');
  const plainGz = gzipSync(Buffer.from(text('tn-vep.vcf')));
  const o: Outcome = { parsed: 0, errors: 0, slowest: 0 };
  let n = 0;
  const t0 = performance.now();
  for (; n < 8000; n++) {
    const [name, seed] = pick(textSeeds);
    await runCase(Buffer.from(mutateText(seed), 'utf8'), name, options(), null, `text case ${n} (${name})`, o);
  }
  for (let i = 0; i < 1200; i++, n++) await runCase(mutateBytes(bgzf), 'tn-vep.vcf.gz', options(), null, `bgzf case ${n}`, o);
  for (let i = 0; i < 400; i++, n++) await runCase(mutateBytes(plainGz), 'tn-vep.vcf.gz', options(), null, `gzip case ${n}`, o);
  // Indexed region queries with a corrupted index or corrupted data.
  for (let i = 0; i < 600; i++, n++) {
    const opts = { ...options(), region: pick(['chr17:39700000-39730000', 'chr17', 'chr3:179234297-179234297', 'chr1']) };
    const corruptIndex = r() < 0.5;
    await runCase(corruptIndex ? bgzf : mutateBytes(bgzf), 'tn-vep.vcf.gz', opts, corruptIndex ? mutateBytes(tbi) : tbi, `indexed case ${n}`, o);
  }
  const seconds = (performance.now() - t0) / 1000;
  assert.ok(n >= 10_000, `${n} cases`);
  // Both outcomes occur (the mutations are neither all harmless nor all fatal).
  assert.ok(o.parsed > 1000 && o.errors > 1000, `parsed ${o.parsed}, errors ${o.errors}`);
  assert.ok(o.slowest < 2000, `slowest case ${o.slowest.toFixed(0)} ms`);
  console.log(`# fuzz: ${n} cases in ${seconds.toFixed(1)} s: ${o.parsed} parsed, ${o.errors} InputErrors, slowest ${o.slowest.toFixed(1)} ms`);
});

test('fuzz: 1,000 corrupted BED files', async () => {
  const seed = text('panel.bed');
  let parsed = 0;
  let errors = 0;
  for (let i = 0; i < 1000; i++) {
    const data = i % 5 === 0 ? mutateBytes(gzipSync(Buffer.from(seed))) : Buffer.from(mutateText(seed));
    try {
      const regions = await readBedSource(bufferSource(data, 'p.bed'));
      for (const g of regions) {
        assert.ok(Number.isSafeInteger(g.start) && Number.isSafeInteger(g.end) && g.start >= 0 && g.end >= g.start);
        assert.ok(g.depth === null || (Number.isFinite(g.depth) && g.depth >= 0));
      }
      parsed++;
    } catch (e) {
      if (!(e instanceof InputError)) assert.fail(`BED case ${i} (seed ${SEED}): ${(e as Error).stack}`);
      errors++;
    }
  }
  assert.ok(parsed > 100 && errors > 100, `parsed ${parsed}, errors ${errors}`);
});
