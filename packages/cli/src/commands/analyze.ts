import { dirname, resolve } from 'node:path';
import { excludedItemText, isoDay, notApplicable, optionLevelText, type AnalysisResult } from '@her2scope/core';
import { formatPercent } from '@her2scope/core/reads';
import { analyzeCase, directoryResolver, readCaseFile } from '@her2scope/formats/analyze';
import { loadKnowledgeBase } from '@her2scope/kb';
import { numberFlag, parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';

const FORMATS = ['html', 'pdf', 'patient', 'fhir', 'json'] as const;
type Format = (typeof FORMATS)[number];

const help = `Usage:
  her2scope analyze <case.yaml> [--json] [--min-depth N] [--min-alt-reads N] [--include-preclinical]
  her2scope analyze <case.yaml> --out DIR [--format html,pdf,patient,fhir,json]

Analyse one patient's serial samples: classification per sample, knowledge-base findings with their origin
(pre-existing, acquired, not-evaluable-earlier, first-sample), receptor conversions and lost variants with the
treatments given before them, and therapy options for the latest sample ranked by evidence level.

The case file (YAML or JSON) lists the patient, samples (id, type, site, collected, pathology, variants: { file,
tumor, normal, regions, meanDepth }, cytometry: { file, panel, control, gates }) and treatments; relative paths
resolve against the case file. See README.md and examples/cases/.

Options:
  --json            print the analysis as one JSON object
  --min-depth N     depth at which an earlier sample counts as covering a position (default 50)
  --min-alt-reads N alt reads a caller needs to report a variant; an earlier sample's absence counts ("acquired")
                    only when P(>= N alt reads at its depth and the later VAF) >= 95% (default 3)
  --include-preclinical
                    also show level D/E (preclinical, inferential) evidence as options (hidden by default)
  --out DIR         write reports to DIR (atomically)
  --format LIST     comma-separated report formats for --out (default: all of ${FORMATS.join(',')})
                    files: report.html, report.pdf, patient-summary.html, fhir-bundle.json, analysis.json
  -h, --help        show this help
${RESEARCH_USE}`;

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'analyse a patient case over time: findings, origin, conversions, therapy options',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags('analyze', args, { json: { type: 'boolean' }, out: { type: 'string' }, format: { type: 'string' }, 'min-depth': { type: 'string' }, 'min-alt-reads': { type: 'string' }, 'include-preclinical': { type: 'boolean' } }, true);
    if (values.help) {
      io.stdout(help + '\n');
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("give exactly one case file (see 'her2scope analyze --help')");
    if (values.format !== undefined && values.out === undefined) throw new UsageError('--format needs --out DIR');
    const formats = parseFormats(values.format);
    const minDepth = numberFlag('min-depth', values['min-depth']);
    if (minDepth !== undefined && (!Number.isInteger(minDepth) || minDepth < 1)) throw new UsageError('--min-depth: must be a whole number >= 1');
    const minAltReads = numberFlag('min-alt-reads', values['min-alt-reads']);
    if (minAltReads !== undefined && (!Number.isInteger(minAltReads) || minAltReads < 1)) throw new UsageError('--min-alt-reads: must be a whole number >= 1');
    // Progress on stderr (issue 17: `--out` used to print nothing for 9-15 s): on a terminal one line rewritten in
    // place; otherwise (logs, CI), with --out, one line per step, prefixed so that it reads as progress.
    const t0 = performance.now();
    const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    const progress = io.stderrIsTTY ? (m: string) => io.stderr(`\r\x1b[K${m}`) : values.out !== undefined ? (m: string) => io.stderr(`analyze: ${m} (${elapsed()})\n`) : undefined;
    progress?.('reading the case');
    const casePath = resolve(io.cwd, positionals[0]!);
    const result = await analyzeCase(await readCaseFile(casePath), directoryResolver(dirname(casePath), casePath), {
      kb: loadKnowledgeBase(),
      ...(progress ? { onProgress: progress } : {}),
      ...(minDepth ? { minDepth } : {}),
      ...(minAltReads ? { minAltReads } : {}),
      includePreclinical: values['include-preclinical'] === true,
      // The evidence-age banner is judged against today (the result does not contain the date).
      asOf: isoDay(new Date()),
    });
    if (progress && io.stderrIsTTY) io.stderr('\r\x1b[K');
    if (values.out !== undefined) {
      const { writeReports } = await import('@her2scope/reports');
      const written = await writeReports(result, resolve(io.cwd, values.out), formats, { onProgress: progress });
      if (progress && io.stderrIsTTY) io.stderr('\r\x1b[K');
      io.stdout(`${Object.entries(written).map(([f, p]) => `${f.padEnd(8)} ${p}`).join('\n')}\nwritten in ${Math.round(performance.now() - t0)} ms. ${RESEARCH_USE}\n`);
      io.stderr(`${summaryLine(result, Object.keys(written).length, values.out, elapsed())}\n`);
      if (values.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }
    io.stdout(values.json ? JSON.stringify(result, null, 2) + '\n' : formatText(result));
    return 0;
  },
};

/** The one-line summary printed at the end of `analyze --out` (stderr). */
export function summaryLine(r: AnalysisResult, reports: number, out: string, took: string): string {
  const findings = r.samples.reduce((n, s) => n + s.findings.length, 0);
  const acquired = r.changes.filter((c) => c.kind === 'acquired-variant').length;
  const conversions = r.changes.filter((c) => c.kind.endsWith('-conversion')).length;
  const top = r.therapyOptions[0];
  return `analyze: done in ${took}: ${r.samples.length} sample${r.samples.length === 1 ? '' : 's'}, ${findings} finding${findings === 1 ? '' : 's'} (${acquired} acquired), ${conversions} receptor conversion${conversions === 1 ? '' : 's'}, ${r.therapyOptions.length} option${r.therapyOptions.length === 1 ? '' : 's'}${top ? ` (top: ${top.therapy}, level ${top.level})` : ''}; ${reports} report${reports === 1 ? '' : 's'} in ${out}`;
}

function parseFormats(list: string | undefined): Format[] {
  if (list === undefined) return [...FORMATS];
  const out: Format[] = [];
  for (const f of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: '${f}' is not one of ${FORMATS.join(', ')}`);
    if (!out.includes(f as Format)) out.push(f as Format);
  }
  if (out.length === 0) throw new UsageError(`--format: give at least one of ${FORMATS.join(', ')}`);
  return out;
}

export function formatText(r: AnalysisResult): string {
  const lines: string[] = [`Patient ${r.patient.id}${r.patient.synthetic ? ' (SYNTHETIC)' : ''} — knowledge base ${r.kbVersion}`, '', 'Samples (collection order):'];
  for (const s of r.samples) {
    const h = s.classification?.her2;
    const cls = s.classification ? `HER2 ${h ? `${h.category} (${h.status})` : 'not tested'}, ER ${s.classification.er.status}, PR ${s.classification.pr.status}` : 'no pathology';
    lines.push(`  ${s.collected}  ${s.id}  ${s.type}, ${s.site}: ${cls}${s.sequenced ? '' : '; not sequenced'}`);
    for (const f of s.findings) lines.push(`      ${f.gene} ${f.alteration}  ${f.origin}${f.vaf !== null ? `  VAF ${formatPercent(f.vaf)}` : ''}  ${f.oncogenicity}${f.evidence.length ? `  (${f.evidence.length} KB entries)` : '  (no therapy)'}${f.origin === 'not-evaluable-earlier' || f.origin === 'germline' ? `  - ${f.originReason}` : ''}`);
    if (s.cytometry) lines.push(`      cytometry: hidden HER2+ stem cells ${s.cytometry.hiddenHer2StemCells ? 'YES' : 'no'}`);
  }
  lines.push('', 'Changes:');
  if (r.changes.length === 0) lines.push('  none');
  for (const c of r.changes) {
    lines.push(`  [${c.kind}] ${c.detail}`);
    for (const w of c.warnings ?? []) lines.push(`      WARNING ${w}`);
  }
  const c = r.context;
  lines.push(
    '',
    `Judged on: ${c.setting} setting (${c.settingSource})${c.line !== null ? `, line ${c.line}` : ''}; HER2 ${c.her2 ? `${c.her2.category} (${c.her2.sample}, ${c.her2.collected})` : 'unknown'}; HR ${c.hr ? `${c.hr.status} (${c.hr.sample}, ${c.hr.collected})${c.hr.note ? ` - ${c.hr.note}` : ''}` : 'unknown'}`,
  );
  for (const n of r.kbNotices) lines.push(`NOTE ${n}`);
  lines.push('', `Therapy options (ranked: guideline line of therapy, then level; CIViC levels A-E${r.hiddenPreclinical ? `; ${r.hiddenPreclinical} preclinical D/E items hidden, see --include-preclinical` : ''}):`);
  if (r.therapyOptions.length === 0) lines.push('  none from the knowledge base');
  for (const o of r.therapyOptions) {
    lines.push(`  ${optionLevelText(o)}  ${o.therapy}${o.setting ? `  [${o.setting}]` : ''}${o.context === 'unknown' ? '  (context unknown)' : ''}`);
    if (o.pending) lines.push(`       PENDING ${o.pending.text}`);
    for (const reason of o.reasons) lines.push(`       because ${reason}`);
    for (const w of o.warnings) lines.push(`       WARNING ${w}`);
    lines.push(`       cite: ${o.citations.map((c) => c.id).join('; ')}`);
  }
  if (r.resistance.length) {
    lines.push('', 'Resistance evidence:');
    for (const w of r.resistance) lines.push(`  ${w.level}  ${w.therapy}: ${w.reason}`);
  }
  if (r.contraryEvidence.length) {
    lines.push('', 'Contrary evidence (negative trials; not options):');
    for (const w of r.contraryEvidence) lines.push(`  ${w.level}  ${w.therapy}: ${w.reason}`);
  }
  const na = notApplicable(r);
  if (na.regimens.length) {
    lines.push('', `Not applicable to this patient (${na.regimens.length}; see --json excludedOptions for the reasons):`);
    lines.push(`  ${[...new Set(na.regimens.map((x) => x.therapy))].join('; ')}`);
  }
  if (na.items.length) {
    lines.push('', `KB items not applicable for regimens listed above as options (${na.items.length}; reasons in --json excludedOptions):`);
    lines.push(`  ${[...new Set(na.items.map(excludedItemText))].join('; ')}`);
  }
  lines.push('', r.notice);
  return lines.join('\n') + '\n';
}
