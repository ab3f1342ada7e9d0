/**
 * A cBioPortal study folder: `meta_study.txt`, one meta file per data file (`meta_*.txt`, which names its data file
 * in `data_filename`), and `case_lists/`. The data files are found through their meta files, as cBioPortal's
 * importer does, so both the classic names (`data_mutations.txt`, `data_cna.txt`) and the exporter's
 * (`data_mutation_extended_maf_mutations.txt`) work. Rules: cBioPortal File-Formats (docs/File-Formats.md).
 */
import { readdir, stat } from 'node:fs/promises';
import { join, normalize, isAbsolute, sep } from 'node:path';
import { StudyFileError } from './errors.ts';
import { readMetaFile, requireField, type MetaFile } from './meta.ts';
import { missingValue } from '@her2scope/core/errors';

export type StudyFileKind = 'clinical-patient' | 'clinical-sample' | 'timeline' | 'mutations' | 'cna-discrete' | 'cna-discrete-long' | 'expression' | 'gene-panel-matrix';

export interface StudyMeta {
  identifier: string;
  typeOfCancer: string;
  name: string;
  description: string;
  citation: string | null;
  pmid: string | null;
  referenceGenome: string | null;
  addGlobalCaseList: boolean;
}

export interface StudyDataFile {
  kind: StudyFileKind;
  meta: MetaFile;
  /** Data file name relative to the study folder, and its absolute path. */
  dataFile: string;
  dataPath: string;
  geneticAlterationType: string;
  datatype: string;
  /** stable_id of the profile (mutations, gistic, mrna ...); null for clinical and timeline files. */
  stableId: string | null;
  profileName: string | null;
  /** The meta file's `gene_panel` property: every sample of the profile is on this panel. */
  genePanel: string | null;
}

export interface SkippedMetaFile {
  metaFile: string;
  reason: string;
  /** stable_id of the skipped profile, if it has one (a gene panel matrix may name it). */
  stableId?: string;
}

export interface StudyManifest {
  dir: string;
  study: StudyMeta;
  files: StudyDataFile[];
  /** Meta files of data types her2scope does not import (segments, methylation, generic assays ...). */
  skipped: SkippedMetaFile[];
  /** Case list files, relative names. */
  caseListFiles: string[];
  /**
   * Gene panel files in the folder (`data_gene_panel_*.txt` that no meta file names as its data file). cBioPortal
   * imports panels separately (Import-Gene-Panels.md); its example study keeps them beside the study files.
   */
  genePanelFiles: string[];
}

/** validateData.py VALID_STUDY_ID_REGEX. */
const STUDY_ID = /^[a-z0-9_]+$/;

