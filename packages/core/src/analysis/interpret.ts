/**
 * Longitudinal interpretation of one patient's serial samples: classification per sample, KB findings with their
 * origin (pre-existing / acquired / ...), receptor conversions, treatment exposure before each change, and therapy
 * options for the latest sample ranked by evidence level. Pure and deterministic: all data and the KB come in as
 * arguments.
 */
import { classifyPathology } from '../classification/index.ts';
import { InputError } from '../errors.ts';
import type { ClassificationResult } from '../classification/types.ts';
import type { CaseSample, Treatment } from '../case/schema.ts';
import { contextFit, kbGenes, statusEntries, variantEntries } from '../kb/match.ts';
import type { KbEntry, KnowledgeBase } from '../kb/schema.ts';
import type { VariantCall } from '../variants/types.ts';
import { minDate, wholeMonths } from './dates.ts';
import { coverageOf, DEFAULT_MIN_DEPTH, originOf, sameVariant } from './origin.ts';
import { therapyOptionsFor } from './therapy.ts';
import type { AnalysisResult, CaseData, Change, EvidenceRef, Finding, SampleAnalysis, SampleData, TreatmentExposure } from './types.ts';

import { RESEARCH_USE_NOTICE } from '../notice.ts';

const TYPE_RANK: Record<CaseSample['type'], number> = { primary: 0, recurrence: 1, metastasis: 2 };

/** Collection order: date, then primary < recurrence < metastasis, then id. Never file order. */
export function orderSamples<T extends { sample: CaseSample }>(samples: readonly T[]): T[] {
  return [...samples].sort(
    (a, b) =>
      a.sample.collected.localeCompare(b.sample.collected) ||
      TYPE_RANK[a.sample.type] - TYPE_RANK[b.sample.type] ||
      a.sample.id.localeCompare(b.sample.id),
  );
}

