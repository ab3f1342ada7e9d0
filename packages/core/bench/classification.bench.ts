// Throughput of the classification engine (pure, in-process).
import { classifyPathology, type PathologyInput } from '../src/index.ts';

const inputs: PathologyInput[] = [
  { her2: { ihc: '2+', ish: { probe: 'dual', her2: 4.6, cep17: 2.6 } }, er: { percent: 95 }, pr: { percent: 40 } },
  { her2: { ihc: '0', stainedPercent: 5 }, er: { percent: 5 }, pr: { percent: 0 } },
  { her2: { ihc: '3+' }, er: { allred: { proportion: 5, intensity: 3 } } },
  { her2: { ish: { probe: 'single', her2: 5.1 }, ihc: '1+' }, pr: { hScore: { weak: 10, moderate: 0, strong: 0 } } },
];
const n = 400_000;
const t0 = process.hrtime.bigint();
let positives = 0;
for (let i = 0; i < n; i++) if (classifyPathology(inputs[i % inputs.length]!).her2?.status === 'positive') positives++;
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`classification: ${n} samples in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000).toLocaleString('en-US')} samples/s (${positives} positive); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
