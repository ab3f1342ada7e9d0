import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@her2scope/core';
import { evaluateGates, gateIds, type GateResult } from '@her2scope/core/cytometry';
import { readFcsFile } from '@her2scope/formats/fcs';
import { parseGatingML, readGatingML } from '@her2scope/formats/gatingml';
import { fcsEventSource } from '@her2scope/formats/cytometry';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'gatingml');
const repoRoot = resolve(here, '..', '..', '..', '..');
const shared = resolve(repoRoot, '..', 'shared', 'data', 'gatingml');
const hasShared = existsSync(join(shared, 'gml_truth_map.tsv'));

/** gml_truth_map.tsv rows: gml file, gate id, truth file, FlowKit test name, expected in-gate count. */
function truthMap(dir: string) {
  return readFileSync(join(dir, 'gml_truth_map.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [gml, gate, truth, , count, total] = l.split('\t');
      return { gml: gml!, gate: gate!, truth: truth!, count: Number(count), total: Number(total) };
    });
}

function truth(path: string): Uint8Array {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  return Uint8Array.from(lines, (l) => {
    assert.ok(l === '0' || l === '1', `bad truth line '${l}' in ${path}`);
    return Number(l);
  });
}

function evaluate(dir: string, gml: string): GateResult[] {
  const fcs = readFcsFile(join(dir, 'data1.fcs'));
  return evaluateGates(readGatingML(join(dir, gml)), fcsEventSource(fcs, fcs.spillover()));
}

function sameEvents(result: GateResult, expected: Uint8Array, label: string) {
  assert.equal(result.membership.length, expected.length, `${label}: event count`);
  let diff = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    if (result.membership[i] !== expected[i]) {
      diff++;
      if (first < 0) first = i;
    }
  }
  assert.equal(diff, 0, `${label}: ${diff} events differ from the truth (first at event ${first})`);
}

test('Gating-ML 2.0 compliance (checked-in): every gate of gml_truth_map.tsv has its expected count on data1.fcs', () => {
  const rows = truthMap(fixtures);
  assert.equal(rows.length, 46);
  const cache = new Map<string, GateResult[]>();
  for (const r of rows) {
    if (!cache.has(r.gml)) cache.set(r.gml, evaluate(fixtures, r.gml));
    const res = cache.get(r.gml)!.find((x) => x.id === r.gate);
    assert.ok(res, `${r.gml}: gate ${r.gate} not evaluated`);
    assert.equal(res.count, r.count, `${r.gml} ${r.gate}`);
    assert.equal(res.membership.length, r.total);
    const t = join(fixtures, 'truth', r.truth);
    if (existsSync(t)) sameEvents(res, truth(t), `${r.gml} ${r.gate}`);
  }
  // the checked-in truth subset covers: non-simple polygon, ellipse, quadrant, log-ratio, logicle + matrix,
  // hyperlog + matrix, and a parent gate
  assert.equal(readdirSync(join(fixtures, 'truth')).length, 7);
});

test('Gating-ML 2.0 compliance (../shared): all 46 gates match the truth event for event', { skip: !hasShared && 'shared/ not present' }, () => {
  const rows = truthMap(shared);
  const cache = new Map<string, GateResult[]>();
  for (const r of rows) {
    if (!cache.has(r.gml)) cache.set(r.gml, evaluate(shared, r.gml));
    const res = cache.get(r.gml)!.find((x) => x.id === r.gate)!;
    const t = truth(join(shared, 'truth', r.truth));
    let ones = 0;
    for (const v of t) ones += v;
    assert.equal(ones, r.count, `truth file ${r.truth} count`);
    sameEvents(res, t, `${r.gml} ${r.gate}`);
  }
});

