/**
 * Cytometry file analysis: FCS files or per-cell tables + a panel (markers, thresholds) and/or a Gating-ML 2.0 file
 * -> CytometryResult (the `her2scope cytometry --json` contract). This is the entry point other features (the case
 * analysis) call:
 *
 *   const result = await analyzeCytometryFile('tumour.fcs', { panelPath: 'panel.yaml', controlPath: 'fmo.fcs' });
 *
 * Thresholds per marker, first that applies: the panel's `thresholds`, a per-cell call column (tables), the
 * control file (the `controlPercentile`-th percentile, default 99th, of the control's compensated values: at most
 * 1% of control events count as positive; a her2scope convention, not a guideline), else an automatic minimum-error split (Kittler & Illingworth 1986)
 * of the sample itself (flagged in the notes). For research use; not a medical device.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { InputError, detectionLimit } from '@her2scope/core';
import {
  analyzeStemCells,
  compensate,
  cytometryPopulation,
  summarizeStemCells,
  compensationMatrix,
  evaluateGates,
  gatePopulations,
  GatingError,
  autoThreshold,
  percentileThreshold,
  CompensationCache,
  type CytometryPanel,
  type CytometryResult,
  type GateResult,
  type GatingEventSource,
  type GatingStrategy,
  type MarkerInput,
  type PanelMarker,
  type SpilloverMatrix,
  type WorkspacePopulationMap,
} from '@her2scope/core/cytometry';
import { readCellTable, type CellTable } from '../cells/reader.ts';
import { readFcsFile, type FcsFile } from '../fcs/reader.ts';
import { readGatingML } from '../gatingml/parser.ts';
import { analyzeWithWorkspace, type FlowJoAnalysis, type FlowJoPopulationResult } from '../flowjo/index.ts';
import { readCompensationCsv, readPanelFile, writeFileAtomic } from './files.ts';
import { renderCytometrySvg } from './plot.ts';
import { fcsEventSource } from './source.ts';

export { readPanelFile, readCompensationCsv, writeFileAtomic } from './files.ts';
export { renderCytometrySvg, escapeXml, type PlotInput } from './plot.ts';
export { fcsEventSource } from './source.ts';

import { RESEARCH_USE_NOTICE as RESEARCH_USE } from '@her2scope/core/notice';

export interface AnalyzeCytometryOptions {
  panel?: CytometryPanel;
  /** Panel YAML/JSON file (ignored when `panel` is given). Relative paths inside it resolve against its folder. */
  panelPath?: string;
  /** Isotype / FMO control: thresholds of markers without an explicit one. */
  controlPath?: string;
  /** Gating-ML 2.0 file: every gate is reported; the panel's `gate` restricts the stem-cell analysis. */
  gatesPath?: string;
  /** 'fcs' (file keyword, default), 'none', or a CSV matrix path; overrides the panel's `compensation`. */
  compensation?: string;
  /** Bulk HER2 result; overrides the panel's `bulkHer2`. */
  bulkHer2?: string;
  /**
   * The bulk HER2 result comes later, from the case's pathology as the core classifies it (case loading): the result
   * leaves `bulkHer2` null and the flag unassessed, and the panel's `bulkHer2` is not used.
   */
  deferBulkHer2?: boolean;
  /** Write the CD44/CD24 density + HER2 histogram SVG here (atomically). */
  plotPath?: string;
  /** FlowJo 10 workspace (.wsp): every population of the matching sample is reported. */
  workspacePath?: string;
  /** Workspace sample group to pick the sample from. */
  group?: string;
  /** Workspace sample (SampleNode name, sample ID or $FIL); default: matched by $FIL / file name. */
  sample?: string;
  /** FCS data set to read (1-based) when the file holds several. */
  dataset?: number;
}

type Sample = { kind: 'fcs'; name: string; file: FcsFile } | { kind: 'table'; name: string; table: CellTable };

const MARKERS: PanelMarker[] = ['HER2', 'CD44', 'CD24', 'viability', 'lineage'];

