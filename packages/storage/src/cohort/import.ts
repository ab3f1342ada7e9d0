/**
 * Import a cBioPortal study folder into the database, in one transaction: an existing study with the same
 * identifier is deleted (its rows cascade) and the new one written, so a re-import replaces the study atomically and
 * a failed import leaves the previous one untouched. Files are validated while they stream in; the first problem
 * aborts the import with a message naming file, line and column.
 */
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { Kysely, PostgresDialect, sql, type Insertable, type PostgresPoolClient, type Transaction } from 'kysely';
import { her2CategoryFromAttributes, HER2_COLUMNS, mutationClassOf, proteinPosition } from '@her2scope/core/cohort';
import {
  StudyFileError,
  columnLabel,
  readGenePanel,
  readGenePanelMatrix,
  type GenePanelMatrix,
  emptyMatrixStats,
  emptyMutationStats,
  openClinicalFile,
  parseVariantFilter,
  readCaseList,
  readContinuousMatrix,
  readDiscreteCnaLong,
  readDiscreteCnaWide,
  readStudyMutationBlocks,
  readTimeline,
  scanStudy,
  type CaseList,
  type ClinicalAttribute,
  type StudyDataFile,
  type StudyManifest,
} from '@her2scope/formats/cbioportal';
import type { Storage } from '../db.ts';
import type { Database } from '../schema.ts';
import { BatchInserter, insertStudyRowsWithIds, type BulkSink } from './batch.ts';

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
  /** Mutations dropped because Validation_Status is Redacted. */
  redacted?: number;
  /** MAF rows with Variant_Classification Fusion (skipped: structural variants are not imported). */
  fusions?: number;
  /** Mutations in a gene that the sample's gene panel does not cover (stored, not counted for that sample). */
  offPanel?: number;
  duplicateGenes?: number;
  /** Gene panels used by the profile's samples (stable_id: samples); samples without a panel are not listed. */
  panels?: Record<string, number>;
}

/** How the HER2 columns were read (docs/cohorts.md, "HER2 category of a sample"). */
export interface Her2Report {
  /** Samples with at least one HER2 value. */
  withData: number;
  categorised: number;
  /** Samples with HER2 data but no category, by reason. */
  notCategorised: Record<string, number>;
  /** Samples by the rule that gave their category (rule ids of docs/cohorts.md). */
  byRule: Record<string, number>;
  /** Samples whose values disagree (the category follows the most detailed values; the first 50 are listed). */
  contradictions: Array<{ sample: string; detail: string }>;
  contradictionCount: number;
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
  her2Report: Her2Report;
  /** Gene panels read from the folder or found in the database. */
  genePanels: string[];
  skippedFiles: Array<{ metaFile: string; reason: string }>;
  warnings: string[];
  seconds: number;
  /** Where the import's time went, stage by stage (see StageTiming). */
  stages: StageTiming[];
}

/**
 * One stage of an import: wall-clock seconds and the CPU seconds of this process (user + system) during it. The
 * database server's own CPU (PostgreSQL) is not in `cpuSeconds`; SQLite runs in this process, so its work is.
 * A stage read in parts (the MAF: parsing vs storing the rows) lists the parts' wall seconds in `parts`.
 */
