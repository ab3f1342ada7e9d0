/**
 * HER2 status of invasive breast cancer from IHC and ISH, following the ASCO/CAP 2018 algorithm (affirmed in 2023),
 * with the HER2-low / HER2-ultralow groupings used for trastuzumab deruxtecan eligibility.
 * Every rule names its source (see sources.ts); the notes in shared/reference/her2-testing.md are the working summary.
 */
import { InputError } from '../errors.ts';
import { DEFAULT_COMMENTS, type CommentTable } from './comments.ts';
import type { Her2Input, IhcScore } from './input.ts';
import { SOURCES } from './sources.ts';
import type { Her2Category, Her2Result, Her2Status, IshGroup, RuleRef } from './types.ts';

/** Thresholds of ASCO/CAP 2018 Fig. 1-3. */
export const HER2_THRESHOLDS = {
  /** IHC 1+/2+/3+ need staining in >10% of invasive tumour cells (Fig. 1). */
  ihcPercent: 10,
  /** Dual-probe HER2/CEP17 ratio cut-off; a ratio of exactly 2.0 counts as >=2.0 (Fig. 3). */
  ratio: 2.0,
  /** Mean HER2 signals per cell: 4.0 and 6.0; exactly 4.0 / 6.0 count as >= (Figs. 2-3). */
  copiesLow: 4.0,
  copiesHigh: 6.0,
} as const;

/** Comparisons use unrounded values with a tolerance for binary floating point (4.2/2.1 must count as 2.0). */
const EPS = 1e-9;
const atLeast = (value: number, threshold: number) => value >= threshold - EPS;