function isFcs(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(basename(path), `cannot read file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message)})`);
  }
  try {
    const b = Buffer.alloc(3);
    const n = readSync(fd, b, 0, 3, 0);
    if (n === 3 && b.toString('latin1') === 'FCS') return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(basename(path), `cannot read file (${code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message)})`);
  } finally {
    closeSync(fd);
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.fcs' || ext === '.lmd') return true; // let the FCS reader explain what is wrong
  return false;
}

/** Channel/column names a gating strategy reads. */
function strategyChannels(s: GatingStrategy): string[] {
  const names = new Set<string>();
  const matrixFluor = new Set<string>();
  for (const m of Object.values(s.matrices)) {
    for (const d of m.detectors) names.add(d);
    for (const f of m.fluorochromes) matrixFluor.add(f);
  }
  const dim = (d: { kind: string; name?: string; ratio?: string }) => {
    if (d.kind === 'fcs' && d.name && !matrixFluor.has(d.name)) names.add(d.name);
    if (d.kind === 'ratio' && d.ratio && s.ratios[d.ratio]) {
      names.add(s.ratios[d.ratio]!.numerator);
      names.add(s.ratios[d.ratio]!.denominator);
    }
  };
  for (const g of s.gates) {
    if (g.type === 'rectangle') g.dimensions.forEach((d) => dim(d.dimension));
    else if (g.type === 'polygon' || g.type === 'ellipsoid') g.dimensions.forEach(dim);
    else if (g.type === 'quadrant') g.dividers.forEach((d) => dim(d.dimension));
  }
  return [...names];
}

async function loadSample(path: string, needColumns: string[], callColumns: string[], dataset?: number): Promise<Sample> {
  const name = basename(path);
  if (isFcs(path)) return { kind: 'fcs', name, file: readFcsFile(path, dataset !== undefined ? { dataset } : {}) };
  if (dataset !== undefined && dataset !== 1) throw new InputError(name, `--dataset ${dataset}: a per-cell table holds one data set`);
  const table = await readCellTable(path, { columns: [...new Set(needColumns)], callColumns: [...new Set(callColumns)] });
  return { kind: 'table', name, table };
}

function tableEventSource(t: CellTable): GatingEventSource {
  const names = [...t.values.keys()];
  return {
    eventCount: t.rows,
    channelIndex: (n) => {
      let i = names.indexOf(n);
      if (i < 0) i = names.findIndex((x) => x.toLowerCase() === n.trim().toLowerCase());
      return i;
    },
    channelName: (i) => names[i]!,
    column: (i) => t.values.get(names[i]!)!,
    spillover: null,
  };
}

function lazyFcsSource(file: FcsFile, cache: CompensationCache): GatingEventSource {
  const base = fcsEventSource(file, null);
  let spill: SpilloverMatrix | null | undefined;
  return {
    ...base,
    compensation: cache,
    get spillover() {
      if (spill === undefined) spill = file.spillover();
      return spill;
    },
  };
}

function gateResults(sample: Sample, strategy: GatingStrategy, gatesName: string, cache: CompensationCache): GateResult[] {
  try {
    return evaluateGates(strategy, sample.kind === 'fcs' ? lazyFcsSource(sample.file, cache) : tableEventSource(sample.table));
  } catch (e) {
    if (e instanceof GatingError) throw new InputError(gatesName, `${e.message} (sample ${sample.name})`);
    throw e;
  }
}

/** Resolve the compensation to use for the panel markers of an FCS sample. */
function panelSpillover(file: FcsFile, setting: string, baseDir: string, notes: string[]): SpilloverMatrix | null {
  const s = setting.trim();
  if (s.toLowerCase() === 'none') {
    notes.push('Compensation: none (as requested).');
    return null;
  }
  let spill: SpilloverMatrix | null;
  if (s.toLowerCase() === 'fcs') {
    spill = file.spillover();
    if (!spill) notes.push(`Compensation: ${file.source} has no $SPILLOVER/SPILL/$COMP keyword; its values are used uncompensated.`);
    else notes.push(`Compensation: ${spill.source} (${spill.detectors.length} detectors).`);
    return spill;
  }
  const path = isAbsolute(s) ? s : resolve(baseDir, s);
  spill = readCompensationCsv(path);
  spill.detectors = spill.detectors.map((d) => {
    const i = file.channelIndex(d);
    if (i < 0) throw new InputError(basename(path), `detector '${d}' is not a channel of ${file.source}`);
    return file.parameters[i]!.name;
  });
  spill.fluorochromes = [...spill.detectors];
  notes.push(`Compensation: ${basename(path)} (${spill.detectors.length} detectors).`);
  return spill;
}

