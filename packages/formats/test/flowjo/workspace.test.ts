import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@her2scope/core';
import { createTransform, FlowJoBiex } from '@her2scope/core/cytometry';
import { readFcsFile } from '@her2scope/formats/fcs';
import { analyzeFlowJoSample, analyzeWithWorkspace, ellipseToPolygon, matchFlowJoSample, parseFlowJoWorkspace, readFlowJoWorkspace } from '@her2scope/formats/flowjo';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'flowjo');
const repoRoot = resolve(here, '..', '..', '..', '..');
const shared = resolve(repoRoot, '..', 'shared', 'data', 'flowjo');
const hasShared = existsSync(join(shared, 'SOURCES.md'));

/**
 * Stored counts that are not FlowJo results: in simple_poly_and_rect_v2_poly50.wsp FlowJo saved count="0" for the
 * sample's own poly1 gate, which holds 50 of the 100 events (all events have channel_B = 131072, inside the
 * polygon's channel_B span for channel_A up to ~98,430; FlowKit's tests/session_export_tests.py expects 50). The
 * workspace was saved before FlowJo recomputed that gate. Our count is checked against 50 instead.
 */
const NOT_COMPUTED: Record<string, { count: number; why: string }> = {
  'simple_poly_and_rect_v2_poly50.wsp poly1': { count: 50, why: 'FlowJo saved 0 before computing the custom gate; FlowKit expects 50' },
};

function checkWorkspaceDir(dir: string) {
  const checked: string[] = [];
  const skipped: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.wsp')).sort()) {
    const ws = readFlowJoWorkspace(join(dir, f));
    for (const s of ws.samples) {
      const fcsPath = join(dir, s.name);
      if (!existsSync(fcsPath)) {
        skipped.push(`${f} ${s.name}: FCS file absent`);
        continue;
      }
      const fcs = readFcsFile(fcsPath);
      assert.equal(fcs.eventCount, s.eventCount, `${f} ${s.name}: event count`);
      const r = analyzeFlowJoSample(ws, s, fcs);
      for (const p of r.populations) {
        const key = `${f} ${p.fullPath}`;
        const exception = NOT_COMPUTED[key];
        if (exception) {
          assert.equal(p.count, exception.count, key);
          skipped.push(`${key}: ${exception.why}`);
        } else if (p.storedCount === null || p.storedCount < 0) {
          skipped.push(`${key}: FlowJo stored ${p.storedCount} (not computed)`);
        } else {
          assert.equal(p.count, p.storedCount, `${key}: count differs from FlowJo's`);
          checked.push(`${key}=${p.count}`);
        }
      }
    }
  }
  return { checked, skipped };
}

test('every population of the shared FlowJo workspaces whose FCS is present equals the count FlowJo stored', { skip: !hasShared && 'shared/data/flowjo absent' }, () => {
  const { checked, skipped } = checkWorkspaceDir(shared);
  assert.deepEqual(checked, [
    'simple_poly_and_rect_v2_poly50.wsp rect1=0',
    'single_ellipse_51_events.wsp ellipse1=51',
    'test_data_diamond_asinh_rect.wsp upper_right=50559',
    'test_data_diamond_asinh_rect2.wsp upper_right=50699',
  ]);
  // What could not be checked, and why (the 8-colour FCS files are not in shared/).
  assert.deepEqual(skipped, [
    '8_color_ICS_simple.wsp 101_DEN084Y5_15_E03_009_clean.fcs: FCS file absent',
    '8_color_ICS_simple.wsp 101_DEN084Y5_15_E05_010_clean.fcs: FCS file absent',
    '8_color_ICS_simple.wsp 101_DEN084Y5_15_E01_008_clean.fcs: FCS file absent',
    'reused_quad_gate_with_child.wsp 101_DEN084Y5_15_E01_008_clean.fcs: FCS file absent',
    'simple_poly_and_rect.wsp poly1: FlowJo stored -1 (not computed)',
    'simple_poly_and_rect.wsp rect1: FlowJo stored -1 (not computed)',
    'simple_poly_and_rect_v2_poly50.wsp poly1: FlowJo saved 0 before computing the custom gate; FlowKit expects 50',
  ]);
});

