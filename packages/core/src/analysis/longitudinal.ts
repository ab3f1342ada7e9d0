/**
 * Read-level look-back, copy number from sequencing and serial plasma ctDNA in the longitudinal interpretation
 * (issue 16). Pure: the adapters hand in the read counts (formats/reads), the copy-number segments
 * (formats/copynumber) and the variant calls; the models and their sources are in ../reads, ../copynumber and
 * ../ctdna (docs/reads.md).
 *
 * - Read evidence per finding: for every other sample with reads, the alt/ref counts at the finding's position,
 *   judged by the binomial error model (assessReadEvidence). An earlier sample's reads decide the origin when they
 *   are decisive: alt reads significant against the error rate -> pre-existing (clonal / subclonal with the
 *   sample's purity); no significant alt reads with >= 95% power for the VAF the variant would have there (its VAF
 *   where found, scaled by purity, origin.ts `expectedVaf`) -> acquired. Otherwise the VCF/BED judgement stands.
 *   A call in an earlier sample's VCF stays the first rule (found in -> pre-existing).
 * - Copy number per sample: gene-level status (geneCopyNumbers, purity/ploidy from the case) and ERBB2 reconciled
 *   with the same sample's IHC/ISH (reconcileErbb2); changes of a gene's status between samples (`cn-change`).
 * - Plasma: where each plasma variant comes from with the matched white cells (the VCF's normal column in
 *   plasma-vs-white-cell calling; classifyPlasmaVariant: tumour, presumed tumour, possible CHIP, CHIP, germline),
 *   the draw's detection limit, each variant's VAF trajectory across draws and `emerging-variant` when a tumour
 *   variant is first seen during a therapy. CHIP and germline plasma variants never support a therapy option.
 *   The plasma origin is decided once per variant over all draws (plasmaOrigins) and that one decision is the
 *   finding's `plasma` (which gates its therapy items) and the ctDNA summary's origin.
 */
import type { Erbb2Reconciliation, GeneCopyNumber, Her2Plain, CnSegment } from '../copynumber/index.ts';
import { copyNumberChanges, geneCopyNumbers, reconcileErbb2 } from '../copynumber/index.ts';
import type { DetectionLimit, PlasmaOrigin, PlasmaOriginResult, Trajectory, Trend } from '../ctdna/index.ts';
import { chGene, classifyPlasmaVariant, classifyTrajectory, ctdnaDetectionLimit, ctdnaFraction, CTDNA_CCF_SOURCE, emergingDuringTherapy, perPositionAlphaNote } from '../ctdna/index.ts';
import { assessReadEvidence, formatPercent, type ReadEvidenceStatus } from '../reads/index.ts';
import type { ClassificationResult } from '../classification/types.ts';
import type { CaseSample, Treatment } from '../case/schema.ts';
import type { VariantCall } from '../variants/types.ts';
import { expectedVaf, genomicKey, sameVariant, type OriginCall } from './origin.ts';

// ---------------------------------------------------------------- inputs (from the adapters)

/** Reads at one position in one sample (formats/reads `AlleleCounts`). */
export interface SiteReadCount {
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  refReads: number;
  altReads: number;
  otherReads: number;
  depth: number;
  /** Why nothing was counted (contig not in the file, complex allele). */
  note?: string;
}

/** A sample's reads, counted at the positions of every variant of the case. */
export interface SampleReads {
  /** The alignment file as the case names it. */
  file: string;
  counts: SiteReadCount[];
}

/** A sample's copy-number segments with the purity / ploidy to read them with. */
export interface SampleCopyNumberInput {
  file: string;
  /** cnvkit, seg, pcgr or vcf. */
  format: string;
  segments: CnSegment[];
  purity: number | null;
  ploidy: number | null;
}

/** What this module needs of a loaded sample (SampleData has it). */
export interface LongitudinalSample {
  sample: CaseSample;
  variants: VariantCall[] | null;
  reads?: SampleReads | null;
  copyNumber?: SampleCopyNumberInput | null;
}

// ---------------------------------------------------------------- read evidence per finding

