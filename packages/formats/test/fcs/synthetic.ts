/**
 * SYNTHETIC cytometry samples with known populations, for tests (not patient data).
 *
 * Live EpCAM+ tumour cells (50,000 by default):
 *   A  HER2+ CD44+ CD24-low   1,000   (2.0%)
 *   B  HER2+ CD44+ CD24+      2,000
 *   C  HER2- CD44+ CD24-low   4,000
 *   D  HER2- CD44- CD24+      the rest
 * plus dead cells (DAPI bright) and EpCAM-negative stromal cells that the analysis must exclude.
 * Positive intensities are log-normal (median 8000, 2410-26560), negative ones normal (mean 100, SD 80, -220-420);
 * thresholds of 1000 separate them.
 * Observed detector values are true · S (spillover S below, written as $SPILLOVER), so CD44-bright cells spill into
 * the CD24 detector and an uncompensated analysis miscounts the CD24-low cells.
 */
import { writeFcs } from '../../src/fcs/writer.ts';

export const DETECTORS = ['FITC-A', 'PE-A', 'APC-A', 'DAPI-A', 'BV605-A'] as const;
/** Rows: fluorochrome (same order as DETECTORS); columns: detectors. */
export const SPILL = [
  [1, 0.25, 0.12, 0, 0.01],
  [0, 1, 0.05, 0, 0.02],
  [0, 0.01, 1, 0, 0.02],
  [0.005, 0, 0, 1, 0.03],
  [0, 0.02, 0.01, 0, 1],
];

export interface SyntheticCounts {
  stem: number;
  her2Cd24pos: number;
  her2negStem: number;
  live: number;
  dead: number;
  stromal: number;
}

export const DEFAULT_COUNTS: SyntheticCounts = { stem: 1000, her2Cd24pos: 2000, her2negStem: 4000, live: 50000, dead: 2000, stromal: 1500 };

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** True (per-fluorochrome) intensities: columns CD44, HER2, CD24, DAPI, EpCAM. */
export function syntheticTrue(counts: SyntheticCounts = DEFAULT_COUNTS, seed = 7) {
  const rnd = lcg(seed);
  const n = counts.live + counts.dead + counts.stromal;
  const gauss = () => {
    // Box-Muller, clipped to ±4 SD so that no synthetic event falls near a threshold of 1000
    const g = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    return Math.max(-4, Math.min(4, g));
  };
  const pos = () => 8000 * Math.exp(0.3 * gauss()); // log-normal, 2410 .. 26560
  const neg = () => 100 + 80 * gauss(); // normal, -220 .. 420
  const cols = Array.from({ length: 5 }, () => new Float64Array(n));
  const [cd44, her2, cd24, dapi, epcam] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  // Interleave the kinds deterministically so populations are spread over the file.
  const kinds: string[] = [];
  const push = (k: string, c: number) => {
    for (let i = 0; i < c; i++) kinds.push(k);
  };
  push('A', counts.stem);
  push('B', counts.her2Cd24pos);
  push('C', counts.her2negStem);
  push('D', counts.live - counts.stem - counts.her2Cd24pos - counts.her2negStem);
  push('dead', counts.dead);
  push('stroma', counts.stromal);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  kinds.forEach((k, i) => {
    const live = k !== 'dead';
    cd44[i] = k === 'A' || k === 'B' || k === 'C' ? pos() : neg();
    her2[i] = k === 'A' || k === 'B' ? pos() : neg();
    cd24[i] = k === 'A' || k === 'C' ? neg() : pos();
    dapi[i] = live ? neg() : 15000 * Math.exp(0.3 * gauss());
    epcam[i] = k === 'stroma' ? neg() : pos();
  });
  return { n, cols, kinds };
}

/** Observed detector values: true · S. */
export function spillOver(trueCols: Float64Array[]): Float64Array[] {
  const n = trueCols[0]!.length;
  return DETECTORS.map((_, j) => {
    const out = new Float64Array(n);
    for (let i = 0; i < DETECTORS.length; i++) {
      const c = SPILL[i]![j]!;
      if (c !== 0) for (let e = 0; e < n; e++) out[e]! += c * trueCols[i]![e]!;
    }
    return out;
  });
}

export function spilloverKeyword(): string {
  return [String(DETECTORS.length), ...DETECTORS, ...SPILL.flat().map(String)].join(',');
}

/** FCS 3.1 float file of the synthetic sample (SYNTHETIC). */
export function syntheticFcs(counts: SyntheticCounts = DEFAULT_COUNTS, seed = 7, withSpillover = true): Buffer {
  const t = syntheticTrue(counts, seed);
  const obs = spillOver(t.cols);
  const rnd = lcg(seed + 1);
  const fsc = Float64Array.from({ length: t.n }, () => 50000 + rnd() * 100000);
  const ssc = Float64Array.from({ length: t.n }, () => 20000 + rnd() * 50000);
  const time = Float64Array.from({ length: t.n }, (_, i) => i / 10);
  return writeFcs({
    version: '3.1',
    dataType: 'F',
    parameters: [
      { name: 'FSC-A', range: 262144 },
      { name: 'SSC-A', range: 262144 },
      { name: 'FITC-A', label: 'CD44', range: 262144 },
      { name: 'PE-A', label: 'HER2', range: 262144 },
      { name: 'APC-A', label: 'CD24', range: 262144 },
      { name: 'DAPI-A', label: 'Viability', range: 262144 },
      { name: 'BV605-A', label: 'EpCAM', range: 262144 },
      { name: 'Time', range: 262144 },
    ],
    columns: [fsc, ssc, ...obs, time],
    keywords: { ...(withSpillover ? { $SPILLOVER: spilloverKeyword() } : {}), $CYT: 'SYNTHETIC', $FIL: 'synthetic-stem-cells.fcs' },
  });
}

/** An isotype/FMO-like control: every marker negative (values in [-300, 900]). */
export function syntheticControl(n = 20000, seed = 11): Buffer {
  const rnd = lcg(seed);
  const trueCols = Array.from({ length: 5 }, () => Float64Array.from({ length: n }, () => -300 + rnd() * 1200));
  const obs = spillOver(trueCols);
  return writeFcs({
    version: '3.1',
    dataType: 'F',
    parameters: [
      { name: 'FITC-A', label: 'CD44' },
      { name: 'PE-A', label: 'HER2' },
      { name: 'APC-A', label: 'CD24' },
      { name: 'DAPI-A', label: 'Viability' },
      { name: 'BV605-A', label: 'EpCAM' },
    ],
    columns: obs,
    keywords: { $SPILLOVER: spilloverKeyword(), $CYT: 'SYNTHETIC' },
  });
}

export const PANEL_YAML = `# SYNTHETIC panel for the synthetic sample
markers:
  HER2: HER2        # $PnS of PE-A
  CD44: FITC-A      # $PnN
  CD24: CD24
  viability: DAPI-A
  lineage: EpCAM
thresholds:
  HER2: 1000
  CD44: 1000
  CD24: 1000
  viability: 1000
  lineage: 1000
bulkHer2: IHC 1+
`;
