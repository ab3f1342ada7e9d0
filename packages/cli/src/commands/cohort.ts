import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { InputError, compareProportions, type Proportion } from '@her2scope/core';
import { parseAlteration, ratioText, renderLollipop, renderOncoprint, significant, type ProteinDomain } from '@her2scope/core/cohort';
import { openDatabase, type Storage } from '@her2scope/storage';
import {
  compareGroups,
  importStudy,
  listStudies,
  lollipopData,
  oncoprintData,
  pairedAnalysis,
  prevalenceCounts,
  signatureQuery,
  type GroupBy,
} from '@her2scope/storage/cohort';
import { numberFlag, parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';

const DEFAULT_DB = 'sqlite:./her2scope.db';

const help = `Usage:
  her2scope cohort import <cbioportal-study-folder> [--db URL] [--json]
  her2scope cohort studies [--db URL] [--json]
  her2scope cohort query  [--study ID] (--gene G [--class C] [--protein-change P] [--cna STATE] | --her2 CAT)
                          [--by ATTR | --by her2 | --by treatment:AGENT] [--group-a V[,V..] --group-b V[,V..]]
                          [--profile ID] [--plot lollipop.svg [--domains FILE]] [--db URL] [--json]
  her2scope cohort compare --group-a K/N --group-b K/N [--json]
  her2scope cohort paired [--study ID] [--gene G] [--sample-type-attr ATTR] [--db URL] [--json]
  her2scope cohort signature --reference ATTR=VALUE[,VALUE..] [--threshold T] [--log2] [--study ID]
                          [--profile ID] [--db URL] [--json]
  her2scope cohort oncoprint --genes G1,G2,.. --plot out.svg [--study ID] [--db URL]

Cohort questions over cBioPortal-format studies: import a study folder (meta_study.txt, clinical, mutations,
discrete CNA, expression, timelines, case lists) into the database in one transaction (a re-import replaces the
study); prevalence of an alteration or HER2 category with Wilson 95% intervals, overall and by group; two-group
comparison with Fisher's exact test (two-sided, as R's fisher.test) and the conditional maximum-likelihood odds
ratio with its exact 95% interval; paired primary/metastasis comparison; the IGF2/IGF1R/IRS1/FOXO3 trastuzumab-
resistance signature (research use); oncoprint and lollipop plots (SVG).

Options:
  --db URL               sqlite:./file.db (default ${DEFAULT_DB}), a file path, :memory:, or postgres://...
  --study ID             cancer_study_identifier (needed when several studies are imported)
  --gene G               gene symbol (HUGO), e.g. ERBB2
  --class C              mutation class: missense, inframe, truncating, splice, other
  --protein-change P     L755S / p.L755S (exact), L755 (any change of residue L755), 755 (any change at 755)
  --cna STATE            discrete copy number: amp, gain, hetloss, homdel
  --her2 CAT             HER2 category: positive, negative, low, zero, ultralow, null
  --by ATTR              group by a clinical attribute (e.g. SAMPLE_TYPE, ER_STATUS); 'her2' groups by HER2
                         category; 'treatment:AGENT' by exposure to AGENT before the sample (timeline)
  --group-a, --group-b   with 'query': group values to compare (comma-separated values are pooled);
                         with 'compare': counts K/N, e.g. 8/14
  --profile ID           profile stable_id when the study has several of the kind
  --plot FILE            write an SVG: 'query' with --gene draws a lollipop of the gene's mutations;
                         'oncoprint' draws the genes across the cohort
  --domains FILE         protein domains for the lollipop: TSV lines 'name<TAB>start<TAB>end'
  --sample-type-attr A   attribute with Primary / Metastasis / Recurrence (default SAMPLE_TYPE)
  --reference A=V        reference samples of the signature z-scores (e.g. TRASTUZUMAB_RESPONSE=sensitive)
  --threshold T          signature score above which HER2-positive samples are listed (default 1; no validated
                         cut-off exists)
  --log2                 z-scores on log2(x + 1) (for counts / RSEM-like expression)
  --json                 print JSON
  -h, --help             show this help

In JSON an infinite odds ratio or interval end (a zero cell) is written as null.
Exit codes: 0 done, 2 bad input (one line on stderr naming file, line and column, or the flag).
${RESEARCH_USE}`;

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const ci = (p: Proportion) => `${pct(p.ci95[0])}-${pct(p.ci95[1])}`;
const prop = (p: Proportion) => `${p.k}/${p.n} = ${pct(p.fraction)} (95% CI ${ci(p)}, Wilson)`;

const sig = significant;

/** JSON-safe: Infinity and NaN become null. */
function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

function parseCount(flag: string, value: string | undefined): { k: number; n: number } {
  if (value === undefined) throw new UsageError(`--${flag} is required: K/N, e.g. 8/14`);
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) throw new UsageError(`--${flag}: '${value}' is not K/N (two whole numbers, e.g. 8/14)`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(k) || !Number.isSafeInteger(n)) throw new UsageError(`--${flag}: '${value}' is too large`);
  if (n === 0) throw new UsageError(`--${flag}: '${value}': N must be at least 1`);
  if (k > n) throw new UsageError(`--${flag}: '${value}': K cannot exceed N`);
  return { k, n };
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function groupByOf(by: string | undefined): GroupBy | undefined {
  if (by === undefined) return undefined;
  const b = by.trim();
  if (b === '') throw new UsageError('--by: empty');
  if (b.toLowerCase() === 'her2') return { kind: 'her2' };
  if (b.toLowerCase().startsWith('treatment:')) {
    const agent = b.slice('treatment:'.length).trim();
    if (!agent) throw new UsageError("--by: 'treatment:' needs an agent, e.g. treatment:Trastuzumab");
    return { kind: 'treatment', agent };
  }
  return { kind: 'attribute', attribute: b };
}

/** Write a file atomically: a temporary file in the same folder, then rename. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--plot: cannot write ${path} (${code ?? (e as Error).message})`);
  }
}

async function readDomains(path: string): Promise<ProteinDomain[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--domains: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const out: ProteinDomain[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [name, s, e] = line.split('\t');
    const start = Number(s);
    const end = Number(e);
    if (!name || !Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start) {
      throw new UsageError(`${path}:${i + 1}: expected 'name<TAB>start<TAB>end' with whole numbers 1 <= start <= end`);
    }
    out.push({ name: name.trim(), start, end });
  });
  return out;
}

async function withDb<T>(url: string, io: Io, f: (s: Storage) => Promise<T>): Promise<T> {
  const storage = await openDatabase(url, { cwd: io.cwd });
  try {
    return await f(storage);
  } finally {
    await storage.close();
  }
}

const FLAGS = {
  db: { type: 'string' },
  study: { type: 'string' },
  json: { type: 'boolean' },
  gene: { type: 'string' },
  genes: { type: 'string' },
  class: { type: 'string' },
  'protein-change': { type: 'string' },
  cna: { type: 'string' },
  her2: { type: 'string' },
  by: { type: 'string' },
  'group-a': { type: 'string' },
  'group-b': { type: 'string' },
  profile: { type: 'string' },
  plot: { type: 'string' },
  domains: { type: 'string' },
  'sample-type-attr': { type: 'string' },
  reference: { type: 'string' },
  threshold: { type: 'string' },
  log2: { type: 'boolean' },
} as const;

type Values = Partial<Record<keyof typeof FLAGS, string | boolean>>;

/** Flags each subcommand accepts (others are a usage error naming the flag). */
const ALLOWED: Record<string, ReadonlyArray<keyof typeof FLAGS>> = {
  import: ['db', 'json'],
  studies: ['db', 'json'],
  query: ['db', 'study', 'json', 'gene', 'class', 'protein-change', 'cna', 'her2', 'by', 'group-a', 'group-b', 'profile', 'plot', 'domains'],
  compare: ['group-a', 'group-b', 'json'],
  paired: ['db', 'study', 'json', 'gene', 'sample-type-attr', 'profile'],
  signature: ['db', 'study', 'json', 'profile', 'reference', 'threshold', 'log2'],
  oncoprint: ['db', 'study', 'genes', 'plot'],
};

export const cohortCommand: Command = {
  name: 'cohort',
  summary: 'import cBioPortal studies; prevalence, Fisher comparisons, paired and signature analyses, plots',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags('cohort', args, FLAGS, true);
    const [sub, ...rest] = positionals;
    if (values.help || sub === undefined) {
      io.stdout(help + '\n');
      return values.help ? 0 : 2;
    }
    const allowed = ALLOWED[sub];
    if (!allowed) throw new UsageError(`unknown subcommand '${sub}' (import, studies, query, compare, paired, signature, oncoprint; see 'her2scope cohort --help')`);
    for (const k of Object.keys(values)) {
      if (k !== 'help' && !allowed.includes(k as keyof typeof FLAGS)) throw new UsageError(`--${k} does not apply to 'cohort ${sub}' (see 'her2scope cohort --help')`);
    }
    const v = values as Values;
    const db = (v.db as string | undefined) ?? DEFAULT_DB;
    if (sub !== 'import' && rest.length) throw new UsageError(`unexpected argument '${rest[0]}' (see 'her2scope cohort --help')`);
    switch (sub) {
      case 'compare':
        return runCompare(v, io);
      case 'import':
        if (rest.length !== 1) throw new UsageError("'cohort import' needs exactly one cBioPortal study folder");
        return withDb(db, io, (s) => runImport(s, resolve(io.cwd, rest[0]!), v, io));
      case 'studies':
        return withDb(db, io, (s) => runStudies(s, v, io));
      case 'query':
        return withDb(db, io, (s) => runQuery(s, v, io));
      case 'paired':
        return withDb(db, io, (s) => runPaired(s, v, io));
      case 'signature':
        return withDb(db, io, (s) => runSignature(s, v, io));
      default:
        return withDb(db, io, (s) => runOncoprint(s, v, io));
    }
  },
};

