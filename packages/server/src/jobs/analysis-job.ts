/**
 * Runs in a worker thread (see runner.ts): loads one analysis input (the stored files it names), interprets it with
 * the knowledge base, renders the reports, and posts progress messages and the result back. It writes nothing to
 * the database: the main thread stores the result in one transaction, so a crash here leaves no half record. It
 * writes nothing to disk either: the case is handed over in memory (issue 12: no patient snapshot in tmp/).
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { isoDay } from '@her2scope/core';
import { analyzeCase } from '@her2scope/formats/analyze';
import { loadKnowledgeBase } from '@her2scope/kb';
import { humanDate, PdfError, renderClinicianHtml, renderPatientSummaryHtml, renderPdf, toFhirBundle } from '@her2scope/reports';
import { sampleFileRefs, snapshotResolver, toCaseFile, type AnalysisInput } from '../analysis/input.ts';
import type { JobData, WorkerMessage } from './messages.ts';

const data = workerData as JobData;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

async function run(): Promise<void> {
  const input: AnalysisInput = data.input;
  const names = new Map<string, string>();
  const caseFile = toCaseFile(input);
  const resolveFile = snapshotResolver(input, data.dataDir, (path, name) => names.set(path, name));
  const clean = (msg: string) => {
    let out = msg;
    for (const [abs, name] of names) out = out.split(abs).join(name);
    return out;
  };
  const totalFiles = Math.max(input.samples.reduce((n, s) => n + sampleFileRefs(s).length, 0), 1);
  let filesRead = 0;
  post({ type: 'progress', progress: 0.05, message: 'reading the case' });
  try {
    const kb = loadKnowledgeBase();
    const result = await analyzeCase(caseFile, resolveFile, {
      kb,
      // The resolver records each stored file's uploaded name: FCS files match their FlowJo workspace sample by it.
      fileNames: names,
      // The evidence-age banner is judged against the day of the run, as the CLI does.
      asOf: isoDay(new Date()),
      ...(data.minDepth ? { minDepth: data.minDepth } : {}),
      onProgress: (m) => {
        filesRead++;
        post({ type: 'progress', progress: 0.05 + (0.7 * Math.min(filesRead, totalFiles)) / totalFiles, message: clean(m) });
      },
    });
    post({ type: 'progress', progress: 0.85, message: 'rendering reports' });
    const generatedAt = new Date();
    // Sign-off per sample as printed on the report (human date; the user name only, never more).
    const signOff = Object.fromEntries(input.samples.map((s) => [s.id, s.pathologySigned ? `signed${s.pathologySigned.by ? ` by ${s.pathologySigned.by}` : ''} on ${humanDate(s.pathologySigned.at)}` : s.pathologyVersion !== undefined ? `version ${s.pathologyVersion}, not signed` : 'no pathology']));
    const html = renderClinicianHtml(result, { generatedAt, signOff, ...(data.analysisVersion ? { analysisVersion: data.analysisVersion } : {}), ...(data.codeVersion ? { codeVersion: data.codeVersion } : {}) });
    const reports: Array<{ format: string; mediaType: string; content: string }> = [
      { format: 'html', mediaType: 'text/html; charset=utf-8', content: html },
      { format: 'patient', mediaType: 'text/html; charset=utf-8', content: renderPatientSummaryHtml(result, { generatedAt }) },
      { format: 'fhir', mediaType: 'application/fhir+json; charset=utf-8', content: JSON.stringify(toFhirBundle(result, { generatedAt }), null, 2) + '\n' },
      { format: 'json', mediaType: 'application/json; charset=utf-8', content: JSON.stringify(result, null, 2) + '\n' },
    ];
    // The PDF is printed now, so that its download is immediate (issue 17); without chromium it is printed on the
    // first download instead (the route's fallback), and the run still succeeds.
    let pdf: Uint8Array | undefined;
    if (data.prerenderPdf) {
      post({ type: 'progress', progress: 0.92, message: 'printing the PDF' });
      try {
        pdf = await renderPdf(html);
      } catch (e) {
        if (!(e instanceof PdfError)) throw e;
      }
    }
    post({
      type: 'done',
      result,
      reports: reports.map((r) => ({ ...r, sha256: createHash('sha256').update(r.content).digest('hex') })),
      ...(pdf ? { pdf } : {}),
    });
  } catch (e) {
    const err = e as Error & { field?: string };
    post({ type: 'error', message: clean(err.message ?? String(e)), input: err.name === 'InputError' });
  }
}

await run();
