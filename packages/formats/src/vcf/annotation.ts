/**
 * VEP CSQ and SnpEff ANN annotation: match a record's entries to its ALT alleles and pick the one transcript
 * consequence that her2scope reports.
 *
 * Pick rule (per ALT allele; with a gene filter only the requested genes' entries take part):
 * - VEP, in this order: the entry VEP flagged PICK (`--pick`/`--flag_pick`), then a MANE Select transcript, then the
 *   canonical (CANONICAL=YES) protein-coding transcript, then the most severe protein-coding one, then anything else
 *   (lncRNA, pseudogene, regulatory feature…). Within a step the most severe consequence (Ensembl VEP order, core
 *   `consequenceRank`) wins, then file order. Without a BIOTYPE field every transcript counts as protein-coding.
 *   This follows VEP's own --pick order (MANE Select, canonical, biotype, then consequence rank) so that her2scope
 *   reports what the annotator chose; see docs/variants.md.
 * - SnpEff: the first ANN entry of the allele (SnpEff sorts the entries by severity).
 *
 * Entries are decoded lazily: only the sub-fields needed to rank an entry are located (by walking `|`), and HGVS is
 * cut out of the chosen entry alone. Absent values are null, never "".
 */
import { consequenceRank, mostSevereTerm, shortProteinChange } from '@her2scope/core';
import type { AnnotationLayout } from './header.ts';
import { missingValue } from '@her2scope/core/errors';

