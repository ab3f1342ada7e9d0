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

/**
 * Reads of ALT allele `k` (1-based) in one sample column. `keys` are the FORMAT keys, `values` the sample's
 * colon-separated values (fewer values than keys means the rest are missing, as the VCF spec allows).
 */
export function tumourReads(keys: readonly string[], values: readonly string[], k: number, ref: string, alts: readonly string[]): TumourReads {
  if (values.length > keys.length) throw new SampleError('FORMAT', `the sample has ${values.length} values but FORMAT lists ${keys.length} keys`);
  const fmt = new Map<string, string>();
  for (let i = 0; i < values.length; i++) fmt.set(keys[i]!, values[i]!);
  const nAlleles = 1 + alts.length;
  let ref_: number | null = null;
  let alt: number | null = null;
  let sum: number | null = null;
  let complete = false;
  let vafFromCaller: number | null = null;

  const ad = ints('AD', fmt.get('AD'));
  if (ad) {
    if (ad.length === nAlleles) {
      ref_ = ad[0]!;
      alt = ad[k]!;
      complete = ad.every((x) => x !== null);
      sum = ad.reduce<number>((s, x) => s + (x ?? 0), 0);
    } else if (ad.length === 1) {
      alt = ad[0]!;
      ref_ = intOrNull('RD', fmt.get('RD') ?? '', fmt.get('RD'));
    } else {
      throw new SampleError('FORMAT/AD', `${quote(fmt.get('AD')!)} has ${ad.length} values; expected ${nAlleles} (REF and ${alts.length} ALT)`);
    }
  } else if (['AU', 'CU', 'GU', 'TU'].every((b) => fmt.has(b))) {
    const tier1 = (base: string) => {
      const key = `${base.toUpperCase()}U`;
      const raw = fmt.get(key);
      if (raw === undefined) return null;
      return ints(key, raw)?.[0] ?? null;
    };
    for (const b of ['AU', 'CU', 'GU', 'TU']) ints(b, fmt.get(b)); // validate all four
    const altAllele = alts[k - 1] ?? '';
    if (ref.length === 1) ref_ = tier1(ref);
    if (altAllele.length === 1) alt = tier1(altAllele);
  } else if (fmt.has('TIR') && fmt.has('TAR')) {
    alt = ints('TIR', fmt.get('TIR'))?.[0] ?? null;
    ref_ = ints('TAR', fmt.get('TAR'))?.[0] ?? null;
  } else if (fmt.has('AO') && fmt.has('RO')) {
    ref_ = intOrNull('RO', fmt.get('RO')!, fmt.get('RO'));
    const ao = ints('AO', fmt.get('AO'));
    alt = ao ? (ao[k - 1] ?? null) : null;
  } else if (fmt.has('DP4') && (fmt.get('DP4') ?? '').split(',').length === 4) {
    const d = ints('DP4', fmt.get('DP4'))!;
    if (d.every((x) => x !== null)) {
      ref_ = d[0]! + d[1]!;
      alt = d[2]! + d[3]!;
    }
  } else if (fmt.has('DV') && fmt.has('DP')) {
    alt = intOrNull('DV', fmt.get('DV')!, fmt.get('DV'));
  }

  const dp = intOrNull('DP', fmt.get('DP') ?? '', fmt.get('DP'));
  // Mutect2 and others: AF per ALT allele; an allele fraction of the caller's own.
  const afRaw = fmt.get('AF');
  if (afRaw !== undefined && afRaw !== '.' && afRaw !== '') {
    const af = afRaw.split(',');
    if (af.length !== alts.length && af.length !== 1) throw new SampleError('FORMAT/AF', `${quote(afRaw)} has ${af.length} values; expected ${alts.length} (one per ALT)`);
    vafFromCaller = fraction('AF', afRaw, af.length === 1 ? (k === 1 ? af[0] : undefined) : af[k - 1]);
  }
  const freqRaw = fmt.get('FREQ');
  if (vafFromCaller === null && freqRaw !== undefined && freqRaw !== '.' && freqRaw !== '') {
    const m = /^([0-9]*\.?[0-9]+)%$/.exec(freqRaw.replace('%25', '%'));
    if (!m) throw new SampleError('FORMAT/FREQ', `${quote(freqRaw)} is not a percentage`);
    vafFromCaller = fraction('FREQ', freqRaw, String(Number(m[1]) / 100));
  }
  const faRaw = fmt.get('FA');
  if (faRaw !== undefined && faRaw !== '.' && faRaw !== '') {
    const fa = fraction('FA', faRaw, faRaw.split(',')[k - 1]);
    if (vafFromCaller === null) vafFromCaller = fa;
    if (alt === null && ad === null && fa !== null && dp !== null) alt = Math.round(fa * dp);
  }

  let depth: number | null = dp;
  const counted = sum ?? (ref_ !== null && alt !== null ? ref_ + alt : null);
  if (counted !== null && (depth === null || counted > depth)) depth = counted;
  if (alt !== null && depth !== null && alt > depth) depth = alt;

  let vaf: number | null = null;
  if (alt !== null && complete && sum !== null && sum > 0) vaf = alt / sum;
  else if (alt !== null && ref_ !== null && ref_ + alt > 0) vaf = alt / (ref_ + alt);
  else if (vafFromCaller !== null) vaf = vafFromCaller;
  else if (alt !== null && depth !== null && depth > 0) vaf = alt / depth;

  return { depth, altCount: alt, vaf: vaf === null ? null : round6(vaf), gt: genotype(fmt.get('GT')) };
}

function genotype(raw: string | undefined): number[] | null {
  if (raw === undefined || raw === '' || raw === '.') return null;
  if (!/^(\.|\d+)([/|](\.|\d+))*$/.test(raw)) throw new SampleError('FORMAT/GT', `${quote(raw)} is not a genotype`);
  if (raw.includes('.')) return null;
  return raw.split(/[/|]/).map(Number);
}
