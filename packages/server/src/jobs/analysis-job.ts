/**
 * Runs in a worker thread (see runner.ts): loads one analysis input (the stored files it names), interprets it with
 * the knowledge base, renders the reports, and posts progress messages and the result back. It writes nothing to
 * the database: the main thread stores the result in one transaction, so a crash here leaves no half record. It
 * writes nothing to disk either: the case is handed over in memory (issue 12: no patient snapshot in tmp/).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { interpretCase } from '@her2scope/core';
import { loadCaseFile } from '@her2scope/formats/case';
import { loadKnowledgeBase } from '@her2scope/kb';
import { renderClinicianHtml, renderPatientSummaryHtml, toFhirBundle } from '@her2scope/reports';
import { toCaseFile, type AnalysisInput, type FileRef } from '../analysis/input.ts';
import type { JobData, WorkerMessage } from './messages.ts';

const data = workerData as JobData;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

async function run(): Promise<void> {
  const input: AnalysisInput = data.input;
  const names = new Map<string, string>();
  const resolvePath = (f: FileRef) => {
    const abs = join(data.dataDir, ...f.storagePath.split('/'));
    names.set(abs, f.name);
    return abs;
  };
  const caseFile = toCaseFile(input, resolvePath);
  const clean = (msg: string) => {
    let out = msg;
    for (const [abs, name] of names) out = out.split(abs).join(name);
    return out;
  };
  const totalFiles = Math.max(names.size, 1);
  let filesRead = 0;
  post({ type: 'progress', progress: 0.05, message: 'reading the case' });
  try {
    const caseData = await loadCaseFile(caseFile, {
      base: data.dataDir,
      name: 'case',
      fileNames: names,
      onProgress: (m) => {
        filesRead++;
        post({ type: 'progress', progress: 0.05 + (0.65 * Math.min(filesRead, totalFiles)) / totalFiles, message: clean(m) });
      },
    });
    post({ type: 'progress', progress: 0.75, message: 'interpreting with the knowledge base' });
    const result = interpretCase(caseData, loadKnowledgeBase(), data.minDepth ? { minDepth: data.minDepth } : {});
    post({ type: 'progress', progress: 0.85, message: 'rendering reports' });
    const generatedAt = new Date();
    const reports: Array<{ format: string; mediaType: string; content: string }> = [
      { format: 'html', mediaType: 'text/html; charset=utf-8', content: renderClinicianHtml(result, { generatedAt }) },
      { format: 'patient', mediaType: 'text/html; charset=utf-8', content: renderPatientSummaryHtml(result, { generatedAt }) },
      { format: 'fhir', mediaType: 'application/fhir+json; charset=utf-8', content: JSON.stringify(toFhirBundle(result, { generatedAt }), null, 2) + '\n' },
      { format: 'json', mediaType: 'application/json; charset=utf-8', content: JSON.stringify(result, null, 2) + '\n' },
    ];
    post({
      type: 'done',
      result,
      reports: reports.map((r) => ({ ...r, sha256: createHash('sha256').update(r.content).digest('hex') })),
    });
  } catch (e) {
    const err = e as Error & { field?: string };
    post({ type: 'error', message: clean(err.message ?? String(e)), input: err.name === 'InputError' });
  }
}

await run();
