import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  StudyFileError,
  emptyMutationStats,
  openClinicalFile,
  readCaseList,
  readGenePanel,
  readGenePanelMatrix,
  readContinuousMatrix,
  readDiscreteCnaLong,
  readDiscreteCnaWide,
  readStudyMutations,
  readTimeline,
  scanStudy,
} from '../../src/cbioportal/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const fixture = join(here, '..', 'fixtures', 'cbioportal', 'synthetic_her2');
const shared = resolve(repoRoot, '..', 'shared', 'data', 'cbioportal');
const noShared = !existsSync(join(shared, 'study_es_0')) && 'needs ../shared/data/cbioportal (AGPL study, not copied into the repo)';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Copy the synthetic study, change one file, and return the folder (removed by the caller's cleanup). */
function mutated(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-cbio-'));
  cpSync(fixture, dir, { recursive: true });
  const p = join(dir, file);
  writeFileSync(p, edit(readFileSync(p, 'utf8')));
  return dir;
}

async function expectError(run: () => Promise<unknown>, message: string) {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof StudyFileError, `not a StudyFileError: ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

test('scanStudy finds the data files through their meta files', async () => {
  const m = await scanStudy(fixture);
  assert.equal(m.study.identifier, 'synthetic_her2');
  assert.equal(m.study.addGlobalCaseList, true);
  assert.deepEqual(m.files.map((f) => [f.kind, f.dataFile, f.stableId]), [
    ['clinical-patient', 'data_clinical_patient.txt', null],
    ['clinical-sample', 'data_clinical_sample.txt', null],
    ['cna-discrete', 'data_cna.txt', 'gistic'],
    ['expression', 'data_mrna_seq_v2.txt', 'rna_seq_v2_mrna'],
    ['mutations', 'data_mutations.txt', 'mutations'],
    ['timeline', 'data_timeline_specimen.txt', null],
    ['timeline', 'data_timeline_treatment.txt', null],
  ]);
  assert.deepEqual(m.caseListFiles, ['case_lists/cases_cna.txt', 'case_lists/cases_sequenced.txt']);
  assert.deepEqual(m.genePanelFiles, []);
});

test('clinical sample file: 5-line header, datatypes, missing values', async () => {
  const cf = await openClinicalFile(join(fixture, 'data_clinical_sample.txt'), 'data_clinical_sample.txt', 'SAMPLE');
  assert.deepEqual(cf.attributes.map((a) => `${a.id}:${a.datatype}`), [
    'SAMPLE_TYPE:STRING', 'ER_STATUS:STRING', 'HER2_IHC_SCORE:STRING', 'HER2_IHC_STAINED_PERCENT:NUMBER', 'HER2_ISH_RATIO:NUMBER', 'HER2_ISH_COPY_NUMBER:NUMBER', 'HER2_STATUS:STRING', 'TRASTUZUMAB_RESPONSE:STRING',
  ]);
  const rows = await collect(cf.rows);
  assert.equal(rows.length, 28);
  assert.deepEqual(rows[1], { line: 7, patientId: 'P02', sampleId: 'S02', values: ['Primary', 'Positive', '2+', null, '2.5', '5', null, 'resistant'] });
});

test('mutations: default filter drops Silent, Mutation_Status LOH is not loaded, allele and protein change read', async () => {
  const stats = emptyMutationStats();
  const muts = await collect(readStudyMutations(join(fixture, 'data_mutations.txt'), 'data_mutations.txt', { stats }));
  assert.deepEqual(stats, { rows: 23, kept: 21, filtered: { Silent: 1 }, notLoadedStatus: 1, redacted: 0, fusions: 0, unknownClassifications: {} });
  assert.deepEqual(muts[0], {
    line: 3, sampleId: 'S01', gene: 'ERBB2', entrezGeneId: 2064, ncbiBuild: 'GRCh37', chromosome: '17', startPosition: 37880220, endPosition: 37880220,
    variantClassification: 'Missense_Mutation', variantType: 'SNP', referenceAllele: 'T', tumorAllele: 'C', proteinChange: 'L755S', tAltCount: 12, tRefCount: 40, mutationStatus: 'Somatic',
  });
  // An empty variant_classification_filter keeps everything.
  const all = await collect(readStudyMutations(join(fixture, 'data_mutations.txt'), 'data_mutations.txt', { filter: new Set() }));
  assert.equal(all.length, 22);
});

test('CNA wide, expression and timeline readers', async () => {
  let samples: string[] = [];
  const cna = await collect(readDiscreteCnaWide(join(fixture, 'data_cna.txt'), 'data_cna.txt', { onHeader: (h) => (samples = h.samples) }));
  assert.equal(samples.length, 27);
  assert.deepEqual(cna.map((r) => [r.gene, r.values.map((c) => `${c.sampleId}:${c.value}`).join(' ')]), [
    ['ERBB2', 'S01:2 S02:2 S03:1 S04:-1 S09:2 S15:2'],
    ['GRB7', 'S01:2 S02:2'],
  ]);
  const ex = await collect(readContinuousMatrix(join(fixture, 'data_mrna_seq_v2.txt'), 'data_mrna_seq_v2.txt'));
  assert.deepEqual(ex.map((r) => r.gene), ['IGF2', 'IGF1R', 'IRS1', 'FOXO3']);
  assert.ok(Number.isNaN(ex[0]!.values[9]!), 'NA is NaN');
  assert.equal(ex[0]!.values[0], 6);
  const tl = await collect(readTimeline(join(fixture, 'data_timeline_treatment.txt'), 'data_timeline_treatment.txt'));
  assert.deepEqual(tl[0], { line: 2, patientId: 'P01', startDate: 30, stopDate: 200, eventType: 'TREATMENT', sampleId: null, attributes: { TREATMENT_TYPE: 'Medical Therapy', AGENT: 'Trastuzumab' } });
});

test('malformed files: errors name file, line and column', async (t) => {
  const dirs: string[] = [];
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const sampleCase = async (file: string, edit: (s: string) => string, run: (dir: string) => Promise<unknown>, message: string) => {
    const dir = mutated(file, edit);
    dirs.push(dir);
    await expectError(() => run(dir), message);
  };
  const clinical = (dir: string) => openClinicalFile(join(dir, 'data_clinical_sample.txt'), 'data_clinical_sample.txt', 'SAMPLE').then((c) => collect(c.rows));
  await sampleCase('data_clinical_sample.txt', (s) => s.replace('P02\tS02\tPrimary\tPositive\t2+\t\t2.5', 'P02\tS02\tPrimary\tPositive\t2+\t\tabc'), clinical,
    "data_clinical_sample.txt:7: column 7 (HER2_ISH_RATIO): 'abc' is not a number (datatype NUMBER)");
  await sampleCase('data_clinical_sample.txt', (s) => s.replace('#STRING\tSTRING\tSTRING', '#STRING\tSTRING\tTEXT'), clinical,
    "data_clinical_sample.txt:3: column 3 (SAMPLE_TYPE): datatype 'TEXT' is not STRING, NUMBER or BOOLEAN");
  await sampleCase('data_clinical_sample.txt', (s) => s.replace('#1\t1', '1\t1'), clinical,
    "data_clinical_sample.txt:4: header row 4 of 5 must start with '#' (display names, descriptions, datatypes, priorities, then the column row)");
  await sampleCase('data_clinical_sample.txt', (s) => s.replace('P03\tS03', 'P03\tS02'), clinical,
    "data_clinical_sample.txt:8: column 2 (SAMPLE_ID): 'S02' is defined twice (first on line 7)");
  await sampleCase('data_clinical_sample.txt', (s) => s.replace('P03\tS03', 'P03\tS 03'), clinical,
    "data_clinical_sample.txt:8: column 2 (SAMPLE_ID): 'S 03' has characters other than letters, digits and . _ ( ) [ ] ' , + - : ;");
  await sampleCase('data_clinical_sample.txt', (s) => s.replace('\tTRASTUZUMAB_RESPONSE', '\tMUTATION_COUNT'), clinical,
    'data_clinical_sample.txt:5: column 10 (MUTATION_COUNT): MUTATION_COUNT is computed by cBioPortal and must not be in a clinical file');

  const maf = (dir: string) => collect(readStudyMutations(join(dir, 'data_mutations.txt'), 'data_mutations.txt', { samples: new Set(['S01', 'S02']) }));
  await sampleCase('data_mutations.txt', (s) => s, maf, "data_mutations.txt:5: column 12 (Tumor_Sample_Barcode): sample 'S03' is not in the clinical sample file");
  await sampleCase('data_mutations.txt', (s) => s.replace('\tMissense_Mutation\t', '\t\t'), maf, 'data_mutations.txt:3: column 7 (Variant_Classification): empty');
  await sampleCase('data_mutations.txt', (s) => s.replace('\t12\t40\n', '\t1x\t40\n'), maf, "data_mutations.txt:3: column 15 (t_alt_count): '1x' is not a whole number >= 0");
  await sampleCase('data_mutations.txt', (s) => s.replace('\tHGVSp_Short', '\tHGVSp'), maf,
    'data_mutations.txt:2: required column HGVSp_Short is missing (the header is the first line not starting with #)');

  const cna = (dir: string) => collect(readDiscreteCnaWide(join(dir, 'data_cna.txt'), 'data_cna.txt'));
  await sampleCase('data_cna.txt', (s) => s.replace('ERBB2\t2064\t2', 'ERBB2\t2064\t3'), cna, "data_cna.txt:2: column 3 (S01): '3' is not a discrete copy-number value (-2, -1, 0, 1, 2 or NA)");
  await sampleCase('data_cna.txt', (s) => s.replace('\tS02\t', '\tS01\t'), cna, 'data_cna.txt:1: column 4 (S01): sample is listed twice (also column 3)');
  const ex = (dir: string) => collect(readContinuousMatrix(join(dir, 'data_mrna_seq_v2.txt'), 'data_mrna_seq_v2.txt'));
  await sampleCase('data_mrna_seq_v2.txt', (s) => s.replace('IGF1R\t6', 'IGF1R\tsix'), ex, "data_mrna_seq_v2.txt:3: column 2 (S01): 'six' is not a number or NA");
  const tl = (dir: string) => collect(readTimeline(join(dir, 'data_timeline_treatment.txt'), 'data_timeline_treatment.txt', { patients: new Set(['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07']) }));
  await sampleCase('data_timeline_treatment.txt', (s) => s.replace('P02\t30', 'P02\tday30'), tl, "data_timeline_treatment.txt:3: column 2 (START_DATE): 'day30' is not a whole number of days");
  await sampleCase('data_timeline_treatment.txt', (s) => s.replace('P07\t10', 'P99\t10'), tl, "data_timeline_treatment.txt:8: column 1 (PATIENT_ID): patient 'P99' is not in the clinical files");
  await sampleCase('case_lists/cases_sequenced.txt', (s) => s.replace('stable_id: synthetic_her2_sequenced', 'stable_id: other_sequenced'),
    (dir) => readCaseList(join(dir, 'case_lists/cases_sequenced.txt'), 'case_lists/cases_sequenced.txt', 'synthetic_her2'),
    "case_lists/cases_sequenced.txt:2: stable_id: 'other_sequenced' must start with the study identifier and an underscore ('synthetic_her2_')");
  await sampleCase('meta_cna.txt', (s) => s.replace('data_filename: data_cna.txt', 'data_filename: ../../etc/passwd'), (dir) => scanStudy(dir),
    "meta_cna.txt:8: data_filename: '../../etc/passwd' must be a file inside the study folder");
  await sampleCase('meta_cna.txt', (s) => s.replace('data_filename: data_cna.txt', 'data_filename: data_cna_missing.txt'), (dir) => scanStudy(dir),
    "meta_cna.txt:8: data_filename: 'data_cna_missing.txt' does not exist in the study folder");
  await sampleCase('meta_cna.txt', (s) => s.replace('cancer_study_identifier: synthetic_her2', 'cancer_study_identifier: other'), (dir) => scanStudy(dir),
    "meta_cna.txt:1: cancer_study_identifier: 'other' differs from meta_study.txt ('synthetic_her2')");
  await sampleCase('meta_study.txt', (s) => s.replace('name: Synthetic', 'Synthetic'), (dir) => scanStudy(dir), "meta_study.txt:3: expected 'key: value', got 'Synthetic HER2 cohort (synthetic data, not real patients)'");
  await sampleCase('meta_study.txt', (s) => s.replace('cancer_study_identifier: synthetic_her2', 'cancer_study_identifier: Synthetic-HER2'), (dir) => scanStudy(dir),
    "meta_study.txt:2: cancer_study_identifier: 'Synthetic-HER2' may contain only lower-case letters, digits and underscores");
  await expectError(() => scanStudy(join(fixture, 'case_lists')), `${join(fixture, 'case_lists')}: no meta_study.txt: not a cBioPortal study folder`);
});

test('the cBioPortal example study (study_es_0) reads without errors', { skip: noShared }, async () => {
  const m = await scanStudy(join(shared, 'study_es_0'));
  assert.equal(m.study.identifier, 'study_es_0');
  assert.deepEqual(m.files.map((f) => f.kind).sort(), ['clinical-patient', 'clinical-sample', 'cna-discrete-long', 'expression', 'expression', 'gene-panel-matrix', 'mutations']);
  assert.equal(m.skipped.length, 16);
  assert.equal(m.skipped.find((x) => x.metaFile === 'meta_structural_variants.txt')!.stableId, 'structural_variants');
  assert.deepEqual(m.genePanelFiles, ['data_gene_panel_testpanel1.txt', 'data_gene_panel_testpanel2.txt']);
  const p2 = await readGenePanel(join(shared, 'study_es_0', 'data_gene_panel_testpanel2.txt'), 'data_gene_panel_testpanel2.txt');
  assert.deepEqual([p2.stableId, p2.genes.length, p2.genes.includes('BRCA2'), p2.entrez], ['TESTPANEL2', 11, false, false]);
  const mx = m.files.find((f) => f.kind === 'gene-panel-matrix')!;
  const matrix = await readGenePanelMatrix(mx.dataPath, mx.dataFile, { profiles: new Set(['mutations', 'gistic']), panels: new Set(['TESTPANEL1', 'TESTPANEL2']) });
  assert.deepEqual(matrix.profiles, ['mutations', 'gistic']);
  assert.deepEqual([...matrix.panels].filter(([, p]) => p[0] === 'TESTPANEL2').map(([sample]) => sample), ['TCGA-A1-A0SB-02', 'TEST_SAMPLE_14', 'TEST_SAMPLE_15']);
  assert.deepEqual(matrix.panels.get('TEST_SAMPLE_1'), [null, null], 'NA: no panel');
  const mf = m.files.find((f) => f.kind === 'mutations')!;
  const stats = emptyMutationStats();
  const muts = await collect(readStudyMutations(mf.dataPath, mf.dataFile, { stats }));
  assert.deepEqual(stats, { rows: 36, kept: 34, filtered: { Silent: 2 }, notLoadedStatus: 0, redacted: 0, fusions: 0, unknownClassifications: {} });
  assert.equal(muts.filter((x) => x.gene === 'BRCA2').length, 12);
  const cna = await collect(readDiscreteCnaLong(join(shared, 'study_es_0', 'data_cna_discrete.txt'), 'data_cna_discrete.txt'));
  assert.equal(cna.length, 6304);
  assert.equal(cna.filter((r) => r.value === 2).length, 49);
  assert.equal(cna.filter((r) => r.value === -2).length, 14);
  const cs = await openClinicalFile(join(shared, 'study_es_0', 'data_clinical_samples.txt'), 'data_clinical_samples.txt', 'SAMPLE');
  assert.equal((await collect(cs.rows)).length, 845);
  const ie = await scanStudy(join(shared, 'study_es_0_import_export'));
  assert.deepEqual(ie.files.filter((f) => f.kind === 'timeline').map((f) => f.dataFile), ['data_clinical_timeline_SPECIMEN.txt', 'data_clinical_timeline_STATUS.txt']);
});

test('MAF rows as cBioPortal treats them: Fusion skipped and counted, unknown classes kept as a warning, Redacted dropped', async (t) => {
  const dir = mutated('data_mutations.txt', (text) => {
    const lines = text.split('\n');
    const header = lines[1]!.split('\t');
    const vc = header.indexOf('Variant_Classification');
    const edit = (i: number, value: string) => {
      const f = lines[i]!.split('\t');
      f[vc] = value;
      lines[i] = f.join('\t');
    };
    edit(2, 'Fusion');
    edit(3, 'Missense');
    lines[1] += '\tValidation_Status';
    for (let i = 2; i < lines.length; i++) if (lines[i]) lines[i] += i === 4 ? '\tRedacted' : i === 5 ? '\tredacted_by_lab' : '\tValid';
    return lines.join('\n');
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stats = emptyMutationStats();
  const muts = await collect(readStudyMutations(join(dir, 'data_mutations.txt'), 'data_mutations.txt', { stats }));
  assert.deepEqual([stats.rows, stats.kept, stats.fusions, stats.redacted, stats.unknownClassifications], [23, 18, 1, 2, { Missense: 1 }]);
  assert.equal(muts.find((m) => m.line === 4)!.variantClassification, 'Missense');
  assert.equal(muts.some((m) => m.line === 3 || m.line === 5 || m.line === 6), false);
});

test('gene panel files and the panel matrix: formats and errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-panel-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const panel = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return readGenePanel(join(dir, name), name);
  };
  const ok = await panel('a.txt', 'stable_id: P1\ndescription: two genes\ngene_list: ERBB2\tGRB7\n');
  assert.deepEqual([ok.stableId, ok.genes, ok.entrez], ['P1', ['ERBB2', 'GRB7'], false]);
  assert.equal((await panel('e.txt', 'stable_id: P2\ndescription: x\ngene_list: 2064\t2886\n')).entrez, true);
  await expectError(() => panel('m.txt', 'stable_id: P3\ndescription: x\ngene_list: ERBB2\t2886\n'), 'm.txt:3: gene_list: mixes gene symbols and Entrez IDs (use all symbols or all Entrez IDs)');
  await expectError(() => panel('d.txt', 'stable_id: P4\ndescription: x\ngene_list: ERBB2\terbb2\n'), "d.txt:3: gene_list: gene 'erbb2' is listed twice");
  await expectError(() => panel('n.txt', 'description: x\ngene_list: ERBB2\n'), "n.txt: required field 'stable_id' is missing");
  const matrix = (text: string) => {
    writeFileSync(join(dir, 'mx.txt'), text);
    return readGenePanelMatrix(join(dir, 'mx.txt'), 'mx.txt', { samples: new Set(['S1', 'S2']), profiles: new Set(['mutations', 'gistic']), panels: new Set(['P1']) });
  };
  const m = await matrix('SAMPLE_ID\tmutations\tgistic\nS1\tP1\tNA\nS2\tWXS\tP1\n');
  assert.deepEqual([...m.panels], [['S1', ['P1', null]], ['S2', [null, 'P1']]]);
  await expectError(() => matrix('SAMPLE\tmutations\nS1\tP1\n'), 'mx.txt:1: column 1 (SAMPLE): the first column must be SAMPLE_ID');
  await expectError(() => matrix('SAMPLE_ID\tfusions\nS1\tP1\n'), "mx.txt:1: column 2 (fusions): 'fusions' is not the stable_id of a profile in the study's meta files");
  await expectError(() => matrix('SAMPLE_ID\tmutations\nS1\tP9\n'), "mx.txt:2: column 2 (mutations): gene panel 'P9' is not defined (no data_gene_panel_*.txt file in the study folder names it, and no earlier import stored it)");
  await expectError(() => matrix('SAMPLE_ID\tmutations\nS3\tP1\n'), "mx.txt:2: column 1 (SAMPLE_ID): sample 'S3' is not in the clinical sample file");
  await expectError(() => matrix('SAMPLE_ID\tmutations\nS1\tP1\nS1\tNA\n'), "mx.txt:3: column 1 (SAMPLE_ID): sample 'S1' is listed twice (first on line 2)");
});
