/**
 * The patient's clinical state now, derived from the whole case (never from one sample alone):
 * - receptor status: HER2 from the latest *evaluable* HER2 result (pending/equivocal and untested results are
 *   skipped), with the earlier evaluable results kept as history; HR from the latest sample whose ER/PgR results
 *   decide it, as classification decides it per sample (classification/subtype.ts `hrStatus`, ASCO/CAP 2020). When
 *   that sample is older than the latest tissue sample with pathology, the state says so (`hrOutdated`, `hr.note`);
 *   see `HrOutdated` for what it does to options (her2scope design rule);
 * - setting: the case's `patient.setting`, else metastatic when any sample is a metastasis or recurrence;
 * - metastatic line: the highest `line` given on a treatment, else the number of distinct start dates of metastatic
 *   treatments (drugs started the same day are one regimen); the current line is that + 1;
 * - prior therapy: the drug classes (with parents) of every treatment, and of the metastatic ones.
 */
import type { ClassificationResult, Her2Category } from '../classification/types.ts';
import type { Treatment } from '../case/schema.ts';
import type { Context, DrugClass, KbEntry, Setting } from '../kb/schema.ts';
import type { DrugOntology } from './drugs.ts';
import type { SampleData } from './types.ts';
import { wholeMonths } from './dates.ts';
import { missingValue } from '../errors.ts';

export interface Her2Reading {
  status: 'positive' | 'negative';
  category: Her2Category;
  sample: string;
  collected: string;
}

/**
 * her2scope design rule (no external source; review-14 P8): the HR status the options are judged on comes from an
 * older sample than the latest tissue sample with pathology (`sample`, `collected`), whose ER was not tested.
 * - `pgrOnly`: that later sample has PgR tested and ER not tested (PgR alone never decides HR: classification/
 *   subtype.ts hrStatus), and either the older status is HR-positive (a negative PgR does not support it) or the
 *   later PgR is positive while the older status is HR-negative (review s4 #3: it contradicts it). The newest
 *   receptor test leaves HR status open:
 *   an option that needs an HR status is *not evaluable* (pending `hr-status`: "test ER on <sample>"), never judged
 *   on the older sample alone. (ER IHC is the predictive assay for endocrine therapy, ASCO/CAP 2020; receptor status
 *   can change between primary and metastasis, which is why it is retested.)
 * - otherwise (no ER or PgR result on the later sample, or an older HR-negative status that a negative PgR does not
 *   contradict): the option stays, with the warning `hr-older-sample` naming both samples.
 */
export interface HrOutdated {
  sample: string;
  collected: string;
  pgrOnly: boolean;
  /** The text shown in `hr.note` and as the option warning / pending text. */
  text: string;
}

export interface ClinicalState {
  her2: Her2Reading | null;
  /** Earlier evaluable HER2 results, newest first. */
  her2History: Her2Reading[];
  hr: { status: 'positive' | 'negative'; sample: string; collected: string; note: string | null } | null;
  /** The HR status is from a sample older than the latest tissue sample with pathology (ER not tested there). */
  hrOutdated: HrOutdated | null;
  setting: Setting;
  settingSource: string;
  /** Current metastatic line (1 = first line); null in the early setting. */
  line: number | null;
  priorClasses: Set<DrugClass>;
  metastaticPriorClasses: Set<DrugClass>;
  /** Canonical names of every drug given. */
  priorDrugs: Set<string>;
  /** Treatments judged metastatic (for display). */
  metastaticTreatments: Treatment[];
  /** Early-setting (neo/adjuvant) treatments. */
  earlyTreatments: Treatment[];
  /** The latest sample marked as a surgical specimen (`samples[].surgery: true`), when there is one. */
  surgery: { sample: string; collected: string } | null;
  /** Collection date of the first metastasis/recurrence sample (the recurrence date), when there is one. */
  metastaticSince: string | null;
  /**
   * Canonical drugs of metastatic treatments that ended in progression: an option made only of these drugs is a
   * regimen the disease has already progressed on, never offered again (therapy.ts).
   */
  progressedDrugs: Set<string>;
  /**
   * Canonical drugs of treatments still ongoing (no end date in the case file), with their start dates: resistance
   * evidence against one of them is shown whatever its level (therapy.ts rule 7).
   */
  ongoingDrugs: Map<string, string>;
}