test('fixture workspaces: the ellipse count equals FlowJo (51 of 100) and the rectangle 0', () => {
  const { checked } = checkWorkspaceDir(fixtures);
  assert.deepEqual(checked, ['simple_poly_and_rect_v2_poly50.wsp rect1=0', 'single_ellipse_51_events.wsp ellipse1=51']);
});

test('analyzeWithWorkspace matches the FCS file to the workspace sample by $FIL / file name', () => {
  const fcs = readFcsFile(join(fixtures, 'data_set_simple_line_100.fcs'));
  const r = analyzeWithWorkspace(fcs, join(fixtures, 'single_ellipse_51_events.wsp'));
  assert.equal(r.sample.name, 'data_set_simple_line_100.fcs');
  assert.deepEqual(
    r.populations.map((p) => [p.name, p.path, p.count, p.parentCount, p.storedCount]),
    [['ellipse1', '', 51, 100, 51]],
  );
  assert.deepEqual(r.warnings, []);
});

test('the 8-colour workspace: groups, compensation (Comp- prefix), biex transforms and the gate tree', () => {
  const ws = readFlowJoWorkspace(join(fixtures, 'reused_quad_gate_with_child.wsp'));
  assert.deepEqual(ws.groups.map((g) => [g.name, g.sampleIds]), [
    ['All Samples', ['1']],
    ['Compensation', []],
  ]);
  const s = ws.samples[0]!;
  assert.equal(s.name, '101_DEN084Y5_15_E01_008_clean.fcs');
  assert.equal(s.eventCount, 290172);
  assert.equal(s.compensation?.prefix, 'Comp-');
  assert.equal(s.compensation?.matrix.detectors.length, 8);
  // Row "CD8 PerCP-Cy55 FLR-A" spills 0.1270120889 into "CD4 PE-Cy7 FLR-A".
  const m = s.compensation.matrix;
  assert.equal(m.values[m.detectors.indexOf('CD8 PerCP-Cy55 FLR-A')]![m.detectors.indexOf('CD4 PE-Cy7 FLR-A')], 0.1270120889);
  assert.deepEqual(s.transforms.get('Comp-CD4 PE-Cy7 FLR-A'), { kind: 'flowjo-biex', neg: 0, width: -100, pos: 4.418539922, maxRange: 262144 });
  assert.deepEqual(s.transforms.get('FSC-A'), { kind: 'flin', T: 262144, A: 0 });
  const flat: Array<[string, string, number | null]> = [];
  const walk = (nodes: typeof s.populations, path: string) => {
    for (const n of nodes) {
      flat.push([n.name, path, n.storedCount]);
      walk(n.children, path ? `${path}/${n.name}` : n.name);
    }
  };
  walk(s.populations, '');
  assert.deepEqual(flat.slice(0, 5), [
    ['good cells', '', 180693],
    ['cd4+', 'good cells', 116865],
    ['Q1: CD107a-, IL2+', 'good cells/cd4+', 3317],
    ['Q2: CD107a+, IL2+', 'good cells/cd4+', 3704],
    ['some_child_gate', 'good cells/cd4+/Q2: CD107a+, IL2+', 558],
  ]);
});

