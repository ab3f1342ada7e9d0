/**
 * HER2+ CD44+ CD24-/low breast-cancer stem-cell analysis.
 *
 * Biology and gating order: shared/reference/bcsc-and-resistance.md — CD44+CD24-/low (Lin-) phenotype (Al-Hajj M
 * et al. PNAS 2003;100:3983, PMID 12629218); HER2+ stem cells in HER2-negative/low tumours, radioresistant and
 * trastuzumab-sensitive (Duru N et al. Clin Cancer Res 2012;18:6634, PMID 23091114; Ithimakin S et al. Cancer Res
 * 2013;73:1635, PMID 23442322). Gating: live (viability-dye negative) -> lineage/EpCAM kept when positive ->
 * CD44 high vs CD24 low -> HER2 positive.
 *
 * Statistics: Wilson score 95% interval and the zero-event detection limit 1 − 0.05^(1/n) from core
 * stats/proportion.ts. Populations with fewer than 100 events are flagged (rare-event precision; heuristic from the
 * same reference note).
 */
import { detectionLimit, wilsonInterval } from '../stats/proportion.ts';
import { parseBulkHer2 } from './panel.ts';
import { fitLogicle } from './transforms.ts';
import type { GateResult } from './gates.ts';
import type { CytometryPopulation, CytometryResult, MarkerThreshold, PanelMarker, ThresholdSource } from './types.ts';

/** Rare-event heuristic: fewer events than this in a population gives a note (bcsc-and-resistance.md). */
export const SMALL_POPULATION_EVENTS = 100;

/** Per-cell call: 1 positive, 0 negative, 255 missing. */
export const CALL_MISSING = 255;

export interface MarkerInput {
  /** Channel / column name, for reporting. */
  channel: string;
  /** Compensated, untransformed values (NaN = missing). */
  values?: Float64Array;
  /** Per-cell calls (1/0/255) that decide positivity instead of a threshold. */
  calls?: Uint8Array;
  threshold?: { value: number; source: ThresholdSource };
}

export interface StemCellInput {
  eventCount: number;
  markers: { HER2: MarkerInput; CD44: MarkerInput; CD24: MarkerInput; viability?: MarkerInput; lineage?: MarkerInput };
  /** Restrict to these events (e.g. a Gating-ML gate); `gateName` describes it. */
  gate?: { membership: Uint8Array; name: string } | null;
  bulkHer2?: string | null;
  /** Leave the bulk HER2 assessment to the core's case interpretation (summarizeStemCells `deferBulkHer2`). */
  deferBulkHer2?: boolean;
  /** Extra notes from the adapter (compensation used, warnings). */
  notes?: string[];
}

function positiveOf(m: MarkerInput, marker: PanelMarker): (i: number) => number {
  if (m.calls) {
    const c = m.calls;
    return (i) => c[i]!;
  }
  if (!m.values) throw new RangeError(`marker ${marker}: neither values nor calls`);
  if (!m.threshold || !Number.isFinite(m.threshold.value)) throw new RangeError(`marker ${marker}: no threshold`);
  const v = m.values;
  const t = m.threshold.value;
  return (i) => {
    const x = v[i]!;
    return Number.isNaN(x) ? CALL_MISSING : x >= t ? 1 : 0;
  };
}

/** A population with its fraction of the parent and the Wilson 95% interval. */
export function cytometryPopulation(name: string, count: number, parent: string, parentCount: number): CytometryPopulation {
  return { name, count, parent, fraction: parentCount === 0 ? null : count / parentCount, ci95: wilsonInterval(count, parentCount) };
}

/** Percent with enough significant digits for a rare event: 0.015%, 2.0%, 0.00012%. */
export function formatRarePercent(fraction: number): string {
  const p = fraction * 100;
  if (p === 0) return '0%';
  const digits = p >= 10 ? 1 : Math.max(1, 1 - Math.floor(Math.log10(p)));
  return `${p.toFixed(Math.min(digits, 8))}%`;
}

/** "0 of 20,000: < 0.015% at 95%"; with events: "12 of 20,000: 0.060% (95% CI 0.034%-0.10%); detection limit 0.015% at 95%". */
export function describeDetectionLimit(k: number, n: number): string {
  if (n === 0) return 'no events analysed';
  const lim = formatRarePercent(detectionLimit(n));
  const of = `${k.toLocaleString('en-US')} of ${n.toLocaleString('en-US')}`;
  if (k === 0) return `${of}: < ${lim} at 95%`;
  const [lo, hi] = wilsonInterval(k, n);
  return `${of}: ${formatRarePercent(k / n)} (95% CI ${formatRarePercent(lo)}-${formatRarePercent(hi)}); detection limit ${lim} at 95%`;
}

