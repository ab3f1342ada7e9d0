// Read-level look-back speed and memory against samtools, measured side by side in the same run (issue 16):
// allele counts at 1,000 positions across three BAMs, her2scope (openReads/count, @gmod/bam) vs `samtools mpileup
// -l sites.bed` over the same three BAMs with the same filters. Goal: <= 2x samtools. Peak RSS of both.
// Input: SYNTHETIC BAMs generated here into bench-data/reads/ (git-ignored): a 2 Mb random reference, 1,000 SNV
// sites 2 kb apart, 200 reads of 100 bp over each site (alt at 0-10% VAF), sorted and indexed by samtools.
// The her2scope side runs reads-run.mjs on the compiled dist/ (as `her2scope analyze` does; `npm run bench` builds
// first), not through tsx, whose TypeScript loading alone took about a second of the 4 s measured before.
// Installs samtools / time from Debian when missing (scripts/ensure-samtools.sh). The counts are also checked
// against samtools' pile-up.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@her2scope/core';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const dir = join(root, 'bench-data', 'reads');
const runner = join(root, 'packages', 'formats', 'bench', 'reads-run.mjs');
const VERSION = 'v1';
const SITES = 1000;
const DEPTH = 200;
const CONTIG = 'chrB';
const LENGTH = 1000 + SITES * 2000 + 1000;

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

async function generate(): Promise<{ ref: string; bams: string[]; sitesTsv: string; sitesBed: string }> {
  mkdirSync(dir, { recursive: true });
  const ref = join(dir, 'ref.fa');
  const bams = [1, 2, 3].map((i) => join(dir, `sample${i}.bam`));
  const sitesTsv = join(dir, 'sites.tsv');
  const sitesBed = join(dir, 'sites.bed');
  const stamp = join(dir, 'VERSION');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === VERSION && bams.every((b) => existsSync(`${b}.bai`))) return { ref, bams, sitesTsv, sitesBed };
  console.log(`generating ${bams.length} SYNTHETIC BAMs (${SITES} sites x ${DEPTH} reads) in ${dir} …`);
  const rand = seededRandom(16016);
  const B = 'ACGT';
  let seq = '';
  for (let i = 0; i < LENGTH; i++) seq += B[Math.floor(rand() * 4)];
  const lines = [`>${CONTIG} SYNTHETIC`];
  for (let i = 0; i < seq.length; i += 60) lines.push(seq.slice(i, i + 60));
  writeFileSync(ref, lines.join('\n') + '\n');
  run('samtools', ['faidx', ref]);
  const sites = Array.from({ length: SITES }, (_, i) => {
    const pos = 1000 + i * 2000;
    const r = seq[pos - 1]!;
    return { pos, ref: r, alt: B[(B.indexOf(r) + 1) % 4]! };
  });
  writeFileSync(sitesTsv, sites.map((s) => `${CONTIG}\t${s.pos}\t${s.ref}\t${s.alt}`).join('\n') + '\n');
  writeFileSync(sitesBed, sites.map((s) => `${CONTIG}\t${s.pos - 1}\t${s.pos}`).join('\n') + '\n');
  const qual = 'F'.repeat(100);
  for (const [b, bam] of bams.entries()) {
    const sam = join(dir, `sample${b + 1}.sam`);
    const out = createWriteStream(sam);
    out.write(`@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:${CONTIG}\tLN:${LENGTH}\n@RG\tID:syn\tSM:SYNTHETIC${b + 1}\n`);
    let n = 0;
    for (const s of sites) {
      const vaf = ((s.pos / 2000) % 11) / 100; // 0-10%
      let chunk = '';
      for (let k = 0; k < DEPTH; k++) {
        const start = s.pos - 99 + Math.floor(rand() * 100);
        let read = seq.slice(start - 1, start + 99);
        if (rand() < vaf) read = read.slice(0, s.pos - start) + s.alt + read.slice(s.pos - start + 1);
        const flag = (rand() < 0.03 ? 1024 : 0) | (rand() < 0.5 ? 16 : 0);
        chunk += `r${++n}\t${flag}\t${CONTIG}\t${start}\t${rand() < 0.05 ? 10 : 60}\t100M\t*\t0\t0\t${read}\t${qual}\n`;
      }
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(r));
    run('samtools', ['sort', '--no-PG', '-o', bam, sam]);
    run('samtools', ['index', bam]);
    rmSync(sam);
  }
  writeFileSync(stamp, VERSION);
  return { ref, bams, sitesTsv, sitesBed };
}

