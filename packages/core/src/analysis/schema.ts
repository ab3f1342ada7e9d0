/**
 * The analysis result: the one contract of her2scope (issue 13). `her2scope analyze --json` prints exactly this
 * object, the server stores and serves it, the reports are projections of it and the web app reads its types from
 * here. The TypeScript types are inferred from the schemas (analysis/types.ts re-exports them); `her2scope schema
 * analysis` prints the JSON Schema (`analysisJsonSchema()`).
 *
 * Ids (stable for one case and knowledge-base version; built only by the functions below):
 * - sample: the case file's sample id (letters, digits, `.`, `_`, `-`);
 * - finding: `<sample>:variant:<chrom>:<pos>:<ref>:<alt>` (`#2`, `#3`... for a repeated call in one sample);
 * - HER2 result (the classification of one sample's HER2 status): `<sample>:her2`;
 * - cytometry result: `<sample>:cytometry`;
 * - evidence: the knowledge-base entry id (`evidence[].id`, `support[].id`);
 * - therapy option: `option:<canonical drugs, sorted, joined by +>`.
 * Every therapy option, resistance warning, contrary-evidence item and excluded option carries `basis`: the ids of
 * the findings and HER2 / cytometry results it rests on, set where the core decides it (therapy.ts), never re-derived.
 *
 * Core-only: zod, no I/O.
 */
import { z } from 'zod';
import { SAMPLE_TYPES, SITES, CaseFileSchema, TreatmentSchema } from '../case/schema.ts';
import { IHC_SCORES } from '../classification/input.ts';
import type { ClassificationResult } from '../classification/types.ts';
import type { CytometryResult } from '../cytometry/types.ts';
import { CitationSchema, EVIDENCE_LEVELS, TherapySchema } from '../kb/schema.ts';
import { RESEARCH_USE_NOTICE } from '../notice.ts';
import { CtdnaSummarySchema, FindingReadEvidenceSchema, PlasmaCallSchema, SampleCopyNumberSchema } from './longitudinal-schema.ts';

// ---- ids -------------------------------------------------------------------------------------------------------

export const findingId = (sample: string, v: { chrom: string; pos: number; ref: string; alt: string }): string => `${sample}:variant:${v.chrom}:${v.pos}:${v.ref}:${v.alt}`;
export const her2ResultId = (sample: string): string => `${sample}:her2`;
export const cytometryResultId = (sample: string): string => `${sample}:cytometry`;
/** Copy number by sequencing of one sample (issue 16): `<sample>:copy-number`. */
export const copyNumberResultId = (sample: string): string => `${sample}:copy-number`;
export const optionId = (drugs: readonly string[]): string => `option:${[...new Set(drugs)].sort().join('+')}`;

// ---- classification (classification/types.ts; kept equal to those interfaces by the check at the end) ----------

const RuleRefSchema = z.object({ id: z.string(), source: z.string() }).strict();
export const HER2_CATEGORIES = ['HER2-positive', 'HER2-low', 'HER2-ultralow', 'HER2-null', 'HER2-0', 'HER2-negative', 'pending'] as const;
const Her2CategorySchema = z.enum(HER2_CATEGORIES);

const Her2ResultSchema = z
  .object({
    status: z.enum(['positive', 'negative', 'equivocal']),
    category: Her2CategorySchema,
    /** The IHC score the classification used; null when only ISH was given. */
    ihc: z.enum(IHC_SCORES).nullable(),
    ishGroup: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).nullable(),
    ishRatio: z.number().nullable(),
    ishRatioText: z.string().nullable(),
    comments: z.array(z.string()),
    rules: z.array(RuleRefSchema),
  })
  .strict();

const receptor = <S extends readonly [string, ...string[]]>(statuses: S) =>
  z.object({ status: z.enum(statuses), percent: z.number().nullable(), comments: z.array(z.string()), rules: z.array(RuleRefSchema) }).strict();