export function clinicalState(
  ordered: SampleData[],
  classifications: Map<string, ClassificationResult | null>,
  treatments: readonly Treatment[],
  patientSetting: Setting | undefined,
  drugs: DrugOntology,
): ClinicalState {
  const readings: Her2Reading[] = [];
  let hr: ClinicalState['hr'] = null;
  // The latest tissue sample with pathology after the HR sample whose receptors did not decide HR.
  let after: { s: SampleData; c: ClassificationResult } | null = null;
  for (const s of ordered) {
    const c = classifications.get(s.sample.id) ?? null;
    const h = c?.her2;
    if (h && (h.status === 'positive' || h.status === 'negative')) readings.push({ status: h.status, category: h.category, sample: s.sample.id, collected: s.sample.collected });
    if (!c) continue;
    // Classification decides HR once per sample (classification/subtype.ts hrStatus); state only picks the sample.
    if (c.hr.status !== null) {
      hr = { status: c.hr.status, note: c.hr.notes.length ? c.hr.notes.join('; ') : null, sample: s.sample.id, collected: s.sample.collected };
      after = null;
    } else if (s.sample.type !== 'plasma' && hr !== null && s.sample.collected > hr.collected) after = { s, c };
  }
  let hrOutdated: HrOutdated | null = null;
  if (hr && after) {
    const later = after.s.sample;
    const pgrOnly = after.c.pr.status !== 'not-tested' && (hr.status === 'positive' || after.c.pr.status === 'positive');
    const pgr = after.c.pr.status === 'not-tested' ? 'ER and PgR not tested' : `ER not tested, PgR ${after.c.pr.status}`;
    const text = pgrOnly
      ? `HR status not evaluable now: HR-${hr.status} only in ${hr.sample} (${hr.collected}); the later ${later.id} (${later.collected}) has ${pgr}: test ER on ${later.id} before an option that needs HR status (ER IHC is the predictive assay for endocrine therapy, ASCO/CAP 2020)`
      : `HR status from an older sample: HR-${hr.status} in ${hr.sample} (${hr.collected}); the later ${later.id} (${later.collected}) has ${pgr}: consider testing ER on ${later.id} (ASCO/CAP 2020)`;
    hrOutdated = { sample: later.id, collected: later.collected, pgrOnly, text };
    hr = { ...hr, note: hr.note ? `${hr.note}; ${text}` : text };
  }
  const her2 = readings.length ? readings[readings.length - 1] ?? missingValue('readings[readings.length - 1]') : null;
  const her2History = readings.slice(0, -1).reverse();
  const advanced = ordered.filter((s) => s.sample.type === 'metastasis' || s.sample.type === 'recurrence');
  const setting: Setting = patientSetting ?? (advanced.length ? 'metastatic' : 'early');
  const settingSource = patientSetting ? 'patient.setting in the case file' : advanced.length ? `${(advanced[0] ?? missingValue('advanced[0]')).sample.type} sample ${(advanced[0] ?? missingValue('advanced[0]')).sample.id}` : 'no metastasis or recurrence sample';
  const metastaticSince = advanced.length ? (advanced[0] ?? missingValue('advanced[0]')).sample.collected : null;
  const isMetastatic = (t: Treatment) => (t.setting ? t.setting === 'metastatic' : t.line !== undefined || (setting === 'metastatic' && metastaticSince !== null && t.start >= metastaticSince));
  const metastaticTreatments = treatments.filter(isMetastatic);
  const explicit = Math.max(0, ...metastaticTreatments.map((t) => t.line ?? 0));
  // her2scope design rule (no external source): drugs started on the same day are one regimen, one line.
  const counted = new Set(metastaticTreatments.map((t) => t.start)).size;
  const line = setting === 'metastatic' ? Math.max(explicit, counted) + 1 : null;
  const classesOf = (ts: readonly Treatment[]) => {
    const out = new Set<DrugClass>();
    for (const t of ts) for (const c of drugs.classesOf(t.drug)) out.add(c);
    return out;
  };
  return {
    her2,
    her2History,
    hr,
    hrOutdated,
    setting,
    settingSource,
    line,
    priorClasses: classesOf(treatments),
    metastaticPriorClasses: classesOf(metastaticTreatments),
    priorDrugs: new Set(treatments.map((t) => drugs.canonical(t.drug))),
    metastaticTreatments,
    earlyTreatments: treatments.filter((t) => !isMetastatic(t)),
    metastaticSince,
    surgery: surgeryOf(ordered),
    progressedDrugs: new Set(metastaticTreatments.filter((t) => t.response === 'progression').map((t) => drugs.canonical(t.drug))),
    ongoingDrugs: new Map(treatments.filter((t) => !t.end).map((t) => [drugs.canonical(t.drug), t.start])),
  };
}