/** Compensated, untransformed values of the panel's marker channels (columns the gates compensated already are reused). */
function fcsMarkerValues(file: FcsFile, markers: Partial<Record<PanelMarker, string>>, spill: SpilloverMatrix | null, where: string, cache: CompensationCache): Partial<Record<PanelMarker, Float64Array>> {
  const out: Partial<Record<PanelMarker, Float64Array>> = {};
  let k: number[][] | null = null;
  let detectorCols: Float64Array[] | null = null;
  for (const m of MARKERS) {
    const ch = markers[m];
    if (ch === undefined) continue;
    const idx = file.channelIndex(ch);
    if (idx < 0) {
      const list = file.parameters.map((p) => (p.label ? `${p.name} (${p.label})` : p.name)).join(', ');
      throw new InputError(where, `markers.${m}: channel '${ch}' is not in ${file.source} (channels: ${list})`);
    }
    const pn = file.parameters[idx]!.name;
    const j = spill ? spill.detectors.indexOf(pn) : -1;
    if (spill && j >= 0) {
      const s = spill;
      out[m] = cache.column(s, j, () => {
        k ??= compensationMatrix(s);
        detectorCols ??= s.detectors.map((d) => file.scaledColumn(file.channelIndex(d)));
        return compensate(detectorCols, k, [j])[j]!;
      });
    } else out[m] = file.scaledColumn(idx);
  }
  return out;
}

function tableMarkerValues(t: CellTable, panel: CytometryPanel): Partial<Record<PanelMarker, Float64Array>> {
  const out: Partial<Record<PanelMarker, Float64Array>> = {};
  for (const m of MARKERS) {
    const ch = panel.markers?.[m];
    if (ch === undefined || panel.calls?.[m] !== undefined) continue;
    out[m] = t.values.get(ch)!;
  }
  return out;
}

function gateMask(results: GateResult[] | null, gate: string | undefined, where: string): { membership: Uint8Array; name: string } | null {
  if (gate === undefined) return null;
  if (!results) throw new InputError(where, `gate: '${gate}' needs a Gating-ML file (--gates)`);
  const r = results.find((x) => x.id === gate);
  if (!r) throw new InputError(where, `gate: '${gate}' is not a gate of the Gating-ML file (gates: ${results.map((x) => x.id).join(', ')})`);
  return { membership: r.membership, name: gate };
}

function andMask(a: Uint8Array | null, n: number, pred: (i: number) => boolean): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = (a === null || a[i] === 1) && pred(i) ? 1 : 0;
  return m;
}

