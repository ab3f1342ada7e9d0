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
    direction: z.enum(['sensitivity', 'resistance']),
    level: z.enum(EVIDENCE_LEVELS),
  })
  .strict();
export type Therapy = z.infer<typeof TherapySchema>;

/** Clinical context an entry requires of the sample (e.g. elacestrant: ER-positive, HER2-negative). */
export const ContextSchema = z
  .object({
    hr: z.enum(['positive', 'negative']).optional(),
    her2: z.enum(['positive', 'negative']).optional(),
  })
  .strict();

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
  })
  .strict();
export type KbEntry = z.infer<typeof KbEntrySchema>;

export const KnowledgeBaseSchema = z
  .object({
    version: z.string().min(1),
    sources: z.array(z.object({ name: z.string(), version: z.string(), licence: z.string(), citation: z.string() }).strict()).min(1),
    entries: z.array(KbEntrySchema),
  })
  .strict();
export type KnowledgeBase = z.infer<typeof KnowledgeBaseSchema>;
