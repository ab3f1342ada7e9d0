/** Adapters from files to the evaluator's event source. */
import type { GatingEventSource, SpilloverMatrix } from '@her2scope/core/cytometry';
import type { FcsFile } from '../fcs/reader.ts';

/**
 * Gating view of an FCS file: scaled columns, channel lookup by $PnN / $PnS, the spillover in force, and compensated
 * columns fused with decoding the stored data where the file allows it (FcsFile.compensatedColumns); otherwise the
 * detector columns are decoded in one blocked pass and the evaluator compensates them.
 */
export function fcsEventSource(file: FcsFile, spillover: SpilloverMatrix | null): GatingEventSource {
  return {
    eventCount: file.eventCount,
    channelIndex: (name) => file.channelIndex(name),
    channelName: (i) => file.parameters[i]?.name ?? `P${i + 1}`,
    column: (i) => file.scaledColumn(i),
    spillover,
    compensated: (detectorIdx, k, only) => {
      const fused = file.compensatedColumns(detectorIdx, k, only);
      if (!fused) file.rawColumnsAt(detectorIdx);
      return fused;
    },
    prefetch: (indices) => {
      file.rawColumnsAt(indices);
    },
  };
}