/** Analyse one FCS file or per-cell table. Throws InputError (file and field named) for bad input. */
export async function analyzeCytometryFile(path: string, options: AnalyzeCytometryOptions = {}): Promise<CytometryResult> {
  const panel = options.panel ?? (options.panelPath ? readPanelFile(options.panelPath) : undefined);
  const panelName = options.panelPath ? basename(options.panelPath) : 'panel';
  const baseDir = options.panelPath && !options.panel ? dirname(resolve(options.panelPath)) : process.cwd();
  const gatesName = options.gatesPath ? basename(options.gatesPath) : '';
  const strategy = options.gatesPath ? readGatingML(options.gatesPath) : null;
  if (!panel && !strategy && !options.workspacePath) throw new InputError('', 'nothing to do: give a panel (--panel), a Gating-ML file (--gates) and/or a FlowJo workspace (--workspace)');
  if (options.plotPath && !panel?.markers) throw new InputError('--plot', 'the plot shows the panel markers; give --panel too');
  if (panel?.populations && !options.workspacePath) throw new InputError(panelName, 'populations: naming workspace populations needs a FlowJo workspace (--workspace)');

  const markers0 = panel?.markers;
  const markerColumns = panel && markers0 && !panel.populations ? MARKERS.filter((m) => markers0[m] !== undefined && panel.calls?.[m] === undefined).map((m) => markers0[m]!) : [];
  const callColumns = panel ? MARKERS.filter((m) => panel.calls?.[m] !== undefined).map((m) => panel.calls![m]!) : [];
  const gateColumns = strategy ? strategyChannels(strategy) : [];
  const sample = await loadSample(path, [...markerColumns, ...gateColumns], callColumns, options.dataset);
  const n = sample.kind === 'fcs' ? sample.file.eventCount : sample.table.rows;
  const notes: string[] = [];
  const warnings: string[] = [];
  if (sample.kind === 'fcs') {
    for (const w of sample.file.warnings) {
      notes.push(`${sample.name}: ${w}`);
      warnings.push(`${sample.name}: ${w}`);
    }
  }

  // One cache per sample: the gates' FCS compensation and the panel markers' share compensated columns.
  const sampleCache = new CompensationCache();
  const gates = strategy ? gateResults(sample, strategy, gatesName, sampleCache) : null;
  const gatePops = gates ? gatePopulations(gates) : [];
  let flowjo: FlowJoAnalysis | null = null;
  if (options.workspacePath) {
    if (sample.kind !== 'fcs') throw new InputError(sample.name, 'a FlowJo workspace applies to FCS files, not per-cell tables');
    flowjo = analyzeWithWorkspace(sample.file, options.workspacePath, { ...(options.group !== undefined ? { group: options.group } : {}), ...(options.sample !== undefined ? { sample: options.sample } : {}) });
    for (const w of flowjo.warnings) {
      notes.push(w);
      warnings.push(w);
    }
    notes.push(`FlowJo workspace ${flowjo.workspace}: sample '${flowjo.sample.name}', ${flowjo.populations.length} populations.`);
  }
  const wsPops = flowjo ? workspacePopulations(flowjo) : [];

  if (panel?.populations && flowjo) {
    const result = workspaceStemCells(flowjo, panel.populations, panelName, n, options.deferBulkHer2 ? undefined : (options.bulkHer2 ?? panel.bulkHer2 ?? null), notes);
    result.populations = [...gatePops, ...wsPops, ...result.populations];
    if (warnings.length > 0) result.warnings = warnings;
    return result;
  }

  if (!panel || !panel.markers) {
    if (panel && !panel.markers) throw new InputError(panelName, 'markers: must map HER2, CD44 and CD24 (optionally viability, lineage) to channel names');
    return {
      events: n,
      populations: [...gatePops, ...wsPops],
      hiddenHer2StemCells: false,
      detectionLimit: n > 0 ? detectionLimit(n) : null,
      totalEvents: n,
      analysed: 'all events',
      thresholds: {},
      bulkHer2: null,
      notes: [...notes, `No panel given: only the ${flowjo && !strategy ? 'workspace populations are' : strategy && !flowjo ? 'Gating-ML gates are' : 'Gating-ML gates and workspace populations are'} reported; fractions are of each gate\u2019s parent (all events for top-level gates).`],
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }
  const pm = panel.markers;

  // Marker values (compensated, untransformed).
  let values: Partial<Record<PanelMarker, Float64Array>>;
  let spill: SpilloverMatrix | null = null;
  const compSetting = options.compensation ?? panel.compensation ?? 'fcs';
  if (sample.kind === 'fcs') {
    spill = panelSpillover(sample.file, compSetting, options.compensation ? process.cwd() : baseDir, notes);
    values = fcsMarkerValues(sample.file, pm, spill, panelName, sampleCache);
  } else {
    if (options.compensation || panel.compensation) notes.push('Compensation does not apply to per-cell tables; the values are used as given.');
    values = tableMarkerValues(sample.table, panel);
  }
  const calls: Partial<Record<PanelMarker, Uint8Array>> = {};
  if (panel.calls) {
    if (sample.kind === 'fcs') throw new InputError(panelName, 'calls: call columns apply to per-cell tables, not FCS files');
    for (const m of MARKERS) if (panel.calls[m] !== undefined) calls[m] = sample.table.calls.get(panel.calls[m]!)!;
  }
  const gate = gateMask(gates, panel.gate, panelName);

  // Control file values, for thresholds not given explicitly.
  const pct = panel.controlPercentile ?? 99;
  let control: { values: Partial<Record<PanelMarker, Float64Array>>; mask: Uint8Array | null; name: string } | null = null;
  if (options.controlPath) {
    const c = await loadSample(options.controlPath, [...markerColumns, ...gateColumns], []);
    const controlCache = new CompensationCache();
    let cv: Partial<Record<PanelMarker, Float64Array>>;
    if (c.kind === 'fcs') {
      const cnotes: string[] = [];
      const cs = panelSpillover(c.file, compSetting, options.compensation ? process.cwd() : baseDir, cnotes);
      cv = fcsMarkerValues(c.file, pm, cs, panelName, controlCache);
    } else cv = tableMarkerValues(c.table, panel);
    const cg = panel.gate && strategy ? gateMask(gateResults(c, strategy, gatesName, controlCache), panel.gate, panelName) : null;
    control = { values: cv, mask: cg?.membership ?? null, name: c.name };
  }

  const markers: Partial<Record<PanelMarker, MarkerInput>> = {};
  // Order matters for automatic thresholds: viability on gated events, lineage on live ones, then the markers on
  // the analysed (live, lineage-positive) events.
  let autoMask: Uint8Array | null = gate?.membership ?? null;
  for (const m of ['viability', 'lineage', 'HER2', 'CD44', 'CD24'] as const) {
    const channel = pm[m];
    if (channel === undefined) continue;
    if (calls[m]) {
      markers[m] = { channel: panel.calls![m]!, calls: calls[m] };
    } else {
      const v = values[m]!;
      let threshold: MarkerInput['threshold'];
      const explicit = panel.thresholds?.[m];
      if (explicit !== undefined) threshold = { value: explicit, source: 'panel' };
      else if (control) {
        const cv = control.values[m]!;
        const t = percentileThreshold(cv, pct, control.mask);
        if (t === null) throw new InputError(control.name, `no finite ${m} values to set a threshold from`);
        threshold = { value: t, source: 'control' };
        notes.push(`${m} threshold ${Number(t.toPrecision(6))} = ${pct}th percentile of ${control.name} (control).`);
      } else {
        const t = autoThreshold(v, autoMask);
        if (t === null) throw new InputError(sample.name, `cannot set an automatic ${m} threshold (too few distinct values); give thresholds.${m} in the panel or a --control file`);
        threshold = { value: t, source: 'automatic' };
      }
      markers[m] = { channel, values: v, threshold };
    }
    if (m === 'viability' || m === 'lineage') {
      const mk = markers[m]!;
      const want = m === 'viability' ? 0 : 1;
      const vals = mk.values;
      const t = mk.threshold?.value ?? 0;
      const c = mk.calls;
      autoMask = andMask(autoMask, n, (i) => (c ? c[i] === want : m === 'viability' ? vals![i]! < t : vals![i]! >= t));
    }
  }

  const result = analyzeStemCells({
    eventCount: n,
    markers: markers as Parameters<typeof analyzeStemCells>[0]['markers'],
    gate,
    bulkHer2: options.deferBulkHer2 ? null : (options.bulkHer2 ?? panel.bulkHer2 ?? null),
    ...(options.deferBulkHer2 ? { deferBulkHer2: true } : {}),
    notes,
  });
  result.populations = [...gatePops, ...wsPops, ...result.populations];
  if (warnings.length > 0) result.warnings = warnings;

  if (options.plotPath) {
    // Analysed events only.
    const her2 = values.HER2 ?? null;
    const cd44 = values.CD44 ?? null;
    const cd24 = values.CD24 ?? null;
    if (!her2 || !cd44 || !cd24) throw new InputError('--plot', 'the plot needs HER2, CD44 and CD24 intensities (not call columns)');
    const keep: number[] = [];
    const v = markers.viability;
    const l = markers.lineage;
    for (let i = 0; i < n; i++) {
      if (gate && gate.membership[i] === 0) continue;
      if (v && (v.calls ? v.calls[i] !== 0 : !(v.values![i]! < v.threshold!.value))) continue;
      if (l && (l.calls ? l.calls[i] !== 1 : !(l.values![i]! >= l.threshold!.value))) continue;
      if (Number.isNaN(her2[i]!) || Number.isNaN(cd44[i]!) || Number.isNaN(cd24[i]!)) continue;
      keep.push(i);
    }
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]!);
    const svg = renderCytometrySvg({
      title: `${sample.name}: HER2 / CD44 / CD24`,
      cd44: pick(cd44),
      cd24: pick(cd24),
      her2: pick(her2),
      channels: { HER2: pm.HER2, CD44: pm.CD44, CD24: pm.CD24 },
      thresholds: { HER2: markers.HER2?.threshold?.value ?? null, CD44: markers.CD44?.threshold?.value ?? null, CD24: markers.CD24?.threshold?.value ?? null },
      result,
      notice: RESEARCH_USE,
    });
    writeFileAtomic(options.plotPath, svg);
  }
  return result;
}