test('gml_all_gates.xml: every gate with a truth file matches it; the rest evaluate', { skip: !hasShared && 'shared/ not present' }, () => {
  const res = evaluate(shared, 'gml_all_gates.xml');
  const truthFiles = new Set(readdirSync(join(shared, 'truth')));
  let checked = 0;
  for (const r of res) {
    const f = `Results_${r.id}.txt`;
    if (truthFiles.has(f)) {
      sameEvents(r, truth(join(shared, 'truth', f)), `all_gates ${r.id}`);
      checked++;
    } else assert.equal(r.membership.length, 13367);
  }
  assert.equal(checked, 46);
  assert.equal(res.length, 49);
});

test('parsing: document order, quadrant ids, parents, transforms and spectrum matrices', () => {
  const s = readGatingML(join(fixtures, 'gml_all_gates.xml'));
  const ids = gateIds(s);
  assert.deepEqual(ids.slice(0, 8), ['Range1', 'Rectangle1', 'Rectangle2', 'Polygon1', 'Ellipse1', 'Range2', 'Polygon2', 'FL2P-FL4P']);
  assert.equal(ids.length, 49);
  assert.deepEqual(s.transforms['Logicle_10000_1_4_0.5'], { kind: 'logicle', T: 10000, W: 1, M: 4, A: 0.5 });
  assert.deepEqual(s.ratios.FL2Rat2, { kind: 'fratio', A: 2.7, B: -100, C: -300, numerator: 'FL2-H', denominator: 'FL2-A' });
  assert.deepEqual(s.matrices.MySpill!.fluorochromes, ['FITC', 'PE', 'PerCP']);
  assert.deepEqual(s.matrices.MySpill!.values[1], [0.11, 1, 0.07]);
  const par = s.gates.find((g) => g.id === 'ScalePar1')!;
  assert.equal(par.parentId, 'ScaleRect1');

  // A realistic 8-colour panel (parse only: its FCS files are not public here)
  const ics = readGatingML(join(fixtures, '8_color_ICS.xml'));
  assert.deepEqual(
    ics.gates.map((g) => [g.id, g.type, g.parentId]),
    [
      ['TimeGate', 'rectangle', null],
      ['Singlets', 'polygon', 'TimeGate'],
      ['aAmine-', 'polygon', 'Singlets'],
      ['CD3-pos', 'polygon', 'aAmine-'],
      ['CD4-pos', 'polygon', 'CD3-pos'],
      ['CD8-pos', 'polygon', 'CD3-pos'],
    ],
  );
  assert.equal(ics.matrices['Acquisition-defined']!.detectors.length, 8);
  assert.equal(ics.transforms['logicle-default']!.kind, 'logicle');

  // gate nested below an extra element, with a gating:name attribute
  const attr = readGatingML(join(fixtures, 'gml_range_gate_attr_testing.xml'));
  assert.deepEqual(attr.gates.map((g) => [g.id, g.name]), [['Range1', 'asdf']]);
  assert.equal(evaluate(fixtures, 'gml_range_gate_attr_testing.xml')[0]!.count, 440);
  // an ellipse without a truth file still evaluates
  assert.equal(evaluate(fixtures, 'gml_ellipse2_gate.xml')[0]!.id, 'myEllipse2');
});

