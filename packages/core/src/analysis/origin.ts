/**
 * Where a variant comes from, judged across serial samples in collection order:
 * - `germline`: alt support in the matched normal (variant-class.ts); not a somatic finding;
 * - `pre-existing`: found in an earlier tumour sample;
 * - `acquired`: absent from an earlier sample that had the power to see it (below);
 * - `not-evaluable-earlier`: earlier samples exist but none could have seen it (no BED: coverage unknown; BED
 *   without the position; depth unknown; too few reads expected), with the reason;
 * - `first-sample`: no earlier sequenced sample.
 * Samples collected on the same day are contemporaneous: neither is earlier than the other.
 *
 * Detection power (the rule for "absent"): at the earlier sample's depth n at the position (BED 5th column, else the
 * sample's `meanDepth`), the number of alt reads of a variant at the expected VAF f is Binomial(n, f); the earlier
 * sample had the power to see it when P(X >= k) >= 95%, with k the minimum alt-read count a caller needs
 * (default 3, `--min-alt-reads`). The expected VAF is the later VAF, purity-adjusted when both samples give a
 * `purity` (f = VAF x purity_earlier / purity_later), or scaled down by the earlier purity when only it is given.
 * Binomial read sampling is the standard model of variant detection sensitivity (e.g. Carter SL et al., Nat
 * Biotechnol 2012;30:413-421, ABSOLUTE; Cibulskis K et al., Nat Biotechnol 2013;31:213-219, MuTect power).
 * A minimum depth (default 50, `--min-depth`) applies as well. Unknown depth is never "adequate".
 */
import type { CoveredRegion, VariantCall } from '../variants/types.ts';
import type { SampleData } from './types.ts';
import { missingValue } from '../errors.ts';
import { formatPercent } from '../reads/index.ts';

export const DEFAULT_MIN_DEPTH = 50;
export const DEFAULT_MIN_ALT_READS = 3;
/** Probability of detection an earlier sample must reach for an absence to count. */
export const DETECTION_POWER = 0.95;

const normChrom = (c: string) => c.replace(/^chr/i, '').toUpperCase().replace(/^MT$/, 'M');

export function genomicKey(v: Pick<VariantCall, 'chrom' | 'pos' | 'ref' | 'alt'>): string {
  return `${normChrom(v.chrom)}:${v.pos}:${v.ref.toUpperCase()}:${v.alt.toUpperCase()}`;
}

/** Same variant: same genomic change, or the same protein change of the same gene. */
export function sameVariant(a: VariantCall, b: VariantCall): boolean {
  if (genomicKey(a) === genomicKey(b)) return true;
  return a.hgvsp !== null && a.gene === b.gene && a.hgvsp === b.hgvsp;
}

