/**
 * FlowJo 10 workspace (.wsp) reader: sample groups, samples with their keywords, compensation matrix and per-channel
 * transforms, and each sample's gate tree, turned into the plain gate model of @her2scope/core/cytometry so the
 * Gating-ML evaluator computes every population.
 *
 * Semantics (checked against the counts FlowJo stored in FlowKit's test workspaces; FlowKit 1.3, whitews/FlowKit,
 * `_utils/wsp_utils.py`, BSD-3, was read for them, no code was copied):
 *
 * - Namespaces: gates are Gating-ML 2.0 elements (`gating:`, `data-type:`, `transforms:`); prefixes are ignored.
 * - Each `<Sample>` of the `<SampleList>` holds the sample's complete gate tree (`<SampleNode>`): the group's gates
 *   as copied to the sample, and the sample's own (custom) gates, which have `owningGroup=""` and replace the group
 *   gate of the same place in the tree. So the sample tree is what is evaluated; a group only selects samples.
 * - Gate coordinates are stored in data units (compensated where the dimension is `Comp-…`). A dimension named
 *   `<prefix>X<suffix>` of the sample's `<transforms:spilloverMatrix prefix="Comp-">` where X is a detector of the
 *   matrix is X compensated by that matrix; others are uncompensated channels.
 * - The order is compensation → transform → gate: each dimension takes the sample's transform for its name (for
 *   `Comp-X` the `Comp-X` transform, else that of X), and the gate's bounds / vertices go through the same transform,
 *   so the comparisons happen in FlowJo's display space, as FlowJo does.
 * - Transforms: `linear` (Gating-ML flin with T = maxRange, A = minRange), `log` (offset, decades), `fasinh`
 *   (Gating-ML fasinh T, M, A), `logicle` (Gating-ML logicle T, W, M, A) and `biex` (FlowJo's own lookup table,
 *   see FlowJoBiex).
 * - Rectangles (FlowJo 10 saves quadrants as four rectangles, each with open sides): min <= x < max. Polygons:
 *   vertices as given. `eventsInside="0"` keeps the events outside the shape. Ellipses are stored as foci and four
 *   edge points in the 256 × 256 display grid; they become the 128-vertex polygon FlowKit builds from them (FlowJo
 *   also evaluates ellipses as polygons), scaled to 0…4096 on a biex axis and 0…1 on the others.
 * - Boolean nodes (`AndNode`, `OrNode`, `NotNode`) combine the populations named by their `Dependent` paths (from
 *   the root, names joined by `/`) and are then limited to their parent population, like every gate.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '@her2scope/core';
import {
  createTransform,
  FLOWJO_BIEX_CHANNELS,
  type Gate,
  type GateDimension,
  type GatingStrategy,
  type SpilloverMatrix,
  type TransformSpec,
} from '@her2scope/core/cytometry';
import { missingValue } from '@her2scope/core/errors';

type XNode = Record<string, unknown>;

export interface FlowJoMatrix {
  name: string;
  prefix: string;
  suffix: string;
  matrix: SpilloverMatrix;
}

export type FlowJoGateShape =
  | { type: 'rectangle'; dimensions: Array<{ name: string; min: number | null; max: number | null }>; complement: boolean }
  | { type: 'polygon'; dimensions: [string, string]; vertices: Array<[number, number]>; complement: boolean }
  | { type: 'ellipse'; dimensions: [string, string]; foci: Array<[number, number]>; edge: Array<[number, number]>; complement: boolean };

export interface FlowJoPopulationNode {
  name: string;
  kind: 'gate' | 'and' | 'or' | 'not';
  /** `owningGroup`: the group whose gate this is; "" for a gate of this sample only. */
  owningGroup: string;
  /** The count FlowJo stored (`count`); -1 (and sometimes 0) means FlowJo did not compute it. */
  storedCount: number | null;
  gate: FlowJoGateShape | null;
  /** Boolean nodes: the paths of the populations combined. */
  dependents: string[];
  children: FlowJoPopulationNode[];
}

