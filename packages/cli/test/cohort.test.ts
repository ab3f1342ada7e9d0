import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { her2scope, oneLineError, repoRoot } from './helpers.ts';

const fixture = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'cbioportal', 'synthetic_her2');
const shared = resolve(repoRoot, '..', 'shared', 'data', 'cbioportal');

test('cohort compare --group-a 8/14 --group-b 11/13 --json: the contract, no database needed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-cli-cohort-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = her2scope(['cohort', 'compare', '--group-a', '8/14', '--group-b', '11/13', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['a', 'b', 'fisherP', 'oddsRatio', 'oddsRatioCi95']);
  assert.deepEqual(Object.keys(j.a), ['k', 'n', 'fraction', 'ci95']);
  assert.deepEqual([j.a.k, j.a.n, j.b.k, j.b.n], [8, 14, 11, 13]);
  assert.equal(j.fisherP.toFixed(6), '0.208696');
  assert.ok(Math.abs(j.oddsRatio - 0.255718013251473) < 1e-9);
  assert.ok(Math.abs(j.oddsRatioCi95[0] - 0.0201692899634533) < 1e-9 && Math.abs(j.oddsRatioCi95[1] - 1.93341672236728) < 1e-8);
  assert.ok(Math.abs(j.b.ci95[1] - 0.956741821641919) < 1e-12);
  assert.equal(existsSync(join(dir, 'her2scope.db')), false, 'compare opens no database');
  const text = her2scope(['cohort', 'compare', '--group-a', '8/14', '--group-b', '11/13']);
  assert.equal(
    text.stdout,
    [
      'Group A: 8/14 = 57.1% (95% CI 32.6%-78.6%, Wilson)',
      'Group B: 11/13 = 84.6% (95% CI 57.8%-95.7%, Wilson)',
      "Fisher's exact test (two-sided): p = 0.2087",
      "Odds ratio A vs B (conditional MLE, as R's fisher.test): 0.256 (95% CI 0.0202 to 1.93, exact)",
      'For research use; not a medical device.',
      '',
    ].join('\n'),
  );
  // A zero cell: infinite odds ratio is null in JSON.
  const inf = JSON.parse(her2scope(['cohort', 'compare', '--group-a', '10/10', '--group-b', '0/10', '--json']).stdout);
  assert.equal(inf.oddsRatio, null);
  assert.equal(inf.oddsRatioCi95[1], null);
  assert.ok(Math.abs(inf.fisherP - 1.0825088224469e-5) < 1e-15);
});

test('cohort compare: bad counts are one-line usage errors', () => {
  assert.equal(oneLineError(her2scope(['cohort', 'compare', '--group-a', '8/x', '--group-b', '11/13'])), "her2scope cohort: --group-a: '8/x' is not K/N (two whole numbers, e.g. 8/14)");
  assert.equal(oneLineError(her2scope(['cohort', 'compare', '--group-a', '15/14', '--group-b', '11/13'])), "her2scope cohort: --group-a: '15/14': K cannot exceed N");
  assert.equal(oneLineError(her2scope(['cohort', 'compare', '--group-a', '0/0', '--group-b', '1/3'])), "her2scope cohort: --group-a: '0/0': N must be at least 1");
  assert.equal(oneLineError(her2scope(['cohort', 'compare', '--group-a', '8/14'])), 'her2scope cohort: --group-b is required: K/N, e.g. 8/14');
  assert.equal(oneLineError(her2scope(['cohort', 'compare', '--group-a', '8/14', '--group-b', '1/2', '--db', 'x.db'])), "her2scope cohort: --db does not apply to 'cohort compare' (see 'her2scope cohort --help')");
  assert.equal(oneLineError(her2scope(['cohort', 'frobnicate'])), "her2scope cohort: unknown subcommand 'frobnicate' (import, studies, query, compare, paired, signature, oncoprint; see 'her2scope cohort --help')");
});

