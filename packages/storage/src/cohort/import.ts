/**
 * Import a cBioPortal study folder into the database, in one transaction: an existing study with the same
 * identifier is deleted (its rows cascade) and the new one written, so a re-import replaces the study atomically and
 * a failed import leaves the previous one untouched. Files are validated while they stream in; the first problem
 * aborts the import with a message naming file, line and column.
 */
import { join } from 'node:path';
import { sql, type Insertable, type Transaction } from 'kysely';
import { her2CategoryFromAttributes, HER2_ATTRIBUTES, mutationClassOf, proteinPosition } from '@her2scope/core/cohort';
import {
  StudyFileError,
  emptyMatrixStats,
  emptyMutationStats,
  openClinicalFile,
  parseVariantFilter,
  readCaseList,
  readContinuousMatrix,
  readDiscreteCnaLong,
  readDiscreteCnaWide,
  readStudyMutations,
  readTimeline,
  scanStudy,
  type CaseList,
  type ClinicalAttribute,
  type StudyDataFile,
  type StudyManifest,
} from '@her2scope/formats/cbioportal';
import type BetterSqlite3 from 'better-sqlite3';
import type { Storage } from '../db.ts';
import type { Database } from '../schema.ts';
import { BatchInserter, insertReturningIds } from './batch.ts';

export interface ProfileSummary {
  stableId: string;
  kind: StudyDataFile['kind'];
  file: string;
  profiledSamples: number;
  profiledBy: string;
  /** Data rows read. */
  rows: number;
  /** Rows stored (mutations kept, non-zero CNA calls, expression genes). */
  stored: number;
  /** Mutations dropped by the Variant_Classification filter, by class. */
  filtered?: Record<string, number>;
  notLoadedStatus?: number;
  duplicateGenes?: number;
}

export interface ImportSummary {
  study: string;
  name: string;
  replaced: boolean;
  patients: number;
  samples: number;
  attributes: { patient: number; sample: number };
  caseLists: number;
  profiles: ProfileSummary[];
  timelineEvents: number;
  her2Categories: Record<string, number>;
  skippedFiles: Array<{ metaFile: string; reason: string }>;
  warnings: string[];
  seconds: number;
}

type Trx = Transaction<Database>;

/** Transaction -> its SQLite handle (prepared-statement fast path of BatchInserter); absent for PostgreSQL. */
const fastOf = new WeakMap<object, BetterSqlite3.Database>();

interface SampleInfo {
  patientId: string;
  attrs: Map<string, string>;
}

export interface ImportOptions {
  /** Called with a short progress line (file being read). */
  onProgress?: (message: string) => void;
  /** Clock for `imported_at` (tests pass a fixed one). */
  now?: () => Date;
}