/** log(n!) by summation with a cache (depths are at most a few thousand). */
const LOG_FACT: number[] = [0];
function logFact(n: number): number {
  for (let i = LOG_FACT.length; i <= n; i++) LOG_FACT[i] = (LOG_FACT[i - 1] ?? missingValue('LOG_FACT[i - 1]')) + Math.log(i);
  return LOG_FACT[n] ?? missingValue('LOG_FACT[n]');
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialAtLeast(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  let below = 0;
  for (let i = 0; i < k; i++) below += Math.exp(logFact(n) - logFact(i) - logFact(n - i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.max(0, Math.min(1, 1 - below));
}

export interface CoverageOptions {
  minDepth: number;
  minAltReads: number;
}

export interface Coverage {
  status: 'adequate' | 'insufficient' | 'not-covered' | 'unknown';
  /** Why, in words: "depth 60: VAF 0.03 gives ~1.8 reads (P(>=3 reads) = 27%)". */
  reason: string;
  depth: number | null;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The VAF a variant seen in `later` at `vaf` would have in `earlier` (purity-adjusted when purities are given). */
export function expectedVaf(vaf: number, earlier: Pick<SampleData, 'sample'>, later: Pick<SampleData, 'sample'> | null): number {
  const pe = earlier.sample.purity;
  const pl = later?.sample.purity;
  if (pe !== undefined && pl !== undefined) return Math.min(1, (vaf * pe) / pl);
  if (pe !== undefined) return vaf * pe;
  return vaf;
}

/**
 * Could `sample` have detected `v` (seen elsewhere at `vaf`)? `other` is the sample the variant was seen in (for
 * purity adjustment).
 */
export function coverageOf(sample: SampleData, v: VariantCall, vaf: number | null, opts: CoverageOptions, other: SampleData | null = null): Coverage {
  if (sample.variants === null) return { status: 'not-covered', reason: 'not sequenced', depth: null };
  const regions: CoveredRegion[] | null = sample.regions;
  if (regions === null) return { status: 'unknown', reason: 'no sequenced-regions BED, coverage unknown', depth: null };
  const chrom = normChrom(v.chrom);
  // BED is 0-based half-open; VCF positions are 1-based: position p is inside [start, end) when start < p <= end.
  const region = regions.find((r) => normChrom(r.chrom) === chrom && r.start < v.pos && v.pos <= r.end);
  if (!region) return { status: 'not-covered', reason: 'position not in the sequenced regions', depth: null };
  const depth = region.depth ?? sample.sample.variants?.meanDepth ?? null;
  if (depth === null) return { status: 'unknown', reason: 'depth unknown (BED without a depth column and no meanDepth)', depth: null };
  const n = Math.floor(depth);
  if (n < opts.minDepth) return { status: 'insufficient', reason: `depth ${n} below the minimum ${opts.minDepth}`, depth: n };
  if (vaf === null) return { status: 'unknown', reason: `depth ${n}, but the VAF is unknown, so detection power cannot be judged`, depth: n };
  const f = expectedVaf(vaf, sample, other);
  const power = binomialAtLeast(opts.minAltReads, n, f);
  const adj = f !== vaf ? ` (purity-adjusted from ${formatPercent(vaf)})` : '';
  const reason = `depth ${n}: VAF ${formatPercent(f)}${adj} gives ~${round1(n * f)} reads (P(>=${opts.minAltReads} reads) = ${pct(power)})`;
  return { status: power >= DETECTION_POWER ? 'adequate' : 'insufficient', reason, depth: n };
}

export interface OriginCall {
  origin: 'pre-existing' | 'acquired' | 'not-evaluable-earlier' | 'first-sample';
  /** The earlier sample it was found in (pre-existing) or that covered it without finding it (acquired). */
  sample: SampleData | null;
  reason: string;
}

/** `earlier` are the sequenced samples collected strictly before the variant's sample, oldest first. */
export function originOf(v: VariantCall, self: SampleData | null, earlier: SampleData[], opts: CoverageOptions): OriginCall {
  const sequenced = earlier.filter((s) => s.variants !== null);
  if (sequenced.length === 0) return { origin: 'first-sample', sample: null, reason: 'no earlier sequenced sample' };
  const foundIn = sequenced.find((s) => (s.variants ?? missingValue('s.variants')).some((w) => sameVariant(v, w)));
  if (foundIn) return { origin: 'pre-existing', sample: foundIn, reason: `found in ${foundIn.sample.id}` };
  // A plasma draw's absence says little about the tumour (its VAF is diluted by the tumour fraction): only tissue
  // samples can make a variant "acquired" by coverage.
  const judged = [...sequenced].filter((s) => s.sample.type !== 'plasma').reverse().map((s) => ({ s, c: coverageOf(s, v, v.vaf, opts, self) }));
  if (judged.length === 0) return { origin: 'not-evaluable-earlier', sample: null, reason: `earlier samples are plasma draws only (${sequenced.map((s) => s.sample.id).join(', ')}), whose absence does not exclude the variant in the tumour` };
  const covering = judged.find((j) => j.c.status === 'adequate');
  if (covering) return { origin: 'acquired', sample: covering.s, reason: `absent from ${covering.s.sample.id} (${covering.c.reason})` };
  return { origin: 'not-evaluable-earlier', sample: null, reason: `no earlier sample could have detected it: ${judged.map((j) => `${j.s.sample.id}: ${j.c.reason}`).join('; ')}` };
}
