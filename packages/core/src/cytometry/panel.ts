/**
 * The panel file: which channel carries which marker, and (optionally) the positivity thresholds.
 *
 *   markers:      { HER2, CD44, CD24, viability?, lineage? }  channel names ($PnN or $PnS; table column headers)
 *   thresholds:   { HER2?, CD44?, CD24?, viability?, lineage? } compensated, untransformed units; positive = value >= threshold
 *   calls:        { HER2?, ... }  per-cell tables only: columns holding positive/negative calls that replace a threshold
 *   bulkHer2:     bulk (IHC/ISH) HER2 result of the tumour, e.g. "HER2-low", "IHC 0", "positive"
 *   compensation: "fcs" (default: the file's $SPILLOVER/SPILL/$COMP), "none", or a CSV matrix file
 *   gate:         a Gating-ML gate id (with --gates) that the analysis is restricted to
 *   controlPercentile: percentile of the control file that sets a threshold (default 99)
 *   populations:  with a FlowJo workspace, { HER2+, CD44+CD24-low, HER2+CD44+CD24-low, analysed? } name workspace
 *                 populations (a unique name, or the path `Parent/Child`) to use as the three populations; markers
 *                 are then optional
 */
import { z } from 'zod';
import { zodToInputError } from '../classification/input.ts';
import { InputError } from '../errors.ts';
import type { PanelMarker } from './types.ts';

const channel = z.string({ error: 'must be a channel name (text)' }).trim().min(1, { error: 'must be a channel name (text)' });
const threshold = z.number({ error: 'must be a number (compensated, untransformed units)' }).refine(Number.isFinite, { error: 'must be a finite number' });

const markerMap = <T extends z.ZodTypeAny>(t: T) =>
  z
    .object({ HER2: t.optional(), CD44: t.optional(), CD24: t.optional(), viability: t.optional(), lineage: t.optional() })
    .strict();

const populationRef = z.string({ error: 'must be a workspace population name or path (text)' }).trim().min(1, { error: 'must be a workspace population name or path (text)' });

export const CytometryPanelSchema = z
  .object({
    markers: z
      .object({ HER2: channel, CD44: channel, CD24: channel, viability: channel.optional(), lineage: channel.optional() }, { error: 'must map HER2, CD44 and CD24 (optionally viability, lineage) to channel names' })
      .strict()
      .optional(),
    populations: z
      .object(
        { 'HER2+': populationRef, 'CD44+CD24-low': populationRef, 'HER2+CD44+CD24-low': populationRef, analysed: populationRef.optional() },
        { error: 'must map HER2+, CD44+CD24-low and HER2+CD44+CD24-low (optionally analysed) to workspace populations' },
      )
      .strict()
      .optional(),
    thresholds: markerMap(threshold).optional(),
    calls: markerMap(channel).optional(),
    bulkHer2: z.union([z.string(), z.number()]).transform(String).optional(),
    compensation: z.string().trim().min(1).optional(),
    gate: z.string().trim().min(1).optional(),
    controlPercentile: z.number().min(50, { error: 'must be from 50 to 100' }).max(100, { error: 'must be from 50 to 100' }).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.markers === undefined && p.populations === undefined) {
      ctx.addIssue({ code: 'custom', path: ['markers'], message: 'must map HER2, CD44 and CD24 (optionally viability, lineage) to channel names' });
    }
  });

/** The three stem-cell populations as workspace populations (a panel's `populations`). */
export type WorkspacePopulationMap = { 'HER2+': string; 'CD44+CD24-low': string; 'HER2+CD44+CD24-low': string; analysed?: string };

export type CytometryPanel = {
  /** Required unless `populations` is given (then only used for the plot). */
  markers?: { HER2: string; CD44: string; CD24: string; viability?: string; lineage?: string };
  populations?: WorkspacePopulationMap;
  thresholds?: Partial<Record<PanelMarker, number>>;
  calls?: Partial<Record<PanelMarker, string>>;
  bulkHer2?: string;
  compensation?: string;
  gate?: string;
  controlPercentile?: number;
};

/** Validate a parsed panel (YAML/JSON); InputError names the field, e.g. `markers.HER2: must be a channel name`. */
export function parsePanel(raw: unknown, prefix = ''): CytometryPanel {
  const r = CytometryPanelSchema.safeParse(raw ?? {});
  if (!r.success) throw zodToInputError(r.error, prefix);
  return r.data;
}

/** Bulk HER2 categories relevant to the hidden-stem-cell flag. */
export type BulkHer2Category = 'negative-or-low' | 'positive' | 'equivocal';

/**
 * Read the bulk HER2 result. Negative/low means IHC 0 (null or ultralow), IHC 1+, IHC 2+ with negative ISH, or an
 * explicit negative / low / ultralow / null category (ASCO/CAP 2018, affirmed 2023; HER2-low as in DESTINY-Breast04
 * and the T-DXd label: see shared/reference/her2-testing.md). IHC 2+ alone is equivocal.
 */
export function parseBulkHer2(value: string): BulkHer2Category {
  const v = value.trim().toLowerCase().replace(/^her2[\s-]*/, '').replace(/^ihc\s*/, '');
  if (['0', '1+', 'negative', 'low', 'ultralow', 'null', 'zero', '0 (null)', '0 (ultralow)'].includes(v)) return 'negative-or-low';
  if (['2+ ish-', '2+/ish-', '2+ ish negative', '2+/ish negative'].includes(v)) return 'negative-or-low';
  if (['3+', 'positive', '2+ ish+', '2+/ish+', '2+ ish positive', '2+/ish positive'].includes(v)) return 'positive';
  if (['2+', 'equivocal'].includes(v)) return 'equivocal';
  throw new InputError(
    'bulkHer2',
    `'${value}' is not a bulk HER2 result; use one of: IHC 0, IHC 1+, IHC 2+ ISH-, IHC 2+ ISH+, IHC 3+, IHC 2+, HER2-null, HER2-ultralow, HER2-low, HER2-negative, HER2-positive, equivocal`,
  );
}
