/**
 * Tumour read counts, depth and VAF from one sample's FORMAT values, for each caller's way of writing them.
 *
 * Source for which fields to read and in what order: `FixAlleleDepths` in mskcc/vcf2maf `vcf2maf.pl`
 * (Apache-2.0), which handles
 * - AD with one value per allele (GATK HaplotypeCaller/Mutect2, VarDict…); AD with only the ALT depth plus RD for
 *   the REF (VarScan); AD with one value taken as the ALT depth;
 * - Strelka SNVs: no AD, per-base tier-1,2 counts AU/CU/GU/TU (tier 1 used, "cuz it's stricter, and DP already
 *   is");
 * - Strelka indels: TIR (ALT) and TAR (REF), tier 1;
 * - AO/RO (freebayes, Ion Torrent), DP4 (ref-fwd, ref-rev, alt-fwd, alt-rev), MuTect 1's FA x DP, bcftools DV;
 * - depth = DP, raised to the sum of the allele depths when they exceed it; the sum when DP is missing.
 * VAF: ALT depth over the sum of the allele depths when every allele has one (over REF + ALT otherwise), else the
 * caller's own fraction: FORMAT AF (Mutect2, Number=A), VarScan's FREQ ("28.05%"), MuTect 1's FA, and finally
 * ALT depth over DP. Reported as a fraction 0-1, rounded to 6 decimals.
 */
import { defined, missingValue } from '@her2scope/core/errors';

export class SampleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TumourReads {
  depth: number | null;
  altCount: number | null;
  vaf: number | null;
  /** Allele indexes in GT (null when there is no GT or it is missing, e.g. `./.`). */
  gt: number[] | null;
  /** What was read differently from the usual (e.g. an AD whose value count does not follow the alleles). */
  notes: string[];
}

