import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { makeProgress } from '../src/commands/variants.ts';
import { her2scope, oneLineError, repoRoot } from './helpers.ts';

const fx = (name: string) => join('packages', 'formats', 'test', 'fixtures', 'variants', name);
const sharedVcf = resolve(repoRoot, '..', 'shared', 'data', 'vcf', 'annotated.expression.vcf.gz');
const tmp = mkdtempSync(join(tmpdir(), 'her2scope-variants-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const L755S = {
  gene: 'ERBB2',
  hgvsp: 'p.L755S',
  hgvsc: 'c.2264T>C',
  consequence: 'missense_variant',
  chrom: 'chr17',
  pos: 39723967,
  ref: 'T',
  alt: 'C',
  vaf: 0.3,
  depth: 100,
  altCount: 30,
  filter: 'PASS',
  sample: 'TUMOUR_S1',
};

test('issue example: --genes ERBB2 --json on a VEP-annotated vcf.gz lists the ERBB2 variants with VAF/depth', () => {
  const r = her2scope(['variants', fx('tn-vep.vcf.gz'), '--genes', 'ERBB2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['variants', 'skipped']);
  assert.equal(out.skipped, 0);
  assert.deepEqual(out.variants.map((v: { hgvsp: string | null; hgvsc: string }) => v.hgvsp ?? v.hgvsc), ['c.-100+500G>A', 'p.L755S', 'p.V777L', 'p.Y772_A775dup', 'p.D769H', 'p.D769Y', 'p.L800=']);
  assert.deepEqual(out.variants[1], L755S);
  assert.deepEqual(Object.keys(out.variants[1]), ['gene', 'hgvsp', 'hgvsc', 'consequence', 'chrom', 'pos', 'ref', 'alt', 'vaf', 'depth', 'altCount', 'filter', 'sample']);
});

test('issue example: the same on an unannotated VCF exits 2 with the annotation message', () => {
  const line = oneLineError(her2scope(['variants', fx('test_b38.vcf'), '--genes', 'ERBB2', '--json']));
  assert.equal(
    line,
    `her2scope variants: ${fx('test_b38.vcf')}: the VCF has no variant annotation (no INFO/CSQ from Ensembl VEP, no INFO/ANN from SnpEff): annotate it first with Ensembl VEP (vep --vcf --symbol --hgvs --canonical --mane, or --everything) or SnpEff (snpEff ann <genome> in.vcf > out.vcf), then run 'her2scope variants' on the annotated file`,
  );
});

test('region query through the tabix index, tumour and normal by name', () => {
  const r = her2scope(['variants', fx('tn-vep.vcf.gz'), '--region', 'chr17:39723967-39724747', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).variants.map((v: { hgvsp: string }) => v.hgvsp), ['p.L755S', 'p.V777L']);
  const swapped = JSON.parse(her2scope(['variants', fx('tn-vep.vcf'), '--tumor', 'NORMAL_S1', '--normal', 'TUMOUR_S1', '--json']).stdout);
  assert.deepEqual(swapped.variants.map((v: { sample: string; hgvsp: string }) => `${v.sample} ${v.hgvsp}`), ['NORMAL_S1 p.R867Q']);
});

test('text output: a table with the research-use notice; TSV: header row and notice line', () => {
  const text = her2scope(['variants', fx('tn-vep.vcf'), '--genes', 'ERBB2,PIK3CA']);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `${fx('tn-vep.vcf')}: Ensembl VEP (CSQ); tumour TUMOUR_S1, normal NORMAL_S1`);
  assert.match(lines[1]!, /^GENE +PROTEIN +CONSEQUENCE +LOCUS +CHANGE +VAF +DEPTH +FILTER$/);
  assert.match(lines[3]!, /^ERBB2 +c\.-100\+500G>A +intron_variant +chr17:39700000 +G>A +25\.0% +40 +PASS$/);
  assert.match(lines[4]!, /^ERBB2 +p\.L755S +missense_variant +chr17:39723967 +T>C +30\.0% +100 +PASS$/);
  assert.deepEqual(lines.slice(-2), ['8 variants', 'For research use; not a medical device.']);
  const tsv = her2scope(['variants', fx('tn-vep.vcf'), '--genes', 'ERBB2', '--region', 'chr17:39723967-39723967', '--tsv']);
  assert.equal(tsv.stdout, '# For research use; not a medical device.\ngene\thgvsp\thgvsc\tconsequence\tchrom\tpos\tref\talt\tvaf\tdepth\taltCount\tfilter\tsample\tnotes\nERBB2\tp.L755S\tc.2264T>C\tmissense_variant\tchr17\t39723967\tT\tC\t0.3\t100\t30\tPASS\tTUMOUR_S1\t\n');
});

test('MAF input, SnpEff input, --all-filters', () => {
  const maf = JSON.parse(her2scope(['variants', fx('tn.maf'), '--tumor', 'S1-T', '--genes', 'ERBB2', '--json']).stdout);
  assert.deepEqual(maf.variants.map((v: { hgvsp: string; vaf: number }) => `${v.hgvsp} ${v.vaf}`), ['p.L755S 0.3', 'p.Y772_A775dup 0.12']);
  const snpeff = JSON.parse(her2scope(['variants', fx('tn-snpeff.vcf'), '--json']).stdout);
  assert.equal(snpeff.variants.length, 4);
  const all = JSON.parse(her2scope(['variants', fx('tn-vep.vcf'), '--genes', 'AKT1', '--all-filters', '--json']).stdout);
  assert.deepEqual(all.variants.map((v: { filter: string }) => v.filter), ['germline;normal_artifact']);
  assert.deepEqual(JSON.parse(her2scope(['variants', fx('tn-vep.vcf'), '--genes', 'AKT1', '--json']).stdout), { variants: [], skipped: 0 });
});

test('--skip-bad-records: counted in "skipped", listed on stderr; without it, one error line naming file, line and field', () => {
  const bad = join(tmp, 'bad.vcf');
  const vcf = readFileSync(join(repoRoot, fx('tn-vep.vcf')), 'utf8').replace('0/1:70,30:100:0.3', '0/1:x,3:100:0.3');
  writeFileSync(bad, vcf);
  const skip = her2scope(['variants', bad, '--skip-bad-records', '--json']);
  assert.equal(skip.code, 0, skip.stderr);
  const out = JSON.parse(skip.stdout);
  assert.deepEqual([out.variants.length, out.skipped], [11, 1]);
  assert.equal(skip.stderr, `her2scope variants: skipped ${bad}:29: FORMAT/AD: 'x,3' is not a number\n`);
  const stop = her2scope(['variants', bad, '--json']);
  assert.equal(oneLineError(stop), `her2scope variants: ${bad}:29: FORMAT/AD: 'x,3' is not a number`);
  // Calls are written a batch (a piece of the file) at a time: the bad record is in the first piece, so nothing was
  // written, and the exit code is 2.
  assert.equal(stop.stdout, '');
  assert.equal(stop.code, 2);
});

test('truncated bgzip, missing file, not a variant file: exit 2, one line', () => {
  const cut = join(tmp, 'cut.vcf.gz');
  const gz = readFileSync(join(repoRoot, fx('tn-vep.vcf.gz')));
  writeFileSync(cut, gz.subarray(0, 900));
  const blockSize = gz.readUInt16LE(16) + 1; // BSIZE + 1 of the first BGZF block
  assert.equal(oneLineError(her2scope(['variants', cut])), `her2scope variants: ${cut}: byte 0: truncated: the BGZF block there needs ${blockSize} bytes but the file ends after 900 (the file is incomplete)`);
  assert.equal(oneLineError(her2scope(['variants', 'nope.vcf'])), 'her2scope variants: nope.vcf: cannot open: no such file');
  const txt = join(tmp, 'notes.txt');
  writeFileSync(txt, 'hello\nworld\n');
  assert.equal(oneLineError(her2scope(['variants', txt])), `her2scope variants: ${txt}: not a MAF header: missing columns Hugo_Symbol, Chromosome, Start_Position, Reference_Allele, Variant_Classification, Tumor_Sample_Barcode, Tumor_Seq_Allele2`.replace(`${txt}:`, `${txt}:1:`));
  const bin = join(tmp, 'x.bin');
  writeFileSync(bin, Buffer.from([0, 1, 2, 3, 255, 254]));
  assert.equal(oneLineError(her2scope(['variants', bin])), `her2scope variants: ${bin}: not a VCF (no '##fileformat=VCF' first line) nor a MAF (no 'Hugo_Symbol' column header)`);
});

test('usage errors: exit 2, one line', () => {
  const cases: Array<[string[], string]> = [
    [['variants'], "her2scope variants: give one VCF or MAF file (see 'her2scope variants --help')"],
    [['variants', 'a.vcf', 'b.vcf'], "her2scope variants: give one VCF or MAF file (got 2) (see 'her2scope variants --help')"],
    [['variants', fx('tn-vep.vcf'), '--json', '--tsv'], 'her2scope variants: --json and --tsv cannot be combined'],
    [['variants', fx('tn-vep.vcf'), '--region', 'chr17:10-5'], "her2scope variants: --region: 'chr17:10-5': the end is before the start"],
    [['variants', fx('tn-vep.vcf'), '--region', '17:1-100'], `her2scope variants: --region: contig '17' is not in ${fx('tn-vep.vcf')}, which names it 'chr17'`],
    [['variants', fx('tn-vep.vcf'), '--genes', ''], 'her2scope variants: --genes: give at least one gene symbol, e.g. --genes ERBB2,ESR1'],
    [['variants', fx('tn-vep.vcf'), '--tumor', 'X'], `her2scope variants: --tumor: sample 'X' is not in ${fx('tn-vep.vcf')} (samples: 'NORMAL_S1', 'TUMOUR_S1')`],
    [['variants', fx('tn-vep.vcf'), '--tumour', 'X'], "her2scope variants: Unknown option '--tumour' (see 'her2scope variants --help')"],
  ];
  for (const [args, want] of cases) assert.equal(oneLineError(her2scope(args)), want, args.join(' '));
});

test('--help', () => {
  const r = her2scope(['variants', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage:\n  her2scope variants <file\.vcf\[\.gz\]\|file\.bcf\|file\.maf\[\.gz\]>/);
  assert.match(r.stdout, /For research use; not a medical device\./);
  assert.match(her2scope(['--help']).stdout, /^ {2}variants +list the variants of an annotated VCF or a MAF/m);
});

test('HCC1395 (pVACtools, VEP 105, bgzip + tabix) from ../shared', { skip: !existsSync(sharedVcf) }, () => {
  const r = her2scope(['variants', sharedVcf, '--genes', 'TP53,ERBB2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).variants, [
    { gene: 'TP53', hgvsp: 'p.R175H', hgvsc: 'c.524G>A', consequence: 'missense_variant', chrom: 'chr17', pos: 7675088, ref: 'C', alt: 'T', vaf: 0.988636, depth: 88, altCount: 87, filter: 'PASS', sample: 'HCC1395_TUMOR_DNA' },
  ]);
});

test('progress: only on a terminal, only after 2 s, at most every 200 ms, cleared at the end', () => {
  for (const tty of [true, false]) {
    let err = '';
    let now = 1000;
    const io = { stdout: () => {}, stderr: (t: string) => void (err += t), stderrIsTTY: tty, cwd: '.' };
    const p = makeProgress(io, () => now);
    const tick = { bytesRead: 50 * 1048576, totalBytes: 200 * 1048576, records: 123456 };
    now = 2500;
    p.update(tick);
    assert.equal(err, '');
    now = 3100;
    p.update(tick);
    now = 3200;
    p.update(tick);
    p.done();
    assert.equal(err, tty ? '\rher2scope variants: 25% (50 of 200 MiB, 123,456 records)\r\x1b[K' : '');
  }
});
