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
export type FormatGetter = (key: string) => string | undefined;

/** A getter over parallel key/value arrays (fewer values than keys: the rest are missing, as the VCF spec allows). */
export function formatGetter(keys: readonly string[], values: readonly string[]): FormatGetter {
  if (values.length > keys.length) throw new SampleError('FORMAT', `the sample has ${values.length} values but FORMAT lists ${keys.length} keys`);
  return (key) => {
    const i = keys.indexOf(key);
    return i < 0 ? undefined : values[i];
  };
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

export function tumourReadsOf(get: FormatGetter, k: number, ref: string, alts: readonly string[], adNumber = '.'): TumourReads {
  const nAlleles = 1 + alts.length;
  let ref_: number | null = null;
  let alt: number | null = null;
  let sum: number | null = null;
  let complete = false;
  let vafFromCaller: number | null = null;
  let source: string | null = null;
  const notes: string[] = [];
  let adNote: string | null = null;

  const adRaw = get('AD');
  const ad = ints('AD', adRaw);
  let adUsed = false;
  if (ad) {
    const rd = () => intOrNull('RD', get('RD') ?? '', get('RD'));
    if (ad.length === nAlleles && adNumber !== 'A' && adNumber !== 'G') {
      ref_ = ad[0]!;
      alt = ad[k]!;
      complete = ad.every((x) => x !== null);
      sum = ad.reduce<number>((s, x) => s + (x ?? 0), 0);
      adUsed = true;
    } else if (adNumber === 'A' && ad.length === alts.length) {
      alt = ad[k - 1]!;
      ref_ = rd();
      adUsed = true;
    } else if (ad.length === 1 && alts.length === 1 && (adNumber === '1' || present(get('RD')))) {
      // VarScan: AD = depth of variant-supporting bases, RD = of reference-supporting bases.
      alt = ad[0]!;
      ref_ = rd();
      adUsed = true;
    } else {
      adNote = `AD has ${plural(ad.length, 'value')} for ${nAlleles} alleles`;
    }
    if (adUsed) source = 'AD';
  }
  if (!adUsed) {
    if (['AU', 'CU', 'GU', 'TU'].every((b) => get(b) !== undefined)) {
      const tier1 = (base: string) => {
        const key = `${base.toUpperCase()}U`;
        const raw = get(key);
        if (raw === undefined) return null;
        return ints(key, raw)?.[0] ?? null;
      };
      for (const b of ['AU', 'CU', 'GU', 'TU']) ints(b, get(b)); // validate all four
      const altAllele = alts[k - 1] ?? '';
      if (ref.length === 1) ref_ = tier1(ref);
      if (altAllele.length === 1) alt = tier1(altAllele);
      if (alt !== null) source = 'AU/CU/GU/TU';
    } else if (get('TIR') !== undefined && get('TAR') !== undefined) {
      alt = ints('TIR', get('TIR'))?.[0] ?? null;
      ref_ = ints('TAR', get('TAR'))?.[0] ?? null;
      if (alt !== null) source = 'TIR/TAR';
    } else if (get('AO') !== undefined && get('RO') !== undefined) {
      ref_ = intOrNull('RO', get('RO')!, get('RO'));
      const ao = ints('AO', get('AO'));
      alt = ao ? (ao[k - 1] ?? null) : null;
      if (alt !== null) source = 'AO/RO';
    } else if (alts.length === 1 && get('DP4') !== undefined && get('DP4')!.split(',').length === 4) {
      // DP4 counts every non-REF read as ALT, so it is used for a single ALT allele only.
      const d = ints('DP4', get('DP4'))!;
      if (d.every((x) => x !== null)) {
        ref_ = d[0]! + d[1]!;
        alt = d[2]! + d[3]!;
        source = 'DP4';
      }
    } else if (get('DV') !== undefined && get('DP') !== undefined) {
      alt = intOrNull('DV', get('DV')!, get('DV'));
      if (alt !== null) source = 'DV/DP';
    }
  }

  const dp = intOrNull('DP', get('DP') ?? '', get('DP'));
  // Mutect2 and others: AF per ALT allele; an allele fraction of the caller's own.
  const afRaw = get('AF');
  let vafSource: string | null = null;
  if (present(afRaw)) {
    const af = afRaw.split(',');
    if (af.length !== alts.length && af.length !== 1) notes.push(`AF has ${plural(af.length, 'value')} for ${plural(alts.length, 'ALT allele')}; AF not used`);
    else {
      vafFromCaller = fraction('AF', afRaw, af.length === 1 ? (k === 1 ? af[0] : undefined) : af[k - 1]);
      if (vafFromCaller !== null) vafSource = 'AF';
    }
  }
  const freqRaw = get('FREQ');
  if (vafFromCaller === null && present(freqRaw)) {
    const m = /^([0-9]*\.?[0-9]+)%$/.exec(freqRaw.replace('%25', '%'));
    if (!m) throw new SampleError('FORMAT/FREQ', `${quote(freqRaw)} is not a percentage`);
    vafFromCaller = fraction('FREQ', freqRaw, String(Number(m[1]) / 100));
    if (vafFromCaller !== null) vafSource = 'FREQ';
  }
  const faRaw = get('FA');
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
  if (adNote) notes.unshift(`${adNote}; ${vaf === null ? 'no VAF' : `VAF from ${from}`}`);

  return { depth, altCount: alt, vaf: vaf === null ? null : round6(vaf), gt: genotype(get('GT')), notes };
}

function genotype(raw: string | undefined): number[] | null {
  if (raw === undefined || raw === '' || raw === '.') return null;
  if (!/^(\.|\d+)([/|](\.|\d+))*$/.test(raw)) throw new SampleError('FORMAT/GT', `${quote(raw)} is not a genotype`);
  if (raw.includes('.')) return null;
  return raw.split(/[/|]/).map(Number);
}
