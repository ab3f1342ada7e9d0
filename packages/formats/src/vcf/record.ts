/**
 * One VCF data line -> the VariantCalls it holds (one per ALT allele the tumour carries), or a RecordError
 * naming the field. Hand-written rather than @gmod/vcf's `parseLine`: that parser turns a malformed number
 * into NaN without saying where (we must report `FORMAT/AD: 'x,3' is not a number`), and decodes every INFO
 * and sample field, where we need only INFO/CSQ or ANN and one sample column.
 */
import type { VariantCall } from '@her2scope/core';
import { AnnotationError, hasEntries, pickAnnotation, vepAlleles, type Annotation } from './annotation.ts';
import type { AnnotationLayout } from './header.ts';
import { FormatView, SampleError, tumourReadsOf, type TumourReads } from './sample.ts';
import { missingValue } from '@her2scope/core/errors';

export class RecordError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Region {
  chrom: string;
  /** 1-based, inclusive. */
  start: number;
  /** 1-based, inclusive (Infinity for "to the end"). */
  end: number;
}

export interface RecordContext {
  nSamples: number;
  annotation: AnnotationLayout;
  tumorIndex: number;
  tumor: string | null;
  /** Matched normal column (-1: none); its reads mark germline variants. */
  normalIndex?: number;
  /** Requested gene symbols (exact, case-sensitive), or null for all. */
  genes: ReadonlySet<string> | null;
  allFilters: boolean;
  region: Region | null;
  /** Declared Number of FORMAT/AD (see tumourReads). */
  adNumber?: string;
}

export interface ParsedRecord {
  calls: VariantCall[];
  /** True when the record had a CSQ/ANN value (used to tell an unannotated file from a sparse one). */
  annotated: boolean;
  chrom: string;
  pos: number;
}