test('a Comp- dimension is the compensated detector, with the Comp- transform applied to the bounds', async () => {
  const { flowJoStrategy } = await import('@her2scope/formats/flowjo');
  const ws = readFlowJoWorkspace(join(fixtures, 'reused_quad_gate_with_child.wsp'));
  const { strategy, populations } = flowJoStrategy(ws, ws.samples[0]!);
  const g = strategy.gates[0]!;
  assert.equal(populations[0]!.id, g.id);
  assert.equal(g.type, 'rectangle');
  if (g.type !== 'rectangle') return;
  const d = g.dimensions[0]!;
  assert.deepEqual(d.dimension, { kind: 'fcs', name: 'CD3 APC-H7 FLR-A', compensation: 'FlowJo:Acquisition-defined', transform: 'T:Comp-CD3 APC-H7 FLR-A' });
  const t = createTransform({ kind: 'flowjo-biex', neg: 0, width: -100, pos: 4.418539922, maxRange: 262144 });
  assert.equal(d.min, t.apply(410.23408498013384));
  assert.equal(d.max, t.apply(22149.588376705437));
  // Quadrant Q1 (open-ended rectangle): only a max on CD107a, only a min on IL2.
  const q1 = strategy.gates[2]!;
  assert.ok(q1.type === 'rectangle' && q1.dimensions[0]!.min === null && q1.dimensions[1]!.max === null);
  assert.equal(q1.parentId, populations[1]!.id);
});

test('FlowJo biex: the LUT puts data 0 at channel 463 for the defaults, clamps beyond the table, and inverts', () => {
  // pos 4.41854, width −10, neg 0: w = 1, decades 3.91854, extra 0.5, zero = trunc(0.5 · 4096 / 4.41854) = 463.
  const t = new FlowJoBiex(0, -10, 4.41854, 262144);
  assert.equal(t.table[463], 0);
  assert.equal(t.apply(0), 463);
  // The table spans −132.29…261,622.34 (channel 0 = −B(926)).
  assert.ok(Math.abs(t.table[0]! + 132.287321) < 1e-6 && Math.abs(t.table[4096]! - 261622.335579) < 1e-6);
  assert.equal(t.apply(-5000), 0);
  assert.equal(t.inverse(-1), t.table[0]);
  assert.equal(t.apply(-1e9), 0);
  assert.equal(t.apply(1e9), 4096);
  assert.ok(Number.isNaN(t.apply(Number.NaN)));
  for (const x of [-130, -100, -1, 0.5, 10, 1000, 50000, 200000]) assert.ok(Math.abs(t.inverse(t.apply(x)) - x) < 1e-9 * Math.max(1, Math.abs(x)), `round trip ${x}`);
  for (let k = 1; k < t.table.length; k++) assert.ok(t.table[k]! > t.table[k - 1]!);
  // Odd symmetry around the zero channel.
  assert.equal(t.table[463 - 100], -t.table[463 + 100]!);
  assert.throws(() => new FlowJoBiex(0, 10, 4.41854, 262144), /width must be negative/);
});

test('FlowJo biex bracketing decides thresholds exactly like the transform', () => {
  const t = new FlowJoBiex(0, -100, 4.418539922, 262144);
  const values = Float64Array.from({ length: 20000 }, (_, i) => -3000 + i * 13.37);
  for (const y of [500, 1234.5678, 2048, 3000]) {
    const [lo, hi] = t.bracketing.bracket(y)!;
    for (const v of values) {
      if (v < lo) assert.ok(t.apply(v) < y);
      if (v > hi) assert.ok(t.apply(v) > y);
    }
  }
  assert.equal(t.bracketing.bracket(4096), null);
  assert.equal(t.bracketing.bracket(0), null);
});

test('FlowJo log transform clamps below the offset', () => {
  const t = createTransform({ kind: 'flowjo-log', offset: 1, decades: 4 });
  assert.equal(t.apply(10000), 1);
  assert.equal(t.apply(0.001), 0);
  assert.equal(t.apply(-5), 0);
  assert.equal(t.inverse(0.5), 100);
});