function surgeryOf(ordered: readonly SampleData[]): ClinicalState['surgery'] {
  const s = [...ordered].reverse().find((x) => x.sample.surgery === true);
  return s ? { sample: s.sample.id, collected: s.sample.collected } : null;
}

/**
 * Classes of early-setting treatments that were ongoing at the recurrence or ended within `months` before it
 * ("recurrence during or within N months of completing (neo)adjuvant therapy", as the labels word it).
 */
function earlyClassesWithin(state: ClinicalState, months: number, drugs: DrugOntology): Set<DrugClass> {
  const out = new Set<DrugClass>();
  const since = state.metastaticSince;
  if (since === null) return out;
  for (const t of state.earlyTreatments) {
    if (t.start > since) continue;
    if (t.end && t.end < since && wholeMonths(t.end, since) > months) continue;
    for (const c of drugs.classesOf(t.drug)) out.add(c);
  }
  return out;
}

export type Fit = 'fits' | 'does-not-fit' | 'unknown';

export interface ContextJudgement {
  fit: Fit;
  /** Why it does not fit / what is unknown. */
  notes: string[];
  /** The entry places the option in a line or setting that fits the patient (guideline placement). */
  placed: boolean;
}

/**
 * Judge an entry's context against the patient's state. `her2Status` is the HER2 status the evidence is judged on
 * (the latest evaluable one, or a history result for history-based options). A field the entry leaves out is not
 * stated: it neither fits nor excludes, and the judgement is at best "unknown" when the entry states nothing at all.
 */
