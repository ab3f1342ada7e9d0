/**
 * Types of the analysis. The result's types are inferred from the contract's zod schemas (schema.ts); only the
 * input the adapters hand to the core is declared here.
 */
import type { z } from 'zod';
import type { CaseFile, CaseSample } from '../case/schema.ts';
import type { CytometryResult } from '../cytometry/types.ts';
import type { CoveredRegion, VariantCall } from '../variants/types.ts';
import type {
  ChangeSchema,
  ContraryEvidenceSchema,
  EvidenceRefSchema,
  ExcludedOptionSchema,
  FindingSchema,
  ORIGINS,
  PatientContextSchema,
  ResistanceWarningSchema,
  SampleAnalysisSchema,
  TherapyOptionSchema,
  TherapySupportSchema,
  TreatmentExposureSchema,
} from './schema.ts';
import type { SampleCopyNumberInput, SampleReads } from './longitudinal.ts';

export type { AnalysisResult } from './schema.ts';

/** One sample's parsed data, as the adapters hand it to the core (formats parses; the core interprets). */
export interface SampleData {
  sample: CaseSample;
  /** Variant calls of the tumour sample; null when the sample was not sequenced. */
  variants: VariantCall[] | null;
  /** Sequenced regions; null when no BED was given (coverage unknown). */
  regions: CoveredRegion[] | null;
  /**
   * Cytometry populations of the sample. When `bulkHer2` is null and the sample has a HER2 result, the core assesses
   * the hidden HER2+ stem-cell flag against that result (cytometry/analysis.ts `assessBulkHer2`).
   */
  cytometry: CytometryResult | null;
  /** Reads counted at every variant position of the case (read-level look-back); absent / null without reads. */
  reads?: SampleReads | null;
  /** Copy-number segments from sequencing; absent / null without. */
  copyNumber?: SampleCopyNumberInput | null;
}

export interface CaseData {
  case: CaseFile;
  samples: SampleData[];
}

export type Origin = (typeof ORIGINS)[number];
export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type TreatmentExposure = z.infer<typeof TreatmentExposureSchema>;
export type Change = z.infer<typeof ChangeSchema>;
export type ChangeKind = Change['kind'];
export type SampleAnalysis = z.infer<typeof SampleAnalysisSchema>;
export type TherapySupport = z.infer<typeof TherapySupportSchema>;
export type TherapyOption = z.infer<typeof TherapyOptionSchema>;
export type ContraryEvidence = z.infer<typeof ContraryEvidenceSchema>;
export type ExcludedOption = z.infer<typeof ExcludedOptionSchema>;
export type PatientContext = z.infer<typeof PatientContextSchema>;
export type ResistanceWarning = z.infer<typeof ResistanceWarningSchema>;