/** Run the stem-cell analysis. Pure: all values come in as columns. */
export function analyzeStemCells(input: StemCellInput): CytometryResult {
  const n = input.eventCount;
  const m = input.markers;
  const her2 = positiveOf(m.HER2, 'HER2');
  const cd44 = positiveOf(m.CD44, 'CD44');
  const cd24 = positiveOf(m.CD24, 'CD24');
  const viability = m.viability ? positiveOf(m.viability, 'viability') : null;
  const lineage = m.lineage ? positiveOf(m.lineage, 'lineage') : null;
  const gate = input.gate?.membership ?? null;
  let outsideGate = 0;
  let dead = 0;
  let lineageNegative = 0;
  let missing = 0;
  let analysed = 0;
  let nHer2 = 0;
  let nStem = 0;
  let nBoth = 0;
  for (let i = 0; i < n; i++) {
    if (gate && gate[i] === 0) {
      outsideGate++;
      continue;
    }
    if (viability) {
      const v = viability(i);
      if (v === CALL_MISSING) {
        missing++;
        continue;
      }
      if (v === 1) {
        dead++;
        continue;
      }
    }
    if (lineage) {
      const l = lineage(i);
      if (l === CALL_MISSING) {
        missing++;
        continue;
      }
      if (l === 0) {
        lineageNegative++;
        continue;
      }
    }
    const h = her2(i);
    const a = cd44(i);
    const b = cd24(i);
    if (h === CALL_MISSING || a === CALL_MISSING || b === CALL_MISSING) {
      missing++;
      continue;
    }
    analysed++;
    const stem = a === 1 && b === 0;
    if (h === 1) nHer2++;
    if (stem) nStem++;
    if (stem && h === 1) nBoth++;
  }

  const thresholds: Partial<Record<string, MarkerThreshold>> = {};
  const notes = [...(input.notes ?? [])];
  for (const key of ['HER2', 'CD44', 'CD24', 'viability', 'lineage'] as const) {
    const mk = m[key];
    if (!mk) continue;
    thresholds[key] = mk.calls ? { channel: mk.channel, value: null, source: 'calls' } : { channel: mk.channel, value: mk.threshold!.value, source: mk.threshold!.source };
    if (!mk.calls && mk.threshold!.source === 'automatic') {
      notes.push(`${key} threshold ${fmt(mk.threshold!.value)} was set automatically (minimum-error split of the logicle-scaled values, Kittler & Illingworth 1986); confirm it with an FMO/isotype control or give it in the panel.`);
    }
  }

  const parts: string[] = [];
  if (input.gate) parts.push(`inside gate '${input.gate.name}'`);
  if (m.viability) parts.push(`live (${m.viability.channel} ${m.viability.calls ? 'call negative' : `below ${fmt(m.viability.threshold!.value)}`})`);
  if (m.lineage) parts.push(`lineage-positive (${m.lineage.channel} ${m.lineage.calls ? 'call positive' : `at or above ${fmt(m.lineage.threshold!.value)}`})`);
  const analysedText = parts.length ? `events ${parts.join(', ')}` : 'all events';
  if (outsideGate) notes.push(`${outsideGate.toLocaleString('en-US')} events outside gate '${input.gate!.name}' were not analysed.`);
  if (dead) notes.push(`${dead.toLocaleString('en-US')} viability-positive (dead) events were excluded.`);
  if (lineageNegative) notes.push(`${lineageNegative.toLocaleString('en-US')} lineage-negative events were excluded.`);
  if (missing) notes.push(`${missing.toLocaleString('en-US')} events with a missing marker value were excluded.`);
  return summarizeStemCells({ totalEvents: n, analysed, her2: nHer2, stem: nStem, both: nBoth, analysedText, thresholds, notes, bulkHer2: input.bulkHer2 ?? null, ...(input.deferBulkHer2 ? { deferBulkHer2: true } : {}) });
}

/**
 * The result from the three populations' counts among `analysed` events: Wilson intervals, the detection limit, the
 * small-population notes and the hidden HER2+ stem-cell flag. Used by the marker analysis above and for the
 * populations a FlowJo workspace names.
 */
