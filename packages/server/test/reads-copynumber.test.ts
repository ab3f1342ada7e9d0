/**
 * Issue 16 through the API: BAM / CRAM (with index and reference), copy-number files and plasma samples uploaded to a
 * stored patient, analysed in the worker exactly as `her2scope analyze` analyses the case file. The bundled SYNTHETIC
 * example e-ctdna is entered field by field from its YAML and the two results are compared field by field; uploads
 * are recognised by content (stored under the extension of what they are), refused with the field named otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCaseText } from '@her2scope/formats/case';
import { backends, Client, PASSWORD, repoRoot, startServer, uniq, type TestServer } from './helpers.ts';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');
const exampleDir = join(repoRoot, 'examples', 'cases', 'e-ctdna');
const exampleYaml = join(exampleDir, 'e-ctdna.yaml');
const readsFixtures = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'reads');

/** `her2scope analyze <case> --json`, the real command. */
function cliAnalyze(path: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, [bin, 'analyze', path, '--json'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HER2SCOPE_DEBUG: '' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function loggedIn(s: TestServer, role: keyof TestServer['users']): Promise<Client> {
  const c = new Client(s.app);
  const r = await c.login(s.users[role], PASSWORD);
  assert.equal(r.statusCode, 200, r.body);
  return c;
}

type Json = Record<string, unknown>;
type ResultSample = { id: string; findings: Array<Json & { id: string; readEvidence: unknown[] }>; copyNumber: unknown; tumorFraction: unknown } & Json;

/**
 * Enter a case file through the API, as a user would: the patient, each sample (type, site, date, purity, ctDNA
 * fraction), its pathology and files (variants with their options, reads with the index beside them, copy number
 * with purity / ploidy), the treatments; then run the analysis and return its result.
 */
async function enterCase(s: TestServer, admin: Client, caseDir: string, caseText: string, casePath: string): Promise<{ patientId: string; result: Json }> {
  const c = parseCaseText(caseText, casePath);
  const p = await admin.post('/api/patients', { label: c.patient.id, ...(c.patient.sex ? { sex: c.patient.sex } : {}), ...(c.patient.birthYear ? { birthYear: c.patient.birthYear } : {}), synthetic: c.patient.synthetic ?? false, ...(c.patient.setting ? { setting: c.patient.setting } : {}) });
  assert.equal(p.statusCode, 201, p.body);
  const patientId = p.json().patient.id as string;
  const up = async (sampleId: string, kind: string, file: string, query: Record<string, string | number | undefined> = {}) => {
    const qs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `&${k}=${encodeURIComponent(String(v))}`).join('');
    const r = await admin.upload(`/api/samples/${sampleId}/files?kind=${kind}${qs}`, basename(file), readFileSync(join(caseDir, file)));
    assert.equal(r.statusCode, 201, `${kind} ${file}: ${r.body}`);
    return r.json().file as { kind: string; options: Json; originalName: string };
  };
  for (const sm of c.samples) {
    const body = { label: sm.id, type: sm.type, collected: sm.collected, ...(sm.site ? { site: sm.site } : {}), ...(sm.purity !== undefined ? { purity: sm.purity } : {}), ...(sm.tumorFraction !== undefined ? { tumorFraction: sm.tumorFraction } : {}) };
    const r = await admin.post(`/api/patients/${patientId}/samples`, body);
    assert.equal(r.statusCode, 201, r.body);
    const id = r.json().sample.id as string;
    if (sm.pathology) assert.equal((await admin.put(`/api/samples/${id}/pathology`, sm.pathology)).statusCode, 201);
    if (sm.variants) await up(id, 'variants', sm.variants.file, { tumor: sm.variants.tumor, normal: sm.variants.normal, meanDepth: sm.variants.meanDepth });
    if (sm.reads) {
      await up(id, 'reads', sm.reads.file);
      const cram = /\.cram$/i.test(sm.reads.file);
      const index = sm.reads.index ?? readdirSync(caseDir).find((n) => n === `${sm.reads?.file}.${cram ? 'crai' : 'bai'}`);
      assert.ok(index, `index of ${sm.reads.file}`);
      await up(id, 'reads-index', index);
      if (sm.reads.reference) {
        await up(id, 'reference', sm.reads.reference);
        await up(id, 'reference-index', `${sm.reads.reference}.fai`);
      }
    }
    if (sm.copyNumber) {
      const f = await up(id, 'copy-number', sm.copyNumber.file, { purity: sm.copyNumber.purity, ploidy: sm.copyNumber.ploidy, sample: sm.copyNumber.sample });
      assert.deepEqual(f.options, { ...(sm.copyNumber.purity !== undefined ? { purity: sm.copyNumber.purity } : {}), ...(sm.copyNumber.ploidy !== undefined ? { ploidy: sm.copyNumber.ploidy } : {}) });
    }
  }
  for (const t of c.treatments) {
    const r = await admin.post(`/api/patients/${patientId}/treatments`, { drug: t.drug, start: t.start, ...(t.end ? { end: t.end } : {}), ...(t.response ? { response: t.response } : {}), ...(t.setting ? { setting: t.setting } : {}), ...(t.line !== undefined ? { line: t.line } : {}) });
    assert.equal(r.statusCode, 201, r.body);
  }
  return { patientId, result: await runAnalysis(s, admin, patientId) };
}

/** Queue an analysis of a stored patient, wait for it and return its result. */
async function runAnalysis(s: TestServer, admin: Client, patientId: string): Promise<Json> {
  const queued = await admin.post(`/api/patients/${patientId}/analyses`);
  assert.equal(queued.statusCode, 202, queued.body);
  await s.app.her2scope.runner.whenIdle();
  const a = (await admin.get(`/api/analyses/${queued.json().analysis.id as string}`)).json();
  assert.equal(a.analysis.status, 'done', a.analysis.error);
  return a.result as Json;
}

/**
 * SYNTHETIC review case c05 (review-cases/c05-her2pos-adjuvant-tras-late.yaml): HER2-positive early disease with
 * adjuvant docetaxel / carboplatin / trastuzumab 2019-2020 and a metastasis in 2024. `trastuzumab` is the line of the
 * trastuzumab treatment, so one variant states it as adjuvant (early) and another as metastatic line 1: the dates
 * alone say early (it ended before the metastasis), so only the stated setting and line tell the two apart.
 */
const c05 = (label: string, trastuzumab: string, patientSetting = '') =>
  [
    '# SYNTHETIC review case: not a real patient.',
    `patient: { id: ${label}, sex: F, birthYear: 1965, synthetic: true${patientSetting} }`,
    'samples:',
    '  - { id: P, type: primary, site: breast, collected: 2019-01-05, pathology: { her2: { ihc: "3+", stainedPercent: 90 }, er: { percent: 0 }, pr: { percent: 0 } } }',
    '  - { id: M, type: metastasis, site: lung, collected: 2024-03-01, pathology: { her2: { ihc: "3+", stainedPercent: 90 }, er: { percent: 0 }, pr: { percent: 0 } } }',
    'treatments:',
    '  - { drug: docetaxel, start: 2019-02-01, end: 2019-06-01, setting: early }',
    '  - { drug: carboplatin, start: 2019-02-01, end: 2019-06-01, setting: early }',
    `  - { drug: trastuzumab, start: 2019-02-01, end: 2020-02-01${trastuzumab} }`,
    '',
  ].join('\n');

const optionIds = (r: Json) => (r.therapyOptions as Array<{ id: string }>).map((o) => o.id);

/** The two results agree on every sample's findings (with read evidence), copy number, ctDNA fraction, and on changes and the ctDNA summary. */
function assertSameAnalysis(api: Json, cli: Json): void {
  const apiSamples = api.samples as ResultSample[];
  const cliSamples = cli.samples as ResultSample[];
  assert.deepEqual(apiSamples.map((x) => x.id), cliSamples.map((x) => x.id));
  for (const [i, want] of cliSamples.entries()) {
    const got = apiSamples[i]!;
    assert.deepEqual(got.findings.map((f) => f.id), want.findings.map((f) => f.id), `${want.id}: findings`);
    for (const [j, f] of want.findings.entries()) {
      assert.deepEqual(got.findings[j]!.readEvidence, f.readEvidence, `${want.id} ${f.id}: read evidence`);
      for (const k of Object.keys(f)) assert.deepEqual(got.findings[j]![k], f[k], `${want.id} ${f.id}: ${k}`);
    }
    assert.deepEqual(got.copyNumber, want.copyNumber, `${want.id}: copy number`);
    assert.deepEqual(got.tumorFraction, want.tumorFraction, `${want.id}: tumour fraction`);
    for (const k of Object.keys(want)) assert.deepEqual(got[k], want[k], `${want.id}: ${k}`);
  }
  assert.deepEqual(api.changes, cli.changes, 'changes (acquired, emerging-variant, cn-change)');
  assert.deepEqual(api.ctdna, cli.ctdna, 'ctDNA summary');
  for (const k of Object.keys(cli)) assert.deepEqual(api[k], cli[k], `result.${k}`);
}

for (const backend of backends()) {
  describe(`reads, copy number and plasma through the API (${backend.name})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(backend);
    });
    after(async () => {
      await s.close();
    });

    test('the e-ctdna example entered through the API gives the same read evidence, copy-number status, plasma calls and changes as `her2scope analyze --json`', async () => {
      const cli = cliAnalyze(exampleYaml);
      const admin = await loggedIn(s, 'admin');
      const { result } = await enterCase(s, admin, exampleDir, readFileSync(exampleYaml, 'utf8'), exampleYaml);
      assertSameAnalysis(result, cli);
      // What the comparison covers is really there (not two empty results agreeing).
      const samples = result.samples as ResultSample[];
      const evidence = samples.flatMap((x) => x.findings.flatMap((f) => f.readEvidence));
      assert.ok(evidence.length >= 4, 'read evidence from the primary\'s BAM');
      assert.ok((result.changes as Json[]).some((c) => c.kind === 'emerging-variant'));
      assert.ok(samples.some((x) => x.copyNumber !== null));
      assert.ok(samples.some((x) => x.tumorFraction !== null));
      // Stored blobs are read in place: nothing of the patient's is left in the temp folder.
      assert.deepEqual(readdirSync(join(s.dataDir, 'tmp')), []);
    });

    test('treatment setting and line: c05 (adjuvant trastuzumab) and the same case with trastuzumab as metastatic line 1 give the CLI\'s options through the API; editing the setting makes the run stale and the re-run follows it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'her2scope-setting-'));
      try {
        const tag = uniq();
        const write = (name: string, text: string) => {
          const path = join(dir, name);
          writeFileSync(path, text);
          return path;
        };
        const adjuvantText = c05(`REV-05A-${tag}`, ', setting: early');
        const metastaticText = c05(`REV-05M-${tag}`, ', setting: metastatic, line: 1', ', setting: metastatic');
        const adjuvantPath = write('adjuvant.yaml', adjuvantText);
        const metastaticPath = write('metastatic.yaml', metastaticText);
        const cliAdjuvant = cliAnalyze(adjuvantPath);
        const cliMetastatic = cliAnalyze(metastaticPath);
        // The stated line changes the answer (else this test could not tell whether the server stores it).
        assert.notDeepEqual(optionIds(cliMetastatic), optionIds(cliAdjuvant));
        assert.deepEqual(optionIds(cliAdjuvant).slice(0, 2), ['option:docetaxel+pertuzumab+trastuzumab', 'option:pertuzumab+trastuzumab deruxtecan']);
        assert.equal(optionIds(cliMetastatic).includes('option:docetaxel+pertuzumab+trastuzumab'), false);

        const admin = await loggedIn(s, 'admin');
        const adjuvant = await enterCase(s, admin, dir, adjuvantText, adjuvantPath);
        assertSameAnalysis(adjuvant.result, cliAdjuvant);
        const metastatic = await enterCase(s, admin, dir, metastaticText, metastaticPath);
        assertSameAnalysis(metastatic.result, cliMetastatic);

        // Stored and shown as entered.
        const page = (await admin.get(`/api/patients/${metastatic.patientId}`)).json();
        assert.equal(page.patient.setting, 'metastatic');
        const tras = (page.treatments as Array<{ id: string; drug: string; setting: string | null; line: number | null; revision: number }>).find((t) => t.drug === 'trastuzumab')!;
        assert.deepEqual([tras.setting, tras.line], ['metastatic', 1]);
        assert.deepEqual(page.treatments.map((t: { setting: string | null }) => t.setting), ['early', 'early', 'metastatic']);

        // An edit of the setting is an edit like any other: the finished run is stale until a new one.
        const edit = await admin.request('PATCH', `/api/treatments/${tras.id}`, { setting: 'early', line: null, revision: tras.revision });
        assert.equal(edit.statusCode, 200, edit.body);
        assert.deepEqual([edit.json().treatment.setting, edit.json().treatment.line, edit.json().treatment.revision], ['early', null, tras.revision + 1]);
        const patientEdit = await admin.request('PATCH', `/api/patients/${metastatic.patientId}`, { setting: null });
        assert.equal(patientEdit.statusCode, 200, patientEdit.body);
        const stale = (await admin.get(`/api/patients/${metastatic.patientId}`)).json();
        assert.equal(stale.analysisStale, true);
        assert.deepEqual(stale.staleChanges.map((c: { entity: string; change: string; id: string }) => [c.entity, c.change, c.id]), [['patient', 'edited', metastatic.patientId], ['treatment', 'edited', tras.id]]);
        // Re-run: now the adjuvant case's options (same records but the label).
        const rerun = await runAnalysis(s, admin, metastatic.patientId);
        assert.deepEqual(optionIds(rerun), optionIds(cliAdjuvant));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('treatment setting and line are validated with the case file\'s enum and bounds, field by field', async () => {
      const admin = await loggedIn(s, 'admin');
      const p = (await admin.post('/api/patients', { label: `SET-${uniq()}`, synthetic: true, setting: 'early' })).json().patient;
      assert.equal(p.setting, 'early');
      const badPatient = await admin.post('/api/patients', { label: `SET-${uniq()}`, setting: 'adjuvant' });
      assert.equal(badPatient.statusCode, 400);
      assert.deepEqual(badPatient.json().fields.map((f: { field: string; message: string }) => [f.field, f.message]), [['setting', 'Setting must be one of early, metastatic']]);
      const bad = await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'trastuzumab', start: '2020-01-01', setting: 'palliative', line: 0 });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().fields.map((f: { field: string; message: string }) => [f.field, f.message]).sort(), [
        ['line', 'Line of therapy must be a whole number >= 1'],
        ['setting', 'Setting must be one of early, metastatic'],
      ]);
      for (const line of [1.5, '2', -1]) {
        const r = await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'trastuzumab', start: '2020-01-01', line });
        assert.equal(r.statusCode, 400, `line ${String(line)}`);
        assert.equal(r.json().fields[0].field, 'line');
      }
      const ok = await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'trastuzumab', start: '2020-01-01', setting: 'metastatic', line: 3 });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.deepEqual([ok.json().treatment.setting, ok.json().treatment.line], ['metastatic', 3]);
      const patchBad = await admin.request('PATCH', `/api/treatments/${ok.json().treatment.id as string}`, { line: 0 });
      assert.equal(patchBad.statusCode, 400);
      assert.deepEqual(patchBad.json().fields.map((f: { field: string; message: string }) => [f.field, f.message]), [['line', 'Line of therapy must be a whole number >= 1']]);
    });

    test('a CRAM with its .crai, reference FASTA and .fai: stored apart, resolved by the snapshot, same counts as the CLI', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'her2scope-cram-'));
      try {
        for (const f of ['sample.cram', 'sample.cram.crai', 'ref.fa', 'ref.fa.fai']) copyFileSync(join(readsFixtures, f), join(dir, f));
        // A called SNV at syn1:1000 T>A (fixtures/reads/sites.tsv: 15 alt reads), in a knowledge-base gene so it is a finding.
        const vcf = ['##fileformat=VCFv4.2', '##contig=<ID=syn1,length=6000>', '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL|">', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR', 'syn1\t1000\t.\tT\tA\t.\tPASS\tCSQ=A|missense_variant|MODERATE|ESR1|Transcript|ENST00000206249|protein_coding|ENST00000206249:c.1613A>G|ENSP00000206249:p.Asp538Gly|YES|\tGT:AD:DP:AF\t0/1:80,20:100:0.2', ''].join('\n');
        writeFileSync(join(dir, 'later.vcf'), vcf);
        const yaml = [
          'patient: { id: SYN-CRAM, sex: F, birthYear: 1960, synthetic: true }',
          'samples:',
          '  - { id: EARLY, type: primary, site: breast, collected: 2019-01-15, reads: { file: sample.cram, reference: ref.fa } }',
          '  - { id: LATER, type: metastasis, site: liver, collected: 2021-06-01, variants: { file: later.vcf } }',
          '',
        ].join('\n');
        const casePath = join(dir, 'case.yaml');
        writeFileSync(casePath, yaml);
        const cli = cliAnalyze(casePath);
        const admin = await loggedIn(s, 'admin');
        const { result } = await enterCase(s, admin, dir, yaml, casePath);
        assertSameAnalysis(result, cli);
        const later = (result.samples as ResultSample[]).find((x) => x.id === 'LATER')!;
        const ev = later.findings[0]!.readEvidence as Array<{ sample: string; altReads: number }>;
        // 15 alt reads at syn1:1000 pass the filters (fixtures/reads/sites.tsv; the 4 at base quality 12 do not).
        assert.deepEqual(ev.map((e) => [e.sample, e.altReads]), [['EARLY', 15]]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('uploads are recognised by content: stored as .bam/.cram/.bai/.csi/.crai/.fa/.fai whatever their name; anything else is refused naming the file', async () => {
      const admin = await loggedIn(s, 'admin');
      const p = (await admin.post('/api/patients', { label: `UPL-${uniq()}`, synthetic: true })).json().patient;
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'U1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      const stored = async (kind: string, name: string, content: Buffer | string) => {
        const r = await admin.upload(`/api/samples/${sm.id}/files?kind=${kind}`, name, content);
        assert.equal(r.statusCode, 201, r.body);
        const f = r.json().file as { id: string; sha256: string };
        return (await s.app.her2scope.store.getFile(f.id))!.storagePath;
      };
      const fx = (n: string) => readFileSync(join(readsFixtures, n));
      assert.match(await stored('reads', 'upload.bin', fx('sample.bam')), /\.bam$/);
      assert.match(await stored('reads', 'mislabelled.bam', fx('sample.cram')), /\.cram$/);
      assert.match(await stored('reads-index', 'x', fx('sample.bam.bai')), /\.bai$/);
      assert.match(await stored('reads-index', 'x.bai', fx('sample.csi.bam.csi')), /\.csi$/);
      assert.match(await stored('reads-index', 'x.bai', fx('sample.cram.crai')), /\.crai$/);
      assert.match(await stored('reference', 'genome.fasta', fx('ref.fa')), /\.fa$/);
      assert.match(await stored('reference-index', 'genome.fasta.fai', fx('ref.fa.fai')), /\.fai$/);
      assert.match(await stored('copy-number', 'liver.call.cns', readFileSync(join(exampleDir, 'e-liver.cns'))), /\.call\.cns$/);

      const refused = async (kind: string, name: string, content: Buffer | string, query = '') => {
        const r = await admin.upload(`/api/samples/${sm.id}/files?kind=${kind}${query}`, name, content);
        assert.equal(r.statusCode, 400, r.body);
        return r.json<{ message: string; field?: string }>();
      };
      assert.equal((await refused('reads', 'calls.bam', fx('ref.fa'))).message, 'calls.bam: is neither a BAM (BGZF-compressed, "BAM\\1") nor a CRAM ("CRAM") file');
      // A BGZF file that is not a BAM (a bgzipped VCF).
      const vcfGz = readFileSync(join(repoRoot, 'examples', 'cases', 'a-liver.vcf.gz'));
      assert.match((await refused('reads', 'x.bam', vcfGz)).message, /^x\.bam: not a readable BAM file \(no BAM magic number\)$/);
      assert.equal((await refused('reads', 'x.cram', Buffer.concat([Buffer.from('CRAM'), Buffer.from([9, 0]), Buffer.alloc(20)]))).message, 'x.cram: not a readable CRAM file (file definition: major version 9, expected 2 or 3)');
      assert.equal((await refused('reads-index', 'x.bai', fx('sample.bam').subarray(0, 10))).message.startsWith('x.bai: '), true);
      assert.equal((await refused('reads-index', 'x.bai', 'not an index')).message, 'x.bai: is not a BAM index (.bai: "BAI\\1"; .csi) or CRAM index (.crai)');
      assert.equal((await refused('reads-index', 'x.crai', vcfGz)).message, 'x.crai: is gzip-compressed but neither a CSI index ("CSI\\1") nor a CRAM index (.crai: six tab-separated integers per line)');
      assert.equal((await refused('reference', 'ref.fa', 'ACGT\n')).message, 'ref.fa:1: not a FASTA file: the first line must be a ">name" header');
      assert.equal((await refused('reference', 'ref.fa.gz', vcfGz)).message, 'ref.fa.gz: is compressed: give the reference FASTA uncompressed (with its .fai from samtools faidx)');
      assert.equal((await refused('reference-index', 'ref.fa.fai', 'syn1\t6000\t6\n')).message, 'ref.fa.fai:1: not a FASTA index line (expected NAME, LENGTH, OFFSET, LINEBASES, LINEWIDTH separated by tabs)');
      assert.match((await refused('copy-number', 'x.cns', 'chromosome\tstart\n1\tabc\n')).message, /^x\.cns/);
      // Options only with the kind they belong to; bad values name the query field.
      const misplaced = await refused('variants', 'a.vcf', 'x', '&purity=0.5');
      assert.deepEqual([misplaced.field, misplaced.message], ['querystring.purity', "purity applies to a copy-number upload (kind=copy-number); a sample's purity is a sample field"]);
      const badPurity = await refused('copy-number', 'x.cns', 'x', '&purity=1.5');
      assert.deepEqual([badPurity.field, badPurity.message], ['purity', 'Purity must be a fraction > 0 and <= 1']);
      const badKind = await refused('bam', 'x.bam', 'x');
      assert.equal(badKind.field, 'kind');
      assert.match(badKind.message, /^File kind must be one of variants, regions, .*, reads, reads-index, reference, reference-index, copy-number$/);
      // Nothing refused was kept.
      assert.deepEqual(readdirSync(join(s.dataDir, 'tmp')), []);
      assert.equal((await s.app.her2scope.store.listFiles(p.id)).length, 8);
    });

    test('reads without their index or reference: the analysis is refused up front naming the sample and what to upload', async () => {
      const admin = await loggedIn(s, 'admin');
      const p = (await admin.post('/api/patients', { label: `PAIR-${uniq()}`, synthetic: true })).json().patient;
      const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'R1', type: 'primary', site: 'breast', collected: '2020-01-02' })).json().sample;
      const fx = (n: string) => readFileSync(join(readsFixtures, n));
      const up = async (kind: string, name: string) => assert.equal((await admin.upload(`/api/samples/${sm.id}/files?kind=${kind}`, name, fx(name))).statusCode, 201);
      const run = async () => (await admin.post(`/api/patients/${p.id}/analyses`)).json<{ message: string }>();
      await up('reads', 'sample.cram');
      assert.equal((await run()).message, 'cannot analyse this patient yet: sample R1: the CRAM sample.cram needs its index: upload the .crai (kind reads-index)');
      await up('reads-index', 'sample.bam.bai');
      assert.equal((await run()).message, 'cannot analyse this patient yet: sample R1: the index sample.bam.bai is a BAM index, not an index of the CRAM sample.cram: upload its .crai');
      await up('reads-index', 'sample.cram.crai');
      assert.equal((await run()).message, 'cannot analyse this patient yet: sample R1: the CRAM sample.cram needs the reference FASTA it was written against (kind reference)');
      await up('reference', 'ref.fa');
      assert.equal((await run()).message, 'cannot analyse this patient yet: sample R1: the reference ref.fa needs its FASTA index .fai (kind reference-index; samtools faidx makes it)');
      await up('reads', 'sample.bam');
      assert.equal((await run()).message, 'cannot analyse this patient yet: sample R1: the index sample.cram.crai is a CRAM index (.crai), not an index of the BAM sample.bam: upload its .bai or .csi');
    });

    test('samples: plasma without a site (stored as blood) with tumorFraction; site required for tissue; tumorFraction refused on tissue, field by field', async () => {
      const admin = await loggedIn(s, 'admin');
      const p = (await admin.post('/api/patients', { label: `PLA-${uniq()}`, synthetic: true })).json().patient;
      const plasma = await admin.post(`/api/patients/${p.id}/samples`, { label: 'P1', type: 'plasma', collected: '2021-03-02', tumorFraction: 0.02 });
      assert.equal(plasma.statusCode, 201, plasma.body);
      assert.deepEqual([plasma.json().sample.site, plasma.json().sample.tumorFraction, plasma.json().sample.purity], ['blood', 0.02, null]);
      const noSite = await admin.post(`/api/patients/${p.id}/samples`, { label: 'T1', type: 'primary', collected: '2021-03-02', tumorFraction: 0.5, purity: 0 });
      assert.equal(noSite.statusCode, 400);
      const fields = (noSite.json().fields as Array<{ field: string; message: string }>).map((f) => [f.field, f.message]).sort();
      assert.deepEqual(fields, [
        ['purity', 'Purity must be a fraction > 0 and <= 1'],
        ['site', 'Site is required for a primary sample (one of breast, bone, liver, lung, brain, lymph node, skin, blood, other)'],
        ['tumorFraction', 'Tumour fraction is for plasma samples only'],
      ]);
      const tissue = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'T1', type: 'primary', site: 'breast', collected: '2020-01-02', purity: 0.6 })).json().sample;
      assert.equal(tissue.purity, 0.6);
      const patchBad = await admin.request('PATCH', `/api/samples/${tissue.id}`, { tumorFraction: 0.1 });
      assert.equal(patchBad.statusCode, 400);
      assert.equal(patchBad.json().fields[0].field, 'tumorFraction');
      const toTissue = await admin.request('PATCH', `/api/samples/${plasma.json().sample.id as string}`, { type: 'metastasis' });
      assert.equal(toTissue.statusCode, 400);
      assert.equal(toTissue.json().fields[0].message, 'is for plasma samples only: clear it (null) to make this sample a metastasis sample');
      const cleared = await admin.request('PATCH', `/api/samples/${plasma.json().sample.id as string}`, { type: 'metastasis', site: 'liver', tumorFraction: null, purity: 0.4 });
      assert.equal(cleared.statusCode, 200, cleared.body);
      assert.deepEqual([cleared.json().sample.type, cleared.json().sample.tumorFraction, cleared.json().sample.purity], ['metastasis', null, 0.4]);
      // The page lists them.
      const page = (await admin.get(`/api/patients/${p.id}`)).json();
      assert.deepEqual(page.samples.map((x: { label: string; purity: number | null; tumorFraction: number | null }) => [x.label, x.purity, x.tumorFraction]).sort(), [['P1', 0.4, null], ['T1', 0.6, null]]);
    });
  });
}
