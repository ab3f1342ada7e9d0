// Issue 15 figures, measured side by side with bcftools in the same run:
// 1. Speed on REAL-SHAPED records: `her2scope variants FILE --json | cat` vs
//    `bcftools +split-vep -s worst -f '%CHROM\t%POS\t%REF\t%ALT\t%SYMBOL\t%Consequence\t%HGVSp\t%HGVSc[\t%AD]\n' FILE`
//    on 500,000 records whose bodies are real HCC1395 VEP v105 tumour/normal records (~11 transcripts per CSQ; see
//    gen-vcf.ts generateRealShaped). Target: ratio <= 1.5.
// 2. Memory under back-pressure: peak RSS of `her2scope variants` on the 1,000,000-record file with its stdout piped
//    into a deliberately slow reader (slow-reader.mjs), next to bcftools view piped the same way. Target <= 256 MB.
// Records: HER2SCOPE_BENCH_RECORDS (default 500000) for part 1. Installs bcftools/tabix/time from Debian when missing.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, generateRealShaped } from './gen-vcf.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const benchData = join(root, 'bench-data');
const cli = join(root, 'packages', 'cli', 'bin', 'her2scope.mjs');
const slow = join(root, 'packages', 'formats', 'bench', 'slow-reader.mjs');
const SPLIT_FMT = '%CHROM\\t%POS\\t%REF\\t%ALT\\t%SYMBOL\\t%Consequence\\t%HGVSp\\t%HGVSc[\\t%AD]\\n';

interface Timed {
  seconds: number;
  cpu: number;
  rssKiB: number;
  out: string;
}

/** A shell pipeline under /usr/bin/time (of its first command): wall seconds, CPU seconds, peak RSS, stdout. */
function timed(first: string, rest = ''): Timed {
  const log = join(benchData, 'time.out');
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `/usr/bin/time -f '%e %U %S %M' -o '${log}' ${first} ${rest}`], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`${first} ${rest} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const last = readFileSync(log, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds: last[0]!, cpu: last[1]! + last[2]!, rssKiB: last[3]!, out: r.stdout };
}

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function main() {
  const ensure = spawnSync('bash', [join(root, 'scripts', 'ensure-bio-tools.sh')], { stdio: 'inherit' });
  if (ensure.status !== 0) throw new Error('scripts/ensure-bio-tools.sh failed');
  const n = Number(process.env.HER2SCOPE_BENCH_RECORDS ?? 500_000);
  const real = await generateRealShaped(benchData, n);
  const size = statSync(real.vcfGz).size;
  console.log(`real-shaped input: ${real.records.toLocaleString('en-US')} records (HCC1395 VEP v105 bodies), ${(size / 1e6).toFixed(0)} MB bgzip`);
  const ours: Timed[] = [];
  const theirs: Timed[] = [];
  for (let i = 0; i < 2; i++) {
    theirs.push(timed(`bcftools +split-vep -s worst -f '${SPLIT_FMT}' '${real.vcfGz}'`, '| cat > /dev/null'));
    ours.push(timed(`'${process.execPath}' '${cli}' variants '${real.vcfGz}' --json`, '| cat > /dev/null'));
  }
  const best = (xs: Timed[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const o = best(ours);
  const t = best(theirs);
  const ratio = o.seconds / t.seconds;
  console.log(`  her2scope variants FILE --json | cat: ${o.seconds.toFixed(2)} s wall, ${o.cpu.toFixed(2)} s CPU, peak RSS ${mib(o.rssKiB)} (runs ${ours.map((x) => x.seconds).join(', ')} s)`);
  console.log(`  bcftools +split-vep -s worst -f … FILE: ${t.seconds.toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU, peak RSS ${mib(t.rssKiB)} (runs ${theirs.map((x) => x.seconds).join(', ')} s)`);
  console.log(`  ratio her2scope / bcftools = ${ratio.toFixed(2)} wall, ${(o.cpu / t.cpu).toFixed(2)} CPU (target <= 1.5: ${ratio <= 1.5 ? 'met' : 'MISSED'})`);

  const big = await generate(benchData, 1_000_000);
  const pipeSlow = `| '${process.execPath}' '${slow}' 65536 1`;
  const bp = timed(`'${process.execPath}' '${cli}' variants '${big.vcfGz}' --json`, pipeSlow);
  const bpRef = timed(`bcftools view -H '${big.vcfGz}'`, pipeSlow);
  const file = timed(`'${process.execPath}' '${cli}' variants '${big.vcfGz}' --json`, `> '${join(benchData, 'variants-1m.json')}'`);
  console.log(`back-pressure: 1,000,000 records, stdout piped to a slow reader (64 KiB per ms):`);
  console.log(`  her2scope peak RSS ${mib(bp.rssKiB)} (${Number(bp.out.trim()).toLocaleString('en-US')} bytes delivered, ${bp.seconds.toFixed(1)} s; target <= 256 MiB: ${bp.rssKiB <= 256 * 1024 ? 'met' : 'MISSED'}); to a file: ${mib(file.rssKiB)}`);
  console.log(`  bcftools view -H piped the same way: peak RSS ${mib(bpRef.rssKiB)} (${bpRef.seconds.toFixed(1)} s)`);
}

await main();