export interface FlowJoSample {
  id: string;
  /** `SampleNode` name (usually the file name). */
  name: string;
  /** `DataSet` uri. */
  uri: string | null;
  keywords: Record<string, string>;
  /** Transform per parameter name (`Comp-X` and X may both appear). */
  transforms: Map<string, TransformSpec>;
  compensation: FlowJoMatrix | null;
  /** The `SampleNode` count: events of the sample. */
  eventCount: number | null;
  populations: FlowJoPopulationNode[];
}

export interface FlowJoGroup {
  name: string;
  sampleIds: string[];
}

export interface FlowJoWorkspace {
  source: string;
  flowJoVersion: string | null;
  groups: FlowJoGroup[];
  samples: FlowJoSample[];
}

const GATE_ELEMENTS = ['RectangleGate', 'PolygonGate', 'EllipsoidGate', 'QuadrantGate', 'BooleanGate', 'CurlyQuad'];

function tagOf(node: XNode): string {
  for (const k of Object.keys(node)) if (k !== ':@') return k;
  return '';
}

function kids(node: XNode | undefined): XNode[] {
  if (!node) return [];
  const v = node[tagOf(node)];
  return Array.isArray(v) ? (v as XNode[]) : [];
}

function attrsOf(node: XNode | undefined): Record<string, string> {
  return ((node?.[':@'] as Record<string, string> | undefined) ?? {});
}

function child(node: XNode | undefined, tag: string): XNode | undefined {
  return kids(node).find((k) => tagOf(k) === tag);
}

function childrenNamed(node: XNode | undefined, tag: string): XNode[] {
  return kids(node).filter((k) => tagOf(k) === tag);
}