test('cohort import, query, paired, signature and plots on the synthetic study', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-cli-cohort-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = ['--db', 'sqlite:./c.db'];
  const imp = her2scope(['cohort', 'import', fixture, ...db], { cwd: dir });
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, /^Imported study synthetic_her2 \(Synthetic HER2 cohort \(synthetic data, not real patients\)\) into sqlite:.*c\.db in [\d.]+ s\n/);
  assert.ok(imp.stdout.includes('  profile mutations (mutations, data_mutations.txt): 23 rows read, 21 stored; filtered 1 Silent; 27 profiled samples (case list synthetic_her2_sequenced)\n'));
  assert.ok(imp.stdout.includes('  HER2 categories: HER2-positive 3, HER2-low 2, HER2-ultralow 1, HER2-null 1, HER2-0 1, HER2-negative 1, pending 1, unknown 18\n'));
  assert.equal(imp.stderr, '', 'no progress lines when stderr is not a terminal');

  const q = her2scope(['cohort', 'query', '--gene', 'ERBB2', '--by', 'SAMPLE_TYPE', ...db], { cwd: dir });
  assert.equal(q.code, 0, q.stderr);
  assert.equal(
    q.stdout,
    [
      'Study synthetic_her2: ERBB2 mutation',
      'Denominator: samples profiled in mutations (case list synthetic_her2_sequenced)',
      'Overall: 19/27 = 70.4% (95% CI 51.5%-84.1%, Wilson)',
      'By SAMPLE_TYPE:',
      '  Primary            8/14   57.1%  (95% CI 32.6%-78.6%)',
      '  Recurrence        11/13   84.6%  (95% CI 57.8%-95.7%)',
      'For research use; not a medical device.',
      '',
    ].join('\n'),
  );
  const cmp = her2scope(['cohort', 'query', '--gene', 'ERBB2', '--by', 'SAMPLE_TYPE', '--group-a', 'Primary', '--group-b', 'Recurrence', '--json', '--plot', 'erbb2.svg', ...db], { cwd: dir });
  assert.equal(cmp.code, 0, cmp.stderr);
  const j = JSON.parse(cmp.stdout);
  assert.deepEqual([j.a.k, j.a.n, j.b.k, j.b.n, j.fisherP.toFixed(6)], [8, 14, 11, 13, '0.208696']);
  const lollipop = readFileSync(join(dir, 'erbb2.svg'), 'utf8');
  assert.match(lollipop, /^<svg /);
  assert.ok(lollipop.includes('ERBB2 L755S (8)') && lollipop.includes('1255 aa'));

  const her2 = JSON.parse(her2scope(['cohort', 'query', '--her2', 'low', '--json', ...db], { cwd: dir }).stdout);
  assert.deepEqual([her2.overall.k, her2.overall.n, her2.groups], [2, 8, []]);
  const tr = JSON.parse(her2scope(['cohort', 'query', '--gene', 'ERBB2', '--by', 'treatment:Trastuzumab', '--json', ...db], { cwd: dir }).stdout);
  assert.deepEqual(tr.groups.map((g: { group: string; k: number; n: number }) => [g.group, g.k, g.n]), [['unexposed', 12, 20], ['exposed', 5, 5], ['unknown', 2, 2]]);

  const paired = her2scope(['cohort', 'paired', '--gene', 'ERBB2', ...db], { cwd: dir });
  assert.equal(paired.code, 0, paired.stderr);
  assert.ok(paired.stdout.includes('Patients with an acquired alteration: 3/10 = 30.0% (95% CI 10.8%-60.3%, Wilson)\n'));
  assert.ok(paired.stdout.includes('  P05 (S05 -> S19): acquired ERBB2 T798I; shared ERBB2 S310F; lost -\n'));

  const sig = her2scope(['cohort', 'signature', '--reference', 'TRASTUZUMAB_RESPONSE=sensitive', '--threshold', '0.5', ...db], { cwd: dir });
  assert.equal(sig.code, 0, sig.stderr);
  assert.ok(sig.stdout.includes('RESEARCH USE ONLY'));
  assert.ok(sig.stdout.includes('HER2-positive samples with score > 0.5: 2\n  S01  score 1.90  (IGF2 1.90, IGF1R 1.90, IRS1 1.90, FOXO3 -1.90)\n  S09  score 0.71'));

  const onc = her2scope(['cohort', 'oncoprint', '--genes', 'ERBB2,GRB7,PIK3CA', '--plot', 'onco.svg', ...db], { cwd: dir });
  assert.equal(onc.code, 0, onc.stderr);
  assert.equal(onc.stdout, 'wrote onco.svg (3 genes x 27 profiled samples)\nFor research use; not a medical device.\n');
  const svg = readFileSync(join(dir, 'onco.svg'), 'utf8');
  assert.ok(svg.includes('20 of 27 samples altered in at least one gene'));
  assert.ok(svg.includes('>74.1% of 27<'), 'ERBB2: 19 mutated + S09 amplified = 20/27 (S03 gain, S04 shallow deletion not counted)');
  assert.ok(svg.includes('>not profiled for the gene</text>') && svg.includes('>amplification</text>'), 'legend');

  // Gene names in any case; an unknown one is one line with a suggestion.
  const lower = JSON.parse(her2scope(['cohort', 'query', '--gene', 'erbb2', '--json', ...db], { cwd: dir }).stdout);
  assert.deepEqual([lower.alteration, lower.overall.k, lower.overall.n], ['ERBB2 mutation', 19, 27]);
  assert.equal(oneLineError(her2scope(['cohort', 'query', '--gene', 'ERBBX', ...db], { cwd: dir })), 'her2scope cohort: gene: unknown gene ERBBX; did you mean ERBB2?');

  const studies = her2scope(['cohort', 'studies', '--json', ...db], { cwd: dir });
  assert.deepEqual(JSON.parse(studies.stdout).map((s: { identifier: string; samples: number }) => [s.identifier, s.samples]), [['synthetic_her2', 28]]);
});