export interface StageTiming {
  stage: string;
  seconds: number;
  cpuSeconds: number;
  parts?: Record<string, number>;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Times consecutive stages: `end(name)` closes the stage running since the previous `end` (or the start). */
class Stages {
  readonly list: StageTiming[] = [];
  private wall = performance.now();
  private cpu = process.cpuUsage();
  constructor(private readonly progress: (m: string) => void) {}
  end(stage: string, parts?: Record<string, number>): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpu);
    const t: StageTiming = { stage, seconds: round2((now - this.wall) / 1000), cpuSeconds: round2((cpu.user + cpu.system) / 1e6) };
    if (parts) t.parts = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round2(v)]));
    this.list.push(t);
    this.progress(`  ${stage}: ${t.seconds.toFixed(2)} s (CPU ${t.cpuSeconds.toFixed(2)} s)${parts ? ` [${Object.entries(t.parts ?? {}).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ')}]` : ''}`);
    this.wall = now;
    this.cpu = process.cpuUsage();
  }
}

type Trx = Transaction<Database>;

/** Transaction -> its raw connection (prepared statements on SQLite, COPY on PostgreSQL; see BatchInserter). */
const fastOf = new WeakMap<object, BulkSink>();

/** SQLite page cache during an import, in the pragma's negative-KiB form (16 MiB). */
const IMPORT_CACHE_KIB = -16384;
/** Data files above this size count as a large load (indexes dropped and rebuilt; on PostgreSQL foreign keys too). */
const LARGE_LOAD_BYTES = 20 * 1024 * 1024;

interface PanelInfo {
  id: number;
  stableId: string;
  /** Upper-cased symbols or Entrez IDs. */
  genes: Set<string>;
}

/** Study-wide state while importing. */
interface Ctx {
  studyId: number;
  manifest: StudyManifest;
  sampleRefs: Map<string, number>;
  sampleSet: Set<string>;
  caseLists: CaseList[];
  summary: ImportSummary;
  progress: (m: string) => void;
  stages: Stages;
  panels: Map<string, PanelInfo>;
  matrix: GenePanelMatrix | null;
  /** Every gene named by the study, with an Entrez ID when one is given. */
  genes: Map<string, number | null>;
  /** Every sample's group codes, for the counts precomputed at import. */
  groups: GroupCodes;
  /** Mutation profiles with their (gene, sample) pairs, whose grouped numerators per gene are precomputed. */
  mutationProfiles: MutationPairs[];
}

/**
 * The groupings whose counts are precomputed at import (migration 0006 tables), and every sample's value in each, as
 * small integer codes: '' (every sample), 'her2' (the sample's HER2 category), `SAMPLE:<attr>` and `PATIENT:<attr>`
 * for the clinical attributes with 1 to MAX_PRECOMPUTED_VALUES distinct values. A sample without a value is in the
 * null group of that grouping (as the LEFT JOIN of the live count). Codes number the (grouping, value) pairs across
 * all groupings. Built from the clinical rows in memory, so counting needs no query.
 */
interface GroupCodes {
  /** Sample ID -> dense index (clinical file order). */
  index: Map<string, number>;
  /** One column of codes per grouping, each indexed by the dense sample index. */
  columns: Int32Array[];
  /** Code -> its (grouping, value). */
  keys: Array<{ grouping: string; value: string | null }>;
}

/** A mutation profile's distinct (gene, sample) pairs, collected while its MAF is read. */
interface MutationPairs {
  profileId: number;
  /** Gene names by gene number. */
  genes: string[];
  geneNo: Map<string, number>;
  /** gene number * samples + dense sample index, for the first `n` entries (sorted and deduplicated later). */
  pairs: Float64Array;
  n: number;
  /** Panel key (0 = no panel) of each dense sample index in the profile; -1 when not in it. */
  panelOf: Int32Array;
}

/** A clinical row kept until its ids are known: the file's values in column order (null = missing). */
interface SampleInfo {
  patientId: string;
  values: ReadonlyArray<string | null>;
}

export interface ImportOptions {
  /** Called with a short progress line (file being read). */
  onProgress?: (message: string) => void;
  /** Clock for `imported_at` (tests pass a fixed one). */
  now?: () => Date;
  /** Data size above which an import counts as a large load (default 20 MiB; tests lower it to run the bulk path). */
  largeLoadBytes?: number;
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
    her2Report: { withData: 0, categorised: 0, notCategorised: {}, byRule: {}, contradictions: [], contradictionCount: 0 },
    genePanels: [],
    skippedFiles: manifest.skipped,
    warnings: [],
    seconds: 0,
    stages: [],
  };
  const stages = new Stages(progress);
  summary.stages = stages.list;
  /** Tables bulk-loaded on PostgreSQL (vacuumed after the commit). */
  let bulkTables: readonly string[] = [];
  const run = (db: Kysely<Database>, sink: BulkSink) =>
    db.transaction().execute(async (trx) => {
      fastOf.set(trx, sink);
      try {
        bulkTables = await importInto(trx, manifest, summary, progress, stages, options, t0);
      } catch (e) {
        // An open COPY holds the connection: abort it so that the ROLLBACK can run.
        for (const c of sink.openCopies ?? []) c.destroy(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    });
  if (storage.dialect === 'postgres' && storage.pgPool) {
    // One client for the whole import, so that COPY runs inside the import's transaction.
    const client = await storage.pgPool.connect();
    const borrowed: PostgresPoolClient = { query: client.query.bind(client), release: () => {} };
     
    const single = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: () => Promise.resolve(borrowed), end: async () => {} } }) });
    let failed: Error | undefined;
    try {
      await run(single, { pg: client, openCopies: new Set() });
      stages.end('commit');
    } catch (e) {
      failed = e as Error;
      throw e;
    } finally {
      client.release(failed);
      await single.destroy();
    }
  } else if (storage.sqlite) {
    // A 16 MiB page cache for the import instead of the 64 MiB kept for queries (db.ts): the bulk rows are appended
    // and their indexes built afterwards, so the larger cache bought no speed here but was a fifth of the import's
    // peak memory (100,000-sample bench: ~410 -> ~330 MB).
    const sqlite = storage.sqlite;
    const before: unknown = sqlite.pragma('cache_size', { simple: true });
    sqlite.pragma(`cache_size = ${IMPORT_CACHE_KIB}`);
    try {
      await run(storage.db, { sqlite });
      stages.end('commit');
      // Fresh planner statistics after a bulk load keep the prevalence queries on their indexes (sampled).
      sqlite.pragma('analysis_limit = 1000');
      await sql`ANALYZE`.execute(storage.db);
      stages.end('ANALYZE');
    } finally {
      if (typeof before === 'number') sqlite.pragma(`cache_size = ${before}`);
    }
  } else {
    await run(storage.db, {});
    stages.end('commit');
  }
  // Fresh planner statistics after a bulk load keep the prevalence queries on their indexes. After a large PostgreSQL
  // load, VACUUM also sets the visibility map of the new pages (until then no index-only scan can skip the heap);
  // VACUUM cannot run in a transaction, so it runs here, after the commit, on a pooled connection.
  if (bulkTables.length) {
    progress('vacuuming the loaded tables');
    await sql`VACUUM (ANALYZE) ${sql.join(bulkTables.map((t) => sql.table(t)))}`.execute(storage.db);
    stages.end('VACUUM (ANALYZE)');
  } else if (!storage.sqlite) {
    await sql`ANALYZE`.execute(storage.db);
    stages.end('ANALYZE');
  }
  summary.seconds = Math.round((performance.now() - t0) / 10) / 100;
  return summary;
}

/** Returns the tables bulk-loaded on PostgreSQL with their constraints dropped (empty otherwise). */
async function importInto(trx: Trx, manifest: StudyManifest, summary: ImportSummary, progress: (m: string) => void, stages: Stages, options: ImportOptions, t0: number): Promise<readonly string[]> {
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

  // PostgreSQL, large study: the per-row foreign-key triggers and index upkeep of the study tables are the bulk of a
  // COPY's cost; they are dropped here and rebuilt once after the load, inside this transaction (pgBulkLoad).
  const largeBytes = options.largeLoadBytes ?? LARGE_LOAD_BYTES;
  const large = (await dataBytes(manifest)) > largeBytes;
  const pgBulk = isPg(trx) && large ? await pgBulkLoad(trx, progress) : null;
  const sqliteBulk = !isPg(trx) && large ? await sqliteBulkLoad(trx) : null;
  stages.end(pgBulk ? 'start (old study deleted, keys and indexes dropped)' : sqliteBulk ? 'start (old study deleted, indexes dropped)' : 'start (old study deleted)');
  const { sampleRefs, patientRefs, groups } = await importClinical(trx, studyId, manifest, summary, progress);
  stages.end('clinical files');
  const sampleSet = new Set(sampleRefs.keys());
  const caseLists = await importCaseLists(trx, studyId, manifest, sampleRefs, summary, progress);
  stages.end('case lists');
  const ctx: Ctx = { studyId, manifest, sampleRefs, sampleSet, caseLists, summary, progress, stages, panels: new Map(), matrix: null, genes: new Map(), groups, mutationProfiles: [] };
  await importGenePanels(trx, ctx);
  stages.end('gene panels');

  for (const f of manifest.files) {
    if (f.kind === 'mutations') await importMutations(trx, ctx, f);
    else if (f.kind === 'cna-discrete') await importCnaWide(trx, ctx, f);
    else if (f.kind === 'cna-discrete-long') await importCnaLong(trx, ctx, f);
    else if (f.kind === 'expression') await importExpression(trx, ctx, f);
    else if (f.kind === 'timeline') await importTimeline(trx, studyId, f, sampleRefs, patientRefs, sampleSet, summary, progress);
    stages.end(f.kind === 'mutations' ? 'profile samples and panels' : f.dataFile);
  }
  if (sqliteBulk) {
    progress('building indexes');
    await sqliteBulk.restore();
    stages.end('index build');
  }
  if (pgBulk) await pgBulk.restore(stages);
  await storeGenes(trx, ctx);
  stages.end('gene list');
  progress('counting altered samples by gene and group');
  for (const m of ctx.mutationProfiles) await storeGeneCounts(trx, ctx, m);
  stages.end('gene counts by group');
  summary.seconds = Math.round((performance.now() - t0) / 10) / 100;
  await trx.updateTable('cohort_study').set({ summary_json: JSON.stringify(summary) }).where('id', '=', studyId).execute();
  return pgBulk ? PG_BULK_TABLES : [];
}

