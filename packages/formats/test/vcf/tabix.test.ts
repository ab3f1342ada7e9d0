// The hand-written tabix/CSI reader against @gmod/tabix (the oracle) on random regions, and its errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TabixIndexedFile } from '@gmod/tabix';
import { bufferSource, fileSource, forEachLine, lineChunks } from '../../src/vcf/io.ts';
import { queryChunks, readChunk, readTabixIndex, reg2bins } from '../../src/vcf/tabix.ts';
import { bytes, errorOf, fixture, sharedFile } from './helpers.ts';
import { seededRandom as prng } from '@her2scope/core';

/** Lines overlapping [start, end] (1-based) through our index code, with the tabix overlap rule (REF span). */
async function ours(path: string, indexPath: string, chrom: string, start: number, end: number): Promise<string[]> {
  const src = await fileSource(path);
  const idxSrc = await fileSource(indexPath);
  try {
    const idx = await readTabixIndex(idxSrc);
    const out: string[] = [];
    for (const ch of queryChunks(idx, chrom, start - 1, end, indexPath)) {
      for await (const buf of lineChunks(readChunk(src, ch), path)) {
        forEachLine(buf, (s, e) => {
          const f = buf.toString('utf8', s, e).split('\t');
          const pos = Number(f[1]);
          if (f[0] === chrom && pos <= end && pos + f[3]!.length - 1 >= start) out.push(buf.toString('utf8', s, e));
        });
      }
    }
    return out;
  } finally {
    await src.close();
    await idxSrc.close();
  }
}

async function oracle(path: string, indexPath: string, chrom: string, start: number, end: number): Promise<string[]> {
  const t = new TabixIndexedFile(indexPath.endsWith('.csi') ? { path, csiPath: indexPath } : { path, tbiPath: indexPath });
  const out: string[] = [];
  await t.getLines(chrom, start - 1, end, (line: string) => {
    const f = line.split('\t');
    const pos = Number(f[1]);
    if (pos + f[3]!.length - 1 >= start) out.push(line);
  });
  return out;
}


test('reg2bins: the SAM spec bins for tabix (min_shift 14, depth 5)', () => {
  // [0, 1): one bin per level, the first bin of each level: 0, 1, 9, 73, 585, 4681.
  assert.deepEqual(reg2bins(0, 1, 14, 5), [[0, 0], [1, 1], [9, 9], [73, 73], [585, 585], [4681, 4681]]);
  // 16 kb windows: position 39723966 is in window 2424 of level 5 -> bin 4681 + 2424.
  const bins = reg2bins(39723966, 39723967, 14, 5);
  assert.deepEqual(bins[5], [4681 + Math.floor(39723966 / 16384), 4681 + Math.floor(39723966 / 16384)]);
});

test('region queries equal @gmod/tabix on the fixtures (.tbi and .csi)', async () => {
  const r = prng(7);
  for (const [gz, idx] of [['tn-vep.vcf.gz', 'tn-vep.vcf.gz.tbi'], ['tn-vep-csi.vcf.gz', 'tn-vep-csi.vcf.gz.csi']] as const) {
    const path = fixture(gz);
    const index = fixture(idx);
    for (const chrom of ['chr1', 'chr3', 'chr17', 'chr2']) {
      for (let i = 0; i < 25; i++) {
        const a = 1 + Math.floor(r() * 45_000_000);
        const b = a + Math.floor(r() * (r() < 0.5 ? 1000 : 40_000_000));
        assert.deepEqual(await ours(path, index, chrom, a, b), await oracle(path, index, chrom, a, b), `${gz} ${chrom}:${a}-${b}`);
      }
      assert.deepEqual(await ours(path, index, chrom, 1, 2 ** 29 - 1), await oracle(path, index, chrom, 1, 2 ** 29 - 1));
    }
    assert.equal((await ours(path, index, 'chr17', 1, 2 ** 29 - 1)).length, 8);
  }
});

test('region queries equal @gmod/tabix on pVACtools annotated.expression.vcf.gz from ../shared', { skip: !sharedFile('vcf/annotated.expression.vcf.gz') }, async () => {
  const path = sharedFile('vcf/annotated.expression.vcf.gz')!;
  const r = prng(11);
  let total = 0;
  for (let i = 0; i < 60; i++) {
    const chrom = `chr${1 + Math.floor(r() * 22)}`;
    const a = 1 + Math.floor(r() * 150_000_000);
    const b = a + Math.floor(r() * 20_000_000);
    const got = await ours(path, `${path}.tbi`, chrom, a, b);
    assert.deepEqual(got, await oracle(path, `${path}.tbi`, chrom, a, b), `${chrom}:${a}-${b}`);
    total += got.length;
  }
  assert.ok(total > 50, `the regions hold records (${total})`);
});

test('index errors are InputErrors naming the index', async () => {
  const tbi = bytes('tn-vep.vcf.gz.tbi');
  let e = await errorOf(() => readTabixIndex(bufferSource(tbi.subarray(0, 40), 'x.tbi')));
  assert.equal(e.name, 'InputError');
  assert.match(e.message, /^x\.tbi: /);
  e = await errorOf(() => readTabixIndex(bufferSource(Buffer.from('not an index at all, really'), 'y.tbi')));
  assert.equal(e.message, 'y.tbi: not a BGZF-compressed tabix/CSI index');
  e = await errorOf(() => readTabixIndex(bufferSource(bytes('tn-vep.vcf.gz'), 'z.tbi')));
  assert.equal(e.message, 'z.tbi: not a tabix (.tbi) or CSI (.csi) index');
});
