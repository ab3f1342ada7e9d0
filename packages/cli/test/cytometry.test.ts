import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PANEL_YAML, syntheticFcs } from '../../formats/test/fcs/synthetic.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'her2scope.mjs');
const gml = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'gatingml');
const fcsFixtures = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'fcs');
const flowjo = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'flowjo');
const shared = resolve(repoRoot, '..', 'shared', 'data');
const dir = mkdtempSync(join(tmpdir(), 'cli-cyto-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'cytometry', ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

// Thresholds taken from the Gating-ML compliance gates, so the counts are FlowKit's truth:
// FSC-H >= 100 is gate Range1 (440 events); FL2-H >= 12.14748 and FL4-H < 14.22417 is quadrant FL2P-FL4N (7361).
const DATA1_PANEL = `# demonstration mapping on a public lymphocyte file (data1.fcs), not breast-cancer markers
markers:
  HER2: FSC-H
  CD44: FL2-H
  CD24: FL4-H
thresholds:
  HER2: 100
  CD44: 12.14748
  CD24: 14.22417
`;

test('her2scope cytometry --help', () => {
  const r = run('--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage:\n {2}her2scope cytometry <file\.fcs\|cells\.csv> --panel panel\.yaml/);
  assert.match(r.stdout, /For research use; not a medical device\.\n$/);
});

test('a real FCS file (data1.fcs) with a panel: --json counts match the Gating-ML compliance truth, with Wilson CIs', () => {
  const panel = write('data1-panel.yaml', DATA1_PANEL);
  const r = run(join(gml, 'data1.fcs'), '--panel', panel, '--json', '--bulk-her2', 'IHC 0');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['events', 'populations', 'hiddenHer2StemCells', 'detectionLimit', 'totalEvents', 'analysed', 'thresholds', 'bulkHer2', 'notes', 'warnings', 'notice']);
  assert.equal(j.events, 13367);
  assert.deepEqual(
    j.populations.map((p: { name: string; count: number; parent: string }) => [p.name, p.count, p.parent]),
    [
      ['HER2+', 440, 'analysed'],
      ['CD44+CD24-low', 7361, 'analysed'],
      ['HER2+CD44+CD24-low', 225, 'analysed'], // AND of FlowKit's Results_Range1.txt and Results_FL2P-FL4N.txt
    ],
  );
  for (const p of j.populations) assert.deepEqual(Object.keys(p), ['name', 'count', 'parent', 'fraction', 'ci95']);
  close(j.populations[0].fraction, 440 / 13367);
  close(j.populations[0].ci95[0], 0.030023906208345115);
  close(j.populations[0].ci95[1], 0.036078250603754934);
  close(j.populations[2].ci95[0], 0.014786395048174883);
  close(j.populations[2].ci95[1], 0.01915623004527401);
  close(j.detectionLimit, 0.00022408892091046795, 1e-17);
  assert.equal(j.hiddenHer2StemCells, true);
  assert.equal(j.notice, 'For research use; not a medical device.');
});

test('the same from ../shared, with the triple count recomputed from the truth files', { skip: !existsSync(join(shared, 'gatingml', 'truth')) && 'shared/ not present' }, () => {
  const a = readFileSync(join(shared, 'gatingml', 'truth', 'Results_Range1.txt'), 'utf8').trim().split(/\r?\n/);
  const b = readFileSync(join(shared, 'gatingml', 'truth', 'Results_FL2P-FL4N.txt'), 'utf8').trim().split(/\r?\n/);
  const both = a.filter((x, i) => x === '1' && b[i] === '1').length;
  const r = run(join(shared, 'gatingml', 'data1.fcs'), '--panel', write('p2.yaml', DATA1_PANEL), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).populations[2].count, both);
  // a real FCS 3.0 file with a SPILL keyword, compensated by default
  const f = run(join(fcsFixtures, 'index_sorted_example.fcs'), '--panel', write('p3.yaml', 'markers: { HER2: YG 586/15-A, CD44: BL 530/30-A, CD24: RL 780/60-A, viability: BL 695/40-A }\nthresholds: { HER2: 1000, CD44: 1000, CD24: 1000, viability: 1000 }\n'), '--json');
  assert.equal(f.code, 0, f.stderr);
  const j = JSON.parse(f.stdout);
  assert.equal(j.totalEvents, 384);
  assert.ok(j.notes.includes('Compensation: index_sorted_example.fcs SPILL (6 detectors).'));
});

test('SYNTHETIC 2.0% HER2+CD44+CD24-low sample: text report, gates, plot', () => {
  const sample = write('synthetic.fcs', syntheticFcs());
  const panel = write('panel.yaml', PANEL_YAML);
  const r = run(sample, '--panel', panel, '--plot', 'out.svg');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Cytometry: ' + sample);
  assert.equal(lines[1], 'Events analysed: 50,000 of 53,500 (events live (DAPI-A below 1000), lineage-positive (EpCAM at or above 1000))');
  assert.match(r.stdout, /\nHER2\+CD44\+CD24-low {2}1,000 {2}analysed {6}2\.0% {2}1\.9% - 2\.1%\n/);
  assert.match(r.stdout, /\nHER2\+CD44\+CD24-low 1,000 of 50,000: 2\.0% \(95% CI 1\.9%-2\.1%\); detection limit 0\.0060% at 95%\n/);
  assert.match(r.stdout, /\nHidden HER2\+ stem cells: YES - bulk HER2 IHC 1\+/);
  assert.match(r.stdout, /Plot written to out\.svg\nFor research use; not a medical device\.\n$/);
  const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
  assert.ok(svg.includes('CD44 (FITC-A)') && svg.includes('HER2 (HER2)'));
  // gates only
  const g = run(join(gml, 'data1.fcs'), '--gates', join(gml, 'gml_boolean_and3_complement_gate.xml'), '--json');
  assert.equal(g.code, 0, g.stderr);
  assert.deepEqual(
    JSON.parse(g.stdout).populations.map((p: { name: string; count: number }) => [p.name, p.count]),
    [
      ['Polygon1', 1582],
      ['Ellipse1', 203],
      ['Range1', 440],
      ['And3', 120],
    ],
  );
});

test('--workspace: every FlowJo population with its name, path and count (FlowJo stored 51 for the ellipse)', () => {
  const r = run(join(flowjo, 'data_set_simple_line_100.fcs'), '--workspace', join(flowjo, 'single_ellipse_51_events.wsp'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.populations, [{ name: 'ellipse1', path: '', count: 51, workspaceCount: 51, parent: 'all', fraction: 0.51, ci95: j.populations[0].ci95 }]);
  assert.deepEqual(j.warnings, []);
  assert.equal(j.notice, 'For research use; not a medical device.');
});

test('--workspace with a panel naming workspace populations as HER2+, CD44+CD24-low and HER2+CD44+CD24-low (SYNTHETIC gates)', () => {
  // data_set_simple_line_100.fcs: channel_A of event i is 65536 + 661.98·i, so A >= 70000 holds 93 events and
  // A >= 100000 holds 47, A >= 66000 holds 99; the workspace is synthetic, written here.
  const rect = (name: string, min: number, children = '') =>
    `<Population name="${name}" owningGroup="" count="-1"><Gate><gating:RectangleGate eventsInside="1"><gating:dimension gating:min="${min}"><data-type:fcs-dimension data-type:name="channel_A" /></gating:dimension></gating:RectangleGate></Gate>${children ? `<Subpopulations>${children}</Subpopulations>` : ''}</Population>`;
  const wsp = write(
    'lab.wsp',
    `<?xml version="1.0"?><Workspace xmlns:gating="g" xmlns:data-type="d" xmlns:transforms="t"><Groups><GroupNode name="Stem"><Group name="Stem"><SampleRefs><SampleRef sampleID="7" /></SampleRefs></Group></GroupNode></Groups>
<SampleList><Sample><DataSet uri="file:/x/data_set_simple_line_100.fcs" sampleID="7" /><Transformations><transforms:linear transforms:minRange="0" transforms:maxRange="262144"><data-type:parameter data-type:name="channel_A" /></transforms:linear></Transformations><Keywords/>
<SampleNode name="data_set_simple_line_100.fcs" count="100" sampleID="7"><Subpopulations>${rect('Live', 66000, rect('HER2+', 100000) + rect('CD44+CD24-', 70000, rect('HER2+', 100000)))}</Subpopulations></SampleNode></Sample></SampleList></Workspace>`,
  );
  const panel = write('ws-panel.yaml', "populations: { 'HER2+': Live/HER2+, 'CD44+CD24-low': CD44+CD24-, 'HER2+CD44+CD24-low': Live/CD44+CD24-/HER2+, analysed: Live }\nbulkHer2: IHC 1+\n");
  const r = run(join(flowjo, 'data_set_simple_line_100.fcs'), '--workspace', wsp, '--group', 'Stem', '--panel', panel, '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(
    j.populations.map((p: { name: string; path?: string; count: number; parent: string }) => [p.name, p.path ?? null, p.count, p.parent]),
    [
      ['Live', '', 99, 'all'],
      ['HER2+', 'Live', 47, 'Live'],
      ['CD44+CD24-', 'Live', 93, 'Live'],
      ['HER2+', 'Live/CD44+CD24-', 47, 'Live/CD44+CD24-'],
      ['HER2+', null, 47, 'analysed'],
      ['CD44+CD24-low', null, 93, 'analysed'],
      ['HER2+CD44+CD24-low', null, 47, 'analysed'],
    ],
  );
  assert.equal(j.hiddenHer2StemCells, true);
  assert.equal(j.events, 99);
  assert.equal(j.analysed, "events in workspace population 'Live'");
  // A name two populations share must be given as a path.
  const amb = write('amb.yaml', "populations: { 'HER2+': HER2+, 'CD44+CD24-low': CD44+CD24-, 'HER2+CD44+CD24-low': HER2+ }\n");
  const e = run(join(flowjo, 'data_set_simple_line_100.fcs'), '--workspace', wsp, '--panel', amb);
  assert.equal(e.code, 2);
  assert.equal(e.stderr, "her2scope cytometry: amb.yaml: populations.HER2+: 'HER2+' names 2 workspace populations; give the path (Live/HER2+, Live/CD44+CD24-/HER2+)\n");
});

test('a $SPILLOVER without values: a warning on stderr (text) or in warnings[] (--json), and the run goes on uncompensated', async () => {
  const { writeFcs } = await import('@her2scope/formats/fcs');
  const fcs = write('nospill.fcs', writeFcs({ parameters: [{ name: 'FITC-A' }, { name: 'PE-A' }], columns: [[10, 2000], [3000, 40]], keywords: { $SPILLOVER: '2,FITC-A,PE-A' } }));
  const panel = write('nospill.yaml', 'markers: { HER2: FITC-A, CD44: PE-A, CD24: FITC-A }\nthresholds: { HER2: 1000, CD44: 1000, CD24: 1000 }\n');
  const warning = '$SPILLOVER names 2 channels but holds no values; the data are used uncompensated (give a matrix with --comp to compensate)';
  const t = run(fcs, '--panel', panel);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stderr, `her2scope cytometry: warning: nospill.fcs: ${warning}\n`);
  assert.match(t.stdout, /nospill\.fcs has no \$SPILLOVER\/SPILL\/\$COMP keyword; its values are used uncompensated/);
  const j = run(fcs, '--panel', panel, '--json');
  assert.equal(j.code, 0);
  assert.equal(j.stderr, '');
  const out = JSON.parse(j.stdout);
  assert.deepEqual(out.warnings, [`nospill.fcs: ${warning}`]);
  assert.deepEqual(out.populations.map((p: { count: number }) => p.count), [1, 1, 0]);
});

test('bad input: exit 2 and one line on stderr naming the file and field', () => {
  const expectError = (args: string[], message: string | RegExp) => {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    if (typeof message === 'string') assert.equal(r.stderr, `her2scope cytometry: ${message}\n`);
    else assert.match(r.stderr, message);
  };
  const panel = write('ok.yaml', DATA1_PANEL);
  expectError([], "give the FCS file or per-cell table to analyse (see 'her2scope cytometry --help')");
  expectError([join(gml, 'data1.fcs')], "give --panel panel.yaml, --gates gates.xml and/or --workspace lab.wsp (see 'her2scope cytometry --help')");
  expectError([join(gml, 'data1.fcs'), '--panel', panel, '--group', 'G'], '--group and --sample choose a sample of a FlowJo workspace; give --workspace too');
  expectError([join(gml, 'data1.fcs'), '--panel', panel, '--dataset', 'two'], "--dataset: 'two' is not a data set number (1, 2, ...)");
  expectError([join(gml, 'data1.fcs'), '--panel', panel, '--dataset', '3'], 'data1.fcs: --dataset 3: the file holds 1 data set');
  expectError([join(flowjo, 'data_set_simple_line_100.fcs'), '--workspace', join(flowjo, 'single_ellipse_51_events.wsp'), '--group', 'Nope'], 'single_ellipse_51_events.wsp: --group: no group \'Nope\' (groups: All Samples, Compensation)');
  expectError([join(gml, 'data1.fcs'), '--workspace', join(flowjo, 'single_ellipse_51_events.wsp')], 'single_ellipse_51_events.wsp: no workspace sample matches data1.fcs ($FIL B07); give --sample NAME (samples: data_set_simple_line_100.fcs)');
  expectError([join(gml, 'data1.fcs'), '--workspace', join(flowjo, 'missing.wsp')], 'missing.wsp: cannot read file (no such file)');
  expectError(['a.fcs', 'b.fcs', '--panel', panel], 'one input file at a time (got 2: a.fcs, b.fcs)');
  expectError([join(gml, 'data1.fcs'), '--panel', panel, '--colour', 'red'], /^her2scope cytometry: Unknown option '--colour'/);
  expectError(['missing.fcs', '--panel', panel], 'missing.fcs: cannot read file (no such file)');
  expectError([join(fcsFixtures, 'corrupted.fcs'), '--panel', panel], 'corrupted.fcs: byte 0: not an FCS file (10 bytes, starts with "oi21j08cn\\n"; an FCS file starts with a 58-byte HEADER)');
  expectError([join(gml, 'data1.fcs'), '--panel', write('bad.yaml', 'markers: { HER2: FSC-H, CD44: FL2-H, CD24: 7 }\n')], 'bad.yaml: markers.CD24: must be a channel name (text)');
  expectError([join(gml, 'data1.fcs'), '--panel', write('bad2.yaml', 'markers: { HER2: HER2, CD44: FL2-H, CD24: FL4-H }\n')], /^her2scope cytometry: bad2\.yaml: markers\.HER2: channel 'HER2' is not in data1\.fcs \(channels: FSC-H \(FSC-Height\), SSC-H/);
  expectError([join(gml, 'data1.fcs'), '--panel', panel, '--bulk-her2', 'maybe'], /^her2scope cytometry: bulkHer2: 'maybe' is not a bulk HER2 result/);
  expectError([join(gml, 'data1.fcs'), '--gates', join(gml, 'data1.fcs')], /^her2scope cytometry: data1\.fcs: line \d+: not well-formed XML/);
  expectError([write('cells.csv', 'a,b\n1,2\n'), '--panel', panel], "cells.csv: marker column 'FSC-H' is not in the header (columns: a, b)");
});