const isPg = (trx: Trx) => fastOf.get(trx)?.pg !== undefined;

/** Bytes of the study's data files (clinical, case lists excluded: they are small next to the MAF). */
async function dataBytes(manifest: StudyManifest): Promise<number> {
  let n = 0;
  for (const f of manifest.files) n += (await stat(f.dataPath)).size;
  return n;
}

/**
 * The study tables of a large PostgreSQL import: their foreign keys and non-unique indexes are dropped before the
 * load and rebuilt once after it. Primary keys and unique constraints stay (they catch duplicate rows as the rows
 * arrive). Parents (cohort_study, cohort_profile, cohort_case_list, gene panels) keep theirs: they are small.
 */
export const PG_BULK_TABLES: readonly string[] = [
  'cohort_patient', 'cohort_sample', 'cohort_patient_attribute', 'cohort_sample_attribute', 'cohort_case_list_sample', 'cohort_profile_sample',
  'cohort_mutation', 'cohort_cna', 'cohort_expression', 'cohort_timeline_event', 'cohort_gene', 'cohort_profile_group_count', 'cohort_gene_group_count',
];

/**
 * PostgreSQL bulk load, inside the import's transaction (so a failed import rolls the DDL back too). Every row of a
 * table with foreign keys fires one trigger query per key, and every index is updated row by row; for a 100,000-sample,
 * 1M-mutation study these were most of the import. The definitions are read from the catalog (pg_get_constraintdef,
 * pg_get_indexdef: SQL text written by PostgreSQL, never user input), the keys and indexes dropped, and `restore()`
 * re-creates the indexes (sorted builds), adds the keys back NOT VALID and validates each one with a single check of
 * the whole table, then ANALYZEs the tables so that the counting queries that follow get good plans.
 * The ALTER TABLEs take ACCESS EXCLUSIVE locks: readers of these tables wait until the import commits.
 */