function runCompare(v: Values, io: Io): number {
  const a = parseCount('group-a', v['group-a'] as string | undefined);
  const b = parseCount('group-b', v['group-b'] as string | undefined);
  const r = compareProportions(a, b);
  if (v.json) {
    io.stdout(json({ a: r.a, b: r.b, fisherP: r.fisherP, oddsRatio: r.oddsRatio, oddsRatioCi95: r.oddsRatioCi95 }));
    return 0;
  }
  io.stdout(formatComparison('A', 'B', r) + RESEARCH_USE + '\n');
  return 0;
}

function formatComparison(labelA: string, labelB: string, r: ReturnType<typeof compareProportions>): string {
  return [
    `Group ${labelA}: ${prop(r.a)}`,
    `Group ${labelB}: ${prop(r.b)}`,
    `Fisher's exact test (two-sided): p = ${sig(r.fisherP)}`,
    `Odds ratio A vs B (conditional MLE, as R's fisher.test): ${ratioText(r.oddsRatio)} (95% CI ${ratioText(r.oddsRatioCi95[0])} to ${ratioText(r.oddsRatioCi95[1])}, exact)`,
  ].join('\n') + '\n';
}

async function runImport(s: Storage, dir: string, v: Values, io: Io): Promise<number> {
  const r = await importStudy(s, dir, { onProgress: io.stderrIsTTY ? (m) => io.stderr(`${m}\n`) : undefined });
  if (v.json) {
    io.stdout(json(r));
    return 0;
  }
  const lines = [
    `${r.replaced ? 'Replaced' : 'Imported'} study ${r.study} (${r.name}) into ${s.location} in ${r.seconds} s`,
    `  ${r.patients} patients, ${r.samples} samples, ${r.attributes.patient} patient and ${r.attributes.sample} sample attributes, ${r.caseLists} case lists, ${r.timelineEvents} timeline events`,
  ];
  for (const p of r.profiles) {
    const filtered = p.filtered && Object.keys(p.filtered).length ? `; filtered ${Object.entries(p.filtered).map(([c, n]) => `${n} ${c}`).join(', ')}` : '';
    lines.push(`  profile ${p.stableId} (${p.kind}, ${p.file}): ${p.rows} rows read, ${p.stored} stored${filtered}; ${p.profiledSamples} profiled samples (${p.profiledBy})`);
  }
  for (const p of r.profiles) {
    if (p.panels && Object.keys(p.panels).length) lines.push(`  profile ${p.stableId}: gene panels ${Object.entries(p.panels).map(([k, n]) => `${k} ${n}`).join(', ')}; other profiled samples have no panel (every gene)`);
  }
  const cats = Object.entries(r.her2Categories).filter(([c]) => c !== 'unknown');
  if (cats.length) lines.push(`  HER2 categories: ${cats.map(([c, n]) => `${c} ${n}`).join(', ')}, unknown ${r.her2Categories.unknown ?? 0}`);
  const h = r.her2Report;
  if (h.withData) {
    const why = Object.entries(h.notCategorised).map(([reason, n]) => `${n} ${reason}`).join('; ');
    lines.push(`  HER2 columns: ${h.withData} samples with HER2 data, ${h.categorised} categorised (rules ${Object.entries(h.byRule).sort().map(([k, n]) => `${k} ${n}`).join(', ')}), ${h.withData - h.categorised} not${why ? ` (${why})` : ''}; ${h.contradictionCount} contradiction(s) flagged`);
    for (const c of h.contradictions) lines.push(`    contradiction: sample ${c.sample}: ${c.detail}`);
  }
  for (const f of r.skippedFiles) lines.push(`  skipped ${f.metaFile}: ${f.reason}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push(RESEARCH_USE);
  io.stdout(lines.join('\n') + '\n');
  return 0;
}

async function runStudies(s: Storage, v: Values, io: Io): Promise<number> {
  const studies = await listStudies(s);
  if (v.json) {
    io.stdout(json(studies.map(({ id: _id, ...x }) => x)));
    return 0;
  }
  if (!studies.length) io.stdout(`no studies in ${s.location}\n`);
  for (const st of studies) io.stdout(`${st.identifier}\t${st.samples} samples\t${st.patients} patients\t${st.name}\n`);
  return 0;
}

async function runQuery(s: Storage, v: Values, io: Io): Promise<number> {
  let alteration;
  try {
    alteration = parseAlteration({
      gene: v.gene as string | undefined,
      mutationClass: v.class as string | undefined,
      proteinChange: v['protein-change'] as string | undefined,
      cna: v.cna as string | undefined,
      her2: v.her2 as string | undefined,
    });
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(`--${e.field}: ${e.message.slice(e.field.length + 2)}`);
    throw e;
  }
  const groupBy = groupByOf(v.by as string | undefined);
  const study = v.study as string | undefined;
  const profile = v.profile as string | undefined;
  if ((v['group-a'] === undefined) !== (v['group-b'] === undefined)) throw new UsageError('give both --group-a and --group-b');
  if (v.domains !== undefined && v.plot === undefined) throw new UsageError('--domains goes with --plot');
  if (v.plot !== undefined && alteration.kind !== 'mutation') throw new UsageError('--plot with query draws a lollipop of a gene\'s mutations: give --gene (for a copy-number or HER2 overview use \'cohort oncoprint\')');
  if (v['group-a'] !== undefined) {
    const a = list(v['group-a'] as string);
    const b = list(v['group-b'] as string);
    if (!a.length || !b.length) throw new UsageError('--group-a/--group-b: give at least one group value each');
    const r = await compareGroups(s, { study, alteration, groupBy, profile, groupA: a, groupB: b });
    if (v.json) io.stdout(json(r));
    else {
      io.stdout(
        [`Study ${r.study}: ${r.alteration}`, `Denominator: ${r.denominator}`, `Groups by ${r.groupBy}: A = ${r.groupA.join(', ')}; B = ${r.groupB.join(', ')}`].join('\n') +
          '\n' +
          formatComparison(`A (${r.groupA.join(', ')})`, `B (${r.groupB.join(', ')})`, r) +
          RESEARCH_USE +
          '\n',
      );
    }
  } else {
    const r = await prevalenceCounts(s, { study, alteration, groupBy, profile });
    if (v.json) io.stdout(json({ study: r.study, alteration: r.alteration, denominator: r.denominator, groupBy: r.groupBy, overall: r.table.overall, groups: groupBy ? r.table.groups : [] }));
    else {
      const lines = [`Study ${r.study}: ${r.alteration}`, `Denominator: ${r.denominator}`, `Overall: ${prop(r.table.overall)}`];
      if (groupBy) {
        lines.push(`By ${r.groupBy}:`);
        const w = Math.max(8, ...r.table.groups.map((g) => (g.group ?? '(no value)').length));
        for (const g of r.table.groups) lines.push(`  ${(g.group ?? '(no value)').padEnd(w)}  ${`${g.k}/${g.n}`.padStart(11)}  ${pct(g.fraction).padStart(6)}  (95% CI ${ci(g)})`);
      }
      lines.push(RESEARCH_USE);
      io.stdout(lines.join('\n') + '\n');
    }
  }
  if (v.plot !== undefined && alteration.kind === 'mutation') {
    const domains = v.domains !== undefined ? await readDomains(resolve(io.cwd, v.domains as string)) : [];
    const data = await lollipopData(s, { study, gene: alteration.gene, domains, profile });
    const out = resolve(io.cwd, v.plot as string);
    await writeAtomic(out, renderLollipop(data));
    if (!v.json) io.stdout(`wrote ${v.plot}\n`);
  }
  return 0;
}

async function runPaired(s: Storage, v: Values, io: Io): Promise<number> {
  const r = await pairedAnalysis(s, { study: v.study as string | undefined, gene: v.gene as string | undefined, sampleTypeAttribute: v['sample-type-attr'] as string | undefined, profile: v.profile as string | undefined });
  if (v.json) {
    io.stdout(json(r));
    return 0;
  }
  const lines = [
    `Study ${r.study}: paired primary vs later (metastasis/recurrence) samples by ${r.sampleTypeAttribute}${r.gene ? `, ${r.gene} mutations` : ', all mutations'}`,
    `Paired patients: ${r.patients.length}${r.unpairedPatients ? ` (${r.unpairedPatients} other patients with several samples lack a primary or a later sample)` : ''}`,
    `Patients with an acquired alteration: ${prop(r.patientsWithAcquired)}`,
    `Alterations of later samples absent from the primary: ${prop(r.laterAlterationsAcquired)}`,
  ];
  for (const p of r.patients) {
    lines.push(`  ${p.patientId} (${p.primarySamples.join(',')} -> ${p.laterSamples.join(',')}): acquired ${p.acquired.join(', ') || '-'}; shared ${p.shared.join(', ') || '-'}; lost ${p.lost.join(', ') || '-'}${p.notProfiled.length ? `; not profiled on the other side ${p.notProfiled.join(', ')}` : ''}`);
  }
  if (r.notProfiledAlterations) lines.push(`${r.notProfiledAlterations} alteration(s) in genes the other side's gene panel did not cover are neither acquired nor lost.`);
  lines.push("'Acquired' = not detected in the primary sample(s); a subclone below the primary's detection limit looks the same.");
  lines.push(RESEARCH_USE);
  io.stdout(lines.join('\n') + '\n');
  return 0;
}

async function runSignature(s: Storage, v: Values, io: Io): Promise<number> {
  const ref = v.reference as string | undefined;
  const m = ref === undefined ? null : /^([^=]+)=(.+)$/.exec(ref);
  if (!m) throw new UsageError('--reference ATTR=VALUE[,VALUE] is required (the reference samples of the z-scores, e.g. TRASTUZUMAB_RESPONSE=sensitive)');
  const threshold = numberFlag('threshold', v.threshold as string | undefined) ?? 1;
  const r = await signatureQuery(s, { study: v.study as string | undefined, profile: v.profile as string | undefined, referenceAttribute: m[1]!.trim(), referenceValues: list(m[2]), threshold, log2: Boolean(v.log2) });
  if (v.json) {
    io.stdout(json({ ...r, researchUse: RESEARCH_USE }));
    return 0;
  }
  const lines = [
    `Study ${r.study}, profile ${r.profile}: trastuzumab-resistance signature (RESEARCH USE ONLY; not a validated predictor)`,
    `Definition: ${r.definition}`,
    `Source: ${r.source}; evidence: ${r.evidence}`,
    `Reference: ${r.referenceSamples} samples with ${m[1]!.trim()} = ${list(m[2]).join(' or ')}${v.log2 ? '; values log2(x + 1)' : ''}`,
    `HER2-positive samples with score > ${r.threshold}: ${r.flagged.length}`,
  ];
  for (const x of r.flagged) lines.push(`  ${x.sampleId}  score ${x.score!.toFixed(2)}  (${Object.entries(x.z).map(([g, z]) => `${g} ${z!.toFixed(2)}`).join(', ')})`);
  const scored = r.samples.filter((x) => x.score !== null).length;
  lines.push(`Scored samples: ${scored} of ${r.samples.length} (a sample missing any of the four genes has no score)`);
  lines.push(RESEARCH_USE);
  io.stdout(lines.join('\n') + '\n');
  return 0;
}

async function runOncoprint(s: Storage, v: Values, io: Io): Promise<number> {
  const genes = list(v.genes as string | undefined);
  if (!genes.length) throw new UsageError('--genes G1,G2,... is required');
  if (v.plot === undefined) throw new UsageError('--plot out.svg is required');
  const data = await oncoprintData(s, { study: v.study as string | undefined, genes });
  const out = resolve(io.cwd, v.plot as string);
  await writeAtomic(out, renderOncoprint(data));
  io.stdout(`wrote ${v.plot} (${data.genes.length} genes x ${data.samples.length} profiled samples${data.notProfiled?.size ? `; ${data.notProfiled.size} gene-sample cells not profiled` : ''})\n${RESEARCH_USE}\n`);
  return 0;
}
