/**
 * The queries of the cohort benchmark on a database where the bench study was imported (by `her2scope cohort import`,
 * see cohort.bench.ts), in their own process: `node --import tsx cohort-run.ts <database-url>`. Prints one JSON line.
 */
import { openDatabase } from '../src/index.ts';
import { compareGroups, prevalenceCounts, type PrevalenceQuery } from '../src/cohort/index.ts';
import { BENCH_STUDY_ID } from './gen-study.ts';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: cohort-run.ts <database-url>');
  process.exit(2);
}
const storage = await openDatabase(url);

async function median(run: () => Promise<unknown>): Promise<{ median: number; min: number; max: number }> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[2]!, min: times[0]!, max: times[4]! };
}

const erbb2 = { kind: 'mutation' as const, gene: 'ERBB2' };
const grouped: PrevalenceQuery = { study: BENCH_STUDY_ID, alteration: erbb2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } };
const g = await prevalenceCounts(storage, grouped);
const groupedMs = await median(() => prevalenceCounts(storage, grouped));
const byEr: PrevalenceQuery = { study: BENCH_STUDY_ID, alteration: { ...erbb2, proteinChange: 'L755S' }, groupBy: { kind: 'attribute', attribute: 'ER_STATUS' } };
const byErMs = await median(() => prevalenceCounts(storage, byEr));
const cmpQ = { ...grouped, groupA: ['Primary'], groupB: ['Metastasis'] };
const cmp = await compareGroups(storage, cmpQ);
const compareMs = await median(() => compareGroups(storage, cmpQ));
await storage.close();
console.log(
  JSON.stringify({
    overall: [g.table.overall.k, g.table.overall.n],
    denominator: g.denominator,
    groups: g.table.groups.map((x) => [x.group, x.k, x.n]),
    fisherP: cmp.fisherP,
    groupedMs,
    byErMs,
    compareMs,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
