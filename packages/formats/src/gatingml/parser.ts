/**
 * Gating-ML 2.0 XML -> the plain gate model of @her2scope/core/cytometry (Spidlen J et al. Cytometry A
 * 2015;87:683-687). Parsed with fast-xml-parser with namespace prefixes removed, so `gating:`, `transforms:` and
 * `data-type:` may use any prefix (or a default namespace). Gates are found at any depth below the root.
 * Errors are InputErrors naming the file and the gate / element.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '@her2scope/core';
import {
  createTransform,
  validateStrategy,
  GatingError,
  type Gate,
  type GateDimension,
  type GatingStrategy,
  type RatioDefinition,
  type SpilloverMatrix,
  type TransformSpec,
} from '@her2scope/core/cytometry';
import { missingValue } from '@her2scope/core/errors';

type Node = Record<string, unknown>;

const GATE_TYPES = ['RectangleGate', 'PolygonGate', 'EllipsoidGate', 'QuadrantGate', 'BooleanGate'] as const;
const SCALE_TRANSFORMS = ['flin', 'flog', 'fasinh', 'logicle', 'hyperlog'] as const;
/** Required parameters of each Gating-ML 2.0 transformation. */
const TRANSFORM_PARAMS: Record<(typeof SCALE_TRANSFORMS)[number], string[]> = {
  flin: ['T', 'A'],
  flog: ['T', 'M'],
  fasinh: ['T', 'M', 'A'],
  logicle: ['T', 'W', 'M', 'A'],
  hyperlog: ['T', 'W', 'M', 'A'],
};

function children(node: Node | undefined, name: string): Node[] {
  const v = node?.[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? { '#text': x } : (x as Node)));
}

function attrs(node: Node): Record<string, string> {
  const a = node['@'];
  const first: unknown = Array.isArray(a) ? a[0] : a;
  return (first as Record<string, string> | undefined) ?? {};
}

function text(node: Node): string {
  const t = node['#text'];
  const first: unknown = Array.isArray(t) ? (t[0] ?? '') : (t ?? '');
  return String(first);
}

