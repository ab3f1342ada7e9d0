/**
 * Trastuzumab-resistance expression signature (research use only).
 *
 * Basis: Luo L et al., Nat Commun 2021;12:2699, doi:10.1038/s41467-021-23052-9, PMID 33976188 (shared/reference/
 * bcsc-and-resistance.md, section B): in trastuzumab-resistant HER2+ cells the FOXO3a-miRNA feedback is lost and
 * IGF2, IGF-1R signalling and IRS1 rise; higher blood IGF2 and tumour IRS1 went with poor response. Evidence level:
 * preclinical plus a small correlative clinical cohort. Luo et al. describe FOXO3a inactivation by phosphorylation,
 * so FOXO3 mRNA is only a proxy for it; the score is a hypothesis-generating ranking, not a validated predictor, and
 * has no validated cut-off.
 *
 * Definition (her2scope): for each gene g, z_g = (x_g - mean of g in the reference samples) / SD of g in the reference
 * samples (sample SD), optionally on log2(x + 1). score = (z_IGF2 + z_IGF1R + z_IRS1 - z_FOXO3) / 4, i.e. the mean of
 * the signed z-scores (up-genes count positively, the down-gene negatively). A sample lacking any of the four values
 * gets no score.
 */
import { InputError } from '../errors.ts';
import { referenceOf, zScore, type Reference } from '../stats/zscore.ts';
import { missingValue } from '../errors.ts';

export const RESISTANCE_SIGNATURE = {
  up: ['IGF2', 'IGF1R', 'IRS1'],
  down: ['FOXO3'],
  /** Symbols also accepted for a signature gene (FOXO3A is the older name of FOXO3). */
  aliases: { FOXO3A: 'FOXO3' } as Record<string, string>,
  source: 'Luo L et al. Nat Commun 2021;12:2699, doi:10.1038/s41467-021-23052-9, PMID 33976188',
  evidence: 'preclinical plus a small correlative clinical cohort',
  definition: 'score = (z_IGF2 + z_IGF1R + z_IRS1 - z_FOXO3) / 4; z against the reference samples (mean, sample SD)',
} as const;

export const SIGNATURE_GENES: readonly string[] = [...RESISTANCE_SIGNATURE.up, ...RESISTANCE_SIGNATURE.down];

export interface SignatureInput {
  /** Expression per signature gene (canonical symbol) and sample; missing = null or NaN. */
  expression: ReadonlyMap<string, ReadonlyMap<string, number | null>>;
  /** All samples to score. */
  samples: ReadonlyArray<string>;
  /** Reference samples (chosen by a clinical attribute). */
  reference: ReadonlyArray<string>;
  /** Take log2(x + 1) before the z-scores (for counts / RSEM-like data). */
  log2?: boolean;
}

export interface SampleSignature {
  sampleId: string;
  z: Record<string, number | null>;
  score: number | null;
  missing: string[];
}

export interface SignatureResult {
  reference: Record<string, Reference>;
  samples: SampleSignature[];
}

function transform(x: number | null | undefined, log2: boolean, gene: string, sample: string): number | null {
  if (x === null || x === undefined || Number.isNaN(x)) return null;
  if (!log2) return x;
  if (x < 0) throw new InputError('log2', `${gene} in ${sample} is ${x}: log2(x + 1) needs values >= 0 (drop --log2 for data already on a log scale)`);
  return Math.log2(x + 1);
}

export function resistanceSignature(input: SignatureInput): SignatureResult {
  const log2 = input.log2 ?? false;
  if (input.reference.length === 0) throw new InputError('reference', 'no reference samples: check the reference attribute and value');
  const reference: Record<string, Reference> = {};
  for (const gene of SIGNATURE_GENES) {
    const values = input.expression.get(gene);
    if (!values) throw new InputError('expression', `the expression profile has no ${gene} (signature genes: ${SIGNATURE_GENES.join(', ')})`);
    const ref = referenceOf(input.reference.map((s) => transform(values.get(s), log2, gene, s)));
    if (ref.n < 2) throw new InputError('reference', `${gene} has ${ref.n} reference value(s); the z-score needs at least 2`);
    if (!(ref.sd > 0)) throw new InputError('reference', `${gene} does not vary across the reference samples (SD 0); no z-score`);
    reference[gene] = ref;
  }
  const samples: SampleSignature[] = input.samples.map((sampleId) => {
    const z: Record<string, number | null> = {};
    const missing: string[] = [];
    let sum = 0;
    for (const gene of SIGNATURE_GENES) {
      const v = zScore(transform((input.expression.get(gene) ?? missingValue('input.expression.get(gene)')).get(sampleId), log2, gene, sampleId), reference[gene] ?? missingValue('reference[gene]'));
      z[gene] = v;
      if (v === null) missing.push(gene);
      else sum += (RESISTANCE_SIGNATURE.down as readonly string[]).includes(gene) ? -v : v;
    }
    return { sampleId, z, score: missing.length ? null : sum / SIGNATURE_GENES.length, missing };
  });
  return { reference, samples };
}