const INT = /^\d+$/;
const quote = (s: string) => `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;

function intOrNull(key: string, raw: string, v: string | undefined): number | null {
  if (v === undefined || v === '' || v === '.') return null;
  if (!INT.test(v)) throw new SampleError(`FORMAT/${key}`, `${quote(raw)} is not a number`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new SampleError(`FORMAT/${key}`, `${quote(raw)} is too large`);
  return n;
}

function ints(key: string, raw: string | undefined): Array<number | null> | null {
  if (raw === undefined || raw === '' || raw === '.') return null;
  return raw.split(',').map((v) => intOrNull(key, raw, v));
}

function fraction(key: string, raw: string, v: string | undefined): number | null {
  if (v === undefined || v === '' || v === '.') return null;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new SampleError(`FORMAT/${key}`, `${quote(raw)} is not a number`);
  if (n < 0 || n > 1) throw new SampleError(`FORMAT/${key}`, `${quote(raw)} is not an allele fraction between 0 and 1`);
  return n;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** FORMAT key -> value of one sample column (undefined when absent). */
export interface FormatGetter {
  get(key: string): string | undefined;
}

/** A sample column seen through its FORMAT keys (`idx`: key -> position; shared between records with one FORMAT). */
export class FormatView implements FormatGetter {
  constructor(
    readonly idx: ReadonlyMap<string, number>,
    readonly values: readonly string[],
  ) {}
  get(key: string): string | undefined {
    const i = this.idx.get(key);
    return i === undefined ? undefined : this.values[i];
  }
}

/** A getter over parallel key/value arrays (fewer values than keys: the rest are missing, as the VCF spec allows). */
export function formatGetter(keys: readonly string[], values: readonly string[]): FormatGetter {
  if (values.length > keys.length) throw new SampleError('FORMAT', `the sample has ${values.length} values but FORMAT lists ${keys.length} keys`);
  const idx = new Map<string, number>();
  keys.forEach((k, i) => idx.has(k) || idx.set(k, i));
  return new FormatView(idx, values);
}

const present = (v: string | undefined): v is string => v !== undefined && v !== '' && v !== '.';
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/**
 * Reads of ALT allele `k` (1-based) in one sample column. `keys` are the FORMAT keys, `values` the sample's
 * colon-separated values (fewer values than keys means the rest are missing, as the VCF spec allows).
 * `adNumber` is the header's declared Number of FORMAT/AD (`R`, `A`, `G`, `.` or a count; undefined when the
 * header does not declare AD, read as `.`).
 *
 * AD is used by allele index when it has one value per allele (REF + ALTs), whatever Number says (Number=. allows
 * any count). Number=A with one value per ALT gives the ALT depth. A single value with Number=1, or with RD beside
 * it, is VarScan's ALT depth (RD = REF depth). Any other count (a Number=. AD with 2 values for 3 alleles, say) is
 * not guessed at: the other sources below are used and `note` says so (`AD has 2 values for 3 alleles; VAF from
 * AF`). A FORMAT/AF with neither one value per ALT nor a single value is likewise left out with a note. The record
 * is never dropped for a count that the spec allows: htslib and pysam read such records.
 */
export function tumourReads(keys: readonly string[], values: readonly string[], k: number, ref: string, alts: readonly string[], adNumber?: string): TumourReads {
  return tumourReadsOf(formatGetter(keys, values), k, ref, alts, adNumber);
}

export function tumourReadsOf(f: FormatGetter, k: number, ref: string, alts: readonly string[], adNumber = '.'): TumourReads {
  const nAlleles = 1 + alts.length;
  let ref_: number | null = null;
  let alt: number | null = null;
  let sum: number | null = null;
  let complete = false;
  let vafFromCaller: number | null = null;
  let source: string | null = null;
  let notes: string[] = NO_NOTES;
  let adNote: string | null = null;

  const adRaw = f.get('AD');
  const ad = ints('AD', adRaw);
  let adUsed = false;
  if (ad) {
    if (ad.length === nAlleles && adNumber !== 'A' && adNumber !== 'G') {
      ref_ = defined(ad[0], 'ad[0]');
      alt = defined(ad[k], 'ad[k]');
      complete = ad.every((x) => x !== null);
      sum = ad.reduce<number>((s, x) => s + (x ?? 0), 0);
      adUsed = true;
    } else if (adNumber === 'A' && ad.length === alts.length) {
      alt = defined(ad[k - 1], 'ad[k - 1]');
      ref_ = intOrNull('RD', f.get('RD') ?? '', f.get('RD'));
      adUsed = true;
    } else if (ad.length === 1 && alts.length === 1 && (adNumber === '1' || present(f.get('RD')))) {
      // VarScan: AD = depth of variant-supporting bases, RD = of reference-supporting bases.
      alt = defined(ad[0], 'ad[0]');
      ref_ = intOrNull('RD', f.get('RD') ?? '', f.get('RD'));
      adUsed = true;
    } else {
      adNote = `AD has ${plural(ad.length, 'value')} for ${nAlleles} alleles`;
    }
    if (adUsed) source = 'AD';
  }
  if (!adUsed) {
    if (['AU', 'CU', 'GU', 'TU'].every((b) => f.get(b) !== undefined)) {
      for (const b of ['AU', 'CU', 'GU', 'TU']) ints(b, f.get(b)); // validate all four
      const altAllele = alts[k - 1] ?? '';
      if (ref.length === 1) ref_ = tier1(f, ref);
      if (altAllele.length === 1) alt = tier1(f, altAllele);
      if (alt !== null) source = 'AU/CU/GU/TU';
    } else if (f.get('TIR') !== undefined && f.get('TAR') !== undefined) {
      alt = ints('TIR', f.get('TIR'))?.[0] ?? null;
      ref_ = ints('TAR', f.get('TAR'))?.[0] ?? null;
      if (alt !== null) source = 'TIR/TAR';
    } else if (f.get('AO') !== undefined && f.get('RO') !== undefined) {
      ref_ = intOrNull('RO', f.get('RO') ?? missingValue('f.get(\'RO\')'), f.get('RO'));
      const ao = ints('AO', f.get('AO'));
      alt = ao ? (ao[k - 1] ?? null) : null;
      if (alt !== null) source = 'AO/RO';
    } else if (alts.length === 1 && f.get('DP4') !== undefined && (f.get('DP4') ?? missingValue('f.get(\'DP4\')')).split(',').length === 4) {
      // DP4 counts every non-REF read as ALT, so it is used for a single ALT allele only.
      const d = (ints('DP4', f.get('DP4')) ?? missingValue('ints(\'DP4\', f.get(\'DP4\'))'));
      if (d.every((x) => x !== null)) {
        ref_ = (d[0] ?? missingValue('d[0]')) + (d[1] ?? missingValue('d[1]'));
        alt = (d[2] ?? missingValue('d[2]')) + (d[3] ?? missingValue('d[3]'));
        source = 'DP4';
      }
    } else if (f.get('DV') !== undefined && f.get('DP') !== undefined) {
      alt = intOrNull('DV', f.get('DV') ?? missingValue('f.get(\'DV\')'), f.get('DV'));
      if (alt !== null) source = 'DV/DP';
    }
  }

  const dp = intOrNull('DP', f.get('DP') ?? '', f.get('DP'));
  // Mutect2 and others: AF per ALT allele; an allele fraction of the caller's own.
  const afRaw = f.get('AF');
  let vafSource: string | null = null;
  if (present(afRaw)) {
    const af = afRaw.split(',');
    if (af.length !== alts.length && af.length !== 1) notes = [`AF has ${plural(af.length, 'value')} for ${plural(alts.length, 'ALT allele')}; AF not used`];
    else {
      vafFromCaller = fraction('AF', afRaw, af.length === 1 ? (k === 1 ? af[0] : undefined) : af[k - 1]);
      if (vafFromCaller !== null) vafSource = 'AF';
    }
  }
  const freqRaw = f.get('FREQ');
  if (vafFromCaller === null && present(freqRaw)) {
    const m = /^([0-9]*\.?[0-9]+)%$/.exec(freqRaw.replace('%25', '%'));
    if (!m) throw new SampleError('FORMAT/FREQ', `${quote(freqRaw)} is not a percentage`);
    vafFromCaller = fraction('FREQ', freqRaw, String(Number(m[1]) / 100));
    if (vafFromCaller !== null) vafSource = 'FREQ';
  }
  const faRaw = f.get('FA');
  if (present(faRaw)) {
    const fa = fraction('FA', faRaw, faRaw.split(',')[k - 1]);
    if (vafFromCaller === null && fa !== null) {
      vafFromCaller = fa;
      vafSource = 'FA';
    }
    if (alt === null && !adUsed && fa !== null && dp !== null) {
      alt = Math.round(fa * dp);
      source = 'FA x DP';
    }
  }

  let depth: number | null = dp;
  const counted = sum ?? (ref_ !== null && alt !== null ? ref_ + alt : null);
  if (counted !== null && (depth === null || counted > depth)) depth = counted;
  if (alt !== null && depth !== null && alt > depth) depth = alt;

  let vaf: number | null = null;
  let from: string | null = null;
  if (alt !== null && complete && sum !== null && sum > 0) {
    vaf = alt / sum;
    from = source;
  } else if (alt !== null && ref_ !== null && ref_ + alt > 0) {
    vaf = alt / (ref_ + alt);
    from = source === 'AD' && ref_ !== null ? 'AD/RD' : source;
  } else if (vafFromCaller !== null) {
    vaf = vafFromCaller;
    from = vafSource;
  } else if (alt !== null && depth !== null && depth > 0) {
    vaf = alt / depth;
    from = `${source ?? 'ALT depth'} over DP`;
  }
  if (adNote) notes = [`${adNote}; ${vaf === null ? 'no VAF' : `VAF from ${from}`}`, ...notes];

  return { depth, altCount: alt, vaf: vaf === null ? null : round6(vaf), gt: genotype(f.get('GT')), notes };
}

/** Strelka tier-1 count of one base (`AU` for A…). */
function tier1(f: FormatGetter, base: string): number | null {
  const key = `${base.toUpperCase()}U`;
  const raw = f.get(key);
  if (raw === undefined) return null;
  return ints(key, raw)?.[0] ?? null;
}

const NO_NOTES: string[] = [];

function genotype(raw: string | undefined): number[] | null {
  if (raw === undefined || raw === '' || raw === '.') return null;
  if (!/^(\.|\d+)([/|](\.|\d+))*$/.test(raw)) throw new SampleError('FORMAT/GT', `${quote(raw)} is not a genotype`);
  if (raw.includes('.')) return null;
  return raw.split(/[/|]/).map(Number);
}
