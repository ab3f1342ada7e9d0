// Variant ingestion speed and memory against bcftools / tabix, measured side by side in the same run.
// Input: a generated, SYNTHETIC 1,000,000-record VEP-annotated tumour/normal VCF and its bgzip + tabix copy
// (bench-data/, git-ignored; see gen-vcf.ts). Targets (issue 4): full scan <= 1.5x `bcftools view -H`,
// region query <= 2x `tabix`, memory flat (peak RSS reported; the 100,000- and 1,000,000-record scans compared).
// Installs bcftools / tabix / time from Debian when missing.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openVariantFile } from '../src/variants/index.ts';
import { generate } from './gen-vcf.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const benchData = join(root, 'bench-data');
const cli = join(root, 'packages', 'cli', 'bin', 'her2scope.mjs');
const GENES = 'ERBB2,ESR1,PIK3CA,AKT1,PTEN';
const REGION = 'chr17:39687914-39730426';

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function ensureTools(): void {
  const missing = ['bcftools', 'tabix', 'bgzip'].filter((c) => !have(c));
  const needTime = !have('/usr/bin/time');
  if (!missing.length && !needTime) return;
  const pkgs = [...new Set([...missing.map((c) => (c === 'bcftools' ? 'bcftools' : 'tabix')), ...(needTime ? ['time'] : [])])];
  console.log(`installing ${pkgs.join(' ')} from Debian…`);
  const install = () => spawnSync('apt-get', ['install', '-y', ...pkgs], { stdio: 'inherit' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!install()) throw new Error(`could not install ${pkgs.join(' ')}`);
  }
}

interface Timed {
  seconds: number;
  rssKiB: number;
  stdout: string;
}

/** Run a command under /usr/bin/time; wall seconds, peak RSS and (small) stdout. */
function timed(cmd: string, args: string[], keepStdout = false): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ');
  return { seconds: Number(last[0]), rssKiB: Number(last[1]), stdout: r.stdout ?? '' };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function main() {
  ensureTools();
  const big = await generate(benchData, 1_000_000);
  const small = await generate(benchData, 100_000);
  const size = statSync(big.vcfGz).size;

  // ---- full scan: her2scope variants --genes … vs bcftools view -H, alternating, 3 rounds each ----
  const ours: Timed[] = [];
  const theirs: Timed[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(timed(process.execPath, [cli, 'variants', big.vcfGz, '--genes', GENES, '--json'], true));
    theirs.push(timed('sh', ['-c', `bcftools view -H '${big.vcfGz}' > /dev/null`]));
  }
  const found = (JSON.parse(ours[0]!.stdout) as { variants: unknown[] }).variants.length;
  const scanOurs = median(ours.map((t) => t.seconds));
  const scanTheirs = median(theirs.map((t) => t.seconds));
  const scanRatio = scanOurs / scanTheirs;
  console.log(
    `full scan, ${big.records.toLocaleString('en-US')} records (${(size / 1e6).toFixed(0)} MB bgzip): ` +
      `her2scope variants --genes ${GENES} ${scanOurs.toFixed(2)} s (${found} variants, peak RSS ${mib(Math.max(...ours.map((t) => t.rssKiB)))}); ` +
      `bcftools view -H ${scanTheirs.toFixed(2)} s (peak RSS ${mib(Math.max(...theirs.map((t) => t.rssKiB)))})`,
  );
  console.log(`  ratio her2scope / bcftools = ${scanRatio.toFixed(2)} (target <= 1.5: ${scanRatio <= 1.5 ? 'met' : 'MISSED'}); runs: her2scope ${ours.map((t) => t.seconds).join(', ')} s, bcftools ${theirs.map((t) => t.seconds).join(', ')} s`);
  const plainOurs = timed(process.execPath, [cli, 'variants', big.vcf, '--genes', GENES, '--json']);
  const plainTheirs = timed('sh', ['-c', `bcftools view -H '${big.vcf}' > /dev/null`]);
  console.log(`  uncompressed .vcf: her2scope ${plainOurs.seconds.toFixed(2)} s (${mib(plainOurs.rssKiB)}), bcftools ${plainTheirs.seconds.toFixed(2)} s (${mib(plainTheirs.rssKiB)}), ratio ${(plainOurs.seconds / plainTheirs.seconds).toFixed(2)}`);
  const smallRun = timed(process.execPath, [cli, 'variants', small.vcfGz, '--genes', GENES, '--json']);
  console.log(`  memory: peak RSS ${mib(smallRun.rssKiB)} for ${small.records.toLocaleString('en-US')} records vs ${mib(ours[0]!.rssKiB)} for ${big.records.toLocaleString('en-US')} (streaming: it does not grow with the file)`);

  // ---- region query: in-process (cold: index read each time) vs the tabix command ----
  const tabixMs: number[] = [];
  let tabixLines = 0;
  for (let i = 0; i < 15; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('tabix', [big.vcfGz, REGION], { encoding: 'utf8' });
    tabixMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    tabixLines = r.stdout.split('\n').filter(Boolean).length;
  }
  const inProc: number[] = [];
  let calls = 0;
  for (let i = 0; i < 17; i++) {
    const t0 = process.hrtime.bigint();
    const file = await openVariantFile(big.vcfGz, { region: REGION });
    calls = 0;
    for await (const _ of file) calls++;
    if (i >= 2) inProc.push(Number(process.hrtime.bigint() - t0) / 1e6); // 2 warm-up runs (JIT)
  }
  const cliMs: number[] = [];
  for (let i = 0; i < 5; i++) cliMs.push(timed(process.execPath, [cli, 'variants', big.vcfGz, '--region', REGION, '--json']).seconds * 1000);
  const startMs: number[] = [];
  for (let i = 0; i < 5; i++) startMs.push(timed(process.execPath, [cli, '--version']).seconds * 1000);
  const regionRatio = median(inProc) / median(tabixMs);
  console.log(`region ${REGION} (${tabixLines} records, ${calls} PASS calls): her2scope query (in-process, index read each time) ${median(inProc).toFixed(1)} ms; tabix command ${median(tabixMs).toFixed(1)} ms`);
  console.log(`  ratio her2scope / tabix = ${regionRatio.toFixed(2)} (target <= 2: ${regionRatio <= 2 ? 'met' : 'MISSED'})`);
  console.log(`  the CLI end to end: ${median(cliMs).toFixed(0)} ms = ${(median(cliMs) / median(tabixMs)).toFixed(1)}x tabix, of which ${median(startMs).toFixed(0)} ms is starting Node + tsx ('her2scope --version')`);

  // A larger region (a whole chromosome), for throughput.
  const t0 = process.hrtime.bigint();
  const chr17 = await openVariantFile(big.vcfGz, { region: 'chr17', genes: GENES.split(',') });
  let n17 = 0;
  for await (const _ of chr17) n17++;
  const ours17 = Number(process.hrtime.bigint() - t0) / 1e6;
  const tab17 = timed('sh', ['-c', `tabix '${big.vcfGz}' chr17 > /dev/null`]);
  console.log(`region chr17 (whole, --genes): her2scope ${ours17.toFixed(0)} ms (${n17} calls); tabix chr17 ${(tab17.seconds * 1000).toFixed(0)} ms; ratio ${(ours17 / (tab17.seconds * 1000)).toFixed(2)}`);
  console.log(`bench process peak RSS ${mib(process.resourceUsage().maxRSS)}`);
}

await main();
