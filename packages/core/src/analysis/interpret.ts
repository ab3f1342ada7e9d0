/**
 * Longitudinal interpretation of one patient's serial samples: classification per sample, findings with their
 * origin (germline / pre-existing / acquired / ...) and oncogenicity, receptor conversions like with like, treatment
 * exposure before each change, the patient's clinical state now, and therapy options judged against that state
 * (therapy.ts). Pure and deterministic: all data and the KB come in as arguments.
 */
import { classifyPathology } from '../classification/index.ts';
import { InputError, missingValue } from '../errors.ts';
import type { ClassificationResult, Her2Category } from '../classification/types.ts';
import { PLASMA_SITE, type CaseSample, type Treatment } from '../case/schema.ts';
import { kbGenes, variantEntries } from '../kb/match.ts';
import type { KbEntry, KnowledgeBase } from '../kb/schema.ts';
import type { VariantCall } from '../variants/types.ts';
import { minDate, wholeMonths } from './dates.ts';
import { drugOntology, type DrugOntology } from './drugs.ts';
import { coverageOf, DEFAULT_MIN_ALT_READS, DEFAULT_MIN_DEPTH, genomicKey, originOf, sameVariant, type CoverageOptions, type OriginCall } from './origin.ts';
import { clinicalState, judgeEntry, settingText, type ClinicalState } from './state.ts';
import { therapyOptionsFor, type Basis } from './therapy.ts';
import { copyNumberResultId, cytometryResultId, findingId, her2ResultId } from './schema.ts';
import type { AnalysisResult, CaseData, Change, EvidenceRef, Finding, SampleAnalysis, SampleData, TreatmentExposure } from './types.ts';
import { assessBulkHer2 } from '../cytometry/analysis.ts';
import type { CytometryResult } from '../cytometry/types.ts';
import { classifyVariant, isGermline, isOncogenic } from './variant-class.ts';
import { cnChanges, ctdnaSummary, isChGeneVariant, originWithReads, plasmaOrigins, readEvidenceFor, sampleCopyNumber, type SampleCopyNumber } from './longitudinal.ts';

import { RESEARCH_USE_NOTICE } from '../notice.ts';
import { formatPercent } from '../reads/index.ts';

const TYPE_RANK: Record<CaseSample['type'], number> = { primary: 0, recurrence: 1, metastasis: 2, plasma: 3 };

/** Collection order: date, then primary < recurrence < metastasis, then id. Never file order. */
export function orderSamples<T extends { sample: CaseSample }>(samples: readonly T[]): T[] {
  return [...samples].sort(
    (a, b) =>
      a.sample.collected.localeCompare(b.sample.collected) ||
      TYPE_RANK[a.sample.type] - TYPE_RANK[b.sample.type] ||
      a.sample.id.localeCompare(b.sample.id),
  );
}

/**
 * An entry as a finding's / sample's evidence, its context judged by the same judgement as the therapy options
 * (state.ts judgeEntry: endocrine regimens need HR-positive disease; unreviewed CIViC is "unknown"), on all of the
 * entry's regimens and on `her2Status`, the HER2 status the entry's basis is judged on (therapy.ts rule 1).
 */
export function evidenceRef(entry: KbEntry, state: ClinicalState, drugs: DrugOntology, her2Status: 'positive' | 'negative' | null = state.her2?.status ?? null): EvidenceRef {
  const context = judgeEntry(entry, entry.therapies.flatMap((t) => t.drugs), state, her2Status, drugs).fit;
  return {
    id: entry.id,
    alteration: entry.alteration.label,
    alterationKind: entry.alteration.kind,
    effect: entry.effect,
    summary: entry.summary,
    therapies: entry.therapies,
    citations: entry.citations,
    context,
    setting: settingText(entry.context),
    sourceDate: entry.sourceDate ?? null,
  };
}

export function variantLabel(v: VariantCall): string {
  return v.hgvsp ?? `${v.chrom}:${v.pos} ${v.ref}>${v.alt}`;
}

/** Treatments given between the earlier and the later sample (started before the later one). */
export function exposuresBetween(treatments: readonly Treatment[], earlier: string | null, later: string): TreatmentExposure[] {
  return treatments
    .filter((t) => t.start < later && (earlier === null || (t.end ?? later) > earlier))
    .sort((a, b) => a.start.localeCompare(b.start) || a.drug.localeCompare(b.drug))
    .map((t) => ({ drug: t.drug, start: t.start, end: t.end ?? null, months: wholeMonths(t.start, minDate(t.end ?? later, later)) }));
}

