import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { InputError } from '@her2scope/core';
import { oncoprintLayout } from '@her2scope/core/cohort';
import { createPgDatabase, pgAdminUrl } from './databases.ts';
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
const tcgaFixture = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'cbioportal', 'synthetic_tcga_her2');
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
  assert.deepEqual([sum.patients, sum.samples, sum.attributes, sum.caseLists, sum.timelineEvents], [18, 28, { patient: 2, sample: 8 }, 3, 17]);
  assert.deepEqual(sum.profiles.map((p) => [p.stableId, p.profiledSamples, p.rows, p.stored]), [['gistic', 27, 2, 8], ['rna_seq_v2_mrna', 12, 4, 4], ['mutations', 27, 23, 21]]);
  assert.deepEqual(sum.her2Categories, { 'HER2-positive': 3, 'HER2-low': 2, 'HER2-ultralow': 1, 'HER2-null': 1, 'HER2-0': 1, 'HER2-negative': 1, pending: 1, unknown: 18 });
  assert.deepEqual(sum.warnings, ["sample S11: no HER2 category (IHC score 'abc' in HER2_IHC_SCORE is not 0, 1+, 2+ or 3+)"]);
  assert.deepEqual([sum.her2Report.withData, sum.her2Report.categorised, sum.her2Report.notCategorised], [11, 10, { "IHC score 'abc' in HER2_IHC_SCORE is not 0, 1+, 2+ or 3+": 1 }]);

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
  // Gene names: any case; an unknown one is an error with the nearest names, never 0/n.
  assert.deepEqual(await counts(s, { alteration: { kind: 'mutation', gene: 'erbb2' } }), [[null, 19, 27]]);
  assert.equal((await prevalenceCounts(s, { alteration: { kind: 'mutation', gene: 'Erbb2' } })).alteration, 'ERBB2 mutation');
  await assert.rejects(prevalenceCounts(s, { alteration: { kind: 'mutation', gene: 'ERBBX' } }), (e: Error) => e instanceof InputError && e.message === 'gene: unknown gene ERBBX; did you mean ERBB2?');
  await assert.rejects(prevalenceCounts(s, { alteration: { kind: 'mutation', gene: 'NOTAGENE' } }), /unknown gene NOTAGENE \(study synthetic_her2 names no such gene/);
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
  assert.deepEqual([sum.patients, sum.samples, sum.caseLists, sum.skippedFiles.length, sum.warnings, sum.genePanels], [841, 845, 6, 16, [], ['TESTPANEL1', 'TESTPANEL2']]);
  assert.deepEqual(sum.profiles.map((p) => [p.stableId, p.kind, p.profiledSamples, p.rows, p.stored, p.panels ?? null]), [
    ['gistic', 'cna-discrete-long', 788, 6304, 1743, { TESTPANEL1: 10 }],
    ['mrna', 'expression', 526, 6, 6, null],
    ['mrna_median_Zscores', 'expression', 526, 5, 5, null],
    ['mutations', 'mutations', 31, 36, 34, { TESTPANEL1: 9, TESTPANEL2: 3 }],
  ]);
  // cBioPortal's numbers: BRCA2 rows name 12 samples; of the 31 sequenced samples, the 3 on TESTPANEL2 (which lacks
  // BRCA2, TP53, BRCA1 and ATM) are not profiled for them. The 5 sequenced samples with NA in the matrix are whole
  // exome (profiled for every gene).
  const brca2 = await prevalenceCounts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'BRCA2' } });
  assert.deepEqual([brca2.table.overall.k, brca2.table.overall.n], [12, 28]);
  assert.equal(brca2.denominator, 'samples profiled for BRCA2 in mutations (case list study_es_0_sequenced, per gene by gene panel): 28 of 31; 3 on gene panels without BRCA2 left out');
  assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'brca2' } }), [[null, 12, 28]]);
  assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'TP53' } }), [[null, 1, 28]]);
  // PIEZO1 is on TESTPANEL2 only: the 9 TESTPANEL1 samples are left out.
  assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'PIEZO1' } }), [[null, 1, 22]]);
  // The gistic column puts 10 samples on TESTPANEL1, which lacks ACAP3.
  const amp = await prevalenceCounts(s, { study: 'study_es_0', alteration: { kind: 'cna', gene: 'ACAP3', state: 'amp' } });
  assert.deepEqual([amp.table.overall.k, amp.table.overall.n], [7, 778]);
  // Oncoprint: the mutation profile's samples; BRCA2 row over the same 28 as the query, 3 cells drawn as not profiled.
  const o = await oncoprintData(s, { study: 'study_es_0', genes: ['brca2'] });
  const layout = oncoprintLayout(o);
  assert.deepEqual([o.genes, o.samples.length, o.notProfiled!.size, layout.altered.BRCA2, layout.profiled.BRCA2], [['BRCA2'], 31, 3, 12, 28]);
  assert.ok([...o.notProfiled!].every((k) => ['BRCA2\tTCGA-A1-A0SB-02', 'BRCA2\tTEST_SAMPLE_14', 'BRCA2\tTEST_SAMPLE_15'].includes(k)));
  // Gains and shallow deletions are not in the oncoprint's default alteration set.
  assert.ok([...o.cells.values()].every((c) => c.cna === undefined || c.cna === 'amp' || c.cna === 'homdel'));

  // The exported form: no panel files in its folder, so its matrix uses the panels stored by the first import.
  const ie = await importStudy(s, join(shared, 'study_es_0_import_export'));
  assert.equal(ie.timelineEvents, 3);
  assert.deepEqual(ie.profiles.find((p) => p.stableId === 'gistic')!.kind, 'cna-discrete');
  assert.equal((await listStudies(s)).length, 2);
  await assert.rejects(prevalenceCounts(s, { alteration: { kind: 'mutation', gene: 'BRCA2' } }), /several studies are imported \(study_es_0, study_es_0_import_export\); choose one with --study/);
});

