/**
 * The input of one analysis run, snapshotted from the database when the run is requested and stored with it: the
 * patient, each sample with the pathology version and the files (by id, storage path and SHA-256) it used, and the
 * treatments. Files are immutable (content-addressed), so a stored run can be re-run or audited exactly.
 * `toCaseFile` turns a snapshot into a case-file object whose file references are the stored files' ids, and
 * `snapshotResolver` finds those files in the data folder from the snapshot's records (database-backed: the case is
 * analysed in memory by `analyzeCase`, never written to disk).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, parseCaseFile, timelineIssues, type CaseFile } from '@her2scope/core';
import type { ResolveFile } from '@her2scope/formats/analyze';
import type { ClinicalStore, PathologyRecord, Patient, Sample, StoredFile, TreatmentRecord } from '@her2scope/storage/clinical';
import { badRequest } from '../http-error.ts';

export interface FileRef {
  fileId: string;
  storagePath: string;
  sha256: string;
  name: string;
}

export interface SnapshotSample {
  id: string;
  type: string;
  site: string;
  collected: string;
  /** Tumour purity (0-1) and, for plasma, the ctDNA tumour fraction, when given (case fields purity / tumorFraction). */
  purity?: number;
  tumorFraction?: number;
  pathology?: unknown;
  pathologyVersion?: number;
  /** Sign-off of that pathology version (user name, when), printed on the clinician report; absent when not signed. */
  pathologySigned?: { by: string | null; at: string };
  variants?: { file: FileRef; tumor?: string; normal?: string; regions?: FileRef; meanDepth?: number };
  cytometry?: { file: FileRef; panel?: FileRef; control?: FileRef; gates?: FileRef; workspace?: FileRef; group?: string; sample?: string };
  /** BAM / CRAM with its index and, for CRAM, the reference FASTA and its .fai (case field reads). */
  reads?: { file: FileRef; index?: FileRef; reference?: FileRef; referenceIndex?: FileRef };
  /** Copy-number segments (case field copyNumber); purity / ploidy / sample as given at upload. */
  copyNumber?: { file: FileRef; purity?: number; ploidy?: number; sample?: string };
}

/**
 * Which version of each input record a run used (issue 17): record ids with their revision, the pathology version
 * and the file ids per sample. Runs stored before issue 17 have none (their changes are found by content).
 */
export interface InputVersions {
  patient: { id: string; revision: number };
  samples: Array<{ id: string; label: string; revision: number; pathologyVersion: number | null; files: string[] }>;
  treatments: Array<{ id: string; drug: string; start: string; revision: number }>;
}

export interface AnalysisInput {
  /** `setting` (early / metastatic) when entered; absent = inferred, as in a case file without it. */
  patient: { id: string; sex?: 'F' | 'M' | 'X'; birthYear?: number; synthetic: boolean; setting?: 'early' | 'metastatic' };
  samples: SnapshotSample[];
  /** `setting` and `line` when entered (case fields treatments[].setting / .line); absent = inferred from the dates. */
  treatments: Array<{ drug: string; start: string; end?: string; response?: string; setting?: 'early' | 'metastatic'; line?: number }>;
  versions?: InputVersions;
}

/** One way the inputs differ from those a run used; `id` is the record's id (the UI names it), `message` says it in words. */
export interface InputChange {
  entity: 'patient' | 'sample' | 'pathology' | 'file' | 'treatment' | 'input';
  id: string | null;
  change: 'added' | 'edited' | 'removed' | 'new-version';
  message: string;
}

const ref = (f: StoredFile): FileRef => ({ fileId: f.id, storagePath: f.storagePath, sha256: f.sha256, name: f.originalName });

/**
 * Build the snapshot for a patient; the latest pathology version and the latest file of each kind per sample.
 * Records entered in error are left out (the store's lists leave them out).
 */
