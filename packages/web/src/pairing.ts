/**
 * Which companion files a sample's reads still lack (issue 16), as the server checks before an analysis
 * (server analysis/input.ts readsPairingProblem): a BAM needs its .bai / .csi, a CRAM its .crai, the reference FASTA
 * it was written against and that FASTA's .fai. The latest active file of each kind counts, as in the analysis.
 * The format is what the server recognised the upload as (`options.format`). Pure (tested).
 */
export interface PairingFile {
  kind: string;
  originalName: string;
  options: Record<string, unknown>;
  status?: string;
}

export interface ReadsPairing {
  /** The reads file and its recognised format, or null when the sample has none. */
  reads: { name: string; format: string } | null;
  /** What is missing or mismatched, in words (empty when complete). */
  missing: string[];
}

export function readsPairing(files: readonly PairingFile[]): ReadsPairing {
  const latest = (kind: string) => files.filter((f) => f.kind === kind && (f.status ?? 'active') === 'active').at(-1);
  const format = (f: PairingFile | undefined) => (f && typeof f.options.format === 'string' ? f.options.format : '');
  const reads = latest('reads');
  const index = latest('reads-index');
  const reference = latest('reference');
  const referenceIndex = latest('reference-index');
  if (!reads) return { reads: null, missing: [index, reference, referenceIndex].some(Boolean) ? ['the BAM or CRAM these index / reference files belong to (kind: reads)'] : [] };
  const f = format(reads);
  const missing: string[] = [];
  if (f === 'cram') {
    if (!index) missing.push('its index (.crai)');
    else if (format(index) !== 'crai') missing.push(`a CRAM index (.crai): ${index.originalName} is a BAM index`);
    if (!reference) missing.push('the reference FASTA it was written against');
    if (!referenceIndex) missing.push('the reference FASTA index (.fai)');
  } else {
    if (!index) missing.push('its index (.bai or .csi)');
    else if (format(index) === 'crai') missing.push(`a BAM index (.bai or .csi): ${index.originalName} is a CRAM index`);
  }
  return { reads: { name: reads.originalName, format: f || 'bam' }, missing };
}