test('Gating-ML errors name the file, line or gate', () => {
  const NS = 'xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes" xmlns:transforms="http://www.isac-net.org/std/Gating-ML/v2.0/transformations"';
  const doc = (body: string) => `<?xml version="1.0"?>\n<gating:Gating-ML ${NS}>\n${body}\n</gating:Gating-ML>`;
  const rect = (id: string, extra = '', dimAttrs = 'gating:compensation-ref="uncompensated" gating:min="1"') =>
    `<gating:RectangleGate gating:id="${id}" ${extra}><gating:dimension ${dimAttrs}><data-type:fcs-dimension data-type:name="FSC-H"/></gating:dimension></gating:RectangleGate>`;
  const bad = (xml: string, message: string | RegExp) =>
    assert.throws(
      () => parseGatingML(xml, 'g.xml'),
      (e: unknown) => {
        assert.ok(e instanceof InputError, String(e));
        if (typeof message === 'string') assert.equal(e.message, message);
        else assert.match(e.message, message);
        return true;
      },
    );
  assert.equal(parseGatingML(doc(rect('A')), 'g.xml').gates.length, 1);
  bad(doc(rect('A')).replace('</gating:RectangleGate>', ''), /^g\.xml: line \d+: not well-formed XML: /);
  bad('<root/>', 'g.xml: not a Gating-ML document (root element is <root>, expected <gating:Gating-ML>)');
  bad(doc(rect('A')).replace('v2.0/gating"', 'v1.5/gating"'), 'g.xml: this is Gating-ML 1.5; only Gating-ML 2.0 is supported');
  bad('<!DOCTYPE x [<!ENTITY a "b">]>' + doc(rect('A')), 'g.xml: DTD entity declarations are not allowed');
  bad(doc(''), 'g.xml: no gates found (expected <gating:RectangleGate>, PolygonGate, EllipsoidGate, QuadrantGate or BooleanGate)');
  bad(doc(rect('A', 'gating:parent_id="Z"')), "g.xml: gate 'A': parent 'Z' is not defined");
  bad(doc(rect('A', '', 'gating:min="x"')), "g.xml: gate 'A' dimension 1: min 'x' is not a number");
  bad(doc(rect('A', '', '')), "g.xml: gate 'A': a dimension needs a min or a max");
  bad(doc(rect('A') + rect('A')), "g.xml: gate id 'A' is defined twice");
  bad(doc('<gating:RectangleGate><gating:dimension gating:min="1"><data-type:fcs-dimension data-type:name="X"/></gating:dimension></gating:RectangleGate>'), 'g.xml: a <gating:RectangleGate> has no gating:id');
  bad(doc(rect('A', '', 'gating:min="1" gating:transformation-ref="T"') + '<transforms:transformation transforms:id="T"><transforms:logicle transforms:T="1000" transforms:W="3" transforms:M="4.5" transforms:A="0"/></transforms:transformation>'), "g.xml: transformation 'T': logicle: W must be <= M / 2");
  bad(doc('<transforms:transformation transforms:id="T"><transforms:flog transforms:T="1000"/></transforms:transformation>' + rect('A')), "g.xml: transformation 'T' (flog): attribute M is missing");
  bad(doc('<transforms:transformation transforms:id="T"><transforms:splog/></transforms:transformation>' + rect('A')), "g.xml: transformation 'T': unsupported transformation <splog> (supported: flin, flog, fasinh, logicle, hyperlog, fratio)");
  bad(doc(rect('A') + '<gating:BooleanGate gating:id="B"><gating:and><gating:gateReference gating:ref="A"/><gating:gateReference gating:ref="C"/></gating:and></gating:BooleanGate>'), "g.xml: gate 'B': gate reference 'C' is not defined");
  bad(doc('<gating:BooleanGate gating:id="B"><gating:xor/></gating:BooleanGate>'), "g.xml: gate 'B': a boolean gate needs exactly one of <gating:and>, <gating:or>, <gating:not>");
  bad(doc('<gating:PolygonGate gating:id="P"><gating:dimension><data-type:fcs-dimension data-type:name="X"/></gating:dimension></gating:PolygonGate>'), "g.xml: gate 'P': a polygon gate needs exactly 2 dimensions, found 1");
  bad(doc('<gating:EllipsoidGate gating:id="E"><gating:dimension><data-type:fcs-dimension data-type:name="X"/></gating:dimension><gating:dimension><data-type:fcs-dimension data-type:name="Y"/></gating:dimension><gating:mean><gating:coordinate data-type:value="1"/><gating:coordinate data-type:value="1"/></gating:mean></gating:EllipsoidGate>'), "g.xml: gate 'E': <gating:distanceSquare> is missing");
  bad(doc(rect('A', '', 'gating:min="1" gating:compensation-ref="Spill9"')), "g.xml: gate 'A': compensation-ref 'Spill9' is neither 'FCS', 'uncompensated' nor a spectrumMatrix id");
  assert.throws(() => readGatingML('/nonexistent/x.xml'), (e: unknown) => e instanceof InputError && e.message === 'x.xml: cannot read file (no such file)');
});