export function summarizeStemCells(input: {
  totalEvents: number;
  analysed: number;
  her2: number;
  stem: number;
  both: number;
  analysedText: string;
  thresholds: Partial<Record<string, MarkerThreshold>>;
  notes: string[];
  bulkHer2: string | null;
  /**
   * The bulk HER2 result will come from the case's pathology, assessed by the core's interpretation
   * (`assessBulkHer2`): no "no bulk HER2" note.
   */
  deferBulkHer2?: boolean;
}): CytometryResult {
  const { analysed, her2: nHer2, stem: nStem, both: nBoth } = input;
  const populations = [
    cytometryPopulation('HER2+', nHer2, 'analysed', analysed),
    cytometryPopulation('CD44+CD24-low', nStem, 'analysed', analysed),
    cytometryPopulation('HER2+CD44+CD24-low', nBoth, 'analysed', analysed),
  ];
  const limit = analysed > 0 ? detectionLimit(analysed) : null;
  const notes = input.notes;
  for (const p of populations) {
    if (p.count > 0 && p.count < SMALL_POPULATION_EVENTS) notes.push(`${p.name}: only ${p.count} events (< ${SMALL_POPULATION_EVENTS}); the estimate is imprecise (see its 95% CI).`);
  }
  notes.push(`HER2+CD44+CD24-low ${describeDetectionLimit(nBoth, analysed)}.`);

  const bulk = input.bulkHer2;
  let hidden = false;
  if (bulk !== null) {
    const a = bulkHer2Assessment(nBoth, analysed, limit, bulk);
    hidden = a.hidden;
    if (a.note) notes.push(a.note);
  } else if (!input.deferBulkHer2) {
    notes.push(NO_BULK_HER2_NOTE);
  }

  return {
    events: analysed,
    populations,
    hiddenHer2StemCells: hidden,
    detectionLimit: limit,
    totalEvents: input.totalEvents,
    analysed: input.analysedText,
    thresholds: input.thresholds,
    bulkHer2: bulk,
    notes,
  };
}

export const NO_BULK_HER2_NOTE = 'No bulk HER2 result given (panel bulkHer2 or --bulk-her2): the hidden HER2+ stem-cell flag is not assessed.';

/** The hidden HER2+ stem-cell flag: bulk HER2 negative/low, and HER2+CD44+CD24-low above the detection limit. */
function bulkHer2Assessment(nBoth: number, analysed: number, limit: number | null, bulk: string): { hidden: boolean; note: string | null } {
  const cat = parseBulkHer2(bulk);
  const above = limit !== null && nBoth > 0 && nBoth / analysed > limit;
  if (cat === 'negative-or-low' && above && limit !== null) {
    return {
      hidden: true,
      note: `Bulk HER2 is ${bulk} (negative/low), yet ${formatRarePercent(nBoth / analysed)} of analysed cells are HER2+CD44+CD24-low, above the ${formatRarePercent(limit)} detection limit: a HER2+ stem-cell population that bulk testing misses (Duru 2012, PMID 23091114; Ithimakin 2013, PMID 23442322).`,
    };
  }
  if (cat === 'negative-or-low') return { hidden: false, note: `Bulk HER2 is ${bulk} (negative/low); no HER2+CD44+CD24-low population above the detection limit.` };
  return { hidden: false, note: null };
}

/**
 * A stem-cell result without a bulk HER2 result (`bulkHer2: null`) assessed against the sample's bulk HER2 result
 * (the case's pathology, classified by the core): the flag, `bulkHer2` and the note, as if the bulk result had been
 * given to the cytometry analysis. A result without the stem-cell populations (gates / workspace only), or one
 * already assessed, is returned as it is.
 */
export function assessBulkHer2(result: CytometryResult, bulkHer2: string): CytometryResult {
  if (result.bulkHer2 !== null) return result;
  const both = result.populations.find((p) => p.name === 'HER2+CD44+CD24-low' && p.parent === 'analysed');
  if (!both) return result;
  const a = bulkHer2Assessment(both.count, result.events, result.detectionLimit, bulkHer2);
  const notes = result.notes.filter((n) => n !== NO_BULK_HER2_NOTE);
  if (a.note) notes.push(a.note);
  return { ...result, hiddenHer2StemCells: a.hidden, bulkHer2, notes };
}

/** Gate results as populations: fraction of the parent gate (of all events for a top-level gate). */
export function gatePopulations(results: ReadonlyArray<GateResult>): CytometryPopulation[] {
  return results.map((r) => cytometryPopulation(r.id, r.count, r.parent ?? 'all', r.parentCount));
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
}

