/**
 * Loads the bundled SYNTHETIC example cases (examples/cases/*.yaml) into the database through the same repository
 * calls the API uses (files are copied into the file store with their checksums), then queues an analysis of each.
 * A patient whose label already exists is left alone, so loading twice is harmless.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { PLASMA_SITE } from '@her2scope/core';
import { parseCaseText } from '@her2scope/formats/case';
import type { Actor, FileKind } from '@her2scope/storage/clinical';
import { snapshotPatient } from './analysis/input.ts';

export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'cases');

const LOADER: Actor = { userId: null, username: 'examples-loader', ip: null };

const isCaseName = (n: string) => /\.(ya?ml|json)$/i.test(n) && !/panel/i.test(n);

/** The first of `names` (relative to `dir`) that exists. */
async function firstExisting(dir: string, names: string[]): Promise<string | undefined> {
  for (const n of names) {
    try {
      await access(resolve(dir, n));
      return n;
    } catch {
      // try the next
    }
  }
  return undefined;
}

export async function loadExampleCases(app: FastifyInstance, dir: string = EXAMPLES_DIR): Promise<{ loaded: string[]; skipped: string[] }> {
  const { store, files, runner, kbVersion, codeVersion } = app.her2scope;
  const loaded: string[] = [];
  const skipped: string[] = [];
  // Case files in the folder and one level down (a case with many files has a folder of its own: e-ctdna/).
  const paths: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) {
      for (const n of (await readdir(join(dir, entry.name))).sort()) if (isCaseName(n)) paths.push(join(dir, entry.name, n));
    } else if (isCaseName(entry.name)) paths.push(join(dir, entry.name));
  }
  for (const path of paths) {
    const caseDir = dirname(path);
    const text = await readFile(path, 'utf8');
    if (!/^\s*patient\s*:/m.test(text) && !/"patient"\s*:/.test(text)) continue; // not a case file (e.g. a panel)
    const c = parseCaseText(text, path);
    if (await store.findPatientByLabel(c.patient.id)) {
      skipped.push(c.patient.id);
      continue;
    }
    const patient = await store.createPatient({ label: c.patient.id, sex: c.patient.sex ?? null, birthYear: c.patient.birthYear ?? null, synthetic: c.patient.synthetic ?? false, setting: c.patient.setting ?? null }, LOADER);
    const addFile = async (sampleId: string, kind: FileKind, file: string, options: Record<string, unknown> = {}) => {
      const abs = resolve(caseDir, file);
      const stored = await files.importLocal(abs, basename(abs));
      await store.addFile({ sampleId, kind, originalName: basename(abs), options, ...stored }, LOADER);
    };
    for (const s of c.samples) {
      const sample = await store.createSample({ patientId: patient.id, label: s.id, type: s.type, site: s.site ?? PLASMA_SITE, collected: s.collected, purity: s.purity ?? null, tumorFraction: s.tumorFraction ?? null }, LOADER);
      if (s.pathology) await store.addPathology(sample.id, s.pathology, LOADER);
      if (s.variants) {
        const v = s.variants;
        await addFile(sample.id, 'variants', v.file, { ...(v.tumor ? { tumor: v.tumor } : {}), ...(v.normal ? { normal: v.normal } : {}), ...(v.meanDepth ? { meanDepth: v.meanDepth } : {}) });
        if (v.regions) await addFile(sample.id, 'regions', v.regions);
      }
      if (s.cytometry) {
        const cy = s.cytometry;
        await addFile(sample.id, 'cytometry', cy.file);
        if (cy.panel) await addFile(sample.id, 'cytometry-panel', cy.panel);
        if (cy.control) await addFile(sample.id, 'cytometry-control', cy.control);
        if (cy.gates) await addFile(sample.id, 'gates', cy.gates);
      }
      if (s.reads) {
        const r = s.reads;
        await addFile(sample.id, 'reads', r.file);
        // Stored files are not kept side by side: the index found beside a BAM / CRAM (and a FASTA's .fai) is stored too.
        const index = r.index ?? (await firstExisting(caseDir, /\.cram$/i.test(r.file) ? [`${r.file}.crai`] : [`${r.file}.bai`, r.file.replace(/\.bam$/i, '.bai'), `${r.file}.csi`]));
        if (index) await addFile(sample.id, 'reads-index', index);
        if (r.reference) {
          await addFile(sample.id, 'reference', r.reference);
          await addFile(sample.id, 'reference-index', `${r.reference}.fai`);
        }
      }
      if (s.copyNumber) {
        const cn = s.copyNumber;
        await addFile(sample.id, 'copy-number', cn.file, { ...(cn.purity !== undefined ? { purity: cn.purity } : {}), ...(cn.ploidy !== undefined ? { ploidy: cn.ploidy } : {}), ...(cn.sample !== undefined ? { sample: cn.sample } : {}) });
      }
    }
    for (const t of c.treatments) await store.addTreatment({ patientId: patient.id, drug: t.drug, start: t.start, end: t.end ?? null, response: t.response ?? null, setting: t.setting ?? null, line: t.line ?? null }, LOADER);
    const analysis = await store.createAnalysis({ patientId: patient.id, kbVersion, codeVersion, input: await snapshotPatient(store, patient.id) }, LOADER);
    runner.enqueue(analysis.id);
    loaded.push(c.patient.id);
  }
  return { loaded, skipped };
}
