import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@her2scope/core';
import { analyzeCytometryFile, readPanelFile } from '@her2scope/formats/cytometry';
import { PANEL_YAML, syntheticControl, syntheticFcs } from './synthetic.ts';

const here = dirname(fileURLToPath(import.meta.url));
const gmlFixtures = join(here, '..', 'fixtures', 'gatingml');
const dir = mkdtempSync(join(tmpdir(), 'cyto-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const sample = write('synthetic-stem-cells.fcs', syntheticFcs());
const control = write('synthetic-fmo.fcs', syntheticControl());
const panel = write('panel.yaml', PANEL_YAML);
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);
const counts = (r: { populations: Array<{ name: string; count: number }> }) => Object.fromEntries(r.populations.map((p) => [p.name, p.count]));
const inputError = (message: string | RegExp) => (e: unknown) => {
  assert.ok(e instanceof InputError, String(e));
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
  return true;
};

test('SYNTHETIC FCS: 2.0% HER2+CD44+CD24-low among 50,000 live EpCAM+ cells, compensated with $SPILLOVER', async () => {
  const r = await analyzeCytometryFile(sample, { panelPath: panel });
  assert.equal(r.totalEvents, 53500);
  assert.equal(r.events, 50000);
  assert.deepEqual(counts(r), { 'HER2+': 3000, 'CD44+CD24-low': 5000, 'HER2+CD44+CD24-low': 1000 });
  const both = r.populations.find((p) => p.name === 'HER2+CD44+CD24-low')!;
  assert.equal(both.fraction, 0.02);
  assert.equal(both.parent, 'analysed');
  close(both.ci95[0], 0.018809236808095785);
  close(both.ci95[1], 0.021264513535083414);
  close(r.detectionLimit!, 5.99128506245549e-5, 1e-15);
  assert.equal(r.hiddenHer2StemCells, true);
  assert.equal(r.bulkHer2, 'IHC 1+');
  assert.ok(r.notes.includes('Compensation: synthetic-stem-cells.fcs $SPILLOVER (5 detectors).'));
  assert.ok(r.notes.includes('2,000 viability-positive (dead) events were excluded.'));
  assert.ok(r.notes.includes('1,500 lineage-negative events were excluded.'));
  assert.deepEqual(r.thresholds.HER2, { channel: 'HER2', value: 1000, source: 'panel' });
  assert.equal(r.analysed, 'events live (DAPI-A below 1000), lineage-positive (EpCAM at or above 1000)');
});

test('without compensation the CD44-bright cells spill into CD24 and the CD24-low count is wrong', async () => {
  const r = await analyzeCytometryFile(sample, { panelPath: panel, compensation: 'none' });
  assert.ok(counts(r)['CD44+CD24-low']! < 5000, `uncompensated CD44+CD24-low = ${counts(r)['CD44+CD24-low']}`);
  assert.ok(r.notes.includes('Compensation: none (as requested).'));
});

test('thresholds from an isotype/FMO control (99th percentile) and automatic (Otsu) thresholds give the same exact counts', async () => {
  const noThresholds = write('panel-nothr.yaml', PANEL_YAML.replace(/thresholds:[\s\S]*?bulkHer2/, 'bulkHer2'));
  const c = await analyzeCytometryFile(sample, { panelPath: noThresholds, controlPath: control });
  assert.deepEqual(counts(c), { 'HER2+': 3000, 'CD44+CD24-low': 5000, 'HER2+CD44+CD24-low': 1000 });
  assert.equal(c.events, 50000);
  for (const m of ['HER2', 'CD44', 'CD24', 'viability', 'lineage']) {
    assert.equal(c.thresholds[m]!.source, 'control');
    const v = c.thresholds[m]!.value!;
    assert.ok(v > 800 && v < 900, `${m} control threshold ${v}`); // control values are uniform in [-300, 900]
  }
  const a = await analyzeCytometryFile(sample, { panelPath: noThresholds });
  assert.deepEqual(counts(a), { 'HER2+': 3000, 'CD44+CD24-low': 5000, 'HER2+CD44+CD24-low': 1000 });
  assert.equal(a.thresholds.HER2!.source, 'automatic');
  assert.ok(a.notes.some((n) => n.startsWith('HER2 threshold ') && n.includes('was set automatically')));
  // the panel's explicit threshold wins over the control for that marker
  const mixed = write('panel-mixed.yaml', PANEL_YAML.replace(/thresholds:[\s\S]*?bulkHer2/, 'thresholds:\n  HER2: 2500\nbulkHer2'));
  const m = await analyzeCytometryFile(sample, { panelPath: mixed, controlPath: control });
  assert.deepEqual(m.thresholds.HER2, { channel: 'HER2', value: 2500, source: 'panel' });
  assert.equal(m.thresholds.CD44!.source, 'control');
});

test('Gating-ML gates are reported and the panel gate restricts the analysis', async () => {
  const gml = write(
    'live.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
  <gating:RectangleGate gating:id="Live">
    <gating:dimension gating:compensation-ref="FCS" gating:max="1000"><data-type:fcs-dimension data-type:name="DAPI-A"/></gating:dimension>
  </gating:RectangleGate>
  <gating:RectangleGate gating:id="Tumour" gating:parent_id="Live">
    <gating:dimension gating:compensation-ref="FCS" gating:min="1000"><data-type:fcs-dimension data-type:name="EpCAM"/></gating:dimension>
  </gating:RectangleGate>
</gating:Gating-ML>`,
  );
  const gated = write('panel-gate.yaml', 'markers: { HER2: PE-A, CD44: FITC-A, CD24: APC-A }\nthresholds: { HER2: 1000, CD44: 1000, CD24: 1000 }\ngate: Tumour\n');
  const r = await analyzeCytometryFile(sample, { panelPath: gated, gatesPath: gml });
  assert.deepEqual(
    r.populations.map((p) => [p.name, p.count, p.parent]),
    [
      ['Live', 51500, 'all'],
      ['Tumour', 50000, 'Live'],
      ['HER2+', 3000, 'analysed'],
      ['CD44+CD24-low', 5000, 'analysed'],
      ['HER2+CD44+CD24-low', 1000, 'analysed'],
    ],
  );
  assert.equal(r.populations[1]!.fraction, 50000 / 51500);
  assert.equal(r.events, 50000);
  assert.equal(r.hiddenHer2StemCells, false); // no bulk HER2 given
  assert.ok(r.notes.includes("3,500 events outside gate 'Tumour' were not analysed."));
});

test('gates only (no panel): the Gating-ML compliance quadrant gate on data1.fcs', async () => {
  const r = await analyzeCytometryFile(join(gmlFixtures, 'data1.fcs'), { gatesPath: join(gmlFixtures, 'gml_quadrant1_gate.xml') });
  assert.deepEqual(
    r.populations.map((p) => [p.name, p.count, p.parent]),
    [
      ['FL2P-FL4P', 620, 'all'],
      ['FL2N-FL4P', 238, 'all'],
      ['FL2N-FL4N', 5148, 'all'],
      ['FL2P-FL4N', 7361, 'all'],
    ],
  );
  assert.equal(r.events, 13367);
  assert.equal(r.hiddenHer2StemCells, false);
  close(r.detectionLimit!, -Math.expm1(Math.log(0.05) / 13367), 1e-18);
});

test('per-cell table (SYNTHETIC): intensities, a CD24 call column and a lineage column', async () => {
  const lines = ['cell,HER2 mean,CD44 mean,CD24 positive,EpCAM mean'];
  for (let i = 0; i < 2500; i++) {
    const stroma = i >= 2000;
    const stem = i < 40; // 40 of 2,000 = 2.0%
    const her2pos = i < 100;
    const cd44pos = i < 400;
    const cd24low = i < 40 || (i >= 100 && i < 400);
    lines.push([i, her2pos ? 900 : 20, cd44pos ? 600 : 15, cd24low ? 'Negative' : 'Positive', stroma ? 3 : 250].join(','));
    void stem;
  }
  const csv = write('cells.csv', lines.join('\n') + '\n');
  const p = write('panel-cells.yaml', 'markers: { HER2: HER2 mean, CD44: CD44 mean, CD24: CD24 positive, lineage: EpCAM mean }\ncalls: { CD24: CD24 positive }\nthresholds: { HER2: 100, CD44: 100, lineage: 100 }\nbulkHer2: HER2-0\n');
  const r = await analyzeCytometryFile(csv, { panelPath: p });
  assert.equal(r.totalEvents, 2500);
  assert.equal(r.events, 2000);
  assert.deepEqual(counts(r), { 'HER2+': 100, 'CD44+CD24-low': 340, 'HER2+CD44+CD24-low': 40 });
  assert.equal(r.populations[2]!.fraction, 0.02);
  assert.equal(r.hiddenHer2StemCells, true);
  assert.deepEqual(r.thresholds.CD24, { channel: 'CD24 positive', value: null, source: 'calls' });
});

test('the plot: SVG written atomically, texts escaped', async () => {
  const out = join(dir, 'plot<&>.svg');
  const weird = write('a<b>&"c".fcs', syntheticFcs({ stem: 50, her2Cd24pos: 50, her2negStem: 100, live: 2000, dead: 10, stromal: 10 }, 3));
  const r = await analyzeCytometryFile(weird, { panelPath: panel, plotPath: out });
  assert.equal(r.events, 2000);
  const svg = readFileSync(out, 'utf8');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.includes('a&lt;b&gt;&amp;&quot;c&quot;.fcs: HER2 / CD44 / CD24'));
  assert.ok(!svg.includes('a<b>'));
  assert.ok(svg.includes('For research use; not a medical device.'));
  assert.ok(svg.includes('CD44+CD24-low 7.5%')); // (50 + 100) of 2,000
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  await assert.rejects(analyzeCytometryFile(weird, { panelPath: panel, plotPath: join(dir, 'no', 'such', 'dir.svg') }), inputError('dir.svg: cannot write file (no such directory)'));
});

test('analysis errors name the file and the field', async () => {
  const bad = write('panel-bad.yaml', 'markers: { HER2: NOPE, CD44: FITC-A, CD24: APC-A }\nthresholds: { HER2: 1, CD44: 1, CD24: 1 }\n');
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: bad }), inputError(/^panel-bad\.yaml: markers\.HER2: channel 'NOPE' is not in synthetic-stem-cells\.fcs \(channels: FSC-A, SSC-A, FITC-A \(CD44\), PE-A \(HER2\)/));
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: write('y.yaml', 'markers: [\n  oops\n') }), inputError(/^y\.yaml:\d+: not valid YAML: /));
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: write('z.yaml', 'markers: { HER2: a, CD44: b }\n') }), inputError('z.yaml: markers.CD24: must be a channel name (text)'));
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: write('g.yaml', 'markers: { HER2: PE-A, CD44: FITC-A, CD24: APC-A }\ngate: Live\n') }), inputError("g.yaml: gate: 'Live' needs a Gating-ML file (--gates)"));
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: write('c.yaml', 'markers: { HER2: PE-A, CD44: FITC-A, CD24: APC-A }\ncalls: { CD24: x }\n') }), inputError('c.yaml: calls: call columns apply to per-cell tables, not FCS files'));
  await assert.rejects(analyzeCytometryFile(sample, {}), inputError('nothing to do: give a panel (--panel), a Gating-ML file (--gates) and/or a FlowJo workspace (--workspace)'));
  await assert.rejects(analyzeCytometryFile(sample, { gatesPath: join(gmlFixtures, 'gml_range_gate.xml'), plotPath: join(dir, 'x.svg') }), inputError('--plot: the plot shows the panel markers; give --panel too'));
  await assert.rejects(analyzeCytometryFile(join(dir, 'missing.fcs'), { panelPath: panel }), inputError('missing.fcs: cannot read file (no such file)'));
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: join(dir, 'missing.yaml') }), inputError('missing.yaml: cannot read file (no such file)'));
  await assert.rejects(analyzeCytometryFile(sample, { gatesPath: join(gmlFixtures, 'gml_range_gate.xml') }), inputError("gml_range_gate.xml: gate 'Range1': dimension 'FSC-H' is not a channel of the sample (sample synthetic-stem-cells.fcs)"));
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: panel, compensation: join(dir, 'nomatrix.csv') }), inputError('nomatrix.csv: cannot read file (no such file)'));
  const wrongMatrix = write('wrong.csv', 'FITC-A,Zebra\n1,0\n0,1\n');
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: panel, compensation: wrongMatrix }), inputError("wrong.csv: detector 'Zebra' is not a channel of synthetic-stem-cells.fcs"));
  await assert.rejects(analyzeCytometryFile(sample, { panelPath: panel, bulkHer2: 'sort of' }), inputError(/^bulkHer2: 'sort of' is not a bulk HER2 result/));
  assert.equal(readPanelFile(panel).markers?.lineage, 'EpCAM');
});

test('a user-supplied compensation CSV gives the same result as the $SPILLOVER keyword', async () => {
  const csv = write('spill.csv', 'FITC-A,PE-A,APC-A,DAPI-A,BV605-A\n1,0.25,0.12,0,0.01\n0,1,0.05,0,0.02\n0,0.01,1,0,0.02\n0.005,0,0,1,0.03\n0,0.02,0.01,0,1\n');
  const r = await analyzeCytometryFile(sample, { panelPath: panel, compensation: csv });
  assert.deepEqual(counts(r), { 'HER2+': 3000, 'CD44+CD24-low': 5000, 'HER2+CD44+CD24-low': 1000 });
  assert.ok(r.notes.includes('Compensation: spill.csv (5 detectors).'));
});

test('a $SPILLOVER naming channels without values: a warning, uncompensated by default; a --comp matrix compensates the same file', async () => {
  const { parseFcs, writeFcs } = await import('@her2scope/formats/fcs');
  const f = parseFcs(syntheticFcs(), 'x.fcs');
  const noValues = write(
    'novalues.fcs',
    writeFcs({
      dataType: 'F',
      parameters: f.parameters.map((p) => ({ name: p.name, ...(p.label ? { label: p.label } : {}), range: p.range })),
      columns: f.rawColumns(),
      keywords: { $SPILLOVER: '5,FITC-A,PE-A,APC-A,DAPI-A,BV605-A' },
    }),
  );
  const warning = 'novalues.fcs: $SPILLOVER names 5 channels but holds no values; the data are used uncompensated (give a matrix with --comp to compensate)';
  const plain = await analyzeCytometryFile(noValues, { panelPath: panel });
  assert.deepEqual(plain.warnings, [warning]);
  assert.deepEqual(counts(plain), counts(await analyzeCytometryFile(sample, { panelPath: panel, compensation: 'none' })));
  assert.ok(plain.notes.includes('Compensation: novalues.fcs has no $SPILLOVER/SPILL/$COMP keyword; its values are used uncompensated.'));
  const csv = write('spill2.csv', 'FITC-A,PE-A,APC-A,DAPI-A,BV605-A\n1,0.25,0.12,0,0.01\n0,1,0.05,0,0.02\n0,0.01,1,0,0.02\n0.005,0,0,1,0.03\n0,0.02,0.01,0,1\n');
  const comp = await analyzeCytometryFile(noValues, { panelPath: panel, compensation: csv });
  assert.deepEqual(counts(comp), { 'HER2+': 3000, 'CD44+CD24-low': 5000, 'HER2+CD44+CD24-low': 1000 });
  assert.deepEqual(comp.warnings, [warning]);
});