/** A VAF for text: the project's percent formatter (0.2%, 1.5%, 23%; never 0.00). */
const vafText = formatPercent;

function describeSample(s: CaseSample): string {
  return `${s.id} (${s.type}, ${s.site ?? PLASMA_SITE}, ${s.collected})`;
}

function describeExposure(exposures: TreatmentExposure[]): string {
  if (exposures.length === 0) return '';
  return ` after ${exposures.map((e) => `${e.months} month${e.months === 1 ? '' : 's'} of ${e.drug}`).join(', ')}`;
}

export interface InterpretOptions {
  /** Minimum depth for an earlier sample to count as covering a position (default 50). */
  minDepth?: number;
  /** Alt reads a caller needs to report a variant, for detection power (default 3). */
  minAltReads?: number;
  /** Show level D/E (preclinical, inferential) evidence as options (default: hidden, counted). */
  includePreclinical?: boolean;
  /** Date of the analysis (YYYY-MM-DD), for the evidence-age banner; default: the latest sample's date. */
  asOf?: string;
}

/** Which KB items apply to a finding (see variant-class.ts and therapy.ts rule 3). */
function applicableEntries(kb: KnowledgeBase, drugs: DrugOntology, v: VariantCall, germline: boolean, oncogenic: boolean, polymorphism: boolean): KbEntry[] {
  if (polymorphism) return [];
  const parp = (e: KbEntry) => e.therapies.some((t) => t.drugs.some((d) => drugs.classesOf(d).has('parp-inhibitor')));
  return variantEntries(kb, v).filter((e) => {
    const specific = e.alteration.kind === 'protein';
    if (!specific && !oncogenic) return false;
    if (germline) return e.context.germline === true || parp(e);
    return true;
  });
}

function entriesForCategory(kb: KnowledgeBase, category: Her2Category): KbEntry[] {
  return kb.entries.filter((e) => e.alteration.kind === 'her2-category' && e.alteration.categories.includes(category));
}

