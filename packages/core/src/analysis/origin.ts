/**
 * Where a variant comes from, judged across serial samples in collection order:
 * - `pre-existing`: found in an earlier tumour sample;
 * - `acquired`: absent from an earlier sample whose sequenced regions covered the position at adequate depth
 *   (default >= 50 reads), so that a variant at the later VAF would have been seen;
 * - `not-evaluable-earlier`: earlier samples exist but none covered the position adequately (no BED: coverage
 *   unknown; BED without the position; depth below the minimum);
 * - `first-sample`: no earlier sequenced sample.
 * Samples collected on the same day are contemporaneous: neither is earlier than the other.
 */
import type { CoveredRegion, VariantCall } from '../variants/types.ts';
import type { SampleData } from './types.ts';

export const DEFAULT_MIN_DEPTH = 50;

const normChrom = (c: string) => c.replace(/^chr/i, '').toUpperCase().replace(/^MT$/, 'M');

export function genomicKey(v: Pick<VariantCall, 'chrom' | 'pos' | 'ref' | 'alt'>): string {
  return `${normChrom(v.chrom)}:${v.pos}:${v.ref.toUpperCase()}:${v.alt.toUpperCase()}`;
}

/** Same variant: same genomic change, or the same protein change of the same gene. */
export function sameVariant(a: VariantCall, b: VariantCall): boolean {
  if (genomicKey(a) === genomicKey(b)) return true;
  return a.hgvsp !== null && a.gene === b.gene && a.hgvsp === b.hgvsp;
}

export type Coverage = 'adequate' | 'shallow' | 'not-covered' | 'unknown';

/** Did this sample's sequencing cover the variant's position at adequate depth? */
export function coverageOf(sample: SampleData, v: VariantCall, minDepth: number): Coverage {
  if (sample.variants === null) return 'not-covered';
  const regions: CoveredRegion[] | null = sample.regions;
  if (regions === null) return 'unknown';
  const chrom = normChrom(v.chrom);
  // BED is 0-based half-open; VCF positions are 1-based: position p is inside [start, end) when start < p <= end.
  const region = regions.find((r) => normChrom(r.chrom) === chrom && r.start < v.pos && v.pos <= r.end);
  if (!region) return 'not-covered';
  const depth = region.depth ?? sample.sample.variants?.meanDepth ?? null;
  if (depth === null) return 'adequate'; // the BED regions are taken as adequately covered
  return depth >= minDepth ? 'adequate' : 'shallow';
}

export interface OriginCall {
  origin: 'pre-existing' | 'acquired' | 'not-evaluable-earlier' | 'first-sample';
  /** The earlier sample it was found in (pre-existing) or that covered it without finding it (acquired). */
  sample: SampleData | null;
}

/** `earlier` are the sequenced samples collected strictly before the variant's sample, oldest first. */
export function originOf(v: VariantCall, earlier: SampleData[], minDepth: number): OriginCall {
  const sequenced = earlier.filter((s) => s.variants !== null);
  if (sequenced.length === 0) return { origin: 'first-sample', sample: null };
  const foundIn = sequenced.find((s) => s.variants!.some((w) => sameVariant(v, w)));
  if (foundIn) return { origin: 'pre-existing', sample: foundIn };
  const covering = [...sequenced].reverse().find((s) => coverageOf(s, v, minDepth) === 'adequate');
  if (covering) return { origin: 'acquired', sample: covering };
  return { origin: 'not-evaluable-earlier', sample: null };
}
