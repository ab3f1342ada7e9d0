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
import { InputError, parseCaseFile, type CaseFile } from '@her2scope/core';
import type { ResolveFile } from '@her2scope/formats/analyze';
import type { ClinicalStore, PathologyRecord, StoredFile } from '@her2scope/storage/clinical';
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
  pathology?: unknown;
  pathologyVersion?: number;
  variants?: { file: FileRef; tumor?: string; normal?: string; regions?: FileRef; meanDepth?: number };
  cytometry?: { file: FileRef; panel?: FileRef; control?: FileRef; gates?: FileRef; workspace?: FileRef; group?: string; sample?: string };
}

export interface AnalysisInput {
  patient: { id: string; sex?: 'F' | 'M' | 'X'; birthYear?: number; synthetic: boolean };
  samples: SnapshotSample[];
  treatments: Array<{ drug: string; start: string; end?: string; response?: string }>;
}

const ref = (f: StoredFile): FileRef => ({ fileId: f.id, storagePath: f.storagePath, sha256: f.sha256, name: f.originalName });

/** Build the snapshot for a patient; the latest pathology version and the latest file of each kind per sample. */
export async function snapshotPatient(store: ClinicalStore, patientId: string): Promise<AnalysisInput> {
  const patient = await store.getPatient(patientId);
  if (!patient) throw new Error('patient vanished');
  const [samples, pathology, files, treatments] = await Promise.all([store.listSamples(patientId), store.listPathology(patientId), store.listFiles(patientId), store.listTreatments(patientId)]);
  const latestPathology = new Map<string, PathologyRecord>();
  for (const p of pathology) if (!latestPathology.has(p.sampleId)) latestPathology.set(p.sampleId, p);
  const latestFile = (sampleId: string, kind: StoredFile['kind']) => files.filter((f) => f.sampleId === sampleId && f.kind === kind).at(-1);
  const out: AnalysisInput = {
    patient: { id: patient.label, ...(patient.sex ? { sex: patient.sex } : {}), ...(patient.birthYear !== null ? { birthYear: patient.birthYear } : {}), synthetic: patient.synthetic },
    samples: [],
    treatments: treatments.map((t) => ({ drug: t.drug, start: t.start, ...(t.end ? { end: t.end } : {}), ...(t.response ? { response: t.response } : {}) })),
  };
  for (const s of samples) {
    const snap: SnapshotSample = { id: s.label, type: s.type, site: s.site, collected: s.collected };
    const p = latestPathology.get(s.id);
    if (p) {
      snap.pathology = p.data;
      snap.pathologyVersion = p.version;
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
    out.samples.push(snap);
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
    })),
    treatments: input.treatments,
  });
}

/** Check that a snapshot is a valid case before queueing it (e.g. a patient without samples): a 400 naming the field. */
export function assertAnalysable(input: AnalysisInput): void {
  try {
    toCaseFile(input);
  } catch (e) {
    throw badRequest(`cannot analyse this patient yet: ${(e as Error).message}`);
  }
}

/** Every stored file a snapshot names, by file id. */
function snapshotFiles(input: AnalysisInput): Map<string, FileRef> {
  const out = new Map<string, FileRef>();
  const add = (f: FileRef | undefined) => {
    if (f) out.set(f.fileId, f);
  };
  for (const s of input.samples) {
    add(s.variants?.file);
    add(s.variants?.regions);
    add(s.cytometry?.file);
    add(s.cytometry?.panel);
    add(s.cytometry?.control);
    add(s.cytometry?.gates);
    add(s.cytometry?.workspace);
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
