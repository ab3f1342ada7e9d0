import { SOURCES } from './sources.ts';
import type { ErStatus, Her2Result, HrResult, PrStatus, RuleRef, Subtype } from './types.ts';

export const SUBTYPE_RULE: RuleRef = { id: 'subtype.surrogate-4-group', source: SOURCES.subtype };

/**
 * HR status of one sample, the single place it is decided (ASCO/CAP 2020, Allison KH et al., J Clin Oncol
 * 2020;38:1346-1366): HR-positive when ER or PgR is >=1% (ER low positive counts, flagged: it behaves closer to
 * ER-negative disease); HR-negative needs ER tested and <1% (ER IHC is the predictive assay for endocrine therapy),
 * with PgR negative or not tested; ER not tested leaves it unknown (null) whatever PgR says: PgR does not replace
 * the predictive ER assay (her2scope design rule on that ASCO/CAP statement; review s4 #3 — a PgR-positive sample
 * with ER untested was taken as confidently HR-positive).
 */
export function hrStatus(er: ErStatus, pr: PrStatus, comments: { erLowCountedHrPositive: string; erNegativePrPositive: string; erNotTestedPrPositive: string }): HrResult {
  const notes: string[] = [];
  if (er === 'not-tested') return { status: null, notes: pr === 'positive' ? [comments.erNotTestedPrPositive] : [] };
  if (er === 'low-positive' && pr !== 'positive') notes.push(comments.erLowCountedHrPositive);
  if (er === 'negative' && pr === 'positive') notes.push(comments.erNegativePrPositive);
  if (er === 'positive' || er === 'low-positive' || pr === 'positive') return { status: 'positive', notes };
  if (er === 'negative') return { status: 'negative', notes };
  return { status: null, notes };
}

/**
 * Four-group surrogate subtype from the sample's HR status (`hrStatus`) and HER2. Null when HER2 is unknown or
 * equivocal, or when HR status is unknown (ER not tested and PgR not positive).
 */
export function surrogateSubtype(her2: Her2Result | null, hr: HrResult): Subtype | null {
  if (!her2 || her2.status === 'equivocal' || hr.status === null) return null;
  const her2Positive = her2.status === 'positive';
  if (hr.status === 'positive') return her2Positive ? 'HR+/HER2+' : 'HR+/HER2-';
  return her2Positive ? 'HR-/HER2+' : 'HR-/HER2-';
}
