// BCF 2.2: the decoder checked line by line against `bcftools view`, calls from a BCF equal to those from the VCF it
// was made from, .csi region queries equal to the VCF's and to `bcftools view -r`, and a fuzz of corrupted BCF.
// The BCF files are made here with bcftools from the VCF fixtures (scripts/ensure-bio-tools.sh installs it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { InputError, type VariantCall } from '@her2scope/core';
import { bcfToVcfText } from '../../src/bcf/decode.ts';
import { openVariantSource, readVariantCalls } from '../../src/variants/index.ts';
import { bufferSource, decompressedChunks, sniffCompression } from '../../src/vcf/io.ts';
import { seededRandom as prng } from '@her2scope/core';
import { bcftools, ensureBioTools, indexedCopy, rows } from './biotools.ts';
import { errorOf, fixture, readPath, sharedFile } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'h2s-bcf-'));

/**
 * A BCF of `vcf`: BGZF with a .csi index, or raw (no BGZF at all, which htslib also reads: `-Ou` output is BGZF
 * when written with -o; to stdout it is raw).
 */
function makeBcf(vcf: string, uncompressed = false): string {
  ensureBioTools();
  const out = join(dir, basename(vcf).replace(/\.vcf(\.gz)?$/, '') + (uncompressed ? '.u.bcf' : '.bcf'));
  if (uncompressed) execFileSync('sh', ['-c', `bcftools view -Ou '${indexedCopy(vcf)}' > '${out}'`], { stdio: ['ignore', 'ignore', 'pipe'] });
  else {
    execFileSync('bcftools', ['view', '-Ob', '-o', out, indexedCopy(vcf)], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('bcftools', ['index', '--csi', '-f', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return out;
}

async function decodedText(path: string): Promise<string> {
  const src = bufferSource(readFileSync(path), basename(path));
  const parts: Buffer[] = [];
  for await (const b of bcfToVcfText(decompressedChunks(src, await sniffCompression(src)), src.name)) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

const SOURCES: Array<{ vcf: string | null; tumor?: string }> = [
  { vcf: fixture('tn-vep.vcf') },
  { vcf: fixture('pvactools_input_multi_sample.vcf'), tumor: 'H_NJ-HCC1395-HCC1395' },
  { vcf: fixture('vcf2maf_test_pindel.vep.vcf'), tumor: 'TUMOR' },
  { vcf: fixture('hom_ref.vcf'), tumor: 'TUMOR' },
  { vcf: fixture('tn-snpeff.vcf') },
  { vcf: sharedFile('vcf/annotated.expression.vcf.gz'), tumor: 'HCC1395_TUMOR_DNA' },
  { vcf: sharedFile('vcf/split-vep.vcf') },
];

test('BCF records decode to the same VCF text as bcftools view, record by record', async () => {
  let lines = 0;
  for (const s of SOURCES) {
    if (!s.vcf) continue;
    for (const uncompressed of [false, true]) {
      const bcf = makeBcf(s.vcf, uncompressed);
      const want = bcftools(['view', '-H', bcf]).split('\n').filter((l) => l !== '');
      const got = (await decodedText(bcf)).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      assert.equal(got.length, want.length, bcf);
      for (let i = 0; i < want.length; i++) {
        if (got[i] === want[i]) continue;
        let d = 0;
        while (got[i]![d] === want[i]![d]) d++;
        assert.fail(`${bcf} record ${i + 1} differs at character ${d}: ours …${got[i]!.slice(d - 40, d + 40)}… bcftools …${want[i]!.slice(d - 40, d + 40)}…`);
      }
      lines += want.length;
    }
  }
  assert.ok(lines >= 1000, `${lines} records compared`);
});

test('calls from a BCF equal the calls from the VCF it was made from; the case loader reads BCF too', async () => {
  for (const s of SOURCES) {
    if (!s.vcf) continue;
    const opts = { allFilters: true, ...(s.tumor ? { tumor: s.tumor } : {}) };
    const fromVcf = (await readPath(s.vcf, opts)).calls;
    const { calls, file } = await readPath(makeBcf(s.vcf), opts);
    assert.deepEqual(calls, fromVcf, s.vcf);
    assert.equal(file.format, 'bcf');
  }
  const tn: VariantCall[] = await readVariantCalls(makeBcf(fixture('tn-vep.vcf')));
  assert.deepEqual(tn.map((v) => `${v.gene} ${v.hgvsp}`).slice(0, 3), ['SYNTH1 p.L10=', 'PIK3CA p.H1047R', 'ESR1 p.Y537S']);
});

test('BCF .csi region queries give the VCF region calls and the records bcftools view -r gives', async () => {
  const cases: Array<[string | null, string[], string?]> = [
    [fixture('tn-vep.vcf'), ['chr17:39723967-39724747', 'chr17', 'chr17:39,726,000', 'chr17:1-100', 'chr3']],
    [fixture('pvactools_input_multi_sample.vcf'), ['22:16000000-17000000', '22', '6:41754573-43250725', '2'], 'H_NJ-HCC1395-HCC1395'],
    [sharedFile('vcf/annotated.expression.vcf.gz'), ['chr17:39687914-39730426', 'chr6', 'chr1:1-10000000', 'chrX'], 'HCC1395_TUMOR_DNA'],
  ];
  for (const [vcf, regions, tumor] of cases) {
    if (!vcf) continue;
    const bcf = makeBcf(vcf);
    for (const region of regions) {
      const opts = { allFilters: true, region, ...(tumor ? { tumor } : {}) };
      const ours = (await readPath(bcf, opts)).calls;
      assert.deepEqual(ours, (await readPath(vcf, opts)).calls, `${vcf} ${region}`);
      const r = region.replace(/,/g, '');
      const want = new Set(rows(bcftools(['view', '-H', '-r', r.includes(':') && !r.includes('-') ? `${r}-` : r, bcf])).map((x) => `${x[0]}:${x[1]}`));
      for (const c of ours) assert.ok(want.has(`${c.chrom}:${c.pos}`), `${vcf} ${region}: ${c.chrom}:${c.pos} not in bcftools view -r`);
    }
  }
  const e = await errorOf(() => readPath(makeBcf(fixture('tn-vep.vcf')), { region: '17:1-100' }));
  assert.match(e.message, /^--region: contig '17' is not in .*tn-vep\.bcf, which names it 'chr17'$/);
});

test('BCF errors: one line naming the file and the record', async () => {
  const bcf = readFileSync(makeBcf(fixture('tn-vep.vcf'), true));
  const fails = async (data: Buffer) => (await errorOf(() => collect(data))).message;
  // Cut inside the 5th record.
  const text = await decodedText(makeBcf(fixture('tn-vep.vcf'), true));
  assert.ok(text.includes('chr17\t39723967'));
  assert.match(await fails(bcf.subarray(0, bcf.length - 100)), /^t\.bcf: record 13: truncated \(the file is incomplete\)$/);
  assert.equal(await fails(Buffer.concat([Buffer.from('BCF\x02\x09'), bcf.subarray(5)])), 't.bcf: unsupported BCF version 2.9 (her2scope reads BCF 2.1-2.2)');
  assert.equal(await fails(bcf.subarray(0, 20)), 't.bcf: truncated BCF header');
  assert.equal(await fails(bcf.subarray(0, 7)), "t.bcf: not a BCF file (no 'BCF\\2' magic)");
});

async function collect(data: Buffer): Promise<VariantCall[]> {
  const f = await openVariantSource(bufferSource(data, 't.bcf'), { skipBadRecords: false });
  const out: VariantCall[] = [];
  for await (const c of f) out.push(c);
  return out;
}

test('fuzz: 3,000 corrupted BCF files (uncompressed and BGZF) give calls or an InputError', async () => {
  const r = prng(Number(process.env.HER2SCOPE_FUZZ_SEED ?? 20241201));
  const int = (n: number) => Math.floor(r() * n);
  const plain = readFileSync(makeBcf(fixture('tn-vep.vcf'), true));
  const bgzf = readFileSync(makeBcf(fixture('tn-vep.vcf')));
  const headerEnd = 9 + plain.readUInt32LE(5);
  let parsed = 0;
  let errors = 0;
  for (let i = 0; i < 3000; i++) {
    const base = i % 5 === 4 ? bgzf : plain;
    let out = Buffer.from(base);
    for (let m = 1 + int(4); m > 0; m--) {
      // Mostly in the records (the decoder), sometimes anywhere.
      const at = base === plain && r() < 0.8 ? headerEnd + int(out.length - headerEnd) : int(out.length);
      switch (int(4)) {
        case 0:
          out[at] = int(256);
          break;
        case 1:
          out = out.subarray(0, at);
          break;
        case 2:
          out = Buffer.concat([out.subarray(0, at), Buffer.from([int(256), int(256), int(256), int(256)]), out.subarray(at)]);
          break;
        default:
          out.writeUInt32LE(int(2 ** 32), Math.min(at, Math.max(0, out.length - 4)));
      }
      if (out.length < 4) break;
    }
    try {
      const f = await openVariantSource(bufferSource(out, 'fuzz.bcf'), { allFilters: r() < 0.5, skipBadRecords: r() < 0.5 });
      for await (const c of f) {
        assert.ok(Number.isSafeInteger(c.pos) && c.chrom.length > 0 && c.ref.length > 0 && c.alt.length > 0);
        assert.ok(c.vaf === null || (c.vaf >= 0 && c.vaf <= 1));
      }
      parsed++;
    } catch (e) {
      if (!(e instanceof InputError)) assert.fail(`case ${i}: ${(e as Error).stack}`);
      assert.ok(!e.message.includes('\n'), e.message);
      errors++;
    }
  }
  assert.equal(parsed + errors, 3000);
  assert.ok(parsed > 100 && errors > 100, `${parsed} parsed, ${errors} errors`);
});