async function pgBulkLoad(trx: Trx, progress: (m: string) => void): Promise<{ restore(stages: Stages): Promise<void> }> {
  const tables = [...PG_BULK_TABLES];
  const fks = (
    await sql<{ tbl: string; name: string; def: string }>`SELECT t.relname AS tbl, c.conname AS name, pg_get_constraintdef(c.oid) AS def
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(${tables}) ORDER BY t.relname, c.conname`.execute(trx)
  ).rows;
  const indexes = (
    await sql<{ tbl: string; name: string; def: string }>`SELECT t.relname AS tbl, i.relname AS name, pg_get_indexdef(x.indexrelid) AS def
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE NOT x.indisunique AND NOT x.indisprimary AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(${tables}) ORDER BY t.relname, i.relname`.execute(trx)
  ).rows;
  for (const fk of fks) await sql`ALTER TABLE ${sql.table(fk.tbl)} DROP CONSTRAINT ${sql.id(fk.name)}`.execute(trx);
  for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.name)}`.execute(trx);
  return {
    async restore(stages: Stages) {
      progress('building indexes and checking foreign keys');
      // Sorts of the index builds in memory (server side; the default 64 MB spills the largest to disk).
      await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(trx);
      for (const ix of indexes) await sql.raw(ix.def).execute(trx);
      stages.end('index build');
      for (const fk of fks) {
        await sql`ALTER TABLE ${sql.table(fk.tbl)} ADD CONSTRAINT ${sql.id(fk.name)} ${sql.raw(fk.def)} NOT VALID`.execute(trx);
        await sql`ALTER TABLE ${sql.table(fk.tbl)} VALIDATE CONSTRAINT ${sql.id(fk.name)}`.execute(trx);
      }
      stages.end('foreign keys validated');

    },
  };
}

/**
 * SQLite bulk load, inside the import's transaction: the explicit (non-key) indexes of the study tables, read from
 * sqlite_master, are dropped and re-created from their stored CREATE INDEX text after the load (one sorted build each
 * instead of row-by-row upkeep of three indexes per attribute row, etc.). Keys and unique constraints stay, and so
 * do the foreign keys (SQLite checks them per row against the parents' primary keys). A failed import rolls the DDL
 * back with the rows.
 */
async function sqliteBulkLoad(trx: Trx): Promise<{ restore(): Promise<void> }> {
  const indexes = (
    await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${sql.join([...PG_BULK_TABLES])}) ORDER BY name`.execute(trx)
  ).rows;
  for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.name)}`.execute(trx);
  return {
    async restore() {
      // The stored statement text was written by the migrations (never user input).
      for (const ix of indexes) await sql.raw(ix.sql).execute(trx);
    },
  };
}

async function importClinical(trx: Trx, studyId: number, manifest: StudyManifest, summary: ImportSummary, progress: (m: string) => void) {
  // Values are kept as the reader's arrays (no Map per row): 100,000 Maps were tens of MB of the import's peak.
  const patientAttrs = new Map<string, ReadonlyArray<string | null>>();
  const none: ReadonlyArray<string | null> = [];
  let patientColumns: string[] = [];
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
    patientColumns = cf.attributes.map((a) => a.id);
    for await (const row of cf.rows) patientAttrs.set(row.patientId, row.values);
  }
  const sampleFile = manifest.files.find((f) => f.kind === 'clinical-sample')!;
  progress(`reading ${sampleFile.dataFile}`);
  const cs = await openClinicalFile(sampleFile.dataPath, sampleFile.dataFile, 'SAMPLE');
  defs('SAMPLE', cs.attributes);
  summary.attributes.sample = cs.attributes.length;
  const sampleColumns = cs.attributes.map((a) => a.id);
  const samples = new Map<string, SampleInfo>();
  for await (const row of cs.rows) {
    samples.set(row.sampleId!, { patientId: row.patientId, values: row.values });
    if (!patientAttrs.has(row.patientId)) patientAttrs.set(row.patientId, none);
  }
  if (samples.size === 0) throw new StudyFileError(sampleFile.dataFile, null, null, 'has no samples');

  if (attributeRows.length) {
    const b = new BatchInserter(trx, 'cohort_attribute', 7, fastOf.get(trx));
    for (const r of attributeRows) await b.add(r);
    await b.flush();
  }
  const patientRefs = await insertStudyRowsWithIds(trx, 'cohort_patient', [...patientAttrs.keys()].map((patient_id) => ({ study_id: studyId, patient_id })), 2, 'patient_id', studyId, fastOf.get(trx));
  const pa = new BatchInserter(trx, 'cohort_patient_attribute', 4, fastOf.get(trx));
  for (const [pid, values] of patientAttrs) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const attr_id = patientColumns[i];
      if (value !== null && value !== undefined && attr_id !== undefined) await pa.add({ study_id: studyId, patient_ref: patientRefs.get(pid)!, attr_id, value });
    }
  }
  await pa.flush();

  // HER2 category from the merged patient + sample attributes (sample values win), only when HER2 columns exist.
  const her2Columns: readonly string[] = HER2_COLUMNS;
  const hasHer2 = attributeRows.some((a) => her2Columns.includes(a.attr_id));
  // Each HER2 column's index in the sample and patient files (-1: not there).
  const her2Index = her2Columns.map((k) => [k, sampleColumns.indexOf(k), patientColumns.indexOf(k)] as const);
  const report = summary.her2Report;
  const sampleRows: Insertable<Database['cohort_sample']>[] = [];
  const her2Of: Array<string | null> = [];
  for (const [sample_id, s] of samples) {
    let her2: string | null = null;
    if (hasHer2) {
      const merged: Record<string, string> = {};
      const patient = patientAttrs.get(s.patientId) ?? none;
      her2Index.forEach(([k, si, pi]) => {
        const v = (si >= 0 ? s.values[si] : null) ?? (pi >= 0 ? patient[pi] : null) ?? null;
        if (v !== null) merged[k] = v;
      });
      const r = her2CategoryFromAttributes(merged);
      her2 = r.category;
      if (r.rule !== null || r.category !== null || r.reason !== 'no HER2 data') {
        report.withData++;
        if (r.category !== null) {
          report.categorised++;
          if (r.rule) report.byRule[r.rule] = (report.byRule[r.rule] ?? 0) + 1;
        } else {
          const why = r.reason ?? 'unknown';
          report.notCategorised[why] = (report.notCategorised[why] ?? 0) + 1;
          if (summary.warnings.length < 50) summary.warnings.push(`sample ${sample_id}: no HER2 category (${why})`);
        }
        for (const c of r.contradictions) {
          report.contradictionCount++;
          if (report.contradictions.length < 50) report.contradictions.push({ sample: sample_id, detail: c });
        }
      }
    }
    const key = her2 ?? 'unknown';
    summary.her2Categories[key] = (summary.her2Categories[key] ?? 0) + 1;
    sampleRows.push({ study_id: studyId, patient_ref: patientRefs.get(s.patientId)!, sample_id, her2_category: her2 });
    her2Of.push(her2);
  }
  const sampleRefs = await insertStudyRowsWithIds(trx, 'cohort_sample', sampleRows, 4, 'sample_id', studyId, fastOf.get(trx));
  const sa = new BatchInserter(trx, 'cohort_sample_attribute', 4, fastOf.get(trx));
  for (const [sid, s] of samples) {
    for (let i = 0; i < s.values.length; i++) {
      const value = s.values[i];
      const attr_id = sampleColumns[i];
      if (value !== null && value !== undefined && attr_id !== undefined) await sa.add({ study_id: studyId, sample_ref: sampleRefs.get(sid)!, attr_id, value });
    }
  }
  await sa.flush();
  summary.patients = patientRefs.size;
  summary.samples = sampleRefs.size;
  const groups = groupCodes(samples, patientAttrs, sampleColumns, patientColumns, her2Of);
  return { sampleRefs, patientRefs, groups };
}

/** The group codes of every sample (see GroupCodes); `her2Of` is in the order of `samples`. */
function groupCodes(
  samples: Map<string, SampleInfo>,
  patientAttrs: Map<string, ReadonlyArray<string | null>>,
  sampleColumns: readonly string[],
  patientColumns: readonly string[],
  her2Of: ReadonlyArray<string | null>,
): GroupCodes {
  // Attributes with 1 to MAX_PRECOMPUTED_VALUES distinct stored (non-null) values, over all samples / all patients.
  const few = (rows: Iterable<ReadonlyArray<string | null>>, width: number): number[] => {
    const distinct = Array.from({ length: width }, () => new Set<string>());
    for (const values of rows) {
      for (let i = 0; i < width; i++) {
        const v = values[i];
        const d = distinct[i];
        if (v !== null && v !== undefined && d && d.size <= MAX_PRECOMPUTED_VALUES) d.add(v);
      }
    }
    return distinct.flatMap((d, i) => (d.size >= 1 && d.size <= MAX_PRECOMPUTED_VALUES ? [i] : []));
  };
  const sampleAttrs = few([...samples.values()].map((s) => s.values), sampleColumns.length);
  const patientAttrs_ = few(patientAttrs.values(), patientColumns.length);
  const keys: GroupCodes['keys'] = [];
  const columns: Int32Array[] = [];
  const n = samples.size;
  const column = (grouping: string, valueOf: (s: SampleInfo, i: number) => string | null) => {
    const codeOf = new Map<string | null, number>();
    const col = new Int32Array(n);
    let i = 0;
    for (const s of samples.values()) {
      const value = valueOf(s, i);
      let c = codeOf.get(value);
      if (c === undefined) {
        c = keys.length;
        keys.push({ grouping, value });
        codeOf.set(value, c);
      }
      col[i++] = c;
    }
    columns.push(col);
  };
  column('', () => null);
  column('her2', (_s, i) => her2Of[i] ?? null);
  for (const a of sampleAttrs) column(`SAMPLE:${sampleColumns[a] ?? ''}`, (s) => s.values[a] ?? null);
  for (const a of patientAttrs_) column(`PATIENT:${patientColumns[a] ?? ''}`, (s) => patientAttrs.get(s.patientId)?.[a] ?? null);
  const index = new Map<string, number>();
  for (const id of samples.keys()) index.set(id, index.size);
  return { index, columns, keys };
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
  const id = manifest.study.identifier;
  if (manifest.study.addGlobalCaseList && !seen.has(`${id}_all`)) {
    lists.push({ file: 'meta_study.txt', stableId: `${id}_all`, name: 'All samples', description: `All samples (${sampleRefs.size} samples)`, category: 'all_cases_in_study', sampleIds: [...sampleRefs.keys()] });
  }
  // The case lists cBioPortal's validator requires (validateData.py, validate_defined_caselists): without them it
  // stops with an error, because the denominators of OncoPrint and the study summary depend on them.
  const have = new Set(lists.map((l) => l.stableId));
  const need: Array<[string, string]> = [[`${id}_all`, "all samples (or 'add_global_case_list: true' in meta_study.txt)"]];
  if (manifest.files.some((f) => f.kind === 'mutations')) need.push([`${id}_sequenced`, 'the samples profiled for mutations']);
  if (manifest.files.some((f) => f.kind === 'cna-discrete')) need.push([`${id}_cna`, 'the samples profiled for copy number']);
  for (const [stable, what] of need) {
    if (!have.has(stable)) throw new StudyFileError('case_lists', null, null, `no case list with stable_id '${stable}' (${what}); cBioPortal's validator requires it, and without it the denominator would be a guess`);
  }
  for (const cl of lists) {
    const { id: listId } = await trx
      .insertInto('cohort_case_list')
      .values({ study_id: studyId, stable_id: cl.stableId, name: cl.name, description: cl.description, category: cl.category })
      .returning('id')
      .executeTakeFirstOrThrow();
    const b = new BatchInserter(trx, 'cohort_case_list_sample', 2, fastOf.get(trx));
    for (const s of cl.sampleIds) await b.add({ case_list_id: listId, sample_ref: sampleRefs.get(s)! });
    await b.flush();
  }
  summary.caseLists = lists.length;
  return lists;
}

