import { resolve } from 'node:path';
import { analyzeCytometryFile } from '@her2scope/formats/cytometry';
import { describeDetectionLimit, formatRarePercent, type CytometryResult } from '@her2scope/core/cytometry';
import { parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';

const help = `Usage:
  her2scope cytometry <file.fcs|cells.csv> --panel panel.yaml [--control fmo.fcs] [--gates gates.xml]
                      [--comp matrix.csv|fcs|none] [--bulk-her2 STATUS] [--json] [--plot out.svg]
  her2scope cytometry <file.fcs|cells.csv> --gates gates.xml [--json]
  her2scope cytometry <file.fcs> --workspace lab.wsp [--group NAME] [--sample NAME] [--panel panel.yaml] [--json]

Find HER2+ CD44+ CD24-/low breast-cancer stem cells in a flow cytometry file (FCS 2.0/3.0/3.1) or a per-cell
table (CSV/TSV from QuPath, HALO, MCMICRO), with Wilson 95% intervals and the detection limit for the number of
events. Gating-ML 2.0 gates are evaluated exactly as the standard defines them.

Options:
  --panel FILE        YAML/JSON panel: markers { HER2, CD44, CD24, viability?, lineage? } -> channel ($PnN or $PnS)
                      or column names; optional thresholds (compensated, untransformed units), calls (table call
                      columns), bulkHer2, compensation, gate (a Gating-ML gate id), controlPercentile
  --control FILE      isotype/FMO control; sets each threshold the panel does not give (99th percentile by default)
  --gates FILE        Gating-ML 2.0 file; every gate (each quadrant) is listed with its count
  --workspace FILE    FlowJo 10 workspace (.wsp): every population of the sample that matches the FCS file (by $FIL
                      or file name) is computed with the workspace's compensation, transforms and gates
  --group NAME        pick the workspace sample from this sample group
  --sample NAME       the workspace sample (its name, sample ID or $FIL) when the file name does not match
  --dataset N         the data set to read from an FCS file that holds several (default 1)
  --comp SPEC         compensation: 'fcs' (the file's $SPILLOVER/SPILL/$COMP, default), 'none', or a CSV matrix
  --bulk-her2 STATUS  bulk HER2 of the tumour (e.g. 'IHC 0', 'IHC 1+', 'HER2-low', 'positive'); enables the
                      hidden HER2+ stem-cell flag
  --json              print one JSON object: { events, populations: [{ name, count, parent, fraction, ci95, path? }],
                      hiddenHer2StemCells, detectionLimit, warnings, ... }
  --plot FILE         write a CD44 vs CD24 density plot and HER2 histogram as SVG
  -h, --help          show this help

Without thresholds or a control, thresholds are set automatically (minimum-error split on logicle-scaled values) and the
output says so: confirm them with an FMO/isotype control. Exit codes: 0 done, 2 bad input.
${RESEARCH_USE}`;

export const cytometryCommand: Command = {
  name: 'cytometry',
  summary: 'HER2+ CD44+ CD24-low stem cells from FCS files or per-cell tables (Gating-ML 2.0 gates)',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags(
      'cytometry',
      args,
      {
        panel: { type: 'string' },
        control: { type: 'string' },
        gates: { type: 'string' },
        comp: { type: 'string' },
        'bulk-her2': { type: 'string' },
        json: { type: 'boolean' },
        plot: { type: 'string' },
        workspace: { type: 'string' },
        group: { type: 'string' },
        sample: { type: 'string' },
        dataset: { type: 'string' },
      },
      true,
    );
    if (values.help) {
      io.stdout(help + '\n');
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("give the FCS file or per-cell table to analyse (see 'her2scope cytometry --help')");
    if (positionals.length > 1) throw new UsageError(`one input file at a time (got ${positionals.length}: ${positionals.join(', ')})`);
    if (values.panel === undefined && values.gates === undefined && values.workspace === undefined) {
      throw new UsageError("give --panel panel.yaml, --gates gates.xml and/or --workspace lab.wsp (see 'her2scope cytometry --help')");
    }
    if (values.workspace === undefined && (values.group !== undefined || values.sample !== undefined)) throw new UsageError('--group and --sample choose a sample of a FlowJo workspace; give --workspace too');
    let dataset: number | undefined;
    if (values.dataset !== undefined) {
      dataset = Number(values.dataset);
      if (!/^\d+$/.test(values.dataset.trim()) || dataset < 1) throw new UsageError(`--dataset: '${values.dataset}' is not a data set number (1, 2, ...)`);
    }
    const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(io.cwd, p));
    const comp = values.comp;
    const result = await analyzeCytometryFile(abs(positionals[0])!, {
      panelPath: abs(values.panel),
      controlPath: abs(values.control),
      gatesPath: abs(values.gates),
      compensation: comp === undefined || ['fcs', 'none'].includes(comp.toLowerCase()) ? comp : abs(comp),
      bulkHer2: values['bulk-her2'],
      plotPath: abs(values.plot),
      workspacePath: abs(values.workspace),
      ...(values.group !== undefined ? { group: values.group } : {}),
      ...(values.sample !== undefined ? { sample: values.sample } : {}),
      ...(dataset !== undefined ? { dataset } : {}),
    });
    // Warnings (FCS oddities worked around, a workspace sample of another size) go to stderr in text mode; with
    // --json they are in `warnings`.
    if (!values.json) for (const w of result.warnings ?? []) io.stderr(`her2scope cytometry: warning: ${w}\n`);
    io.stdout(values.json ? JSON.stringify(toJson(result), null, 2) + '\n' : formatText(positionals[0]!, result, values.plot));
    return 0;
  },
};