export const ClassificationResultSchema = z
  .object({
    her2: Her2ResultSchema.nullable(),
    er: receptor(['positive', 'low-positive', 'negative', 'not-tested'] as const),
    pr: receptor(['positive', 'negative', 'not-tested'] as const),
    hr: z.object({ status: z.enum(['positive', 'negative']).nullable(), notes: z.array(z.string()) }).strict(),
    subtype: z.enum(['HR+/HER2-', 'HR+/HER2+', 'HR-/HER2+', 'HR-/HER2-']).nullable(),
    notes: z.array(z.string()),
    ki67: z.number().nullable(),
  })
  .strict();

// ---- cytometry (cytometry/types.ts; kept equal by the check at the end) -----------------------------------------

export const CytometryPopulationSchema = z
  .object({
    name: z.string(),
    count: z.number().int().nonnegative(),
    parent: z.string(),
    fraction: z.number().nullable(),
    ci95: z.tuple([z.number(), z.number()]),
    path: z.string().optional(),
    workspaceCount: z.number().nullable().optional(),
  })
  .strict();

const MarkerThresholdSchema = z.object({ channel: z.string(), value: z.number().nullable(), source: z.enum(['panel', 'control', 'automatic', 'calls']) }).strict();

export const CytometryResultSchema = z
  .object({
    events: z.number().int().nonnegative(),
    populations: z.array(CytometryPopulationSchema),
    hiddenHer2StemCells: z.boolean(),
    detectionLimit: z.number().nullable(),
    totalEvents: z.number().int().nonnegative(),
    analysed: z.string(),
    thresholds: z.partialRecord(z.string(), MarkerThresholdSchema),
    bulkHer2: z.string().nullable(),
    notes: z.array(z.string()),
    warnings: z.array(z.string()).optional(),
  })
  .strict();

// ---- the analysis ------------------------------------------------------------------------------------------------

const EvidenceLevelSchema = z.enum(EVIDENCE_LEVELS);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const EvidenceRefSchema = z
  .object({
    /** The knowledge-base entry id. */
    id: z.string(),
    /** The KB entry's alteration label (e.g. `L755S`, `HER2-low`). */
    alteration: z.string(),
    /** The KB entry's alteration kind (protein, range, consequence, her2-category, her2-stem-cells). */
    alterationKind: z.string(),
    effect: z.string(),
    summary: z.string(),
    therapies: z.array(TherapySchema),
    citations: z.array(CitationSchema),
    /** Whether the patient's state now (latest evaluable receptor results, setting, line) meets the entry's context. */
    context: z.enum(['fits', 'does-not-fit', 'unknown']),
    /** Display text of the entry's setting ("1L metastatic", "extended adjuvant"), when it states one. */
    setting: z.string().nullable(),
    /** CIViC release date or curated check date. */
    sourceDate: z.string().nullable(),
  })
  .strict();

/** `clonal-haematopoiesis`: a plasma variant the matched white cells carry (CHIP), not the tumour's. */
export const ORIGINS = ['germline', 'pre-existing', 'acquired', 'not-evaluable-earlier', 'first-sample', 'clonal-haematopoiesis'] as const;

export const FindingSchema = z
  .object({
    /** `<sample>:variant:<chrom>:<pos>:<ref>:<alt>` (findingId). */
    id: z.string(),
    gene: z.string(),
    /** Short protein HGVS when known, else `chrom:pos ref>alt`. */
    alteration: z.string(),
    hgvsc: z.string().nullable(),
    consequence: z.string(),
    chrom: z.string(),
    pos: z.number().int(),
    ref: z.string(),
    alt: z.string(),
    origin: z.enum(ORIGINS),
    /** The earlier sample the origin rests on (found in, or covered by), when there is one. */
    originSample: z.string().nullable(),
    /** Why this origin: normal reads, the sample found in, or the detection-power judgement. */
    originReason: z.string(),
    vaf: z.number().nullable(),
    depth: z.number().nullable(),
    /** oncogenic / likely-oncogenic by a cited per-gene rule, polymorphism, or VUS (variant-class.ts). */
    oncogenicity: z.enum(['oncogenic', 'likely-oncogenic', 'vus', 'polymorphism']),
    oncogenicityReason: z.string(),
    /** True for a VUS: shown without therapy. */
    vus: z.boolean(),
    /** Population allele frequency from the annotation, when given. */
    populationAf: z.number().nullable(),
    /** The KB items that apply to this finding (none for a VUS, a polymorphism, or germline without germline items). */
    evidence: z.array(EvidenceRefSchema),
    /** Read-level look-back: the reads at this position in every other sample with reads (longitudinal.ts). */
    readEvidence: z.array(FindingReadEvidenceSchema),
    /** Plasma findings: tumour / presumed tumour / possible CHIP / CHIP / germline, with the white-cell reads. */
    plasma: PlasmaCallSchema.nullable(),
  })
  .strict();

