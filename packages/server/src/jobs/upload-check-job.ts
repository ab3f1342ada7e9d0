/**
 * Runs in a worker thread (upload-check.ts): parses one uploaded file that is read whole into memory (a FlowJo
 * workspace, up to 64 MiB of XML; a FASTA index) exactly as the analysis will, and posts back whether it is
 * readable. Only the check runs here; the upload route stores the file. Nothing is written.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { parseFlowJoWorkspace } from '@her2scope/formats/flowjo';
import { parseFai } from '@her2scope/formats/reads';
import type { CheckData, CheckMessage } from './upload-check.ts';

const data = workerData as CheckData;
const post = (m: CheckMessage) => parentPort!.postMessage(m);

try {
  const text = await readFile(data.path, 'utf8');
  // Parsed in full (samples, groups, gate trees, transforms, matrices; every .fai line): what the analysis reads.
  if (data.kind === 'flowjo-workspace') parseFlowJoWorkspace(text, data.name);
  else parseFai(text, data.name);
  post({ ok: true });
} catch (e) {
  const err = e as Error & { field?: string; detail?: string };
  post(err.name === 'InputError' && typeof err.field === 'string' && typeof err.detail === 'string' ? { ok: false, field: err.field, detail: err.detail } : { ok: false, message: err.message ?? String(e) });
}