function decimalsOf(x: number): number {
  const s = String(x);
  if (s.includes('e')) return 10;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * True when a reported ratio can be the rounded quotient of the reported means, i.e. the intervals that rounding
 * allows for each reported number overlap. A laboratory rounds; it does not disagree by more than that.
 */
export function ratioConsistent(her2: number, cep17: number, ratio: number): boolean {
  const half = (x: number) => 0.5 * 10 ** -Math.max(decimalsOf(x), 1);
  const hLo = Math.max(0, her2 - half(her2));
  const hHi = her2 + half(her2);
  const cLo = Math.max(EPS, cep17 - half(cep17));
  const cHi = cep17 + half(cep17);
  const qLo = hLo / cHi;
  const qHi = hHi / cLo;
  const rLo = ratio - half(ratio);
  const rHi = ratio + half(ratio);
  return rHi >= qLo - EPS && rLo <= qHi + EPS;
}

/**
 * The ratio as printed: two decimals, as labs report it; when rounding to two decimals would carry an unrounded
 * value across the 2.0 cut-off (1.995 -> "2.00"), three decimals, so that the printed value never contradicts the
 * group it was called with.
 */
export function ratioText(ratio: number): string {
  const R = HER2_THRESHOLDS.ratio;
  for (const d of [2, 3, 4]) {
    const t = ratio.toFixed(d);
    if (atLeast(Number(t), R) === atLeast(ratio, R)) return t;
  }
  return ratio.toFixed(6);
}

/** ASCO/CAP 2018 Fig. 3: dual-probe group from ratio and mean HER2 copies per cell. */
export function dualProbeGroup(ratio: number, her2: number): IshGroup {
  const { ratio: R, copiesLow, copiesHigh } = HER2_THRESHOLDS;
  if (atLeast(ratio, R)) return atLeast(her2, copiesLow) ? 1 : 2;
  if (atLeast(her2, copiesHigh)) return 3;
  if (atLeast(her2, copiesLow)) return 4;
  return 5;
}

interface Trail {
  comments: string[];
  rules: RuleRef[];
  /** The IHC score given (the result's `ihc`). */
  ihc: IhcScore | null;
}

function rule(trail: Trail, id: string, source: string): void {
  trail.rules.push({ id, source });
}

/** Category of a negative call from the IHC score (HER2-low/ultralow/null/0), or HER2-negative when IHC is unknown. */
function negativeCategory(ihc: IhcScore | undefined, stainedPercent: number | undefined, trail: Trail, c: CommentTable): Her2Category {
  switch (ihc) {
    case '1+':
    case '2+':
      rule(trail, 'her2.category.low', SOURCES.her2Low);
      trail.comments.push(c.her2LowFootnote);
      return 'HER2-low';
    case '0':
      if (stainedPercent === undefined) {
        rule(trail, 'her2.category.ihc0-stained-percent-missing', SOURCES.her2Ultralow);
        trail.comments.push(c.ihcZeroStainedPercent);
        return 'HER2-0';
      }
      if (stainedPercent === 0) {
        rule(trail, 'her2.category.null', SOURCES.her2Ultralow);
        return 'HER2-null';
      }
      rule(trail, 'her2.category.ultralow', SOURCES.her2Ultralow);
      trail.comments.push(c.ultralow);
      return 'HER2-ultralow';
    default:
      return 'HER2-negative';
  }
}

function validateIhc(input: Her2Input): void {
  const { ihc, stainedPercent } = input;
  if (stainedPercent === undefined) return;
  if (ihc === undefined) {
    throw new InputError('her2.stainedPercent', 'given without her2.ihc; give the IHC score ("0", "1+", "2+", "3+") too');
  }
  const limit = HER2_THRESHOLDS.ihcPercent;
  if (ihc === '0' && stainedPercent > limit) {
    throw new InputError('her2.stainedPercent', `IHC 0 means staining in <=${limit}% of tumour cells, but ${stainedPercent}% was given`);
  }
  if (ihc === '2+' && stainedPercent === 0) {
    // Fig. 1: every positive IHC score (1+, 2+, 3+) describes staining of tumour cells; 2+ with no stained cell is a contradiction.
    throw new InputError('her2.stainedPercent', 'IHC 2+ means membrane staining of tumour cells, but 0% was given');
  }
  if ((ihc === '1+' || ihc === '3+') && stainedPercent <= limit) {
    throw new InputError('her2.stainedPercent', `IHC ${ihc} requires staining in >${limit}% of tumour cells, but ${stainedPercent}% was given`);
  }
}

interface IshReading {
  probe: 'dual' | 'single';
  her2: number;
  ratio: number | null;
  /** The reported and computed ratios straddle the 2.0 cut-off (the reported one is used). */
  straddles: boolean;
}

function readIsh(input: Her2Input): IshReading | null {
  const ish = input.ish;
  if (!ish) return null;
  const { her2, cep17, ratio } = ish;
  const probe = ish.probe ?? (her2 !== undefined && cep17 === undefined && ratio === undefined ? null : 'dual');
  if (probe === null) {
    throw new InputError('her2.ish.probe', 'mean HER2 given without CEP17 or ratio: set probe to "single" for single-probe ISH, or give cep17/ratio');
  }
  if (probe === 'single') {
    if (cep17 !== undefined || ratio !== undefined) {
      throw new InputError('her2.ish.probe', 'single-probe ISH has no CEP17 or ratio; use probe "dual" for HER2/CEP17 results');
    }
    if (her2 === undefined) throw new InputError('her2.ish.her2', 'required: mean HER2 signals per cell');
    return { probe, her2, ratio: null, straddles: false };
  }
  if (her2 === undefined) {
    throw new InputError('her2.ish.her2', 'required for dual-probe ISH: the ISH group needs the mean HER2 signals per cell (ASCO/CAP 2018 Fig. 3)');
  }
  if (cep17 !== undefined) {
    const computed = her2 / cep17;
    if (ratio !== undefined && !ratioConsistent(her2, cep17, ratio)) {
      throw new InputError(
        'her2.ish.ratio',
        `${ratio} disagrees with her2/cep17 = ${her2}/${cep17} = ${computed.toFixed(2)} by more than rounding`,
      );
    }
    if (ratio !== undefined) {
      // The lab's reported ratio is the result; it differs from the computed one only by rounding (checked above).
      const straddles = atLeast(ratio, HER2_THRESHOLDS.ratio) !== atLeast(computed, HER2_THRESHOLDS.ratio);
      return { probe, her2, ratio, straddles };
    }
    return { probe, her2, ratio: computed, straddles: false };
  }
  if (ratio === undefined) {
    throw new InputError('her2.ish.cep17', 'required for dual-probe ISH: give cep17 (mean CEP17 signals per cell) or ratio');
  }
  return { probe, her2, ratio, straddles: false };
}

function result(status: Her2Status, category: Her2Category, ishGroup: IshGroup | null, ratio: number | null, trail: Trail): Her2Result {
  return {
    status,
    category,
    ihc: trail.ihc,
    ishGroup,
    ishRatio: ratio === null ? null : Number(ratioText(ratio)),
    ishRatioText: ratio === null ? null : ratioText(ratio),
    comments: trail.comments,
    rules: trail.rules,
  };
}

/** Classify HER2 from validated input. Throws InputError on contradictory input; never guesses a missing value. */
export function classifyHer2(input: Her2Input, comments: CommentTable = DEFAULT_COMMENTS): Her2Result | null {
  const { ihc, stainedPercent } = input;
  if (ihc === undefined && input.ish === undefined) {
    if (stainedPercent !== undefined) validateIhc(input);
    return null;
  }
  validateIhc(input);
  const ish = readIsh(input);
  const trail: Trail = { comments: [], rules: [], ihc: ihc ?? null };
  const c = comments;

  if (ihc !== undefined) rule(trail, `her2.ihc.${ihc}`, SOURCES.her2IhcScoring);
  if (ihc === '2+' && stainedPercent !== undefined && stainedPercent <= HER2_THRESHOLDS.ihcPercent) {
    rule(trail, 'her2.ihc.2+.unusual-pattern', SOURCES.her2IhcUnusualPattern);
    trail.comments.push(c.unusualPattern);
  }

  if (!ish) {
    // IHC alone (Fig. 1).
    if (ihc === '3+') return result('positive', 'HER2-positive', null, null, trail);
    if (ihc === '2+') {
      rule(trail, 'her2.ihc.2+.reflex-ish', SOURCES.her2IhcScoring);
      trail.comments.push(c.reflexIsh);
      return result('equivocal', 'pending', null, null, trail);
    }
    if (ihc === '0') {
      rule(trail, 'her2.ihc.0.best-practice', SOURCES.her2Update2023);
      trail.comments.push(c.ihcZero);
    }
    return result('negative', negativeCategory(ihc, stainedPercent, trail, c), null, null, trail);
  }

  if (ish.probe === 'single') return classifySingleProbe(ihc, stainedPercent, ish.her2, trail, c);

  const ratio = ish.ratio as number;
  const group = dualProbeGroup(ratio, ish.her2);
  rule(trail, `her2.ish.dual.group${group}`, SOURCES.her2DualIshGroups);
  if (ish.straddles) {
    rule(trail, 'her2.ish.reported-ratio-used', SOURCES.her2DualIshGroups);
    trail.comments.push(c.reportedRatioUsed);
  }

  if (group === 1) {
    if (ihc === '0' || ihc === '1+') trail.comments.push(c.discordant);
    return result('positive', 'HER2-positive', group, ratio, trail);
  }
  if (group === 5) {
    // A negative ISH does not override IHC 3+: the tumour is positive if either test is positive.
    if (ihc === '3+') {
      trail.comments.push(c.discordant);
      return result('positive', 'HER2-positive', group, ratio, trail);
    }
    if (ihc === '0') {
      rule(trail, 'her2.ihc.0.best-practice', SOURCES.her2Update2023);
      trail.comments.push(c.ihcZero);
    }
    return result('negative', negativeCategory(ihc, stainedPercent, trail, c), group, ratio, trail);
  }

  // Groups 2-4: concurrent IHC decides (Figs. 4-6).
  const workup = group === 2 ? SOURCES.her2Group2Workup : group === 3 ? SOURCES.her2Group3Workup : SOURCES.her2Group4Workup;
  const groupComment = group === 2 ? c.group2 : group === 3 ? c.group3 : c.group4;
  if (ihc === undefined) {
    rule(trail, `her2.ish.group${group}.concurrent-ihc-required`, workup);
    trail.comments.push(c.concurrentIhcRequired);
    return result('equivocal', 'pending', group, ratio, trail);
  }
  if (ihc === '3+') {
    rule(trail, `her2.ish.group${group}.ihc3+`, workup);
    return result('positive', 'HER2-positive', group, ratio, trail);
  }
  if (ihc === '2+') {
    rule(trail, `her2.ish.group${group}.ihc2+.blinded-recount`, workup);
    trail.comments.push(c.blindedRecount);
    if (group === 3) return result('positive', 'HER2-positive', group, ratio, trail);
    trail.comments.push(groupComment);
    return result('negative', negativeCategory(ihc, stainedPercent, trail, c), group, ratio, trail);
  }
  rule(trail, `her2.ish.group${group}.ihc0-1+`, workup);
  trail.comments.push(groupComment);
  if (ihc === '0') {
    // IHC 0 with ISH group 2-4 is still IHC 0: the 0 vs 1+ best practice applies (ASCO/CAP 2023).
    rule(trail, 'her2.ihc.0.best-practice', SOURCES.her2Update2023);
    trail.comments.push(c.ihcZero);
  }
  return result('negative', negativeCategory(ihc, stainedPercent, trail, c), group, ratio, trail);
}

/** ASCO/CAP 2018 Fig. 2: single-probe ISH (mean HER2 copies per cell, no CEP17). */
function classifySingleProbe(
  ihc: IhcScore | undefined,
  stainedPercent: number | undefined,
  her2: number,
  trail: Trail,
  c: CommentTable,
): Her2Result {
  const { copiesLow, copiesHigh } = HER2_THRESHOLDS;
  if (atLeast(her2, copiesHigh)) {
    rule(trail, 'her2.ish.single.>=6', SOURCES.her2SingleIsh);
    if (ihc === '0' || ihc === '1+') trail.comments.push(c.discordant);
    return result('positive', 'HER2-positive', null, null, trail);
  }
  if (!atLeast(her2, copiesLow)) {
    rule(trail, 'her2.ish.single.<4', SOURCES.her2SingleIsh);
    if (ihc === '3+') {
      trail.comments.push(c.discordant);
      return result('positive', 'HER2-positive', null, null, trail);
    }
    return result('negative', negativeCategory(ihc, stainedPercent, trail, c), null, null, trail);
  }
  rule(trail, 'her2.ish.single.4-6', SOURCES.her2SingleIsh);
  if (ihc === '3+') return result('positive', 'HER2-positive', null, null, trail);
  if (ihc === '2+') {
    trail.comments.push(c.singleProbeNeedsDual);
    return result('equivocal', 'pending', null, null, trail);
  }
  if (ihc === undefined) {
    trail.comments.push(c.singleProbeNeedsIhc);
    return result('equivocal', 'pending', null, null, trail);
  }
  return result('negative', negativeCategory(ihc, stainedPercent, trail, c), null, null, trail);
}
