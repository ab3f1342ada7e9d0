/** Adapters from files to the evaluator's event source. */
import type { GatingEventSource, SpilloverMatrix } from '@her2scope/core/cytometry';
import type { FcsFile } from '../fcs/reader.ts';
import { missingValue } from '@her2scope/core/errors';

/** Gating view of an FCS file: scaled columns, channel lookup by $PnN / $PnS, and the spillover in force. */
export function fcsEventSource(file: FcsFile, spillover: SpilloverMatrix | null): GatingEventSource {
  return {
    eventCount: file.eventCount,
    channelIndex: (name) => file.channelIndex(name),
    channelName: (i) => (file.parameters[i] ?? missingValue('file.parameters[i]')).name,
    column: (i) => file.scaledColumn(i),
    spillover,
  };
}