export function judgeContext(want: Context, state: ClinicalState, her2Status: 'positive' | 'negative' | null, drugs: DrugOntology): ContextJudgement {
  const notes: string[] = [];
  let fit: Fit = 'fits';
  const no = (why: string) => {
    fit = 'does-not-fit';
    notes.push(why);
  };
  const unknown = (why: string) => {
    if (fit === 'fits') fit = 'unknown';
    notes.push(why);
  };
  if (want.hr) {
    if (!state.hr) unknown(`needs HR-${want.hr}; HR status unknown`);
    else if (state.hrOutdated?.pgrOnly) unknown(`needs HR-${want.hr}; ${state.hrOutdated.text}`);
    else if (state.hr.status !== want.hr) no(`needs HR-${want.hr}; latest HR status is ${state.hr.status} (${state.hr.sample}, ${state.hr.collected})`);
  }
  if (want.her2) {
    if (!her2Status) unknown(`needs HER2-${want.her2}; no evaluable HER2 result`);
    else if (her2Status !== want.her2) no(`needs HER2-${want.her2}; HER2 is ${her2Status}`);
  }
  let placed = false;
  let counted: string | null = null;
  if (want.settings) {
    if (!want.settings.includes(state.setting)) no(`for ${want.settings.join('/')} disease; the patient's setting is ${state.setting} (${state.settingSource})`);
    else placed = true;
  }
  if (want.line) {
    if (state.line === null) {
      if (!want.settings) no(`a metastatic line-of-therapy option; the patient's setting is ${state.setting}`);
    } else if ((want.line.min !== undefined && state.line < want.line.min) || (want.line.max !== undefined && state.line > want.line.max)) {
      no(`for line ${lineText(want.line)}; the patient is at line ${state.line}`);
    } else placed = true;
  }
  if (want.phase === 'neoadjuvant' && state.setting === 'early') {
    // her2scope design rule (no external source; review-14 P9): a neoadjuvant regimen is the first systemic treatment
    // of early disease, given before surgery. Once surgery is recorded, or any early-setting treatment was given, it is
    // no longer an option (the post-neoadjuvant / adjuvant items are).
    if (state.surgery) no(`a neoadjuvant (pre-operative) regimen; surgery is recorded (sample ${state.surgery.sample}, ${state.surgery.collected})`);
    else if (state.earlyTreatments.length) {
      const first = [...state.earlyTreatments].sort((a, b) => a.start.localeCompare(b.start))[0];
      no(`a neoadjuvant regimen is the first treatment of early disease; early-setting treatment already given${first ? ` (${[...new Set(state.earlyTreatments.filter((t) => t.start === first.start).map((t) => t.drug))].join(', ')} from ${first.start})` : ''}`);
    }
  }
  if (state.setting === 'early' && (want.phase === 'post-neoadjuvant' || want.phase === 'extended-adjuvant')) {
    // her2scope design rule on the labels (review s4 #1, #2): the treatment a phase follows must be in the record.
    // - post-neoadjuvant (KATHERINE / DESTINY-Breast05: "residual invasive disease after neoadjuvant" taxane +
    //   trastuzumab-based / HER2-targeted therapy; Kadcyla label, EMA review PMID 33647599): HER2-directed treatment
    //   before the recorded surgery; without a surgery record it is not known (unknown, never "fits").
    // - extended-adjuvant (ExteNET; Nerlynx label: "to follow adjuvant trastuzumab-based therapy"): that therapy
    //   completed (none ongoing) and, with surgery recorded, given after it; without a surgery record, unknown.
    // Residual invasive disease itself is not a field of the case: the option says to confirm it.
    const classes = want.priorAnyOf ?? ['anti-her2'];
    const her2Directed = state.earlyTreatments.filter((t) => classes.some((c) => drugs.classesOf(t.drug).has(c)));
    const what = classes.map((c) => drugs.label(c)).join(' or ');
    if (want.phase === 'post-neoadjuvant') {
      if (!state.surgery) unknown(`for residual invasive disease at surgery after neoadjuvant ${what}; no surgery recorded (samples[].surgery)`);
      else {
        const surgery = state.surgery;
        if (!her2Directed.some((t) => t.start < surgery.collected)) no(`for residual invasive disease after neoadjuvant ${what}; none given before surgery (sample ${surgery.sample}, ${surgery.collected})`);
        else notes.push(`residual invasive disease at surgery (sample ${surgery.sample}) is assumed: confirm it (no pathologic complete response)`);
      }
    } else {
      const ongoing = her2Directed.filter((t) => !t.end);
      const surgery = state.surgery;
      if (ongoing.length) no(`to follow completed adjuvant ${what} (Nerlynx label); ${ongoing.map((t) => `${t.drug} ongoing since ${t.start}`).join(', ')}`);
      else if (!surgery) unknown(`to follow completed adjuvant ${what} (Nerlynx label); no surgery recorded (samples[].surgery), so whether the HER2-directed therapy given was adjuvant is not known`);
      else if (!her2Directed.some((t) => t.end !== undefined && t.end > surgery.collected)) no(`to follow completed adjuvant ${what} (Nerlynx label); none given after surgery (sample ${surgery.sample}, ${surgery.collected})`);
    }
  }
  if (want.priorAnyOf) {
    const metastaticOnly = want.priorSetting === 'metastatic';
    const within = metastaticOnly ? want.priorEarlyWithinMonths : undefined;
    const prior = metastaticOnly ? new Set([...state.metastaticPriorClasses, ...(within !== undefined ? earlyClassesWithin(state, within, drugs) : [])]) : state.priorClasses;
    const where = metastaticOnly ? ` in the metastatic setting${within !== undefined ? ` or (neo)adjuvant with recurrence during or within ${within} months of its end` : ''}` : '';
    if (!want.priorAnyOf.some((c) => prior.has(c))) no(`needs prior ${want.priorAnyOf.map((c) => drugs.label(c)).join(' or ')}${where}; none in the treatments`);
    else if (!metastaticOnly) {
      // Review-14 P12 (c30): when only early-setting (neo/adjuvant) treatment meets "after prior X", say which one was
      // counted, so the board can judge whether it counts as the labelled prior line.
      const given = (ts: readonly Treatment[]) => ts.filter((t) => want.priorAnyOf?.some((c) => drugs.classesOf(t.drug).has(c)));
      const early = given(state.earlyTreatments);
      if (state.setting === 'metastatic' && given(state.metastaticTreatments).length === 0 && early.length) {
        counted = `prior ${want.priorAnyOf.map((c) => drugs.label(c)).join(' or ')} counted from the early setting only: ${early.map((t) => `${t.drug} (${t.start} to ${t.end ?? 'ongoing'})`).join(', ')}; none for metastatic disease`;
      }
    }
  }
  if (want.priorAllOf) {
    const missing = want.priorAllOf.filter((c) => !state.priorClasses.has(c));
    if (missing.length) no(`needs prior ${missing.map((c) => drugs.label(c)).join(' and ')} as well; none in the treatments`);
  }
  if (want.priorNoneOf) {
    const prior = state.setting === 'metastatic' ? state.metastaticPriorClasses : state.priorClasses;
    const hit = want.priorNoneOf.filter((c) => prior.has(c));
    if (hit.length) no(`only without prior ${hit.map((c) => drugs.label(c)).join(', ')}${state.setting === 'metastatic' ? ' for metastatic disease' : ''}`);
  }
  if (counted !== null && (fit as Fit) !== 'does-not-fit') notes.push(counted);
  return { fit, notes, placed };
}

