/**
 * The one entry point (issue 13): `loadCaseData` only parses (no classification, no cytometry interpretation), files
 * come from a resolver (no case file on disk needed), and `analyzeCase` interprets once in the core.
 * Data: the bundled SYNTHETIC example case (c) of examples/cases.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { InputError, interpretCase, type CaseFile } from '@her2scope/core';
import { loadKnowledgeBase } from '@her2scope/kb';
import { analyzeCase, directoryResolver, readCaseFile, type ResolveFile } from '@her2scope/formats/analyze';
import { loadCaseData, SAMPLE_INPUTS } from '@her2scope/formats/case';
import { VARIANT_FORMATS } from '@her2scope/formats/variants';

const cases = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'cases');
const kb = loadKnowledgeBase();

/** A resolver over named files (as the server's is over stored-file records): records what it was asked. */
function mapResolver(files: Record<string, string>, asked: string[]): ResolveFile {
  return (ref, field) => {
    asked.push(`${field} = ${ref}`);
    const path = files[ref];
    if (path === undefined) throw new InputError(`case: ${field}`, `no stored file '${ref}'`);
    return path;
  };
}

const caseC = (): CaseFile => ({
  patient: { id: 'SYN-C', synthetic: true },
  samples: [
    { id: 'C1', type: 'primary', site: 'breast', collected: '2017-05-11', pathology: { her2: { ihc: '0', stainedPercent: 5 }, er: { percent: 70 }, pr: { percent: 30 } }, cytometry: { file: 'file-1', panel: 'file-2' } },
    { id: 'C2', type: 'recurrence', site: 'lymph node', collected: '2021-02-19', pathology: { her2: { ihc: '1+' }, er: { percent: 60 }, pr: { percent: 0 } } },
  ],
  treatments: [],
});
const files = { 'file-1': join(cases, 'c-cells.csv'), 'file-2': join(cases, 'c-cells.panel.yml') };

test('loadCaseData reads through the resolver only, with the case field of each file, and interprets nothing', async () => {
  const asked: string[] = [];
  const progress: string[] = [];
  const data = await loadCaseData(caseC(), mapResolver(files, asked), { onProgress: (m) => progress.push(m) });
  assert.deepEqual(asked, ['samples[0].cytometry.file = file-1', 'samples[0].cytometry.panel = file-2']);
  assert.deepEqual(progress, ['sample C1: reading file-1', 'sample C1: reading file-2']);
  const cyto = data.samples[0]?.cytometry;
  // The populations are counted; the bulk HER2 judgement is left to the core (the sample has HER2 pathology).
  assert.deepEqual(cyto?.populations.map((p) => [p.name, p.count]), [['HER2+', 160], ['CD44+CD24-low', 200], ['HER2+CD44+CD24-low', 60]]);
  assert.equal(cyto?.bulkHer2, null);
  assert.equal(cyto?.hiddenHer2StemCells, false);
  assert.ok(!cyto?.notes.some((n) => /bulk HER2/i.test(n)), cyto?.notes.join('\n'));
  assert.deepEqual([data.samples[1]?.variants, data.samples[1]?.regions, data.samples[1]?.cytometry], [null, null, null]);
});

test('analyzeCase = loadCaseData + interpretCase once: the core flags the hidden population against C1\u2019s HER2-ultralow', async () => {
  const r = await analyzeCase(caseC(), mapResolver(files, []), { kb });
  const c1 = r.samples.find((s) => s.id === 'C1');
  assert.equal(c1?.classification?.her2?.category, 'HER2-ultralow');
  assert.equal(c1?.cytometry?.bulkHer2, 'HER2-ultralow');
  assert.equal(c1?.cytometry?.hiddenHer2StemCells, true);
  assert.deepEqual(c1?.statusEvidence.map((e) => e.id).includes('curated:her2-bcsc'), true);
  // The same as interpreting the loaded data directly.
  assert.deepEqual(r, interpretCase(await loadCaseData(caseC(), mapResolver(files, [])), kb));
});

test('a HER2-positive sample: the population is assessed and not flagged (bulk not negative/low)', async () => {
  const c = caseC();
  c.samples[0]!.pathology = { her2: { ihc: '3+' } };
  const r = await analyzeCase(c, mapResolver(files, []), { kb });
  const cyto = r.samples.find((s) => s.id === 'C1')?.cytometry;
  assert.equal(cyto?.bulkHer2, 'HER2-positive');
  assert.equal(cyto?.hiddenHer2StemCells, false);
});

test('classification happens in the core: bad pathology loads, and analyzeCase names the field', async () => {
  const c = caseC();
  c.samples[1]!.pathology = { her2: { ihc: '0', stainedPercent: 50 } };
  await loadCaseData(c, mapResolver(files, [])); // parsing only: no error here
  await assert.rejects(analyzeCase(c, mapResolver(files, []), { kb }), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.field, 'samples[1].pathology.her2.stainedPercent');
    assert.match(e.detail, /^IHC 0 means staining in <=10% of tumour cells, but 50% was given$/);
    return true;
  });
});

test('a file the resolver cannot give fails with the case field; nothing else is read', async () => {
  const asked: string[] = [];
  await assert.rejects(loadCaseData(caseC(), mapResolver({ 'file-1': files['file-1'] }, asked)), (e: unknown) => e instanceof InputError && e.message === "case: samples[0].cytometry.panel: no stored file 'file-2'");
  assert.deepEqual(asked, ['samples[0].cytometry.file = file-1', 'samples[0].cytometry.panel = file-2']);
});

test('directoryResolver: relative to the case folder; a missing file names the case and field', async () => {
  const resolveFile = directoryResolver(cases, 'c.yaml');
  assert.equal(await resolveFile('c-cells.csv', 'samples[0].cytometry.file'), join(cases, 'c-cells.csv'));
  await assert.rejects(Promise.resolve(resolveFile('../nope.csv', 'samples[0].cytometry.file')), (e: unknown) => e instanceof InputError && e.message === `c.yaml: samples[0].cytometry.file: file not found: ${join(cases, '..', 'nope.csv')}`);
  const fromDisk = await analyzeCase(await readCaseFile(join(cases, 'c-hidden-stem-cells.yaml')), directoryResolver(cases, 'c.yaml'), { kb });
  assert.equal(fromDisk.samples[0]?.cytometry?.hiddenHer2StemCells, true);
});

test('the reader registries list the case inputs and the variant formats', () => {
  assert.deepEqual(SAMPLE_INPUTS.map((i) => i.field), ['variants', 'cytometry', 'copyNumber', 'reads']);
  assert.deepEqual(VARIANT_FORMATS.map((f) => f.name), ['bcf', 'vcf', 'maf']);
  const by = (text: string, name: string) => VARIANT_FORMATS.find((f) => f.content(text))?.name ?? VARIANT_FORMATS.find((f) => f.extension(name))?.name ?? null;
  assert.equal(by('##fileformat=VCFv4.2\n', 'x.txt'), 'vcf');
  assert.equal(by('#version 2.4\nHugo_Symbol\tEntrez\n', 'x.vcf'), 'maf');
  assert.equal(by('BCF\x02\x02', 'x'), 'bcf');
  assert.equal(by('', 'calls.vcf.gz'), 'vcf');
  assert.equal(by('', 'calls.maf'), 'maf');
  assert.equal(by('hello', 'calls.bam'), null);
});