test('paired analysis on study_es_0 with SAMPLE_TYPE added: genes off the other sample\'s panel are neither acquired nor lost', { skip: noShared }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-es0-'));
  const s = await openDatabase(':memory:');
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // A throwaway copy (AGPL data stays outside the repository) with a SAMPLE_TYPE column: -01 primary, -02 metastasis.
  cpSync(join(shared, 'study_es_0'), dir, { recursive: true });
  const file = join(dir, 'data_clinical_samples.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, lines.map((l, i) => (l === '' ? l : i < 4 ? `${l}\t${i === 2 ? 'STRING' : i === 3 ? '1' : 'Sample type'}` : i === 4 ? `${l}\tSAMPLE_TYPE` : `${l}\t${l.split('\t')[1]!.endsWith('-02') ? 'Metastasis' : 'Primary'}`)).join('\n'));
  await importStudy(s, dir);
  const p = await pairedAnalysis(s, { study: 'study_es_0' });
  const a0sb = p.patients.find((x) => x.patientId === 'TCGA-A1-A0SB')!;
  // Primary on TESTPANEL1 (12 mutations), metastasis on TESTPANEL2 (3): 11 of the 12 "lost" and 1 of the 3 "acquired"
  // are in genes the other panel does not cover.
  assert.deepEqual(a0sb.acquired, ['MSH3 L503Wfs*5', 'MYB Y10Ifs*2']);
  assert.deepEqual(a0sb.lost, ['DTNB V382M']);
  assert.equal(a0sb.notProfiled.length, 12);
  assert.ok(a0sb.notProfiled.includes('PIEZO1 Q1441R') && a0sb.notProfiled.includes('BRCA2 D191G'));
  assert.deepEqual([p.patients.length, p.notProfiledAlterations, p.laterAlterationsAcquired.k, p.laterAlterationsAcquired.n], [1, 12, 2, 2]);
});

