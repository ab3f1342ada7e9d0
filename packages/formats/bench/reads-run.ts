// Child process of reads.bench.ts: counts alleles at the sites (TSV chrom, pos, ref, alt) in each BAM given, prints
// JSON { ms, counts: [[ref, alt, other, depth] per site] per BAM }. Run under /usr/bin/time for peak RSS.
import { readFileSync } from 'node:fs';
import { openReads, type AlleleQuery } from '../src/reads/index.ts';

const [sitesPath, ...bams] = process.argv.slice(2);
const sites: AlleleQuery[] = readFileSync(sitesPath!, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [chrom, pos, ref, alt] = l.split('\t');
    return { chrom: chrom!, pos: Number(pos), ref: ref!, alt: alt! };
  });
const t0 = process.hrtime.bigint();
const out: number[][][] = [];
for (const file of bams) {
  const f = await openReads({ file });
  out.push((await f.count(sites)).map((c) => [c.refReads, c.altReads, c.otherReads, c.depth]));
  await f.close();
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, counts: out }));
