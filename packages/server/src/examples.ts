/**
 * Loads the bundled SYNTHETIC example cases (examples/cases/*.yaml) into the database through the same repository
 * calls the API uses (files are copied into the file store with their checksums), then queues an analysis of each.
 * A patient whose label already exists is left alone, so loading twice is harmless.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { PLASMA_SITE } from '@her2scope/core';
import { parseCaseText } from '@her2scope/formats/case';
import type { Actor, FileKind } from '@her2scope/storage/clinical';
import { snapshotPatient } from './analysis/input.ts';

export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'cases');

const LOADER: Actor = { userId: null, username: 'examples-loader', ip: null };

export async function loadExampleCases(app: FastifyInstance, dir: string = EXAMPLES_DIR): Promise<{ loaded: string[]; skipped: string[] }> {
  const { store, files, runner, kbVersion, codeVersion } = app.her2scope;
  const loaded: string[] = [];
  const skipped: string[] = [];
  const names = (await readdir(dir)).filter((n) => /\.(ya?ml|json)$/i.test(n) && !/panel/i.test(n)).sort();
  for (const name of names) {
    const path = join(dir, name);
    const text = await readFile(path, 'utf8');
    if (!/^\s*patient\s*:/m.test(text) && !/"patient"\s*:/.test(text)) continue; // not a case file (e.g. a panel)
    const c = parseCaseText(text, path);
    if (await store.findPatientByLabel(c.patient.id)) {
      skipped.push(c.patient.id);
      continue;
    }
    const patient = await store.createPatient({ label: c.patient.id, sex: c.patient.sex ?? null, birthYear: c.patient.birthYear ?? null, synthetic: c.patient.synthetic ?? false }, LOADER);
    const addFile = async (sampleId: string, kind: FileKind, file: string, options: Record<string, unknown> = {}) => {
      const abs = resolve(dir, file);
      const stored = await files.importLocal(abs, basename(abs));
      await store.addFile({ sampleId, kind, originalName: basename(abs), options, ...stored }, LOADER);
    };
    for (const s of c.samples) {
      const sample = await store.createSample({ patientId: patient.id, label: s.id, type: s.type, site: s.site ?? PLASMA_SITE, collected: s.collected }, LOADER);
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
    }
    for (const t of c.treatments) await store.addTreatment({ patientId: patient.id, drug: t.drug, start: t.start, end: t.end ?? null, response: t.response ?? null }, LOADER);
    const analysis = await store.createAnalysis({ patientId: patient.id, kbVersion, codeVersion, input: await snapshotPatient(store, patient.id) }, LOADER);
    runner.enqueue(analysis.id);
    loaded.push(c.patient.id);
  }
  return { loaded, skipped };
}