export async function snapshotPatient(store: ClinicalStore, patientId: string): Promise<AnalysisInput> {
  const patient = await store.getPatient(patientId);
  if (!patient) throw new Error('patient vanished');
  const [samples, pathology, files, treatments] = await Promise.all([store.listSamples(patientId), store.listPathology(patientId), store.listFiles(patientId), store.listTreatments(patientId)]);
  return buildSnapshot(patient, samples, pathology, files, treatments);
}

/** The snapshot from already-loaded records (active ones only: pass the store's default lists). */
export function buildSnapshot(patient: Patient, samples: Sample[], pathology: PathologyRecord[], files: StoredFile[], treatments: TreatmentRecord[]): AnalysisInput {
  const active = <T extends { status: string }>(xs: T[]) => xs.filter((x) => x.status === 'active');
  samples = active(samples);
  files = active(files);
  treatments = active(treatments);
  const latestPathology = new Map<string, PathologyRecord>();
  for (const p of pathology) if (!latestPathology.has(p.sampleId)) latestPathology.set(p.sampleId, p);
  const latestFile = (sampleId: string, kind: StoredFile['kind']) => files.filter((f) => f.sampleId === sampleId && f.kind === kind).at(-1);
  const out: AnalysisInput = {
    patient: { id: patient.label, ...(patient.sex ? { sex: patient.sex } : {}), ...(patient.birthYear !== null ? { birthYear: patient.birthYear } : {}), synthetic: patient.synthetic, ...(patient.setting ? { setting: patient.setting } : {}) },
    samples: [],
    treatments: treatments.map((t) => ({ drug: t.drug, start: t.start, ...(t.end ? { end: t.end } : {}), ...(t.response ? { response: t.response } : {}), ...(t.setting ? { setting: t.setting } : {}), ...(t.line !== null ? { line: t.line } : {}) })),
    versions: { patient: { id: patient.id, revision: patient.revision }, samples: [], treatments: treatments.map((t) => ({ id: t.id, drug: t.drug, start: t.start, revision: t.revision })) },
  };
  const versions = out.versions as InputVersions;
  for (const s of samples) {
    const snap: SnapshotSample = { id: s.label, type: s.type, site: s.site, collected: s.collected, ...(s.purity !== null ? { purity: s.purity } : {}), ...(s.tumorFraction !== null ? { tumorFraction: s.tumorFraction } : {}) };
    const p = latestPathology.get(s.id);
    if (p) {
      snap.pathology = p.data;
      snap.pathologyVersion = p.version;
      if (p.signedAt) snap.pathologySigned = { by: p.signedBy, at: p.signedAt };
    }
    const v = latestFile(s.id, 'variants');
    if (v) {
      const o = v.options as { tumor?: string; normal?: string; meanDepth?: number };
      const regions = latestFile(s.id, 'regions');
      snap.variants = { file: ref(v), ...(o.tumor ? { tumor: o.tumor } : {}), ...(o.normal ? { normal: o.normal } : {}), ...(regions ? { regions: ref(regions) } : {}), ...(o.meanDepth ? { meanDepth: o.meanDepth } : {}) };
    }
    const c = latestFile(s.id, 'cytometry');
    if (c) {
      const panel = latestFile(s.id, 'cytometry-panel');
      const control = latestFile(s.id, 'cytometry-control');
      const gates = latestFile(s.id, 'gates');
      const ws = latestFile(s.id, 'flowjo-workspace');
      const wo = (ws?.options ?? {}) as { group?: string; sample?: string };
      snap.cytometry = {
        file: ref(c),
        ...(panel ? { panel: ref(panel) } : {}),
        ...(control ? { control: ref(control) } : {}),
        ...(gates ? { gates: ref(gates) } : {}),
        ...(ws ? { workspace: ref(ws), ...(wo.group ? { group: wo.group } : {}), ...(wo.sample ? { sample: wo.sample } : {}) } : {}),
      };
    }
    const r = latestFile(s.id, 'reads');
    if (r) {
      const index = latestFile(s.id, 'reads-index');
      const reference = latestFile(s.id, 'reference');
      const referenceIndex = latestFile(s.id, 'reference-index');
      snap.reads = { file: ref(r), ...(index ? { index: ref(index) } : {}), ...(reference ? { reference: ref(reference) } : {}), ...(referenceIndex ? { referenceIndex: ref(referenceIndex) } : {}) };
    }
    const cn = latestFile(s.id, 'copy-number');
    if (cn) {
      const o = cn.options as { purity?: number; ploidy?: number; sample?: string };
      snap.copyNumber = { file: ref(cn), ...(o.purity !== undefined ? { purity: o.purity } : {}), ...(o.ploidy !== undefined ? { ploidy: o.ploidy } : {}), ...(o.sample !== undefined ? { sample: o.sample } : {}) };
    }
    out.samples.push(snap);
    // Every file the analysis reads is part of the input version: replacing any of them makes the result stale.
    const used = sampleFileRefs(snap).map((f) => f.fileId);
    versions.samples.push({ id: s.id, label: s.label, revision: s.revision, pathologyVersion: p?.version ?? null, files: used.sort() });
  }
  return out;
}