export interface FindingReadEvidence {
  /** The sample whose reads were counted. */
  sample: string;
  collected: string;
  /** earlier / same-day / later than the finding's sample. */
  when: 'earlier' | 'same-day' | 'later';
  status: ReadEvidenceStatus | 'not-evaluable';
  altReads: number;
  depth: number;
  vaf: number | null;
  /** One-sided binomial p of the alt reads against the per-base error rate. */
  pValue: number | null;
  /** Smallest VAF seen with >= 95% power at this depth. */
  detectableVaf: number | null;
  clonality: 'clonal' | 'subclonal' | null;
  ccf: number | null;
  /** The VAF the variant would have in this sample (earlier samples; `vafThere`), when one was judged against. */
  vafOfInterest?: number;
  /** Power to call that VAF at this depth (the significant-count rule). */
  power?: number;
  /** "absent: 0/812 reads in E-PRIMARY, ≥95% power for VAF ≥ 0.37%". */
  text: string;
}

/** The counts of `v` in a sample's reads, or null when the sample's reads were not counted there. */
function countFor(reads: SampleReads, v: VariantCall): SiteReadCount | null {
  const key = genomicKey(v);
  return reads.counts.find((c) => genomicKey(c) === key) ?? null;
}

/**
 * The VAF a variant seen in `self` at `vaf` would have in `other` (origin.ts expectedVaf, purity-adjusted). A plasma
 * VAF is diluted by the draw's tumour fraction, which stands for its purity here; a plasma draw without
 * `tumorFraction` gives no VAF of interest (the power statement is then given alone).
 */
function vafThere(vaf: number, other: LongitudinalSample, self: LongitudinalSample): { vaf: number; basis: string } | undefined {
  const plasma = self.sample.type === 'plasma';
  const own = plasma ? self.sample.tumorFraction : self.sample.purity;
  if (plasma && (own === undefined || own <= 0)) return undefined;
  const there = other.sample.purity;
  const f = expectedVaf(vaf, other, { sample: { ...self.sample, purity: own } });
  // the words follow origin.ts expectedVaf: both purities -> scaled between them; only the other's -> times it
  const ownText = own === undefined ? '' : ` at ${plasma ? 'tumour fraction' : 'purity'} ${formatPercent(own)}`;
  const scaled =
    there === undefined ? `, no purity of ${other.sample.id} to scale by` : own === undefined ? `, times purity ${formatPercent(there)}, ${self.sample.id} taken as pure` : `, scaled to purity ${formatPercent(there)}, same cancer cell fraction`;
  return { vaf: f, basis: `${formatPercent(vaf)} in ${self.sample.id}${ownText}${scaled}` };
}

/**
 * Read evidence for a finding of `self` in every other sample with reads, in collection order. For earlier
 * samples the power statement is for the VAF the variant would have there (`expectedVaf`); later ones are shown
 * without it.
 */
export function readEvidenceFor(v: VariantCall, self: LongitudinalSample, samples: readonly LongitudinalSample[]): FindingReadEvidence[] {
  const out: FindingReadEvidence[] = [];
  for (const o of samples) {
    if (o === self || !o.reads) continue;
    const when = o.sample.collected < self.sample.collected ? 'earlier' : o.sample.collected === self.sample.collected ? 'same-day' : 'later';
    const c = countFor(o.reads, v);
    const base = { sample: o.sample.id, collected: o.sample.collected, when } as const;
    if (!c || c.note) {
      out.push({ ...base, status: 'not-evaluable', altReads: 0, depth: 0, vaf: null, pValue: null, detectableVaf: null, clonality: null, ccf: null, text: `not evaluable in ${o.sample.id}: ${c?.note ?? 'position not counted'}` });
      continue;
    }
    const purity = o.sample.purity;
    // a plasma call from the blood (CHIP, germline, possible CHIP) has no tumour VAF to expect elsewhere
    const plasmaOrigin = self.sample.type === 'plasma' ? plasmaCall(v).origin : null;
    const fromBlood = plasmaOrigin !== null && plasmaOrigin !== 'tumour' && plasmaOrigin !== 'presumed-tumour';
    const interest = when === 'earlier' && v.vaf !== null && !fromBlood ? vafThere(v.vaf, o, self) : undefined;
    const voi = interest !== undefined && interest.vaf > 0 ? { vafOfInterest: interest.vaf, vafOfInterestBasis: interest.basis } : {};
    const e = assessReadEvidence({ sample: o.sample.id, altReads: c.altReads, depth: c.depth, ...(purity !== undefined ? { purityModel: { purity } } : {}), ...voi });
    // "pre-existing" only of an earlier sample; a later or same-day sample's alt reads say "present"
    const text = when === 'earlier' ? e.text : e.text.replace(/^pre-existing, /, 'present, ');
    const power = e.vafOfInterest !== null && e.powerAtVafOfInterest !== null ? { vafOfInterest: e.vafOfInterest, power: e.powerAtVafOfInterest } : {};
    out.push({ ...base, status: e.status, altReads: e.altReads, depth: e.depth, vaf: e.vaf, pValue: e.pValue, detectableVaf: e.detectableVaf, clonality: e.clonality, ccf: e.ccf, ...power, text });
  }
  return out;
}