export function evidenceRef(entry: KbEntry, classification: ClassificationResult | null): EvidenceRef {
  return {
    id: entry.id,
    alteration: entry.alteration.label,
    alterationKind: entry.alteration.kind,
    effect: entry.effect,
    summary: entry.summary,
    therapies: entry.therapies,
    citations: entry.citations,
    context: contextFit(entry, classification),
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

function describeSample(s: CaseSample): string {
  return `${s.id} (${s.type}, ${s.site}, ${s.collected})`;
}

function describeExposure(exposures: TreatmentExposure[]): string {
  if (exposures.length === 0) return '';
  return ` after ${exposures.map((e) => `${e.months} month${e.months === 1 ? '' : 's'} of ${e.drug}`).join(', ')}`;
}

export interface InterpretOptions {
  /** Minimum depth for an earlier sample to count as covering a position (default 50). */
  minDepth?: number;
}

export function interpretCase(data: CaseData, kb: KnowledgeBase, options: InterpretOptions = {}): AnalysisResult {
  const minDepth = options.minDepth ?? data.case.minDepth ?? DEFAULT_MIN_DEPTH;
  const treatments = data.case.treatments;
  const ordered = orderSamples(data.samples);
  const genes = kbGenes(kb);
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

  const samples: SampleAnalysis[] = ordered.map((s) => {
    const classification = classifications.get(s.sample.id) ?? null;
    const earlier = ordered.filter((o) => o.sample.collected < s.sample.collected);
    const findings: Finding[] = [];
    let otherVariants = 0;
    for (const v of s.variants ?? []) {
      if (!genes.has(v.gene)) {
        otherVariants++;
        continue;
      }
      const origin = originOf(v, earlier, minDepth);
      findings.push({
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
        vaf: v.vaf,
        depth: v.depth,
        evidence: variantEntries(kb, v).map((e) => evidenceRef(e, classification)),
      });
      if (origin.origin === 'acquired' && origin.sample) {
        const from = origin.sample.sample;
        const exposures = exposuresBetween(treatments, from.collected, s.sample.collected);
        changes.push({
          kind: 'acquired-variant',
          detail: `${v.gene} ${variantLabel(v)} acquired: absent from ${describeSample(from)}, found in ${describeSample(s.sample)}${v.vaf !== null ? ` at VAF ${v.vaf.toFixed(2)}` : ''}${describeExposure(exposures)}`,
          from: 'not detected',
          to: v.vaf !== null ? `VAF ${v.vaf.toFixed(2)}` : 'detected',
          fromSample: from.id,
          toSample: s.sample.id,
          afterTreatments: exposures,
        });
      }
    }
    return {
      id: s.sample.id,
      type: s.sample.type,
      site: s.sample.site,
      collected: s.sample.collected,
      classification,
      sequenced: s.variants !== null,
      findings,
      otherVariants,
      statusEvidence: statusEntries(kb, classification, s.cytometry?.hiddenHer2StemCells === true).map((e) => evidenceRef(e, classification)),
      cytometry: s.cytometry,
    };
  });

  changes.push(...lostVariants(ordered, genes, treatments, minDepth));
  changes.push(...conversions(ordered, classifications, treatments));
  changes.sort((a, b) => orderIndex(ordered, a.toSample) - orderIndex(ordered, b.toSample) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.detail.localeCompare(b.detail));

  const latest = samples[samples.length - 1]!;
  const { options: therapyOptions, resistance } = therapyOptionsFor(samples);
  return {
    patient: data.case.patient,
    samples,
    changes,
    therapyOptions,
    resistance,
    latestSample: latest.id,
    treatments,
    kbVersion: kb.version,
    notice: RESEARCH_USE_NOTICE,
  };
}

const KIND_ORDER: Record<Change['kind'], number> = { 'her2-conversion': 0, 'er-conversion': 1, 'pr-conversion': 2, 'acquired-variant': 3, 'lost-variant': 4 };
const orderIndex = (ordered: SampleData[], id: string) => ordered.findIndex((s) => s.sample.id === id);

/** Variants that disappear: absent from a later sample that covered the position adequately. */
function lostVariants(ordered: SampleData[], genes: Set<string>, treatments: readonly Treatment[], minDepth: number): Change[] {
  const out: Change[] = [];
  const reported = new Set<string>();
  ordered.forEach((s) => {
    for (const v of s.variants ?? []) {
      if (!genes.has(v.gene)) continue;
      const later = ordered.filter((o) => o.sample.collected > s.sample.collected && o.variants !== null);
      const stillThere = (o: SampleData) => o.variants!.some((w) => sameVariant(v, w));
      const lostIn = later.find((o) => !stillThere(o) && coverageOf(o, v, minDepth) === 'adequate');
      if (!lostIn) continue;
      // Report a disappearance once, against the last sample that still had it before it was lost.
      const key = `${v.gene}:${variantLabel(v)}:${lostIn.sample.id}`;
      const lastWith = [s, ...later.filter((o) => o.sample.collected < lostIn.sample.collected && stillThere(o))].pop()!;
      if (lastWith !== s || reported.has(key)) continue;
      reported.add(key);
      const exposures = exposuresBetween(treatments, s.sample.collected, lostIn.sample.collected);
      out.push({
        kind: 'lost-variant',
        detail: `${v.gene} ${variantLabel(v)} lost: found in ${describeSample(s.sample)}${v.vaf !== null ? ` at VAF ${v.vaf.toFixed(2)}` : ''}, absent from ${describeSample(lostIn.sample)} which covered the position${describeExposure(exposures)}`,
        from: v.vaf !== null ? `VAF ${v.vaf.toFixed(2)}` : 'detected',
        to: 'not detected',
        fromSample: s.sample.id,
        toSample: lostIn.sample.id,
        afterTreatments: exposures,
      });
    }
  });
  return out;
}

/** HER2 category and ER/PgR status changes between consecutive classified samples. */
function conversions(ordered: SampleData[], classifications: Map<string, ClassificationResult | null>, treatments: readonly Treatment[]): Change[] {
  const out: Change[] = [];
  let prev: { s: CaseSample; c: ClassificationResult } | null = null;
  for (const { sample } of ordered) {
    const c = classifications.get(sample.id);
    if (!c) continue;
    if (prev) {
      const exposures = exposuresBetween(treatments, prev.s.collected, sample.collected);
      const push = (kind: Change['kind'], what: string, from: string, to: string) =>
        out.push({
          kind,
          detail: `${what} ${from} in ${describeSample(prev!.s)} -> ${to} in ${describeSample(sample)}${describeExposure(exposures)}`,
          from,
          to,
          fromSample: prev!.s.id,
          toSample: sample.id,
          afterTreatments: exposures,
        });
      const a = prev.c.her2;
      const b = c.her2;
      if (a && b && a.category !== 'pending' && b.category !== 'pending' && (a.category !== b.category || a.status !== b.status)) {
        push('her2-conversion', 'HER2', `${a.category} (${a.status})`, `${b.category} (${b.status})`);
      }
      if (prev.c.er.status !== 'not-tested' && c.er.status !== 'not-tested' && prev.c.er.status !== c.er.status) {
        push('er-conversion', `ER ${gainOrLoss(prev.c.er.status, c.er.status)}:`, prev.c.er.status, c.er.status);
      }
      if (prev.c.pr.status !== 'not-tested' && c.pr.status !== 'not-tested' && prev.c.pr.status !== c.pr.status) {
        push('pr-conversion', `PR ${gainOrLoss(prev.c.pr.status, c.pr.status)}:`, prev.c.pr.status, c.pr.status);
      }
    }
    prev = { s: sample, c };
  }
  return out;
}

const RANK: Record<string, number> = { negative: 0, 'low-positive': 1, positive: 2 };
function gainOrLoss(from: string, to: string): string {
  return (RANK[to] ?? 0) > (RANK[from] ?? 0) ? 'gain' : 'loss';
}
