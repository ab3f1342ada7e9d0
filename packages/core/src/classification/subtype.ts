import { SOURCES } from './sources.ts';
import type { ErStatus, Her2Result, PrStatus, RuleRef, Subtype } from './types.ts';

export const SUBTYPE_RULE: RuleRef = { id: 'subtype.surrogate-4-group', source: SOURCES.subtype };

/**
 * Four-group surrogate subtype: HR+ when ER or PgR is >=1% (ER low positive counts as HR+, as the contract requires;
 * the ER comment says it behaves closer to ER-negative disease, and `subtypeNotes` flags it). Null when HER2 is
 * unknown or equivocal, or when HR status is unknown (ER not tested and PgR not positive).
 */
export function surrogateSubtype(her2: Her2Result | null, er: ErStatus, pr: PrStatus): Subtype | null {
  if (!her2 || her2.status === 'equivocal') return null;
  // HR-negative needs ER tested and <1% (ER IHC is the predictive assay for endocrine therapy, ASCO/CAP 2020);
  // ER not tested with PgR negative leaves HR status unknown.
  if (er === 'not-tested' && pr !== 'positive') return null;
  const hrPositive = er === 'positive' || er === 'low-positive' || pr === 'positive';
  const her2Positive = her2.status === 'positive';
  if (hrPositive) return her2Positive ? 'HR+/HER2+' : 'HR+/HER2-';
  return her2Positive ? 'HR-/HER2+' : 'HR-/HER2-';
}

/** Notes on how the HR status was reached (ER low positive counted as HR+; ER-negative / PgR-positive). */
export function subtypeNotes(er: ErStatus, pr: PrStatus, comments: { erLowCountedHrPositive: string; erNegativePrPositive: string }): string[] {
  const out: string[] = [];
  if (er === 'low-positive' && pr !== 'positive') out.push(comments.erLowCountedHrPositive);
  if (er === 'negative' && pr === 'positive') out.push(comments.erNegativePrPositive);
  return out;
}