/** The `--json` contract. */
export function toJson(r: CytometryResult) {
  return {
    events: r.events,
    populations: r.populations.map((p) => ({
      name: p.name,
      ...(p.path !== undefined ? { path: p.path } : {}),
      count: p.count,
      ...(p.workspaceCount !== undefined ? { workspaceCount: p.workspaceCount } : {}),
      parent: p.parent,
      fraction: p.fraction,
      ci95: p.ci95,
    })),
    hiddenHer2StemCells: r.hiddenHer2StemCells,
    detectionLimit: r.detectionLimit,
    totalEvents: r.totalEvents,
    analysed: r.analysed,
    thresholds: r.thresholds,
    bulkHer2: r.bulkHer2,
    notes: r.notes,
    warnings: r.warnings ?? [],
    notice: RESEARCH_USE,
  };
}

function pct(f: number | null): string {
  return f === null ? 'n/a' : formatRarePercent(f);
}

export function formatText(file: string, r: CytometryResult, plot?: string): string {
  const lines: string[] = [];
  const num = (n: number) => n.toLocaleString('en-US');
  lines.push(`Cytometry: ${file}`);
  lines.push(`Events analysed: ${num(r.events)} of ${num(r.totalEvents)} (${r.analysed})`);
  const rows = r.populations.map((p) => [p.path ? `${p.path}/${p.name}` : p.name, num(p.count), p.parent, pct(p.fraction), `${pct(p.ci95[0])} - ${pct(p.ci95[1])}`]);
  const head = ['Population', 'Count', 'Of', 'Fraction', '95% CI (Wilson)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(fmt(head));
  for (const row of rows) lines.push(fmt(row));
  const stem = r.populations.find((p) => p.name === 'HER2+CD44+CD24-low');
  if (stem) lines.push(`HER2+CD44+CD24-low ${describeDetectionLimit(stem.count, r.events)}`);
  else if (r.detectionLimit !== null) lines.push(`Detection limit: ${formatRarePercent(r.detectionLimit)} at 95% for ${num(r.events)} events`);
  const th = Object.entries(r.thresholds);
  if (th.length) {
    lines.push('Thresholds:');
    for (const [m, t] of th) lines.push(`  ${m} (${t!.channel}): ${t!.value === null ? 'per-cell calls' : `${Number(t!.value.toPrecision(6))} (${t!.source})`}`);
  }
  if (stem) {
    lines.push(
      `Hidden HER2+ stem cells: ${r.bulkHer2 === null ? 'not assessed (no bulk HER2 result given)' : r.hiddenHer2StemCells ? `YES - bulk HER2 ${r.bulkHer2}, HER2+CD44+CD24-low population above the detection limit` : `no (bulk HER2 ${r.bulkHer2})`}`,
    );
  }
  if (r.notes.length) {
    lines.push('Notes:');
    for (const n of r.notes) lines.push(`  - ${n}`);
  }
  if (plot) lines.push(`Plot written to ${plot}`);
  lines.push(RESEARCH_USE);
  return lines.join('\n') + '\n';
}
