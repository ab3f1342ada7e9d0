#!/usr/bin/env node
// Builds the SYNTHETIC read fixtures for the read-level look-back (packages/formats/src/reads) with samtools:
// a small random reference (two contigs) and reads simulated on it with known variants, written as SAM and turned
// into sorted BAM (+ .bai and .csi) and CRAM (+ .crai) by samtools. Deterministic (seeded PRNG): re-running it
// rewrites the same reads (the BAM/CRAM bytes may differ with the samtools version; the counts never do).
// Not real sequencing data; no patient.
//
//   node scripts/make-read-fixtures.mjs            -> packages/formats/test/fixtures/reads/
//
// The functions are exported for the bench (packages/formats/bench/reads.bench.ts), which makes larger files the
// same way into bench-data/. Needs samtools (scripts/ensure-samtools.sh installs it from Debian).
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** mulberry32 (public domain, Tommy Ettinger), as packages/core/src/random.ts. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES = 'ACGT';

export function randomSequence(rand, length) {
  let s = '';
  for (let i = 0; i < length; i++) s += BASES[Math.floor(rand() * 4)];
  return s;
}

export function writeFasta(path, contigs) {
  const lines = [];
  for (const [name, seq] of Object.entries(contigs)) {
    lines.push(`>${name} SYNTHETIC`);
    for (let i = 0; i < seq.length; i += 60) lines.push(seq.slice(i, i + 60));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

export function samtools(args, opts = {}) {
  const r = spawnSync('samtools', args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) throw new Error(`samtools not runnable (${r.error.message}); run scripts/ensure-samtools.sh`);
  if (r.status !== 0) throw new Error(`samtools ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * One simulated read: `start` 1-based leftmost aligned position; `ops` a list of [op, len] (M, I, D, N, S);
 * `seq`/`qual` the read's bases and Phred qualities. Built from the reference by `makeRead`.
 */
export function makeRead(ref, start, ops, { edits = {}, insert = {}, qual = 37, quals = {} } = {}) {
  // edits: refPos(1-based) -> base; insert: refPos -> inserted sequence emitted after the `I` op that follows it.
  let seq = '';
  let refPos = start;
  for (const [op, len] of ops) {
    if (op === 'M') {
      for (let k = 0; k < len; k++, refPos++) seq += edits[refPos] ?? ref[refPos - 1];
    } else if (op === 'I') {
      seq += insert[refPos - 1] ?? 'A'.repeat(len);
    } else if (op === 'D' || op === 'N') {
      refPos += len;
    } else if (op === 'S') {
      seq += randomSequenceFixed(len);
    }
  }
  const q = new Array(seq.length).fill(qual);
  for (const [i, v] of Object.entries(quals)) q[Number(i)] = v;
  return { start, cigar: ops.map(([o, l]) => `${l}${o}`).join(''), seq, qual: q };
}

function randomSequenceFixed(len) {
  return 'ACGTTGCA'.repeat(Math.ceil(len / 8)).slice(0, len);
}

/** The read index (0-based, in the read) of reference position `pos` for an alignment, or -1. */
export function readIndexOf(start, ops, pos) {
  let refPos = start;
  let qi = 0;
  for (const [op, len] of ops) {
    if (op === 'M') {
      if (pos >= refPos && pos < refPos + len) return qi + (pos - refPos);
      refPos += len;
      qi += len;
    } else if (op === 'I' || op === 'S') qi += len;
    else if (op === 'D' || op === 'N') refPos += len;
  }
  return -1;
}

export function samLine(r) {
  const qual = r.qual.map((q) => String.fromCharCode(q + 33)).join('');
  return [r.name, r.flag ?? 0, r.contig, r.start, r.mapq ?? 60, r.cigar, r.rnext ?? '*', r.pnext ?? 0, r.tlen ?? 0, r.seq, qual].join('\t');
}

/** Write SAM, then sorted BAM + .bai, a .csi copy, and CRAM + .crai against `fasta`. Returns the paths. */
export function buildAlignments(dir, name, fasta, contigs, reads, { cram = true, csi = true } = {}) {
  const header = ['@HD\tVN:1.6\tSO:unsorted', ...Object.entries(contigs).map(([n, s]) => `@SQ\tSN:${n}\tLN:${s.length}`), '@RG\tID:syn\tSM:SYNTHETIC', '@PG\tID:make-read-fixtures\tPN:her2scope'];
  const sam = join(dir, `${name}.sam`);
  writeFileSync(sam, header.join('\n') + '\n' + reads.map(samLine).join('\n') + '\n');
  const bam = join(dir, `${name}.bam`);
  samtools(['sort', '--no-PG', '-o', bam, sam]);
  samtools(['index', bam]);
  const out = { bam, bai: `${bam}.bai` };
  if (csi) {
    const csiBam = join(dir, `${name}.csi.bam`);
    samtools(['view', '--no-PG', '-b', '-o', csiBam, bam]);
    samtools(['index', '-c', csiBam]);
    out.csiBam = csiBam;
  }
  if (cram) {
    const c = join(dir, `${name}.cram`);
    samtools(['view', '--no-PG', '-C', '-T', fasta, '-o', c, bam]);
    samtools(['index', c]);
    out.cram = c;
  }
  rmSync(sam);
  return out;
}

/**
 * The fixture: contigs syn1 (6,000 bp) and syn2 (3,000 bp); background reads of 100 bp (about 60x), plus reads at the
 * variant sites below with the listed read-level and base-level traps. Every count the tests expect comes from
 * `samtools mpileup` / `bcftools mpileup` run on these files in the test itself.
 */
export function makeFixture(outDir) {
  mkdirSync(outDir, { recursive: true });
  const rand = seededRandom(20261201);
  const contigs = { syn1: randomSequence(rand, 6000), syn2: randomSequence(rand, 3000) };
  // A dinucleotide repeat for the left-aligned deletion (anchor syn1:2500 = G, then 2501-2508 = ACACACAC), and an
  // anchor C before the TTG insertion at syn1:3000, so that both are left-aligned as written.
  contigs.syn1 = contigs.syn1.slice(0, 2499) + 'GACACACAC' + contigs.syn1.slice(2508, 2999) + 'C' + contigs.syn1.slice(3000);
  const fasta = join(outDir, 'ref.fa');
  writeFasta(fasta, contigs);
  samtools(['faidx', fasta]);

  const reads = [];
  let n = 0;
  const other = (b, k = 1) => BASES[(BASES.indexOf(b) + k) % 4];
  const push = (contig, r, extra = {}) => reads.push({ name: `r${++n}`, contig, flag: rand() < 0.5 ? 16 : 0, ...r, ...extra });
  // Background coverage.
  for (const [contig, seq] of Object.entries(contigs)) {
    const count = Math.round((seq.length * 60) / 100);
    for (let i = 0; i < count; i++) {
      const start = 1 + Math.floor(rand() * (seq.length - 100));
      const soft = rand() < 0.1;
      const ops = soft ? [['S', 5], ['M', 95]] : [['M', 100]];
      push(contig, makeRead(seq, start, ops));
    }
  }
  const s1 = contigs.syn1;
  const s2 = contigs.syn2;
  /** Reads covering `pos` (1-based) on `contig`. */
  const around = (seq, pos, count, fn) => {
    for (let i = 0; i < count; i++) {
      const start = Math.max(1, pos - 10 - Math.floor(rand() * 80));
      fn(start, i);
    }
  };
  // Site A, syn1:1000 SNV, alt = next base; 15 alt reads among 90; 3 reads with a third base; 4 alt reads at BQ 12.
  const A = 1000;
  const altA = other(s1[A - 1]);
  around(s1, A, 90, (start, i) => {
    const ops = [['M', 100]];
    const base = i < 15 ? altA : i < 18 ? other(s1[A - 1], 2) : s1[A - 1];
    const quals = i >= 86 ? { [readIndexOf(start, ops, A)]: 12 } : {};
    push('syn1', makeRead(s1, start, ops, { edits: { [A]: i >= 86 ? altA : base }, quals }));
  });
  // Site B, syn1:1500 SNV with 3 good alt reads and alt reads that every filter must drop.
  const B = 1500;
  const altB = other(s1[B - 1], 3);
  around(s1, B, 60, (start, i) => {
    const r = makeRead(s1, start, [['M', 100]], { edits: i < 3 ? { [B]: altB } : {} });
    push('syn1', r);
  });
  const trap = (extra, q) => around(s1, B, 2, (start) => push('syn1', makeRead(s1, start, [['M', 100]], { edits: { [B]: altB }, quals: q ? { [B - start]: q } : {} }), extra));
  trap({ flag: 1024 }); // duplicate
  trap({ flag: 256 }); // secondary
  trap({ flag: 2048 }); // supplementary
  trap({ flag: 512 }); // QC fail
  trap({ mapq: 19 }); // MAPQ below 20
  trap({ mapq: 20 }); // MAPQ exactly 20: kept
  trap({}, 19); // base quality 19: dropped
  trap({}, 20); // base quality 20: kept
  // Reads with a soft clip and a reference skip (N) across B.
  around(s1, B, 4, (start) => push('syn1', makeRead(s1, start, [['S', 10], ['M', 40], ['N', 30], ['M', 50]])));
  // Site C, syn1:2500 deletion of "AC" (left-aligned: anchor 2500, REF = s1[2499..2501], ALT = s1[2499]); 12 of 70.
  const C = 2500;
  around(s1, C, 70, (start, i) => {
    if (i < 12) {
      const left = C - start + 1;
      push('syn1', makeRead(s1, start, [['M', left], ['D', 2], ['M', 100 - left]]));
    } else if (i < 14) {
      const left = C - start + 1; // a different deletion (4 bp) at the same anchor: "other"
      push('syn1', makeRead(s1, start, [['M', left], ['D', 4], ['M', 100 - left]]));
    } else push('syn1', makeRead(s1, start, [['M', 100]]));
  });
  // Site D, syn1:3000 insertion of "TTG" after the anchor; 9 of 60; 2 reads with an insertion of "TTA" (other).
  const D = 3000;
  around(s1, D, 60, (start, i) => {
    if (i < 11) {
      const left = D - start + 1;
      push('syn1', makeRead(s1, start, [['M', left], ['I', 3], ['M', 97 - left]], { insert: { [D]: i < 9 ? 'TTG' : 'TTA' } }));
    } else push('syn1', makeRead(s1, start, [['M', 100]]));
  });
  // Site E, syn2:800, no alt read at all.
  // Site F, syn2:1200 SNV in overlapping read pairs: mates that agree (alt or ref), mates that disagree with
  // different qualities, and a pair where both mates have BQ 15 (samtools sums overlapping qualities).
  const F = 1200;
  const altF = other(s2[F - 1]);
  for (let i = 0; i < 40; i++) {
    const s1Start = F - 20 - Math.floor(rand() * 60);
    const s2Start = s1Start + 30 + Math.floor(rand() * 10);
    const name = `pair${i}`;
    const kind = i < 6 ? 'alt' : i < 8 ? 'disagree-hi-alt' : i < 10 ? 'disagree-hi-ref' : i < 12 ? 'lowq-both-alt' : 'ref';
    const e1 = kind === 'alt' || kind === 'disagree-hi-alt' || kind === 'lowq-both-alt' ? { [F]: altF } : {};
    const e2 = kind === 'alt' || kind === 'disagree-hi-ref' || kind === 'lowq-both-alt' ? { [F]: altF } : {};
    const q1 = kind === 'disagree-hi-alt' ? 35 : kind === 'disagree-hi-ref' ? 30 : kind === 'lowq-both-alt' ? 15 : 37;
    const q2 = kind === 'disagree-hi-alt' ? 30 : kind === 'disagree-hi-ref' ? 35 : kind === 'lowq-both-alt' ? 15 : 37;
    const r1 = makeRead(s2, s1Start, [['M', 100]], { edits: e1, quals: { [F - s1Start]: q1 } });
    const r2 = makeRead(s2, s2Start, [['M', 100]], { edits: e2, quals: { [F - s2Start]: q2 } });
    const tlen = s2Start + 100 - s1Start;
    reads.push({ name, contig: 'syn2', ...r1, flag: 1 | 2 | 32 | 64, rnext: '=', pnext: s2Start, tlen });
    reads.push({ name, contig: 'syn2', ...r2, flag: 1 | 2 | 16 | 128, rnext: '=', pnext: s1Start, tlen: -tlen });
  }
  const paths = buildAlignments(outDir, 'sample', fasta, contigs, reads);
  // The sites, as a VCF-like TSV the tests read (REF/ALT from the reference; the deletion and insertion left-aligned).
  const sites = [
    ['syn1', A, s1[A - 1], altA, 'SNV, 15 alt + 4 alt at BQ 12 + 3 third-base'],
    ['syn1', B, s1[B - 1], altB, 'SNV, 3 alt + filter traps'],
    ['syn1', C, s1.slice(C - 1, C + 2), s1[C - 1], 'deletion of AC in an AC repeat'],
    ['syn1', D, s1[D - 1], s1[D - 1] + 'TTG', 'insertion of TTG'],
    ['syn2', 800, s2[799], other(s2[799]), 'absent'],
    ['syn2', F, s2[F - 1], altF, 'overlapping mates'],
  ];
  writeFileSync(join(outDir, 'sites.tsv'), ['#chrom\tpos\tref\talt\tnote', ...sites.map((s) => s.join('\t'))].join('\n') + '\n');
  return { ...paths, fasta, sites };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = join(root, 'packages/formats/test/fixtures/reads');
  const r = makeFixture(out);
  console.log(`wrote ${r.bam}, ${r.csiBam}, ${r.cram} (+ indexes), ${r.fasta}, sites.tsv`);
}
