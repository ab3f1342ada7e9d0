// Start-up time of the installed `her2scope` (the compiled dist/, as `npm ci` builds it) against a bare `node -e 0`,
// measured in the same run, hyperfine-style: warm-up runs, then rounds that run each command once in turn (so drift
// in the machine's load hits all of them alike), medians compared.
// Goal (issue 13): `her2scope --help` and `her2scope classify ... --json` take at most 2x `node -e 0`.
// Run: `npm run bench -- startup` (builds first), or after `npm run build`:
//   node --conditions=her2scope-source --import tsx packages/cli/bench/startup.bench.ts [rounds]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'packages', 'cli', 'bin', 'her2scope.mjs');
const ROUNDS = Number(process.argv[2] ?? 21);
const WARMUP = 3;
const GOAL = 2;

// The child must run the compiled build: no tsx, no source condition inherited from this process.
const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };

interface Subject {
  name: string;
  args: string[];
  /** Checks the output, so that a broken build cannot look fast. */
  check: (stdout: string) => void;
  /** Not held to the goal: shown for comparison. */
  info?: boolean;
  env?: NodeJS.ProcessEnv;
}

const subjects: Subject[] = [
  { name: 'node -e 0', args: ['-e', '0'], check: () => undefined },
  {
    name: 'her2scope --help',
    args: [bin, '--help'],
    check: (out) => {
      if (!out.startsWith('Usage: her2scope <command>')) throw new Error(`unexpected --help output: ${out.slice(0, 200)}`);
    },
  },
  {
    name: 'her2scope classify --ihc 2+ --ish-her2 4.6 --ish-cep17 2.6 --json',
    args: [bin, 'classify', '--ihc', '2+', '--ish-her2', '4.6', '--ish-cep17', '2.6', '--json'],
    check: (out) => {
      const j = JSON.parse(out) as { her2: { category: string; ishGroup: number } };
      if (j.her2.category !== 'HER2-low' || j.her2.ishGroup !== 4) throw new Error(`unexpected classify output: ${out.slice(0, 200)}`);
    },
  },
  {
    // How the command started before the compiled build (TypeScript through tsx at every start), for comparison.
    name: 'her2scope --help from the sources through tsx (before the build; not a goal)',
    args: [bin, '--help'],
    env: { ...env, NODE_OPTIONS: `--conditions=her2scope-source --import ${import.meta.resolve('tsx')}` },
    info: true,
    check: (out) => {
      if (!out.startsWith('Usage: her2scope <command>')) throw new Error(`unexpected --help output: ${out.slice(0, 200)}`);
    },
  },
];

/** CPU time (user + system) of the finished children of this process, in ms (Linux /proc; null elsewhere). */
function childrenCpuMs(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5) (cutime, cstime), counted from field 3 after the command name; clock ticks of 10 ms.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function runOnce(s: Subject): { wallMs: number; cpuMs: number | null } {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, s.args, { cwd: root, env: s.env ?? env, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  const cpu1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`${s.name}: exit ${r.status}: ${r.stderr}`);
  s.check(r.stdout);
  return { wallMs, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

function peakRssMiB(s: Subject): number | null {
  if (!existsSync('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...s.args], { cwd: root, env: s.env ?? env, encoding: 'utf8' });
  const kib = Number(r.stderr.trim().split('\n').at(-1));
  return Number.isFinite(kib) ? kib / 1024 : null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

for (const s of subjects) for (let i = 0; i < WARMUP; i++) runOnce(s);
const wall = subjects.map(() => [] as number[]);
const cpu = subjects.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  subjects.forEach((s, i) => {
    const r = runOnce(s);
    wall[i]!.push(r.wallMs);
    if (r.cpuMs !== null) cpu[i]!.push(r.cpuMs);
  });
}

const baseWall = median(wall[0]!);
const baseCpu = cpu[0]!.length ? median(cpu[0]!) : null;
console.log(`start-up, ${ROUNDS} rounds after ${WARMUP} warm-up runs each; medians (wall clock; CPU user+system of the process)`);
let missed = 0;
subjects.forEach((s, i) => {
  const w = median(wall[i]!);
  const c = cpu[i]!.length ? median(cpu[i]!) : null;
  const rss = peakRssMiB(s);
  const ratio = w / baseWall;
  const cpuText = c === null ? '' : `, CPU ${c.toFixed(0)} ms${baseCpu ? ` = ${(c / baseCpu).toFixed(2)}x` : ''}`;
  const goal = i === 0 ? '(reference)' : s.info ? '' : ratio <= GOAL ? `goal <= ${GOAL}x: met` : `goal <= ${GOAL}x: MISSED`;
  if (i > 0 && !s.info && ratio > GOAL) missed++;
  console.log(`  ${s.name}: ${w.toFixed(0)} ms = ${ratio.toFixed(2)}x node${cpuText}${rss === null ? '' : `, peak RSS ${rss.toFixed(0)} MiB`}  ${goal}`);
});
console.log(missed ? `${missed} start-up goal(s) missed` : 'start-up goals met');
console.log(`peak RSS of this bench process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