test('validator rules: required case lists, samples outside _sequenced, panel matrix consistency', async (t) => {
  const s = await openDatabase(':memory:');
  const dirs: string[] = [];
  t.after(async () => {
    await s.close();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  const copy = (edit: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'her2scope-val-'));
    dirs.push(dir);
    cpSync(fixture, dir, { recursive: true });
    edit(dir);
    return dir;
  };
  await assert.rejects(importStudy(s, copy((d) => rmSync(join(d, 'case_lists', 'cases_sequenced.txt')))), (e: Error) => e instanceof InputError && e.message === "case_lists: no case list with stable_id 'synthetic_her2_sequenced' (the samples profiled for mutations); cBioPortal's validator requires it, and without it the denominator would be a guess");
  await assert.rejects(importStudy(s, copy((d) => rmSync(join(d, 'case_lists', 'cases_cna.txt')))), /no case list with stable_id 'synthetic_her2_cna' \(the samples profiled for copy number\)/);
  await assert.rejects(importStudy(s, copy((d) => writeFileSync(join(d, 'meta_study.txt'), readFileSync(join(fixture, 'meta_study.txt'), 'utf8').replace('add_global_case_list: true\n', '')))), /no case list with stable_id 'synthetic_her2_all' \(all samples \(or 'add_global_case_list: true' in meta_study.txt\)\)/);
  // S27 has a (loaded) mutation: drop it from _sequenced.
  const seq = (d: string) => join(d, 'case_lists', 'cases_sequenced.txt');
  await assert.rejects(importStudy(s, copy((d) => writeFileSync(seq(d), readFileSync(seq(fixture), 'utf8').replace('\tS25\t', '\t')))), /data_mutations\.txt:\d+: Tumor_Sample_Barcode: sample 'S25' has mutations but is not in the case list synthetic_her2_sequenced/);
  // A panel matrix naming an undefined panel; a mutation panel for a sample outside _sequenced.
  const withMatrix = (rows: string) => (d: string) => {
    writeFileSync(join(d, 'meta_gene_panel_matrix.txt'), 'cancer_study_identifier: synthetic_her2\ngenetic_alteration_type: GENE_PANEL_MATRIX\ndatatype: GENE_PANEL_MATRIX\ndata_filename: data_gene_panel_matrix.txt\n');
    writeFileSync(join(d, 'data_gene_panel_matrix.txt'), `SAMPLE_ID\tmutations\n${rows}`);
    writeFileSync(join(d, 'data_gene_panel_small.txt'), 'stable_id: SYN_SMALL_PANEL\ndescription: synthetic panel without ERBB2\ngene_list: PIK3CA\tTP53\n');
  };
  await assert.rejects(importStudy(s, copy(withMatrix('S01\tOTHER_PANEL\n'))), /data_gene_panel_matrix\.txt:2: column 2 \(mutations\): gene panel 'OTHER_PANEL' is not defined/);
  await assert.rejects(importStudy(s, copy(withMatrix('S28\tSYN_SMALL_PANEL\n'))), /data_gene_panel_matrix\.txt:2: column 2 \(mutations\): sample 'S28' has a mutation gene panel but is not in the case list synthetic_her2_sequenced/);
  // S01 and S02 on a panel without ERBB2: both carry ERBB2 L755S (off-panel calls, warned) and leave the denominator.
  const sum = await importStudy(s, copy(withMatrix('S01\tSYN_SMALL_PANEL\nS02\tSYN_SMALL_PANEL\nS03\tNA\n')));
  assert.ok(sum.warnings.includes('data_mutations.txt: 2 mutation(s) in a gene that the sample\'s gene panel does not cover; stored, but such a sample is not counted as profiled for that gene'));
  assert.deepEqual(await counts(s, { alteration: ERBB2 }), [[null, 17, 25]]);
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), [['Recurrence', 11, 13], ['Primary', 6, 12]]);
  // A changed panel under a stored stable_id is refused (another study may use it).
  await assert.rejects(
    importStudy(s, copy((d) => {
      withMatrix('S01\tSYN_SMALL_PANEL\n')(d);
      writeFileSync(join(d, 'data_gene_panel_small.txt'), 'stable_id: SYN_SMALL_PANEL\ndescription: changed\ngene_list: PIK3CA\n');
    })),
    /data_gene_panel_small\.txt: gene_list: gene panel 'SYN_SMALL_PANEL' is already in the database with a different gene list/,
  );
});

test('real-world HER2 columns (synthetic TCGA-style file): every sample with a result gets a category; contradictions flagged', async (t) => {
  const s = await openDatabase(':memory:');
  t.after(() => s.close());
  const sum = await importStudy(s, tcgaFixture);
  const h = sum.her2Report;
  // 24 samples: 22 with a result, 1 whose only value is "Indeterminate" (the test gave no result), 1 with nothing.
  assert.deepEqual([h.withData, h.categorised, h.notCategorised], [23, 22, { 'indeterminate (the test gave no result)': 1 }]);
  assert.deepEqual(h.byRule, { H1: 3, H2: 5, H3: 2, H4: 1, H5: 1, H6: 6, H7: 2, H8: 2 });
  assert.deepEqual(sum.her2Categories, { 'HER2-positive': 10, 'HER2-low': 6, 'HER2-0': 1, 'HER2-negative': 4, pending: 1, unknown: 2 });
  assert.deepEqual(h.contradictions, [
    { sample: 'SYN-T-0017-01', detail: 'IHC_HER2 Negative with HER2_FISH_STATUS Positive: discordant; positive by ISH' },
    { sample: 'SYN-T-0018-01', detail: 'IHC 3+ with HER2_FISH_STATUS Negative: discordant; positive by IHC 3+' },
    { sample: 'SYN-T-0019-01', detail: "IHC_HER2 'Positive' disagrees with IHC score 1+ (score used)" },
    { sample: 'SYN-T-0020-01', detail: 'IHC 1+ with HER2_FISH_STATUS Positive: discordant; positive by ISH' },
  ]);
  assert.deepEqual(await counts(s, { alteration: { kind: 'her2', category: 'positive' } }), [[null, 10, 21]]);
});