export function lineText(l: { min?: number | undefined; max?: number | undefined }): string {
  if (l.min !== undefined && l.max !== undefined) return l.min === l.max ? `${l.min}` : `${l.min}-${l.max}`;
  if (l.min !== undefined) return `>=${l.min}`;
  return `<=${l.max}`;
}

/** Display text of an entry's setting: its label, else built from settings and line. */
export function settingText(want: Context): string | null {
  if (want.label) return want.label;
  const parts: string[] = [];
  if (want.settings) parts.push(want.settings.join(' or '));
  if (want.line) parts.push(`line ${lineText(want.line)}`);
  return parts.length ? parts.join(', ') : null;
}

/** True when a regimen of these drugs contains endocrine therapy (an endocrine drug, or an endocrine drug class). */
export function hasEndocrine(names: readonly string[], drugs: DrugOntology): boolean {
  return names.some((n) => {
    const d = drugs.canonical(n);
    const c = drugs.classOf(d);
    return drugs.classesOf(d).has('endocrine-therapy') || (c !== null && ENDOCRINE_CLASSES.has(c));
  });
}

const ENDOCRINE_CLASSES: ReadonlySet<DrugClass> = new Set<DrugClass>(['endocrine-therapy', 'aromatase-inhibitor', 'serm', 'serd', 'oral-serd', 'protac-er-degrader']);

export interface EntryJudgement extends ContextJudgement {
  /** The context the entry was judged on (its own, with HR-positive added for endocrine regimens). */
  want: Context;
  /** The entry needs an HR status that is unknown or not evaluable now (therapy.ts rule 9). */
  hrUnknown: boolean;
}

/**
 * The one judgement of a KB entry (or of one of its regimens, `regimen`) against the patient's state, used by the
 * therapy options and by a finding's evidence list alike, so that evidence never "fits" where therapy excluded it:
 * - a regimen with an endocrine drug needs HR-positive disease whatever the item says (ER IHC is the predictive assay
 *   for endocrine therapy, ASCO/CAP 2020);
 * - `her2Status` is the HER2 status of the basis the entry is judged on (the latest evaluable result, or the earlier
 *   result a history basis rests on);
 * - a CIViC item without a curated review has "context unknown" at best (the level cap is therapy.ts's).
 */
export function judgeEntry(entry: KbEntry, regimen: readonly string[], state: ClinicalState, her2Status: 'positive' | 'negative' | null, drugs: DrugOntology): EntryJudgement {
  const want: Context = hasEndocrine(regimen, drugs) && !entry.context.hr ? { ...entry.context, hr: 'positive' } : entry.context;
  const j = judgeContext(want, state, her2Status, drugs);
  let fit = j.fit;
  const notes = [...j.notes];
  if (entry.origin === 'civic' && !entry.review) {
    if (fit === 'fits') fit = 'unknown';
    notes.push('context unknown: CIViC item without curated review of setting, line and prior therapy');
  }
  const hrUnknown = want.hr !== undefined && (state.hr === null || state.hrOutdated?.pgrOnly === true);
  return { fit, notes, placed: j.placed, want, hrUnknown };
}
