/**
 * The knowledge-base data model. The content lives in versioned data files (packages/kb/data), never in code;
 * this schema validates them. Evidence levels use the CIViC evidence-level scale (A validated / FDA-approved or
 * guideline, B clinical trial or other clinical evidence, C case study, D preclinical, E inferential), documented at
 * https://civic.readthedocs.io (Griffith M et al., Nat Genet 2017;49:170-174, PMID 28138153).
 */
import { z } from 'zod';

export const EVIDENCE_LEVELS = ['A', 'B', 'C', 'D', 'E'] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

export const CitationSchema = z
  .object({
    /** pmid: PubMed id; label: a drug label (FDA); guideline; civic: a CIViC evidence item; doi; other. */
    type: z.enum(['pmid', 'label', 'guideline', 'civic', 'doi', 'trial', 'other']),
    id: z.string().min(1),
    text: z.string().min(1),
    url: z.string().url().optional(),
  })
  .strict();
export type Citation = z.infer<typeof CitationSchema>;

/** What a KB entry matches. */
export const AlterationSchema = z.discriminatedUnion('kind', [
  /** One protein change on the MANE/canonical transcript, short HGVS: `p.L755S`. */
  z.object({ kind: z.literal('protein'), hgvsp: z.string().regex(/^p\.[A-Z*][0-9]+(_[A-Z*][0-9]+)?[A-Za-z0-9*_]*$/), label: z.string() }).strict(),
  /** A codon range of a given consequence class, e.g. ERBB2 exon 20 in-frame insertions. */
  z
    .object({
      kind: z.literal('range'),
      label: z.string(),
      start: z.number().int().positive(),
      end: z.number().int().positive(),
      consequences: z.array(z.string()).min(1),
    })
    .strict(),
  /** Any variant with one of these consequences (e.g. truncating PTEN: loss of function). */
  z.object({ kind: z.literal('consequence'), label: z.string(), consequences: z.array(z.string()).min(1) }).strict(),
  /** A HER2 status category from the classification engine (HER2-positive, HER2-low, HER2-ultralow). */
  z.object({ kind: z.literal('her2-category'), label: z.string(), categories: z.array(z.string()).min(1) }).strict(),
  /** A cytometry finding: a HER2+ CD44+ CD24-low population above the detection limit. */
  z.object({ kind: z.literal('her2-stem-cells'), label: z.string() }).strict(),
]);
export type Alteration = z.infer<typeof AlterationSchema>;

export const TherapySchema = z
  .object({
    /** Display name of the regimen, e.g. "neratinib + fulvestrant". */
    name: z.string().min(1),
    drugs: z.array(z.string().min(1)).min(1),
    /** `no-benefit`: a negative trial (e.g. NSABP B-47); shown as contrary evidence, never as an option. */
    direction: z.enum(['sensitivity', 'resistance', 'no-benefit']),
    level: z.enum(EVIDENCE_LEVELS),
  })
  .strict();
export type Therapy = z.infer<typeof TherapySchema>;

/**
 * Drug classes of the drug-class ontology (data/drug-classes.json maps each drug to its classes and each class to its
 * parent), so that class-level evidence ("resistance to hormone therapy") applies to every member drug.
 */
export const DRUG_CLASSES = [
  'endocrine-therapy',
  'aromatase-inhibitor',
  'serm',
  'serd',
  'oral-serd',
  'protac-er-degrader',
  'anti-her2',
  'anti-her2-antibody',
  'anti-her2-adc',
  'anti-her2-tki',
  'pi3k-akt-mtor-inhibitor',
  'pi3k-inhibitor',
  'akt-inhibitor',
  'mtor-inhibitor',
  'cdk4-6-inhibitor',
  'parp-inhibitor',
  'trop2-adc',
  'chemotherapy',
  'platinum',
  'taxane',
  'anthracycline',
  'immunotherapy',
] as const;
export const DrugClassSchema = z.enum(DRUG_CLASSES);
export type DrugClass = z.infer<typeof DrugClassSchema>;

/** Disease setting: early (neoadjuvant, adjuvant, extended adjuvant) or metastatic (advanced / unresectable). */
export const SETTINGS = ['early', 'metastatic'] as const;
export const SettingSchema = z.enum(SETTINGS);
export type Setting = z.infer<typeof SettingSchema>;

/**
 * Clinical context an entry requires of the patient (e.g. elacestrant: ER-positive, HER2-negative, metastatic, after
 * >=1 line of endocrine therapy). A field left out is "not stated": the interpretation treats it as unknown, never as
 * "fits everything". CIViC items carry only what a curated override gives them (see CivicOverrideSchema).
 */