export function interpretCase(data: CaseData, kb: KnowledgeBase, options: InterpretOptions = {}): AnalysisResult {
  const cov: CoverageOptions = { minDepth: options.minDepth ?? data.case.minDepth ?? DEFAULT_MIN_DEPTH, minAltReads: options.minAltReads ?? DEFAULT_MIN_ALT_READS };
  const treatments = data.case.treatments;
  const ordered = orderSamples(data.samples);
  const drugs = drugOntology(kb);
  const genes = kbGenes(kb);
  for (const g of kb.oncogenicity?.genes ?? []) genes.add(g.gene);
  for (const p of kb.oncogenicity?.polymorphisms ?? []) genes.add(p.gene);
  const changes: Change[] = [];

  const classifications = new Map<string, ClassificationResult | null>();
  for (const s of ordered) {
    try {
      classifications.set(s.sample.id, s.sample.pathology ? classifyPathology(s.sample.pathology) : null);
    } catch (e) {
      if (e instanceof InputError) throw e.under(`samples[${data.samples.indexOf(s)}].pathology`);
      throw e;
    }
  }
  const state = clinicalState(ordered, classifications, treatments, data.case.patient.setting, drugs);

  // Variants first seen as acquired: a later sample carrying the same variant is judged against the same absence
  // (acquired since that earlier sample), not "pre-existing" because an intervening sample carried it.
  const acquiredFirst: Array<{ v: VariantCall; seenIn: CaseSample; origin: OriginCall & { readText: string | null } }> = [];
  // The plasma origin of each variant, decided once over all draws: the findings and the ctDNA summary use it.
  const plasmaOrigin = plasmaOrigins(ordered);
  // The finding id of each call (the changes name the finding they are about).
  const findingIds = new Map<VariantCall, string>();
  const samples: SampleAnalysis[] = ordered.map((s) => {
    const classification = classifications.get(s.sample.id) ?? null;
    const earlier = ordered.filter((o) => o.sample.collected < s.sample.collected);
    const findings: Finding[] = [];
    const ids = new Set<string>();
    let otherVariants = 0;
    const plasmaSample = s.sample.type === 'plasma';
    for (const v of s.variants ?? []) {
      // plasma: clonal-haematopoiesis genes are shown (flagged) even without KB entries
      if (!genes.has(v.gene) && !(plasmaSample && isChGeneVariant(v))) {
        otherVariants++;
        continue;
      }
      // plasma vs white cells: the VCF's normal is the white-cell sample, so normal reads mean CHIP or germline
      // (longitudinal.ts plasmaOrigins: one origin per variant over all draws), not germline by the tissue rule
      const plasma = plasmaSample ? plasmaOrigin.of(v, s) : null;
      const germ = plasma ? { germline: plasma.origin === 'germline', reason: plasma.text } : isGermline(v);
      const cls = classifyVariant(kb, v);
      const readEvidence = readEvidenceFor(v, s, ordered);
      const own = germ.germline || plasma?.origin === 'chip' ? null : originWithReads(originOf(v, s, earlier, cov), readEvidence, ordered);
      // found in an earlier sample in which it was itself acquired: acquired since the same absence, said so
      const first = own?.origin === 'pre-existing' ? (acquiredFirst.find((a) => sameVariant(a.v, v) && a.seenIn.collected < s.sample.collected) ?? null) : null;
      if (own?.origin === 'acquired') acquiredFirst.push({ v, seenIn: s.sample, origin: own });
      const origin = germ.germline
        ? { origin: 'germline' as const, sample: null, reason: germ.reason, readText: null }
        : own === null
          ? { origin: 'clonal-haematopoiesis' as const, sample: null, reason: plasma?.text ?? '', readText: null }
          : first
            ? { origin: 'acquired' as const, sample: first.origin.sample, reason: `first seen in ${first.seenIn.id} (${first.seenIn.collected}); ${first.origin.reason}`, readText: first.origin.readText }
            : own;
      const polymorphism = cls.oncogenicity === 'polymorphism';
      // CHIP and possible CHIP calls from plasma never support a therapy option. A germline call (plasma against
      // white cells, or tissue against its normal) keeps only the items for germline alterations and PARP
      // inhibitors (applicableEntries; therapy.ts rule 3): germline BRCA1/2 is the PARP-inhibitor biomarker, a
      // germline PIK3CA or ERBB2 polymorphism supports nothing.
      const notTumour = plasma !== null && (plasma.origin === 'chip' || plasma.origin === 'possible-chip');
      const entries = notTumour ? [] : applicableEntries(kb, drugs, v, germ.germline, isOncogenic(cls.oncogenicity), polymorphism);
      let id = findingId(s.sample.id, v);
      for (let n = 2; ids.has(id); n++) id = `${findingId(s.sample.id, v)}#${n}`;
      ids.add(id);
      findingIds.set(v, id);
      findings.push({
        id,
        gene: v.gene,
        alteration: variantLabel(v),
        hgvsc: v.hgvsc,
        consequence: v.consequence,
        chrom: v.chrom,
        pos: v.pos,
        ref: v.ref,
        alt: v.alt,
        origin: origin.origin,
        originSample: origin.sample?.sample.id ?? null,
        originReason: origin.reason,
        vaf: v.vaf,
        depth: v.depth,
        oncogenicity: cls.oncogenicity,
        oncogenicityReason: cls.reason,
        vus: cls.oncogenicity === 'vus' && !entries.some((e) => e.alteration.kind === 'protein'),
        populationAf: v.populationAf ?? null,
        evidence: entries.map((e) => evidenceRef(e, state, drugs)),
        readEvidence,
        plasma,
      });
      // one acquired-variant change per variant: at the sample it was first seen in
      if (origin.origin === 'acquired' && origin.sample && first === null) {
        const from = origin.sample.sample;
        const exposures = exposuresBetween(treatments, from.collected, s.sample.collected);
        changes.push({
          kind: 'acquired-variant',
          detail: `${v.gene} ${variantLabel(v)} acquired: absent from ${describeSample(from)}, found in ${describeSample(s.sample)}${v.vaf !== null ? ` at VAF ${vafText(v.vaf)}` : ''}${describeExposure(exposures)}; ${origin.readText !== null ? `reads in ${from.id}: ${origin.readText}` : `detection power in ${from.id}: ${coverageOf(origin.sample, v, v.vaf, cov, s).reason}`}${plasma?.origin === 'possible-chip' ? `; ${plasma.text}` : ''}`,
          from: 'not detected',
          to: v.vaf !== null ? `VAF ${vafText(v.vaf)}` : 'detected',
          fromSample: from.id,
          toSample: s.sample.id,
          afterTreatments: exposures,
          findingId: id,
          gene: v.gene,
          alteration: variantLabel(v),
        });
      }
    }
    const cytometry = withBulkHer2(s.cytometry, classification);
    return {
      id: s.sample.id,
      type: s.sample.type,
      site: s.sample.site ?? PLASMA_SITE,
      collected: s.sample.collected,
      classification,
      sequenced: s.variants !== null,
      findings,
      otherVariants,
      // A sample's HER2-category items are judged on that sample's own HER2 status, as therapy.ts judges a history basis.
      statusEvidence: statusEvidence(kb, classification, cytometry?.hiddenHer2StemCells === true).map((e) => evidenceRef(e, state, drugs, e.alteration.kind === 'her2-category' ? (ownHer2(classification) ?? state.her2?.status ?? null) : (state.her2?.status ?? null))),
      cytometry,
      tumorFraction: s.sample.tumorFraction ?? null,
      copyNumber: sampleCopyNumber(s, classification),
    };
  });
  const ctdna = ctdnaSummary(ordered, treatments, (v) => genes.has(v.gene) || isChGeneVariant(v), variantLabel, plasmaOrigin);
  const findingIn = (sampleId: string, v: VariantCall): string | null => {
    const w = ordered.find((o) => o.sample.id === sampleId)?.variants?.find((x) => findingIds.has(x) && sameVariant(x, v));
    return w ? (findingIds.get(w) ?? null) : null;
  };
  for (const c of cnChanges(samples.map((s) => ({ id: s.id, collected: s.collected, copyNumber: s.copyNumber ?? null })))) {
    const from = ordered.find((o) => o.sample.id === c.fromSample);
    const to = ordered.find((o) => o.sample.id === c.toSample);
    const exposures = from && to ? exposuresBetween(treatments, from.sample.collected, to.sample.collected) : [];
    changes.push({ kind: 'cn-change', detail: `${c.detail}${describeExposure(exposures)}`, from: c.from, to: c.to, fromSample: c.fromSample, toSample: c.toSample, afterTreatments: exposures, findingId: null, gene: c.gene, alteration: null });
  }
  for (const e of ctdna?.emerging ?? []) {
    changes.push({ kind: 'emerging-variant', detail: e.detail, from: e.from, to: e.to, fromSample: e.fromSample, toSample: e.toSample, afterTreatments: exposuresBetween(treatments, null, e.firstDetected).filter((x) => e.during.includes(x.drug)), firstDetected: e.firstDetected, trend: e.trend, findingId: findingIn(e.toSample, e.variant), gene: e.gene, alteration: e.alteration });
  }

  changes.push(...lostVariants(ordered, genes, treatments, cov, findingIds));
  changes.push(...conversions(ordered, classifications, treatments));
  changes.sort((a, b) => orderIndex(ordered, a.toSample) - orderIndex(ordered, b.toSample) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.detail.localeCompare(b.detail));

  const latest = samples[samples.length - 1] ?? missingValue('samples[samples.length - 1]');
  const bases = basesFor(kb, samples, ordered, state, changes);
  const t = therapyOptionsFor(bases, state, drugs, options.includePreclinical === true);
  // therapy.ts rule 8: the change a finding appeared in carries the resistance it signals for an ongoing drug.
  for (const w of t.changeWarnings) {
    const basis = bases.find((b) => b.key === w.basisKey);
    for (const c of basis?.emerged ? changesOf(changes, basis.emerged.name) : []) c.warnings = [...new Set([...(c.warnings ?? []), w.text])];
  }
  return {
    patient: data.case.patient,
    samples,
    changes,
    therapyOptions: t.options,
    resistance: t.resistance,
    contraryEvidence: t.contrary,
    excludedOptions: t.excluded,
    hiddenPreclinical: t.hiddenPreclinical,
    context: {
      setting: state.setting,
      settingSource: state.settingSource,
      line: state.line,
      her2: state.her2,
      hr: state.hr,
      priorTherapyClasses: [...state.priorClasses].sort(),
    },
    kbNotices: kbNotices(kb, options.asOf ?? latest.collected),
    latestSample: latest.id,
    treatments,
    kbVersion: kb.version,
    notice: RESEARCH_USE_NOTICE,
    ctdna: ctdna?.summary ?? null,
  };
}

