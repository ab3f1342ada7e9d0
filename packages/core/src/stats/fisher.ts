/**
 * Fisher's exact test for a 2x2 table, two-sided, as R's `fisher.test` computes it: the p-value is the sum of the
 * conditional (hypergeometric) probabilities of all tables with the observed margins that are no more probable
 * than the observed table, with R's relative tolerance of 1 + 1e-7 so that ties are not lost to rounding.
 * (Fisher RA. J R Stat Soc 1922;85:87-94; R Core Team, stats::fisher.test.)
 */
import { conditionalDistribution, conditionalMleOddsRatio, dnhyper, exactOddsRatioInterval, type Table2x2 } from './odds-ratio.ts';
import { proportion, type Proportion } from './proportion.ts';
import { missingValue } from '../errors.ts';

/** R's relative tolerance for "no more probable than the observed table". */
export const FISHER_REL_ERR = 1 + 1e-7;

export interface FisherResult {
  /** Two-sided p-value. */
  pValue: number;
  /** Conditional maximum-likelihood estimate of the odds ratio (what R reports as "odds ratio"). */
  oddsRatio: number;
  /** Exact 95% confidence interval of the odds ratio (conditional, as R reports it). */
  oddsRatioCi95: [number, number];
}

export function fisherExactTest(table: Table2x2): FisherResult {
  const dist = conditionalDistribution(table);
  const d = dnhyper(dist, 1);
  const observed = d[dist.x - dist.lo] ?? missingValue('d[dist.x - dist.lo]');
  let p = 0;
  for (const v of d) if (v <= observed * FISHER_REL_ERR) p += v;
  return {
    pValue: Math.min(1, p),
    oddsRatio: conditionalMleOddsRatio(dist),
    oddsRatioCi95: exactOddsRatioInterval(dist, 0.95),
  };
}

/** Two groups, each "k of n" with the outcome. */
export interface TwoGroupComparison {
  a: Proportion;
  b: Proportion;
  /** Fisher's exact test, two-sided. */
  fisherP: number;
  /** Conditional MLE odds ratio of the outcome in group A versus group B. */
  oddsRatio: number;
  /** Exact conditional 95% confidence interval of that odds ratio. */
  oddsRatioCi95: [number, number];
}

/** Compare k/n in group A with k/n in group B: Wilson intervals, Fisher's exact test and the conditional odds ratio. */
export function compareProportions(a: { k: number; n: number }, b: { k: number; n: number }): TwoGroupComparison {
  const pa = proportion(a.k, a.n);
  const pb = proportion(b.k, b.n);
  const f = fisherExactTest([
    [a.k, a.n - a.k],
    [b.k, b.n - b.k],
  ]);
  return { a: pa, b: pb, fisherP: f.pValue, oddsRatio: f.oddsRatio, oddsRatioCi95: f.oddsRatioCi95 };
}
