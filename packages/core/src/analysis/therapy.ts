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
 *    context fits; (2) context unknown. An option contradicted by severe resistance - resistance evidence at least
 *    as strong as the option's own level, or against a drug the patient has already received (e.g. ERBB2 T798I
 *    after neratinib) - is not an option: it is listed in `excludedOptions` with the warning. A regimen whose every
 *    drug the disease progressed on in the metastatic setting is excluded too. Within a tier: level, then clean before warned (an option with any warning - weaker
 *    resistance, HER2 discordance - is never ranked as if clean), then placement (line stated > setting stated >
 *    neither), then the name (never the number of items, which rewards drugs that CIViC happens to list often). One option per regimen: drug names
 *    are canonical (drugs.ts) and the combination order is fixed.
 * 6. A sensitivity item that names a drug class ("mtor inhibitor") names no regimen: listed as excluded, never an
 *    option.
 * 7. Levels D and E (preclinical, inferential) are hidden unless `includePreclinical`; hidden items are counted.
 */
import type { Citation, EvidenceLevel, KbEntry, Therapy } from '../kb/schema.ts';
import type { DrugOntology } from './drugs.ts';
import { judgeContext, settingText, type ClinicalState, type Fit } from './state.ts';
import { optionId } from './schema.ts';
import type { ContraryEvidence, ExcludedOption, ResistanceWarning, TherapyOption, TherapySupport } from './types.ts';
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
}

export interface TherapyResult {
  options: TherapyOption[];
  resistance: ResistanceWarning[];
  contrary: ContraryEvidence[];
  excluded: ExcludedOption[];
  hiddenPreclinical: number;
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
  const exclude = (name: string, level: EvidenceLevel, reason: string, basis: readonly string[]) => {
    const same = excluded.find((x) => x.therapy === name && x.reason === reason);
    if (same) same.basis = union(same.basis, basis);
    else excluded.push({ therapy: name, level, reason, basis: [...basis] });
  };