/**
 * The hidden HER2+ stem-cell flag judged against the sample's own bulk HER2 result, classified here once (the case
 * loader passes the cytometry populations without a bulk HER2 result; a pending result counts as equivocal).
 */
function withBulkHer2(c: CytometryResult | null, classification: ClassificationResult | null): CytometryResult | null {
  const her2 = classification?.her2;
  if (!c || !her2) return c;
  return assessBulkHer2(c, her2.category === 'pending' ? 'equivocal' : her2.category);
}

function ownHer2(c: ClassificationResult | null): 'positive' | 'negative' | null {
  const st = c?.her2?.status;
  return st === 'positive' || st === 'negative' ? st : null;
}

function statusEvidence(kb: KnowledgeBase, c: ClassificationResult | null, stemCells: boolean): KbEntry[] {
  const category = c?.her2?.category;
  return kb.entries.filter((e) => {
    if (e.alteration.kind === 'her2-category') return category !== undefined && e.alteration.categories.includes(category);
    if (e.alteration.kind === 'her2-stem-cells') return stemCells;
    return false;
  });
}

/** The acquired-variant / emerging-variant changes of one variant ("ESR1 p.D538G": gene and alteration). */
function changesOf(changes: readonly Change[], name: string): Change[] {
  return changes.filter((c) => (c.kind === 'acquired-variant' || c.kind === 'emerging-variant') && `${c.gene} ${c.alteration}` === name);
}

