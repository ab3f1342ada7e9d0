/**
 * Therapy options for the patient now. The rules, each applied in this order (README "Therapy interpretation"):
 *
 * 1. Bases. Variant evidence comes from the latest sequenced sample's actionable findings; HER2-status evidence from
 *    the latest evaluable HER2 result, plus history: an earlier HER2-low / HER2-ultralow result keeps the HER2-low /
 *    ultralow options when the latest result is HER2-negative, with a reason naming that sample (ASCO/CAP 2023 HER2
 *    update: consider all prior and concurrent HER2 results, IHC 0 on one sample does not exclude 1+ on another;
 *    see also the ESMO HER2-low expert consensus, Tarantino P et al., Ann Oncol 2023;34:645-659, PMID
 *    37269905, whose exact statement on prior results was not re-read), and an earlier
 *    HER2-positive result keeps the HER2-positive options with a discordance warning. Stem-cell evidence comes
 *    from the latest cytometry.
 * 2. Context. Every item is judged against the patient's state now (state.ts: latest evaluable receptor results,
 *    setting, line, prior therapy), never against the sample the variant was found in. A regimen with an endocrine
 *    drug needs HR-positive disease whatever the item says (ER IHC is the predictive assay for endocrine therapy,
 *    ASCO/CAP 2020). Items that do not fit are listed in `excludedOptions` with the reason. A CIViC item without a
 *    curated review has "context unknown" and is shown at level B at best, never A.
 * 3. PARP inhibitors only on a germline pathogenic BRCA1/2 variant (OlympiAD, EMBRACA; olaparib and talazoparib
 *    labels: germline BRCA-mutated HER2-negative metastatic breast cancer).
 * 4. Resistance. A resistance item on a finding removes a *generic* (codon range / any-mutation) sensitivity item
 *    of the same finding for the same drug: the specific evidence wins. A resistance item warns every option that
 *    contains its drug, or a member of its class (drug-class ontology), except the item's own combination (an entry
 *    that lists a combination beside a single-drug resistance proposes the combination to overcome it) and except
 *    a drug with better-level sensitivity evidence on the same finding than a class-level resistance item.
 *    `no-benefit` items (negative trials) are contrary evidence, never options.
 * 5. Ranking, in tiers: (0) options that a level-A item places in the patient's current metastatic line (the
 *    guideline/label line of therapy, e.g. first-line pertuzumab + trastuzumab + docetaxel); (1) other options whose
 *    context fits; (2) context unknown. An option contradicted by severe resistance - level-A resistance evidence, or
 *    evidence at least as strong as the option's own level against a drug the patient is on now, or resistance that
 *    emerged under a drug the patient received (an acquired finding, e.g. ERBB2 T798I after neratinib) - is not an
 *    option; weaker contrary evidence warns (review-s3 #9), and a combination's resistance applies only to a regimen
 *    holding the whole combination: it is listed in `excludedOptions` with the warning. A regimen whose every
 *    drug the disease progressed on in the metastatic setting is excluded too. Within a tier: level, then clean before warned (an option with any warning - weaker
 *    resistance, HER2 discordance - is never ranked as if clean), then placement (line stated > setting stated >
 *    neither), then label backing (a fitting item cites a regulatory label for this regimen, before trial-only
 *    evidence), then the early-disease phase in the order of the treatment course (neoadjuvant, post-neoadjuvant,
 *    adjuvant, extended adjuvant: e.g. T-DM1 for residual disease before extended-adjuvant neratinib), then the name
 *    (never the number of items, which rewards drugs that CIViC happens to list often). These tie-breakers are a
 *    her2scope design rule (no external source). One option per regimen: drug names
 *    are canonical (drugs.ts) and the combination order is fixed.
 * 6. A sensitivity item that names a drug class ("mtor inhibitor") names no regimen: listed as excluded, never an
 *    option.
 * 7. Levels D and E (preclinical, inferential) are hidden unless `includePreclinical`; hidden items are counted. The
 *    filter is for options: a *resistance* item about a drug the patient is on now (a treatment without end date, or
 *    a class it belongs to) is a statement about the current treatment, not an option, and is listed in `resistance`
 *    at its level whatever that level is (`ongoing` names the drugs); a D/E item naming only a broad class (one with
 *    subclasses, e.g. "hormone therapy") is no statement about the current drug and stays hidden. Kept only for that
 *    reason, a D/E item never warns or excludes an option (that stays behind `includePreclinical`).
 * 8. Resistance that emerged under the current treatment. When the finding an item rests on was acquired or emerged
 *    in plasma (`acquired-variant` / `emerging-variant` change) and the item reports resistance to a drug still
 *    ongoing, the resistance statement says so ("ESR1 p.D538G emerged on letrozole (ongoing since 2019-02-01):
 *    resistance to aromatase inhibitor, level B ...") and the change carries the same warning (interpret.ts).
 * 9. Pending confirmation. An option whose every supporting item rests on ERBB2 amplification by NGS alone (IHC not
 *    3+, no ISH on that sample; ASCO/CAP: HER2 status is set by IHC/ISH) is `pending: her2-ish`; one whose every
 *    supporting item needs an HR status that is unknown (ER not tested) is `pending: hr-status`. Pending options stay
 *    in the result, ranked after every confirmed option, read as "level X if confirmed". While an NGS-only HER2
 *    basis exists, options whose items need HER2-negative disease carry the reciprocal warning "HER2 status
 *    unresolved".
 * 10. An excluded item whose regimen (same drug set) is an option through another item keeps `optionId`: renderers
 *    name the item, never list the regimen itself as not applicable.
 */
