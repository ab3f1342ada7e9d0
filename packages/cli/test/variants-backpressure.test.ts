// Back-pressure end to end (issue 15): `her2scope variants` with a 96 MB V8 heap, its stdout piped into a
// deliberately slow reader, completes with the whole output (~230 MB of JSON, more than the heap), and its peak RSS
// stays well under the output size: the command writes only as fast as the pipe drains and reads the file lazily.
// Without waiting for 'drain' the same run completes too (Node queues pipe writes outside the V8 heap) but its RSS
// grows past the output size, which is what the RSS check catches. (The ≤ 256 MB figure on 1M records is in
// `npm run bench`.) Also reads a BCF made from a fixture with bcftools.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createGzip } from 'node:zlib';
import { her2scope, repoRoot } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'her2scope-bp-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');
const slowReader = join(repoRoot, 'packages', 'formats', 'bench', 'slow-reader.mjs');

const RECORDS = 45_000;
const INSERTION = 'C'.repeat(5000);

/** A gzip VCF whose records are 5 kb insertions (synthetic): tiny on disk, ~150 MB of JSON out. */
async function bigOutputVcf(path: string): Promise<void> {
  const gz = createGzip({ level: 1 });
  const out = createWriteStream(path);
  gz.pipe(out);
  const done = new Promise<void>((res, rej) => {
    out.on('finish', res);
    out.on('error', rej);
  });
  const write = (s: string) => (gz.write(s) ? Promise.resolve() : new Promise<void>((res) => gz.once('drain', () => res())));
  await write(
    [
      '##fileformat=VCFv4.2',
      '##source=her2scope test: SYNTHETIC records, not patient data',
      '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|BIOTYPE|HGVSc|HGVSp">',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
      '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR',
      '',
    ].join('\n'),
  );
  for (let i = 0; i < RECORDS; i++) {
    await write(`chr1\t${1000 + i * 10}\t.\tA\tA${INSERTION}\t.\tPASS\tCSQ=${INSERTION}|intron_variant|MODIFIER|SYNTH|ENSG9|protein_coding||\tGT:AD\t0/1:20,10\n`);
  }
  gz.end();
  await done;
}

test('96 MB heap, stdout piped to a slow reader: the whole output arrives (back-pressure)', async () => {
  const vcf = join(tmp, 'big-insertions.vcf.gz');
  await bigOutputVcf(vcf);
  const have = spawnSync('sh', ['-c', 'command -v bcftools && test -x /usr/bin/time'], { stdio: 'ignore' }).status === 0;
  if (!have) execFileSync('bash', [join(repoRoot, 'scripts', 'ensure-bio-tools.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const rss = join(tmp, 'rss.txt');
  const producer = `/usr/bin/time -f %M -o '${rss}' '${process.execPath}' --max-old-space-size=96 '${bin}' variants '${vcf}' --json`;
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${producer} | '${process.execPath}' '${slowReader}' 65536 4`], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr);
  // The exact byte count of the JSON: header, one row per record, footer.
  const row = (i: number) =>
    `{"gene":"SYNTH","hgvsp":null,"hgvsc":null,"consequence":"intron_variant","chrom":"chr1","pos":${1000 + i * 10},"ref":"A","alt":"A${INSERTION}","vaf":0.333333,"depth":30,"altCount":10,"filter":"PASS","sample":"TUMOR"}`;
  let bytes = '{\n  "variants": ['.length + '\n  ],\n  "skipped": 0\n}\n'.length;
  for (let i = 0; i < RECORDS; i++) bytes += (i ? 1 : 0) + 5 + row(i).length;
  assert.ok(bytes > 96 * 1024 * 1024 * 1.4, `output ${bytes} bytes is larger than the heap`);
  assert.equal(r.stdout.trim(), String(bytes));
  const peakBytes = Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) * 1024;
  assert.ok(peakBytes < 0.75 * bytes, `peak RSS ${(peakBytes / 2 ** 20).toFixed(0)} MiB for ${(bytes / 2 ** 20).toFixed(0)} MiB of output: output is piling up in memory`);
});

test('her2scope variants reads BCF (made with bcftools from a fixture)', () => {
  const have = spawnSync('sh', ['-c', 'command -v bcftools'], { stdio: 'ignore' }).status === 0;
  if (!have) execFileSync('bash', [join(repoRoot, 'scripts', 'ensure-bio-tools.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const bcf = join(tmp, 'tn.bcf');
  execFileSync('bcftools', ['view', '-Ob', '-o', bcf, join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'variants', 'tn-vep.vcf.gz')], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync('bcftools', ['index', '--csi', bcf]);
  const fromVcf = her2scope(['variants', join('packages', 'formats', 'test', 'fixtures', 'variants', 'tn-vep.vcf.gz'), '--region', 'chr17:39723967-39724747', '--json']);
  const fromBcf = her2scope(['variants', bcf, '--region', 'chr17:39723967-39724747', '--json']);
  assert.equal(fromBcf.code, 0, fromBcf.stderr);
  assert.deepEqual(JSON.parse(fromBcf.stdout), JSON.parse(fromVcf.stdout));
  assert.deepEqual(JSON.parse(fromBcf.stdout).variants.map((v: { hgvsp: string }) => v.hgvsp), ['p.L755S', 'p.V777L']);
  const text = her2scope(['variants', bcf]);
  assert.match(text.stdout, /^.*tn\.bcf: Ensembl VEP \(CSQ\); tumour TUMOUR_S1, normal NORMAL_S1\n/);
});
