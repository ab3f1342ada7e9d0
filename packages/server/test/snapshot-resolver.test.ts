/** The analysis worker's case comes from the stored snapshot: file ids in the case, a database-backed resolver (issue 13). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '@her2scope/core';
import { sampleFileRefs, snapshotResolver, toCaseFile, type AnalysisInput } from '../src/analysis/input.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'her2scope-snapshot-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
mkdirSync(join(dataDir, 'files', 'ab'), { recursive: true });
writeFileSync(join(dataDir, 'files', 'ab', 'abcd'), '##fileformat=VCFv4.2\n');

const ref = (fileId: string, storagePath: string, name: string) => ({ fileId, storagePath, sha256: '0'.repeat(64), name });
// SYNTHETIC patient.
const input: AnalysisInput = {
  patient: { id: 'SYN-1', synthetic: true },
  samples: [
    { id: 'S1', type: 'primary', site: 'breast', collected: '2020-01-01', variants: { file: ref('f1', 'files/ab/abcd', 'tumour.vcf'), regions: ref('f2', 'files/cd/gone', 'panel.bed') } },
  ],
  treatments: [],
};

test('toCaseFile: the case names the stored files by id (no paths, nothing written)', () => {
  const c = toCaseFile(input);
  assert.deepEqual(c.samples[0]?.variants, { file: 'f1', regions: 'f2' });
});

test('snapshotResolver: id -> content-addressed path in the data folder, with the upload name for messages', async () => {
  const seen: Array<[string, string]> = [];
  const resolveFile = snapshotResolver(input, dataDir, (path, name) => seen.push([path, name]));
  assert.equal(await resolveFile('f1', 'samples[0].variants.file'), join(dataDir, 'files', 'ab', 'abcd'));
  assert.deepEqual(seen, [[join(dataDir, 'files', 'ab', 'abcd'), 'tumour.vcf']]);
  await assert.rejects(Promise.resolve(resolveFile('f2', 'samples[0].variants.regions')), (e: unknown) => e instanceof InputError && e.message === 'case: samples[0].variants.regions: stored file panel.bed is missing from the data folder');
  await assert.rejects(Promise.resolve(resolveFile('../../etc/passwd', 'samples[0].variants.file')), (e: unknown) => e instanceof InputError && e.message === 'case: samples[0].variants.file: not a stored file of this analysis');
});

test('sampleFileRefs: every file slot a sample reads, the FlowJo workspace included (staleness compares these)', () => {
  const cyto = { id: 'S2', type: 'primary', site: 'breast', collected: '2020-01-01', cytometry: { file: ref('c1', 'files/c1', 'a.fcs'), panel: ref('c2', 'files/c2', 'p.yml'), control: ref('c3', 'files/c3', 'iso.fcs'), gates: ref('c4', 'files/c4', 'g.yml'), workspace: ref('c5', 'files/c5', 'lab.wsp'), group: 'All Samples' } };
  assert.deepEqual(sampleFileRefs(cyto).map((f) => f.fileId), ['c1', 'c2', 'c3', 'c4', 'c5']);
  assert.deepEqual(input.samples.flatMap((x) => sampleFileRefs(x).map((f) => f.fileId)), ['f1', 'f2']);
});