export const TreatmentExposureSchema = z
  .object({
    drug: z.string(),
    start: date,
    end: date.nullable(),
    /** Whole months of exposure before the sample was collected. */
    months: z.number().int().nonnegative(),
  })
  .strict();

/** `cn-change`: a gene's copy-number status by sequencing changed; `emerging-variant`: first seen in plasma during a therapy. */
export const CHANGE_KINDS = ['acquired-variant', 'lost-variant', 'her2-conversion', 'er-conversion', 'pr-conversion', 'cn-change', 'emerging-variant'] as const;

export const ChangeSchema = z
  .object({
    kind: z.enum(CHANGE_KINDS),
    detail: z.string(),
    from: z.string(),
    to: z.string(),
    /** Earlier and later sample ids. */
    fromSample: z.string(),
    toSample: z.string(),
    afterTreatments: z.array(TreatmentExposureSchema),
    /**
     * The finding the change is about, so that renderers never parse `detail`: acquired-variant - the finding in
     * `toSample`; lost-variant - the finding in `fromSample`; emerging-variant - the finding in the last draw that
     * detected it (`toSample`). Null for cn-change and the receptor conversions (no finding).
     */
    findingId: z.string().nullable(),
    /** The gene (variant changes and cn-change); null for the receptor conversions. */
    gene: z.string().nullable(),
    /** The variant's alteration as its finding shows it (`p.L755S`, else `chrom:pos ref>alt`); null for cn-change and the conversions. */
    alteration: z.string().nullable(),
    /** emerging-variant: date of the first plasma detection and the trajectory's trend. */
    firstDetected: date.optional(),
    trend: z.string().optional(),
    /**
     * Resistance the change signals for a drug the patient is on now (therapy.ts rule 8), e.g. "ESR1 p.D538G emerged
     * on letrozole (ongoing): resistance to aromatase inhibitor, level B (...)". Absent when there is none.
     */
    warnings: z.array(z.string()).optional(),
  })
  .strict();

export const SampleAnalysisSchema = z
  .object({
    id: z.string(),
    type: z.enum(SAMPLE_TYPES),
    site: z.enum(SITES),
    collected: date,
    classification: ClassificationResultSchema.nullable(),
    sequenced: z.boolean(),
    findings: z.array(FindingSchema),
    /** Variants in genes the KB does not cover (counted, not listed). */
    otherVariants: z.number().int().nonnegative(),
    /** KB entries matched by HER2 status or cytometry. */
    statusEvidence: z.array(EvidenceRefSchema),
    cytometry: CytometryResultSchema.nullable(),
    /** Plasma draws: the circulating tumour DNA fraction given in the case. */
    tumorFraction: z.number().nullable(),
    /** Gene-level copy number by sequencing and ERBB2 against IHC/ISH (id `<sample>:copy-number`); null without. */
    copyNumber: SampleCopyNumberSchema.nullable(),
  })
  .strict();

/** Ids of the findings and HER2 / cytometry results an item rests on (see the id list above). */
const basis = z.array(z.string()).min(1);

export const TherapySupportSchema = z
  .object({
    /** KB entry id. */
    id: z.string(),
    level: EvidenceLevelSchema,
    /** "CIViC 2021-08-01" or "checked 2026-11-23". */
    source: z.string(),
    setting: z.string().nullable(),
    citations: z.array(CitationSchema),
  })
  .strict();

