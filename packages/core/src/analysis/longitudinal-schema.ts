/**
 * The issue-16 parts of the analysis contract (schema.ts): read evidence per finding, plasma origin, copy number per
 * sample and serial ctDNA. Kept equal to the engine's types (longitudinal.ts, copynumber, ctdna) by the compile-time
 * checks at the end. Core-only: zod, no I/O.
 */
import { z } from 'zod';
import type { Erbb2Reconciliation, GeneCopyNumber } from '../copynumber/index.ts';
import type { DetectionLimit, Trajectory } from '../ctdna/index.ts';
import type { CtdnaSummary, FindingReadEvidence, PlasmaCall, SampleCopyNumber } from './longitudinal.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const count = z.number().int().nonnegative();

export const FindingReadEvidenceSchema = z
  .object({
    sample: z.string(),
    collected: date,
    when: z.enum(['earlier', 'same-day', 'later']),
    status: z.enum(['present', 'absent', 'inconclusive', 'no-coverage', 'not-evaluable']),
    altReads: count,
    depth: count,
    vaf: z.number().nullable(),
    pValue: z.number().nullable(),
    detectableVaf: z.number().nullable(),
    clonality: z.enum(['clonal', 'subclonal']).nullable(),
    ccf: z.number().nullable(),
    vafOfInterest: z.number().optional(),
    power: z.number().optional(),
    text: z.string(),
  })
  .strict();

export const PLASMA_ORIGINS = ['tumour', 'presumed-tumour', 'possible-chip', 'chip', 'germline'] as const;

export const PlasmaCallSchema = z
  .object({
    origin: z.enum(PLASMA_ORIGINS),
    text: z.string(),
    sources: z.array(z.string()),
    wbcAltReads: count.nullable(),
    wbcDepth: count.nullable(),
    /** The plasma draw whose call decided the origin (one origin per variant over all draws: longitudinal.ts plasmaOrigins). */
    draw: z.string(),
  })
  .strict();

export const GeneCopyNumberSchema = z
  .object({
    gene: z.string(),
    status: z.enum(['amplification', 'gain', 'neutral', 'loss', 'deep-deletion']),
    copyNumber: z.number(),
    log2: z.number().nullable(),
    method: z.enum(['stated', 'purity-adjusted', 'cnvkit-threshold']),
    coverage: z.number(),
    text: z.string(),
    sources: z.array(z.string()),
    segment: z.object({ chrom: z.string(), start: count, end: count, size: count, count }).strict().optional(),
    rule: z.string().optional(),
  })
  .strict();

export const Erbb2ReconciliationSchema = z.object({ concordance: z.enum(['concordant', 'discordant', 'supportive', 'not-assessable']), text: z.string(), source: z.string() }).strict();

export const SampleCopyNumberSchema = z
  .object({
    file: z.string(),
    format: z.string(),
    purity: z.number().nullable(),
    ploidy: z.number(),
    genes: z.array(GeneCopyNumberSchema),
    erbb2: Erbb2ReconciliationSchema.nullable(),
  })
  .strict();

export const DetectionLimitSchema = z.object({ depth: count, minAltReads: count, vaf: z.number().nullable(), text: z.string() }).strict();

const DrawSchema = z
  .object({ sample: z.string(), date, vaf: z.number().nullable(), altReads: count.nullable().optional(), depth: count.nullable().optional() })
  .strict();

export const TrajectorySchema = z
  .object({
    trend: z.enum(['emerging', 'rising', 'falling', 'steady', 'cleared', 'not-detected']),
    firstDetected: date.nullable(),
    points: z.array(DrawSchema),
    text: z.string(),
  })
  .strict();

export const CtdnaSummarySchema = z
  .object({
    draws: z.array(z.object({ sample: z.string(), collected: date, tumorFraction: z.number().nullable(), detectionLimit: DetectionLimitSchema.nullable() }).strict()),
    variants: z.array(
      z
        .object({
          key: z.string(),
          gene: z.string(),
          alteration: z.string(),
          origin: z.enum(PLASMA_ORIGINS),
          originText: z.string(),
          sources: z.array(z.string()),
          trajectory: TrajectorySchema,
          points: z.array(
            z
              .object({ sample: z.string(), date, vaf: z.number().nullable(), altReads: count.nullable(), depth: count.nullable(), detectionLimit: z.number().nullable() })
              .strict(),
          ),
          fractions: z
            .array(
              z
                .object({ sample: z.string(), date, tumorFraction: z.number(), ccf: z.number(), ccf95: z.tuple([z.number(), z.number()]).nullable(), clonality: z.enum(['clonal', 'subclonal']).nullable(), text: z.string() })
                .strict(),
            )
            .optional(),
        })
        .strict(),
    ),
    notes: z.array(z.string()).optional(),
  })
  .strict();

// ---- compile-time checks: the engine's types equal the contract's -----------------------------------------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const checks: [
  Equal<z.infer<typeof FindingReadEvidenceSchema>, FindingReadEvidence>,
  Equal<z.infer<typeof PlasmaCallSchema>, PlasmaCall>,
  Equal<z.infer<typeof GeneCopyNumberSchema>, GeneCopyNumber>,
  Equal<z.infer<typeof Erbb2ReconciliationSchema>, Erbb2Reconciliation>,
  Equal<z.infer<typeof SampleCopyNumberSchema>, SampleCopyNumber>,
  Equal<z.infer<typeof DetectionLimitSchema>, DetectionLimit>,
  Equal<z.infer<typeof TrajectorySchema>, Trajectory>,
  Equal<z.infer<typeof CtdnaSummarySchema>, CtdnaSummary>,
] = [true, true, true, true, true, true, true, true];
void checks;
