// Read-level allele counts checked against samtools mpileup and bcftools mpileup -a AD, run here on the same files
// with the same filters. Fixtures: packages/formats/test/fixtures/reads (SYNTHETIC, made by
// scripts/make-read-fixtures.mjs). scripts/ensure-samtools.sh installs samtools/bcftools from Debian when missing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countAlleles, openReads, type AlleleCounts, type AlleleQuery, type ReadFileSpec, type ReadFilterOptions } from '../../src/reads/index.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../../../..');
const dir = join(root, 'packages/formats/test/fixtures/reads');
const REF = join(dir, 'ref.fa');
const FILES: Array<{ label: string; spec: ReadFileSpec; path: string }> = [
  { label: 'BAM + .bai', spec: { file: join(dir, 'sample.bam') }, path: join(dir, 'sample.bam') },
  { label: 'BAM + .csi', spec: { file: join(dir, 'sample.csi.bam') }, path: join(dir, 'sample.csi.bam') },
  { label: 'CRAM + .crai', spec: { file: join(dir, 'sample.cram'), reference: REF }, path: join(dir, 'sample.cram') },
];

const SITES: AlleleQuery[] = readFileSync(join(dir, 'sites.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [chrom, pos, ref, alt] = l.split('\t');
    return { chrom: chrom!, pos: Number(pos), ref: ref!, alt: alt! };
  });

before(() => {
  const r = spawnSync('bash', [join(root, 'scripts/ensure-samtools.sh')], { stdio: 'inherit' });
  assert.equal(r.status, 0, 'scripts/ensure-samtools.sh failed');
});

interface PileEntry {
  base: string; // '.', or an upper-case base, or '*' (deleted) / '>' (skip)
  indel: string | null; // '+TTG' / '-AC' (upper case)
  end: boolean;
}

/** Parse one samtools mpileup bases column. */
function parsePileup(s: string): PileEntry[] {
  const out: PileEntry[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '^') {
      i++; // mapping quality char
    } else if (c === '$') {
      out[out.length - 1]!.end = true;
    } else if (c === '+' || c === '-') {
      let j = i + 1;
      while (/[0-9]/.test(s[j]!)) j++;
      const n = Number(s.slice(i + 1, j));
      out[out.length - 1]!.indel = c + s.slice(j, j + n).toUpperCase();
      i = j + n - 1;
    } else if (c === '.' || c === ',') out.push({ base: '.', indel: null, end: false });
    else if (c === '*' || c === '#') out.push({ base: '*', indel: null, end: false });
    else if (c === '>' || c === '<') out.push({ base: '>', indel: null, end: false });
    else out.push({ base: c.toUpperCase(), indel: null, end: false });
  }
  return out;
}

function samtoolsArgs(o: Required<ReadFilterOptions>): string[] {
  return ['-B', '-A', '-q', String(o.minMappingQuality), '-Q', String(o.minBaseQuality), '--ff', String(o.excludeFlags), '-d', '100000', ...(o.mergeOverlappingMates ? [] : ['-x'])];
}

const DEFAULTS: Required<ReadFilterOptions> = { minMappingQuality: 20, minBaseQuality: 20, excludeFlags: 0xf04, mergeOverlappingMates: true };

