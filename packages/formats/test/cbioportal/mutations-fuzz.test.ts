// Differential fuzz of the cohort import's MAF reader (readStudyMutationBlocks, hand-written cell scanning): on
// seeded corrupted copies of the fixture MAF, and on large files whose lines cross the reader's 64 KiB chunks, it
// must give exactly what the plain split-based reading gives (maf-oracle.ts): the same rows, the same statistics, or
// the same error message (file, line, column). Seeded: a failure names the case and the seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@her2scope/core';
import { emptyMutationStats, readStudyMutationBlocks, type MutationReadOptions } from '../../src/cbioportal/index.ts';
import { readStudyMutationsBySplit } from './maf-oracle.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = readFileSync(join(here, '..', 'fixtures', 'cbioportal', 'synthetic_her2', 'data_mutations.txt'), 'utf8');
const SEED = Number(process.env.HER2SCOPE_FUZZ_SEED ?? 20261202);
const r = seededRandom(SEED);
const int = (n: number) => Math.floor(r() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

const HOSTILE = ['\t', '\n', '\r\n', '\r', '#', ' ', '  \t ', '\u00a0', '\ufeff', '\u2028', '', 'NA', '[Not Available]', '-1', '1x', '99999999999999999999', 'p.', 'Redacted', 'Fusion', 'Silent', 'LOH', 'None', 'S99', 'é', '\0', 'ACGT', 'Unknown', '0', 'TERT', "5'Flank"];

function mutate(s: string): string {
  const n = 1 + int(4);
  for (let i = 0; i < n; i++) {
    const p = int(s.length + 1);
    switch (int(6)) {
      case 0:
        s = s.slice(0, p) + pick(HOSTILE) + s.slice(p + 1);
        break;
      case 1:
        s = s.slice(0, p) + pick(HOSTILE) + s.slice(p);
        break;
      case 2:
        s = s.slice(0, p) + s.slice(p + 1 + int(30));
        break;
      case 3: {
        // Replace one whole cell of a random line.
        const lines = s.split('\n');
        const k = int(lines.length);
        const cells = (lines[k] ?? '').split('\t');
        cells[int(cells.length)] = pick(HOSTILE);
        lines[k] = cells.join('\t');
        s = lines.join('\n');
        break;
      }
      case 4:
        s = s.replace(/\n/g, '\r\n');
        break;
      default: {
        // Duplicate or drop a line.
        const lines = s.split('\n');
        const k = int(lines.length);
        if (r() < 0.5) lines.splice(k, 0, lines[k] ?? '');
        else lines.splice(k, 1);
        s = lines.join('\n');
      }
    }
  }
  return s;
}

async function outcome(rows: AsyncIterable<unknown>, stats: unknown): Promise<unknown> {
  const out: unknown[] = [];
  try {
    for await (const x of rows) out.push(x);
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), rows: out.length };
  }
  return { out, stats };
}

/** The rows of the blocks, one at a time (an error of the reader comes through as it is). */
async function* rowsOf<T>(blocks: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const block of blocks) yield* block;
}

async function compare(path: string, label: string, options: Omit<MutationReadOptions, 'stats'> = {}): Promise<'rows' | 'error'> {
  const s1 = emptyMutationStats();
  const s2 = emptyMutationStats();
  const fast = await outcome(rowsOf(readStudyMutationBlocks(path, 'data_mutations.txt', { ...options, stats: s1 })), s1);
  const slow = await outcome(readStudyMutationsBySplit(path, 'data_mutations.txt', { ...options, stats: s2 }), s2);
  // Rows yielded before an error can differ in number (the block reader yields a block at a time); the message not.
  if (typeof slow === 'object' && slow !== null && 'error' in slow && typeof fast === 'object' && fast !== null && 'error' in fast) {
    assert.equal(fast.error, slow.error, `${label} (seed ${SEED})`);
    return 'error';
  }
  assert.deepEqual(fast, slow, `${label} (seed ${SEED})`);
  return 'rows';
}

test('MAF block reader equals the split-based reading on 1,500 corrupted MAFs (rows, statistics, error messages)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-maf-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const samples = new Set(Array.from({ length: 30 }, (_, i) => `S${String(i + 1).padStart(2, '0')}`));
  const tally = { rows: 0, error: 0 };
  for (let i = 0; i < 1500; i++) {
    const path = join(dir, `case-${i}.txt`);
    writeFileSync(path, mutate(fixture));
    const options = i % 3 === 0 ? { samples } : i % 3 === 1 ? { filter: new Set<string>() } : {};
    tally[await compare(path, `case ${i}`, options)]++;
  }
  // Both outcomes are exercised (a fuzz where everything fails, or nothing does, would test little).
  console.log(`# MAF fuzz: ${JSON.stringify(tally)}`);
  assert.ok(tally.rows > 100 && tally.error > 100, JSON.stringify(tally));
});

test('MAF block reader across 64 KiB chunks: long files, CRLF, a BOM, a line longer than a chunk, no final newline', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-maf-chunks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [version, header, ...data] = fixture.trimEnd().split('\n');
  const body: string[] = [];
  for (let i = 0; body.length < 6000; i++) body.push(data[i % data.length] ?? '');
  const big = [version, header, ...body].join('\n');
  const longCell = 'A'.repeat(70_000);
  const cases: Array<[string, string]> = [
    ['long', big + '\n'],
    ['long CRLF, BOM, no final newline', '\ufeff' + big.replace(/\n/g, '\r\n')],
    ['a line longer than a chunk', [version, header, ...body.slice(0, 100), (body[0] ?? '').replace('\tp.L755S\t', `\tp.${longCell}\t`), ...body.slice(100, 3000)].join('\n')],
    ['an error far into the file', [version, header, ...body.slice(0, 4000), (body[0] ?? '').replace('\t12\t40', '\t1x\t40'), ...body.slice(4000)].join('\n')],
  ];
  for (const [label, text] of cases) {
    const path = join(dir, 'data_mutations.txt');
    writeFileSync(path, text);
    await compare(path, label);
  }
  // The error far into the file names its line: header on line 2, data from line 3.
  const path = join(dir, 'data_mutations.txt');
  await assert.rejects(
    (async () => {
      for await (const _ of readStudyMutationBlocks(path, 'data_mutations.txt')) void _;
    })(),
    /^StudyFileError: data_mutations\.txt:4003: column 15 \(t_alt_count\): '1x' is not a whole number >= 0$/,
  );
});