export interface Annotation {
  gene: string;
  consequence: string;
  hgvsp: string | null;
  hgvsc: string | null;
  /** Highest population allele frequency among the layout's frequency fields ("&"-separated values: the highest). */
  populationAf: number | null;
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

const rankCache = new Map<string, number>();
/** consequenceRank, memoised (the same few consequence strings recur in every file). */
function rankOf(consequence: string, impact: string): number {
  const key = impact ? `${consequence}\u0000${impact}` : consequence;
  let r = rankCache.get(key);
  if (r === undefined) {
    r = consequenceRank(consequence, impact);
    if (rankCache.size > 4096) rankCache.clear();
    rankCache.set(key, r);
  }
  return r;
}

/** Field bounds of one entry: start of field i at B[2i], end at B[2i+1] (reused: no allocation per entry). */
let B = new Int32Array(256);

/**
 * Locate the first `upto + 1` fields of the entry at [s, e) of `v`; returns how many fields were located
 * (fewer when the entry has fewer fields).
 */
function locate(v: string, s: number, e: number, upto: number): number {
  if (B.length < 2 * (upto + 1)) B = new Int32Array(2 * (upto + 1) + 64);
  let n = 0;
  let p = s;
  while (n <= upto) {
    let q = v.indexOf('|', p);
    if (q === -1 || q > e) q = e;
    B[2 * n] = p;
    B[2 * n + 1] = q;
    n++;
    if (q === e) break;
    p = q + 1;
  }
  return n;
}

/** Field i of the located entry ('' when absent or not in the layout). */
function fld(v: string, n: number, i: number): string {
  return i >= 0 && i < n ? v.slice(B[2 * i], B[2 * i + 1]) : '';
}

function isField(v: string, n: number, i: number, want: string): boolean {
  if (i < 0 || i >= n) return false;
  const a = B[2 * i] ?? missingValue('B[2 * i]');
  return (B[2 * i + 1] ?? missingValue('B[2 * i + 1]')) - a === want.length && v.startsWith(want, a);
}

function nonEmpty(v: string, n: number, i: number): boolean {
  if (i < 0 || i >= n) return false;
  const a = B[2 * i] ?? missingValue('B[2 * i]');
  const b = B[2 * i + 1] ?? missingValue('B[2 * i + 1]');
  return b > a && !(b - a === 1 && v.charCodeAt(a) === 46); // not '' nor '.'
}

/** Count the fields of the entry at [s, e) (for validation). */
function fieldCount(v: string, s: number, e: number): number {
  let n = 1;
  for (let q = v.indexOf('|', s); q !== -1 && q < e; q = v.indexOf('|', q + 1)) n++;
  return n;
}

export interface AlleleKey {
  /** 1-based ALT index. */
  k: number;
  alt: string;
  /** The allele as VEP writes it (see vepAlleles). */
  vepAllele: string;
  nAlts: number;
}

/**
 * Pick the reported consequence of ALT allele `a` among the entries of one CSQ/ANN value (see the rule at the top);
 * null when no entry describes the allele (or, with `genes`, none of a requested gene). With `validate` (the
 * first records of a file), every entry's field count is checked against the header; later records are not
 * checked (speed; a documented limit).
 */
export function pickAnnotation(value: string, l: AnnotationLayout, a: AlleleKey, genes: ReadonlySet<string> | null, validate = false): Annotation | null {
  const upto = l.rankUpto;
  const nFields = l.fields.length;
  const snpeff = l.kind === 'snpeff';
  let best = -1;
  let bestEnd = -1;
  let bestTier = 99;
  let bestRank = Infinity;
  let bestCsq = '';
  let bestImpact = '';
  let entryNo = 0;
  const len = value.length;
  let s = 0;
  while (s <= len) {
    let e = value.indexOf(',', s);
    if (e === -1) e = len;
    entryNo++;
    if (e > s && !(e - s === 1 && value.charCodeAt(s) === 46)) {
      if (validate && fieldCount(value, s, e) > nFields) {
        throw new AnnotationError(`INFO/${l.key}`, `entry ${entryNo} has ${fieldCount(value, s, e)} fields but the header's ${l.key} list has ${nFields}`);
      }
      const n = locate(value, s, e, upto);
      if (matchesAllele(value, n, l, a) && (!genes || genes.has(geneOf(value, n, l)))) {
        if (snpeff) {
          best = s;
          bestEnd = e;
          bestCsq = fld(value, n, l.consequence).trim();
          bestImpact = fld(value, n, l.impact).trim();
          break;
        }
        let tier: number;
        if (isField(value, n, l.pick, '1')) tier = 0;
        else if (nonEmpty(value, n, l.mane)) tier = 1;
        else {
          const coding = l.biotype >= 0 ? isField(value, n, l.biotype, 'protein_coding') : nonEmpty(value, n, l.symbol) || nonEmpty(value, n, l.gene);
          tier = coding ? (isField(value, n, l.canonical, 'YES') ? 2 : 3) : 4;
        }
        if (tier <= bestTier) {
          const csq = fld(value, n, l.consequence).trim();
          const impact = fld(value, n, l.impact).trim();
          const rank = rankOf(csq, impact);
          if (tier < bestTier || rank < bestRank) {
            best = s;
            bestEnd = e;
            bestTier = tier;
            bestRank = rank;
            bestCsq = csq;
            bestImpact = impact;
          }
        }
      }
    }
    s = e + 1;
  }
  if (best < 0) return null;
  const n = locate(value, best, bestEnd, Math.max(upto, l.hgvsc, l.hgvsp, ...l.populationAf));
  const gene = geneOf(value, n, l);
  return {
    gene,
    consequence: mostSevereTerm(bestCsq, bestImpact),
    hgvsp: shortProteinChange(fld(value, n, l.hgvsp)),
    hgvsc: hgvscOf(fld(value, n, l.hgvsc)),
    populationAf: populationAfOf(value, n, l),
  };
}

/** Highest population allele frequency among the layout's frequency fields ("&"-separated values: the highest). */
function populationAfOf(v: string, n: number, l: AnnotationLayout): number | null {
  let best: number | null = null;
  for (const k of l.populationAf) {
    for (const x of fld(v, n, k).split('&')) {
      if (x === '' || x === '.') continue;
      const f = Number(x);
      if (Number.isFinite(f) && f >= 0 && f <= 1 && (best === null || f > best)) best = f;
    }
  }
  return best;
}

function geneOf(v: string, n: number, l: AnnotationLayout): string {
  return fld(v, n, l.symbol).trim() || fld(v, n, l.gene).trim();
}

/**
 * Whether the located entry describes allele `a`. VEP: with a single ALT every entry belongs to it (this also
 * covers VEP --minimal, whose alleles are trimmed further); otherwise by ALLELE_NUM when given, else by the allele
 * string. SnpEff: by allele, except cancer-mode entries for a derived-vs-original pair (`G-C`), which compare two
 * ALTs.
 */
function matchesAllele(v: string, n: number, l: AnnotationLayout, a: AlleleKey): boolean {
  if (l.kind === 'snpeff') {
    const allele = fld(v, n, l.allele);
    return allele === a.alt || (a.nAlts === 1 && !(allele.includes('-') && allele !== a.alt));
  }
  if (a.nAlts === 1) return true;
  const num = fld(v, n, l.alleleNum);
  if (num !== '' && /^\d+$/.test(num) && Number(num) > 0) return Number(num) === a.k;
  const allele = fld(v, n, l.allele);
  return allele === a.vepAllele || allele === a.alt;
}

/** Whether a CSQ/ANN value carries any entry. */
export function hasEntries(value: string | null): boolean {
  return value !== null && value !== '' && value !== '.';
}