test('cohort errors: one line naming file/line/column or the flag, exit 2', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-cli-cohort-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = ['--db', join(dir, 'e.db')];
  assert.equal(oneLineError(her2scope(['cohort', 'query', '--gene', 'ERBB2', ...db])), "her2scope cohort: study: no study in sqlite:" + join(dir, 'e.db') + "; import one first with 'her2scope cohort import <study-folder>'");
  assert.equal(oneLineError(her2scope(['cohort', 'import', join(dir, 'nope'), ...db])), `her2scope cohort: ${join(dir, 'nope')}: cannot read the study folder (ENOENT)`);
  // A bad cell in a copy of the study.
  const study = join(dir, 'study');
  her2scope(['cohort', 'import', fixture, ...db]);
  cpSync(fixture, study, { recursive: true });
  const cna = join(study, 'data_cna.txt');
  writeFileSync(cna, readFileSync(cna, 'utf8').replace('GRB7\t2886\t2', 'GRB7\t2886\tamp'));
  assert.equal(oneLineError(her2scope(['cohort', 'import', study, ...db])), "her2scope cohort: data_cna.txt:3: column 3 (S01): 'amp' is not a discrete copy-number value (-2, -1, 0, 1, 2 or NA)");
  assert.equal(oneLineError(her2scope(['cohort', 'query', '--gene', 'ERBB2', '--cna', 'double', ...db])), "her2scope cohort: --cna: 'double' is not one of amp, gain, hetloss, homdel");
  assert.equal(oneLineError(her2scope(['cohort', 'query', '--gene', 'ERBB2', '--by', 'NOPE', ...db])).startsWith("her2scope cohort: by: study synthetic_her2 has no clinical attribute 'NOPE'"), true);
  assert.equal(oneLineError(her2scope(['cohort', 'query', '--gene', 'ERBB2', '--group-a', 'x', ...db])), 'her2scope cohort: give both --group-a and --group-b');
  assert.equal(oneLineError(her2scope(['cohort', 'signature', ...db])), 'her2scope cohort: --reference ATTR=VALUE[,VALUE] is required (the reference samples of the z-scores, e.g. TRASTUZUMAB_RESPONSE=sensitive)');
  assert.equal(oneLineError(her2scope(['cohort', 'query', '--her2', 'low', '--plot', 'x.svg', ...db])), "her2scope cohort: --plot with query draws a lollipop of a gene's mutations: give --gene (for a copy-number or HER2 overview use 'cohort oncoprint')");
  assert.equal(oneLineError(her2scope(['cohort', 'query', '--gene', 'ERBB2', '--db', 'mysql://x'])), "her2scope cohort: db: 'mysql:' databases are not supported (use sqlite: or postgres://)");
});

test('cohort import of the cBioPortal example study from ../shared', { skip: !existsSync(join(shared, 'study_es_0')) && 'needs ../shared/data/cbioportal' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-cli-cohort-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const imp = her2scope(['cohort', 'import', join(shared, 'study_es_0'), '--json'], { cwd: dir });
  assert.equal(imp.code, 0, imp.stderr);
  assert.deepEqual([JSON.parse(imp.stdout).samples, JSON.parse(imp.stdout).patients], [845, 841]);
  assert.ok(existsSync(join(dir, 'her2scope.db')), 'default --db is sqlite:./her2scope.db');
  const q = JSON.parse(her2scope(['cohort', 'query', '--gene', 'BRCA2', '--json'], { cwd: dir }).stdout);
  assert.deepEqual([q.overall.k, q.overall.n], [12, 28], "cBioPortal's count: 3 sequenced samples are on a panel without BRCA2");
  const onc = her2scope(['cohort', 'oncoprint', '--genes', 'BRCA2', '--plot', 'o.svg'], { cwd: dir });
  assert.equal(onc.stdout, 'wrote o.svg (1 genes x 31 profiled samples; 3 gene-sample cells not profiled)\nFor research use; not a medical device.\n');
  assert.ok(readFileSync(join(dir, 'o.svg'), 'utf8').includes('>42.9% of 28<'), 'the oncoprint uses the query denominator');
});

