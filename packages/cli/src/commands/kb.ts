import { join, resolve } from 'node:path';
import type { KbEntry, KnowledgeBase } from '@her2scope/core';
import { importCivicFile, KB_DATA_DIR, loadKnowledgeBase } from '@her2scope/kb';
import { parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';

const help = `Usage:
  her2scope kb list [--json]                 every entry: gene, alteration, effect, best level, id
  her2scope kb show GENE [--json]            the entries of one gene with therapies and citations
  her2scope kb import-civic <ClinicalEvidenceSummaries.tsv> [--oncotree FILE] [--release NAME] [--out DIR]
                                             rebuild civic-breast.json from a CIViC export (CC0)

The knowledge base is a set of versioned data files (packages/kb/data: manifest.json, curated.json,
civic-breast.json). Evidence levels use the CIViC scale: A validated (FDA label or guideline), B clinical,
C case study, D preclinical, E inferential.

Options:
  --json            print JSON
  --oncotree FILE   OncoTree flat TSV (default: the bundled breast subtree, CC BY 4.0)
  --release NAME    CIViC release name recorded in the citations (default: taken from the file name, e.g. 01-Aug-2021)
  --out DIR         where to write civic-breast.json (default: the bundled KB data folder)
  -h, --help        show this help
${RESEARCH_USE}`;

const LEVELS = 'ABCDE';
/** The entry's clinical context in words ("context unknown" for a CIViC item without a curated review). */
function contextText(e: KbEntry): string {
  const c = e.context;
  const parts: string[] = [];
  if (c.hr) parts.push(`HR-${c.hr}`);
  if (c.her2) parts.push(`HER2-${c.her2}`);
  if (c.settings) parts.push(c.settings.join('/'));
  if (c.line) parts.push(`line ${c.line.min ?? 1}-${c.line.max ?? 'any'}`);
  if (c.priorAnyOf) parts.push(`after ${c.priorAnyOf.join(' or ')}${c.priorSetting === 'metastatic' ? ' (metastatic setting)' : ''}`);
  if (c.priorNoneOf) parts.push(`no prior ${c.priorNoneOf.join(', ')}`);
  if (c.germline) parts.push('germline');
  const text = c.label ? `${c.label}${parts.length ? ` [${parts.join('; ')}]` : ''}` : parts.join('; ');
  if (e.origin === 'civic' && !e.review) return `unknown (CIViC item without curated review)${text ? `; ${text}` : ''}`;
  return text || 'not stated';
}

const bestLevel = (e: KbEntry) => e.therapies.map((t) => t.level).sort((a, b) => LEVELS.indexOf(a) - LEVELS.indexOf(b))[0] ?? '-';

function header(kb: KnowledgeBase): string {
  return [`her2scope knowledge base ${kb.version} (${kb.entries.length} entries)`, ...kb.sources.map((s) => `  source: ${s.name} ${s.version} (${s.licence})`)].join('\n');
}

export const kbCommand: Command = {
  name: 'kb',
  summary: 'list, show or rebuild the knowledge base',
  help,
  run(args: string[], io: Io): number {
    const { values, positionals } = parseFlags('kb', args, { json: { type: 'boolean' }, oncotree: { type: 'string' }, release: { type: 'string' }, out: { type: 'string' } }, true);
    const [sub, arg, extra] = positionals;
    if (values.help || sub === undefined) {
      io.stdout(help + '\n');
      return sub === undefined && !values.help ? 2 : 0;
    }
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}' (see 'her2scope kb --help')`);
    if (sub === 'import-civic') {
      if (!arg) throw new UsageError("import-civic needs the CIViC ClinicalEvidenceSummaries.tsv path (see 'her2scope kb --help')");
      const release = values.release ?? /(\d{2}-[A-Za-z]{3}-\d{4})/.exec(arg)?.[1] ?? 'unknown release';
      const out = values.out ? resolve(io.cwd, values.out) : KB_DATA_DIR;
      const report = importCivicFile(resolve(io.cwd, arg), values.oncotree ? resolve(io.cwd, values.oncotree) : join(KB_DATA_DIR, 'oncotree-breast.tsv'), out, release);
      const reasons = new Map<string, number>();
      for (const s of report.skipped) reasons.set(s.reason.replace(/'[^']*'/, "'...'"), (reasons.get(s.reason.replace(/'[^']*'/, "'...'")) ?? 0) + 1);
      io.stdout(
        [
          `imported ${report.entries.length} breast-cancer evidence items from CIViC ${release} into ${join(out, 'civic-breast.json')}`,
          `skipped ${report.skipped.length} breast-cancer rows (listed in the file's "skipped"):`,
          ...[...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${n} x ${r}`),
        ].join('\n') + '\n',
      );
      return 0;
    }
    const kb = loadKnowledgeBase();
    if (sub === 'list') {
      if (arg) throw new UsageError(`unexpected argument '${arg}' (see 'her2scope kb --help')`);
      if (values.json) io.stdout(JSON.stringify(kb, null, 2) + '\n');
      else {
        const rows = kb.entries.map((e) => `${e.gene.padEnd(7)} ${e.alteration.label.slice(0, 48).padEnd(48)} ${e.effect.padEnd(16)} ${bestLevel(e)}  ${e.id}`);
        io.stdout(`${header(kb)}\n${rows.join('\n')}\n${RESEARCH_USE}\n`);
      }
      return 0;
    }
    if (sub === 'show') {
      if (!arg) throw new UsageError("show needs a gene symbol, e.g. 'her2scope kb show ERBB2'");
      const gene = arg.toUpperCase();
      const entries = kb.entries.filter((e) => e.gene === gene);
      if (entries.length === 0) {
        const genes = [...new Set(kb.entries.map((e) => e.gene))].sort().join(', ');
        throw new UsageError(`no KB entries for gene '${arg}' (genes: ${genes})`);
      }
      if (values.json) io.stdout(JSON.stringify({ version: kb.version, sources: kb.sources, entries }, null, 2) + '\n');
      else {
        const parts = entries.map((e) =>
          [
            `${e.gene} ${e.alteration.label} [${e.id}] (${e.effect}; ${e.tumorType.name}; ${e.origin === 'civic' ? `CIViC ${e.sourceDate ?? 'date unknown'}` : `checked ${e.sourceDate ?? 'date unknown'}`})`,
            `  context: ${contextText(e)}`,
            `  ${e.summary}`,
            ...e.therapies.map((t) => `  - ${t.direction === 'resistance' ? 'RESISTANCE: ' : t.direction === 'no-benefit' ? 'NO BENEFIT: ' : ''}${t.name} (level ${t.level})`),
            ...(e.review ? [`  reviewed: ${e.review.reason}${e.review.maxLevel ? ` (capped at level ${e.review.maxLevel})` : ''}`] : []),
            ...e.citations.map((c) => `  cite: ${c.text}${c.url ? ` <${c.url}>` : ''}`),
          ].join('\n'),
        );
        io.stdout(`${header(kb)}\n\n${parts.join('\n\n')}\n${RESEARCH_USE}\n`);
      }
      return 0;
    }
    throw new UsageError(`unknown subcommand '${sub}' (expected list, show or import-civic)`);
  },
};
