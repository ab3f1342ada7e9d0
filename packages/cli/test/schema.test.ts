/**
 * The analysis contract (issue 13): every bundled example's `analyze --json` parses with the zod schema, the ids and
 * `basis` lists are consistent, hostile edits fail, and `her2scope schema analysis` prints its JSON Schema.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AnalysisResultSchema, analysisJsonSchema, type AnalysisResult } from '@her2scope/core';
import { her2scope, oneLineError, repoRoot } from './helpers.ts';

const CASES = readdirSync(join(repoRoot, 'examples', 'cases'))
  .filter((f) => /\.ya?ml$/.test(f) && !f.includes('.panel.'))
  .sort();

const outputs = new Map<string, unknown>();
function analyzeJson(file: string): unknown {
  let out = outputs.get(file);
  if (out === undefined) {
    const r = her2scope(['analyze', join('examples', 'cases', file), '--json']);
    assert.equal(r.code, 0, r.stderr);
    out = JSON.parse(r.stdout) as unknown;
    outputs.set(file, out);
  }
  return structuredClone(out);
}

const parsed = (file: string): AnalysisResult => AnalysisResultSchema.parse(analyzeJson(file));
const issues = (value: unknown) => {
  const r = AnalysisResultSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('the bundled example cases are the four of examples/cases', () => {
  assert.deepEqual(CASES, ['a-erbb2-acquired.yaml', 'b-her2-conversion.yaml', 'c-hidden-stem-cells.yaml', 'd-esr1-acquired.yaml']);
});

describe('every bundled example parses with AnalysisResultSchema (strict: no field outside the contract)', () => {
  for (const file of CASES) {
    test(file, () => {
      const r = parsed(file);
      assert.deepEqual(issues(analyzeJson(file)), []);
      // Ids: findings are `<sample>:variant:<chrom>:<pos>:<ref>:<alt>`, unique; options `option:<drugs>`.
      const findingIds = r.samples.flatMap((s) => s.findings.map((f) => f.id));
      assert.equal(new Set(findingIds).size, findingIds.length);
      for (const s of r.samples) for (const f of s.findings) assert.equal(f.id, `${s.id}:variant:${f.chrom}:${f.pos}:${f.ref}:${f.alt}`);
      for (const o of r.therapyOptions) assert.equal(o.id, `option:${[...o.drugs].sort().join('+')}`);
      for (const o of r.therapyOptions) assert.ok(o.basis.length > 0);
    });
  }
});

test('(a) the ERBB2 L755S options rest on that finding of the latest sequenced sample, the PIK3CA ones on PIK3CA', () => {
  const r = parsed('a-erbb2-acquired.yaml');
  const l755s = r.samples[1]?.findings.find((f) => f.alteration === 'p.L755S');
  const h1047r = r.samples[1]?.findings.find((f) => f.gene === 'PIK3CA');
  assert.equal(l755s?.id, 'A-LIVER:variant:17:37880220:T:C');
  assert.equal(h1047r?.id, 'A-LIVER:variant:3:178936091:G:A');
  assert.deepEqual(
    r.therapyOptions.map((o) => [o.id, o.basis]),
    [
      ['option:fulvestrant+inavolisib+palbociclib', [h1047r.id]],
      ['option:alpelisib+fulvestrant', [h1047r.id]],
      ['option:capivasertib+fulvestrant', [h1047r.id]],
      ['option:neratinib', [l755s.id]],
      ['option:fulvestrant+neratinib', [l755s.id]],
    ],
  );
  // Excluded options carry their basis too: T-DXd on the liver's HER2-low result.
  assert.deepEqual(r.excludedOptions.find((x) => x.therapy === 'trastuzumab deruxtecan')?.basis, ['A-LIVER:her2']);
});

test('(c) the stem-cell option rests on the cytometry result, which the core assessed against the sample\u2019s HER2-ultralow', () => {
  const r = parsed('c-hidden-stem-cells.yaml');
  const primary = r.samples.find((s) => s.id === 'C-PRIMARY');
  assert.equal(primary?.cytometry?.bulkHer2, 'HER2-ultralow');
  assert.equal(primary?.cytometry?.hiddenHer2StemCells, true);
  assert.ok(primary?.cytometry?.notes.some((n) => n.startsWith('Bulk HER2 is HER2-ultralow (negative/low), yet 3.0% of analysed cells')));
  assert.ok(!primary?.cytometry?.notes.some((n) => n.startsWith('No bulk HER2 result given')));
  // The stem-cell item is level D (Duru 2012, preclinical): shown with --include-preclinical, resting on the cytometry.
  assert.deepEqual(r.therapyOptions, []);
  const run = her2scope(['analyze', join('examples', 'cases', 'c-hidden-stem-cells.yaml'), '--json', '--include-preclinical']);
  assert.equal(run.code, 0, run.stderr);
  const withD = AnalysisResultSchema.parse(JSON.parse(run.stdout));
  assert.deepEqual(withD.therapyOptions.map((o) => [o.id, o.level, o.basis]), [['option:trastuzumab', 'D', ['C-PRIMARY:cytometry']]]);
});

describe('hostile edits of a valid result fail with the path named', () => {
  const base = () => analyzeJson('a-erbb2-acquired.yaml') as Record<string, unknown> & { therapyOptions: Array<Record<string, unknown>>; samples: Array<Record<string, unknown>> };
  const cases: Array<[string, (r: ReturnType<typeof base>) => void, RegExp]> = [
    ['an option without basis', (r) => delete r.therapyOptions[0]?.basis, /^therapyOptions\.0\.basis: /],
    ['an option with an empty basis', (r) => (r.therapyOptions[0]!.basis = []), /^therapyOptions\.0\.basis: /],
    ['a basis id that names nothing', (r) => (r.therapyOptions[1]!.basis = ['A-LIVER:variant:1:1:A:T']), /^therapyOptions\.1\.basis\.0: 'A-LIVER:variant:1:1:A:T' is not a finding, HER2, cytometry or copy-number result of this analysis$/],
    ['a duplicate option id', (r) => (r.therapyOptions[1]!.id = r.therapyOptions[0]!.id), /^therapyOptions\.1\.id: duplicate option id 'option:fulvestrant\+inavolisib\+palbociclib'$/],
    ['a field outside the contract', (r) => (r.therapyOptions[0]!.score = 3), /^therapyOptions\.0: Unrecognized key: "score"$/],
    ['another notice', (r) => (r.notice = 'For clinical use.'), /^notice: /],
    ['an unknown origin', (r) => ((r.samples[1]!.findings as Array<Record<string, unknown>>)[0]!.origin = 'somatic'), /^samples\.1\.findings\.0\.origin: /],
    ['a level outside A-E', (r) => (r.therapyOptions[0]!.level = 'F'), /^therapyOptions\.0\.level: /],
    ['cytometry with an untyped field', (r) => (r.samples[0]!.cytometry = { hiddenHer2StemCells: true, anything: 1 }), /^samples\.0\.cytometry\./],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const r = base();
      edit(r);
      const found = issues(r);
      assert.ok(found.some((i) => expected.test(i)), found.join('\n'));
    });
  }
});

describe('her2scope schema', () => {
  test('analysis prints the JSON Schema of the contract (draft 2020-12, strict objects)', () => {
    const r = her2scope(['schema', 'analysis']);
    assert.equal(r.code, 0, r.stderr);
    const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, { items?: { required?: string[] } }>; required: string[]; additionalProperties: boolean };
    assert.deepEqual(schema, analysisJsonSchema());
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['patient', 'samples', 'changes', 'therapyOptions', 'resistance', 'contraryEvidence', 'excludedOptions', 'hiddenPreclinical', 'context', 'kbNotices', 'latestSample', 'treatments', 'kbVersion', 'notice', 'ctdna']);
    assert.deepEqual(schema.properties.therapyOptions?.items?.required, ['id', 'therapy', 'drugs', 'level', 'reasons', 'citations', 'warnings', 'setting', 'context', 'support', 'basis']);
  });

  test('--help names the schemas; exit 0', () => {
    const r = her2scope(['schema', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage:\n {2}her2scope schema analysis\n/);
    assert.match(r.stdout, /analysis {3}the analysis result/);
    assert.match(r.stdout, /For research use; not a medical device\.\n$/);
  });

  test('an unknown or missing schema name: exit 2, one line', () => {
    assert.equal(oneLineError(her2scope(['schema', 'patients'])), "her2scope schema: 'patients' is not a schema; give one of: analysis");
    assert.equal(oneLineError(her2scope(['schema'])), "her2scope schema: give one schema name: analysis (see 'her2scope schema --help')");
    assert.equal(oneLineError(her2scope(['schema', '__proto__'])), "her2scope schema: '__proto__' is not a schema; give one of: analysis");
  });
});