const POS = /^\d+$/;
/** REF: A/C/G/T/N, and the IUPAC ambiguity codes some reference genomes contain. */
const REF_RE = /^[ACGTNRYKMSWBDHVacgtnrykmswbdhv]+$/;
const quote = (s: string) => `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;

/** Cheap look at CHROM and POS (for region checks and messages) without validating the rest. */
export function peekLocus(line: string): { chrom: string; pos: number } | null {
  const t1 = line.indexOf('\t');
  if (t1 <= 0) return null;
  const t2 = line.indexOf('\t', t1 + 1);
  const p = line.slice(t1 + 1, t2 < 0 ? undefined : t2);
  return POS.test(p) ? { chrom: line.slice(0, t1), pos: Number(p) } : null;
}

/** FORMAT keys -> index, for the last FORMAT strings seen (they repeat from record to record). */
const formatCache = new Map<string, Map<string, number>>();
function formatIndex(format: string): Map<string, number> {
  let m = formatCache.get(format);
  if (!m) {
    m = new Map();
    const keys = format.split(':');
    for (let i = 0; i < keys.length; i++) if (!m.has(keys[i] ?? missingValue('keys[i]'))) m.set(keys[i] ?? missingValue('keys[i]'), i);
    if (formatCache.size > 256) formatCache.clear();
    formatCache.set(format, m);
  }
  return m;
}

/** The value of INFO key `key` in `info` (null when absent; '' for a flag). */
export function infoValue(info: string, key: string): string | null {
  let at = -1;
  if (info.startsWith(key) && (info.length === key.length || info[key.length] === '=' || info[key.length] === ';')) at = 0;
  else {
    for (let i = info.indexOf(key); i !== -1; i = info.indexOf(key, i + 1)) {
      const after = info[i + key.length];
      if (info.charCodeAt(i - 1) === 59 && (after === undefined || after === '=' || after === ';')) {
        at = i;
        break;
      }
    }
  }
  if (at < 0) return null;
  const v = at + key.length;
  if (info[v] !== '=') return '';
  const end = info.indexOf(';', v + 1);
  return info.slice(v + 1, end === -1 ? undefined : end);
}

const ALT_OK = /^(?:[ACGTNacgtn]+|\*|<[^<>]+>|.*[[\]].*|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$/;
const SIMPLE_ALT = /^[ACGTN]$/;

/**
 * Parse one data line. With `validateAll`, every field the reader uses is checked even when the record is
 * filtered out (FILTER, gene, region); nothing filtered is returned either way.
 */
export function parseVcfRecord(line: string, ctx: RecordContext, validateAll = false): ParsedRecord {
  const cols = line.split('\t');
  const expected = ctx.nSamples > 0 ? 9 + ctx.nSamples : 8;
  if (cols.length !== expected && !(ctx.nSamples === 0 && cols.length === 9)) {
    const what = ctx.nSamples > 0 ? `8 fixed + FORMAT + ${ctx.nSamples} sample${ctx.nSamples === 1 ? '' : 's'}` : '8 fixed';
    throw new RecordError('columns', `expected ${expected} tab-separated columns (${what}), found ${cols.length}`);
  }
  const chrom = cols[0] ?? missingValue('cols[0]');
  const posText = cols[1] ?? missingValue('cols[1]');
  const ref = cols[3] ?? missingValue('cols[3]');
  const altText = cols[4] ?? missingValue('cols[4]');
  const filter = cols[6] ?? missingValue('cols[6]');
  const info = cols[7] ?? missingValue('cols[7]');
  if (chrom === '' || /\s/.test(chrom)) throw new RecordError('CHROM', `${quote(chrom)} is not a contig name`);
  if (!POS.test(posText)) throw new RecordError('POS', `${quote(posText)} is not a whole number`);
  const pos = Number(posText);
  if (!Number.isSafeInteger(pos)) throw new RecordError('POS', `${quote(posText)} is too large`);
  const out: ParsedRecord = { calls: [], annotated: false, chrom, pos };
  if (!REF_RE.test(ref)) throw new RecordError('REF', `${quote(ref)} is not a DNA sequence`);
  if (filter === '') throw new RecordError('FILTER', "empty (a missing value is '.')");
  if (info === '') throw new RecordError('INFO', "empty (a missing value is '.')");

  // INFO: only the annotation (and END, for region overlap) is read.
  const annValue = info === '.' ? null : infoValue(info, ctx.annotation.key);
  let end = pos + ref.length - 1;
  if (ctx.region && info !== '.') {
    const v = infoValue(info, 'END');
    if (v !== null && v !== '') {
      if (!POS.test(v)) throw new RecordError('INFO/END', `${quote(v)} is not a whole number`);
      end = Math.max(end, Number(v));
    }
  }
  out.annotated = hasEntries(annValue);
  const inRegion = !ctx.region || (chrom === ctx.region.chrom && end >= ctx.region.start && pos <= ctx.region.end);
  if (!inRegion && !validateAll) return out;

  if (altText === '.') return out; // no ALT allele: a reference-only record
  const alts = SIMPLE_ALT.test(altText) ? [altText] : altText.split(',');
  for (const a of alts) {
    if (!(a.length === 1 ? SIMPLE_ALT.test(a) || ALT_OK.test(a) : ALT_OK.test(a))) throw new RecordError('ALT', `${quote(a)} is not an allele`);
  }
  const passes = ctx.allFilters || filter === 'PASS' || filter === '.';
  if (!passes && !validateAll) return out;
  const emit = inRegion && passes;

  const vep = ctx.annotation.kind === 'vep' && alts.length > 1 ? vepAlleles(ref, alts) : alts;
  let sample: FormatView | null = null;
  let normalSample: FormatView | null = null;
  if (ctx.tumorIndex >= 0) {
    const idx = formatIndex(cols[8] ?? missingValue('cols[8]'));
    const col = cols[9 + ctx.tumorIndex] ?? missingValue('cols[9 + ctx.tumorIndex]');
    const values = col === '.' || col === '' ? [] : col.split(':');
    if (values.length > idx.size && values.length > (cols[8] ?? missingValue('cols[8]')).split(':').length) {
      throw new RecordError('FORMAT', `the sample has ${values.length} values but FORMAT lists ${(cols[8] ?? missingValue('cols[8]')).split(':').length} keys`);
    }
    sample = new FormatView(idx, values);
    const ni = ctx.normalIndex ?? -1;
    if (ni >= 0 && ni !== ctx.tumorIndex) {
      const ncol = cols[9 + ni] ?? missingValue('cols[9 + ni]');
      normalSample = new FormatView(idx, ncol === '.' || ncol === '' ? [] : ncol.split(':'));
    }
  }
  const nAlts = alts.length;
  for (let k = 1; k <= nAlts; k++) {
    const alt = alts[k - 1] ?? missingValue('alts[k - 1]');
    if (alt === '*') continue; // allele deleted by an overlapping upstream deletion: not a variant of its own
    let picked: Annotation | null = null;
    if (out.annotated) {
      try {
        picked = pickAnnotation((annValue ?? missingValue('annValue')), ctx.annotation, { k, alt, vepAllele: vep[k - 1] ?? missingValue('vep[k - 1]'), nAlts }, ctx.genes, validateAll);
      } catch (e) {
        if (e instanceof AnnotationError) throw new RecordError(e.field, e.message);
        throw e;
      }
    }
    const wanted = emit && !(ctx.genes && !picked);
    if (!wanted && !validateAll) continue;
    let reads: TumourReads = NO_READS;
    if (sample) {
      try {
        reads = tumourReadsOf(sample, k, ref, alts, ctx.adNumber);
      } catch (e) {
        if (e instanceof SampleError) throw new RecordError(e.field, e.message);
        throw e;
      }
      // Leave out an allele the tumour does not carry: a called GT without it, and no reads for it.
      if (reads.gt && !reads.gt.includes(k) && !(reads.altCount !== null && reads.altCount > 0)) continue;
    }
    if (!wanted) continue;
    let normal: TumourReads | null = null;
    if (normalSample) {
      try {
        normal = tumourReadsOf(normalSample, k, ref, alts, ctx.adNumber);
      } catch (e) {
        if (e instanceof SampleError) throw new RecordError(`normal ${e.field}`, e.message);
        throw e;
      }
    }
    const call: VariantCall = {
      gene: picked?.gene ?? '',
      hgvsp: picked?.hgvsp ?? null,
      hgvsc: picked?.hgvsc ?? null,
      consequence: picked?.consequence ?? '',
      chrom,
      pos,
      ref,
      alt,
      vaf: reads.vaf,
      depth: reads.depth,
      altCount: reads.altCount,
      filter,
      sample: ctx.tumor ?? '',
      ...(normal ? { normalDepth: normal.depth, normalAltCount: normal.altCount, normalVaf: normal.vaf } : {}),
      ...(picked && picked.populationAf !== null ? { populationAf: picked.populationAf } : {}),
    };
    if (reads.notes.length) call.notes = reads.notes;
    out.calls.push(call);
  }
  return out;
}

const NO_READS: TumourReads = { depth: null, altCount: null, vaf: null, gt: null, notes: [] };
