/**
 * ER and PgR status from the percent of tumour nuclei staining (ASCO/CAP 2020), also accepting an Allred score or an
 * H-score, converted by their published definitions. A score that cannot be converted to one category without
 * guessing (e.g. Allred total 4, which may be <1%, 1-10% or >10% of nuclei) is rejected: the percent is the source
 * of truth (shared/reference/er-pr-testing.md sections 3-4).
 */
import { InputError } from '../errors.ts';
import { DEFAULT_COMMENTS, type CommentTable } from './comments.ts';
import type { ReceptorInput } from './input.ts';
import { SOURCES } from './sources.ts';
import type { ErStatus, PrStatus, ReceptorResult, RuleRef } from './types.ts';
import { missingValue } from '../errors.ts';

/** ASCO/CAP 2020: <1% negative; 1-10% ER low positive (10% included); >10% positive. PgR: >=1% positive. */
export const RECEPTOR_THRESHOLDS = { positive: 1, erLowUpper: 10 } as const;

type Band = 'negative' | 'low' | 'high';

/** Percent range [lo, hi]; `loOpen`/`hiOpen` exclude the end. */
interface PercentRange {
  lo: number;
  hi: number;
  loOpen?: boolean;
  hiOpen?: boolean;
}

/** Allred proportion score -> percent of nuclei (Harvey 1999): 0 none, 1 <1%, 2 1-10%, 3 >10-33%, 4 >33-66%, 5 >66%. */
const ALLRED_PROPORTION: readonly PercentRange[] = [
  { lo: 0, hi: 0 },
  { lo: 0, hi: 1, loOpen: true, hiOpen: true },
  { lo: 1, hi: 10 },
  { lo: 10, hi: 33, loOpen: true },
  { lo: 33, hi: 66, loOpen: true },
  { lo: 66, hi: 100, loOpen: true },
];

function bandOfPercent(p: number): Band {
  if (p < RECEPTOR_THRESHOLDS.positive) return 'negative';
  return p <= RECEPTOR_THRESHOLDS.erLowUpper ? 'low' : 'high';
}

/** The ASCO/CAP bands a percent range touches. */
function bandsOfRange(r: PercentRange): Band[] {
  const { positive, erLowUpper } = RECEPTOR_THRESHOLDS;
  const bands: Band[] = [];
  if (r.lo < positive) bands.push('negative');
  const reachesLow = r.hiOpen ? r.hi > positive : r.hi >= positive;
  const startsInLow = r.loOpen ? r.lo < erLowUpper : r.lo <= erLowUpper;
  if (reachesLow && startsInLow) bands.push('low');
  if (r.hi > erLowUpper) bands.push('high');
  return bands;
}

interface Reading {
  /** Every band the input is compatible with; the caller decides whether that is one category. */
  bands: Band[];
  percent: number | null;
  rules: RuleRef[];
  /** Where to point the user when the bands are more than one. */
  field: string;
  ambiguity: string;
}