/** Gene panel files of the folder (stored globally, as cBioPortal does), then the gene panel matrix. */
async function importGenePanels(trx: Trx, ctx: Ctx): Promise<void> {
  const { manifest } = ctx;
  for (const file of manifest.genePanelFiles) {
    ctx.progress(`reading ${file}`);
    const panel = await readGenePanel(join(manifest.dir, file), file);
    const genes = new Set(panel.genes.map((g) => g.toUpperCase()));
    const existing = await trx.selectFrom('cohort_gene_panel').select('id').where('stable_id', '=', panel.stableId).executeTakeFirst();
    if (existing) {
      const stored = new Set((await trx.selectFrom('cohort_gene_panel_gene').select('gene').where('panel_id', '=', existing.id).execute()).map((r) => r.gene));
      const same = stored.size === genes.size && [...genes].every((g) => stored.has(g));
      if (!same) throw new StudyFileError(file, null, 'gene_list', `gene panel '${panel.stableId}' is already in the database with a different gene list (another study uses it); give the changed panel a new stable_id`);
      ctx.panels.set(panel.stableId, { id: existing.id, stableId: panel.stableId, genes });
      continue;
    }
    const { id } = await trx.insertInto('cohort_gene_panel').values({ stable_id: panel.stableId, description: panel.description }).returning('id').executeTakeFirstOrThrow();
    const b = new BatchInserter(trx, 'cohort_gene_panel_gene', 2, fastOf.get(trx));
    for (const g of genes) await b.add({ panel_id: id, gene: g });
    await b.flush();
    ctx.panels.set(panel.stableId, { id, stableId: panel.stableId, genes });
  }
  const matrixFile = manifest.files.find((f) => f.kind === 'gene-panel-matrix');
  const referenced = new Set<string>();
  for (const f of manifest.files) if (f.genePanel) referenced.add(f.genePanel);
  let stored: string[] = [];
  if (matrixFile || referenced.size) stored = (await trx.selectFrom('cohort_gene_panel').select('stable_id').execute()).map((r) => r.stable_id);
  const known = new Set([...ctx.panels.keys(), ...stored]);
  if (matrixFile) {
    ctx.progress(`reading ${matrixFile.dataFile}`);
    const profiles = new Set<string>();
    for (const f of manifest.files) if (f.stableId) profiles.add(f.stableId);
    for (const sk of manifest.skipped) if (sk.stableId) profiles.add(sk.stableId);
    ctx.matrix = await readGenePanelMatrix(matrixFile.dataPath, matrixFile.dataFile, { samples: ctx.sampleSet, profiles, panels: known });
    for (const f of manifest.files) {
      if (f.genePanel && f.stableId && ctx.matrix.profiles.includes(f.stableId)) {
        throw new StudyFileError(f.meta.file, f.meta.lineOf.get('gene_panel') ?? null, 'gene_panel', `profile '${f.stableId}' has a gene_panel property and a column in ${matrixFile.dataFile}; give one or the other (cBioPortal's validator rejects both)`);
      }
    }
    for (const p of ctx.matrix.panels.values()) for (const v of p) if (v !== null) referenced.add(v);
  }
  for (const f of manifest.files) {
    if (f.genePanel && !known.has(f.genePanel)) throw new StudyFileError(f.meta.file, f.meta.lineOf.get('gene_panel') ?? null, 'gene_panel', `gene panel '${f.genePanel}' is not defined (no data_gene_panel_*.txt file names it, and no earlier import stored it)`);
  }
  for (const stableId of referenced) {
    if (ctx.panels.has(stableId)) continue;
    const row = await trx.selectFrom('cohort_gene_panel').select('id').where('stable_id', '=', stableId).executeTakeFirstOrThrow();
    const genes = new Set((await trx.selectFrom('cohort_gene_panel_gene').select('gene').where('panel_id', '=', row.id).execute()).map((r) => r.gene));
    ctx.panels.set(stableId, { id: row.id, stableId, genes });
  }
  ctx.summary.genePanels = [...ctx.panels.keys()].sort();
}