function kindOf(type: string, datatype: string): StudyFileKind | null {
  if (type === 'CLINICAL') {
    if (datatype === 'PATIENT_ATTRIBUTES') return 'clinical-patient';
    if (datatype === 'SAMPLE_ATTRIBUTES') return 'clinical-sample';
    if (datatype === 'TIMELINE') return 'timeline';
    return null;
  }
  if (type === 'MUTATION_EXTENDED' && datatype === 'MAF') return 'mutations';
  if (type === 'COPY_NUMBER_ALTERATION' && datatype === 'DISCRETE') return 'cna-discrete';
  if (type === 'COPY_NUMBER_ALTERATION' && datatype === 'DISCRETE_LONG') return 'cna-discrete-long';
  if (type === 'MRNA_EXPRESSION' && (datatype === 'CONTINUOUS' || datatype === 'Z-SCORE')) return 'expression';
  if (type === 'GENE_PANEL_MATRIX' && datatype === 'GENE_PANEL_MATRIX') return 'gene-panel-matrix';
  return null;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function scanStudy(dir: string): Promise<StudyManifest> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new StudyFileError(dir, null, null, 'is not a folder (give the cBioPortal study folder)');
    names = (await readdir(dir)).sort();
  } catch (e) {
    if (e instanceof StudyFileError) throw e;
    throw new StudyFileError(dir, null, null, `cannot read the study folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!names.includes('meta_study.txt')) throw new StudyFileError(dir, null, null, 'no meta_study.txt: not a cBioPortal study folder');
  const sm = await readMetaFile(join(dir, 'meta_study.txt'), 'meta_study.txt');
  const identifier = requireField(sm, 'cancer_study_identifier');
  if (!STUDY_ID.test(identifier)) throw new StudyFileError('meta_study.txt', sm.lineOf.get('cancer_study_identifier') ?? missingValue('sm.lineOf.get(\'cancer_study_identifier\')'), 'cancer_study_identifier', `'${identifier}' may contain only lower-case letters, digits and underscores`);
  const pmid = sm.fields.get('pmid') || null;
  const citation = sm.fields.get('citation') || null;
  if (pmid !== null && citation === null) throw new StudyFileError('meta_study.txt', sm.lineOf.get('pmid') ?? missingValue('sm.lineOf.get(\'pmid\')'), 'pmid', "needs the 'citation' field as well");
  if (pmid !== null && !/^\d+(,\d+)*$/.test(pmid)) throw new StudyFileError('meta_study.txt', sm.lineOf.get('pmid') ?? missingValue('sm.lineOf.get(\'pmid\')'), 'pmid', `'${pmid}' must be PubMed IDs separated by commas without spaces`);
  const study: StudyMeta = {
    identifier,
    typeOfCancer: requireField(sm, 'type_of_cancer'),
    name: requireField(sm, 'name'),
    description: requireField(sm, 'description'),
    citation,
    pmid,
    referenceGenome: sm.fields.get('reference_genome') || null,
    addGlobalCaseList: (sm.fields.get('add_global_case_list') ?? '').toLowerCase() === 'true',
  };

  const files: StudyDataFile[] = [];
  const skipped: SkippedMetaFile[] = [];
  for (const name of names) {
    if (!name.startsWith('meta_') || name === 'meta_study.txt') continue;
    if (!(await isFile(join(dir, name)))) continue;
    const meta = await readMetaFile(join(dir, name), name);
    const type = meta.fields.get('genetic_alteration_type');
    if (type === undefined) {
      skipped.push({ metaFile: name, reason: meta.fields.has('resource_type') ? 'resource data is not imported' : 'no genetic_alteration_type' });
      continue;
    }
    if (type === 'CANCER_TYPE') {
      skipped.push({ metaFile: name, reason: 'cancer type definitions are not imported' });
      continue;
    }
    const datatype = requireField(meta, 'datatype');
    const kind = kindOf(type, datatype);
    if (kind === null) {
      const sid = meta.fields.get('stable_id');
      skipped.push({ metaFile: name, reason: `${type} / ${datatype} is not imported`, ...(sid ? { stableId: sid } : {}) });
      continue;
    }
    const sid = requireField(meta, 'cancer_study_identifier');
    if (sid !== identifier) throw new StudyFileError(name, meta.lineOf.get('cancer_study_identifier') ?? missingValue('meta.lineOf.get(\'cancer_study_identifier\')'), 'cancer_study_identifier', `'${sid}' differs from meta_study.txt ('${identifier}')`);
    const dataFile = requireField(meta, 'data_filename');
    const norm = normalize(dataFile);
    if (isAbsolute(dataFile) || norm.startsWith('..') || norm.includes(`${sep}..${sep}`)) {
      throw new StudyFileError(name, meta.lineOf.get('data_filename') ?? missingValue('meta.lineOf.get(\'data_filename\')'), 'data_filename', `'${dataFile}' must be a file inside the study folder`);
    }
    const dataPath = join(dir, norm);
    if (!(await isFile(dataPath))) throw new StudyFileError(name, meta.lineOf.get('data_filename') ?? missingValue('meta.lineOf.get(\'data_filename\')'), 'data_filename', `'${dataFile}' does not exist in the study folder`);
    const stableId = kind.startsWith('clinical') || kind === 'timeline' || kind === 'gene-panel-matrix' ? null : requireField(meta, 'stable_id');
    files.push({ kind, meta, dataFile: norm, dataPath, geneticAlterationType: type, datatype, stableId, profileName: meta.fields.get('profile_name') || null, genePanel: meta.fields.get('gene_panel') || null });
  }
  for (const kind of ['clinical-sample', 'clinical-patient'] as const) {
    const of = files.filter((f) => f.kind === kind);
    if (of.length > 1) throw new StudyFileError((of[1] ?? missingValue('of[1]')).meta.file, null, null, `a second ${kind === 'clinical-sample' ? 'SAMPLE' : 'PATIENT'}_ATTRIBUTES file (${(of[0] ?? missingValue('of[0]')).meta.file} is the first); her2scope imports one of each`);
  }
  const matrices = files.filter((f) => f.kind === 'gene-panel-matrix');
  if (matrices.length > 1) throw new StudyFileError((matrices[1] ?? missingValue('matrices[1]')).meta.file, null, null, `a second GENE_PANEL_MATRIX file (${(matrices[0] ?? missingValue('matrices[0]')).meta.file} is the first)`);
  if (!files.some((f) => f.kind === 'clinical-sample')) throw new StudyFileError(dir, null, null, 'no meta file with datatype SAMPLE_ATTRIBUTES: the clinical sample file is required');
  const profileIds = new Map<string, string>();
  for (const f of files) {
    if (f.stableId === null) continue;
    const prev = profileIds.get(f.stableId);
    if (prev) throw new StudyFileError(f.meta.file, f.meta.lineOf.get('stable_id') ?? missingValue('f.meta.lineOf.get(\'stable_id\')'), 'stable_id', `'${f.stableId}' is already used by ${prev}`);
    profileIds.set(f.stableId, f.meta.file);
  }
  let caseListFiles: string[] = [];
  if (names.includes('case_lists')) {
    try {
      caseListFiles = (await readdir(join(dir, 'case_lists'))).filter((n) => !n.startsWith('.')).sort().map((n) => `case_lists/${n}`);
    } catch {
      caseListFiles = [];
    }
  }
  const dataFiles = new Set(files.map((f) => f.dataFile));
  const genePanelFiles = names.filter((n) => /^data_gene_panel_.*\.txt$/.test(n) && !dataFiles.has(n));
  return { dir, study, files, skipped, caseListFiles, genePanelFiles };
}