/** The case-file object for a snapshot; each file reference is the stored file's id (resolved by `snapshotResolver`). */
export function toCaseFile(input: AnalysisInput): CaseFile {
  const resolvePath = (f: FileRef) => f.fileId;
  return parseCaseFile({
    patient: input.patient,
    samples: input.samples.map((s) => ({
      id: s.id,
      type: s.type,
      site: s.site,
      collected: s.collected,
      ...(s.purity !== undefined ? { purity: s.purity } : {}),
      ...(s.tumorFraction !== undefined ? { tumorFraction: s.tumorFraction } : {}),
      ...(s.pathology !== undefined ? { pathology: s.pathology } : {}),
      ...(s.variants
        ? {
            variants: {
              file: resolvePath(s.variants.file),
              ...(s.variants.tumor ? { tumor: s.variants.tumor } : {}),
              ...(s.variants.normal ? { normal: s.variants.normal } : {}),
              ...(s.variants.regions ? { regions: resolvePath(s.variants.regions) } : {}),
              ...(s.variants.meanDepth ? { meanDepth: s.variants.meanDepth } : {}),
            },
          }
        : {}),
      ...(s.cytometry
        ? {
            cytometry: {
              file: resolvePath(s.cytometry.file),
              ...(s.cytometry.panel ? { panel: resolvePath(s.cytometry.panel) } : {}),
              ...(s.cytometry.control ? { control: resolvePath(s.cytometry.control) } : {}),
              ...(s.cytometry.gates ? { gates: resolvePath(s.cytometry.gates) } : {}),
              ...(s.cytometry.workspace ? { workspace: resolvePath(s.cytometry.workspace) } : {}),
              ...(s.cytometry.group ? { group: s.cytometry.group } : {}),
              ...(s.cytometry.sample ? { sample: s.cytometry.sample } : {}),
            },
          }
        : {}),
      ...(s.reads
        ? {
            reads: {
              file: resolvePath(s.reads.file),
              ...(s.reads.index ? { index: resolvePath(s.reads.index) } : {}),
              // The reference's .fai is its companion `<reference id>.fai` (snapshotResolver), not a case field.
              ...(s.reads.reference ? { reference: resolvePath(s.reads.reference) } : {}),
            },
          }
        : {}),
      ...(s.copyNumber
        ? {
            copyNumber: {
              file: resolvePath(s.copyNumber.file),
              ...(s.copyNumber.purity !== undefined ? { purity: s.copyNumber.purity } : {}),
              ...(s.copyNumber.ploidy !== undefined ? { ploidy: s.copyNumber.ploidy } : {}),
              ...(s.copyNumber.sample !== undefined ? { sample: s.copyNumber.sample } : {}),
            },
          }
        : {}),
    })),
    treatments: input.treatments,
  });
}