interface Timed {
  seconds: number;
  /** user + system CPU seconds (the machine may be shared: CPU time is the steadier figure). */
  cpu: number;
  rssKiB: number;
  stdout: string;
}

function timed(cmd: string, args: string[]): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ');
  return { seconds: Number(last[0]), rssKiB: Number(last[1]), cpu: Number(last[2]) + Number(last[3]), stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/** Alt counts per site per BAM from samtools' pile-up (bases column), for the agreement check. */
function samtoolsAlt(stdout: string, alts: Map<number, string>, nBams: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    const pos = Number(f[1]);
    const alt = alts.get(pos);
    if (!alt) continue;
    const counts: number[] = [];
    for (let b = 0; b < nBams; b++) {
      const bases = f[4 + b * 3]!.replace(/\^./g, '').replace(/[$]/g, '');
      let n = 0;
      for (const c of bases) if (c.toUpperCase() === alt) n++;
      counts.push(n);
    }
    out.set(pos, counts);
  }
  return out;
}

async function main() {
  const ensure = spawnSync('bash', [join(root, 'scripts', 'ensure-samtools.sh')], { stdio: 'inherit' });
  if (ensure.status !== 0) throw new Error('scripts/ensure-samtools.sh failed');
  const { ref, bams, sitesTsv, sitesBed } = await generate();
  const size = bams.reduce((s, b) => s + statSync(b).size, 0);
  const samArgs = ['mpileup', '-B', '-A', '-q', '20', '-Q', '20', '--ff', 'UNMAP,SECONDARY,QCFAIL,DUP,SUPPLEMENTARY', '-d', '100000', '-f', ref, '-l', sitesBed, ...bams];
  const ours: Timed[] = [];
  const theirs: Timed[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(timed(process.execPath, [runner, sitesTsv, ...bams]));
    theirs.push(timed('samtools', samArgs));
  }
  const inProcMs = median(ours.map((t) => (JSON.parse(t.stdout) as { ms: number }).ms));
  const startRuns = [0, 1, 2].map(() => timed(process.execPath, ['-e', '0']));
  const start = median(startRuns.map((t) => t.seconds));
  const startCpu = median(startRuns.map((t) => t.cpu));
  const oc = median(ours.map((t) => t.cpu));
  const sc = median(theirs.map((t) => t.cpu));
  const o = median(ours.map((t) => t.seconds));
  const s = median(theirs.map((t) => t.seconds));
  // agreement
  const sites = readFileSync(sitesTsv, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const alts = new Map(sites.map((f) => [Number(f[1]), f[3]!]));
  const ref2 = samtoolsAlt(theirs[0]!.stdout, alts, bams.length);
  const counts = (JSON.parse(ours[0]!.stdout) as { counts: number[][][] }).counts;
  let agree = 0;
  sites.forEach((f, i) => {
    const st = ref2.get(Number(f[1])) ?? [0, 0, 0];
    for (let b = 0; b < bams.length; b++) if (counts[b]![i]![1] === st[b]) agree++;
  });
  console.log(`read look-back, ${SITES} positions x ${bams.length} BAMs (${DEPTH} reads/position, ${(size / 1e6).toFixed(1)} MB of BAM):`);
  console.log(`  her2scope (@gmod/bam, indexed) ${o.toFixed(2)} s end to end (counting ${(inProcMs / 1000).toFixed(2)} s, Node start ${start.toFixed(2)} s), peak RSS ${mib(Math.max(...ours.map((t) => t.rssKiB)))}`);
  console.log(`  samtools mpileup -l sites.bed ${s.toFixed(2)} s, peak RSS ${mib(Math.max(...theirs.map((t) => t.rssKiB)))}`);
  const ratio = o / s;
  console.log(`  ratio her2scope / samtools = ${ratio.toFixed(2)} end to end (goal <= 2: ${ratio <= 2 ? 'met' : 'MISSED'}); counting alone ${(inProcMs / 1000 / s).toFixed(2)}; runs: her2scope ${ours.map((t) => t.seconds).join(', ')} s, samtools ${theirs.map((t) => t.seconds).join(', ')} s`);
  console.log(`  CPU time (user + system): her2scope ${oc.toFixed(2)} s (of which Node start ${startCpu.toFixed(2)} s), samtools ${sc.toFixed(2)} s; ratio ${(oc / sc).toFixed(2)}, without the start ${((oc - startCpu) / sc).toFixed(2)}`);
  console.log(`  alt counts agree with samtools at ${agree} of ${SITES * bams.length} site x BAM pairs`);
  console.log(`bench process peak RSS ${mib(process.resourceUsage().maxRSS)}`);
}

await main();