export const EARLY_PHASES = ['neoadjuvant', 'post-neoadjuvant', 'adjuvant', 'extended-adjuvant'] as const;
export type EarlyPhase = (typeof EARLY_PHASES)[number];

export const ContextSchema = z
  .object({
    hr: z.enum(['positive', 'negative']).optional(),
    her2: z.enum(['positive', 'negative']).optional(),
    /** Settings the evidence applies to. */
    settings: z.array(SettingSchema).min(1).optional(),
    /** Line of therapy in the metastatic setting: first line = 1. `min` 2 = "after >= 1 prior line". */
    line: z.object({ min: z.number().int().positive().optional(), max: z.number().int().positive().optional() }).strict().optional(),
    /** Drug classes that must have been given before (any one of them), e.g. endocrine therapy for elacestrant. */
    priorAnyOf: z.array(DrugClassSchema).min(1).optional(),
    /**
     * Where `priorAnyOf` therapy must have been given: `any` (default; adjuvant counts) or `metastatic` (labels that say
     * "in the metastatic setting", e.g. T-DXd after >=1 endocrine therapy in the metastatic setting, DESTINY-Breast06).
     */
    priorSetting: z.enum(['any', 'metastatic']).optional(),
    /**
     * With `priorSetting: 'metastatic'`: an early-setting (neo/adjuvant) treatment of a `priorAnyOf` class counts too
     * when the metastatic recurrence came during it or within this many months of its end, as the labels word it
     * (e.g. Enhertu DESTINY-Breast03 and Kadcyla: 6 months; Truqap: 12 months).
     */
    priorEarlyWithinMonths: z.number().int().positive().optional(),
    /**
     * Drug classes that must *each* have been given before, in any setting (adjuvant counts), besides `priorAnyOf`:
     * e.g. Datroway needs prior endocrine-based therapy *and* chemotherapy for metastatic disease (FDA 17 Jan 2025).
     */
    priorAllOf: z.array(DrugClassSchema).min(1).optional(),
    /** Drug classes whose earlier use excludes the option (e.g. no prior anti-HER2 therapy for metastatic disease). */
    priorNoneOf: z.array(DrugClassSchema).min(1).optional(),
    /** Germline (not somatic) alteration required, e.g. PARP inhibitors and germline BRCA1/2. */
    germline: z.boolean().optional(),
    /**
     * Phase of early-disease treatment the item is for: `neoadjuvant` (before surgery, as the first systemic treatment:
     * never offered once an early-setting treatment was given or a surgery sample is recorded), `post-neoadjuvant`
     * (residual disease at surgery after neoadjuvant therapy), `adjuvant`, `extended-adjuvant` (after adjuvant
     * therapy). Early-setting options rank in this order (therapy.ts rule 5).
     */
    phase: z.enum(EARLY_PHASES).optional(),
    /** Display text of the setting, shown with the option: "1L metastatic", "after >=1 anti-HER2 regimen", "extended adjuvant". */
    label: z.string().min(1).optional(),
  })
  .strict();
export type Context = z.infer<typeof ContextSchema>;

export const KbEntrySchema = z
  .object({
    id: z.string().min(1),
    gene: z.string().min(1),
    alteration: AlterationSchema,
    /** OncoTree code and name (OncoTree, MSKCC, CC BY 4.0). */
    tumorType: z.object({ oncotree: z.string().min(1), name: z.string().min(1) }).strict(),
    context: ContextSchema.default({}),
    effect: z.enum(['oncogenic', 'activating', 'resistance', 'loss-of-function', 'biomarker']),
    therapies: z.array(TherapySchema),
    summary: z.string().min(1),
    citations: z.array(CitationSchema).min(1, { error: 'every KB entry needs at least one citation' }),
    /** Where the entry came from: `civic` (imported) or `curated`. */
    origin: z.enum(['civic', 'curated']),
    /** When the source said it: CIViC release date (`2021-08-01`) or the date the curated entry was last checked. */
    sourceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    /**
     * Set by the loader on a CIViC item that a curated override (data/civic-overrides.json) reviewed: the reason and
     * its citations. A CIViC item without it has "context unknown" and is never shown at level A.
     */
    review: z.object({ reason: z.string().min(1), citations: z.array(CitationSchema).min(1), maxLevel: z.enum(EVIDENCE_LEVELS).optional() }).strict().optional(),
  })
  .strict();
export type KbEntry = z.infer<typeof KbEntrySchema>;


/**
 * A curated correction of one CIViC evidence item (data/civic-overrides.json): `exclude` drops an item that does not
 * apply as imported (e.g. evidence from another disease context or a cell line only); `context` gives the item the
 * clinical context CIViC does not record (and may cap its level). Every override says why and cites its source.
 */
