/**
 * A sample's HER2 category from its cBioPortal clinical attributes, through the same ASCO/CAP engine as
 * `her2scope classify` (classification/her2.ts). cBioPortal has no standard HER2 columns; these are the names found in
 * real studies (TCGA as curated by cBioPortal: IHC_HER2, HER2_IHC_SCORE, HER2_FISH_STATUS, HER2_CENT17_RATIO,
 * HER2_COPY_NUMBER, CENT17_COPY_NUMBER) and her2scope's own names. The mapping, rule by rule with its ASCO/CAP source,
 * is the table in docs/cohorts.md ("HER2 category of a sample"); the rule ids below are its row ids.
 *
 * Sources: Wolff AC et al., ASCO/CAP HER2 testing guideline focused update, J Clin Oncol 2018;36:2105-2122,
 * doi:10.1200/JCO.2018.77.8738 (Fig. 1 IHC, Fig. 2 single-probe ISH, Fig. 3 dual-probe groups, Figs. 4-6 work-up),
 * affirmed by the 2023 update (J Clin Oncol 2023;41:3867-3872, doi:10.1200/JCO.22.02864); summary in
 * shared/reference/her2-testing.md.
 *
 * Precedence: the most detailed values decide (IHC score and ISH numbers, then IHC / ISH status words, then the
 * overall HER2_STATUS). Values that disagree with the deciding ones are reported as contradictions, never silently
 * dropped.
 */
import { classifyHer2 } from '../classification/her2.ts';
import { Her2InputSchema, type Her2Input, type IhcScore } from '../classification/input.ts';
import type { Her2Category } from '../classification/types.ts';
import { InputError } from '../errors.ts';
import { missingValue } from '../errors.ts';

/** Column names read, by meaning; where several are given, the first one listed wins (a disagreement is reported). */
export const HER2_ATTRIBUTES = {
  /** IHC score 0, 1+, 2+, 3+ (IHC_HER2 counts here when it holds a score rather than a status word). */
  ihc: ['HER2_IHC_SCORE', 'IHC_HER2'],
  /** IHC result word: Positive / Negative / Equivocal / Indeterminate (TCGA). */
  ihcStatus: 'IHC_HER2',
  stainedPercent: 'HER2_IHC_STAINED_PERCENT',
  /** HER2/CEP17 ratio (dual-probe ISH). */
  ratio: ['HER2_ISH_RATIO', 'HER2_CENT17_RATIO'],
  /** Mean CEP17 signals per cell. */
  cep17: ['HER2_ISH_CEP17', 'CENT17_COPY_NUMBER'],
  /** Mean HER2 signals per cell. */
  copies: ['HER2_ISH_COPY_NUMBER', 'HER2_COPY_NUMBER'],
  /** ISH (FISH) result word: Positive / Negative / Equivocal / Indeterminate (TCGA). */
  ishStatus: 'HER2_FISH_STATUS',
  /** Overall result word: Positive / Negative / Equivocal. */
  status: 'HER2_STATUS',
} as const;

/** Every column the mapping reads. */
export const HER2_COLUMNS: readonly string[] = [
  ...new Set([
    ...HER2_ATTRIBUTES.ihc, HER2_ATTRIBUTES.ihcStatus, HER2_ATTRIBUTES.stainedPercent, ...HER2_ATTRIBUTES.ratio, ...HER2_ATTRIBUTES.cep17,
    ...HER2_ATTRIBUTES.copies, HER2_ATTRIBUTES.ishStatus, HER2_ATTRIBUTES.status,
  ]),
];

/** Row ids of the mapping table in docs/cohorts.md. */
export type Her2Rule = 'H1' | 'H2' | 'H3' | 'H4' | 'H5' | 'H6' | 'H7' | 'H8' | 'H9';

export interface Her2FromAttributes {
  category: Her2Category | null;
  /** Why there is no category (no HER2 data, a value that cannot be read, or a result that cannot be placed). */
  reason: string | null;
  /** The mapping rule that gave the category; null when none applied. */
  rule: Her2Rule | null;
  /** Values that disagree with the deciding ones (the category follows the precedence above). */
  contradictions: string[];
}

