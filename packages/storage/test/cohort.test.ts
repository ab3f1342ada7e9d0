import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@her2scope/core';
import { migrations, openDatabase, parseDatabaseUrl, redactUrl, type Storage } from '../src/index.ts';
import {
  compareGroups,
  importStudy,
  listStudies,
  lollipopData,
  oncoprintData,
  pairedAnalysis,
  prevalenceCounts,
  signatureQuery,
  type PrevalenceQuery,
} from '../src/cohort/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const fixture = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'cbioportal', 'synthetic_her2');
const shared = resolve(repoRoot, '..', 'shared', 'data', 'cbioportal');
const noShared = !existsSync(join(shared, 'study_es_0')) && 'needs ../shared/data/cbioportal (AGPL study, not copied into the repo)';
const FIXED = () => new Date('2026-01-02T03:04:05Z');

const ERBB2 = { kind: 'mutation', gene: 'ERBB2' } as const;
const counts = async (s: Storage, q: PrevalenceQuery) =>
  (await prevalenceCounts(s, q)).table.groups.map((g) => [g.group, g.k, g.n]);

test('database locations', () => {
  assert.deepEqual(parseDatabaseUrl('sqlite:./her2scope.db'), { dialect: 'sqlite', path: './her2scope.db' });
  assert.deepEqual(parseDatabaseUrl('sqlite:///tmp/x.db'), { dialect: 'sqlite', path: '/tmp/x.db' });
  assert.deepEqual(parseDatabaseUrl(':memory:'), { dialect: 'sqlite', path: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', path: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('data/cohort.db'), { dialect: 'sqlite', path: 'data/cohort.db' });
  assert.deepEqual(parseDatabaseUrl('postgresql://u:pw@localhost/db'), { dialect: 'postgres', connectionString: 'postgresql://u:pw@localhost/db' });
  assert.throws(() => parseDatabaseUrl('mysql://x'), /'mysql:' databases are not supported/);
  assert.throws(() => parseDatabaseUrl('  '), InputError);
  assert.throws(() => parseDatabaseUrl('sqlite:'), /names no file/);
  assert.equal(redactUrl('postgres://user:secret@host:5432/db'), 'postgres://user:***@host:5432/db');
});

test('a file database uses WAL and foreign keys, and reopening keeps the schema (migrations run once)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-db-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s1 = await openDatabase(`sqlite:${join(dir, 'sub', 'a.db')}`);
  assert.equal(s1.sqlite!.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(s1.sqlite!.pragma('foreign_keys', { simple: true }), 1);
  await importStudy(s1, fixture, { now: FIXED });
  await s1.close();
  const s2 = await openDatabase(join(dir, 'sub', 'a.db'));
  const applied = (s2.sqlite!.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
  assert.deepEqual(applied, Object.keys(migrations('sqlite')).sort());
  assert.equal(applied[0], '0001_cohort');
  assert.deepEqual((await listStudies(s2)).map((x) => [x.identifier, x.samples, x.patients, x.importedAt]), [['synthetic_her2', 28, 18, '2026-01-02T03:04:05.000Z']]);
  await s2.close();
});

test('synthetic study: import summary and exact prevalence, grouped counts and CIs', async (t) => {
  const s = await openDatabase(':memory:');
  t.after(() => s.close());
  const sum = await importStudy(s, fixture, { now: FIXED });
  assert.equal(sum.replaced, false);
  assert.deepEqual([sum.patients, sum.samples, sum.attributes, sum.caseLists, sum.timelineEvents], [18, 28, { patient: 2, sample: 8 }, 2, 17]);
  assert.deepEqual(sum.profiles.map((p) => [p.stableId, p.profiledSamples, p.rows, p.stored]), [['gistic', 27, 2, 8], ['rna_seq_v2_mrna', 12, 4, 4], ['mutations', 27, 23, 21]]);
  assert.deepEqual(sum.her2Categories, { 'HER2-positive': 3, 'HER2-low': 2, 'HER2-ultralow': 1, 'HER2-null': 1, 'HER2-0': 1, 'HER2-negative': 1, pending: 1, unknown: 18 });
  assert.deepEqual(sum.warnings, ["sample S11: no HER2 category (IHC score 'abc' is not 0, 1+, 2+ or 3+)"]);

  // 19 of the 27 sequenced samples carry a (non-silent, loaded) ERBB2 mutation; S28 is not sequenced, S26's is Silent,
  // S27's has Mutation_Status LOH.
  const all = await prevalenceCounts(s, { alteration: ERBB2 });
  assert.deepEqual([all.table.overall.k, all.table.overall.n], [19, 27]);
  assert.ok(Math.abs(all.table.overall.ci95[0] - 0.515193170358519) < 1e-12 && Math.abs(all.table.overall.ci95[1] - 0.841469595302202) < 1e-12, 'R prop.test(19, 27, correct = FALSE)');
  assert.equal(all.denominator, 'samples profiled in mutations (case list synthetic_her2_sequenced)');
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), [['Primary', 8, 14], ['Recurrence', 11, 13]]);
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'ER_STATUS' } }), [['Negative', 7, 15], ['Positive', 12, 12]]);
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'OS_STATUS' } }), [['0:LIVING', 12, 17], ['1:DECEASED', 7, 10]]);
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'treatment', agent: 'trastuzumab' } }), [['unexposed', 12, 20], ['exposed', 5, 5], ['unknown', 2, 2]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'mutation', gene: 'ERBB2', proteinChange: 'L755S' } }), [[null, 8, 27]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'mutation', gene: 'ERBB2', proteinChange: 'T798' } }), [[null, 1, 27]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'mutation', gene: 'ERBB2', mutationClass: 'truncating' } }), [[null, 1, 27]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'mutation', gene: 'NOTAGENE' } }), [[null, 0, 27]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'cna', gene: 'ERBB2', state: 'amp' } }), [[null, 4, 27]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'cna', gene: 'ERBB2', state: 'hetloss' } }), [[null, 1, 27]]);
  // HER2 categories: denominators exclude samples that cannot be judged for the category.
  assert.deepEqual(await counts(s, { alteration: { kind: 'her2', category: 'positive' } }), [[null, 3, 9]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'her2', category: 'low' } }), [[null, 2, 8]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'her2', category: 'ultralow' } }), [[null, 1, 7]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'her2', category: 'zero' } }), [[null, 3, 8]]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'her2', category: 'low' }, groupBy: { kind: 'attribute', attribute: 'ER_STATUS' } }), [['Positive', 2, 6], ['Negative', 0, 2]]);
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'her2' } }), [
    ['HER2-positive', 2, 3], ['HER2-low', 2, 2], ['HER2-0', 1, 1], ['HER2-negative', 1, 1], ['HER2-null', 1, 1], ['HER2-ultralow', 1, 1], ['pending', 0, 1], [null, 11, 17],
  ]);
  await assert.rejects(prevalenceCounts(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'NOPE' } }), /has no clinical attribute 'NOPE' \(has: AGE, ER_STATUS, HER2_IHC_SCORE/);
  await assert.rejects(prevalenceCounts(s, { study: 'other', alteration: ERBB2 }), /no study 'other' in the database \(imported: synthetic_her2\)/);
  await assert.rejects(prevalenceCounts(s, { alteration: ERBB2, profile: 'x' }), /has no mutation profile 'x' \(has: mutations\)/);
});