/** Parse workspace XML. `name` names the file in messages. */
export function parseFlowJoWorkspace(xml: string, name = 'workspace.wsp'): FlowJoWorkspace {
  const fail = (message: string): never => {
    throw new InputError(name, message);
  };
  if (/<!ENTITY/i.test(xml)) fail('DTD entity declarations are not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) fail(`line ${valid.err.line}: not well-formed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: true,
    preserveOrder: true,
    processEntities: true,
  });
  let doc: XNode[];
  try {
    doc = parser.parse(xml) as XNode[];
  } catch (e) {
    return fail(`not readable XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const root = doc.find((n) => tagOf(n) === 'Workspace');
  if (!root) {
    const top = doc.map(tagOf).find((t) => !t.startsWith('?') && t !== '#text');
    return fail(`not a FlowJo workspace (root element is <${top ?? 'none'}>, expected <Workspace>)`);
  }
  const num = (where: string, raw: string | undefined, attr: string): number => {
    if (raw === undefined || raw.trim() === '') return fail(`${where}: attribute ${attr} is missing`);
    const v = Number(raw.trim());
    if (!Number.isFinite(v)) return fail(`${where}: ${attr} '${raw}' is not a number`);
    return v;
  };
  const optNum = (where: string, raw: string | undefined, attr: string): number | null => (raw === undefined || raw.trim() === '' ? null : num(where, raw, attr));

  const groups: FlowJoGroup[] = [];
  for (const gn of childrenNamed(child(root, 'Groups'), 'GroupNode')) {
    const gname = attrsOf(gn).name ?? '';
    const refs = childrenNamed(child(child(gn, 'Group'), 'SampleRefs'), 'SampleRef').map((r) => attrsOf(r).sampleID ?? '');
    groups.push({ name: gname, sampleIds: refs.filter((r) => r !== '') });
  }

  const coords = (v: XNode, where: string): number[] => childrenNamed(v, 'coordinate').map((c) => num(where, attrsOf(c).value, 'value'));
  const dimNames = (g: XNode, where: string): string[] =>
    childrenNamed(g, 'dimension').map((d, i) => {
      const f = child(d, 'fcs-dimension');
      const n = attrsOf(f).name;
      if (!n) return fail(`${where}: dimension ${i + 1} names no <data-type:fcs-dimension>`);
      return n;
    });

  const parseGate = (pop: XNode, where: string): FlowJoGateShape => {
    const gateEl = child(pop, 'Gate');
    if (!gateEl) return fail(`${where}: no <Gate>`);
    const shapes = kids(gateEl).filter((k) => tagOf(k) !== '#text');
    if (shapes.length !== 1) return fail(`${where}: <Gate> must hold exactly one gate element, found ${shapes.length}`);
    const g = shapes[0] ?? missingValue('shapes[0]');
    const tag = tagOf(g);
    const complement = attrsOf(g).eventsInside === '0';
    switch (tag) {
      case 'RectangleGate': {
        const dims = childrenNamed(g, 'dimension').map((d, i) => {
          const a = attrsOf(d);
          const n = attrsOf(child(d, 'fcs-dimension')).name;
          if (!n) return fail(`${where}: dimension ${i + 1} names no <data-type:fcs-dimension>`);
          const min = optNum(`${where} dimension ${i + 1}`, a.min, 'min');
          const max = optNum(`${where} dimension ${i + 1}`, a.max, 'max');
          if (min === null && max === null) return fail(`${where}: dimension ${i + 1} (${n}) has neither min nor max`);
          return { name: n, min, max };
        });
        if (dims.length === 0) return fail(`${where}: a rectangle gate needs at least one dimension`);
        return { type: 'rectangle', dimensions: dims, complement };
      }
      case 'PolygonGate': {
        const dims = dimNames(g, where);
        if (dims.length !== 2) return fail(`${where}: a polygon gate needs exactly 2 dimensions, found ${dims.length}`);
        const vertices = childrenNamed(g, 'vertex').map((v, i) => {
          const c = coords(v, `${where} vertex ${i + 1}`);
          if (c.length !== 2) fail(`${where}: vertex ${i + 1} has ${c.length} coordinates, expected 2`);
          return [c[0] ?? missingValue('c[0]'), c[1] ?? missingValue('c[1]')] as [number, number];
        });
        if (vertices.length < 3) return fail(`${where}: a polygon needs at least 3 vertices, found ${vertices.length}`);
        return { type: 'polygon', dimensions: [dims[0] ?? missingValue('dims[0]'), dims[1] ?? missingValue('dims[1]')], vertices, complement };
      }
      case 'EllipsoidGate': {
        const dims = dimNames(g, where);
        if (dims.length !== 2) return fail(`${where}: a FlowJo ellipse needs exactly 2 dimensions, found ${dims.length}`);
        const points = (tagName: string, want: number) => {
          const list = childrenNamed(child(g, tagName), 'vertex').map((v, i) => {
            const c = coords(v, `${where} ${tagName} vertex ${i + 1}`);
            if (c.length !== 2) fail(`${where}: ${tagName} vertex ${i + 1} has ${c.length} coordinates, expected 2`);
            return [c[0] ?? missingValue('c[0]'), c[1] ?? missingValue('c[1]')] as [number, number];
          });
          if (list.length < want) fail(`${where}: <gating:${tagName}> needs ${want} vertices, found ${list.length}`);
          return list;
        };
        return { type: 'ellipse', dimensions: [dims[0] ?? missingValue('dims[0]'), dims[1] ?? missingValue('dims[1]')], foci: points('foci', 2), edge: points('edge', 4), complement };
      }
      default:
        return fail(`${where}: <gating:${tag}> is not supported (FlowJo 10 saves rectangles, polygons, ellipses and quadrants as rectangles; ${GATE_ELEMENTS.includes(tag) ? 'open and re-save the workspace in FlowJo 10' : 'unknown gate element'})`);
    }
  };

  const parsePopulations = (sub: XNode | undefined, parentPath: string, sampleName: string): FlowJoPopulationNode[] => {
    const out: FlowJoPopulationNode[] = [];
    for (const k of kids(sub)) {
      const tag = tagOf(k);
      const kind = tag === 'Population' ? 'gate' : tag === 'AndNode' ? 'and' : tag === 'OrNode' ? 'or' : tag === 'NotNode' ? 'not' : null;
      if (!kind) continue;
      const a = attrsOf(k);
      const pname = a.name ?? '';
      const path = parentPath ? `${parentPath}/${pname}` : pname;
      const where = `sample '${sampleName}' population '${path}'`;
      if (pname === '') fail(`${where}: a population has no name`);
      const count = a.count === undefined ? null : num(where, a.count, 'count');
      const node: FlowJoPopulationNode = {
        name: pname,
        kind,
        owningGroup: a.owningGroup ?? '',
        storedCount: count,
        gate: kind === 'gate' ? parseGate(k, where) : null,
        dependents: kind === 'gate' ? [] : childrenNamed(child(k, 'Dependents'), 'Dependent').map((d) => attrsOf(d).name ?? ''),
        children: parsePopulations(child(k, 'Subpopulations'), path, sampleName),
      };
      if (kind !== 'gate' && node.dependents.length === 0) fail(`${where}: a boolean node without <Dependent> populations`);
      out.push(node);
    }
    return out;
  };

  const samples: FlowJoSample[] = [];
  for (const s of childrenNamed(child(root, 'SampleList'), 'Sample')) {
    const node = child(s, 'SampleNode');
    const ds = attrsOf(child(s, 'DataSet'));
    const sa = attrsOf(node);
    const id = sa.sampleID ?? ds.sampleID ?? '';
    const sname = sa.name ?? id;
    const where = `sample '${sname}'`;
    const keywords: Record<string, string> = {};
    for (const kw of childrenNamed(child(s, 'Keywords'), 'Keyword')) {
      const ka = attrsOf(kw);
      if (ka.name !== undefined) keywords[ka.name] = ka.value ?? '';
    }
    const transforms = new Map<string, TransformSpec>();
    for (const t of kids(child(s, 'Transformations'))) {
      const kind = tagOf(t);
      if (kind === '#text') continue;
      const ta = attrsOf(t);
      const param = attrsOf(child(t, 'parameter')).name;
      const tw = `${where} transform <${kind}>${param ? ` of '${param}'` : ''}`;
      if (!param) fail(`${tw}: names no <data-type:parameter>`);
      let spec: TransformSpec;
      switch (kind) {
        case 'linear':
          spec = { kind: 'flin', T: num(tw, ta.maxRange, 'maxRange'), A: num(tw, ta.minRange, 'minRange') };
          break;
        case 'log':
          spec = { kind: 'flowjo-log', offset: num(tw, ta.offset, 'offset'), decades: num(tw, ta.decades, 'decades') };
          break;
        case 'fasinh':
          spec = { kind: 'fasinh', T: num(tw, ta.T, 'T'), M: num(tw, ta.M, 'M'), A: num(tw, ta.A, 'A') };
          break;
        case 'logicle':
          spec = { kind: 'logicle', T: num(tw, ta.T, 'T'), W: num(tw, ta.W, 'W'), M: num(tw, ta.M, 'M'), A: num(tw, ta.A, 'A') };
          break;
        case 'biex': {
          const length = ta.length === undefined ? 256 : num(tw, ta.length, 'length');
          if (length !== 256) fail(`${tw}: length ${length} is not supported (FlowJo 10 writes 256)`);
          spec = { kind: 'flowjo-biex', neg: num(tw, ta.neg, 'neg'), width: num(tw, ta.width, 'width'), pos: num(tw, ta.pos, 'pos'), maxRange: num(tw, ta.maxRange, 'maxRange') };
          break;
        }
        default:
          return fail(`${tw}: the FlowJo transform '${kind}' is not supported (linear, log, fasinh, logicle, biex are); set the channel to one of these in FlowJo`);
      }
      try {
        createTransform(spec);
      } catch (e) {
        fail(`${tw}: ${(e as Error).message}`);
      }
      transforms.set(param ?? missingValue('param'), spec);
    }
    const matrices = childrenNamed(s, 'spilloverMatrix');
    if (matrices.length > 1) fail(`${where}: ${matrices.length} spillover matrices; one per sample is supported`);
    const compensation = matrices[0] ? parseMatrix(matrices[0], where, num, fail) : null;
    samples.push({
      id,
      name: sname,
      uri: ds.uri ?? null,
      keywords,
      transforms,
      compensation,
      eventCount: sa.count === undefined ? null : num(where, sa.count, 'count'),
      populations: parsePopulations(child(node, 'Subpopulations'), '', sname),
    });
  }
  if (samples.length === 0) fail('the workspace has no samples (<SampleList> is empty)');
  return { source: name, flowJoVersion: attrsOf(root).flowJoVersion ?? null, groups, samples };
}

function parseMatrix(
  el: XNode,
  where: string,
  num: (where: string, raw: string | undefined, attr: string) => number,
  fail: (m: string) => never,
): FlowJoMatrix {
  const a = attrsOf(el);
  const mname = a.name ?? 'compensation';
  const mw = `${where} spillover matrix '${mname}'`;
  if (a.spectral === '1') fail(`${mw}: spectral (unmixing) matrices are not supported`);
  const detectors = childrenNamed(child(el, 'parameters'), 'parameter').map((p) => attrsOf(p).name ?? '');
  const rows = childrenNamed(el, 'spillover');
  const fluorochromes = rows.map((r) => attrsOf(r).parameter ?? '');
  const order = detectors.length > 0 ? detectors : fluorochromes;
  if (order.some((d) => d === '')) fail(`${mw}: a parameter has no name`);
  if (fluorochromes.length !== order.length || fluorochromes.some((f) => !order.includes(f))) fail(`${mw}: its rows do not match its parameters`);
  const values = rows.map((r, i) => {
    const row = new Array<number>(order.length).fill(Number.NaN);
    for (const c of childrenNamed(r, 'coefficient')) {
      const ca = attrsOf(c);
      const j = order.indexOf(ca.parameter ?? '');
      if (j < 0) fail(`${mw}: row ${i + 1} names the unknown parameter '${ca.parameter ?? ''}'`);
      row[j] = num(`${mw} row ${i + 1}`, ca.value, 'value');
    }
    if (row.some((v) => Number.isNaN(v))) fail(`${mw}: row ${i + 1} (${fluorochromes[i]}) lacks coefficients`);
    return row;
  });
  // Rows in detector order, so the matrix is square detectors × detectors.
  const sorted = order.map((d) => values[fluorochromes.indexOf(d)] ?? missingValue('values[fluorochromes.indexOf(d)]'));
  return { name: mname, prefix: a.prefix ?? 'Comp-', suffix: a.suffix ?? '', matrix: { detectors: [...order], fluorochromes: [...order], values: sorted, source: mw } };
}

/** Read and parse a workspace file. */
export function readFlowJoWorkspace(path: string): FlowJoWorkspace {
  const name = basename(path);
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(name, `cannot read file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message)})`);
  }
  return parseFlowJoWorkspace(xml, name);
}

/** One population of a sample's tree, with the gate id it got in the strategy. */
export interface FlowJoPopulation {
  /** Gate id in the strategy (`P1`, `P2`, … in tree order). */
  id: string;
  name: string;
  /** Names of the parent populations joined by `/` ("" for a top-level population). */
  path: string;
  /** path + '/' + name (just the name at the top level): FlowJo's own way to name a population. */
  fullPath: string;
  parentId: string | null;
  storedCount: number | null;
  owningGroup: string;
}

/**
 * The gate tree of one workspace sample as a GatingStrategy (gate ids P1…Pn in tree order), plus the list of its
 * populations. Gate coordinates are moved into the display space of each dimension's transform (see the header).
 */
export function flowJoStrategy(ws: FlowJoWorkspace, sample: FlowJoSample): { strategy: GatingStrategy; populations: FlowJoPopulation[] } {
  const fail = (message: string): never => {
    throw new InputError(ws.source, `sample '${sample.name}': ${message}`);
  };
  const comp = sample.compensation;
  const matrixId = comp ? `FlowJo:${comp.name}` : null;
  const strategy: GatingStrategy = { gates: [], transforms: {}, ratios: {}, matrices: comp && matrixId ? { [matrixId]: comp.matrix } : {} };
  const built = new Map<string, ReturnType<typeof createTransform>>();

  const dimension = (dn: string): { dim: GateDimension; spec: TransformSpec | null; apply: (v: number) => number } => {
    let channel = dn;
    let compensation = 'uncompensated';
    if (comp && dn.startsWith(comp.prefix) && dn.endsWith(comp.suffix) && dn.length >= comp.prefix.length + comp.suffix.length) {
      const stripped = dn.slice(comp.prefix.length, dn.length - comp.suffix.length);
      if (comp.matrix.detectors.includes(stripped)) {
        channel = stripped;
        compensation = matrixId ?? missingValue('matrixId');
      }
    }
    const key = sample.transforms.has(dn) ? dn : sample.transforms.has(channel) ? channel : null;
    if (key === null) return { dim: { kind: 'fcs', name: channel, compensation, transform: null }, spec: null, apply: (v) => v };
    const spec = sample.transforms.get(key) ?? missingValue('sample.transforms.get(key)');
    const tid = `T:${key}`;
    strategy.transforms[tid] = spec;
    let t = built.get(tid);
    if (!t) {
      t = createTransform(spec);
      built.set(tid, t);
    }
    const tt = t;
    return { dim: { kind: 'fcs', name: channel, compensation, transform: tid }, spec, apply: (v) => tt.apply(v) };
  };

  const populations: FlowJoPopulation[] = [];
  const byPath = new Map<string, string>();
  const pendingBooleans: Array<{ node: FlowJoPopulationNode; id: string; parentId: string | null; fullPath: string }> = [];
  let next = 1;
  const visit = (nodes: FlowJoPopulationNode[], parentPath: string, parentId: string | null) => {
    for (const node of nodes) {
      const id = `P${next++}`;
      const fullPath = parentPath ? `${parentPath}/${node.name}` : node.name;
      if (byPath.has(fullPath)) fail(`two populations are both called '${fullPath}'`);
      byPath.set(fullPath, id);
      populations.push({ id, name: node.name, path: parentPath, fullPath, parentId, storedCount: node.storedCount, owningGroup: node.owningGroup });
      const base = { id, parentId, name: node.name };
      const g = node.gate;
      if (node.kind !== 'gate') {
        // Placeholder; references are resolved once every path is known.
        strategy.gates.push({ ...base, type: 'boolean', operation: node.kind, references: [] });
        pendingBooleans.push({ node, id, parentId, fullPath });
      } else if (g?.type === 'rectangle') {
        const gate: Gate = {
          ...base,
          type: 'rectangle',
          complement: g.complement,
          dimensions: g.dimensions.map((d) => {
            const { dim, apply } = dimension(d.name);
            return { dimension: dim, min: d.min === null ? null : apply(d.min), max: d.max === null ? null : apply(d.max) };
          }),
        };
        strategy.gates.push(gate);
      } else if (g?.type === 'polygon') {
        const dx = dimension(g.dimensions[0]);
        const dy = dimension(g.dimensions[1]);
        strategy.gates.push({ ...base, type: 'polygon', complement: g.complement, dimensions: [dx.dim, dy.dim], vertices: g.vertices.map(([x, y]) => [dx.apply(x), dy.apply(y)] as [number, number]) });
      } else if (g?.type === 'ellipse') {
        const dx = dimension(g.dimensions[0]);
        const dy = dimension(g.dimensions[1]);
        const scale = (spec: TransformSpec | null) => (spec?.kind === 'flowjo-biex' ? FLOWJO_BIEX_CHANNELS : 1);
        let vertices: Array<[number, number]>;
        try {
          vertices = ellipseToPolygon(g.foci, g.edge, [scale(dx.spec), scale(dy.spec)]);
        } catch (e) {
          return fail(`population '${fullPath}': ${(e as Error).message}`);
        }
        strategy.gates.push({ ...base, type: 'polygon', complement: g.complement, dimensions: [dx.dim, dy.dim], vertices });
      }
      visit(node.children, fullPath, id);
    }
  };
  visit(sample.populations, '', null);
  for (const { node, id, fullPath } of pendingBooleans) {
    const gate = strategy.gates.find((x) => x.id === id);
    if (gate?.type !== 'boolean') continue;
    gate.references = node.dependents.map((dep) => {
      const ref = byPath.get(dep);
      if (!ref) return fail(`boolean population '${fullPath}' names '${dep}', which is not a population of this sample`);
      return { ref, complement: false };
    });
  }
  return { strategy, populations };
}

/**
 * A FlowJo ellipse (foci and four edge points in the 256 × 256 display grid) as a 128-vertex polygon in display
 * space, scaled per axis (4096 for biex, 1 for the transforms whose display range is 0…1). Construction as in
 * FlowKit 1.3 `WSPEllipsoidGate.convert_to_polygon_gate`: centre between the foci, rotate so the foci lie on the x
 * axis, semi-major axis a = the larger rotated coordinate of edge points 1 and 3, semi-minor b = sqrt(|c² − a²|)
 * from the focal distance c (FlowJo's minor edge point is not reliable), then rotate and shift back.
 */
export function ellipseToPolygon(foci: ReadonlyArray<readonly [number, number]>, edge: ReadonlyArray<readonly [number, number]>, scale: [number, number], vertices = 128): Array<[number, number]> {
  const f0 = [(foci[0] ?? missingValue('foci[0]'))[0] / 256, (foci[0] ?? missingValue('foci[0]'))[1] / 256];
  const f1 = [(foci[1] ?? missingValue('foci[1]'))[0] / 256, (foci[1] ?? missingValue('foci[1]'))[1] / 256];
  const cx = ((f0[0] ?? missingValue('f0[0]')) + (f1[0] ?? missingValue('f1[0]'))) / 2;
  const cy = ((f0[1] ?? missingValue('f0[1]')) + (f1[1] ?? missingValue('f1[1]'))) / 2;
  const slope = ((f1[1] ?? missingValue('f1[1]')) - (f0[1] ?? missingValue('f0[1]'))) / ((f1[0] ?? missingValue('f1[0]')) - (f0[0] ?? missingValue('f0[0]')));
  const theta = Number.isNaN(slope) ? 0 : Math.atan(slope);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  // Row vector · [[cos, −sin], [sin, cos]].
  const rotate = (x: number, y: number): [number, number] => [x * cos + y * sin, x * -sin + y * cos];
  const focus = rotate((f0[0] ?? missingValue('f0[0]')) - cx, (f0[1] ?? missingValue('f0[1]')) - cy);
  const e1 = rotate((edge[0] ?? missingValue('edge[0]'))[0] / 256 - cx, (edge[0] ?? missingValue('edge[0]'))[1] / 256 - cy).map(Math.abs) as [number, number];
  const e3 = rotate((edge[2] ?? missingValue('edge[2]'))[0] / 256 - cx, (edge[2] ?? missingValue('edge[2]'))[1] / 256 - cy).map(Math.abs) as [number, number];
  const argmax = (p: [number, number]) => (p[1] > p[0] ? 1 : 0);
  const m1 = argmax(e1);
  const m3 = argmax(e3);
  if (m1 === m3) throw new RangeError('cannot tell the major axis of the ellipse from its edge points');
  const a = Math.max(e1[m1], e3[m3]);
  const b = Math.sqrt(Math.abs(focus[0] ** 2 - a ** 2));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < vertices; i++) {
    const angle = 2 * Math.PI * (i / vertices);
    const x = m1 === 0 ? a * Math.cos(angle) : b * Math.cos(angle);
    const y = m1 === 0 ? b * Math.sin(angle) : a * Math.sin(angle);
    // Row vector · inverse rotation [[cos, sin], [−sin, cos]], then back to the centre.
    out.push([(x * cos + y * -sin + cx) * scale[0], (x * sin + y * cos + cy) * scale[1]]);
  }
  return out;
}