/**
 * Kinds of option warnings: `resistance` (resistance evidence against a drug), `her2-discordance` (an earlier HER2-positive
 * result), `her2-ngs-only` (HER2-positive basis by NGS only), `her2-unresolved` (a HER2-negative option while NGS
 * shows ERBB2 amplification), `her2-classification` (the HER2 result itself needs review, e.g. ratios straddling 2.0),
 * `hr-older-sample` (the HR status the option needs is from a sample older than the latest tissue sample, state.ts);
 * `prior-progression` (the disease progressed on a drug of the regimen in the metastatic setting, therapy.ts).
 */
export const WARNING_KINDS = ['resistance', 'her2-discordance', 'her2-ngs-only', 'her2-unresolved', 'her2-classification', 'hr-older-sample', 'prior-progression'] as const;

export const TherapyOptionSchema = z
  .object({
    /** `option:<drugs>` (optionId). */
    id: z.string(),
    therapy: z.string(),
    /** Canonical drug names, in the regimen's fixed order. */
    drugs: z.array(z.string()).min(1),
    level: EvidenceLevelSchema,
    reasons: z.array(z.string()),
    /** Citations of the items that support this regimen (and their curated reviews), never of other regimens. */
    citations: z.array(CitationSchema),
    /** Resistance evidence against one of the drugs, or HER2 discordance; an option with warnings ranks after clean ones. */
    warnings: z.array(z.string()),
    /** Setting text of the best supporting item ("1L metastatic", "after >=1 anti-HER2 regimen"), when stated. */
    setting: z.string().nullable(),
    /** `fits`: at least one supporting item's context fits the patient; `unknown`: none states enough. */
    context: z.enum(['fits', 'unknown']),
    /** The supporting KB items, one per entry. */
    support: z.array(TherapySupportSchema),
    /** The findings / HER2 / cytometry results the option rests on. */
    basis,
    /**
     * The option applies only if a result still to come confirms it (therapy.ts rule 9): `her2-ish` - its HER2-positive
     * basis is NGS ERBB2 amplification only (IHC not 3+, no ISH on that sample); `hr-status` - it needs HR-positive (or
     * HR-negative) disease and the HR status is unknown. Such an option ranks after every confirmed option and its level
     * is read as "level X if confirmed". Absent for a confirmed option.
     */
    pending: z.object({ kind: z.enum(['her2-ish', 'hr-status']), text: z.string() }).strict().optional(),
    /** The warnings with their kind, in the order of `warnings` (for renderers that word each kind differently). */
    warningDetails: z.array(z.object({ kind: z.enum(WARNING_KINDS), text: z.string() }).strict()).optional(),
  })
  .strict();

/** A negative trial (direction `no-benefit`): shown as contrary evidence, never as an option. */
export const ContraryEvidenceSchema = z
  .object({ therapy: z.string(), drugs: z.array(z.string()), level: EvidenceLevelSchema, reason: z.string(), citations: z.array(CitationSchema), basis })
  .strict();

/** A therapy the KB names for a finding that does not apply to this patient, with the reason. */
export const ExcludedOptionSchema = z
  .object({
    therapy: z.string(),
    level: EvidenceLevelSchema,
    reason: z.string(),
    basis,
    /** The KB items that do not apply (absent when the whole regimen is excluded, e.g. contradicted by resistance). */
    items: z.array(z.string()).optional(),
    /**
     * Set when another item makes the same regimen (same drug set) an option: the option's id. Renderers then name the
     * item ("trastuzumab emtansine - civic:EID1159 not applicable: ...") rather than list the regimen as not applicable.
     */
    optionId: z.string().optional(),
  })
  .strict();

export const ResistanceWarningSchema = z
  .object({
    therapy: z.string(),
    drugs: z.array(z.string()),
    level: EvidenceLevelSchema,
    reason: z.string(),
    citations: z.array(CitationSchema),
    basis,
    /** Drugs of the patient's ongoing treatments this resistance concerns (shown whatever its level; therapy.ts rule 7). */
    ongoing: z.array(z.string()).optional(),
  })
  .strict();

const readingOf = (status: z.ZodType<'positive' | 'negative'>) => ({ status, sample: z.string(), collected: date });
const posNeg = z.enum(['positive', 'negative']);