/** The sample's panel for a profile: its matrix column, else the meta file's gene_panel, else none. */
function panelOf_(ctx: Ctx, f: StudyDataFile, sampleId: string): PanelInfo | null {
  if (ctx.matrix && f.stableId) {
    const col = ctx.matrix.profiles.indexOf(f.stableId);
    if (col >= 0) {
      const v = ctx.matrix.panels.get(sampleId)?.[col] ?? null;
      return v === null ? null : ctx.panels.get(v)!;
    }
  }
  return f.genePanel ? ctx.panels.get(f.genePanel)! : null;
}

function covers(panel: PanelInfo | null, gene: string | null, entrez: number | null): boolean {
  if (panel === null) return true;
  return (gene !== null && panel.genes.has(gene.toUpperCase())) || (entrez !== null && panel.genes.has(String(entrez)));
}

function noteGene(ctx: Ctx, gene: string | null, entrez: number | null): void {
  if (gene === null || gene === '') return;
  const prev = ctx.genes.get(gene);
  if (prev === undefined || (prev === null && entrez !== null && entrez > 0)) ctx.genes.set(gene, entrez !== null && entrez > 0 ? entrez : null);
}

async function createProfile(trx: Trx, studyId: number, f: StudyDataFile, profiledBy: string): Promise<number> {
  const { id } = await trx
    .insertInto('cohort_profile')
    .values({ study_id: studyId, stable_id: f.stableId!, alteration_type: f.geneticAlterationType, datatype: f.datatype, name: f.profileName, source_file: f.dataFile, profiled_by: profiledBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * Profile membership with each sample's panel; returns the count, the samples per panel and each sample's panel key
 * (by dense sample index; -1 = not in the profile). For a counted profile (mutations, copy number) it also stores the
 * profile's samples per (panel, grouping, value) in cohort_profile_group_count: the grouped denominator of a gene is
 * then the sum over "no panel" and the panels that cover the gene, read from a small table.
 */
async function addProfileSamples(
  trx: Trx,
  ctx: Ctx,
  f: StudyDataFile | null,
  profileId: number,
  samples: Iterable<[string, number]>,
  counted: boolean,
): Promise<{ n: number; panels: Record<string, number>; panelOf: Int32Array }> {
  const b = new BatchInserter(trx, 'cohort_profile_sample', 4, fastOf.get(trx));
  const panels: Record<string, number> = {};
  const { index, columns, keys } = ctx.groups;
  const panelOf = new Int32Array(index.size).fill(-1);
  /** Samples per code, by panel key. */
  const sizes = new Map<number, Int32Array>();
  for (const [s, position] of samples) {
    const p = f ? panelOf_(ctx, f, s) : null;
    if (p) panels[p.stableId] = (panels[p.stableId] ?? 0) + 1;
    await b.add({ profile_id: profileId, sample_ref: ctx.sampleRefs.get(s)!, position, panel_id: p ? p.id : null });
    const i = index.get(s);
    if (i === undefined) throw new Error(`profile samples: ${s} has no index`);
    const key = p ? p.id : 0;
    panelOf[i] = key;
    if (counted) {
      let k = sizes.get(key);
      if (!k) sizes.set(key, (k = new Int32Array(keys.length)));
      for (const col of columns) {
        const c = col[i] ?? -1;
        k[c] = (k[c] ?? 0) + 1;
      }
    }
  }
  await b.flush();
  if (counted) {
    const g = new BatchInserter(trx, 'cohort_profile_group_count', 5, fastOf.get(trx));
    for (const [panelKey, k] of sizes) {
      for (let c = 0; c < k.length; c++) {
        const n = k[c] ?? 0;
        const key = keys[c];
        if (n > 0 && key) await g.add({ profile_id: profileId, panel_key: panelKey, grouping: key.grouping, value: key.value, n });
      }
    }
    await g.flush();
  }
  return { n: b.count, panels, panelOf };
}

/** The columns of cohort_mutation written by the import, in the order of importMutations' value array. */
const MUTATION_COLUMNS = [
  'profile_id', 'sample_ref', 'gene', 'entrez_gene_id', 'variant_class', 'mutation_class', 'protein_change', 'protein_position', 'chromosome',
  'start_position', 'end_position', 'reference_allele', 'tumor_allele', 't_alt_count', 't_ref_count', 'mutation_status',
] as const satisfies ReadonlyArray<keyof Database['cohort_mutation']>;

async function importMutations(trx: Trx, ctx: Ctx, f: StudyDataFile) {
  const { manifest, summary } = ctx;
  ctx.progress(`reading ${f.dataFile}`);
  const sequencedId = `${manifest.study.identifier}_sequenced`;
  const sequenced = ctx.caseLists.find((c) => c.stableId === sequencedId)!;
  const profiled = new Set(sequenced.sampleIds);
  if (ctx.matrix && f.stableId) {
    const col = ctx.matrix.profiles.indexOf(f.stableId);
    if (col >= 0) {
      for (const [sample, row] of ctx.matrix.panels) {
        if (row[col] !== null && !profiled.has(sample)) {
          throw new StudyFileError(manifest.files.find((x) => x.kind === 'gene-panel-matrix')!.dataFile, ctx.matrix.lineOf.get(sample)!, columnLabel(col + 1, f.stableId), `sample '${sample}' has a mutation gene panel but is not in the case list ${sequencedId} (cBioPortal's validator rejects this)`);
        }
      }
    }
  }
  const profiledBy = `case list ${sequenced.stableId}${ctx.matrix || f.genePanel ? ', per gene by gene panel' : ''}`;
  const profileId = await createProfile(trx, ctx.studyId, f, profiledBy);
  const filter = parseVariantFilter(f.meta.fields.get('variant_classification_filter'), f.meta.file, f.meta.lineOf.get('variant_classification_filter') ?? null);
  const stats = emptyMutationStats();
  const b = new BatchInserter(trx, 'cohort_mutation', MUTATION_COLUMNS.length, fastOf.get(trx));
  const panelCache = new Map<string, PanelInfo | null>();
  let offPanel = 0;
  let lastGene = '';
  // Wall time spent storing rows (the rest of the loop is reading and parsing the MAF).
  let storeMs = 0;
  const loopStart = performance.now();
  // Distinct (gene, sample) pairs for the grouped numerators, as gene number * samples + sample index (exact doubles).
  const pairGenes: string[] = [];
  const geneNo = new Map<string, number>();
  const nSamples = ctx.groups.index.size;
  let pairs = new Float64Array(1 << 16);
  let nPairs = 0;
  let lastSample = '';
  let lastIndex = -1;
  // One reused array of values per row, in MUTATION_COLUMNS order (no row object per mutation).
  const values: unknown[] = new Array<unknown>(MUTATION_COLUMNS.length).fill(null);
  values[0] = profileId;
  for await (const block of readStudyMutationBlocks(f.dataPath, f.dataFile, { filter, samples: ctx.sampleSet, stats })) {
    const t = performance.now();
    for (const m of block) {
      if (!profiled.has(m.sampleId)) {
        throw new StudyFileError(f.dataFile, m.line, 'Tumor_Sample_Barcode', `sample '${m.sampleId}' has mutations but is not in the case list ${sequencedId} (cBioPortal's validator rejects this: the case list says which samples were sequenced)`);
      }
      let panel = panelCache.get(m.sampleId);
      if (panel === undefined) panelCache.set(m.sampleId, (panel = panelOf_(ctx, f, m.sampleId)));
      if (!covers(panel, m.gene, m.entrezGeneId)) offPanel++;
      if (m.gene !== lastGene) {
        noteGene(ctx, m.gene, m.entrezGeneId);
        lastGene = m.gene;
      }
      let g = geneNo.get(m.gene);
      if (g === undefined) {
        g = pairGenes.length;
        pairGenes.push(m.gene);
        geneNo.set(m.gene, g);
      }
      if (m.sampleId !== lastSample) {
        lastIndex = ctx.groups.index.get(m.sampleId) ?? -1;
        if (lastIndex < 0) throw new Error(`mutations: sample ${m.sampleId} has no index`);
        lastSample = m.sampleId;
      }
      if (nPairs === pairs.length) {
        const grown = new Float64Array(pairs.length * 2);
        grown.set(pairs);
        pairs = grown;
      }
      pairs[nPairs++] = g * nSamples + lastIndex;
      values[1] = ctx.sampleRefs.get(m.sampleId);
      values[2] = m.gene;
      values[3] = m.entrezGeneId;
      values[4] = m.variantClassification;
      values[5] = mutationClassOf(m.variantClassification);
      values[6] = m.proteinChange;
      values[7] = proteinPosition(m.proteinChange);
      values[8] = m.chromosome;
      values[9] = m.startPosition;
      values[10] = m.endPosition;
      values[11] = m.referenceAllele;
      values[12] = m.tumorAllele;
      values[13] = m.tAltCount;
      values[14] = m.tRefCount;
      values[15] = m.mutationStatus;
      await b.addValues(MUTATION_COLUMNS, values);
    }
    storeMs += performance.now() - t;
  }
  const t = performance.now();
  await b.flush();
  storeMs += performance.now() - t;
  const loopMs = performance.now() - loopStart;
  if (stats.fusions) summary.warnings.push(`${f.dataFile}: ${stats.fusions} row(s) with Variant_Classification Fusion skipped (structural variants are not imported; cBioPortal's validator accepts the value)`);
  for (const [vc, n] of Object.entries(stats.unknownClassifications)) summary.warnings.push(`${f.dataFile}: ${n} row(s) with Variant_Classification '${vc}', which is not one of cBioPortal's values; imported as class 'other' (the validator warns likewise)`);
  if (stats.redacted) summary.warnings.push(`${f.dataFile}: ${stats.redacted} row(s) with Validation_Status Redacted not loaded (as cBioPortal's importer)`);
  if (offPanel) summary.warnings.push(`${f.dataFile}: ${offPanel} mutation(s) in a gene that the sample's gene panel does not cover; stored, but such a sample is not counted as profiled for that gene`);
  ctx.stages.end(`${f.dataFile} (mutations)`, { parse: (loopMs - storeMs) / 1000, store: storeMs / 1000 });
  const { n, panels, panelOf } = await addProfileSamples(trx, ctx, f, profileId, [...profiled].map((s) => [s, -1] as [string, number]), true);
  ctx.mutationProfiles.push({ profileId, genes: pairGenes, geneNo, pairs: pairs.subarray(0, nPairs), n: nPairs, panelOf });
  // Kept with the group counts: with no off-panel call, a gene's altered samples need no panel check at query time.
  await trx.insertInto('cohort_profile_group_count').values({ profile_id: profileId, panel_key: 0, grouping: OFF_PANEL_GROUPING, value: null, n: offPanel }).execute();
  summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy, rows: stats.rows, stored: stats.kept, filtered: stats.filtered, notLoadedStatus: stats.notLoadedStatus, redacted: stats.redacted, fusions: stats.fusions, offPanel, panels });
}

async function importCnaWide(trx: Trx, ctx: Ctx, f: StudyDataFile) {
  ctx.progress(`reading ${f.dataFile}`);
  const profiledBy = `sample columns of the data file${ctx.matrix || f.genePanel ? ', per gene by gene panel' : ''}`;
  const profileId = await createProfile(trx, ctx.studyId, f, profiledBy);
  let header: string[] = [];
  const stats = emptyMatrixStats();
  const b = new BatchInserter(trx, 'cohort_cna', 5, fastOf.get(trx));
  for await (const row of readDiscreteCnaWide(f.dataPath, f.dataFile, { samples: ctx.sampleSet, stats, onHeader: (h) => (header = h.samples) })) {
    noteGene(ctx, row.gene, row.entrezGeneId);
    for (const c of row.values) await b.add({ profile_id: profileId, sample_ref: ctx.sampleRefs.get(c.sampleId)!, gene: row.gene, entrez_gene_id: row.entrezGeneId, value: c.value });
  }
  await b.flush();
  const { n, panels } = await addProfileSamples(trx, ctx, f, profileId, header.map((s, i) => [s, i] as [string, number]), true);
  if (stats.duplicateGenes.length) ctx.summary.warnings.push(`${f.dataFile}: ${stats.duplicateGenes.length} repeated gene row(s) skipped (first kept), e.g. ${stats.duplicateGenes[0]}`);
  ctx.summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy, rows: stats.rows, stored: b.count, duplicateGenes: stats.duplicateGenes.length, panels });
}