/** The origin once the earlier samples' reads are heard (see the module comment); `evidenceText` for the change. */
export function originWithReads<S extends LongitudinalSample>(base: OriginCall, evidence: readonly FindingReadEvidence[], samples: readonly S[]): OriginCall & { readText: string | null } {
  if (base.origin === 'pre-existing') return { ...base, readText: null };
  const earlier = evidence.filter((e) => e.when === 'earlier');
  const byId = (id: string) => samples.find((s) => s.sample.id === id) ?? null;
  const present = earlier.find((e) => e.status === 'present');
  if (present) return { origin: 'pre-existing', sample: byId(present.sample) as OriginCall['sample'], reason: present.text, readText: present.text };
  // absence in a plasma draw's reads does not exclude the variant in the tumour (tumour fraction)
  const absent = [...earlier].reverse().find((e) => e.status === 'absent' && byId(e.sample)?.sample.type !== 'plasma');
  if (absent) return { origin: 'acquired', sample: byId(absent.sample) as OriginCall['sample'], reason: absent.text, readText: absent.text };
  if (earlier.length === 0) return { ...base, readText: null };
  return { ...base, reason: `${base.reason}; reads: ${earlier.map((e) => e.text).join('; ')}`, readText: null };
}

// ---------------------------------------------------------------- copy number per sample

export interface SampleCopyNumber {
  file: string;
  format: string;
  purity: number | null;
  ploidy: number;
  /** The breast-cancer genes the segments cover (CN_GENES). */
  genes: GeneCopyNumber[];
  /** ERBB2 by NGS against this sample's IHC/ISH; null when ERBB2 is not covered. */
  erbb2: Erbb2Reconciliation | null;
}

/** The sample's HER2 by IHC/ISH as plain values (the input's IHC score; ISH amplified from the classification). */
export function her2Plain(sample: CaseSample, c: ClassificationResult | null): Her2Plain {
  const h = sample.pathology?.her2;
  const status = c?.her2?.status ?? null;
  return {
    ihc: h?.ihc ?? null,
    ishAmplified: h?.ish ? status === 'positive' : null,
    status,
  };
}

export function sampleCopyNumber(s: LongitudinalSample, classification: ClassificationResult | null): SampleCopyNumber | null {
  const cn = s.copyNumber;
  if (!cn) return null;
  const purity = cn.purity ?? s.sample.purity ?? null;
  const ploidy = cn.ploidy ?? 2;
  const genes = geneCopyNumbers(cn.segments, { purity, ploidy });
  const erbb2 = genes.find((g) => g.gene === 'ERBB2') ?? null;
  return { file: cn.file, format: cn.format, purity, ploidy, genes, erbb2: erbb2 ? reconcileErbb2(erbb2.status, her2Plain(s.sample, classification)) : null };
}

export interface CnChangeItem {
  gene: string;
  from: string;
  to: string;
  fromSample: string;
  toSample: string;
  detail: string;
}