function mpileup(file: string, q: AlleleQuery, o = DEFAULTS): PileEntry[] {
  const r = spawnSync('samtools', ['mpileup', ...samtoolsArgs(o), '-f', REF, '-r', `${q.chrom}:${q.pos}-${q.pos}`, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.split('\t')[1] === String(q.pos));
  return line ? parsePileup(line.split('\t')[4]!) : [];
}

/** What samtools says, in our terms (SNV, insertion, deletion). */
function expectedFromSamtools(entries: PileEntry[], q: AlleleQuery): Omit<AlleleCounts, 'kind' | 'chrom' | 'pos' | 'ref' | 'alt'> {
  let ref = 0;
  let alt = 0;
  let other = 0;
  const snv = q.ref.length === 1 && q.alt.length === 1;
  const want = q.alt.length > q.ref.length ? `+${q.alt.slice(1)}` : `-${q.ref.slice(1)}`;
  for (const e of entries) {
    if (e.base === '*' || e.base === '>') continue;
    if (snv) {
      if (e.base === '.' || e.base === q.ref) ref++;
      else if (e.base === q.alt) alt++;
      else other++;
    } else if (e.indel === want) alt++;
    else if (e.indel) other++;
    else if (!e.end) ref++;
  }
  return { refReads: ref, altReads: alt, otherReads: other, depth: ref + alt + other };
}

function strip(c: AlleleCounts) {
  return { refReads: c.refReads, altReads: c.altReads, otherReads: c.otherReads, depth: c.depth };
}

for (const f of FILES) {
  test(`${f.label}: every site's counts equal samtools mpileup's (default filters)`, async () => {
    const got = await countAlleles(f.spec, SITES);
    assert.equal(got.length, SITES.length);
    for (let i = 0; i < SITES.length; i++) {
      const q = SITES[i]!;
      assert.deepEqual(strip(got[i]!), expectedFromSamtools(mpileup(f.path, q), q), `${q.chrom}:${q.pos} ${q.ref}>${q.alt}`);
    }
  });
}

test('the counts themselves (by construction of the fixture) and the allele kinds', async () => {
  const got = await countAlleles(FILES[0]!.spec, SITES);
  assert.deepEqual(
    got.map((c) => [c.kind, c.refReads, c.altReads, c.otherReads, c.depth]),
    [
      ['snv', 140, 15, 3, 158], // 15 alt, 3 third-base; the 4 alt reads at BQ 12 dropped
      ['snv', 130, 7, 0, 137], // 3 alt + 2 at MAPQ 20 + 2 at BQ 20; duplicate/secondary/supplementary/QC-fail/MAPQ 19/BQ 19 dropped
      ['deletion', 118, 12, 2, 132], // 12 reads delete AC, 2 delete ACAC (other)
      ['insertion', 105, 9, 2, 116], // 9 insert TTG, 2 insert TTA (other)
      ['snv', 81, 0, 0, 81],
      ['snv', 83, 9, 0, 92], // overlapping mates counted once
    ],
  );
});

test('SNV counts equal bcftools mpileup -a AD', async () => {
  const snvs = SITES.filter((q) => q.ref.length === 1 && q.alt.length === 1);
  const got = await countAlleles(FILES[0]!.spec, snvs);
  for (const [i, q] of snvs.entries()) {
    const r = spawnSync('bcftools', ['mpileup', '-a', 'AD', ...samtoolsArgs(DEFAULTS).filter((a) => a !== '-x'), '-f', REF, '-r', `${q.chrom}:${q.pos}-${q.pos}`, FILES[0]!.path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rec = r.stdout.split('\n').find((l) => !l.startsWith('#') && l.split('\t')[1] === String(q.pos) && !l.includes('INDEL;'))!.split('\t');
    const alts = rec[4]!.split(',');
    const ad = rec[9]!.split(':')[1]!.split(',').map(Number);
    const ai = alts.indexOf(q.alt);
    const bcfAlt = ai < 0 ? 0 : ad[ai + 1]!;
    const bcfOther = ad.slice(1).reduce((s, v, k) => s + (k === ai ? 0 : v), 0);
    assert.deepEqual([got[i]!.refReads, got[i]!.altReads, got[i]!.otherReads], [ad[0], bcfAlt, bcfOther], `${q.chrom}:${q.pos}`);
  }
});

test('filters are options, and match samtools with the same options', async () => {
  const cases: ReadFilterOptions[] = [
    { minBaseQuality: 10 },
    { minBaseQuality: 30, minMappingQuality: 30 },
    { excludeFlags: 0x4, minMappingQuality: 0 },
    { mergeOverlappingMates: false },
  ];
  for (const o of cases) {
    const opts = { ...DEFAULTS, ...o };
    for (const f of [FILES[0]!, FILES[2]!]) {
      const got = await countAlleles(f.spec, SITES, o);
      for (let i = 0; i < SITES.length; i++) {
        const q = SITES[i]!;
        assert.deepEqual(strip(got[i]!), expectedFromSamtools(mpileup(f.path, q, opts), q), `${f.label} ${JSON.stringify(o)} ${q.chrom}:${q.pos}`);
      }
    }
  }
  // the effect is real: BQ 10 lets the 4 BQ-12 alt reads of site A in; no flag filter lets the 4 duplicate/… in
  const a = await countAlleles(FILES[0]!.spec, [SITES[0]!, SITES[1]!], { minBaseQuality: 10, excludeFlags: 0x4, minMappingQuality: 0 });
  assert.deepEqual([a[0]!.altReads, a[1]!.altReads], [19, 3 + 2 + 2 + 2 * 4 + 2 + 2]);
});

test('MNV: both bases must be aligned; counts agree with the pile-up of its first base', async () => {
  const seq = readFileSync(REF, 'utf8').split('\n').filter((l) => !l.startsWith('>')).join('');
  const A = SITES[0]!;
  const q: AlleleQuery = { chrom: 'syn1', pos: A.pos, ref: seq.slice(A.pos - 1, A.pos + 1), alt: A.alt + seq[A.pos]! };
  const [got] = await countAlleles(FILES[0]!.spec, [q]);
  const pile = mpileup(FILES[0]!.path, A);
  // reads ending at the first base cannot show the second; none of the fixture's reads has an indel there
  const spanning = pile.filter((e) => !e.end && e.base !== '*');
  assert.equal(got!.kind, 'mnv');
  assert.deepEqual([got!.refReads, got!.altReads, got!.otherReads], [spanning.filter((e) => e.base === '.').length, spanning.filter((e) => e.base === A.alt).length, spanning.filter((e) => e.base !== '.' && e.base !== A.alt).length]);
  assert.equal(got!.altReads, 15);
});

test('contig names with or without chr; a contig not in the file; a complex allele; order kept', async () => {
  const got = await countAlleles(FILES[2]!.spec, [
    { chrom: 'chrsyn2', pos: 1200, ref: 'C', alt: 'G' },
    { chrom: 'chr9', pos: 5, ref: 'A', alt: 'T' },
    { chrom: 'syn1', pos: 1000, ref: 'TA', alt: 'GCC' },
    { chrom: 'syn1', pos: 1000, ref: 't', alt: 'a' },
  ]);
  assert.deepEqual(strip(got[0]!), { refReads: 83, altReads: 9, otherReads: 0, depth: 92 });
  assert.deepEqual([strip(got[1]!), got[1]!.note], [{ refReads: 0, altReads: 0, otherReads: 0, depth: 0 }, 'contig chr9 is not in the file']);
  assert.equal(got[2]!.kind, 'complex');
  assert.equal(got[2]!.note, 'complex allele (REF and ALT differ in length and first base): not counted');
  assert.deepEqual(strip(got[3]!), { refReads: 140, altReads: 15, otherReads: 3, depth: 158 });
});

test('errors name the file and say what to do', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'h2s-reads-'));
  const fails = async (spec: ReadFileSpec, q: AlleleQuery[] = SITES, o: ReadFilterOptions = {}) => {
    try {
      await countAlleles(spec, q, o);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(await fails({ file: join(tmp, 'none.bam') }), `${join(tmp, 'none.bam')}: cannot open BAM: no such file`);
  copyFileSync(join(dir, 'sample.bam'), join(tmp, 'noindex.bam'));
  assert.equal(await fails({ file: join(tmp, 'noindex.bam') }), `${join(tmp, 'noindex.bam')}: no index: expected ${join(tmp, 'noindex.bam')}.bai or ${join(tmp, 'noindex.bam')}.csi (make one with 'samtools index ${join(tmp, 'noindex.bam')}')`);
  assert.equal(await fails({ file: join(dir, 'sample.cram') }), `${join(dir, 'sample.cram')}: a CRAM needs its reference FASTA: give reads.reference (indexed with samtools faidx)`);
  copyFileSync(join(dir, 'sample.cram'), join(tmp, 'x.cram'));
  assert.equal(await fails({ file: join(tmp, 'x.cram'), reference: REF }), `${join(tmp, 'x.cram')}.crai: cannot open the CRAM index: no such file (make one with 'samtools index ${join(tmp, 'x.cram')}')`);
  copyFileSync(REF, join(tmp, 'ref.fa'));
  copyFileSync(join(dir, 'sample.cram.crai'), join(tmp, 'x.cram.crai'));
  assert.equal(await fails({ file: join(tmp, 'x.cram'), reference: join(tmp, 'ref.fa') }), `${join(tmp, 'ref.fa')}: no FASTA index: expected ${join(tmp, 'ref.fa')}.fai (make one with 'samtools faidx ${join(tmp, 'ref.fa')}')`);
  writeFileSync(join(tmp, 'text.bam'), 'this is not a BAM file\n');
  copyFileSync(join(dir, 'sample.bam.bai'), join(tmp, 'text.bam.bai'));
  assert.match(await fails({ file: join(tmp, 'text.bam') }), new RegExp(`^${join(tmp, 'text.bam')}: not a readable BAM file \\(`));
  assert.equal(await fails(FILES[0]!.spec, [{ chrom: 'syn1', pos: 0, ref: 'A', alt: 'C' }]), 'queries[0].pos: must be a positive integer, got 0');
  assert.equal(await fails(FILES[0]!.spec, [{ chrom: 'syn1', pos: 3, ref: 'A', alt: '<DEL>' }]), "queries[0].alt: must be bases (A, C, G, T, N), got '<DEL>'");
  assert.equal(await fails(FILES[0]!.spec, SITES, { minBaseQuality: -1 }), 'minBaseQuality: must be an integer 0-255, got -1');
  assert.equal(await fails({ file: '' }), 'reads.file: is required');
});

test('one open file answers several batches; the header lists its contigs', async () => {
  const f = await openReads(FILES[2]!.spec);
  assert.equal(f.format, 'cram');
  assert.deepEqual(f.contigs, ['syn1', 'syn2']);
  const a = await f.count([SITES[4]!]);
  const b = await f.count([SITES[5]!, SITES[0]!]);
  await f.close();
  assert.deepEqual([a.map(strip), b.map((c) => c.altReads)], [[{ refReads: 81, altReads: 0, otherReads: 0, depth: 81 }], [9, 15]]);
});

test('index chunks: overlapping and touching ones merge; long stretches are cut at chunk starts into ~256 KiB reads', async () => {
  const { mergeChunks } = await import('../../src/reads/index.ts');
  const v = (blockPosition: number, dataPosition = 0) => ({ blockPosition, dataPosition });
  const ch = (a: number, ad: number, b: number, bd: number) => ({ minv: v(a, ad), maxv: v(b, bd), fetchedSize: () => b + 65536 - a });
  const show = (cs: ReturnType<typeof mergeChunks>) => cs.map((c) => `${c.minv.blockPosition}:${c.minv.dataPosition}-${c.maxv.blockPosition}:${c.maxv.dataPosition}/${c.fetchedSize()}`);
  // overlapping (bin 73-like spanning chunk) + touching + a separate one
  assert.deepEqual(show(mergeChunks([ch(124, 0, 12850, 500), ch(10000, 30, 20000, 10), ch(20000, 10, 30000, 0), ch(900000, 0, 910000, 5)])), ['124:0-30000:0/95412', '900000:0-910000:5/75536']);
  // one long stretch of touching chunks 100 kB apart: cut at a chunk start every >= 256 KiB
  const long = Array.from({ length: 10 }, (_, i) => ch(i * 100000, 7, (i + 1) * 100000, 7));
  assert.deepEqual(show(mergeChunks(long)), ['0:7-300000:7/365536', '300000:7-600000:7/365536', '600000:7-900000:7/365536', '900000:7-1000000:7/165536']);
});

test('BAM header: the reference names come from the binary header; a cut-off or non-BAM header is an error', async () => {
  const { readBamContigs } = await import('../../src/reads/index.ts');
  const { bufferSource } = await import('../../src/vcf/io.ts');
  const { gzipSync } = await import('node:zlib');
  const bam = readFileSync(join(dir, 'sample.bam'));
  assert.deepEqual(await readBamContigs(bufferSource(bam, 'sample.bam')), ['syn1', 'syn2']);
  // a BGZF block holding only the start of a header (magic, l_text = 100, 10 bytes of text)
  const bgzf = (payload: Buffer) => {
    const gz = gzipSync(payload);
    // rewrite as a BGZF block: FEXTRA with the BC subfield (SAM spec 4.1)
    const body = gz.subarray(10);
    const head = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0, 0]);
    head.writeUInt16LE(head.length + body.length - 1, 16);
    return Buffer.concat([head, body]);
  };
  const cut = Buffer.concat([Buffer.from('BAM\x01', 'latin1'), Buffer.from([100, 0, 0, 0]), Buffer.alloc(10, 0x41)]);
  const eof = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');
  await assert.rejects(readBamContigs(bufferSource(Buffer.concat([bgzf(cut), eof]), 'cut.bam')), /^Error: the header is cut off$/);
  await assert.rejects(readBamContigs(bufferSource(bgzf(cut), 'cut.bam')), /cut\.bam: no BGZF end-of-file marker: the file is truncated/);
  await assert.rejects(readBamContigs(bufferSource(bgzf(Buffer.from('SAM\x01\0\0\0\0\0\0\0\0', 'latin1')), 'x.bam')), /no BAM magic number/);
  await assert.rejects(readBamContigs(bufferSource(Buffer.from('plain text, not BGZF at all'), 't.bam')), /t\.bam: byte 0: not a BGZF block/);
  // Hostile lengths are refused before anything that size is read.
  const lengths = (lText: number, tail: Buffer) => {
    const b = Buffer.concat([Buffer.from('BAM\x01', 'latin1'), Buffer.alloc(4), tail]);
    b.writeInt32LE(lText, 4);
    return Buffer.concat([bgzf(b), eof]);
  };
  await assert.rejects(readBamContigs(bufferSource(lengths(0x7fffffff, Buffer.alloc(4)), 'h.bam')), /^Error: header text of 2147483647 bytes \(more than 268435456\)$/);
  const refs = Buffer.alloc(4);
  refs.writeInt32LE(2_000_000_000, 0);
  await assert.rejects(readBamContigs(bufferSource(lengths(0, refs), 'r.bam')), /^Error: 2000000000 references \(more than 1000000\)$/);
  const name = Buffer.alloc(8);
  name.writeInt32LE(1, 0);
  name.writeInt32LE(1_000_000_000, 4);
  await assert.rejects(readBamContigs(bufferSource(lengths(0, name), 'n.bam')), /^Error: reference #0 has a name of 1000000000 bytes \(more than 4096\)$/);
});

test('BAM records cut by block boundaries anywhere (even in the block_size field) are joined and counted once', async () => {
  const { BamRecordFeeder } = await import('../../src/reads/index.ts');
  const { gunzipSync } = await import('node:zlib');
  const all = gunzipSync(readFileSync(join(dir, 'sample.bam')));
  const lText = all.readInt32LE(4);
  let p = 12 + lText;
  const nRef = all.readInt32LE(8 + lText);
  for (let i = 0; i < nRef; i++) p += 8 + all.readInt32LE(p);
  const records = all.subarray(p);
  const seen = (pieces: Uint8Array[]) => {
    const out: string[] = [];
    const feeder = new BamRecordFeeder(0, (r) => out.push(`${r.start}:${r.name}:${r.flags}:${r.cigar.length}:${r.base(0)}:${r.qual(0)}`));
    for (const piece of pieces) feeder.push(piece);
    return out;
  };
  const whole = seen([records]);
  assert.ok(whole.length > 100, `syn1 reads in the fixture: ${whole.length}`);
  // every cut point in the first 700 bytes (several records, each field boundary), and 1-byte pieces throughout
  for (let cutAt = 1; cutAt < 700; cutAt++) assert.deepEqual(seen([records.subarray(0, cutAt), records.subarray(cutAt)]), whole, `cut at ${cutAt}`);
  const bytes = Array.from({ length: Math.min(records.length, 20000) }, (_, i) => records.subarray(i, i + 1));
  assert.deepEqual(seen(bytes), whole.slice(0, seen([records.subarray(0, 20000)]).length));
  // an unreadable record (block_size 8) ends the chunk: nothing after it is counted
  const bad = Buffer.concat([records.subarray(0, records.readInt32LE(0) + 4), Buffer.from([8, 0, 0, 0]), records.subarray(records.readInt32LE(0) + 4)]);
  assert.deepEqual(seen([bad.subarray(0, 10), bad.subarray(10)]), whole.slice(0, 1));
});
