/**
 * VEP CSQ and SnpEff ANN annotation: split one record's entries, match them to its ALT alleles and pick the one
 * transcript consequence that her2scope reports.
 *
 * Pick rule (per ALT allele): entries are grouped by gene (SYMBOL / Gene_Name, else the gene id). Within a gene,
 * a flagged transcript wins, in the order VEP's PICK flag (--flag_pick), MANE Select, CANONICAL=YES; without a
 * flag the most severe consequence wins (Ensembl VEP order, core `consequenceRank`); ties keep file order.
 * Across genes the most severe picked consequence wins (ties: the flagged one, then file order), and entries
 * without a gene (regulatory/motif features, intergenic) count only when no gene is annotated. With a gene
 * filter, only the requested genes are considered, so `--genes ERBB2` reports the ERBB2 consequence of a
 * variant even when a neighbouring gene's is more severe.
 */
import { consequenceRank, mostSevereTerm, shortProteinChange } from '@her2scope/core';
import type { AnnotationLayout } from './header.ts';

export interface Annotation {
  gene: string;
  consequence: string;
  hgvsp: string | null;
  hgvsc: string | null;
  /** Highest population allele frequency among the layout's frequency fields ("&"-separated values: the highest). */
  populationAf: number | null;
}

function populationAf(f: readonly string[], l: AnnotationLayout): number | null {
  let best: number | null = null;
  for (const k of l.populationAf ?? []) {
    for (const v of field(f, k).split('&')) {
      if (v === '' || v === '.') continue;
      const x = Number(v);
      if (Number.isFinite(x) && x >= 0 && x <= 1 && (best === null || x > best)) best = x;
    }
  }
  return best;
}

export interface Entry {
  allele: string;
  alleleNum: number;
  gene: string;
  consequence: string;
  impact: string;
  flag: number;
  rank: number;
  order: number;
  fields: string[];
}

/** Thrown for a malformed annotation; the reader adds file and line. */
export class AnnotationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The allele string VEP writes in CSQ for each ALT: VEP drops the first base shared by REF and every ALT when
 * the record holds an insertion or deletion (a length change), and writes `-` for an empty allele (Ensembl VEP
 * documentation, "VCF input: complications of allele representation"). SNVs and MNVs are written as they are.
 */
export function vepAlleles(ref: string, alts: readonly string[]): string[] {
  const plain = (a: string) => /^[A-Za-z]+$/.test(a);
  const isIndel = alts.some((a) => plain(a) && a.length !== ref.length);
  const all = [ref, ...alts.filter(plain)];
  const first = ref[0];
  if (!isIndel || !all.every((a) => a[0] === first)) return [...alts];
  return alts.map((a) => (plain(a) ? a.slice(1) || '-' : a));
}

const ESCAPES = new Map([['%3D', '='], ['%3A', ':'], ['%3B', ';'], ['%2C', ','], ['%25', '%']]);

function decode(s: string): string {
  return s.includes('%') ? s.replace(/%(3D|3A|3B|2C|25)/gi, (m) => ESCAPES.get(m.toUpperCase()) ?? m) : s;
}

function hgvscOf(v: string): string | null {
  const s = decode(v.trim());
  if (s === '' || s === '.') return null;
  const at = s.search(/:[cngmr]\./);
  return at >= 0 ? s.slice(at + 1) : s;
}

/** Sub-field `k` of a split entry ('' when absent or not in the layout). */
function field(f: readonly string[], k: number): string {
  return k >= 0 ? (f[k] ?? '') : '';
}

/** Parse every entry of one CSQ/ANN value. */
export function parseEntries(value: string, l: AnnotationLayout): Entry[] {
  const out: Entry[] = [];
  const raw = value.split(',');
  for (let i = 0; i < raw.length; i++) {
    const text = raw[i]!;
    if (text === '' || text === '.') continue;
    const f = text.split('|');
    if (f.length > l.fields.length) {
      throw new AnnotationError(`INFO/${l.key}`, `entry ${i + 1} has ${f.length} fields but the header's ${l.key} list has ${l.fields.length}`);
    }
    const consequence = field(f, l.consequence).trim();
    const impact = field(f, l.impact).trim();
    const gene = field(f, l.symbol).trim() || field(f, l.gene).trim();
    let flag = 3;
    if (field(f, l.pick) === '1') flag = 0;
    else if (field(f, l.mane).trim() !== '') flag = 1;
    else if (field(f, l.canonical) === 'YES') flag = 2;
    const num = field(f, l.alleleNum);
    out.push({
      allele: field(f, l.allele),
      alleleNum: /^\d+$/.test(num) ? Number(num) : 0,
      gene,
      consequence,
      impact,
      flag,
      rank: consequenceRank(consequence, impact),
      order: i,
      fields: f,
    });
  }
  return out;
}

/**
 * Entries that describe ALT allele `k` (1-based). `vepAllele` is that allele as VEP writes it.
 * With a single ALT every entry belongs to it (this also covers VEP --minimal, whose alleles are trimmed further),
 * except SnpEff cancer-mode entries for a derived-vs-original pair (`G-C`), which compare two ALTs.
 */
export function entriesForAllele(entries: Entry[], l: AnnotationLayout, k: number, alt: string, vepAllele: string, nAlts: number): Entry[] {
  if (l.kind === 'snpeff') {
    return entries.filter((e) => e.allele === alt || (nAlts === 1 && !(e.allele.includes('-') && e.allele !== alt)));
  }
  if (nAlts === 1) return entries;
  return entries.filter((e) => (e.alleleNum > 0 ? e.alleleNum === k : e.allele === vepAllele || e.allele === alt));
}

const better = (a: Entry, b: Entry) => a.rank - b.rank || a.flag - b.flag || a.order - b.order;

/** Pick the reported consequence among one allele's entries (see the rule at the top); null if none qualifies. */
export function pickAnnotation(entries: Entry[], l: AnnotationLayout, genes: ReadonlySet<string> | null): Annotation | null {
  const perGene = new Map<string, Entry>();
  for (const e of entries) {
    if (genes && !genes.has(e.gene)) continue;
    const cur = perGene.get(e.gene);
    if (!cur) {
      perGene.set(e.gene, e);
      continue;
    }
    // Within a gene: a flag beats no flag; between flagged ones the stronger flag; then severity; then order.
    const winner = e.flag !== cur.flag ? (e.flag < cur.flag ? e : cur) : better(e, cur) < 0 ? e : cur;
    perGene.set(e.gene, winner);
  }
  let best: Entry | null = null;
  for (const [gene, e] of perGene) {
    if (gene === '' && perGene.size > 1) continue;
    if (!best || better(e, best) < 0) best = e;
  }
  if (!best) return null;
  return {
    gene: best.gene,
    consequence: mostSevereTerm(best.consequence, best.impact),
    hgvsp: shortProteinChange(field(best.fields, l.hgvsp)),
    hgvsc: hgvscOf(field(best.fields, l.hgvsc)),
    populationAf: populationAf(best.fields, l),
  };
}
