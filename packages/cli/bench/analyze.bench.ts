// Case analysis latency: load + interpret each bundled example case (in-process, warm), and the whole
// `her2scope analyze --json` command (cold process) for the 3-sample-style case, next to a bare `node -e ''` start.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { interpretCase } from '@her2scope/core';
import { loadCase } from '@her2scope/formats/case';
import { loadKnowledgeBase } from '@her2scope/kb';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = join(root, 'examples', 'cases');
const kb = loadKnowledgeBase();
for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
  const path = join(dir, f);
  await loadCase(path); // warm
  const n = 20;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) interpretCase(await loadCase(path), kb);
  const ms = (performance.now() - t0) / n;
  console.log(`analyze ${f}: ${ms.toFixed(1)} ms per case (load + interpret, warm, mean of ${n})`);
}
const time = (args: string[]) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t;
};
const bare = time(['-e', '']);
const cli = time([join(root, 'packages/cli/bin/her2scope.mjs'), 'analyze', join(dir, 'a-erbb2-acquired.yaml'), '--json']);
console.log(`her2scope analyze a-erbb2-acquired.yaml --json: ${cli.toFixed(0)} ms wall (cold process; bare node start ${bare.toFixed(0)} ms; target < 1000 ms)`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