/** Per gene, each sample's status against the most recent earlier sample with that gene called. */
export function cnChanges(ordered: ReadonlyArray<{ id: string; collected: string; copyNumber: SampleCopyNumber | null }>): CnChangeItem[] {
  const out: CnChangeItem[] = [];
  const last = new Map<string, { id: string; collected: string; g: GeneCopyNumber }>();
  for (const s of ordered) {
    if (!s.copyNumber) continue;
    for (const g of s.copyNumber.genes) {
      const prev = last.get(g.gene);
      if (prev && prev.collected < s.collected) {
        for (const c of copyNumberChanges([prev.g], [g])) out.push({ gene: c.gene, from: `${c.from} (copy number ${prev.g.copyNumber})`, to: `${c.to} (copy number ${g.copyNumber})`, fromSample: prev.id, toSample: s.id, detail: `${c.detail}, ${prev.id} (${prev.collected}) -> ${s.id} (${s.collected}), copy number by sequencing` });
      }
      last.set(g.gene, { id: s.id, collected: s.collected, g });
    }
  }
  return out;
}

// ---------------------------------------------------------------- plasma

export interface PlasmaCall extends PlasmaOriginResult {
  /** White-cell reads at the position (the VCF's normal column), when given. */
  wbcAltReads: number | null;
  wbcDepth: number | null;
  /** The plasma draw whose call (and white-cell reads) decided the origin: the variant's one origin over all draws. */
  draw: string;
}

const isPlasma = (s: LongitudinalSample) => s.sample.type === 'plasma';

/** Where a variant called in one plasma draw comes from, by that draw's white-cell reads alone (module comment). */
export function plasmaCall(v: VariantCall, draw: string): PlasmaCall {
  const wbc = v.normalAltCount !== undefined && v.normalAltCount !== null && v.normalDepth !== undefined && v.normalDepth !== null ? { altReads: v.normalAltCount, depth: v.normalDepth } : null;
  const r = classifyPlasmaVariant({ gene: v.gene, proteinChange: v.hgvsp, plasmaVaf: v.vaf ?? 0, wbc });
  return { ...r, wbcAltReads: wbc?.altReads ?? null, wbcDepth: wbc?.depth ?? null, draw };
}

/**
 * Which call decides when the draws disagree: germline > CHIP > tumour > possible CHIP > presumed tumour. Germline
 * is constitutional and CHIP is a clone in the blood (CHIP_SOURCE, ctdna/index.ts), so a variant that the white
 * cells of any draw show as germline or CHIP is that in every draw, and never supports an option as a tumour
 * variant; a white-cell judgement (tumour) outranks a draw without one (possible CHIP, presumed tumour).
 * her2scope design rule (the safe direction); the per-draw calls are classifyPlasmaVariant's.
 */
const ORIGIN_RANK: Record<PlasmaOrigin, number> = { germline: 0, chip: 1, tumour: 2, 'possible-chip': 3, 'presumed-tumour': 4 };

/** Every plasma variant's origin, decided once over all draws (plasmaOrigins). */
export interface PlasmaOrigins {
  /** The call that decides `v`'s origin (null when no draw called it). */
  decided(v: VariantCall): PlasmaCall | null;
  /** The same decision as the finding of `v` in `draw` shows it: the draw's own call when it agrees. */
  of(v: VariantCall, draw: LongitudinalSample): PlasmaCall | null;
}

const sampleOrder = (a: LongitudinalSample, b: LongitudinalSample) => a.sample.collected.localeCompare(b.sample.collected) || a.sample.id.localeCompare(b.sample.id);

/**
 * The plasma origin of each variant decided once over all plasma draws (ORIGIN_RANK; ties: the earliest draw). The
 * analysis uses this one decision for the finding (its `plasma`, origin and therapy items: interpret.ts) and for the
 * ctDNA summary, so the two never disagree. A draw whose own call differs says so in the text.
 */
