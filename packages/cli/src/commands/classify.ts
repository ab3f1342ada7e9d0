// The classification module and the error class only, not the whole core: `classify` is a fast-start command.
import { classifyPathology, parsePathologyInput, type ClassificationResult, type PathologyInput } from '@her2scope/core/classification';
import { InputError } from '@her2scope/core/errors';
import { numberFlag, parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';
import { readStructuredFile } from '../structured-file.ts';

const help = `Usage:
  her2scope classify [--ihc 0|1+|2+|3+] [--ihc-stained-percent P]
                     [--ish-her2 N] [--ish-cep17 N] [--ish-ratio R] [--ish-probe dual|single]
                     [--er P] [--pr P] [--ki67 P] [--json]
  her2scope classify --input pathology.yaml [--json]

Classify HER2 (ASCO/CAP 2018, affirmed 2023; HER2-low/ultralow), ER/PgR (ASCO/CAP 2020) and the surrogate subtype
of one sample, with the rule trail and its sources.

Options:
  --ihc S                    HER2 IHC score: 0, 1+, 2+ or 3+
  --ihc-stained-percent P    percent of tumour cells with membrane staining (IHC 0: 0 = null, >0-10 = ultralow)
  --ish-her2 N               mean HER2 signals per cell
  --ish-cep17 N              mean CEP17 signals per cell (dual probe)
  --ish-ratio R              HER2/CEP17 ratio (checked against her2/cep17 when both are given)
  --ish-probe dual|single    ISH assay (default: dual when CEP17 or a ratio is given)
  --er P, --pr P             percent of tumour nuclei staining for ER / PgR
  --ki67 P                   Ki-67 percent (reported, not used for the four-group subtype)
  --input FILE               JSON or YAML pathology block: { her2: { ihc, stainedPercent, ish: { probe, her2,
                             cep17, ratio } }, er: { percent | allred | hScore }, pr: { ... }, ki67 }
  --json                     print one JSON object
  -h, --help                 show this help

Exit codes: 0 classified, 2 bad input (one line on stderr naming the field and allowed values).
${RESEARCH_USE}`;

/** Field path in the pathology block -> the flag that sets it, so errors name what the user typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  'her2.ihc': '--ihc',
  'her2.stainedPercent': '--ihc-stained-percent',
  'her2.ish.her2': '--ish-her2',
  'her2.ish.cep17': '--ish-cep17',
  'her2.ish.ratio': '--ish-ratio',
  'her2.ish.probe': '--ish-probe',
  er: '--er',
  'er.percent': '--er',
  pr: '--pr',
  'pr.percent': '--pr',
  ki67: '--ki67',
};

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'classify HER2 / ER / PR of one sample by the ASCO/CAP rules',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseFlags('classify', args, {
      ihc: { type: 'string' },
      'ihc-stained-percent': { type: 'string' },
      'ish-her2': { type: 'string' },
      'ish-cep17': { type: 'string' },
      'ish-ratio': { type: 'string' },
      'ish-probe': { type: 'string' },
      er: { type: 'string' },
      pr: { type: 'string' },
      ki67: { type: 'string' },
      input: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.stdout(help + '\n');
      return 0;
    }
    let input: PathologyInput;
    let result: ClassificationResult;
    const fromFile = values.input !== undefined;
    try {
      if (fromFile) {
        const flagsAlso = Object.keys(values).filter((k) => !['input', 'json', 'help'].includes(k));
        if (flagsAlso.length) throw new UsageError(`--input cannot be combined with --${flagsAlso[0]}`);
        input = parsePathologyInput(await readStructuredFile(values.input as string));
      } else {
        input = parsePathologyInput(inputFromFlags(values));
      }
      if (!input.her2 && !input.er && !input.pr) {
        throw new UsageError("nothing to classify: give --ihc/--ish-* and/or --er/--pr, or --input FILE (see 'her2scope classify --help')");
      }
      result = classifyPathology(input);
    } catch (e) {
      if (e instanceof InputError) {
        if (fromFile) throw new UsageError(`${values.input}: ${e.message}`);
        const flag = FLAG_OF_FIELD[e.field];
        throw new UsageError(flag ? `${flag}: ${e.message.slice(e.field.length + 2)}` : e.message);
      }
      throw e;
    }
    io.stdout(values.json ? JSON.stringify(toJson(result), null, 2) + '\n' : formatText(result));
    return 0;
  },
};

function inputFromFlags(v: Record<string, string | boolean | undefined>): unknown {
  const str = (k: string) => v[k] as string | undefined;
  const ish = {
    probe: str('ish-probe'),
    her2: numberFlag('ish-her2', str('ish-her2')),
    cep17: numberFlag('ish-cep17', str('ish-cep17')),
    ratio: numberFlag('ish-ratio', str('ish-ratio')),
  };
  const her2 = {
    ihc: str('ihc'),
    stainedPercent: numberFlag('ihc-stained-percent', str('ihc-stained-percent')),
    ish: Object.values(ish).some((x) => x !== undefined) ? ish : undefined,
  };
  const er = numberFlag('er', str('er'));
  const pr = numberFlag('pr', str('pr'));
  return prune({
    her2: Object.values(her2).some((x) => x !== undefined) ? her2 : undefined,
    er: er === undefined ? undefined : { percent: er },
    pr: pr === undefined ? undefined : { percent: pr },
    ki67: numberFlag('ki67', str('ki67')),
  });
}

/** Drop undefined members so that zod's strict objects see only what was given. */
function prune(x: unknown): unknown {
  if (Array.isArray(x) || x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).map(([k, v]) => [k, prune(v)]));
}

/** The `--json` contract of the classify command. */
export function toJson(r: ClassificationResult) {
  return {
    her2: r.her2 && {
      status: r.her2.status,
      category: r.her2.category,
      ishGroup: r.her2.ishGroup,
      ishRatio: r.her2.ishRatio,
      ishRatioText: r.her2.ishRatioText,
      comments: r.her2.comments,
      rules: r.her2.rules,
    },
    er: { status: r.er.status, percent: r.er.percent, comments: r.er.comments, rules: r.er.rules },
    pr: { status: r.pr.status, percent: r.pr.percent, comments: r.pr.comments, rules: r.pr.rules },
    subtype: r.subtype,
    notes: r.notes,
    ki67: r.ki67,
  };
}

export function formatText(r: ClassificationResult): string {
  const lines: string[] = [];
  if (r.her2) {
    const ish = r.her2.ishGroup !== null ? `, ISH group ${r.her2.ishGroup} (ratio ${r.her2.ishRatioText})` : '';
    lines.push(`HER2: ${r.her2.status} (${r.her2.category})${ish}`);
    for (const c of r.her2.comments) lines.push(`  note: ${c}`);
  } else {
    lines.push('HER2: not tested');
  }
  const pct = (p: number | null) => (p === null ? '' : ` (${p}%)`);
  lines.push(`ER: ${r.er.status}${pct(r.er.percent)}`);
  for (const c of r.er.comments) lines.push(`  note: ${c}`);
  lines.push(`PR: ${r.pr.status}${pct(r.pr.percent)}`);
  lines.push(`Subtype: ${r.subtype ?? 'undetermined'}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  if (r.ki67 !== null) lines.push(`Ki-67: ${r.ki67}%`);
  const rules = [...(r.her2?.rules ?? []), ...r.er.rules, ...r.pr.rules];
  if (rules.length) {
    lines.push('Rule trail:');
    for (const rule of rules) lines.push(`  - ${rule.id}: ${rule.source}`);
  }
  lines.push(RESEARCH_USE);
  return lines.join('\n') + '\n';
}
