/**
 * The input of one analysis run, snapshotted from the database when the run is requested and stored with it: the
 * patient, each sample with the pathology version and the files (by id, storage path and SHA-256) it used, and the
 * treatments. Files are immutable (content-addressed), so a stored run can be re-run or audited exactly.
 * `toCaseFile` turns a snapshot into the case-file object that `loadCase` reads.
 */
import { parseCaseFile, type CaseFile } from '@her2scope/core';
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

/** The case-file object for a snapshot, with file references resolved by `resolvePath` (absolute paths). */
export function toCaseFile(input: AnalysisInput, resolvePath: (f: FileRef) => string): CaseFile {
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
    toCaseFile(input, (f) => `/${f.fileId}`);
  } catch (e) {
    throw badRequest(`cannot analyse this patient yet: ${(e as Error).message}`);
  }
}