/** Nearest-rank percentile (p in 0..100) of the finite values where `mask` is 1 (all when no mask); null if none. */
export function percentileThreshold(values: Float64Array, p: number, mask?: Uint8Array | null): number | null {
  const picked: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i]!;
    if (Number.isFinite(v)) picked.push(v);
  }
  if (picked.length === 0) return null;
  const sorted = Float64Array.from(picked).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * Automatic threshold: minimum-error thresholding (Kittler J, Illingworth J. Pattern Recognit 1986;19:41-47) of a
 * 256-bin histogram of the values on a logicle scale fitted to them (fitLogicle: T = largest value, M = 4.5, W from
 * the negative spread), then moved to the density valley between the two class means (the middle of the longest
 * empty stretch, else the minimum of the smoothed histogram), returned in data units. Unlike Otsu's criterion the
 * minimum-error split copes with a small positive population next to a large negative one. Each side must hold at
 * least 0.2% of the events (and 10); standard deviations are floored at half a bin. A fallback when neither explicit nor control thresholds exist: it assumes two populations
 * and is not validated clinically. Returns null when the values do not allow a split.
 */
export function autoThreshold(values: Float64Array, mask?: Uint8Array | null): number | null {
  const t = fitLogicle(values, mask);
  const scaled: number[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const s = t.apply(v);
    scaled.push(s);
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  const count = scaled.length;
  if (count < 20 || !(hi > lo)) return null;
  const bins = 256;
  const width = (hi - lo) / bins;
  const hist = new Float64Array(bins);
  for (const s of scaled) hist[Math.min(bins - 1, Math.floor((s - lo) / width))]! += 1;
  // prefix sums of n, n·b, n·b²
  const c0 = new Float64Array(bins + 1);
  const c1 = new Float64Array(bins + 1);
  const c2 = new Float64Array(bins + 1);
  for (let b = 0; b < bins; b++) {
    c0[b + 1] = c0[b]! + hist[b]!;
    c1[b + 1] = c1[b]! + b * hist[b]!;
    c2[b + 1] = c2[b]! + b * b * hist[b]!;
  }
  const minCount = Math.max(10, 0.002 * count);
  let best = Infinity;
  let bestBin = -1;
  for (let b = 0; b < bins - 1; b++) {
    const n1 = c0[b + 1]!;
    const n2 = count - n1;
    if (n1 < minCount || n2 < minCount) continue;
    const m1 = c1[b + 1]! / n1;
    const m2 = (c1[bins]! - c1[b + 1]!) / n2;
    const v1 = Math.max(0.25, c2[b + 1]! / n1 - m1 * m1);
    const v2 = Math.max(0.25, (c2[bins]! - c2[b + 1]!) / n2 - m2 * m2);
    const p1 = n1 / count;
    const p2 = n2 / count;
    const j = p1 * Math.log(v1) + p2 * Math.log(v2) - 2 * (p1 * Math.log(p1) + p2 * Math.log(p2));
    if (j < best) {
      best = j;
      bestBin = b;
    }
  }
  if (bestBin < 0) return null;
  // Refine to the density valley between the two class means: the middle of the longest run of empty bins, else
  // the minimum of the histogram smoothed with a Gaussian kernel (SD 2 bins).
  const n1 = c0[bestBin + 1]!;
  const from = Math.ceil(c1[bestBin + 1]! / n1);
  const to = Math.floor((c1[bins]! - c1[bestBin + 1]!) / (count - n1));
  let cut = bestBin + 1; // the edge after which class 2 starts
  let runStart = -1;
  let bestRun = 0;
  for (let b = from; b <= to + 1; b++) {
    if (b <= to && hist[b] === 0) {
      if (runStart < 0) runStart = b;
      continue;
    }
    if (runStart >= 0 && b - runStart > bestRun) {
      bestRun = b - runStart;
      cut = (runStart + b) / 2;
    }
    runStart = -1;
  }
  if (bestRun === 0 && to > from) {
    let min = Infinity;
    for (let b = from; b <= to; b++) {
      let sm = 0;
      for (let k = -6; k <= 6; k++) {
        const j = b + k;
        if (j >= 0 && j < bins) sm += hist[j]! * Math.exp(-(k * k) / 8);
      }
      if (sm < min) {
        min = sm;
        cut = b + 0.5;
      }
    }
  }
  return t.inverse(lo + cut * width);
}