test('PostgreSQL: import and queries give the same counts', { skip: pgAdminUrl() === null && 'HER2SCOPE_NO_PG=1 (outside CI only)' }, async (t) => {
  // npm test starts PostgreSQL (scripts/pg.sh); pgAdminUrl() throws when DATABASE_URL is missing, except with
  // HER2SCOPE_NO_PG=1 outside CI, so this never skips silently.
  const s = await openDatabase(pgAdminUrl()!);
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
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: { kind: 'mutation', gene: 'erbb2' }, groupBy: { kind: 'her2' } }), [
    ['HER2-positive', 2, 3], ['HER2-low', 2, 2], ['HER2-0', 1, 1], ['HER2-negative', 1, 1], ['HER2-null', 1, 1], ['HER2-ultralow', 1, 1], ['pending', 0, 1], [null, 11, 17],
  ]);
  // A failed import (bad row in the middle of a COPY) rolls back and leaves the connection usable.
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-pgfail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(fixture, dir, { recursive: true });
  const maf = join(dir, 'data_mutations.txt');
  writeFileSync(maf, readFileSync(maf, 'utf8').replace(/\tS27\tLOH\t/, '\tS99\tLOH\t'));
  await assert.rejects(importStudy(s, dir), /sample 'S99' is not in the clinical sample file/);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2 }), [[null, 19, 27]]);
  assert.ok((await assertCountedEqualsLive(s, 'synthetic_her2')) > 50);
  if (!noShared) {
    await importStudy(s, join(shared, 'study_es_0'));
    assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'BRCA2' } }), [[null, 12, 28]]);
    await s.db.deleteFrom('cohort_study').where('identifier', '=', 'study_es_0').execute();
  }
});

/** Foreign keys (with their validation state) and indexes of the cohort tables, as PostgreSQL's catalog defines them. */
async function pgSchema(s: Storage): Promise<string[]> {
  const fks = await sql<{ d: string }>`SELECT t.relname || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) || ' valid=' || c.convalidated AS d
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname LIKE 'cohort%' ORDER BY 1`.execute(s.db);
  const ix = await sql<{ d: string }>`SELECT indexdef AS d FROM pg_indexes WHERE tablename LIKE 'cohort%' ORDER BY 1`.execute(s.db);
  return [...fks.rows, ...ix.rows].map((r) => r.d);
}