type Attrs = Readonly<Record<string, string | null | undefined>>;
type Word = 'positive' | 'negative' | 'equivocal' | 'indeterminate';
const WORDS: readonly Word[] = ['positive', 'negative', 'equivocal', 'indeterminate'];

const present = (attrs: Attrs, key: string): string | undefined => {
  const v = attrs[key];
  return v === null || v === undefined || v.trim() === '' ? undefined : v.trim();
};

class Unreadable extends Error {}

function firstOf(attrs: Attrs, keys: readonly string[], parse: (v: string, k: string) => string | number | undefined, contradictions: string[]): { key: string; raw: string } | undefined {
  let first: { key: string; raw: string; value: string | number } | undefined;
  for (const k of keys) {
    const raw = present(attrs, k);
    if (raw === undefined) continue;
    const value = parse(raw, k);
    if (value === undefined) continue;
    if (!first) first = { key: k, raw, value };
    else if (String(value) !== String(first.value)) contradictions.push(`${k} '${raw}' differs from ${first.key} '${first.raw}' (${first.key} used)`);
  }
  return first;
}

function number(raw: string, key: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Unreadable(`${key} '${raw}' is not a number`);
  return n;
}

function ihcScore(raw: string): IhcScore | undefined {
  const m = /^([0-3])\+?$/.exec(raw);
  if (!m) return undefined;
  return (m[1] === '0' ? '0' : `${m[1]}+`) as IhcScore;
}

function word(raw: string | undefined, key: string): Word | undefined {
  if (raw === undefined) return undefined;
  const w = raw.toLowerCase();
  if ((WORDS as readonly string[]).includes(w)) return w as Word;
  throw new Unreadable(`${key} '${raw}' is not Positive, Negative, Equivocal or Indeterminate`);
}

/** The engine on one input; InputError and schema problems become a reason. */
function engine(input: Her2Input): { category: Her2Category | null; reason: string | null; group: number | null } {
  const parsed = Her2InputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] ?? missingValue('parsed.error.issues[0]');
    return { category: null, reason: `${issue.path.join('.')}: ${issue.message}`, group: null };
  }
  try {
    const r = classifyHer2(parsed.data);
    return r ? { category: r.category, reason: null, group: r.ishGroup } : { category: null, reason: 'no HER2 data', group: null };
  } catch (e) {
    if (e instanceof InputError) return { category: null, reason: e.message, group: null };
    throw e;
  }
}

const isNegative = (c: Her2Category | null) => c === 'HER2-low' || c === 'HER2-ultralow' || c === 'HER2-null' || c === 'HER2-0' || c === 'HER2-negative';

export function her2CategoryFromAttributes(attrs: Attrs): Her2FromAttributes {
  const contradictions: string[] = [];
  try {
    return decide(attrs, contradictions);
  } catch (e) {
    if (e instanceof Unreadable) return { category: null, reason: e.message, rule: null, contradictions };
    throw e;
  }
}