/**
 * The HER2 result itself needs review before HER2-directed therapy (therapy.ts basis warning, kind
 * `her2-classification`): the laboratory's reported ratio and the ratio computed from its mean signals straddle
 * the 2.0 cut-off (classification rule `her2.ish.reported-ratio-used`; ASCO/CAP 2018 Fig. 3).
 */
function her2ClassificationWarning(s: SampleAnalysis | undefined): string | undefined {
  const h = s?.classification?.her2;
  if (!s || !h || !h.rules.some((r) => r.id === 'her2.ish.reported-ratio-used')) return undefined;
  return `HER2 result to review (${s.id}, ${s.collected}): the reported HER2/CEP17 ratio ${h.ishRatioText ?? ''} and the ratio computed from the reported mean signals per cell fall on different sides of the 2.0 cut-off; the reported ratio was used (ASCO/CAP 2018, Fig. 3). Review the counts before HER2-directed therapy`;
}

/** The evidence bases of therapy.ts rule 1. */
function basesFor(kb: KnowledgeBase, samples: SampleAnalysis[], ordered: SampleData[], state: ClinicalState, changes: readonly Change[]): Basis[] {
  const latest = samples[samples.length - 1] ?? missingValue('samples[samples.length - 1]');
  const bases: Basis[] = [];
  const her2Now = state.her2?.status ?? null;
  const sequenced = [...samples].reverse().find((s) => s.sequenced);
  if (sequenced) {
    const note = sequenced.id === latest.id ? '' : ` [sequenced in ${sequenced.id}, ${sequenced.collected}; judged on today's receptor status]`;
    for (const f of sequenced.findings) {
      if (f.evidence.length === 0) continue;
      const entries = f.evidence.map((ev) => kb.entries.find((e) => e.id === ev.id) ?? missingValue('kb.entries.find((e) => e.id === ev.id)')).filter(Boolean);
      const vaf = f.vaf !== null ? `, VAF ${vafText(f.vaf)}` : '';
      const name = `${f.gene} ${f.alteration}`;
      // The drugs given before the change that shows the finding appearing (acquired / emerging in plasma).
      const under = [...new Set(changesOf(changes, name).flatMap((c) => c.afterTreatments.map((t) => t.drug)))];
      bases.push({ label: `${name} (${f.origin}${vaf})${note}`, key: `${f.chrom}:${f.pos}:${f.ref}:${f.alt}`, ids: [f.id], entries, her2Status: her2Now, germline: f.origin === 'germline', acquired: f.origin === 'acquired', ...(under.length ? { emerged: { name, under } } : {}) });
    }
  }
  // Germline variants are constitutional: one found in any other sample (e.g. a plasma draw called against white
  // cells) holds today whichever sample was sequenced last; its items are the germline / PARP ones only
  // (applicableEntries) and therapy.ts rule 3 gates them.
  const germlineSeen = new Set((sequenced?.findings ?? []).filter((f) => f.origin === 'germline').map((f) => genomicKey(f)));
  for (const s of [...samples].reverse()) {
    if (s === sequenced) continue;
    for (const f of s.findings) {
      if (f.origin !== 'germline' || f.evidence.length === 0 || germlineSeen.has(genomicKey(f))) continue;
      germlineSeen.add(genomicKey(f));
      const entries = f.evidence.map((ev) => kb.entries.find((e) => e.id === ev.id) ?? missingValue('kb.entries.find((e) => e.id === ev.id)'));
      bases.push({ label: `${f.gene} ${f.alteration} (germline, in ${s.id}, ${s.collected}${s.type === 'plasma' ? '; germline by its white-cell control: confirm by clinical germline testing' : ''})`, key: `${f.chrom}:${f.pos}:${f.ref}:${f.alt}`, ids: [f.id], entries, her2Status: her2Now, germline: true });
    }
  }
  if (state.her2) {
    const h = state.her2;
    const at = h.sample === latest.id ? '' : ` (latest evaluable HER2 result: ${h.sample}, ${h.collected})`;
    const review = h.status === 'positive' ? her2ClassificationWarning(samples.find((x) => x.id === h.sample)) : undefined;
    bases.push({ label: `${h.category}${at}`, key: `her2:${h.sample}`, ids: [her2ResultId(h.sample)], entries: entriesForCategory(kb, h.category), her2Status: h.status, germline: false, ...(review ? { warning: review, warningKind: 'her2-classification' as const } : {}) });
    if (h.status === 'negative') {
      const covered = new Set<Her2Category>([h.category]);
      if (h.category === 'HER2-low') covered.add('HER2-ultralow');
      for (const cat of ['HER2-low', 'HER2-ultralow'] as const) {
        if (covered.has(cat)) continue;
        const prior = state.her2History.find((r) => r.category === cat);
        if (!prior) continue;
        covered.add(cat);
        if (cat === 'HER2-low') covered.add('HER2-ultralow');
        bases.push({
          label: `${cat} in ${prior.sample} (${prior.collected})`,
          key: `her2:${prior.sample}`,
          ids: [her2ResultId(prior.sample)],
          entries: entriesForCategory(kb, cat),
          her2Status: 'negative',
          germline: false,
          note: `[eligibility kept from the earlier ${cat} result in ${prior.sample} (${prior.collected}) although the latest result (${h.sample}, ${h.collected}) is ${h.category}: ASCO/CAP 2023 HER2 update: consider all prior and concurrent HER2 results; see also the ESMO HER2-low expert consensus, Tarantino P et al., Ann Oncol 2023;34:645-659]`,
        });
      }
      const positive = state.her2History.find((r) => r.status === 'positive');
      if (positive) {
        bases.push({
          label: `HER2-positive in ${positive.sample} (${positive.collected})`,
          key: `her2:${positive.sample}`,
          ids: [her2ResultId(positive.sample)],
          entries: entriesForCategory(kb, 'HER2-positive'),
          her2Status: 'positive',
          germline: false,
          warning: `HER2 discordance: HER2-positive in ${positive.sample} (${positive.collected}) but ${h.category} in ${h.sample} (${h.collected}); review both results and consider retesting before HER2-directed therapy (ASCO/CAP 2023: consider all prior and concurrent HER2 results)`,
        });
      }
    }
  }
  const ngs = erbb2NgsBasis(kb, samples, state);
  if (ngs) bases.push(ngs);
  const cytometry = [...samples].reverse().find((s) => s.cytometry !== null);
  if (cytometry?.cytometry?.hiddenHer2StemCells) {
    const note = cytometry.id === latest.id ? '' : ` (from ${cytometry.id}, ${cytometry.collected})`;
    const entries = kb.entries.filter((e) => e.alteration.kind === 'her2-stem-cells');
    if (entries.length) bases.push({ label: `${(entries[0] ?? missingValue('entries[0]')).alteration.label}${note}`, key: `cytometry:${cytometry.id}`, ids: [cytometryResultId(cytometry.id)], entries, her2Status: her2Now, germline: false });
  }
  return bases;
}