test('PostgreSQL bulk load (large study): keys and indexes dropped for the COPY come back identical and validated; same counts; a failure rolls back', { skip: pgAdminUrl() === null && 'HER2SCOPE_NO_PG=1 (outside CI only)' }, async (t) => {
  const target = await createPgDatabase(pgAdminUrl()!);
  const s = await openDatabase(target.url);
  t.after(async () => {
    await s.close();
    await target.drop();
  });
  const before = await pgSchema(s);
  assert.ok(before.some((d) => d.startsWith('cohort_mutation cohort_mutation_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES cohort_profile(id) ON DELETE CASCADE valid=true')));
  assert.ok(before.some((d) => d.includes('INDEX cohort_sample_attribute_value_idx ON public.cohort_sample_attribute USING btree (study_id, attr_id, value)')));
  const bulk = { largeLoadBytes: 0 };
  await importStudy(s, fixture, bulk);
  assert.deepEqual(await pgSchema(s), before);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), [['Primary', 8, 14], ['Recurrence', 11, 13]]);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: { kind: 'her2', category: 'low' } }), [[null, 2, 8]]);
  assert.ok((await assertCountedEqualsLive(s, 'synthetic_her2')) > 50);
  // The keys work again after the load: a row pointing at no sample is refused, and deleting the study cascades.
  await assert.rejects(sql`INSERT INTO cohort_sample_attribute (study_id, sample_ref, attr_id, value) SELECT id, 999999, 'X', 'y' FROM cohort_study`.execute(s.db), /foreign key/);
  // A failed bulk import (bad row in the middle of the MAF's COPY) rolls back the DDL too.
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-pgbulk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(fixture, dir, { recursive: true });
  const maf = join(dir, 'data_mutations.txt');
  writeFileSync(maf, readFileSync(maf, 'utf8').replace(/\tS27\tLOH\t/, '\tS99\tLOH\t'));
  await assert.rejects(importStudy(s, dir, bulk), /sample 'S99' is not in the clinical sample file/);
  assert.deepEqual(await pgSchema(s), before);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2 }), [[null, 19, 27]]);
  // A re-import replaces the study (cascade before the keys are dropped).
  assert.equal((await importStudy(s, fixture, bulk)).replaced, true);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2 }), [[null, 19, 27]]);
  if (!noShared) {
    await importStudy(s, join(shared, 'study_es_0'), bulk);
    assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'BRCA2' } }), [[null, 12, 28]]);
    assert.ok((await assertCountedEqualsLive(s, 'study_es_0')) > 100);
  }
  await s.db.deleteFrom('cohort_study').execute();
  assert.equal(Number((await sql<{ c: string }>`SELECT COUNT(*) AS c FROM cohort_mutation`.execute(s.db)).rows[0]?.c), 0);
  assert.deepEqual(await pgSchema(s), before);
});

test('SQLite bulk load (large study): indexes dropped for the load come back identical; same counts; a failure rolls back', async (t) => {
  const s = await openDatabase(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-sqlitebulk-'));
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const schema = async () => (await sql<{ d: string }>`SELECT type || ' ' || name || ' ' || COALESCE(sql, '') AS d FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name`.execute(s.db)).rows.map((r) => r.d);
  const before = await schema();
  assert.ok(before.includes('index cohort_sample_attribute_value_idx CREATE INDEX "cohort_sample_attribute_value_idx" on "cohort_sample_attribute" ("study_id", "attr_id", "value")'), before.join('\n'));
  assert.ok(before.some((d) => d.startsWith('index cohort_mutation_gene_idx ')));
  const bulk = { largeLoadBytes: 0 };
  const r = await importStudy(s, fixture, bulk);
  assert.ok(r.stages.some((x) => x.stage === 'start (old study deleted, indexes dropped)') && r.stages.some((x) => x.stage === 'index build'), JSON.stringify(r.stages));
  assert.deepEqual(await schema(), before);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), [['Primary', 8, 14], ['Recurrence', 11, 13]]);
  assert.ok((await assertCountedEqualsLive(s, 'synthetic_her2')) > 50);
  // A failed bulk import (bad row in the middle of the MAF) rolls back the dropped indexes with the rows.
  cpSync(fixture, dir, { recursive: true });
  const maf = join(dir, 'data_mutations.txt');
  writeFileSync(maf, readFileSync(maf, 'utf8').replace(/\tS27\tLOH\t/, '\tS99\tLOH\t'));
  await assert.rejects(importStudy(s, dir, bulk), /data_mutations\.txt:25: column 12 \(Tumor_Sample_Barcode\): sample 'S99' is not in the clinical sample file/);
  assert.deepEqual(await schema(), before);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2 }), [[null, 19, 27]]);
  assert.equal((await importStudy(s, fixture, bulk)).replaced, true);
  assert.deepEqual(await schema(), before);
  assert.deepEqual(await counts(s, { study: 'synthetic_her2', alteration: ERBB2 }), [[null, 19, 27]]);
});