/** The patient's state the options were judged on (analysis/state.ts). */
export const PatientContextSchema = z
  .object({
    setting: z.enum(['early', 'metastatic']),
    settingSource: z.string(),
    /** Current metastatic line (1 = first line), null in the early setting. */
    line: z.number().int().positive().nullable(),
    her2: z.object({ ...readingOf(posNeg), category: Her2CategorySchema }).strict().nullable(),
    hr: z.object({ ...readingOf(posNeg), note: z.string().nullable() }).strict().nullable(),
    priorTherapyClasses: z.array(z.string()),
  })
  .strict();

/** A treatment as the result repeats it (the case file's fields; dates already ISO text, no input conversion). */
export const TreatmentOutputSchema = z.object({ ...TreatmentSchema.shape, start: date, end: date.optional() }).strict();

export const AnalysisResultSchema = z
  .object({
    patient: CaseFileSchema.shape.patient,
    samples: z.array(SampleAnalysisSchema).min(1),
    changes: z.array(ChangeSchema),
    /** Options for the patient now, ranked (analysis/therapy.ts). */
    therapyOptions: z.array(TherapyOptionSchema),
    resistance: z.array(ResistanceWarningSchema),
    /** Negative trials relevant to the findings (never options). */
    contraryEvidence: z.array(ContraryEvidenceSchema),
    /** KB therapies that do not apply, with the reason (wrong receptor status, setting, line, not germline...). */
    excludedOptions: z.array(ExcludedOptionSchema),
    /** Level D/E items left out (shown with `includePreclinical`). */
    hiddenPreclinical: z.number().int().nonnegative(),
    /** The state the options were judged on. */
    context: PatientContextSchema,
    /** Warnings about the knowledge base itself (e.g. evidence older than two years). */
    kbNotices: z.array(z.string()),
    /** Which sample the options are for. */
    latestSample: z.string(),
    treatments: z.array(TreatmentOutputSchema),
    kbVersion: z.string(),
    notice: z.literal(RESEARCH_USE_NOTICE),
    /** Serial plasma ctDNA: draws, detection limits, trajectories (null without plasma draws). */
    ctdna: CtdnaSummarySchema.nullable(),
  })
  .strict()
  .superRefine((r, ctx) => {
    // Referential integrity: every basis id names a finding, HER2 result or cytometry result of this result.
    const known = new Set<string>();
    for (const s of r.samples) {
      for (const f of s.findings) known.add(f.id);
      if (s.classification?.her2) known.add(her2ResultId(s.id));
      if (s.cytometry) known.add(cytometryResultId(s.id));
      if (s.copyNumber) known.add(copyNumberResultId(s.id));
    }
    for (const key of ['therapyOptions', 'resistance', 'contraryEvidence', 'excludedOptions'] as const) {
      r[key].forEach((item, i) => {
        item.basis.forEach((id, j) => {
          if (!known.has(id)) ctx.addIssue({ code: 'custom', message: `'${id}' is not a finding, HER2, cytometry or copy-number result of this analysis`, path: [key, i, 'basis', j] });
        });
      });
    }
    const ids = new Set<string>();
    r.therapyOptions.forEach((o, i) => {
      if (ids.has(o.id)) ctx.addIssue({ code: 'custom', message: `duplicate option id '${o.id}'`, path: ['therapyOptions', i, 'id'] });
      ids.add(o.id);
    });
  })
  .describe('her2scope analysis result (for research use; not a medical device)');

export type AnalysisResult = z.infer<typeof AnalysisResultSchema>;

/** The JSON Schema (draft 2020-12) of the analysis result, as `her2scope schema analysis` prints it. */
export function analysisJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(AnalysisResultSchema, { target: 'draft-2020-12', io: 'output' });
}

// ---- compile-time checks: the hand-written engine types equal the contract's ------------------------------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const classificationMatches: Equal<z.infer<typeof ClassificationResultSchema>, ClassificationResult> = true;
const cytometryMatches: Equal<z.infer<typeof CytometryResultSchema>, CytometryResult> = true;
void classificationMatches;
void cytometryMatches;