/**
 * ERBB2 amplification by sequencing (the latest sample with an ERBB2 copy-number call), when the patient's HER2
 * status by IHC/ISH is not positive: the HER2-positive items become options only with a warning, since HER2 status
 * is set by IHC and ISH (ASCO/CAP, copynumber reconcileErbb2's source) — a tumour board would ask for ISH on that
 * sample before HER2-positive therapy. Concordant amplification adds nothing (IHC/ISH already made it positive).
 */
function erbb2NgsBasis(kb: KnowledgeBase, samples: SampleAnalysis[], state: ClinicalState): Basis | null {
  const withCn = [...samples].reverse().find((s) => s.copyNumber?.genes.some((g) => g.gene === 'ERBB2'));
  const cn: SampleCopyNumber | null | undefined = withCn?.copyNumber;
  const g = cn?.genes.find((x) => x.gene === 'ERBB2');
  if (!withCn || !cn || !g || g.status !== 'amplification' || state.her2?.status === 'positive') return null;
  const rec = cn.erbb2;
  const why = rec && rec.concordance !== 'not-assessable' ? rec.text : `ERBB2 amplified by NGS in ${withCn.id} without IHC/ISH on that sample`;
  return {
    label: `ERBB2 amplification by NGS in ${withCn.id} (${withCn.collected}; copy number ${g.copyNumber})`,
    key: `cn:${withCn.id}:ERBB2`,
    ids: [copyNumberResultId(withCn.id)],
    entries: entriesForCategory(kb, 'HER2-positive'),
    her2Status: 'positive',
    germline: false,
    warning: `HER2 by NGS only: ${why}. HER2-positive therapy rests on IHC 3+ or ISH amplification (ASCO/CAP HER2 testing guideline, Wolff AC et al. J Clin Oncol 2018;36:2105-2122; 2023 update): confirm by ISH on ${withCn.id} before HER2-directed therapy for HER2-positive disease`,
    warningKind: 'her2-ngs-only',
    ngsOnly: {
      pending: `only if ISH on ${withCn.id} confirms HER2 amplification: its HER2-positive basis is ERBB2 amplification by NGS alone (copy number ${g.copyNumber}), while HER2 status is set by IHC/ISH (ASCO/CAP)`,
      reciprocal: `HER2 status unresolved: NGS ERBB2 amplification in ${withCn.id} (${withCn.collected}; copy number ${g.copyNumber}); confirm by ISH: this option is for HER2-negative disease`,
    },
  };
}