export async function importStudy(storage: Storage, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const t0 = performance.now();
  const manifest = await scanStudy(dir);
  const progress = options.onProgress ?? (() => {});
  const summary: ImportSummary = {
    study: manifest.study.identifier,
    name: manifest.study.name,
    replaced: false,
    patients: 0,
    samples: 0,
    attributes: { patient: 0, sample: 0 },
    caseLists: 0,
    profiles: [],
    timelineEvents: 0,
    her2Categories: {},
    skippedFiles: manifest.skipped,
    warnings: [],
    seconds: 0,
  };
  await storage.db.transaction().execute(async (trx) => {
    if (storage.sqlite) fastOf.set(trx, storage.sqlite);
    const existing = await trx.selectFrom('cohort_study').select('id').where('identifier', '=', manifest.study.identifier).executeTakeFirst();
    if (existing) {
      summary.replaced = true;
      await trx.deleteFrom('cohort_study').where('id', '=', existing.id).execute();
    }
    const { id: studyId } = await trx
      .insertInto('cohort_study')
      .values({
        identifier: manifest.study.identifier,
        name: manifest.study.name,
        description: manifest.study.description,
        type_of_cancer: manifest.study.typeOfCancer,
        reference_genome: manifest.study.referenceGenome,
        citation: manifest.study.citation,
        pmid: manifest.study.pmid,
        imported_at: (options.now ?? (() => new Date()))().toISOString(),
        summary_json: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const { sampleRefs, patientRefs, samples } = await importClinical(trx, studyId, manifest, summary, progress);
    const sampleSet = new Set(sampleRefs.keys());
    const caseLists = await importCaseLists(trx, studyId, manifest, sampleRefs, summary, progress);
    for (const f of manifest.files) {
      if (f.kind === 'mutations') await importMutations(trx, studyId, manifest, f, sampleRefs, sampleSet, caseLists, summary, progress);
      else if (f.kind === 'cna-discrete') await importCnaWide(trx, studyId, f, sampleRefs, sampleSet, summary, progress);
      else if (f.kind === 'cna-discrete-long') await importCnaLong(trx, studyId, f, sampleRefs, sampleSet, summary, progress);
      else if (f.kind === 'expression') await importExpression(trx, studyId, f, sampleRefs, sampleSet, summary, progress);
      else if (f.kind === 'timeline') await importTimeline(trx, studyId, f, sampleRefs, patientRefs, sampleSet, summary, progress);
    }
    void samples;
    summary.seconds = Math.round((performance.now() - t0) / 10) / 100;
    await trx.updateTable('cohort_study').set({ summary_json: JSON.stringify(summary) }).where('id', '=', studyId).execute();
  });
  // Fresh planner statistics after a bulk load keep the prevalence queries on their indexes (SQLite: sampled).
  if (storage.sqlite) storage.sqlite.pragma('analysis_limit = 1000');
  await sql`ANALYZE`.execute(storage.db);
  summary.seconds = Math.round((performance.now() - t0) / 10) / 100;
  return summary;
}

async function importClinical(trx: Trx, studyId: number, manifest: StudyManifest, summary: ImportSummary, progress: (m: string) => void) {
  const patientAttrs = new Map<string, Map<string, string>>();
  const attributeRows: Database['cohort_attribute'][] = [];
  const defs = (level: 'PATIENT' | 'SAMPLE', attrs: ClinicalAttribute[]) => {
    for (const a of attrs) attributeRows.push({ study_id: studyId, level, attr_id: a.id, display_name: a.displayName, description: a.description, datatype: a.datatype, priority: a.priority });
  };
  const patientFile = manifest.files.find((f) => f.kind === 'clinical-patient');
  if (patientFile) {
    progress(`reading ${patientFile.dataFile}`);
    const cf = await openClinicalFile(patientFile.dataPath, patientFile.dataFile, 'PATIENT');
    defs('PATIENT', cf.attributes);
    summary.attributes.patient = cf.attributes.length;
    for await (const row of cf.rows) {
      const m = new Map<string, string>();
      row.values.forEach((v, i) => v !== null && m.set(cf.attributes[i]!.id, v));
      patientAttrs.set(row.patientId, m);
    }
  }
  const sampleFile = manifest.files.find((f) => f.kind === 'clinical-sample')!;
  progress(`reading ${sampleFile.dataFile}`);
  const cs = await openClinicalFile(sampleFile.dataPath, sampleFile.dataFile, 'SAMPLE');
  defs('SAMPLE', cs.attributes);
  summary.attributes.sample = cs.attributes.length;
  const samples = new Map<string, SampleInfo>();
  for await (const row of cs.rows) {
    const m = new Map<string, string>();
    row.values.forEach((v, i) => v !== null && m.set(cs.attributes[i]!.id, v));
    samples.set(row.sampleId!, { patientId: row.patientId, attrs: m });
    if (!patientAttrs.has(row.patientId)) patientAttrs.set(row.patientId, new Map());
  }
  if (samples.size === 0) throw new StudyFileError(sampleFile.dataFile, null, null, 'has no samples');

  if (attributeRows.length) {
    const b = new BatchInserter(trx, 'cohort_attribute', 7, fastOf.get(trx));
    for (const r of attributeRows) await b.add(r);
    await b.flush();
  }
  const patientRefs = await insertReturningIds(trx, 'cohort_patient', [...patientAttrs.keys()].map((patient_id) => ({ study_id: studyId, patient_id })), 2, 'patient_id');
  const pa = new BatchInserter(trx, 'cohort_patient_attribute', 4, fastOf.get(trx));
  for (const [pid, attrs] of patientAttrs) for (const [attr_id, value] of attrs) await pa.add({ study_id: studyId, patient_ref: patientRefs.get(pid)!, attr_id, value });
  await pa.flush();

  // HER2 category from the merged patient + sample attributes (sample values win), only when HER2 columns exist.
  const her2Columns: string[] = [...HER2_ATTRIBUTES.ihc, HER2_ATTRIBUTES.stainedPercent, HER2_ATTRIBUTES.ratio, HER2_ATTRIBUTES.cep17, HER2_ATTRIBUTES.copies, HER2_ATTRIBUTES.status];
  const hasHer2 = attributeRows.some((a) => her2Columns.includes(a.attr_id));
  const sampleRows: Insertable<Database['cohort_sample']>[] = [];
  for (const [sample_id, s] of samples) {
    let her2: string | null = null;
    if (hasHer2) {
      const merged: Record<string, string> = {};
      for (const k of her2Columns) {
        const v = s.attrs.get(k) ?? patientAttrs.get(s.patientId)!.get(k);
        if (v !== undefined) merged[k] = v;
      }
      const r = her2CategoryFromAttributes(merged);
      her2 = r.category;
      if (r.category === null && r.reason !== 'no HER2 data' && summary.warnings.length < 50) summary.warnings.push(`sample ${sample_id}: no HER2 category (${r.reason})`);
    }
    const key = her2 ?? 'unknown';
    summary.her2Categories[key] = (summary.her2Categories[key] ?? 0) + 1;
    sampleRows.push({ study_id: studyId, patient_ref: patientRefs.get(s.patientId)!, sample_id, her2_category: her2 });
  }
  const sampleRefs = await insertReturningIds(trx, 'cohort_sample', sampleRows, 4, 'sample_id');
  const sa = new BatchInserter(trx, 'cohort_sample_attribute', 4, fastOf.get(trx));
  for (const [sid, s] of samples) for (const [attr_id, value] of s.attrs) await sa.add({ study_id: studyId, sample_ref: sampleRefs.get(sid)!, attr_id, value });
  await sa.flush();
  summary.patients = patientRefs.size;
  summary.samples = sampleRefs.size;
  return { sampleRefs, patientRefs, samples };
}

async function importCaseLists(trx: Trx, studyId: number, manifest: StudyManifest, sampleRefs: Map<string, number>, summary: ImportSummary, progress: (m: string) => void): Promise<CaseList[]> {
  const sampleSet = new Set(sampleRefs.keys());
  const lists: CaseList[] = [];
  const seen = new Map<string, string>();
  for (const file of manifest.caseListFiles) {
    progress(`reading ${file}`);
    const cl = await readCaseList(join(manifest.dir, file), file, manifest.study.identifier, sampleSet);
    const prev = seen.get(cl.stableId);
    if (prev) throw new StudyFileError(file, null, 'stable_id', `'${cl.stableId}' is already used by ${prev}`);
    seen.set(cl.stableId, file);
    lists.push(cl);
  }
  if (manifest.study.addGlobalCaseList && !seen.has(`${manifest.study.identifier}_all`)) {
    lists.push({ file: 'meta_study.txt', stableId: `${manifest.study.identifier}_all`, name: 'All samples', description: `All samples (${sampleRefs.size} samples)`, category: 'all_cases_in_study', sampleIds: [...sampleRefs.keys()] });
  }
  for (const cl of lists) {
    const { id } = await trx
      .insertInto('cohort_case_list')
      .values({ study_id: studyId, stable_id: cl.stableId, name: cl.name, description: cl.description, category: cl.category })
      .returning('id')
      .executeTakeFirstOrThrow();
    const b = new BatchInserter(trx, 'cohort_case_list_sample', 2, fastOf.get(trx));
    for (const s of cl.sampleIds) await b.add({ case_list_id: id, sample_ref: sampleRefs.get(s)! });
    await b.flush();
  }
  summary.caseLists = lists.length;
  return lists;
}

async function createProfile(trx: Trx, studyId: number, f: StudyDataFile, profiledBy: string): Promise<number> {
  const { id } = await trx
    .insertInto('cohort_profile')
    .values({ study_id: studyId, stable_id: f.stableId!, alteration_type: f.geneticAlterationType, datatype: f.datatype, name: f.profileName, source_file: f.dataFile, profiled_by: profiledBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

async function addProfileSamples(trx: Trx, profileId: number, samples: Iterable<[string, number]>, sampleRefs: Map<string, number>): Promise<number> {
  const b = new BatchInserter(trx, 'cohort_profile_sample', 3, fastOf.get(trx));
  for (const [s, position] of samples) await b.add({ profile_id: profileId, sample_ref: sampleRefs.get(s)!, position });
  await b.flush();
  return b.count;
}

async function importMutations(
  trx: Trx,
  studyId: number,
  manifest: StudyManifest,
  f: StudyDataFile,
  sampleRefs: Map<string, number>,
  sampleSet: Set<string>,
  caseLists: CaseList[],
  summary: ImportSummary,
  progress: (m: string) => void,
) {
  progress(`reading ${f.dataFile}`);
  const sequenced = caseLists.find((c) => c.stableId === `${manifest.study.identifier}_sequenced`);
  const profiled = new Set(sequenced ? sequenced.sampleIds : sampleRefs.keys());
  const profiledBy = sequenced ? `case list ${sequenced.stableId}` : 'all samples of the study (no _sequenced case list)';
  const profileId = await createProfile(trx, studyId, f, profiledBy);
  const filter = parseVariantFilter(f.meta.fields.get('variant_classification_filter'), f.meta.file, f.meta.lineOf.get('variant_classification_filter') ?? null);
  const stats = emptyMutationStats();
  const b = new BatchInserter(trx, 'cohort_mutation', 17, fastOf.get(trx));
  const notProfiled = new Set<string>();
  for await (const m of readStudyMutations(f.dataPath, f.dataFile, { filter, samples: sampleSet, stats })) {
    if (!profiled.has(m.sampleId)) {
      notProfiled.add(m.sampleId);
      profiled.add(m.sampleId);
    }
    await b.add({
      profile_id: profileId,
      sample_ref: sampleRefs.get(m.sampleId)!,
      gene: m.gene,
      entrez_gene_id: m.entrezGeneId,
      variant_class: m.variantClassification,
      mutation_class: mutationClassOf(m.variantClassification),
      protein_change: m.proteinChange,
      protein_position: proteinPosition(m.proteinChange),
      chromosome: m.chromosome,
      start_position: m.startPosition,
      end_position: m.endPosition,
      reference_allele: m.referenceAllele,
      tumor_allele: m.tumorAllele,
      t_alt_count: m.tAltCount,
      t_ref_count: m.tRefCount,
      mutation_status: m.mutationStatus,
    });
  }
  await b.flush();
  if (notProfiled.size) summary.warnings.push(`${f.dataFile}: ${notProfiled.size} sample(s) with mutations are not in ${sequenced?.stableId}; counted as profiled (e.g. ${[...notProfiled][0]})`);
  const n = await addProfileSamples(trx, profileId, [...profiled].map((s) => [s, -1] as [string, number]), sampleRefs);
  summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy, rows: stats.rows, stored: stats.kept, filtered: stats.filtered, notLoadedStatus: stats.notLoadedStatus });
}

async function importCnaWide(trx: Trx, studyId: number, f: StudyDataFile, sampleRefs: Map<string, number>, sampleSet: Set<string>, summary: ImportSummary, progress: (m: string) => void) {
  progress(`reading ${f.dataFile}`);
  const profileId = await createProfile(trx, studyId, f, 'sample columns of the data file');
  let header: string[] = [];
  const stats = emptyMatrixStats();
  const b = new BatchInserter(trx, 'cohort_cna', 5, fastOf.get(trx));
  for await (const row of readDiscreteCnaWide(f.dataPath, f.dataFile, { samples: sampleSet, stats, onHeader: (h) => (header = h.samples) })) {
    for (const c of row.values) await b.add({ profile_id: profileId, sample_ref: sampleRefs.get(c.sampleId)!, gene: row.gene, entrez_gene_id: row.entrezGeneId, value: c.value });
  }
  await b.flush();
  const n = await addProfileSamples(trx, profileId, header.map((s, i) => [s, i] as [string, number]), sampleRefs);
  if (stats.duplicateGenes.length) summary.warnings.push(`${f.dataFile}: ${stats.duplicateGenes.length} repeated gene row(s) skipped (first kept), e.g. ${stats.duplicateGenes[0]}`);
  summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy: 'sample columns of the data file', rows: stats.rows, stored: b.count, duplicateGenes: stats.duplicateGenes.length });
}

async function importCnaLong(trx: Trx, studyId: number, f: StudyDataFile, sampleRefs: Map<string, number>, sampleSet: Set<string>, summary: ImportSummary, progress: (m: string) => void) {
  progress(`reading ${f.dataFile}`);
  const profiledBy = 'samples named in the data file';
  const profileId = await createProfile(trx, studyId, f, profiledBy);
  const profiled = new Set<string>();
  const b = new BatchInserter(trx, 'cohort_cna', 5, fastOf.get(trx));
  let rows = 0;
  for await (const r of readDiscreteCnaLong(f.dataPath, f.dataFile, { samples: sampleSet })) {
    rows++;
    profiled.add(r.sampleId);
    if (r.value !== 0) await b.add({ profile_id: profileId, sample_ref: sampleRefs.get(r.sampleId)!, gene: r.gene, entrez_gene_id: r.entrezGeneId, value: r.value });
  }
  await b.flush();
  const n = await addProfileSamples(trx, profileId, [...profiled].map((s) => [s, -1] as [string, number]), sampleRefs);
  summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy, rows, stored: b.count });
}

