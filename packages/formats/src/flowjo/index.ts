/**
 * FlowJo 10 workspaces: read a .wsp, find the workspace sample that an FCS file is, and compute every population of
 * that sample's gate tree with FlowJo's compensation, transforms and gates (see workspace.ts for the semantics).
 */
import { basename } from 'node:path';
import { InputError } from '@her2scope/core';
import { evaluateGates, GatingError, type GateResult } from '@her2scope/core/cytometry';
import type { FcsFile } from '../fcs/reader.ts';
import { fcsEventSource } from '../cytometry/source.ts';
import { flowJoStrategy, readFlowJoWorkspace, type FlowJoPopulation, type FlowJoSample, type FlowJoWorkspace } from './workspace.ts';
import { missingValue } from '@her2scope/core/errors';

export * from './workspace.ts';

export interface FlowJoSelection {
  /** Only samples of this group (`GroupNode` name). */
  group?: string;
  /** The workspace sample: its `SampleNode` name, sample ID or `$FIL`. */
  sample?: string;
}

function decodeUriName(uri: string): string {
  let p = uri.replace(/^file:/i, '');
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep it as written
  }
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * The workspace sample for an FCS file. With `sample`, the one so named (SampleNode name, sample ID or $FIL);
 * otherwise the one whose $FIL keyword equals the file's $FIL, or whose DataSet file name / SampleNode name is the
 * file's name. `group` limits the choice to that group's samples. Errors list what exists.
 */
export function matchFlowJoSample(ws: FlowJoWorkspace, file: { fil: string | undefined; fileName: string }, selection: FlowJoSelection = {}): FlowJoSample {
  let candidates = ws.samples;
  if (selection.group !== undefined) {
    const group = ws.groups.find((g) => g.name === selection.group);
    if (!group) throw new InputError(ws.source, `--group: no group '${selection.group}' (groups: ${ws.groups.map((g) => g.name).join(', ') || 'none'})`);
    candidates = candidates.filter((s) => group.sampleIds.includes(s.id));
    if (candidates.length === 0) throw new InputError(ws.source, `--group: group '${selection.group}' has no samples`);
  }
  const names = () => candidates.map((s) => s.name).join(', ');
  if (selection.sample !== undefined) {
    const want = selection.sample;
    const hits = candidates.filter((s) => s.name === want || s.id === want || s.keywords.$FIL === want);
    if (hits.length === 1) return hits[0] ?? missingValue('hits[0]');
    if (hits.length === 0) throw new InputError(ws.source, `--sample: no sample '${want}'${selection.group !== undefined ? ` in group '${selection.group}'` : ''} (samples: ${names()})`);
    throw new InputError(ws.source, `--sample: '${want}' names ${hits.length} samples; give the sample ID (${hits.map((h) => h.id).join(', ')})`);
  }
  const byFil = file.fil !== undefined ? candidates.filter((s) => s.keywords.$FIL === file.fil) : [];
  const byName = candidates.filter((s) => s.name === file.fileName || (s.uri !== null && decodeUriName(s.uri) === file.fileName));
  const hits = byFil.length > 0 ? byFil : byName;
  if (hits.length === 1) return hits[0] ?? missingValue('hits[0]');
  if (hits.length === 0) {
    throw new InputError(ws.source, `no workspace sample matches ${file.fileName}${file.fil !== undefined ? ` ($FIL ${file.fil})` : ''}; give --sample NAME (samples: ${names()})`);
  }
  throw new InputError(ws.source, `${hits.length} workspace samples match ${file.fileName} (${hits.map((h) => h.name).join(', ')}); give --sample NAME or --group NAME`);
}

export interface FlowJoPopulationResult extends FlowJoPopulation {
  count: number;
  parentCount: number;
  membership: Uint8Array;
}

export interface FlowJoAnalysis {
  workspace: string;
  sample: FlowJoSample;
  populations: FlowJoPopulationResult[];
  warnings: string[];
}

/** Evaluate a workspace sample's gate tree on an FCS file. */
export function analyzeFlowJoSample(ws: FlowJoWorkspace, sample: FlowJoSample, file: FcsFile): FlowJoAnalysis {
  const warnings: string[] = [];
  if (sample.eventCount !== null && sample.eventCount !== file.eventCount) {
    warnings.push(`${file.source} has ${file.eventCount} events but workspace sample '${sample.name}' had ${sample.eventCount}: it may not be the same file`);
  }
  const { strategy, populations } = flowJoStrategy(ws, sample);
  let results: GateResult[] = [];
  if (strategy.gates.length > 0) {
    try {
      results = evaluateGates(strategy, fcsEventSource(file, null));
    } catch (e) {
      if (e instanceof GatingError) {
        const pop = populations.find((p) => e.message.includes(`'${p.id}'`));
        const msg = pop ? e.message.replace(new RegExp(`gate '${pop.id}'`, 'g'), `population '${pop.fullPath}'`) : e.message;
        throw new InputError(ws.source, `sample '${sample.name}': ${msg} (FCS ${file.source})`);
      }
      throw e;
    }
  }
  const byId = new Map(results.map((r) => [r.id, r]));
  return {
    workspace: ws.source,
    sample,
    populations: populations.map((p) => {
      const r = byId.get(p.id) ?? missingValue('byId.get(p.id)');
      return { ...p, count: r.count, parentCount: r.parentCount, membership: r.membership };
    }),
    warnings,
  };
}

/** Read a workspace, match the FCS file to one of its samples and compute every population. */
export function analyzeWithWorkspace(file: FcsFile, workspacePath: string, selection: FlowJoSelection = {}, workspaceName?: string): FlowJoAnalysis {
  const ws = readFlowJoWorkspace(workspacePath, workspaceName);
  const sample = matchFlowJoSample(ws, { fil: file.keyword('$FIL'), fileName: basename(file.source) }, selection);
  return analyzeFlowJoSample(ws, sample, file);
}
