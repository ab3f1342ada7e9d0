/**
 * A sample's HER2 category from its cBioPortal clinical attributes, through the same ASCO/CAP engine as
 * `her2scope classify` (classification/her2.ts). The attribute names are her2scope's convention (cBioPortal has no
 * standard HER2 columns); they are documented in docs/cohorts.md:
 *
 *   HER2_IHC_SCORE (or IHC_HER2)      0, 1+, 2+, 3+
 *   HER2_IHC_STAINED_PERCENT          percent of tumour cells with membrane staining (IHC 0: ultralow vs null)
 *   HER2_ISH_RATIO                    HER2/CEP17 ratio (dual probe)
 *   HER2_ISH_CEP17                    mean CEP17 signals per cell (dual probe)
 *   HER2_ISH_COPY_NUMBER              mean HER2 signals per cell (single probe when neither ratio nor CEP17 is given)
 *   HER2_STATUS                       Positive / Negative / Equivocal: used only when no IHC or ISH value is given
 */
import { classifyHer2 } from '../classification/her2.ts';
import { Her2InputSchema, type Her2Input, type IhcScore } from '../classification/input.ts';
import type { Her2Category } from '../classification/types.ts';
import { InputError } from '../errors.ts';

export const HER2_ATTRIBUTES = {
  ihc: ['HER2_IHC_SCORE', 'IHC_HER2'],
  stainedPercent: 'HER2_IHC_STAINED_PERCENT',
  ratio: 'HER2_ISH_RATIO',
  cep17: 'HER2_ISH_CEP17',
  copies: 'HER2_ISH_COPY_NUMBER',
  status: 'HER2_STATUS',
} as const;

export interface Her2FromAttributes {
  category: Her2Category | null;
  /** Why there is no category (no HER2 data, or the values contradict each other). */
  reason: string | null;
}

type Attrs = Readonly<Record<string, string | null | undefined>>;

function num(attrs: Attrs, key: string): number | undefined | 'bad' {
  const v = attrs[key];
  if (v === null || v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : 'bad';
}

export function her2CategoryFromAttributes(attrs: Attrs): Her2FromAttributes {
  let ihcRaw: string | undefined;
  for (const key of HER2_ATTRIBUTES.ihc) {
    const v = attrs[key];
    if (v !== null && v !== undefined && v.trim() !== '') {
      ihcRaw = v.trim();
      break;
    }
  }
  let ihc: IhcScore | undefined;
  if (ihcRaw !== undefined) {
    const m = /^([0-3])\+?$/.exec(ihcRaw);
    if (!m) return { category: null, reason: `IHC score '${ihcRaw}' is not 0, 1+, 2+ or 3+` };
    ihc = (m[1] === '0' ? '0' : `${m[1]}+`) as IhcScore;
  }
  const stained = num(attrs, HER2_ATTRIBUTES.stainedPercent);
  const ratio = num(attrs, HER2_ATTRIBUTES.ratio);
  const cep17 = num(attrs, HER2_ATTRIBUTES.cep17);
  const copies = num(attrs, HER2_ATTRIBUTES.copies);
  for (const [k, v] of [[HER2_ATTRIBUTES.stainedPercent, stained], [HER2_ATTRIBUTES.ratio, ratio], [HER2_ATTRIBUTES.cep17, cep17], [HER2_ATTRIBUTES.copies, copies]] as const) {
    if (v === 'bad') return { category: null, reason: `${k} '${attrs[k]}' is not a number` };
  }
  const hasIsh = ratio !== undefined || cep17 !== undefined || copies !== undefined;
  if (ihc === undefined && !hasIsh) {
    const status = attrs[HER2_ATTRIBUTES.status]?.trim().toLowerCase();
    if (status === 'positive') return { category: 'HER2-positive', reason: null };
    if (status === 'negative') return { category: 'HER2-negative', reason: null };
    if (status === 'equivocal') return { category: 'pending', reason: null };
    return { category: null, reason: status ? `HER2_STATUS '${attrs[HER2_ATTRIBUTES.status]}' is not Positive, Negative or Equivocal` : 'no HER2 data' };
  }
  const input: Her2Input = {};
  if (ihc !== undefined) input.ihc = ihc;
  if (stained !== undefined) input.stainedPercent = stained as number;
  if (hasIsh) {
    const dual = ratio !== undefined || cep17 !== undefined;
    input.ish = { probe: dual ? 'dual' : 'single' };
    if (copies !== undefined) input.ish.her2 = copies as number;
    if (cep17 !== undefined) input.ish.cep17 = cep17 as number;
    if (ratio !== undefined) input.ish.ratio = ratio as number;
  }
  const parsed = Her2InputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { category: null, reason: `${issue.path.join('.')}: ${issue.message}` };
  }
  try {
    const r = classifyHer2(parsed.data);
    return r ? { category: r.category, reason: null } : { category: null, reason: 'no HER2 data' };
  } catch (e) {
    if (e instanceof InputError) return { category: null, reason: e.message };
    throw e;
  }
}