import type { Citation, EarlyPhase, EvidenceLevel, KbEntry, Therapy } from '../kb/schema.ts';
import type { DrugOntology } from './drugs.ts';
import { judgeEntry, settingText, type ClinicalState, type Fit } from './state.ts';
import { optionId } from './schema.ts';
import type { ContraryEvidence, ExcludedOption, ResistanceWarning, TherapyOption, TherapySupport } from './types.ts';
import type { WARNING_KINDS } from './schema.ts';

export type WarningKind = (typeof WARNING_KINDS)[number];
import { missingValue } from '../errors.ts';

export const LEVEL_ORDER: Record<EvidenceLevel, number> = { A: 0, B: 1, C: 2, D: 3, E: 4 };
const PRECLINICAL: ReadonlySet<EvidenceLevel> = new Set(['D', 'E']);

export interface Basis {
  /** e.g. "ERBB2 p.L755S (acquired, VAF 0.12)" or "HER2-low (from P1, 2022-01-10)". */
  label: string;
  /** Same key = same finding (resistance and sensitivity of one finding meet here). */
  key: string;
  /** Ids of the findings / HER2 / cytometry results this basis is (schema.ts): every item from it carries them as `basis`. */
  ids: string[];
  entries: KbEntry[];
  /** HER2 status the items are judged on. */
  her2Status: 'positive' | 'negative' | null;
  germline: boolean;
  /** The finding was acquired (absent from an earlier sample): resistance from it on a drug already given is resistance that emerged under that drug. */
  acquired?: boolean;
  /** Extra reason (history) and warning (discordance) carried by every option from this basis. */
  note?: string;
  warning?: string;
  /** Kind of `warning` (default `her2-discordance`). */
  warningKind?: WarningKind;
  /** The finding appeared during the patient's treatment (acquired / emerging-variant change): its name for text. */
  emerged?: { name: string; under: string[] };
  /**
   * The basis is ERBB2 amplification by NGS alone (rule 9): options resting only on it are pending ISH; options for
   * HER2-negative disease get `reciprocal` as a warning.
   */
  ngsOnly?: { pending: string; reciprocal: string };
}

export interface TherapyResult {
  options: TherapyOption[];
  resistance: ResistanceWarning[];
  contrary: ContraryEvidence[];
  excluded: ExcludedOption[];
  hiddenPreclinical: number;
  /** Rule 8: warnings for the change a basis comes from, by basis key. */
  changeWarnings: Array<{ basisKey: string; text: string }>;
}