function read(input: ReceptorInput, field: string): Reading | null {
  const given = [input.percent, input.allred, input.hScore].filter((v) => v !== undefined).length;
  if (given === 0) return null;
  if (given > 1) throw new InputError(field, 'give exactly one of percent, allred, hScore (the percent is the source of truth)');

  if (input.percent !== undefined) {
    return { bands: [bandOfPercent(input.percent)], percent: input.percent, rules: [], field, ambiguity: '' };
  }

  if (input.allred !== undefined) {
    const a = input.allred;
    const rules: RuleRef[] = [{ id: 'allred.conversion', source: SOURCES.allred }];
    if (typeof a !== 'number') {
      if ((a.proportion === 0) !== (a.intensity === 0)) {
        throw new InputError(`${field}.allred`, 'intensity is 0 exactly when proportion is 0 (no staining has no intensity)');
      }
      const range = ALLRED_PROPORTION[a.proportion] as PercentRange;
      return { bands: bandsOfRange(range), percent: a.proportion === 0 ? 0 : null, rules, field: `${field}.allred`, ambiguity: '' };
    }
    if (a === 0) return { bands: ['negative'], percent: 0, rules, field, ambiguity: '' };
    // Total = proportion (1-5) + intensity (1-3) when any nucleus stains; collect every split of the total.
    const bands = new Set<Band>();
    for (let ps = 1; ps <= 5; ps++) {
      const is = a - ps;
      if (is >= 1 && is <= 3) for (const b of bandsOfRange(ALLRED_PROPORTION[ps] as PercentRange)) bands.add(b);
    }
    if (bands.size === 0) throw new InputError(`${field}.allred`, `an Allred total of ${a} cannot occur (possible totals are 0 or 2-8)`);
    return {
      bands: [...bands],
      percent: null,
      rules,
      field: `${field}.allred`,
      ambiguity: `an Allred total of ${a} may mean ${[...bands].map(describeBand).join(' or ')} of nuclei; give { proportion, intensity } or the percent`,
    };
  }

  const h = input.hScore ?? missingValue('input.hScore');
  const rules: RuleRef[] = [{ id: 'hscore.conversion', source: SOURCES.hScore }];
  if (typeof h !== 'number') {
    const total = h.weak + h.moderate + h.strong;
    if (total > 100 + 1e-9) throw new InputError(`${field}.hScore`, `weak + moderate + strong is ${total}%, more than 100%`);
    return { bands: [bandOfPercent(total)], percent: total, rules, field, ambiguity: '' };
  }
  if (h === 0) return { bands: ['negative'], percent: 0, rules, field, ambiguity: '' };
  // H = 1*weak + 2*moderate + 3*strong, so the percent of stained nuclei lies in [H/3, min(H, 100)].
  const range = { lo: h / 3, hi: Math.min(h, 100) };
  const bands = bandsOfRange(range);
  return {
    bands,
    percent: null,
    rules,
    field: `${field}.hScore`,
    ambiguity: `an H-score of ${h} may mean ${round1(range.lo)}-${round1(range.hi)}% of nuclei, across a category boundary; give { weak, moderate, strong } or the percent`,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const describeBand = (b: Band) => (b === 'negative' ? '<1%' : b === 'low' ? '1-10%' : '>10%');

const notTested = <S extends string>(status: S): ReceptorResult<S> => ({ status, percent: null, comments: [], rules: [] });

export function classifyEr(input: ReceptorInput | undefined, comments: CommentTable = DEFAULT_COMMENTS): ReceptorResult<ErStatus> {
  const r = input ? read(input, 'er') : null;
  if (!r) return notTested('not-tested');
  if (r.bands.length !== 1) throw new InputError(r.field, r.ambiguity);
  const rules = [...r.rules];
  const out: ReceptorResult<ErStatus> = { status: 'negative', percent: r.percent, comments: [], rules };
  if (r.bands[0] === 'negative') {
    rules.push({ id: 'er.negative', source: `${SOURCES.erPr2020}: <1% of nuclei is ER negative` });
    out.comments.push(comments.erControls);
  } else if (r.bands[0] === 'low') {
    out.status = 'low-positive';
    rules.push({ id: 'er.low-positive', source: `${SOURCES.erPr2020}: 1-10% of nuclei is ER low positive` });
    out.comments.push(comments.erLowPositive, comments.erControls);
  } else {
    out.status = 'positive';
    rules.push({ id: 'er.positive', source: `${SOURCES.erPr2020}: >10% of nuclei is ER positive` });
  }
  return out;
}

/** PgR has no low-positive category, so only the 1% boundary matters. */
export function classifyPr(input: ReceptorInput | undefined): ReceptorResult<PrStatus> {
  const r = input ? read(input, 'pr') : null;
  if (!r) return notTested('not-tested');
  const negative = r.bands.includes('negative');
  if (negative && r.bands.length > 1) throw new InputError(r.field, r.ambiguity);
  return {
    status: negative ? 'negative' : 'positive',
    percent: r.percent,
    comments: [],
    rules: [
      ...r.rules,
      negative
        ? { id: 'pr.negative', source: `${SOURCES.erPr2020}: <1% of nuclei is PgR negative` }
        : { id: 'pr.positive', source: `${SOURCES.erPr2020}: >=1% of nuclei is PgR positive (no low-positive category)` },
    ],
  };
}
