import type { ClassificationResult } from '../classification/types.ts';
import type { CaseFile, CaseSample, Treatment } from '../case/schema.ts';
import type { Citation, EvidenceLevel, Therapy } from '../kb/schema.ts';
import type { CoveredRegion, VariantCall } from '../variants/types.ts';
import type { CtdnaSummary, FindingReadEvidence, PlasmaCall, SampleCopyNumber, SampleCopyNumberInput, SampleReads } from './longitudinal.ts';

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
  /** Reads counted at every variant position of the case (read-level look-back); absent / null without reads. */
  reads?: SampleReads | null;
  /** Copy-number segments from sequencing; absent / null without. */
  copyNumber?: SampleCopyNumberInput | null;
}

export interface CaseData {
  case: CaseFile;
  samples: SampleData[];
}

/** `clonal-haematopoiesis`: a plasma variant the matched white cells carry (CHIP), not the tumour's. */
export type Origin = 'germline' | 'pre-existing' | 'acquired' | 'not-evaluable-earlier' | 'first-sample' | 'clonal-haematopoiesis';

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
  /** Whether the patient's state now (latest evaluable receptor results, setting, line) meets the entry's context. */
  context: 'fits' | 'does-not-fit' | 'unknown';
  /** Display text of the entry's setting ("1L metastatic", "extended adjuvant"), when it states one. */
  setting: string | null;
  /** CIViC release date or curated check date. */
  sourceDate: string | null;
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
  /** Why this origin: normal reads, the sample found in, or the detection-power judgement. */
  originReason: string;
  vaf: number | null;
  depth: number | null;
  /** oncogenic / likely-oncogenic by a cited per-gene rule, polymorphism, or VUS (variant-class.ts). */
  oncogenicity: 'oncogenic' | 'likely-oncogenic' | 'vus' | 'polymorphism';
  oncogenicityReason: string;
  /** True for a VUS: shown without therapy. */
  vus: boolean;
  /** Population allele frequency from the annotation, when given. */
  populationAf: number | null;
  /** The KB items that apply to this finding (none for a VUS, a polymorphism, or germline without germline items). */
  evidence: EvidenceRef[];
  /** Read-level look-back: the reads at this position in every other sample with reads (longitudinal.ts). */
  readEvidence?: FindingReadEvidence[];
  /** Plasma findings: tumour / presumed tumour / possible CHIP / CHIP / germline, with the white-cell reads. */
  plasma?: PlasmaCall | null;
}

export interface TreatmentExposure {
  drug: string;
  start: string;
  end: string | null;
  /** Whole months of exposure before the sample was collected. */
  months: number;
}

/** `cn-change`: a gene's copy-number status by sequencing changed; `emerging-variant`: first seen in plasma during a therapy. */
export type ChangeKind = 'acquired-variant' | 'lost-variant' | 'her2-conversion' | 'er-conversion' | 'pr-conversion' | 'cn-change' | 'emerging-variant';

export interface Change {
  kind: ChangeKind;
  detail: string;
  from: string;
  to: string;
  /** Earlier and later sample ids. */
  fromSample: string;
  toSample: string;
  afterTreatments: TreatmentExposure[];
  /** emerging-variant: date of the first plasma detection and the trajectory's trend. */
  firstDetected?: string;
  trend?: string;
}

export interface SampleAnalysis {
  id: string;
  type: CaseSample['type'];
  site: NonNullable<CaseSample['site']>;
  collected: string;
  classification: ClassificationResult | null;
  sequenced: boolean;
  findings: Finding[];
  /** Variants in genes the KB does not cover (counted, not listed). */
  otherVariants: number;
  /** KB entries matched by HER2 status or cytometry. */
  statusEvidence: EvidenceRef[];
  cytometry: CytometrySummary | null;
  /** Plasma draws: the circulating tumour DNA fraction given in the case. */
  tumorFraction?: number | null;
  /** Gene-level copy number by sequencing and ERBB2 against IHC/ISH; null without copy-number data. */
  copyNumber?: SampleCopyNumber | null;
}

export interface TherapySupport {
  /** KB entry id. */
  id: string;
  level: EvidenceLevel;
  /** "CIViC 2021-08-01" or "checked 2026-11-23". */
  source: string;
  setting: string | null;
  citations: Citation[];
}

export interface TherapyOption {
  therapy: string;
  /** Canonical drug names, in the regimen's fixed order. */
  drugs: string[];
  level: EvidenceLevel;
  reasons: string[];
  /** Citations of the items that support this regimen (and their curated reviews), never of other regimens. */
  citations: Citation[];
  /** Resistance evidence against one of the drugs, or HER2 discordance; an option with warnings ranks after clean ones. */
  warnings: string[];
  /** Setting text of the best supporting item ("1L metastatic", "after >=1 anti-HER2 regimen"), when stated. */
  setting: string | null;
  /** `fits`: at least one supporting item's context fits the patient; `unknown`: none states enough. */
  context: 'fits' | 'unknown';
  /** The supporting KB items, one per entry. */
  support: TherapySupport[];
}

/** A negative trial (direction `no-benefit`): shown as contrary evidence, never as an option. */
export interface ContraryEvidence {
  therapy: string;
  drugs: string[];
  level: EvidenceLevel;
  reason: string;
  citations: Citation[];
}

/** A therapy the KB names for a finding that does not apply to this patient, with the reason. */
export interface ExcludedOption {
  therapy: string;
  level: EvidenceLevel;
  reason: string;
}

/** The patient's state the options were judged on (analysis/state.ts). */
export interface PatientContext {
  setting: 'early' | 'metastatic';
  settingSource: string;
  /** Current metastatic line (1 = first line), null in the early setting. */
  line: number | null;
  her2: { status: 'positive' | 'negative'; category: string; sample: string; collected: string } | null;
  hr: { status: 'positive' | 'negative'; sample: string; collected: string; note: string | null } | null;
  priorTherapyClasses: string[];
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
  /** Options for the patient now, ranked (analysis/therapy.ts). */
  therapyOptions: TherapyOption[];
  resistance: ResistanceWarning[];
  /** Negative trials relevant to the findings (never options). */
  contraryEvidence: ContraryEvidence[];
  /** KB therapies that do not apply, with the reason (wrong receptor status, setting, line, not germline...). */
  excludedOptions: ExcludedOption[];
  /** Level D/E items left out (shown with `includePreclinical`). */
  hiddenPreclinical: number;
  /** The state the options were judged on. */
  context: PatientContext;
  /** Warnings about the knowledge base itself (e.g. evidence older than two years). */
  kbNotices: string[];
  /** Which sample the options are for. */
  latestSample: string;
  treatments: Treatment[];
  kbVersion: string;
  notice: string;
  /** Serial plasma ctDNA: draws, detection limits, trajectories (null without plasma draws). */
  ctdna?: CtdnaSummary | null;
}
