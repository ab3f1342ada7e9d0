/**
 * How every projection (CLI text, clinician HTML/PDF, FHIR, patient summary, web) words three things of the analysis
 * result, so that they say the same (therapy.ts rules 9 and 10):
 * - an option pending confirmation shows its level as "A if ISH confirms" / "A if HR status confirms", never a bare
 *   level;
 * - an excluded item whose regimen is an option through another item is named by its KB item ("trastuzumab
 *   emtansine - civic:EID1159 not applicable"), never listed as a regimen that does not apply;
 * - option warnings by kind.
 */
import type { AnalysisResult, ExcludedOption, TherapyOption } from './types.ts';
import type { WarningKind } from './therapy.ts';

/** The level as shown: "A", or "A if ISH confirms" for an option pending confirmation. */
export function optionLevelText(o: Pick<TherapyOption, 'level' | 'pending'>): string {
  if (!o.pending) return o.level;
  return `${o.level} if ${o.pending.kind === 'her2-ish' ? 'ISH confirms' : 'HR status confirms'}`;
}

/** An excluded item whose regimen is an option: "<therapy> - <items> not applicable". */
export function excludedItemText(x: Pick<ExcludedOption, 'therapy' | 'items'>): string {
  return `${x.therapy} — ${(x.items ?? []).join(', ') || 'item'} not applicable`;
}

/**
 * The "not applicable" list split in two: `regimens` (therapy names with no option of the same regimen, listed once)
 * and `items` (excluded items whose regimen is an option through another item).
 */
export function notApplicable(r: Pick<AnalysisResult, 'excludedOptions'>): { regimens: ExcludedOption[]; items: ExcludedOption[] } {
  return { regimens: r.excludedOptions.filter((x) => x.optionId === undefined), items: r.excludedOptions.filter((x) => x.optionId !== undefined) };
}

const PREFIXES: Array<[string, WarningKind]> = [
  ['HER2 discordance', 'her2-discordance'],
  ['HER2 by NGS only', 'her2-ngs-only'],
  ['HER2 status unresolved', 'her2-unresolved'],
  ['HER2 result to review', 'her2-classification'],
  ['HR status from an older sample', 'hr-older-sample'],
  ['Progressed on', 'prior-progression'],
];

/** The option's warnings with their kinds (a stored result without `warningDetails`: the kind from the text's start). */
export function optionWarnings(o: Pick<TherapyOption, 'warnings' | 'warningDetails'>): Array<{ kind: WarningKind; text: string }> {
  return o.warningDetails ?? o.warnings.map((text) => ({ kind: PREFIXES.find(([p]) => text.startsWith(p))?.[1] ?? 'resistance', text }));
}