async function importExpression(trx: Trx, studyId: number, f: StudyDataFile, sampleRefs: Map<string, number>, sampleSet: Set<string>, summary: ImportSummary, progress: (m: string) => void) {
  progress(`reading ${f.dataFile}`);
  const profiledBy = 'sample columns of the data file';
  const profileId = await createProfile(trx, studyId, f, profiledBy);
  let header: string[] = [];
  const stats = emptyMatrixStats();
  const b = new BatchInserter(trx, 'cohort_expression', 4, fastOf.get(trx));
  for await (const row of readContinuousMatrix(f.dataPath, f.dataFile, { samples: sampleSet, stats, onHeader: (h) => (header = h.samples) })) {
    await b.add({ profile_id: profileId, gene: row.gene, entrez_gene_id: row.entrezGeneId, value_blob: float64ToBytes(row.values) });
  }
  await b.flush();
  const n = await addProfileSamples(trx, profileId, header.map((s, i) => [s, i] as [string, number]), sampleRefs);
  if (stats.duplicateGenes.length) summary.warnings.push(`${f.dataFile}: ${stats.duplicateGenes.length} repeated gene row(s) skipped (first kept), e.g. ${stats.duplicateGenes[0]}`);
  summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy, rows: stats.rows, stored: b.count, duplicateGenes: stats.duplicateGenes.length });
}

async function importTimeline(
  trx: Trx,
  studyId: number,
  f: StudyDataFile,
  sampleRefs: Map<string, number>,
  patientRefs: Map<string, number>,
  sampleSet: Set<string>,
  summary: ImportSummary,
  progress: (m: string) => void,
) {
  progress(`reading ${f.dataFile}`);
  const b = new BatchInserter(trx, 'cohort_timeline_event', 8, fastOf.get(trx));
  for await (const e of readTimeline(f.dataPath, f.dataFile, { patients: new Set(patientRefs.keys()), samples: sampleSet })) {
    await b.add({
      study_id: studyId,
      patient_ref: patientRefs.get(e.patientId)!,
      sample_ref: e.sampleId === null ? null : sampleRefs.get(e.sampleId)!,
      event_type: e.eventType,
      start_date: e.startDate,
      stop_date: e.stopDate,
      agent: e.attributes.AGENT ?? null,
      attributes_json: JSON.stringify(e.attributes),
    });
  }
  await b.flush();
  summary.timelineEvents += b.count;
}

/** Little-endian Float64 bytes (the stored form of an expression row). */
export function float64ToBytes(values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return out;
}

export function bytesToFloat64(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
