// Child process of reads.bench.ts: counts alleles at the sites (TSV chrom, pos, ref, alt) in each BAM given, prints
// JSON { ms, counts: [[ref, alt, other, depth] per site] per BAM }. Run under /usr/bin/time for peak RSS.
// Plain JavaScript on the compiled package (dist/, built by `npm run bench` first), as `her2scope analyze` runs it:
// no TypeScript loader in the measured start-up.
import { readFileSync } from 'node:fs';
import { openReads } from '@her2scope/formats/reads';

const [sitesPath, ...bams] = process.argv.slice(2);
if (!sitesPath || bams.length === 0) throw new Error('usage: reads-run.mjs SITES.tsv BAM...');
const sites = readFileSync(sitesPath, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [chrom, pos, ref, alt] = l.split('\t');
    return { chrom, pos: Number(pos), ref, alt };
  });
const t0 = process.hrtime.bigint();
const out = [];
for (const file of bams) {
  const f = await openReads({ file });
  out.push((await f.count(sites)).map((c) => [c.refReads, c.altReads, c.otherReads, c.depth]));
  await f.close();
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, counts: out }));