/** Workspace populations in tree order: FlowJo name, parent path, count, fraction of the parent population. */
function workspacePopulations(a: FlowJoAnalysis) {
  const byId = new Map(a.populations.map((p) => [p.id, p]));
  return a.populations.map((p) => ({
    ...cytometryPopulation(p.name, p.count, p.parentId ? byId.get(p.parentId)!.fullPath : 'all', p.parentCount),
    path: p.path,
    workspaceCount: p.storedCount,
  }));
}

/** A panel reference to a workspace population: its full path (`A/B/C`), else a name that only one population has. */
function findPopulation(a: FlowJoAnalysis, ref: string, where: string): FlowJoPopulationResult {
  const byPath = a.populations.find((p) => p.fullPath === ref);
  if (byPath) return byPath;
  const byName = a.populations.filter((p) => p.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new InputError(where, `'${ref}' names ${byName.length} workspace populations; give the path (${byName.map((p) => p.fullPath).join(', ')})`);
  throw new InputError(where, `'${ref}' is not a population of workspace sample '${a.sample.name}' (populations: ${a.populations.map((p) => p.fullPath).join(', ') || 'none'})`);
}

/** The three stem-cell populations taken from the workspace populations the panel names (within `analysed`). */
/** `bulkHer2` undefined: deferred to the case interpretation (AnalyzeCytometryOptions.deferBulkHer2). */
function workspaceStemCells(a: FlowJoAnalysis, map: WorkspacePopulationMap, panelName: string, n: number, bulkHer2: string | null | undefined, notes: string[]): CytometryResult {
  const pick = (key: keyof WorkspacePopulationMap) => findPopulation(a, map[key]!, `${panelName}: populations.${key}`);
  const her2 = pick('HER2+');
  const stem = pick('CD44+CD24-low');
  const both = pick('HER2+CD44+CD24-low');
  const analysed = map.analysed !== undefined ? pick('analysed') : null;
  const within = (p: FlowJoPopulationResult): number => {
    if (!analysed) return p.count;
    let c = 0;
    const m = p.membership;
    const am = analysed.membership;
    for (let i = 0; i < m.length; i++) c += m[i]! & am[i]!;
    return c;
  };
  const counts = { her2: within(her2), stem: within(stem), both: within(both) };
  notes.push(`Populations from the workspace: HER2+ = '${her2.fullPath}', CD44+CD24-low = '${stem.fullPath}', HER2+CD44+CD24-low = '${both.fullPath}'.`);
  return summarizeStemCells({
    totalEvents: n,
    analysed: analysed ? analysed.count : n,
    ...counts,
    analysedText: analysed ? `events in workspace population '${analysed.fullPath}'` : 'all events',
    thresholds: {},
    notes,
    bulkHer2: bulkHer2 ?? null,
    ...(bulkHer2 === undefined ? { deferBulkHer2: true } : {}),
  });
}
