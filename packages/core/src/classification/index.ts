import { DEFAULT_COMMENTS, type CommentTable } from './comments.ts';
import { classifyHer2 } from './her2.ts';
import type { PathologyInput } from './input.ts';
import { classifyEr, classifyPr } from './receptors.ts';
import { hrStatus, surrogateSubtype } from './subtype.ts';
import type { ClassificationResult } from './types.ts';

export interface ClassifyOptions {
  /** Replace any of the guideline comments with the laboratory's own wording. */
  comments?: Partial<CommentTable>;
}

/** Classify one sample's pathology (HER2, ER, PgR, surrogate subtype). Pure; throws InputError for bad input. */
export function classifyPathology(input: PathologyInput, options: ClassifyOptions = {}): ClassificationResult {
  const comments: CommentTable = { ...DEFAULT_COMMENTS, ...options.comments };
  const her2 = classifyHer2(input.her2 ?? {}, comments);
  const er = classifyEr(input.er, comments);
  const pr = classifyPr(input.pr);
  const hr = hrStatus(er.status, pr.status, comments);
  return { her2, er, pr, hr, subtype: surrogateSubtype(her2, hr), notes: hr.notes, ki67: input.ki67 ?? null };
}

export { classifyHer2, dualProbeGroup, ratioConsistent, HER2_THRESHOLDS } from './her2.ts';
export { classifyEr, classifyPr, RECEPTOR_THRESHOLDS } from './receptors.ts';
export { hrStatus, surrogateSubtype, SUBTYPE_RULE } from './subtype.ts';
export { DEFAULT_COMMENTS, type CommentTable, type CommentKey } from './comments.ts';
export { SOURCES } from './sources.ts';
export * from './input.ts';
export type * from './types.ts';