/** Check that a snapshot is a valid case before queueing it (e.g. a patient without samples): a 400 naming the field. */
export function assertAnalysable(input: AnalysisInput, today: string): void {
  let c: CaseFile;
  try {
    c = toCaseFile(input);
  } catch (e) {
    throw badRequest(`cannot analyse this patient yet: ${(e as Error).message}`);
  }
  for (const s of input.samples) {
    const problem = readsPairingProblem(s);
    if (problem) throw badRequest(`cannot analyse this patient yet: sample ${s.id}: ${problem}`);
  }
  // Records stored before the date checks (issue 17) can hold impossible dates: correct them first.
  const problem = timelineIssues({ birthYear: c.patient.birthYear, samples: c.samples, treatments: c.treatments }, today)[0];
  if (problem) throw badRequest(`cannot analyse this patient yet: correct the records first: ${problem.message}`);
}

/** The case content of a snapshot (without the version bookkeeping), for comparing runs stored before issue 17. */
const content = (i: AnalysisInput) => JSON.stringify({ patient: i.patient, samples: i.samples, treatments: i.treatments });

/**
 * How the current inputs differ from those a run used: nothing (the run is current), or each record added, edited,
 * entered in error (`removed`), each new pathology version and each file added or removed. A run without recorded
 * versions (before issue 17) is compared by content and reported as one `input` change when anything differs.
 */
export function inputChanges(used: AnalysisInput, now: AnalysisInput): InputChange[] {
  if (!used.versions || !now.versions) return content(used) === content(now) ? [] : [{ entity: 'input', id: null, change: 'edited', message: 'the patient\'s records changed since this analysis' }];
  const out: InputChange[] = [];
  const a = used.versions;
  const b = now.versions;
  if (a.patient.revision !== b.patient.revision) out.push({ entity: 'patient', id: b.patient.id, change: 'edited', message: 'patient details edited' });
  const before = new Map(a.samples.map((s) => [s.id, s]));
  const after = new Map(b.samples.map((s) => [s.id, s]));
  for (const s of b.samples) {
    const old = before.get(s.id);
    if (!old) {
      out.push({ entity: 'sample', id: s.id, change: 'added', message: `sample ${s.label} added` });
      continue;
    }
    if (old.revision !== s.revision) out.push({ entity: 'sample', id: s.id, change: 'edited', message: `sample ${s.label} edited` });
    if (old.pathologyVersion !== s.pathologyVersion) {
      out.push({ entity: 'pathology', id: s.id, change: 'new-version', message: s.pathologyVersion === null ? `sample ${s.label}: pathology removed` : `sample ${s.label}: pathology version ${s.pathologyVersion}${old.pathologyVersion === null ? ' entered' : ` (the analysis used version ${old.pathologyVersion})`}` });
    }
    const was = new Set(old.files);
    const is = new Set(s.files);
    for (const f of s.files) if (!was.has(f)) out.push({ entity: 'file', id: f, change: 'added', message: `sample ${s.label}: file added` });
    for (const f of old.files) if (!is.has(f)) out.push({ entity: 'file', id: f, change: 'removed', message: `sample ${s.label}: a file the analysis used was replaced or entered in error` });
  }
  for (const s of a.samples) if (!after.has(s.id)) out.push({ entity: 'sample', id: s.id, change: 'removed', message: `sample ${s.label} entered in error` });
  const tBefore = new Map(a.treatments.map((t) => [t.id, t]));
  const tAfter = new Map(b.treatments.map((t) => [t.id, t]));
  for (const t of b.treatments) {
    const old = tBefore.get(t.id);
    if (!old) out.push({ entity: 'treatment', id: t.id, change: 'added', message: `treatment ${t.drug} from ${t.start} added` });
    else if (old.revision !== t.revision) out.push({ entity: 'treatment', id: t.id, change: 'edited', message: `treatment ${t.drug} from ${t.start} edited` });
  }
  for (const t of a.treatments) if (!tAfter.has(t.id)) out.push({ entity: 'treatment', id: t.id, change: 'removed', message: `treatment ${t.drug} from ${t.start} entered in error` });
  return out;
}