export function plasmaOrigins(samples: readonly LongitudinalSample[]): PlasmaOrigins {
  const draws = samples.filter((s) => isPlasma(s) && s.variants !== null).sort(sampleOrder);
  // each draw's calls of v (sameVariant), judged lazily: only the variants asked about are classified
  const memo = new Map<VariantCall, PlasmaCall>();
  const judged = (w: VariantCall, d: LongitudinalSample): PlasmaCall => {
    let c = memo.get(w);
    if (!c) memo.set(w, (c = plasmaCall(w, d.sample.id)));
    return c;
  };
  const decide = (v: VariantCall): { call: PlasmaCall; draw: LongitudinalSample } | null => {
    let best: { call: PlasmaCall; draw: LongitudinalSample } | null = null;
    for (const d of draws) {
      const w = (d.variants ?? []).find((x) => sameVariant(x, v));
      if (!w) continue;
      const call = judged(w, d);
      if (best === null || ORIGIN_RANK[call.origin] < ORIGIN_RANK[best.call.origin]) best = { call, draw: d };
    }
    return best;
  };
  return {
    decided: (v) => decide(v)?.call ?? null,
    of(v, draw) {
      const best = decide(v);
      if (!best) return null;
      if (best.draw === draw) return best.call;
      const mine = (draw.variants ?? []).find((x) => sameVariant(x, v));
      const own = mine ? judged(mine, draw) : plasmaCall(v, draw.sample.id);
      if (own.origin === best.call.origin) return own;
      return { ...best.call, text: `${best.call.text} (white cells of draw ${best.draw.sample.id}, ${best.draw.sample.collected}; one origin per variant over all draws; this draw alone: ${own.text})` };
    },
  };
}

/** Genes whose plasma variants are shown even when the KB has nothing for them: the CH genes (flagged). */
export function isChGeneVariant(v: VariantCall): boolean {
  return chGene(v.gene, v.hgvsp) !== null;
}

/** Depth of a draw at a position it did not call: the depth of its calls' median (the draw's sequencing depth). */
function drawDepth(s: LongitudinalSample): number | null {
  const depths = (s.variants ?? []).map((v) => v.depth).filter((d): d is number => d !== null && d > 0).sort((a, b) => a - b);
  if (s.sample.variants?.meanDepth !== undefined) return Math.floor(s.sample.variants.meanDepth);
  if (depths.length === 0) return null;
  return depths[Math.floor(depths.length / 2)] ?? null;
}

export interface CtdnaDraw {
  sample: string;
  collected: string;
  tumorFraction: number | null;
  /** At the draw's depth (meanDepth, else the median depth of its calls). */
  detectionLimit: DetectionLimit | null;
}

export interface CtdnaVariant {
  /** `chrom:pos:ref:alt` (normalised). */
  key: string;
  gene: string;
  alteration: string;
  /** The most informative call over the draws: germline > CHIP > tumour > possible CHIP > presumed tumour. */
  origin: PlasmaOrigin;
  originText: string;
  sources: string[];
  trajectory: Trajectory;
  /** Points with each draw's detection limit (for the plot's not-detected circles). */
  points: Array<{ sample: string; date: string; vaf: number | null; altReads: number | null; depth: number | null; detectionLimit: number | null }>;
  /**
   * Share of ctDNA carrying a tumour-derived variant in each draw with a tumour fraction where it was detected
   * (ctdnaFraction: cancer cell fraction with the tumour fraction as purity). Empty for CHIP / germline calls.
   * Optional: analyses stored before it lack it.
   */
  fractions?: Array<{ sample: string; date: string; tumorFraction: number; ccf: number; ccf95: [number, number] | null; clonality: 'clonal' | 'subclonal' | null; text: string }>;
}

export interface CtdnaSummary {
  draws: CtdnaDraw[];
  variants: CtdnaVariant[];
  /** What the per-position p-value means and the share-of-ctDNA model with its source (optional, as `fractions`). */
  notes?: string[];
}

export interface EmergingChange {
  /** The variant as first called (for the finding it names: sameVariant). */
  variant: VariantCall;
  gene: string;
  alteration: string;
  fromSample: string;
  toSample: string;
  from: string;
  to: string;
  firstDetected: string;
  trend: Trend;
  during: string[];
  detail: string;
}

const pctText = formatPercent;

/**
 * Serial ctDNA over the plasma draws (sorted by date): the draws with their detection limits, every variant called
 * in at least one draw (in genes `keep` accepts) with its origin and trajectory, and the emerging-variant changes.
 * Null without plasma draws.
 */