function decide(attrs: Attrs, contradictions: string[]): Her2FromAttributes {
  const out = (category: Her2Category | null, rule: Her2Rule | null, reason: string | null = null): Her2FromAttributes => ({ category, reason: category === null ? reason : null, rule: category === null ? null : rule, contradictions });

  // IHC score: HER2_IHC_SCORE, or IHC_HER2 when it holds a score.
  const scoreSources = HER2_ATTRIBUTES.ihc.filter((k) => {
    const raw = present(attrs, k);
    return raw !== undefined && (k !== HER2_ATTRIBUTES.ihcStatus || ihcScore(raw) !== undefined);
  });
  for (const k of scoreSources) {
    if (ihcScore(present(attrs, k) ?? missingValue('present(attrs, k)')) === undefined) throw new Unreadable(`IHC score '${present(attrs, k)}' in ${k} is not 0, 1+, 2+ or 3+`);
  }
  const ihcPick = firstOf(attrs, scoreSources, (v) => ihcScore(v), contradictions);
  const ihc = ihcPick ? ihcScore(ihcPick.raw) : undefined;
  const ihcStatusRaw = present(attrs, HER2_ATTRIBUTES.ihcStatus);
  const ihcStatus = ihcStatusRaw !== undefined && ihcScore(ihcStatusRaw) === undefined ? word(ihcStatusRaw, HER2_ATTRIBUTES.ihcStatus) : undefined;
  const stainedRaw = present(attrs, HER2_ATTRIBUTES.stainedPercent);
  const stained = stainedRaw === undefined ? undefined : number(stainedRaw, HER2_ATTRIBUTES.stainedPercent);
  const num = (keys: readonly string[]) => {
    for (const k of keys) {
      const raw = present(attrs, k);
      if (raw !== undefined) number(raw, k);
    }
    const p = firstOf(attrs, keys, (v, k) => number(v, k), contradictions);
    return p ? Number(p.raw) : undefined;
  };
  const ratio = num(HER2_ATTRIBUTES.ratio);
  const cep17 = num(HER2_ATTRIBUTES.cep17);
  const copies = num(HER2_ATTRIBUTES.copies);
  const ishStatus = word(present(attrs, HER2_ATTRIBUTES.ishStatus), HER2_ATTRIBUTES.ishStatus);
  const statusRaw = present(attrs, HER2_ATTRIBUTES.status);
  const status = statusRaw === undefined ? undefined : word(statusRaw, HER2_ATTRIBUTES.status);

  // IHC word vs IHC score (H3 defines the correspondence).
  if (ihc !== undefined && ihcStatus !== undefined && ihcStatus !== 'indeterminate') {
    const expected: Record<Exclude<Word, 'indeterminate'>, IhcScore[]> = { positive: ['3+'], negative: ['0', '1+'], equivocal: ['2+'] };
    if (!expected[ihcStatus].includes(ihc)) contradictions.push(`IHC_HER2 '${ihcStatusRaw}' disagrees with IHC score ${ihc} (score used)`);
  }

  // ISH values complete enough for the engine: mean HER2 copies (single probe), or with ratio/CEP17 (dual probe).
  let ish: Her2Input['ish'];
  if (copies !== undefined) {
    const dual = ratio !== undefined || cep17 !== undefined;
    ish = { probe: dual ? 'dual' : 'single', her2: copies };
    if (cep17 !== undefined) ish.cep17 = cep17;
    if (ratio !== undefined) ish.ratio = ratio;
  }
  const hasIshNumbers = ratio !== undefined || cep17 !== undefined || copies !== undefined;

  // The IHC score in force: the score, else the IHC word read as a score (H3).
  let effectiveIhc: IhcScore | undefined = ihc;
  let ihcFromWord = false;
  if (effectiveIhc === undefined && ihcStatus !== undefined && ihcStatus !== 'negative' && ihcStatus !== 'indeterminate') {
    effectiveIhc = ihcStatus === 'positive' ? '3+' : '2+';
    ihcFromWord = true;
  }

  let result: Her2FromAttributes;
  let ishGroup: number | null = null;
  if (ish !== undefined && (effectiveIhc !== undefined || ihcStatus === undefined || ihcStatus === 'indeterminate')) {
    // H1 / H5: IHC (score or word) with ISH numbers, or ISH numbers alone -> the ASCO/CAP engine.
    const input: Her2Input = { ish };
    if (effectiveIhc !== undefined) input.ihc = effectiveIhc;
    if (stained !== undefined && !ihcFromWord) input.stainedPercent = stained;
    const r = engine(input);
    ishGroup = r.group;
    result = out(r.category, effectiveIhc !== undefined ? (ihcFromWord ? 'H3' : 'H1') : 'H5', r.reason);
  } else if (ish !== undefined && ihcStatus === 'negative') {
    // H4: IHC "Negative" (0 or 1+, unknown which) with ISH numbers: 0 and 1+ give the same status in Figs. 3-6.
    const r = engine({ ihc: '1+', ish });
    ishGroup = r.group;
    result = out(r.category === null ? null : r.category === 'HER2-positive' ? 'HER2-positive' : 'HER2-negative', 'H4', r.reason);
  } else if (effectiveIhc !== undefined) {
    if (effectiveIhc === '2+' && ishStatus !== undefined && ishStatus !== 'indeterminate') {
      // H6: IHC 2+ resolved by the ISH result word (2018 Fig. 1: 2+ needs ISH; no "equivocal" ISH result after 2018).
      result = out(ishStatus === 'positive' ? 'HER2-positive' : ishStatus === 'negative' ? 'HER2-low' : 'pending', 'H6');
    } else if ((effectiveIhc === '0' || effectiveIhc === '1+') && ishStatus === 'positive') {
      // H7: ISH positive with IHC 0/1+ is positive by ISH (2018 Fig. 3, group 1 is positive whatever the IHC).
      result = out('HER2-positive', 'H7');
      contradictions.push(`IHC ${effectiveIhc} with HER2_FISH_STATUS Positive: discordant; positive by ISH`);
    } else {
      // H2 / H3: IHC alone (2018 Fig. 1).
      const input: Her2Input = { ihc: effectiveIhc };
      if (stained !== undefined && !ihcFromWord) input.stainedPercent = stained;
      const r = engine(input);
      result = out(r.category, ihcFromWord ? 'H3' : 'H2', r.reason);
    }
  } else if (ihcStatus === 'negative') {
    // H3: IHC "Negative" without a score: negative, but HER2-low vs IHC 0 cannot be told.
    result = ishStatus === 'positive' ? out('HER2-positive', 'H7') : out('HER2-negative', 'H3');
    if (ishStatus === 'positive') contradictions.push('IHC_HER2 Negative with HER2_FISH_STATUS Positive: discordant; positive by ISH');
  } else if (ishStatus !== undefined && ishStatus !== 'indeterminate') {
    // H8: the ISH result word alone.
    result = out(ishStatus === 'positive' ? 'HER2-positive' : ishStatus === 'negative' ? 'HER2-negative' : 'pending', 'H8');
  } else if (hasIshNumbers) {
    result = out(null, null, 'HER2/CEP17 ratio or CEP17 without mean HER2 signals per cell: the ASCO/CAP 2018 ISH group cannot be assigned');
  } else if (status !== undefined && status !== 'indeterminate') {
    // H9: the overall word alone.
    result = out(status === 'positive' ? 'HER2-positive' : status === 'negative' ? 'HER2-negative' : 'pending', 'H9');
  } else if (ihcStatus === 'indeterminate' || ishStatus === 'indeterminate' || status === 'indeterminate') {
    result = out(null, null, 'indeterminate (the test gave no result)');
  } else {
    result = out(null, null, stained !== undefined ? 'a stained percent without an IHC score' : 'no HER2 data');
  }

  // Result words that disagree with the deciding values.
  const cat = result.category;
  if (cat !== null && cat !== 'pending') {
    if (ishStatus !== undefined && ishStatus !== 'indeterminate' && ishStatus !== 'equivocal' && result.rule !== 'H6' && result.rule !== 'H7' && result.rule !== 'H8') {
      const ishCall = ishGroup === 1 ? 'positive' : ishGroup === 5 ? 'negative' : null;
      if (ishCall !== null && ishCall !== ishStatus) contradictions.push(`HER2_FISH_STATUS '${present(attrs, HER2_ATTRIBUTES.ishStatus)}' disagrees with the ISH values (group ${ishGroup})`);
      else if (ishCall === null && effectiveIhc === '3+' && ishStatus === 'negative') contradictions.push(`IHC 3+ with HER2_FISH_STATUS Negative: discordant; positive by IHC 3+`);
    }
    if (status !== undefined && status !== 'indeterminate' && status !== 'equivocal' && result.rule !== 'H9') {
      if ((status === 'positive' && cat !== 'HER2-positive') || (status === 'negative' && !isNegative(cat))) {
        contradictions.push(`HER2_STATUS '${statusRaw}' disagrees with ${cat} from the IHC/ISH values (values used)`);
      }
    }
  }
  return result;
}
