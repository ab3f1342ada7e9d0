import type { IhcScore } from './input.ts';

export type Her2Status = 'positive' | 'negative' | 'equivocal';
export type Her2Category =
  | 'HER2-positive'
  | 'HER2-low'
  | 'HER2-ultralow'
  | 'HER2-null'
  | 'HER2-0'
  | 'HER2-negative'
  | 'pending';
export type IshGroup = 1 | 2 | 3 | 4 | 5;
export type ErStatus = 'positive' | 'low-positive' | 'negative' | 'not-tested';
export type PrStatus = 'positive' | 'negative' | 'not-tested';
export type Subtype = 'HR+/HER2-' | 'HR+/HER2+' | 'HR-/HER2+' | 'HR-/HER2-';

/** One step of the rule trail: which rule fired and where it comes from. */
export interface RuleRef {
  id: string;
  source: string;
}

export interface Her2Result {
  status: Her2Status;
  category: Her2Category;
  /** The IHC score the classification used; null when only ISH was given. */
  ihc: IhcScore | null;
  ishGroup: IshGroup | null;
  /** HER2/CEP17 ratio used for the call (computed from the means when both are given), 2 decimals; null without dual-probe ISH. */
  ishRatio: number | null;
  /** The same ratio as text with two decimals ("2.00"), as reports print it; null without dual-probe ISH. */
  ishRatioText: string | null;
  comments: string[];
  rules: RuleRef[];
}

export interface ReceptorResult<S extends string> {
  status: S;
  /** Percent of tumour nuclei staining, when known exactly (given, or derived from an H-score breakdown). */
  percent: number | null;
  comments: string[];
  rules: RuleRef[];
}

/**
 * Hormone-receptor (HR) status of one sample, decided once here (subtype.ts `hrStatus`) and read by the surrogate
 * subtype and by the analysis state: null when the ER/PgR results do not decide it (ER not tested and PgR not
 * positive). `notes` are the comments on how it was reached (ER low positive counted as HR+, ER-/PgR+).
 */
export interface HrResult {
  status: 'positive' | 'negative' | null;
  notes: string[];
}

export interface ClassificationResult {
  her2: Her2Result | null;
  er: ReceptorResult<ErStatus>;
  pr: ReceptorResult<PrStatus>;
  /** HR status of this sample (the one decision the subtype and the analysis state both read). */
  hr: HrResult;
  subtype: Subtype | null;
  /** Comments on the HR status behind the subtype (ER low positive counted as HR+, ER-/PgR+): the same as `hr.notes`. */
  notes: string[];
  ki67: number | null;
}
