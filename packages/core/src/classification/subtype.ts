import { SOURCES } from './sources.ts';
import type { ErStatus, Her2Result, PrStatus, RuleRef, Subtype } from './types.ts';

export const SUBTYPE_RULE: RuleRef = { id: 'subtype.surrogate-4-group', source: SOURCES.subtype };

/**
 * Four-group surrogate subtype: HR+ when ER or PgR is >=1% (ER low positive counts as HR+, as the contract requires;
 * the ER comment says it behaves closer to ER-negative disease). Null when HER2 is unknown or equivocal, or when
 * neither hormone receptor was tested.
 */
export function surrogateSubtype(her2: Her2Result | null, er: ErStatus, pr: PrStatus): Subtype | null {
  if (!her2 || her2.status === 'equivocal') return null;
  if (er === 'not-tested' && pr === 'not-tested') return null;
  const hrPositive = er === 'positive' || er === 'low-positive' || pr === 'positive';
  const her2Positive = her2.status === 'positive';
  if (hrPositive) return her2Positive ? 'HR+/HER2+' : 'HR+/HER2-';
  return her2Positive ? 'HR-/HER2+' : 'HR-/HER2-';
}