test('ellipseToPolygon: the single_ellipse gate as FlowKit builds it (128 vertices, centre between the foci)', () => {
  const poly = ellipseToPolygon(
    [
      [62.7724519002, 157.4044547167],
      [94.2275480998, 93.5955452833],
    ],
    [
      [96, 90],
      [61, 161],
      [67, 113],
      [90, 139],
    ],
    [1, 1],
  );
  assert.equal(poly.length, 128);
  let cx = 0;
  let cy = 0;
  for (const [x, y] of poly) {
    cx += x;
    cy += y;
  }
  assert.ok(Math.abs(cx / 128 - 78.5 / 256) < 1e-12);
  assert.ok(Math.abs(cy / 128 - 125.5 / 256) < 1e-12);
  assert.throws(() => ellipseToPolygon([[0, 0], [10, 0]], [[5, 5], [5, 5], [5, 5], [5, 5]], [1, 1]), /major axis/);
});

const WSP = (subpops: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<Workspace version="20.0" flowJoVersion="10.8.0" xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:transforms="http://www.isac-net.org/std/Gating-ML/v2.0/transformations" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
  <Groups><GroupNode name="All Samples"><Group name="All Samples"><SampleRefs><SampleRef sampleID="1" /></SampleRefs></Group></GroupNode>
  <GroupNode name="Panel"><Group name="Panel"><SampleRefs><SampleRef sampleID="1" /></SampleRefs></Group></GroupNode></Groups>
  <SampleList><Sample>
    <DataSet uri="file:/lab/my%20run/data_set_simple_line_100.fcs" sampleID="1" />
    <Transformations>${extra}</Transformations>
    <Keywords><Keyword name="$FIL" value="data_set_simple_line_100.fcs" /></Keywords>
    <SampleNode name="tube 1" count="100" sampleID="1"><Subpopulations>${subpops}</Subpopulations></SampleNode>
  </Sample></SampleList>
</Workspace>`;

const rect = (name: string, dims: string, inside = 1, children = '') => `<Population name="${name}" owningGroup="Panel" count="-1"><Gate><gating:RectangleGate eventsInside="${inside}">${dims}</gating:RectangleGate></Gate>${children ? `<Subpopulations>${children}</Subpopulations>` : ''}</Population>`;
const dimA = (min: number | null, max: number | null) => `<gating:dimension${min !== null ? ` gating:min="${min}"` : ''}${max !== null ? ` gating:max="${max}"` : ''}><data-type:fcs-dimension data-type:name="channel_A" /></gating:dimension>`;

test('boolean nodes, eventsInside="0" and nested parents on the 100-event line file', () => {
  // channel_A of event i is 65536 + i · 661.98 (i = 0…99), so A < 80000 holds events 0…21 (22 events) and
  // A >= 100000 holds events 53…99 (47).
  const fcs = readFcsFile(join(fixtures, 'data_set_simple_line_100.fcs'));
  const a = fcs.scaledColumn(0);
  const below = a.filter((v) => v < 80000).length;
  const above = a.filter((v) => v >= 100000).length;
  assert.deepEqual([below, above], [22, 47]);
  const xml = WSP(
    rect('low', dimA(null, 80000)) +
      rect('high', dimA(100000, null)) +
      rect('notlow', dimA(null, 80000), 0, rect('notlow-high', dimA(100000, null))) +
      `<OrNode name="low or high" owningGroup="Panel" count="-1"><Dependents><Dependent name="low" /><Dependent name="high" /></Dependents></OrNode>` +
      `<NotNode name="middle" owningGroup="Panel" count="-1"><Dependents><Dependent name="low or high" /></Dependents></NotNode>` +
      `<AndNode name="both" owningGroup="Panel" count="-1"><Dependents><Dependent name="notlow" /><Dependent name="high" /></Dependents></AndNode>`,
  );
  const ws = parseFlowJoWorkspace(xml, 'lab.wsp');
  const s = matchFlowJoSample(ws, { fil: 'data_set_simple_line_100.fcs', fileName: 'renamed.fcs' }, { group: 'Panel' });
  const r = analyzeFlowJoSample(ws, s, fcs);
  assert.deepEqual(
    r.populations.map((p) => [p.fullPath, p.count]),
    [
      ['low', 22],
      ['high', 47],
      ['notlow', 78],
      ['notlow/notlow-high', 47],
      ['low or high', 69],
      ['middle', 31],
      ['both', 47],
    ],
  );
});

test('sample matching and selection errors name what exists', () => {
  const ws = parseFlowJoWorkspace(WSP(rect('low', dimA(null, 80000))), 'lab.wsp');
  // By the DataSet file name (URI-decoded) when $FIL differs.
  assert.equal(matchFlowJoSample(ws, { fil: 'other', fileName: 'data_set_simple_line_100.fcs' }).id, '1');
  assert.equal(matchFlowJoSample(ws, { fil: undefined, fileName: 'x.fcs' }, { sample: 'tube 1' }).id, '1');
  assert.throws(() => matchFlowJoSample(ws, { fil: undefined, fileName: 'x.fcs' }), (e: unknown) => e instanceof InputError && e.message === "lab.wsp: no workspace sample matches x.fcs; give --sample NAME (samples: tube 1)");
  assert.throws(() => matchFlowJoSample(ws, { fil: undefined, fileName: 'x.fcs' }, { group: 'Nope' }), /--group: no group 'Nope' \(groups: All Samples, Panel\)/);
  assert.throws(() => matchFlowJoSample(ws, { fil: undefined, fileName: 'x.fcs' }, { sample: 'tube 2' }), /--sample: no sample 'tube 2' \(samples: tube 1\)/);
});

test('hostile or broken workspaces are rejected with the file and place named', () => {
  assert.throws(() => parseFlowJoWorkspace('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Workspace/>', 'x.wsp'), /x\.wsp: DTD entity/);
  assert.throws(() => parseFlowJoWorkspace('<Workspace><Groups>', 'x.wsp'), /x\.wsp: line \d+: not well-formed XML/);
  assert.throws(() => parseFlowJoWorkspace('<Gating-ML/>', 'x.wsp'), /not a FlowJo workspace \(root element is <Gating-ML>/);
  assert.throws(() => parseFlowJoWorkspace(WSP(rect('bad', '<gating:dimension gating:min="abc"><data-type:fcs-dimension data-type:name="channel_A" /></gating:dimension>')), 'x.wsp'), /sample 'tube 1' population 'bad' dimension 1: min 'abc' is not a number/);
  assert.throws(
    () => parseFlowJoWorkspace(WSP('', '<transforms:hyperlog><data-type:parameter data-type:name="channel_A" /></transforms:hyperlog>'), 'x.wsp'),
    /transform <hyperlog> of 'channel_A': the FlowJo transform 'hyperlog' is not supported/,
  );
  const ws = parseFlowJoWorkspace(WSP(`<AndNode name="and" count="-1"><Dependents><Dependent name="missing" /><Dependent name="also" /></Dependents></AndNode>`), 'x.wsp');
  const fcs = readFcsFile(join(fixtures, 'data_set_simple_line_100.fcs'));
  assert.throws(() => analyzeFlowJoSample(ws, ws.samples[0]!, fcs), /x\.wsp: sample 'tube 1': boolean population 'and' names 'missing', which is not a population of this sample/);
  const ws2 = parseFlowJoWorkspace(WSP(rect('r', '<gating:dimension gating:min="1"><data-type:fcs-dimension data-type:name="nope" /></gating:dimension>')), 'x.wsp');
  assert.throws(() => analyzeFlowJoSample(ws2, ws2.samples[0]!, fcs), /x\.wsp: sample 'tube 1': population 'r': dimension 'nope' is not a channel of the sample/);
  assert.ok(readFileSync(join(fixtures, 'LICENSE-NOTE.md'), 'utf8').includes('BSD 3-Clause'));
});