test('two-group comparison on the database: 8/14 vs 11/13 gives the Fisher p of R', async (t) => {
  const s = await openDatabase(':memory:');
  t.after(() => s.close());
  await importStudy(s, fixture);
  const r = await compareGroups(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' }, groupA: ['primary'], groupB: ['Recurrence'] });
  assert.deepEqual([r.a.k, r.a.n, r.b.k, r.b.n, r.groupA, r.groupB], [8, 14, 11, 13, ['Primary'], ['Recurrence']]);
  assert.equal(r.fisherP.toFixed(6), '0.208696');
  assert.ok(Math.abs(r.oddsRatio - 0.255718013251473) < 1e-9);
  const pooled = await compareGroups(s, { alteration: ERBB2, groupBy: { kind: 'treatment', agent: 'Trastuzumab' }, groupA: ['exposed', 'unknown'], groupB: ['unexposed'] });
  assert.deepEqual([pooled.a.k, pooled.a.n, pooled.b.k, pooled.b.n], [7, 7, 12, 20]);
  await assert.rejects(compareGroups(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' }, groupA: ['Metastasis'], groupB: ['Primary'] }), /no samples have SAMPLE_TYPE = Metastasis \(values: Primary, Recurrence\)/);
  await assert.rejects(compareGroups(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' }, groupA: ['Primary'], groupB: ['Primary'] }), /'Primary' is in both groups/);
  await assert.rejects(compareGroups(s, { alteration: ERBB2, groupA: ['a'], groupB: ['b'] }), /needs --by/);
});

test('paired primary / recurrence, signature, oncoprint and lollipop data', async (t) => {
  const s = await openDatabase(':memory:');
  t.after(() => s.close());
  await importStudy(s, fixture);
  const p = await pairedAnalysis(s, { gene: 'ERBB2' });
  assert.equal(p.patients.length, 10);
  assert.deepEqual([p.patientsWithAcquired.k, p.patientsWithAcquired.n, p.laterAlterationsAcquired.k, p.laterAlterationsAcquired.n], [3, 10, 3, 11]);
  assert.deepEqual(p.patients.filter((x) => x.acquired.length).map((x) => [x.patientId, x.acquired]), [['P05', ['ERBB2 T798I']], ['P09', ['ERBB2 V777L']], ['P10', ['ERBB2 V777L']]]);
  const all = await pairedAnalysis(s, {});
  assert.deepEqual(all.patients.find((x) => x.patientId === 'P06')!.lost, ['PIK3CA H1047R']);

  const sig = await signatureQuery(s, { referenceAttribute: 'TRASTUZUMAB_RESPONSE', referenceValues: ['Sensitive'], threshold: 0.5 });
  assert.equal(sig.referenceSamples, 5);
  assert.deepEqual(sig.flagged.map((x) => x.sampleId), ['S01', 'S09']);
  assert.ok(Math.abs(sig.flagged[0]!.score! - 3 / Math.sqrt(2.5)) < 1e-12);
  assert.ok(Math.abs(sig.flagged[1]!.score! - (3 * (1.5 / Math.sqrt(2.5))) / 4) < 1e-12);
  assert.equal(sig.samples.find((x) => x.sampleId === 'S03')!.her2Category, 'HER2-low', 'S03 scores high but is not HER2-positive');
  assert.deepEqual(sig.samples.find((x) => x.sampleId === 'S10')!.missing, ['IGF2']);
  assert.deepEqual((await signatureQuery(s, { referenceAttribute: 'TRASTUZUMAB_RESPONSE', referenceValues: ['sensitive'], threshold: 1 })).flagged.map((x) => x.sampleId), ['S01']);
  await assert.rejects(signatureQuery(s, { referenceAttribute: 'TRASTUZUMAB_RESPONSE', referenceValues: ['none'], threshold: 1 }), /no reference samples/);

  const o = await oncoprintData(s, { genes: ['ERBB2', 'GRB7'] });
  assert.equal(o.samples.length, 27);
  assert.deepEqual(o.cells.get('ERBB2\tS01'), { cna: 'amp', mutations: ['missense'] });
  assert.deepEqual(o.cells.get('ERBB2\tS25'), { mutations: ['truncating'] });
  const l = await lollipopData(s, { gene: 'ERBB2' });
  assert.deepEqual(l.protein, { length: 1255, source: 'UniProt P04626 (ERBB2, canonical isoform), 1,255 aa' });
  assert.deepEqual(l.mutations.map((m) => [m.proteinChange, m.count]).sort(), [['L755S', 8], ['Q709*', 1], ['S310F', 8], ['T798I', 1], ['V777L', 2]]);
});

test('re-import replaces the study atomically; a failed import leaves the previous one intact', async (t) => {
  const s = await openDatabase(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-reimport-'));
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await importStudy(s, fixture);
  const again = await importStudy(s, fixture);
  assert.equal(again.replaced, true);
  assert.equal((await listStudies(s)).length, 1);
  assert.deepEqual(await counts(s, { alteration: ERBB2 }), [[null, 19, 27]]);
  const tables = ['cohort_sample', 'cohort_mutation', 'cohort_cna', 'cohort_sample_attribute', 'cohort_timeline_event', 'cohort_profile_sample'];
  const rowCounts = () => tables.map((x) => (s.sqlite!.prepare(`SELECT COUNT(*) AS c FROM ${x}`).get() as { c: number }).c);
  const before = rowCounts();
  assert.deepEqual(before, [28, 21, 8, 81, 17, 66]);
  // A copy whose MAF breaks on its last line: everything before it was inserted, then rolled back.
  cpSync(fixture, dir, { recursive: true });
  const maf = join(dir, 'data_mutations.txt');
  writeFileSync(maf, readFileSync(maf, 'utf8').replace(/\tS27\tLOH\t/, '\tS99\tLOH\t'));
  await assert.rejects(importStudy(s, dir), /data_mutations\.txt:25: column 12 \(Tumor_Sample_Barcode\): sample 'S99' is not in the clinical sample file/);
  assert.deepEqual(rowCounts(), before);
  assert.deepEqual(await counts(s, { alteration: ERBB2 }), [[null, 19, 27]]);
});

test('cBioPortal example study_es_0 and its exported form import with exact counts', { skip: noShared }, async (t) => {
  const s = await openDatabase(':memory:');
  t.after(() => s.close());
  const sum = await importStudy(s, join(shared, 'study_es_0'));
  assert.deepEqual([sum.patients, sum.samples, sum.caseLists, sum.skippedFiles.length, sum.warnings], [841, 845, 6, 17, []]);
  assert.deepEqual(sum.profiles.map((p) => [p.stableId, p.kind, p.profiledSamples, p.rows, p.stored]), [
    ['gistic', 'cna-discrete-long', 788, 6304, 1743],
    ['mrna', 'expression', 526, 6, 6],
    ['mrna_median_Zscores', 'expression', 526, 5, 5],
    ['mutations', 'mutations', 31, 36, 34],
  ]);
  // BRCA2 rows name 12 different samples; the _sequenced case list has 31.
  assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'BRCA2' } }), [[null, 12, 31]]);
  assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'TP53' } }), [[null, 1, 31]]);
  // 49 amplification calls in data_cna_discrete.txt (value 2), over 8 genes; ACAP3 has its own count.
  const amp = await prevalenceCounts(s, { study: 'study_es_0', alteration: { kind: 'cna', gene: 'ACAP3', state: 'amp' } });
  assert.equal(amp.table.overall.n, 788);
  const ie = await importStudy(s, join(shared, 'study_es_0_import_export'));
  assert.equal(ie.timelineEvents, 3);
  assert.deepEqual(ie.profiles.find((p) => p.stableId === 'gistic')!.kind, 'cna-discrete');
  assert.equal((await listStudies(s)).length, 2);
  await assert.rejects(prevalenceCounts(s, { alteration: { kind: 'mutation', gene: 'BRCA2' } }), /several studies are imported \(study_es_0, study_es_0_import_export\); choose one with --study/);
});

test('PostgreSQL: import and queries give the same counts', { skip: !process.env.DATABASE_URL && 'set DATABASE_URL=postgres://... to run' }, async (t) => {
  const s = await openDatabase(process.env.DATABASE_URL!);
  t.after(() => s.close());
  assert.equal(s.dialect, 'postgres');
  await importStudy(s, fixture);
  const again = await importStudy(s, fixture);
  assert.equal(again.replaced, true);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), [['Primary', 8, 14], ['Recurrence', 11, 13]]);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: { kind: 'her2', category: 'low' } }), [[null, 2, 8]]);
  const sig = await signatureQuery(s, { study: 'synthetic_her2', referenceAttribute: 'TRASTUZUMAB_RESPONSE', referenceValues: ['sensitive'], threshold: 0.5 });
  assert.deepEqual(sig.flagged.map((x) => x.sampleId), ['S01', 'S09']);
  const p = await pairedAnalysis(s, { study: 'synthetic_her2', gene: 'ERBB2' });
  assert.deepEqual([p.patientsWithAcquired.k, p.patientsWithAcquired.n], [3, 10]);
});