/** Every gene of a study by every precomputed grouping: the numerators counted at import equal the live counts. */
async function assertCountedEqualsLive(s: Storage, study: string): Promise<number> {
  const st = await s.db.selectFrom('cohort_study').select('id').where('identifier', '=', study).executeTakeFirstOrThrow();
  const genes = (await s.db.selectFrom('cohort_gene').select('gene').where('study_id', '=', st.id).execute()).map((r) => r.gene);
  const groupings = await s.db
    .selectFrom('cohort_profile_group_count as c')
    .innerJoin('cohort_profile as p', 'p.id', 'c.profile_id')
    .select('c.grouping')
    .distinct()
    .where('p.study_id', '=', st.id)
    .where('p.alteration_type', '=', 'MUTATION_EXTENDED')
    .execute();
  const groupBys: Array<PrevalenceQuery['groupBy']> = [undefined];
  for (const { grouping } of groupings) {
    if (grouping === 'her2') groupBys.push({ kind: 'her2' });
    else if (grouping.startsWith('SAMPLE:') || grouping.startsWith('PATIENT:')) groupBys.push({ kind: 'attribute', attribute: grouping.slice(grouping.indexOf(':') + 1) });
  }
  let compared = 0;
  for (const gene of genes) {
    for (const groupBy of groupBys) {
      const q: PrevalenceQuery = { study, alteration: { kind: 'mutation', gene }, ...(groupBy ? { groupBy } : {}) };
      const counted = await prevalenceCounts(s, q);
      const live = await prevalenceCounts(s, q, { countLive: true });
      assert.deepEqual(counted.counts, live.counts, `${study} ${gene} by ${JSON.stringify(groupBy ?? null)}`);
      compared++;
    }
  }
  return compared;
}

test('grouped numerators counted at import (migration 0006) equal the live counts, with gene panels and off-panel calls', async (t) => {
  const s = await openDatabase(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-gc-'));
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await importStudy(s, fixture);
  // The counted path is the one taken: ERBB2 by SAMPLE_TYPE is read from cohort_gene_group_count.
  const rows = await s.db.selectFrom('cohort_gene_group_count').select(['value', 'k']).where('gene', '=', 'ERBB2').where('grouping', '=', 'SAMPLE:SAMPLE_TYPE').orderBy('value').execute();
  assert.deepEqual(rows.map((r) => [r.value, r.k]), [['Primary', 8], ['Recurrence', 11]]);
  assert.ok((await assertCountedEqualsLive(s, 'synthetic_her2')) > 50);
  // A changed stored count shows through (so the comparison above is not between two live counts).
  await s.db.updateTable('cohort_gene_group_count').set({ k: 7 }).where('gene', '=', 'ERBB2').where('grouping', '=', 'SAMPLE:SAMPLE_TYPE').where('value', '=', 'Primary').execute();
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), [['Primary', 7, 14], ['Recurrence', 11, 13]]);
  // Class and protein-change queries are counted live.
  assert.deepEqual(await counts(s, { alteration: { ...ERBB2, proteinChange: 'L755S' }, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), (await prevalenceCounts(s, { alteration: { ...ERBB2, proteinChange: 'L755S' }, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }, { countLive: true })).table.groups.map((g) => [g.group, g.k, g.n]));

  // Gene panels with off-panel calls: S01 and S02 (ERBB2 L755S) on a panel without ERBB2, S03 whole exome.
  await s.db.deleteFrom('cohort_study').execute();
  cpSync(fixture, dir, { recursive: true });
  writeFileSync(join(dir, 'meta_gene_panel_matrix.txt'), 'cancer_study_identifier: synthetic_her2\ngenetic_alteration_type: GENE_PANEL_MATRIX\ndatatype: GENE_PANEL_MATRIX\ndata_filename: data_gene_panel_matrix.txt\n');
  writeFileSync(join(dir, 'data_gene_panel_matrix.txt'), 'SAMPLE_ID\tmutations\nS01\tSYN_GC_PANEL\nS02\tSYN_GC_PANEL\nS03\tNA\n');
  writeFileSync(join(dir, 'data_gene_panel_gc.txt'), 'stable_id: SYN_GC_PANEL\ndescription: synthetic panel without ERBB2\ngene_list: PIK3CA\tTP53\n');
  await importStudy(s, dir);
  assert.deepEqual(await counts(s, { alteration: ERBB2, groupBy: { kind: 'attribute', attribute: 'SAMPLE_TYPE' } }), [['Recurrence', 11, 13], ['Primary', 6, 12]]);
  assert.ok((await assertCountedEqualsLive(s, 'synthetic_her2')) > 50);
});

test('study_es_0 (gene panels, patient attributes): counted numerators equal the live counts for every gene', { skip: noShared }, async (t) => {
  const s = await openDatabase(':memory:');
  t.after(() => s.close());
  await importStudy(s, join(shared, 'study_es_0'));
  assert.deepEqual(await counts(s, { study: 'study_es_0', alteration: { kind: 'mutation', gene: 'BRCA2' } }), [[null, 12, 28]]);
  assert.ok((await assertCountedEqualsLive(s, 'study_es_0')) > 100);
});