export const CivicOverrideSchema = z
  .object({
    evidenceId: z.string().regex(/^EID\d+$/),
    action: z.enum(['exclude', 'context']),
    context: ContextSchema.optional(),
    /** Highest level the item may be shown at after review (e.g. B for a trial outside the label). */
    maxLevel: z.enum(EVIDENCE_LEVELS).optional(),
    reason: z.string().min(1),
    citations: z.array(CitationSchema).min(1),
  })
  .strict();
export type CivicOverride = z.infer<typeof CivicOverrideSchema>;

/**
 * Per-gene oncogenicity rules (data/oncogenicity.json): which variants of a gene count as oncogenic / likely
 * oncogenic, so that generic "MUTATION" evidence applies only to them; every other variant is a VUS shown without
 * therapy. Each rule cites its source (e.g. the therascreen PIK3CA label list, ESR1 ligand-binding-domain mutations).
 */
export const OncogenicityRuleSchema = z.discriminatedUnion('kind', [
  /** Listed protein changes (short HGVS, e.g. `p.H1047R`). */
  z.object({ kind: z.literal('hotspots'), hgvsp: z.array(z.string().regex(/^p\.[A-Z*][0-9]+/)).min(1), classification: z.enum(['oncogenic', 'likely-oncogenic']), citations: z.array(CitationSchema).min(1) }).strict(),
  /** Variants of these consequences within a codon range (e.g. ESR1 ligand-binding domain missense). */
  z
    .object({
      kind: z.literal('range'),
      start: z.number().int().positive(),
      end: z.number().int().positive(),
      consequences: z.array(z.string()).min(1),
      classification: z.enum(['oncogenic', 'likely-oncogenic']),
      citations: z.array(CitationSchema).min(1),
    })
    .strict(),
  /** Loss-of-function consequences of a tumour suppressor (stop gained, frameshift, splice site...). */
  z.object({ kind: z.literal('loss-of-function'), consequences: z.array(z.string()).min(1), classification: z.enum(['oncogenic', 'likely-oncogenic']), citations: z.array(CitationSchema).min(1) }).strict(),
]);
export type OncogenicityRule = z.infer<typeof OncogenicityRuleSchema>;

export const OncogenicityFileSchema = z
  .object({
    genes: z.array(z.object({ gene: z.string().min(1), rules: z.array(OncogenicityRuleSchema).min(1) }).strict()),
    /** Common germline polymorphisms, never actionable (population AF > 1%), each cited (dbSNP / gnomAD). */
    polymorphisms: z.array(z.object({ gene: z.string().min(1), hgvsp: z.string().regex(/^p\.[A-Z*][0-9]+/), rsid: z.string().regex(/^rs\d+$/).optional(), note: z.string().min(1), citations: z.array(CitationSchema).min(1) }).strict()),
  })
  .strict();
export type OncogenicityFile = z.infer<typeof OncogenicityFileSchema>;

/** The drug-class ontology (data/drug-classes.json): drug name (lower case) -> classes, synonyms, sources. */
export const DrugClassFileSchema = z
  .object({
    classes: z.array(
      z
        .object({
          id: DrugClassSchema,
          label: z.string().min(1),
          parent: DrugClassSchema.optional(),
          /** Names sources use for the class as a "drug" (CIViC: "hormone therapy", "aromatase inhibitor"). */
          synonyms: z.array(z.string().min(1)).default([]),
          /** The WHO ATC group the class follows (re-read E7); absent for a her2scope grouping, which `note` then says. */
          citations: z.array(CitationSchema).optional(),
          /** Why the class has no ATC group of its own (a her2scope grouping across or inside ATC groups). */
          note: z.string().min(1).optional(),
        })
        .strict(),
    ),
    drugs: z.array(
      z
        .object({
          name: z.string().min(1),
          synonyms: z.array(z.string().min(1)).default([]),
          classes: z.array(DrugClassSchema).min(1),
          citations: z.array(CitationSchema).min(1),
        })
        .strict(),
    ),
  })
  .strict();
export type DrugClassFile = z.infer<typeof DrugClassFileSchema>;

export const KnowledgeBaseSchema = z
  .object({
    version: z.string().min(1),
    sources: z.array(z.object({ name: z.string(), version: z.string(), licence: z.string(), citation: z.string() }).strict()).min(1),
    entries: z.array(KbEntrySchema),
    /** Per-gene oncogenicity rules and the common-polymorphism list (data/oncogenicity.json), when bundled. */
    oncogenicity: OncogenicityFileSchema.optional(),
    /** The drug-class ontology (data/drug-classes.json), when bundled. */
    drugClasses: DrugClassFileSchema.optional(),
  })
  .strict();
export type KnowledgeBase = z.infer<typeof KnowledgeBaseSchema>;