  for (const basis of bases) {
    for (const entry of basis.entries) {
      for (const therapy of entry.therapies) {
        if (PRECLINICAL.has(therapy.level) && !includePreclinical) {
          hiddenPreclinical++;
          continue;
        }
        const canon = therapy.drugs.map((d) => drugs.canonical(d));
        const endocrine = canon.some((d) => drugs.classesOf(d).has('endocrine-therapy') || drugs.classOf(d) !== null && isEndocrineClass(drugs, d));
        const want = endocrine && !entry.context.hr ? { ...entry.context, hr: 'positive' as const } : entry.context;
        const j = judgeContext(want, state, basis.her2Status, drugs);
        let fit = j.fit;
        const notes = [...j.notes];
        let level = therapy.level;
        if (unreviewedCivic(entry)) {
          if (fit === 'fits') fit = 'unknown';
          notes.push('context unknown: CIViC item without curated review of setting, line and prior therapy');
          if (level === 'A') {
            level = 'B';
            notes.push('level A withheld (shown as B) until reviewed');
          }
        }
        const c: Candidate = { basis, entry, therapy, level, fit, placed: j.placed, notes, drugs: canon };
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
          exclude(therapy.name, level, `${basis.label}: ${entry.id} names a drug class (${classNames.join(', ')}), not a regimen: class-level evidence only`, basis.ids);
          continue;
        }
        if (canon.some((d) => drugs.classesOf(d).has('parp-inhibitor')) && !basis.germline) {
          exclude(therapy.name, level, `${basis.label}: PARP inhibitors need a germline pathogenic BRCA1/2 variant (OlympiAD/EMBRACA; olaparib, talazoparib labels); this finding is not germline-confirmed`, basis.ids);
          continue;
        }
        if (entry.context.germline && !basis.germline) {
          exclude(therapy.name, level, `${basis.label}: ${entry.id} needs a germline alteration`, basis.ids);
          continue;
        }
        if (fit === 'does-not-fit') {
          exclude(therapy.name, level, `${basis.label}: ${entry.id}: ${notes.join('; ')}`, basis.ids);
          continue;
        }
        // A regimen whose every drug the disease already progressed on in the metastatic setting is not an option
        // again (treatment `response: progression`); continuing one drug with a new partner stays possible.
        if (canon.every((d) => state.progressedDrugs.has(d))) {
          exclude(therapy.name, level, `${basis.label}: the disease progressed on ${canon.join(' + ')} in the metastatic setting`, basis.ids);
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

  // Rule 4a: a resistance item on a finding removes generic sensitivity of the same finding for the same drug.
  const kept = candidates.filter((c) => {
    if (!generic(c.entry)) return true;
    const r = resistanceItems.find((r) => r.basis.key === c.basis.key && c.drugs.some((d) => hits(r, d)));
    if (!r) return true;
    exclude(c.therapy.name, c.level, `${c.basis.label}: resistance wins over this finding's generic sensitivity item ${c.entry.id}: ${r.entry.id} (level ${r.level}) reports resistance to ${r.therapy.name}`, c.basis.ids);
    return false;
  });

  // One option per regimen.
  const options = new Map<string, { o: TherapyOption; cands: Candidate[] }>();
  for (const c of kept) {
    const key = [...new Set(c.drugs)].sort().join(' + ');
    let slot = options.get(key);
    if (!slot) {
      slot = { o: { id: '', therapy: '', drugs: [], level: c.level, reasons: [], citations: [], warnings: [], setting: null, context: 'unknown', support: [], basis: [] }, cands: [] };
      options.set(key, slot);
    }
    slot.cands.push(c);
  }

  const ranked: Array<{ o: TherapyOption; tier: number; placement: number; warned: number }> = [];
  for (const { o, cands } of options.values()) {
    cands.sort((a, b) => Number(b.entry.origin === 'curated') - Number(a.entry.origin === 'curated') || fitRank(a) - fitRank(b) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.entry.id.localeCompare(b.entry.id));
    const lead = cands[0] ?? missingValue('cands[0]');
    const fixed = lead.entry.origin === 'curated' ? [...new Set(lead.drugs)] : [...new Set(lead.drugs)].sort((a, b) => drugs.orderKey(a) - drugs.orderKey(b) || a.localeCompare(b));
    o.drugs = fixed;
    o.therapy = fixed.join(' + ');
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
      if (c.basis.warning && !o.warnings.includes(c.basis.warning)) o.warnings.push(c.basis.warning);
    }
    o.support = support;
    // Resistance warnings (rule 4b).
    const ownEntries = new Set(cands.map((c) => c.entry.id));
    let contradicted = false;
    let severe = false;
    for (const r of resistanceItems) {
      if (ownEntries.has(r.entry.id)) continue;
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
      contradicted = true;
      // Severe: the resistance evidence is at least as strong as the option's, or the resistance finding was acquired
      // and the patient already had the drug (resistance that emerged under it, e.g. ERBB2 T798I on neratinib). A drug
      // given before does not by itself make weaker evidence from a finding present from the start severe: regimens
      // such as tucatinib + trastuzumab + capecitabine are indicated after prior anti-HER2 therapy (Tukysa label: "one
      // or more prior anti-HER2-based regimens in the metastatic setting").
      if (LEVEL_ORDER[r.level] <= LEVEL_ORDER[o.level] || (r.basis.acquired === true && shared.some((d) => state.priorDrugs.has(d)))) severe = true;
      const w = `${shared.join(', ')}: ${r.basis.label}: resistance to ${r.therapy.name} (${r.entry.id}, level ${r.level}; ${sourceTag(r.entry)})`;
      if (!o.warnings.includes(w)) o.warnings.push(w);
    }
    o.reasons.sort();
    const clean = !contradicted && o.warnings.length === 0;
    const fitting = cands.filter((c) => c.fit === 'fits');
    const placement = fitting.some((c) => c.placed && c.entry.context.line) ? 0 : fitting.some((c) => c.placed) ? 1 : 2;
    const guideline = fitting.some((c) => c.placed && c.entry.context.line && c.level === 'A');
    if (severe) {
      // Rule 5 (3): no option that its own warning contradicts (README "Therapy interpretation").
      exclude(o.therapy, o.level, `contradicted by resistance evidence in this patient: ${o.warnings.join('; ')}`, o.basis);
      continue;
    }
    const tier = fitting.length === 0 ? 2 : guideline ? 0 : 1;
    ranked.push({ o, tier, placement, warned: clean ? 0 : 1 });
  }
  ranked.sort((a, b) => a.tier - b.tier || LEVEL_ORDER[a.o.level] - LEVEL_ORDER[b.o.level] || a.warned - b.warned || a.placement - b.placement || a.o.therapy.localeCompare(b.o.therapy));

  const resistance: ResistanceWarning[] = resistanceItems.map((r) => ({
    therapy: r.therapy.name,
    drugs: r.drugs,
    level: r.level,
    reason: `${r.basis.label}: resistance (${r.entry.id}, level ${r.level}; ${sourceTag(r.entry)})${r.notes.length ? ` [${r.notes.join('; ')}]` : ''}`,
    citations: r.entry.citations,
    basis: [...r.basis.ids],
  }));
  const byKey = new Map<string, ResistanceWarning>();
  for (const w of resistance) {
    const same = byKey.get(`${w.therapy}\0${w.reason}`);
    if (same) same.basis = union(same.basis, w.basis);
    else byKey.set(`${w.therapy}\0${w.reason}`, w);
  }
  const uniqueResistance = [...byKey.values()];
  uniqueResistance.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.therapy.localeCompare(b.therapy) || a.reason.localeCompare(b.reason));
  contrary.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.therapy.localeCompare(b.therapy));
  excluded.sort((a, b) => a.therapy.localeCompare(b.therapy) || a.reason.localeCompare(b.reason));
  return { options: ranked.map((r) => r.o), resistance: uniqueResistance, contrary, excluded, hiddenPreclinical };
}

/** The ids of `a` followed by those of each further list not yet in it. */
function union(a: readonly string[], ...more: ReadonlyArray<readonly string[]>): string[] {
  const out = [...a];
  for (const list of more) for (const id of list) if (!out.includes(id)) out.push(id);
  return out;
}

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
  const all = [...entry.citations, ...(entry.review?.citations ?? [])];
  return all.filter((c) => [...mine].some((d) => mentions(c, d)) || ![...others].some((d) => mentions(c, d)));
}

function isEndocrineClass(drugs: DrugOntology, name: string): boolean {
  const c = drugs.classOf(name);
  return c === 'endocrine-therapy' || c === 'aromatase-inhibitor' || c === 'serm' || c === 'serd' || c === 'oral-serd' || c === 'protac-er-degrader';
}

export type { Citation };