interface Candidate {
  basis: Basis;
  entry: KbEntry;
  therapy: Therapy;
  level: EvidenceLevel;
  fit: Fit;
  placed: boolean;
  notes: string[];
  drugs: string[];
  /** The item needs an HR status (its own context, or HR-positive for an endocrine regimen). */
  needsHr: boolean;
  /** The item needs an HR status and the patient's is unknown or not evaluable now (rule 9; state.ts HrOutdated). */
  hrUnknown: boolean;
  /** A D/E resistance item kept only because it concerns an ongoing drug (rule 7): listed, never warns an option. */
  statementOnly?: boolean;
}

const generic = (e: KbEntry) => e.alteration.kind === 'range' || e.alteration.kind === 'consequence';
const unreviewedCivic = (e: KbEntry) => e.origin === 'civic' && !e.review;

function sourceTag(e: KbEntry): string {
  if (e.origin === 'civic') return `CIViC ${e.sourceDate ?? 'date unknown'}`;
  return e.sourceDate ? `checked ${e.sourceDate}` : 'curated';
}

function short(s: string): string {
  return s.length > 240 ? `${s.slice(0, 237)}...` : s;
}

export function therapyOptionsFor(bases: Basis[], state: ClinicalState, drugs: DrugOntology, includePreclinical: boolean): TherapyResult {
  const candidates: Candidate[] = [];
  const resistanceItems: Array<Candidate & { classLevel: Set<string>; drugLevel: Set<string> }> = [];
  const contrary: ContraryEvidence[] = [];
  const excluded: ExcludedOption[] = [];
  let hiddenPreclinical = 0;
  // Drug sets of excluded items (rule 10), by the excluded entry's index.
  const excludedDrugs: Array<string[] | null> = [];
  const exclude = (name: string, level: EvidenceLevel, reason: string, basis: readonly string[], item?: string, drugSet?: readonly string[]) => {
    const same = excluded.find((x) => x.therapy === name && x.reason === reason);
    if (same) same.basis = union(same.basis, basis);
    else {
      excluded.push({ therapy: name, level, reason, basis: [...basis], ...(item ? { items: [item] } : {}) });
      excludedDrugs.push(drugSet ? [...drugSet] : null);
    }
  };
  /**
   * The patient's ongoing drugs a therapy's drug names hit (by drug or by class). With `specific`, a broad class
   * (one with subclasses, e.g. "hormone therapy") does not count: a preclinical class-wide statement is no
   * statement about the patient's current drug, and would read as one against endocrine options of the same class.
   */
  const ongoingHits = (names: readonly string[], specific = false): string[] => {
    const out: string[] = [];
    for (const n of names) {
      const cls = drugs.classOf(n);
      if (cls && specific && drugs.hasSubclasses(cls)) continue;
      for (const d of state.ongoingDrugs.keys()) {
        if ((cls ? drugs.classesOf(d).has(cls) : drugs.canonical(n) === d) && !out.includes(d)) out.push(d);
      }
    }
    return out;
  };

  for (const basis of bases) {
    for (const entry of basis.entries) {
      for (const therapy of entry.therapies) {
        let statementOnly = false;
        if (PRECLINICAL.has(therapy.level) && !includePreclinical) {
          // Rule 7: resistance about a drug the patient is on now is listed whatever its level.
          if (therapy.direction !== 'resistance' || ongoingHits(therapy.drugs, true).length === 0) {
            hiddenPreclinical++;
            continue;
          }
          statementOnly = true;
        }
        const canon = therapy.drugs.map((d) => drugs.canonical(d));
        // Rule 2: one judgement of the item (state.ts judgeEntry), the same a finding's evidence list shows.
        const j = judgeEntry(entry, therapy.drugs, state, basis.her2Status, drugs);
        const fit = j.fit;
        const notes = [...j.notes];
        let level = therapy.level;
        if (unreviewedCivic(entry) && level === 'A') {
          level = 'B';
          notes.push('level A withheld (shown as B) until reviewed');
        }
        const c: Candidate = { basis, entry, therapy, level, fit, placed: j.placed, notes, drugs: canon, needsHr: j.want.hr !== undefined, hrUnknown: j.hrUnknown, ...(statementOnly ? { statementOnly } : {}) };
        if (therapy.direction === 'no-benefit') {
          contrary.push({ therapy: therapy.name, drugs: canon, level, reason: `${basis.label}: ${short(entry.summary)} (${entry.id}, level ${level}; ${sourceTag(entry)})`, citations: entry.citations, basis: [...basis.ids] });
          continue;
        }
        if (therapy.direction === 'resistance') {
          if (fit === 'does-not-fit') continue;
          const classLevel = new Set<string>();
          const drugLevel = new Set<string>();
          for (const d of therapy.drugs) {
            const cls = drugs.classOf(d);
            if (cls) classLevel.add(cls);
            else drugLevel.add(drugs.canonical(d));
          }
          resistanceItems.push({ ...c, classLevel, drugLevel });
          continue;
        }
        const classNames = therapy.drugs.filter((d) => drugs.classOf(d) !== null);
        if (classNames.length) {
          exclude(therapy.name, level, `${basis.label}: ${entry.id} names a drug class (${classNames.join(', ')}), not a regimen: class-level evidence only`, basis.ids, entry.id);
          continue;
        }
        if (canon.some((d) => drugs.classesOf(d).has('parp-inhibitor')) && !basis.germline) {
          exclude(therapy.name, level, `${basis.label}: PARP inhibitors need a germline pathogenic BRCA1/2 variant (OlympiAD/EMBRACA; olaparib, talazoparib labels); this finding is not germline-confirmed`, basis.ids, entry.id, canon);
          continue;
        }
        if (entry.context.germline && !basis.germline) {
          exclude(therapy.name, level, `${basis.label}: ${entry.id} needs a germline alteration`, basis.ids, entry.id, canon);
          continue;
        }
        if (fit === 'does-not-fit') {
          exclude(therapy.name, level, `${basis.label}: ${entry.id}: ${notes.join('; ')}`, basis.ids, entry.id, canon);
          continue;
        }
        // her2scope design rule (no external source): a regimen whose every drug the disease already progressed on in the metastatic setting is not an option
        // again (treatment `response: progression`); continuing one drug with a new partner stays possible.
        if (canon.every((d) => state.progressedDrugs.has(d))) {
          exclude(therapy.name, level, `${basis.label}: the disease progressed on ${canon.join(' + ')} in the metastatic setting`, basis.ids, entry.id, canon);
          continue;
        }
        candidates.push(c);
      }
    }
  }

  const hits = (r: (typeof resistanceItems)[number], drug: string): 'drug' | 'class' | null => {
    if (r.drugLevel.has(drug)) return 'drug';
    const cs = drugs.classesOf(drug);
    for (const c of r.classLevel) if (cs.has(c as never)) return 'class';
    return null;
  };

  /** Every drug and class of a combination resistance item is in the regimen. */
  const combinationIn = (r: (typeof resistanceItems)[number], regimen: readonly string[]): boolean =>
    [...r.drugLevel].every((d) => regimen.includes(d)) && [...r.classLevel].every((c) => regimen.some((d) => drugs.classesOf(d).has(c as never)));

  // Rule 4a: a resistance item on a finding removes generic sensitivity of the same finding for the same drug.
  const kept = candidates.filter((c) => {
    if (!generic(c.entry)) return true;
    const r = resistanceItems.find((r) => !r.statementOnly && r.basis.key === c.basis.key && c.drugs.some((d) => hits(r, d)));
    if (!r) return true;
    exclude(c.therapy.name, c.level, `${c.basis.label}: resistance wins over this finding's generic sensitivity item ${c.entry.id}: ${r.entry.id} (level ${r.level}) reports resistance to ${r.therapy.name}`, c.basis.ids, c.entry.id, c.drugs);
    return false;
  });

  // One option per regimen.
  const options = new Map<string, { o: TherapyOption; cands: Candidate[] }>();
  for (const c of kept) {
    const key = [...new Set(c.drugs)].sort().join(' + ');
    let slot = options.get(key);
    if (!slot) {
      slot = { o: { id: '', therapy: '', drugs: [], level: c.level, reasons: [], citations: [], warnings: [], setting: null, context: 'unknown', support: [], basis: [], warningDetails: [] }, cands: [] };
      options.set(key, slot);
    }
    slot.cands.push(c);
  }

  const ngsBasis = bases.find((b) => b.ngsOnly);
  const ranked: Array<{ o: TherapyOption; tier: number; placement: number; warned: number; labelled: number; phase: number }> = [];
  for (const { o, cands } of options.values()) {
    const details: Array<{ kind: WarningKind; text: string }> = [];
    const warn = (kind: WarningKind, text: string) => {
      if (!o.warnings.includes(text)) {
        o.warnings.push(text);
        details.push({ kind, text });
      }
    };
    cands.sort((a, b) => Number(b.entry.origin === 'curated') - Number(a.entry.origin === 'curated') || fitRank(a) - fitRank(b) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.entry.id.localeCompare(b.entry.id));
    const lead = cands[0] ?? missingValue('cands[0]');
    const fixed = lead.entry.origin === 'curated' ? [...new Set(lead.drugs)] : [...new Set(lead.drugs)].sort((a, b) => drugs.orderKey(a) - drugs.orderKey(b) || a.localeCompare(b));
    o.drugs = fixed;
    // A curated item names its regimen as the label / trial gives it, sequence included ("trastuzumab deruxtecan,
    // then taxane + trastuzumab + pertuzumab"), never rewritten as concurrent drugs (review-14 P9).
    o.therapy = lead.entry.origin === 'curated' ? lead.therapy.name : fixed.join(' + ');
    o.id = optionId(fixed);
    // The basis: every finding / result whose items support this regimen, in the order of the bases.
    o.basis = union([], ...bases.filter((b) => cands.some((c) => c.basis === b)).map((b) => b.ids));
    const best = [...cands].sort((a, b) => fitRank(a) - fitRank(b) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level])[0] ?? missingValue('the best candidate');
    o.level = cands.reduce<EvidenceLevel>((l, c) => (LEVEL_ORDER[c.level] < LEVEL_ORDER[l] ? c.level : l), 'E');
    o.context = cands.some((c) => c.fit === 'fits') ? 'fits' : 'unknown';
    o.setting = settingText(best.entry.context);
    const support: TherapySupport[] = [];
    for (const c of cands) {
      if (support.some((s) => s.id === c.entry.id)) continue;
      support.push({ id: c.entry.id, level: c.level, source: sourceTag(c.entry), setting: settingText(c.entry.context), citations: c.entry.citations });
      const caveat = c.notes.length ? ` [${c.notes.join('; ')}]` : '';
      const reason = `${c.basis.label}: ${short(c.entry.summary)} (${c.entry.id}, level ${c.level}; ${sourceTag(c.entry)})${c.basis.note ? ` ${c.basis.note}` : ''}${caveat}`;
      if (!o.reasons.includes(reason)) o.reasons.push(reason);
      for (const cit of regimenCitations(c.entry, c.drugs, drugs)) if (!o.citations.some((x) => x.type === cit.type && x.id === cit.id)) o.citations.push(cit);
      if (c.basis.warning) warn(c.basis.warningKind ?? 'her2-discordance', c.basis.warning);
    }
    o.support = support;
    // Rule 9: pending confirmation, and the reciprocal warning on HER2-negative options while NGS shows amplification.
    const confirmed = cands.filter((c) => !c.basis.ngsOnly);
    if (confirmed.length === 0) {
      o.pending = { kind: 'her2-ish', text: (cands[0]?.basis.ngsOnly ?? missingValue('ngsOnly')).pending };
    } else if (confirmed.every((c) => c.hrUnknown)) {
      const need = [...new Set(confirmed.map((c) => c.entry.context.hr ?? 'positive'))].join(' or ');
      o.pending = state.hr && state.hrOutdated?.pgrOnly
        ? { kind: 'hr-status', text: `this option needs HR-${need} disease; ${state.hrOutdated.text}` }
        : { kind: 'hr-status', text: `HR status unknown (no evaluable ER result): this option needs HR-${need} disease; test ER/PgR before it applies (ASCO/CAP 2020: ER IHC is the predictive assay for endocrine therapy)` };
    } else if (state.hrOutdated && confirmed.every((c) => c.needsHr)) {
      // state.ts HrOutdated (her2scope design rule): an option resting only on an HR status from an older sample says so.
      warn('hr-older-sample', state.hrOutdated.text);
    }
    if (ngsBasis?.ngsOnly && confirmed.some((c) => c.entry.context.her2 === 'negative')) warn('her2-unresolved', ngsBasis.ngsOnly.reciprocal);
    // her2scope design rule (review s4 #5, c26): a regimen that continues a drug the disease progressed on in the
    // metastatic setting (with a new partner; the whole regimen is excluded above) says so, naming the treatment, so
    // the board checks the trial's eligibility (e.g. SOLAR-1 excluded prior fulvestrant; HER2CLIMB asked for prior
    // trastuzumab, so there the warning only confirms what the trial required).
    const progressedOn = state.metastaticTreatments.filter((t) => t.response === 'progression' && o.drugs.includes(drugs.canonical(t.drug)));
    if (progressedOn.length) warn('prior-progression', `Progressed on ${progressedOn.map((t) => `${drugs.canonical(t.drug)} (${t.line !== undefined ? `line ${t.line}, ` : ''}${t.start} to ${t.end ?? 'ongoing'})`).join(', ')} in the metastatic setting: this regimen continues it with a new partner; check the trial's and label's eligibility for prior ${[...new Set(progressedOn.map((t) => drugs.canonical(t.drug)))].join(', ')}`);
    // Resistance warnings (rule 4b).
    const ownEntries = new Set(cands.map((c) => c.entry.id));
    let contradicted = false;
    let severe = false;
    for (const r of resistanceItems) {
      if (ownEntries.has(r.entry.id) || r.statementOnly) continue;
      const shared = o.drugs.filter((d) => {
        const how = hits(r, d);
        if (!how) return false;
        if (how === 'class') {
          const better = cands.some((c) => c.basis.key === r.basis.key && c.drugs.includes(d) && LEVEL_ORDER[c.level] < LEVEL_ORDER[r.level]);
          if (better) return false;
        }
        return true;
      });
      if (!shared.length) continue;
      // A combination's resistance (e.g. "capecitabine + lapatinib") is about that combination: it never splits onto
      // a regimen that holds only some of its drugs (review-s3 #9).
      if (r.drugLevel.size + r.classLevel.size > 1 && !combinationIn(r, o.drugs)) continue;
      contradicted = true;
      // her2scope design rule (no external source; review-s3 #9). Severe - the option is excluded - when the
      // resistance evidence is level A (validated), or at least as strong as the option's and about a drug the patient
      // is on now (a statement that the current treatment fails), or the resistance finding was acquired and the
      // patient already had the drug (resistance that emerged under it, e.g. ERBB2 T798I on neratinib). Contrary
      // retrospective / trial evidence (level B-E) about a drug given before is a warning, not an exclusion: regimens
      // such as trastuzumab beyond progression with capecitabine (GBG 26) or lapatinib (EGF104900), or tucatinib +
      // trastuzumab + capecitabine (Tukysa label: "one or more prior anti-HER2-based regimens in the metastatic
      // setting") are given after prior trastuzumab by design.
      const current = LEVEL_ORDER[r.level] <= LEVEL_ORDER[o.level] && shared.some((d) => state.ongoingDrugs.has(d));
      if (r.level === 'A' || current || (r.basis.acquired === true && shared.some((d) => state.priorDrugs.has(d)))) severe = true;
      warn('resistance', `${shared.join(', ')}: ${r.basis.label}: resistance to ${r.therapy.name} (${r.entry.id}, level ${r.level}; ${sourceTag(r.entry)})`);
    }
    o.warningDetails = details;
    o.reasons.sort();
    const clean = !contradicted && o.warnings.length === 0;
    const fitting = cands.filter((c) => c.fit === 'fits');
    const placement = fitting.some((c) => c.placed && c.entry.context.line) ? 0 : fitting.some((c) => c.placed) ? 1 : 2;
    const guideline = fitting.some((c) => c.placed && c.entry.context.line && c.level === 'A');
    const labelled = fitting.some((c) => regimenCitations(c.entry, c.drugs, drugs).some((x) => x.type === 'label')) ? 0 : 1;
    const phase = Math.min(...(fitting.length ? fitting : cands).map((c) => (c.entry.context.phase ? PHASE_ORDER[c.entry.context.phase] : PHASE_ORDER_NONE)), PHASE_ORDER_NONE);
    if (severe) {
      // Rule 5 (3): no option that its own warning contradicts (README "Therapy interpretation").
      exclude(o.therapy, o.level, `contradicted by resistance evidence in this patient: ${o.warnings.join('; ')}`, o.basis);
      continue;
    }
    const tier = o.pending ? 3 : fitting.length === 0 ? 2 : guideline ? 0 : 1;
    ranked.push({ o, tier, placement, warned: clean ? 0 : 1, labelled, phase });
  }
  ranked.sort((a, b) => a.tier - b.tier || LEVEL_ORDER[a.o.level] - LEVEL_ORDER[b.o.level] || a.warned - b.warned || a.placement - b.placement || a.labelled - b.labelled || a.phase - b.phase || a.o.therapy.localeCompare(b.o.therapy));

  const changeWarnings: TherapyResult['changeWarnings'] = [];
  const resistance: ResistanceWarning[] = resistanceItems.map((r) => {
    const ongoing = ongoingHits(r.therapy.drugs);
    const since = (ds: string[]) => ds.map((d) => `${d} (ongoing since ${state.ongoingDrugs.get(d) ?? '?'})`).join(', ');
    // Rule 8 needs the ongoing drug to have been given when the finding appeared.
    const emergedOn = r.basis.emerged ? ongoing.filter((d) => r.basis.emerged?.under.some((u) => drugs.canonical(u) === d)) : [];
    const cites = resistanceCitations(r.entry, r.therapy.name);
    const tail = `${r.entry.id}, level ${r.level}; ${sourceTag(r.entry)}${cites.length ? `; ${cites.join(', ')}` : ''}`;
    let reason = `${r.basis.label}: resistance (${r.entry.id}, level ${r.level}; ${sourceTag(r.entry)})${r.notes.length ? ` [${r.notes.join('; ')}]` : ''}`;
    if (emergedOn.length && r.basis.emerged) {
      // Rule 8: emerged under the drug the patient is still on.
      reason = `${r.basis.emerged.name} emerged on ${since(emergedOn)}: resistance to ${r.therapy.name}, level ${r.level} (${tail})`;
      changeWarnings.push({ basisKey: r.basis.key, text: reason });
    } else if (ongoing.length) {
      reason = `${r.basis.label}: resistance to ${r.therapy.name}, which the patient is on now: ${since(ongoing)}; level ${r.level} (${tail})`;
    }
    // The statement cites what speaks of the resisted therapy when the entry says (not the labels of its other regimens).
    const citations = cites.length ? r.entry.citations.filter((c) => cites.includes(c.id)) : r.entry.citations;
    return { therapy: r.therapy.name, drugs: r.drugs, level: r.level, reason, citations, basis: [...r.basis.ids], ...(ongoing.length ? { ongoing } : {}) };
  });
  const byKey = new Map<string, ResistanceWarning>();
  for (const w of resistance) {
    const same = byKey.get(`${w.therapy}\0${w.reason}`);
    if (same) same.basis = union(same.basis, w.basis);
    else byKey.set(`${w.therapy}\0${w.reason}`, w);
  }
  const uniqueResistance = [...byKey.values()];
  // Resistance about the current treatment first, then by level.
  uniqueResistance.sort((a, b) => Number(b.ongoing !== undefined) - Number(a.ongoing !== undefined) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.therapy.localeCompare(b.therapy) || a.reason.localeCompare(b.reason));
  contrary.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.therapy.localeCompare(b.therapy));
  // Rule 10: an excluded item whose regimen is an option through another item names that option.
  const optionBySet = new Map(ranked.map((r) => [[...new Set(r.o.drugs)].sort().join(' + '), r.o.id]));
  excluded.forEach((x, i) => {
    const set = excludedDrugs[i];
    const id = set ? optionBySet.get([...new Set(set)].sort().join(' + ')) : undefined;
    if (id) x.optionId = id;
  });
  excluded.sort((a, b) => a.therapy.localeCompare(b.therapy) || a.reason.localeCompare(b.reason));
  return { options: ranked.map((r) => r.o), resistance: uniqueResistance, contrary, excluded, hiddenPreclinical, changeWarnings };
}

