import type { AnalysisResult } from '@her2scope/core';
import type { AnalysisInput } from '../analysis/input.ts';

/** What the runner hands the worker thread. */
export interface JobData {
  analysisId: string;
  input: AnalysisInput;
  dataDir: string;
  minDepth?: number;
  /** "run 3": printed on the clinician report with the versions. */
  analysisVersion?: string;
  codeVersion?: string;
  /** Print the clinician PDF in the job (issue 17: the download is then immediate). */
  prerenderPdf?: boolean;
}

/** What the worker posts back. */
export type WorkerMessage =
  | { type: 'progress'; progress: number; message: string }
  | { type: 'done'; result: AnalysisResult; reports: Array<{ format: string; mediaType: string; content: string; sha256: string }>; pdf?: Uint8Array }
  | { type: 'error'; message: string; input: boolean };