const TWO_YEARS_MONTHS = 24;

function kbNotices(kb: KnowledgeBase, asOf: string): string[] {
  const dates = [...new Set(kb.entries.filter((e) => e.origin === 'civic' && e.sourceDate).map((e) => e.sourceDate ?? missingValue('e.sourceDate')))].sort();
  const old = dates.filter((d) => wholeMonths(d, asOf) >= TWO_YEARS_MONTHS);
  if (!old.length) return [];
  return [`CIViC evidence in this knowledge base dates from ${old.join(', ')}, more than two years old: check for newer evidence and labels before acting on it.`];
}

const KIND_ORDER: Record<Change['kind'], number> = { 'her2-conversion': 0, 'er-conversion': 1, 'pr-conversion': 2, 'cn-change': 3, 'acquired-variant': 4, 'emerging-variant': 5, 'lost-variant': 6 };
const orderIndex = (ordered: SampleData[], id: string) => ordered.findIndex((s) => s.sample.id === id);

/** Variants that disappear: absent from a later sample that had the power to detect them (origin.ts). */
function lostVariants(ordered: SampleData[], genes: Set<string>, treatments: readonly Treatment[], cov: CoverageOptions, findingIds: ReadonlyMap<VariantCall, string>): Change[] {
  const out: Change[] = [];
  const reported = new Set<string>();
  ordered.forEach((s) => {
    for (const v of s.variants ?? []) {
      if (!genes.has(v.gene) || isGermline(v).germline) continue;
      // a plasma draw's absence does not mean the tumour lost it (tumour fraction): tissue samples only
      if (s.sample.type === 'plasma') continue;
      const later = ordered.filter((o) => o.sample.collected > s.sample.collected && o.variants !== null && o.sample.type !== 'plasma');
      const stillThere = (o: SampleData) => (o.variants ?? missingValue('o.variants')).some((w) => sameVariant(v, w));
      const lostIn = later.find((o) => !stillThere(o) && coverageOf(o, v, v.vaf, cov, s).status === 'adequate');
      if (!lostIn) continue;
      // Report a disappearance once, against the last sample that still had it before it was lost.
      const key = `${v.gene}:${variantLabel(v)}:${lostIn.sample.id}`;
      const lastWith = [s, ...later.filter((o) => o.sample.collected < lostIn.sample.collected && stillThere(o))].pop() ?? missingValue('[s, ...later.filter((o) => o.sample.collected < lostIn.sample.colle...');
      if (lastWith !== s || reported.has(key)) continue;
      reported.add(key);
      const exposures = exposuresBetween(treatments, s.sample.collected, lostIn.sample.collected);
      out.push({
        kind: 'lost-variant',
        detail: `${v.gene} ${variantLabel(v)} lost: found in ${describeSample(s.sample)}${v.vaf !== null ? ` at VAF ${vafText(v.vaf)}` : ''}, absent from ${describeSample(lostIn.sample)} which covered the position${describeExposure(exposures)}; detection power in ${lostIn.sample.id}: ${coverageOf(lostIn, v, v.vaf, cov, s).reason}`,
        from: v.vaf !== null ? `VAF ${vafText(v.vaf)}` : 'detected',
        to: 'not detected',
        fromSample: s.sample.id,
        toSample: lostIn.sample.id,
        afterTreatments: exposures,
        findingId: findingIds.get(v) ?? null,
        gene: v.gene,
        alteration: variantLabel(v),
      });
    }
  });
  return out;
}