/** Every stored file a snapshot sample reads (one list, used for the input versions, the resolver and progress). */
export function sampleFileRefs(s: SnapshotSample): FileRef[] {
  const c = s.cytometry;
  const r = s.reads;
  return [s.variants?.file, s.variants?.regions, c?.file, c?.panel, c?.control, c?.gates, c?.workspace, r?.file, r?.index, r?.reference, r?.referenceIndex, s.copyNumber?.file].filter((f): f is FileRef => f !== undefined);
}

/**
 * The format of a stored alignment file or index, from its storage path: uploads are stored under the extension
 * their content was recognised as (routes.ts checkUpload), never the name they were sent with.
 */
export function storedFormat(f: FileRef): string {
  return /\.([a-z]+)$/.exec(f.storagePath)?.[1] ?? '';
}

/**
 * What a sample's reads lack for the look-back, or null: a stored BAM needs its index (.bai / .csi) and a CRAM its
 * .crai, the reference FASTA and that FASTA's .fai (uploads are not kept side by side, so nothing is found
 * "beside" a stored file). Index or reference files without reads are refused too: they would be ignored.
 */
export function readsPairingProblem(s: SnapshotSample): string | null {
  const r = s.reads;
  if (!r) return null;
  const format = storedFormat(r.file);
  const index = r.index ? storedFormat(r.index) : null;
  if (format === 'bam') {
    if (index === null) return `the BAM ${r.file.name} needs its index: upload the .bai or .csi (kind reads-index)`;
    if (index !== 'bai' && index !== 'csi') return `the index ${r.index?.name ?? ''} is a CRAM index (.crai), not an index of the BAM ${r.file.name}: upload its .bai or .csi`;
    return null;
  }
  if (index === null) return `the CRAM ${r.file.name} needs its index: upload the .crai (kind reads-index)`;
  if (index !== 'crai') return `the index ${r.index?.name ?? ''} is a BAM index, not an index of the CRAM ${r.file.name}: upload its .crai`;
  if (!r.reference) return `the CRAM ${r.file.name} needs the reference FASTA it was written against (kind reference)`;
  if (!r.referenceIndex) return `the reference ${r.reference.name} needs its FASTA index .fai (kind reference-index; samtools faidx makes it)`;
  return null;
}

/**
 * Every stored file a snapshot names, by the reference its case file uses (`toCaseFile`): the file id, and for a
 * reference FASTA's index the companion name `<reference id>.fai` (formats/case asks for it).
 */
function snapshotFiles(input: AnalysisInput): Map<string, FileRef> {
  const out = new Map<string, FileRef>();
  for (const s of input.samples) {
    for (const f of sampleFileRefs(s)) out.set(f.fileId, f);
    if (s.reads?.reference && s.reads.referenceIndex) out.set(`${s.reads.reference.fileId}.fai`, s.reads.referenceIndex);
  }
  return out;
}

/**
 * The resolver of a snapshot's case (`toCaseFile`): a file id -> its content-addressed path in `dataDir`, from the
 * snapshot's stored-file records. `onResolve(path, name)` learns each path with the file's original name (error
 * messages name the upload, never the storage path). An id the snapshot does not hold, or a stored file missing
 * from the data folder, is an InputError naming the case field.
 */
export function snapshotResolver(input: AnalysisInput, dataDir: string, onResolve: (path: string, name: string) => void = () => {}): ResolveFile {
  const files = snapshotFiles(input);
  return async (ref, field) => {
    const f = files.get(ref);
    if (!f) throw new InputError(`case: ${field}`, 'not a stored file of this analysis');
    const path = join(dataDir, ...f.storagePath.split('/'));
    onResolve(path, f.name);
    try {
      await access(path);
    } catch {
      throw new InputError(`case: ${field}`, `stored file ${f.name} is missing from the data folder`);
    }
    return path;
  };
}