async function importCnaLong(trx: Trx, ctx: Ctx, f: StudyDataFile) {
  ctx.progress(`reading ${f.dataFile}`);
  const profiledBy = `samples named in the data file${ctx.matrix || f.genePanel ? ', per gene by gene panel' : ''}`;
  const profileId = await createProfile(trx, ctx.studyId, f, profiledBy);
  const profiled = new Set<string>();
  const b = new BatchInserter(trx, 'cohort_cna', 5, fastOf.get(trx));
  let rows = 0;
  for await (const r of readDiscreteCnaLong(f.dataPath, f.dataFile, { samples: ctx.sampleSet })) {
    rows++;
    profiled.add(r.sampleId);
    noteGene(ctx, r.gene, r.entrezGeneId);
    if (r.value !== 0) await b.add({ profile_id: profileId, sample_ref: ctx.sampleRefs.get(r.sampleId)!, gene: r.gene, entrez_gene_id: r.entrezGeneId, value: r.value });
  }
  await b.flush();
  const { n, panels } = await addProfileSamples(trx, ctx, f, profileId, [...profiled].map((s) => [s, -1] as [string, number]), true);
  ctx.summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy, rows, stored: b.count, panels });
}

async function importExpression(trx: Trx, ctx: Ctx, f: StudyDataFile) {
  ctx.progress(`reading ${f.dataFile}`);
  const profiledBy = 'sample columns of the data file';
  const profileId = await createProfile(trx, ctx.studyId, f, profiledBy);
  let header: string[] = [];
  const stats = emptyMatrixStats();
  const b = new BatchInserter(trx, 'cohort_expression', 4, fastOf.get(trx));
  for await (const row of readContinuousMatrix(f.dataPath, f.dataFile, { samples: ctx.sampleSet, stats, onHeader: (h) => (header = h.samples) })) {
    noteGene(ctx, row.gene, row.entrezGeneId);
    await b.add({ profile_id: profileId, gene: row.gene, entrez_gene_id: row.entrezGeneId, value_blob: float64ToBytes(row.values) });
  }
  await b.flush();
  const { n } = await addProfileSamples(trx, ctx, null, profileId, header.map((s, i) => [s, i] as [string, number]), false);
  if (stats.duplicateGenes.length) ctx.summary.warnings.push(`${f.dataFile}: ${stats.duplicateGenes.length} repeated gene row(s) skipped (first kept), e.g. ${stats.duplicateGenes[0]}`);
  ctx.summary.profiles.push({ stableId: f.stableId!, kind: f.kind, file: f.dataFile, profiledSamples: n, profiledBy, rows: stats.rows, stored: b.count, duplicateGenes: stats.duplicateGenes.length });
}