/** Ids of an entry's citations that speak of the resisted therapy (its name in the text), else none. */
function resistanceCitations(entry: KbEntry, therapyName: string): string[] {
  const name = therapyName.toLowerCase();
  return entry.citations.filter((c) => c.text.toLowerCase().includes(name)).map((c) => c.id);
}

/** The ids of `a` followed by those of each further list not yet in it. */
function union(a: readonly string[], ...more: ReadonlyArray<readonly string[]>): string[] {
  const out = [...a];
  for (const list of more) for (const id of list) if (!out.includes(id)) out.push(id);
  return out;
}

/** Early-disease phases in the order of the treatment course (rule 5: the early-setting tie-breaker). */
const PHASE_ORDER: Record<EarlyPhase, number> = { neoadjuvant: 0, 'post-neoadjuvant': 1, adjuvant: 2, 'extended-adjuvant': 3 };
const PHASE_ORDER_NONE = 4;

const fitRank = (c: { fit: Fit; placed: boolean }) => (c.fit === 'fits' ? (c.placed ? 0 : 1) : 2);

/**
 * The citations of an entry that belong to one of its regimens: an entry that lists several regimens (e.g.
 * elacestrant, imlunestrant, vepdegestrant for one ESR1 mutation) cites each one's label; a citation that names a
 * drug of another of the entry's regimens and none of this one is left out. The curated review of a CIViC item is
 * cited with it.
 */
export function regimenCitations(entry: KbEntry, regimen: readonly string[], drugs: DrugOntology): Citation[] {
  const mine = new Set(regimen.map((d) => drugs.canonical(d)));
  const others = new Set(entry.therapies.flatMap((t) => t.drugs.map((d) => drugs.canonical(d))).filter((d) => !mine.has(d)));
  const mentions = (c: Citation, d: string) => {
    const text = `${c.id} ${c.text}`.toLowerCase();
    return drugs.namesOf(d).some((n) => n.length >= 4 && new RegExp(`(^|[^a-z0-9])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9]|$)`).test(text));
  };
  // Another therapy of the entry named as a whole (e.g. "aromatase inhibitor" resistance: PADA-1, SERENA-6).
  const otherNames = entry.therapies.filter((t) => !t.drugs.every((d) => mine.has(drugs.canonical(d)))).map((t) => t.name.toLowerCase());
  const all = [...entry.citations, ...(entry.review?.citations ?? [])];
  return all.filter((c) => [...mine].some((d) => mentions(c, d)) || (![...others].some((d) => mentions(c, d)) && !otherNames.some((n) => c.text.toLowerCase().includes(n))));
}

export type { Citation };