export function ctdnaSummary(
  samples: readonly LongitudinalSample[],
  treatments: readonly Treatment[],
  keep: (v: VariantCall) => boolean,
  label: (v: VariantCall) => string,
  origins: PlasmaOrigins = plasmaOrigins(samples),
): { summary: CtdnaSummary; emerging: EmergingChange[] } | null {
  const draws = samples.filter((s) => isPlasma(s) && s.variants !== null).sort(sampleOrder);
  if (draws.length === 0) return null;
  const drawInfo: CtdnaDraw[] = draws.map((d) => {
    const depth = drawDepth(d);
    return { sample: d.sample.id, collected: d.sample.collected, tumorFraction: d.sample.tumorFraction ?? null, detectionLimit: depth !== null ? ctdnaDetectionLimit(depth) : null };
  });
  const seen: VariantCall[] = [];
  for (const d of draws) for (const v of d.variants ?? []) if (keep(v) && !seen.some((w) => sameVariant(v, w))) seen.push(v);
  const variants: CtdnaVariant[] = [];
  const emerging: EmergingChange[] = [];
  for (const v of seen) {
    const calls = draws.map((d) => (d.variants ?? []).find((w) => sameVariant(v, w)) ?? null);
    // the one decision over all draws (plasmaOrigins), the same the findings carry
    const best = origins.decided(v);
    if (!best) continue;
    const points = draws.map((d, i) => {
      const c = calls[i] ?? null;
      const info = drawInfo[i];
      const depth = c?.depth ?? info?.detectionLimit?.depth ?? null;
      return { sample: d.sample.id, date: d.sample.collected, vaf: c ? (c.vaf ?? null) : 0, altReads: c ? c.altCount : 0, depth, detectionLimit: info?.detectionLimit?.vaf ?? null };
    });
    const trajectory = classifyTrajectory(points.map((p) => ({ sample: p.sample, date: p.date, vaf: p.vaf, altReads: p.altReads, depth: p.depth })));
    const name = `${v.gene} ${label(v)}`;
    const tumourDerived = best.origin === 'tumour' || best.origin === 'presumed-tumour';
    const fractions = tumourDerived
      ? points.flatMap((p, i) => {
          const tf = drawInfo[i]?.tumorFraction ?? null;
          if (tf === null || tf <= 0 || p.vaf === null || p.vaf <= 0) return [];
          const f = ctdnaFraction(p.vaf, tf, p.altReads !== null && p.depth !== null ? { altReads: p.altReads, depth: p.depth } : null);
          return [{ sample: p.sample, date: p.date, tumorFraction: tf, ccf: f.ccf, ccf95: f.ccf95, clonality: f.clonality, text: `${p.sample}: ${f.text}` }];
        })
      : [];
    variants.push({ key: genomicKey(v), gene: v.gene, alteration: label(v), origin: best.origin, originText: best.text, sources: best.sources, trajectory, points, fractions });
    if (best.origin === 'chip' || best.origin === 'germline' || best.origin === 'possible-chip') continue;
    const em = emergingDuringTherapy(name, trajectory, treatments);
    if (!em) continue;
    const detected = points.filter((p) => p.vaf !== null && p.vaf > 0);
    const first = detected[0];
    const lastPoint = detected[detected.length - 1];
    if (!first || !lastPoint) continue;
    emerging.push({
      variant: v,
      gene: v.gene,
      alteration: label(v),
      fromSample: first.sample,
      toSample: lastPoint.sample,
      from: `VAF ${pctText(first.vaf ?? 0)} (${first.date}, first detected)`,
      to: `VAF ${pctText(lastPoint.vaf ?? 0)} (${lastPoint.date}, ${trajectory.trend})`,
      firstDetected: em.firstDetected,
      trend: em.trend,
      during: em.during,
      detail: `${em.detail}; ${best.text}`,
    });
  }
  const notes = [perPositionAlphaNote(), ...(variants.some((x) => (x.fractions ?? []).length > 0) ? [`Share of ctDNA: ${CTDNA_CCF_SOURCE}.`] : [])];
  return { summary: { draws: drawInfo, variants, notes }, emerging };
}
