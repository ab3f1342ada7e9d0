import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { her2scope, oneLineError, repoRoot } from './helpers.ts';

const fixture = (name: string) => join(repoRoot, 'packages', 'cli', 'test', 'fixtures', name);

test('issue example: IHC 2+ with ISH 4.6/2.6 is group 4, negative, HER2-low', () => {
  const r = her2scope(['classify', '--ihc', '2+', '--ish-her2', '4.6', '--ish-cep17', '2.6', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.her2.ishGroup, 4);
  assert.equal(out.her2.status, 'negative');
  assert.equal(out.her2.category, 'HER2-low');
  assert.equal(out.subtype, null);
  assert.deepEqual(Object.keys(out).sort(), ['er', 'her2', 'ki67', 'notes', 'pr', 'subtype']);
  assert.equal(out.her2.ishRatioText, '1.77');
  assert.deepEqual(out.er, { status: 'not-tested', percent: null, comments: [], rules: [] });
  assert.ok(out.her2.rules.every((r: { id: string; source: string }) => typeof r.id === 'string' && r.source.includes('')));
});

test('full sample with ER/PR gives a subtype', () => {
  const r = her2scope(['classify', '--ihc', '3+', '--er', '0', '--pr', '0.5', '--json']);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.her2.status, out.er.status, out.pr.status, out.subtype], ['positive', 'negative', 'negative', 'HR-/HER2+']);
});

test('issue 14: --ish-ratio 2.00 vs computed 4.19/2.1 = 1.995 uses the lab value (group 1), prints 2.00 and flags it (ASCO/CAP 2018 Fig. 3)', () => {
  const r = her2scope(['classify', '--ihc', '2+', '--ish-her2', '4.19', '--ish-cep17', '2.1', '--ish-ratio', '2.00']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HER2: positive \(HER2-positive\), ISH group 1 \(ratio 2\.00\)$/m);
  assert.match(r.stdout, /reported ratio is used/);
});

test('single probe flag', () => {
  const out = JSON.parse(her2scope(['classify', '--ihc', '2+', '--ish-probe', 'single', '--ish-her2', '5', '--json']).stdout);
  assert.deepEqual([out.her2.status, out.her2.category, out.her2.ishGroup], ['equivocal', 'pending', null]);
});

test('human-readable output has the rule trail and the research-use notice', () => {
  const r = her2scope(['classify', '--ihc', '0', '--ihc-stained-percent', '5', '--er', '5']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^HER2: negative \(HER2-ultralow\)$/m);
  assert.match(r.stdout, /^ER: low-positive \(5%\)$/m);
  assert.match(r.stdout, /^Rule trail:$/m);
  assert.match(r.stdout, /her2\.category\.ultralow: .*DESTINY-Breast06/);
  assert.match(r.stdout, /For research use; not a medical device\./);
});

test('--input reads the bundled YAML example', () => {
  const r = her2scope(['classify', '--input', join('examples', 'pathology', 'her2-low-group4.yaml'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.her2.category, out.her2.ishGroup, out.er.status, out.pr.status, out.subtype, out.ki67], ['HER2-low', 4, 'positive', 'positive', 'HR+/HER2-', 20]);
});

test('--input with JSON from a file', () => {
  const r = her2scope(['classify', '--input', fixture('pathology.json'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).her2.category, 'HER2-null');
});

test('bad flag value: exit 2, one line naming the flag and allowed values', () => {
  assert.equal(oneLineError(her2scope(['classify', '--ihc', '4+'])), 'her2scope classify: --ihc: must be one of "0", "1+", "2+", "3+"');
  assert.equal(oneLineError(her2scope(['classify', '--ish-her2', 'abc', '--ish-cep17', '2'])), "her2scope classify: --ish-her2: 'abc' is not a number");
  assert.equal(oneLineError(her2scope(['classify', '--er', '101'])), 'her2scope classify: --er: percent of tumour nuclei staining must be from 0 to 100');
  assert.match(oneLineError(her2scope(['classify', '--ish-cep17', '0', '--ish-her2', '4'])), /--ish-cep17: mean CEP17 signals per cell must be > 0/);
  assert.match(oneLineError(her2scope(['classify', '--ihc', '3+', '--ihc-stained-percent', '5'])), /--ihc-stained-percent: IHC 3\+ requires staining in >10%/);
});

test('bad --input file: the message names the file and the field', () => {
  const path = fixture('pathology-bad-ihc.yaml');
  assert.equal(oneLineError(her2scope(['classify', '--input', path])), `her2scope classify: ${path}: her2.ihc: must be one of "0", "1+", "2+", "3+"`);
  assert.match(oneLineError(her2scope(['classify', '--input', fixture('pathology-broken.yaml')])), /pathology-broken\.yaml:\d+: not valid YAML\/JSON/);
  assert.match(oneLineError(her2scope(['classify', '--input', fixture('missing.yaml')])), /missing\.yaml: cannot read file \(no such file\)/);
});

test('usage errors', () => {
  assert.match(oneLineError(her2scope(['classify', '--bogus'])), /Unknown option '--bogus' \(see 'her2scope classify --help'\)/);
  assert.match(oneLineError(her2scope(['classify'])), /nothing to classify/);
  assert.match(oneLineError(her2scope(['classify', '--input', fixture('pathology.json'), '--ihc', '1+'])), /--input cannot be combined with --ihc/);
  assert.match(oneLineError(her2scope(['frobnicate'])), /unknown command 'frobnicate'/);
});

test('--help on the command and at the top level', () => {
  const r = her2scope(['classify', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage:\n {2}her2scope classify/);
  const top = her2scope(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /classify +classify HER2/);
});
