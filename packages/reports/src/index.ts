/**
 * @her2scope/reports: the analysis in the forms the tumour board, the patient and an EHR use.
 *
 * - `renderClinicianHtml` — self-contained report.html (inline CSS/SVG, no script, no network)
 * - `renderPdf`           — the same HTML printed to report.pdf (Debian chromium through playwright-core)
 * - `renderPatientSummaryHtml` — patient-summary.html in plain language
 * - `toFhirBundle`        — fhir-bundle.json, an HL7 FHIR R4 Genomics Reporting bundle
 * - `writeReports`        — renders the requested formats and writes them atomically (temp file + rename)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError, type AnalysisResult } from '@her2scope/core';
import { renderClinicianHtml } from './clinician.ts';
import { toFhirBundle } from './fhir.ts';
import { renderPatientSummaryHtml } from './patient.ts';
import { renderPdf } from './pdf.ts';

export { renderClinicianHtml, type RenderOptions } from './clinician.ts';
export { renderPatientSummaryHtml } from './patient.ts';
export { toFhirBundle, CODES, HGNC_IDS } from './fhir.ts';
export { renderPdf, PdfError, chromiumPath } from './pdf.ts';
export { renderTimelineSvg, renderCytometryBarsSvg } from './plots.ts';
export { renderCtdnaSvg, type CtdnaPlotInput, type CtdnaSeries } from './ctdna-plot.ts';
export { copyNumberHtml, ctdnaHtml, ctdnaSeries, readEvidenceHtml } from './longitudinal.ts';
export { esc, citationUrl } from './common.ts';

export type ReportFormat = 'html' | 'pdf' | 'patient' | 'fhir' | 'json';

export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'pdf', 'patient', 'fhir', 'json'];

export const REPORT_FILES: Record<ReportFormat, string> = {
  html: 'report.html',
  pdf: 'report.pdf',
  patient: 'patient-summary.html',
  fhir: 'fhir-bundle.json',
  json: 'analysis.json',
};

export interface WriteReportsOptions {
  onProgress?: (msg: string) => void;
  /** Timestamp written into the reports (default: now). */
  generatedAt?: Date;
}

/** Write `data` to `path` atomically: a temp file in the same folder, flushed to disk, then renamed over `path`. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Render the requested formats and write them into `outDir` (created when missing). Everything is rendered first
 * and only then written, each file atomically: a failure (e.g. no chromium for the PDF) leaves the folder as it was.
 * Returns the written paths by format.
 */
export async function writeReports(result: AnalysisResult, outDir: string, formats: ReportFormat[], options: WriteReportsOptions = {}): Promise<Record<ReportFormat, string>> {
  const unknown = formats.filter((f) => !REPORT_FORMATS.includes(f));
  if (unknown.length) throw new InputError('--format', `'${unknown[0]}' is not one of ${REPORT_FORMATS.join(', ')}`);
  const wanted = REPORT_FORMATS.filter((f) => formats.includes(f));
  const dir = resolve(outDir);
  const progress = options.onProgress ?? (() => undefined);
  const generatedAt = options.generatedAt ?? new Date();
  const rendered: Array<[ReportFormat, string | Uint8Array]> = [];
  let html: string | undefined;
  const clinician = () => (html ??= renderClinicianHtml(result, { generatedAt }));
  for (const f of wanted) {
    progress(`rendering ${REPORT_FILES[f]}`);
    switch (f) {
      case 'html':
        rendered.push([f, clinician()]);
        break;
      case 'pdf':
        rendered.push([f, await renderPdf(clinician())]);
        break;
      case 'patient':
        rendered.push([f, renderPatientSummaryHtml(result, { generatedAt })]);
        break;
      case 'fhir':
        rendered.push([f, JSON.stringify(toFhirBundle(result, { generatedAt }), null, 2) + '\n']);
        break;
      case 'json':
        rendered.push([f, JSON.stringify(result, null, 2) + '\n']);
        break;
    }
  }
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError('--out', `cannot use '${dir}' as the output folder (${code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : (code ?? (e as Error).message)})`);
  }
  const written = {} as Record<ReportFormat, string>;
  for (const [f, data] of rendered) {
    const path = join(dir, REPORT_FILES[f]);
    progress(`writing ${path}`);
    await writeFileAtomic(path, data);
    written[f] = path;
  }
  return written;
}
