/** The cytometry result: the `her2scope cytometry --json` contract. */

/** The three stem-cell populations, named exactly as the contract requires. */
export const STEM_CELL_POPULATIONS = ['HER2+', 'CD44+CD24-low', 'HER2+CD44+CD24-low'] as const;
export type StemCellPopulationName = (typeof STEM_CELL_POPULATIONS)[number];

export const PANEL_MARKERS = ['HER2', 'CD44', 'CD24', 'viability', 'lineage'] as const;
export type PanelMarker = (typeof PANEL_MARKERS)[number];

export interface CytometryPopulation {
  /** `HER2+`, `CD44+CD24-low`, `HER2+CD44+CD24-low`, or a Gating-ML gate / quadrant id. */
  name: string;
  count: number;
  /** The denominator population: `analysed` for the stem-cell populations, the parent gate id or `all` for gates. */
  parent: string;
  /** count / parent count (NaN serialises as null when the parent is empty). */
  fraction: number | null;
  /** Wilson score 95% interval of the fraction. */
  ci95: [number, number];
  /** FlowJo workspace populations: the names of the parent populations joined by `/` ("" at the top level). */
  path?: string;
  /** FlowJo workspace populations: the count FlowJo stored in the workspace (null or -1: not computed there). */
  workspaceCount?: number | null;
}

export type ThresholdSource = 'panel' | 'control' | 'automatic';

export interface MarkerThreshold {
  /** Channel or column the marker was read from. */
  channel: string;
  /** Positivity threshold in compensated, untransformed units (positive: value >= threshold). */
  value: number | null;
  source: ThresholdSource | 'calls';
}

/** A type alias (not an interface) so that it is assignable to index-signature types such as `Record<string, unknown>`. */
export type CytometryResult = {
  /** Events analysed: live (viability-negative), lineage-positive events inside the panel gate; all events without a panel. */
  events: number;
  populations: CytometryPopulation[];
  /** True when the bulk HER2 is negative/low and the HER2+CD44+CD24-low fraction is above the detection limit. */
  hiddenHer2StemCells: boolean;
  /** Smallest fraction detectable with 95% confidence among `events` (1 − 0.05^(1/n)); null when no events. */
  detectionLimit: number | null;
  /** Events in the file before any exclusion. */
  totalEvents: number;
  /** What "analysed" means for this run, in words. */
  analysed: string;
  thresholds: Partial<Record<string, MarkerThreshold>>;
  /** Bulk HER2 status given by the user (panel `bulkHer2` or `--bulk-her2`), or null. */
  bulkHer2: string | null;
  /** Human-readable remarks: small populations, automatic thresholds, excluded events, the flag's basis. */
  notes: string[];
  /** Problems met and worked around (FCS file oddities, a workspace sample with another event count). */
  warnings?: string[];
};
