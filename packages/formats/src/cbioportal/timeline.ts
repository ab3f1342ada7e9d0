/**
 * Timeline files (File-Formats, "Timeline Data"): PATIENT_ID, START_DATE, STOP_DATE, EVENT_TYPE, then event-specific
 * columns (TREATMENT: TREATMENT_TYPE, SUBTYPE, AGENT; SPECIMEN: SAMPLE_ID; LAB_TEST: TEST, RESULT ...). Dates are
 * whole days from the reference point (diagnosis), may be negative; STOP_DATE is blank for point events.
 * The page calls STOP_DATE mandatory but its own SPECIMEN example has no such column, so a missing STOP_DATE column
 * is read as "all point events".
 */
import { StudyFileError, columnLabel } from './errors.ts';
import { readLines } from './lines.ts';
import { isMissing, parseInteger } from './values.ts';
import { missingValue } from '@her2scope/core/errors';

export interface TimelineEvent {
  line: number;
  patientId: string;
  startDate: number;
  stopDate: number | null;
  eventType: string;
  /** SAMPLE_ID when the event names one (SPECIMEN events). */
  sampleId: string | null;
  /** The other columns, by header name; missing values left out. */
  attributes: Record<string, string>;
}

export async function* readTimeline(
  path: string,
  file: string,
  options: { patients?: ReadonlySet<string>; samples?: ReadonlySet<string> } = {},
): AsyncGenerator<TimelineEvent> {
  let names: string[] | null = null;
  let col: Record<string, number> = {};
  for await (const { n, text } of readLines(path)) {
    if (names === null) {
      if (text.startsWith('#')) continue;
      names = text.split('\t').map((s) => s.trim());
      while (names.length && names[names.length - 1] === '') names.pop();
      col = {};
      names.forEach((name, i) => {
        if (col[name] !== undefined) throw new StudyFileError(file, n, columnLabel(i, name), `duplicate column (also column ${col[name] + 1})`);
        col[name] = i;
      });
      for (const req of ['PATIENT_ID', 'START_DATE', 'EVENT_TYPE']) if (col[req] === undefined) throw new StudyFileError(file, n, null, `required column ${req} is missing`);
      continue;
    }
    if (text.trim() === '') continue;
    const f = text.split('\t');
    while (f.length > names.length && (f[f.length - 1] ?? missingValue('f[f.length - 1]')).trim() === '') f.pop();
    if (f.length > names.length) throw new StudyFileError(file, n, null, `has ${f.length} columns, the header has ${names.length}`);
    const cell = (name: string) => (f[col[name] ?? missingValue('col[name]')] ?? '').trim();
    const patientId = cell('PATIENT_ID');
    if (patientId === '') throw new StudyFileError(file, n, columnLabel(col.PATIENT_ID ?? missingValue('col.PATIENT_ID'), 'PATIENT_ID'), 'empty patient ID');
    if (options.patients && !options.patients.has(patientId)) throw new StudyFileError(file, n, columnLabel(col.PATIENT_ID ?? missingValue('col.PATIENT_ID'), 'PATIENT_ID'), `patient '${patientId}' is not in the clinical files`);
    const startDate = parseInteger(cell('START_DATE'));
    if (startDate === null) throw new StudyFileError(file, n, columnLabel(col.START_DATE ?? missingValue('col.START_DATE'), 'START_DATE'), `'${cell('START_DATE')}' is not a whole number of days`);
    let stopDate: number | null = null;
    if (col.STOP_DATE !== undefined && !isMissing(cell('STOP_DATE'))) {
      stopDate = parseInteger(cell('STOP_DATE'));
      if (stopDate === null) throw new StudyFileError(file, n, columnLabel(col.STOP_DATE, 'STOP_DATE'), `'${cell('STOP_DATE')}' is not a whole number of days or blank`);
    }
    const eventType = cell('EVENT_TYPE');
    if (eventType === '') throw new StudyFileError(file, n, columnLabel(col.EVENT_TYPE ?? missingValue('col.EVENT_TYPE'), 'EVENT_TYPE'), 'empty event type');
    let sampleId: string | null = null;
    if (col.SAMPLE_ID !== undefined && !isMissing(cell('SAMPLE_ID'))) {
      sampleId = cell('SAMPLE_ID');
      if (options.samples && !options.samples.has(sampleId)) throw new StudyFileError(file, n, columnLabel(col.SAMPLE_ID, 'SAMPLE_ID'), `sample '${sampleId}' is not in the clinical sample file`);
    }
    const attributes: Record<string, string> = {};
    names.forEach((name, i) => {
      if (['PATIENT_ID', 'START_DATE', 'STOP_DATE', 'EVENT_TYPE', 'SAMPLE_ID'].includes(name)) return;
      const v = (f[i] ?? '').trim();
      if (!isMissing(v)) attributes[name] = v;
    });
    yield { line: n, patientId, startDate, stopDate, eventType, sampleId, attributes };
  }
  if (names === null) throw new StudyFileError(file, null, null, 'no header line (the file is empty)');
}