/** The study's genes (data files and the genes of the panels its profiles use), for lookups and suggestions. */
async function storeGenes(trx: Trx, ctx: Ctx): Promise<void> {
  for (const p of ctx.panels.values()) for (const g of p.genes) if (!/^\d+$/.test(g) && !ctx.genes.has(g)) ctx.genes.set(g, null);
  const b = new BatchInserter(trx, 'cohort_gene', 3, fastOf.get(trx));
  for (const [gene, entrez] of ctx.genes) await b.add({ study_id: ctx.studyId, gene, entrez_gene_id: entrez });
  await b.flush();
}

/** cohort_profile_group_count row holding the number of off-panel calls of a mutation profile. */
export const OFF_PANEL_GROUPING = '#off_panel';

/** Groupings with at most this many values get precomputed denominators; others are counted at query time. */
const MAX_PRECOMPUTED_VALUES = 200;

/** cohort_profile_group_count row marking a mutation profile whose per-gene grouped numerators were counted. */
export const GENE_COUNTS_GROUPING = '#gene_counts';

/**
 * Grouped numerators of a mutation profile (migration 0006): for each gene and each grouping of the denominators
 * ('' overall, 'her2', the precomputed sample and patient attributes), the number of distinct samples with a mutation
 * of the gene that are profiled for it (no panel, or a panel listing the gene or its Entrez ID, as `cohort query`
 * decides it). Counted in memory from the (gene, sample) pairs noted while the MAF was read and the samples' group
 * codes (8 bytes per mutation; no query reads the mutations back), then written as rows.
 */
async function storeGeneCounts(trx: Trx, ctx: Ctx, m: MutationPairs): Promise<void> {
  const { columns, keys, index } = ctx.groups;
  const nSamples = index.size;
  const pairs = m.pairs.subarray(0, m.n).sort();
  // Panels covering a gene: the gene's symbol (upper-cased) or its Entrez ID in the panel's list.
  const coveringOf = (gene: string): Set<number> => {
    const entrez = ctx.genes.get(gene);
    const out = new Set<number>([0]);
    for (const p of ctx.panels.values()) if (p.genes.has(gene.toUpperCase()) || (entrez !== null && entrez !== undefined && p.genes.has(String(entrez)))) out.add(p.id);
    return out;
  };
  const counts = new Int32Array(keys.length);
  const b = new BatchInserter(trx, 'cohort_gene_group_count', 5, fastOf.get(trx));
  const flush = async (gene: string) => {
    for (let c = 0; c < counts.length; c++) {
      const k = counts[c] ?? 0;
      const key = keys[c];
      if (k > 0 && key) await b.add({ profile_id: m.profileId, gene, grouping: key.grouping, value: key.value, k });
    }
    counts.fill(0);
  };
  let current = -1;
  let covering = new Set<number>();
  let previous = -1;
  for (const pair of pairs) {
    if (pair === previous) continue;
    previous = pair;
    const g = Math.floor(pair / nSamples);
    const i = pair - g * nSamples;
    if (g !== current) {
      if (current >= 0) await flush(m.genes[current] ?? '');
      current = g;
      covering = coveringOf(m.genes[g] ?? '');
    }
    const panel = m.panelOf[i] ?? -1;
    if (panel < 0 || !covering.has(panel)) continue;
    for (const col of columns) {
      const c = col[i] ?? -1;
      counts[c] = (counts[c] ?? 0) + 1;
    }
  }
  if (current >= 0) await flush(m.genes[current] ?? '');
  await b.flush();
  await trx.insertInto('cohort_profile_group_count').values({ profile_id: m.profileId, panel_key: 0, grouping: GENE_COUNTS_GROUPING, value: null, n: b.count }).execute();
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
