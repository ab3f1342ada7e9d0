import type { ClassificationResult } from '../classification/types.ts';
import type { CaseFile, CaseSample, Treatment } from '../case/schema.ts';
import type { Citation, EvidenceLevel, Therapy } from '../kb/schema.ts';
import type { CoveredRegion, VariantCall } from '../variants/types.ts';

/** The minimum a cytometry result must say for the interpretation; the full result is passed through. */
export interface CytometrySummary {
  hiddenHer2StemCells: boolean;
  [key: string]: unknown;
}

/** One sample's loaded data, as the adapters hand it to the core. */
export interface SampleData {
  sample: CaseSample;
  /** Variant calls of the tumour sample; null when the sample was not sequenced. */
  variants: VariantCall[] | null;
  /** Sequenced regions; null when no BED was given (coverage unknown). */
  regions: CoveredRegion[] | null;
  cytometry: CytometrySummary | null;
}

export interface CaseData {
  case: CaseFile;
  samples: SampleData[];
}

export type Origin = 'pre-existing' | 'acquired' | 'not-evaluable-earlier' | 'first-sample';

export interface EvidenceRef {
  id: string;
  /** The KB entry's alteration label (e.g. `L755S`, `HER2-low`). */
  alteration: string;
  /** The KB entry's alteration kind (protein, range, consequence, her2-category, her2-stem-cells). */
  alterationKind: string;
  effect: string;
  summary: string;
  therapies: Therapy[];
  citations: Citation[];
  /** Whether the sample meets the entry's clinical context (e.g. HR-positive). */
  context: 'fits' | 'does-not-fit' | 'unknown';
}

export interface Finding {
  gene: string;
  /** Short protein HGVS when known, else `chrom:pos ref>alt`. */
  alteration: string;
  hgvsc: string | null;
  consequence: string;
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  origin: Origin;
  /** The earlier sample the origin rests on (found in, or covered by), when there is one. */
  originSample: string | null;
  vaf: number | null;
  depth: number | null;
  evidence: EvidenceRef[];
}

export interface TreatmentExposure {
  drug: string;
  start: string;
  end: string | null;
  /** Whole months of exposure before the sample was collected. */
  months: number;
}

export type ChangeKind = 'acquired-variant' | 'lost-variant' | 'her2-conversion' | 'er-conversion' | 'pr-conversion';

export interface Change {
  kind: ChangeKind;
  detail: string;
  from: string;
  to: string;
  /** Earlier and later sample ids. */
  fromSample: string;
  toSample: string;
  afterTreatments: TreatmentExposure[];
}

export interface SampleAnalysis {
  id: string;
  type: CaseSample['type'];
  site: CaseSample['site'];
  collected: string;
  classification: ClassificationResult | null;
  sequenced: boolean;
  findings: Finding[];
  /** Variants in genes the KB does not cover (counted, not listed). */
  otherVariants: number;
  /** KB entries matched by HER2 status or cytometry. */
  statusEvidence: EvidenceRef[];
  cytometry: CytometrySummary | null;
}

export interface TherapyOption {
  therapy: string;
  drugs: string[];
  level: EvidenceLevel;
  reasons: string[];
  citations: Citation[];
  /** Resistance evidence for one of the drugs in the same sample. */
  warnings: string[];
}

export interface ResistanceWarning {
  therapy: string;
  drugs: string[];
  level: EvidenceLevel;
  reason: string;
  citations: Citation[];
}

export interface AnalysisResult {
  patient: CaseFile['patient'];
  samples: SampleAnalysis[];
  changes: Change[];
  /** Options for the latest sample, best evidence first. */
  therapyOptions: TherapyOption[];
  resistance: ResistanceWarning[];
  /** Which sample the options are for. */
  latestSample: string;
  treatments: Treatment[];
  kbVersion: string;
  notice: string;
}