/** Parse Gating-ML 2.0 text. `name` is used in messages. */
export function parseGatingML(xml: string, name = 'Gating-ML'): GatingStrategy {
  const fail = (message: string): never => {
    throw new InputError(name, message);
  };
  if (/<!ENTITY/i.test(xml)) fail('DTD entity declarations are not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) fail(`line ${valid.err.line}: not well-formed XML: ${valid.err.msg}`);
  if (/isac-net\.org\/std\/Gating-ML\/v1\.5/.test(xml)) fail('this is Gating-ML 1.5; only Gating-ML 2.0 is supported');
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributesGroupName: '@',
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: true,
    isArray: () => true,
  });
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    return fail(`not readable XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const root = children(doc, 'Gating-ML')[0];
  if (!root) {
    const top = Object.keys(doc).filter((k) => !k.startsWith('?') && k !== '#text' && k !== '@')[0];
    return fail(`not a Gating-ML document (root element is <${top ?? 'none'}>, expected <gating:Gating-ML>)`);
  }

  const num = (where: string, raw: string | undefined, attr: string): number => {
    if (raw === undefined || raw.trim() === '') return fail(`${where}: attribute ${attr} is missing`);
    const v = Number(raw.trim());
    if (!Number.isFinite(v)) return fail(`${where}: ${attr} '${raw}' is not a number`);
    return v;
  };
  const optNum = (where: string, raw: string | undefined, attr: string): number | null => (raw === undefined || raw.trim() === '' ? null : num(where, raw, attr));

  // Transformations and spectrum matrices (anywhere in the document).
  const transforms: Record<string, TransformSpec> = {};
  const ratios: Record<string, RatioDefinition> = {};
  const matrices: Record<string, SpilloverMatrix> = {};
  const seenTransformIds = new Set<string>();
  walk(root, (tag, node) => {
    if (tag === 'transformation') {
      const id = attrs(node).id;
      if (!id) return fail('a <transforms:transformation> has no transforms:id');
      if (seenTransformIds.has(id)) return fail(`transformation id '${id}' is defined twice`);
      seenTransformIds.add(id);
      const where = `transformation '${id}'`;
      const ratio = children(node, 'fratio')[0];
      if (ratio) {
        const a = attrs(ratio);
        const dims = children(ratio, 'fcs-dimension').map((d) => attrs(d).name);
        if (dims.length !== 2 || dims.some((d) => !d)) return fail(`${where}: fratio needs exactly two <data-type:fcs-dimension> with a name`);
        ratios[id] = { kind: 'fratio', A: num(where, a.A, 'A'), B: num(where, a.B, 'B'), C: num(where, a.C, 'C'), numerator: dims[0] ?? missingValue('dims[0]'), denominator: dims[1] ?? missingValue('dims[1]') };
        return;
      }
      for (const kind of SCALE_TRANSFORMS) {
        const t = children(node, kind)[0];
        if (!t) continue;
        const a = attrs(t);
        const p: Record<string, number> = {};
        for (const k of TRANSFORM_PARAMS[kind]) p[k] = num(`${where} (${kind})`, a[k], k);
        transforms[id] = { kind, ...p } as TransformSpec;
        return;
      }
      const inner = Object.keys(node).filter((k) => k !== '@' && k !== '#text' && k !== 'custom_info');
      return fail(`${where}: unsupported transformation <${inner[0] ?? 'empty'}> (supported: flin, flog, fasinh, logicle, hyperlog, fratio)`);
    }
    if (tag === 'spectrumMatrix') {
      const a = attrs(node);
      const id = a.id;
      if (!id) return fail('a <transforms:spectrumMatrix> has no transforms:id');
      if (id === 'FCS' || id === 'uncompensated') return fail(`spectrumMatrix id '${id}' is reserved`);
      if (id in matrices) return fail(`spectrumMatrix id '${id}' is defined twice`);
      const where = `spectrumMatrix '${id}'`;
      const names = (tagName: string) => children(children(node, tagName)[0], 'fcs-dimension').map((d) => attrs(d).name ?? '');
      const fluorochromes = names('fluorochromes');
      const detectors = names('detectors');
      if (detectors.length === 0) return fail(`${where}: no <transforms:detectors>`);
      if (fluorochromes.length === 0) return fail(`${where}: no <transforms:fluorochromes>`);
      const values = children(node, 'spectrum').map((s, i) =>
        children(s, 'coefficient').map((c, j) => num(`${where} spectrum ${i + 1} coefficient ${j + 1}`, attrs(c).value, 'value')),
      );
      if (values.length !== fluorochromes.length) return fail(`${where}: ${values.length} spectra for ${fluorochromes.length} fluorochromes`);
      values.forEach((row, i) => {
        if (row.length !== detectors.length) fail(`${where}: spectrum ${i + 1} has ${row.length} coefficients for ${detectors.length} detectors`);
      });
      matrices[id] = { fluorochromes, detectors, values, inverted: a['matrix-inverted-already'] === 'true', source: `${name} ${where}` };
    }
    return undefined;
  });

  const dimensionOf = (gateId: string, node: Node, what: string): GateDimension => {
    const a = attrs(node);
    const compensation = a['compensation-ref'] ?? 'uncompensated';
    const transform = a['transformation-ref'] ?? null;
    const fcs = children(node, 'fcs-dimension')[0];
    const nd = children(node, 'new-dimension')[0];
    if (fcs) {
      const dn = attrs(fcs).name;
      if (!dn) return fail(`gate '${gateId}': ${what} has a <data-type:fcs-dimension> without data-type:name`);
      return { kind: 'fcs', name: dn, compensation, transform };
    }
    if (nd) {
      const ref = attrs(nd)['transformation-ref'];
      if (!ref) return fail(`gate '${gateId}': ${what} has a <data-type:new-dimension> without data-type:transformation-ref`);
      return { kind: 'ratio', ratio: ref, compensation, transform };
    }
    return fail(`gate '${gateId}': ${what} names no <data-type:fcs-dimension> or <data-type:new-dimension>`);
  };

  const gates: Gate[] = [];
  walk(root, (tag, node) => {
    if (!(GATE_TYPES as readonly string[]).includes(tag)) return;
    const a = attrs(node);
    const id = a.id;
    if (!id) return fail(`a <gating:${tag}> has no gating:id`);
    const base = { id, parentId: a.parent_id ?? null, ...(a.name ? { name: a.name } : {}) };
    const dims = children(node, 'dimension');
    switch (tag) {
      case 'RectangleGate':
        gates.push({
          ...base,
          type: 'rectangle',
          dimensions: dims.map((d, i) => {
            const da = attrs(d);
            return { dimension: dimensionOf(id, d, `dimension ${i + 1}`), min: optNum(`gate '${id}' dimension ${i + 1}`, da.min, 'min'), max: optNum(`gate '${id}' dimension ${i + 1}`, da.max, 'max') };
          }),
        });
        break;
      case 'PolygonGate': {
        if (dims.length !== 2) return fail(`gate '${id}': a polygon gate needs exactly 2 dimensions, found ${dims.length}`);
        const vertices = children(node, 'vertex').map((v, i) => {
          const c = children(v, 'coordinate').map((x) => num(`gate '${id}' vertex ${i + 1}`, attrs(x).value, 'value'));
          if (c.length !== 2) fail(`gate '${id}': vertex ${i + 1} has ${c.length} coordinates, expected 2`);
          return [c[0] ?? missingValue('c[0]'), c[1] ?? missingValue('c[1]')] as [number, number];
        });
        gates.push({ ...base, type: 'polygon', dimensions: [dimensionOf(id, dims[0] ?? missingValue('dims[0]'), 'dimension 1'), dimensionOf(id, dims[1] ?? missingValue('dims[1]'), 'dimension 2')], vertices });
        break;
      }
      case 'EllipsoidGate': {
        const mean = children(children(node, 'mean')[0], 'coordinate').map((x) => num(`gate '${id}' mean`, attrs(x).value, 'value'));
        const covariance = children(children(node, 'covarianceMatrix')[0], 'row').map((r, i) =>
          children(r, 'entry').map((x) => num(`gate '${id}' covariance row ${i + 1}`, attrs(x).value, 'value')),
        );
        const ds = children(node, 'distanceSquare')[0];
        if (!ds) return fail(`gate '${id}': <gating:distanceSquare> is missing`);
        gates.push({
          ...base,
          type: 'ellipsoid',
          dimensions: dims.map((d, i) => dimensionOf(id, d, `dimension ${i + 1}`)),
          mean,
          covariance,
          distanceSquare: num(`gate '${id}' distanceSquare`, attrs(ds).value, 'value'),
        });
        break;
      }
      case 'QuadrantGate': {
        const dividers = children(node, 'divider').map((d, i) => {
          const da = attrs(d);
          const did = da.id;
          if (!did) fail(`gate '${id}': divider ${i + 1} has no gating:id`);
          return {
            id: did ?? missingValue('did'),
            dimension: dimensionOf(id, d, `divider '${did}'`),
            values: children(d, 'value').map((v) => {
              const t = text(v);
              const x = Number(t.trim());
              if (t.trim() === '' || !Number.isFinite(x)) fail(`gate '${id}': divider '${did}' value '${t}' is not a number`);
              return x;
            }),
          };
        });
        const quadrants = children(node, 'Quadrant').map((q, i) => {
          const qid = attrs(q).id;
          if (!qid) fail(`gate '${id}': quadrant ${i + 1} has no gating:id`);
          return {
            id: qid ?? missingValue('qid'),
            positions: children(q, 'position').map((p) => {
              const pa = attrs(p);
              const divider = pa.divider_ref ?? pa['divider-ref'];
              if (!divider) fail(`gate '${id}': quadrant '${qid}' has a position without gating:divider_ref`);
              return { divider: divider ?? missingValue('divider'), location: num(`gate '${id}' quadrant '${qid}'`, pa.location, 'location') };
            }),
          };
        });
        if (quadrants.length === 0) return fail(`gate '${id}': a quadrant gate needs at least one <gating:Quadrant>`);
        gates.push({ ...base, type: 'quadrant', dividers, quadrants });
        break;
      }
      case 'BooleanGate': {
        const ops = (['and', 'or', 'not'] as const).filter((op) => children(node, op).length > 0);
        if (ops.length !== 1) return fail(`gate '${id}': a boolean gate needs exactly one of <gating:and>, <gating:or>, <gating:not>`);
        const op = ops[0] ?? missingValue('ops[0]');
        const references = children(children(node, op)[0], 'gateReference').map((r) => {
          const ra = attrs(r);
          if (!ra.ref) fail(`gate '${id}': a <gating:gateReference> has no gating:ref`);
          return { ref: ra.ref ?? missingValue('ra.ref'), complement: ra['use-as-complement'] === 'true' };
        });
        gates.push({ ...base, type: 'boolean', operation: op, references });
        break;
      }
    }
    return 'skip';
  });
  if (gates.length === 0) fail('no gates found (expected <gating:RectangleGate>, PolygonGate, EllipsoidGate, QuadrantGate or BooleanGate)');
  // The parser groups elements by tag; restore document order from the gate elements' positions in the text.
  const position = new Map<string, number>();
  const gateTag = /<(?:[\w.-]+:)?(?:RectangleGate|PolygonGate|EllipsoidGate|QuadrantGate|BooleanGate)\b[^>]*?(?:[\w.-]+:)?\bid\s*=\s*(["'])(.*?)\1/g;
  for (let m = gateTag.exec(xml); m; m = gateTag.exec(xml)) if (!position.has(m[2] ?? missingValue('m[2]'))) position.set(m[2] ?? missingValue('m[2]'), m.index);
  gates.sort((a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity));
  const strategy: GatingStrategy = { gates, transforms, ratios, matrices };
  try {
    validateStrategy(strategy);
    for (const [id, spec] of Object.entries(transforms)) checkTransform(id, spec);
  } catch (e) {
    if (e instanceof GatingError || e instanceof RangeError) fail(e.message);
    throw e;
  }
  return strategy;
}

function checkTransform(id: string, spec: TransformSpec): void {
  // Build once to validate the parameters (throws RangeError naming the problem).
  try {
    void createTransform(spec);
  } catch (e) {
    throw new RangeError(`transformation '${id}': ${(e as Error).message}`);
  }
}

/** Depth-first walk over elements; the visitor returns 'skip' to not descend into a node. */
function walk(node: Node, visit: (tag: string, node: Node) => 'skip' | undefined | void): void {
  for (const [tag, value] of Object.entries(node)) {
    if (tag === '@' || tag === '#text') continue;
    const list = Array.isArray(value) ? value : [value];
    for (const child of list) {
      if (child === null || typeof child !== 'object') continue;
      if (visit(tag, child as Node) === 'skip') continue;
      walk(child as Node, visit);
    }
  }
}

/** Read and parse a Gating-ML 2.0 file. */
export function readGatingML(path: string): GatingStrategy {
  const name = basename(path);
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(name, `cannot read file (${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)})`);
  }
  return parseGatingML(xml, name);
}