/**
 * HER2 results that can be compared with each other (like with like). IHC-scored categories compare on the IHC
 * score (HER2-low = 1+/2+ ISH-negative vs IHC 0); HER2-null and HER2-ultralow also compare on the stained
 * percentage; "HER2-0" (IHC 0, stained percentage not recorded) does not compare with null/ultralow, and
 * "HER2-negative" (ISH negative without IHC) compares with nothing but HER2-positive. Any negative vs HER2-positive
 * compares (status change). ASCO/CAP 2018/2023 (IHC score and ISH are different measurements; the 0 vs ultralow
 * distinction needs the stained percentage, DESTINY-Breast06).
 */
function her2Comparable(a: Her2Category, b: Her2Category): boolean {
  if (a === b) return true;
  if (a === 'HER2-positive' || b === 'HER2-positive') return true;
  if (a === 'HER2-negative' || b === 'HER2-negative') return false;
  const zeroUnknown = (x: Her2Category) => x === 'HER2-0';
  const zeroKnown = (x: Her2Category) => x === 'HER2-null' || x === 'HER2-ultralow';
  if ((zeroUnknown(a) && zeroKnown(b)) || (zeroUnknown(b) && zeroKnown(a))) return false;
  return true;
}

/**
 * Receptor conversions per marker: each evaluable result is compared with the most recent earlier evaluable result
 * of the same marker that it can be compared with; pending (equivocal) and untested results are never a baseline.
 */
function conversions(ordered: SampleData[], classifications: Map<string, ClassificationResult | null>, treatments: readonly Treatment[]): Change[] {
  const out: Change[] = [];
  type Reading = { s: CaseSample; value: string; status: string };
  const history: Record<'her2' | 'er' | 'pr', Reading[]> = { her2: [], er: [], pr: [] };
  const push = (kind: Change['kind'], what: string, prev: Reading, cur: Reading) => {
    const exposures = exposuresBetween(treatments, prev.s.collected, cur.s.collected);
    out.push({
      kind,
      detail: `${what} ${prev.value} in ${describeSample(prev.s)} -> ${cur.value} in ${describeSample(cur.s)}${describeExposure(exposures)}`,
      from: prev.value,
      to: cur.value,
      fromSample: prev.s.id,
      toSample: cur.s.id,
      afterTreatments: exposures,
      findingId: null,
      gene: null,
      alteration: null,
    });
  };
  for (const { sample } of ordered) {
    const c = classifications.get(sample.id);
    if (!c) continue;
    const h = c.her2;
    if (h && h.status !== 'equivocal' && h.category !== 'pending') {
      const cur = { s: sample, value: `${h.category} (${h.status})`, status: h.category };
      const prev = [...history.her2].reverse().find((r) => her2Comparable(r.status as Her2Category, h.category));
      if (prev && prev.status !== cur.status) push('her2-conversion', 'HER2', prev, cur);
      history.her2.push(cur);
    }
    for (const marker of ['er', 'pr'] as const) {
      const st = c[marker].status;
      if (st === 'not-tested') continue;
      const cur = { s: sample, value: st, status: st };
      const prev = history[marker][history[marker].length - 1];
      if (prev && prev.status !== st) push(marker === 'er' ? 'er-conversion' : 'pr-conversion', `${marker.toUpperCase()} ${gainOrLoss(prev.status, st)}:`, prev, cur);
      history[marker].push(cur);
    }
  }
  return out;
}

const RANK: Record<string, number> = { negative: 0, 'low-positive': 1, positive: 2 };
function gainOrLoss(from: string, to: string): string {
  return (RANK[to] ?? 0) > (RANK[from] ?? 0) ? 'gain' : 'loss';
}
