/**
 * Clinical data files (cBioPortal File-Formats, "Clinical Data"): four header rows that start with `#` (display names,
 * descriptions, datatypes STRING/NUMBER/BOOLEAN, priorities), the attribute-ID row (PATIENT_ID, and SAMPLE_ID in the
 * sample file), then one row per patient or sample. Streamed row by row.
 */
import { StudyFileError, columnLabel } from './errors.ts';
import { readLines, type Line } from './lines.ts';
import { MAX_SAMPLE_ID_LENGTH, idProblem, isMissing, parseInteger, parseNumber } from './values.ts';
import { missingValue } from '@her2scope/core/errors';

export type ClinicalLevel = 'PATIENT' | 'SAMPLE';
export type ClinicalDatatype = 'STRING' | 'NUMBER' | 'BOOLEAN';
const DATATYPES: ReadonlySet<string> = new Set(['STRING', 'NUMBER', 'BOOLEAN']);

/** Auto-populated by cBioPortal and therefore banned from clinical files (File-Formats, "Banned column names"). */
export const BANNED_CLINICAL_COLUMNS: ReadonlySet<string> = new Set(['MUTATION_COUNT', 'FRACTION_GENOME_ALTERED']);

export interface ClinicalAttribute {
  id: string;
  displayName: string;
  description: string;
  datatype: ClinicalDatatype;
  priority: number;
}

export interface ClinicalRow {
  line: number;
  patientId: string;
  /** Null in the patient file. */
  sampleId: string | null;
  /** Values of `attributes` (the columns other than PATIENT_ID / SAMPLE_ID), in order; null when missing. */
  values: (string | null)[];
}

export interface ClinicalFile {
  level: ClinicalLevel;
  /** Attributes other than PATIENT_ID and SAMPLE_ID. */
  attributes: ClinicalAttribute[];
  rows: AsyncGenerator<ClinicalRow>;
}

export async function openClinicalFile(path: string, file: string, level: ClinicalLevel): Promise<ClinicalFile> {
  const lines = readLines(path);
  const header: Line[] = [];
  while (header.length < 5) {
    const r = await lines.next();
    if (r.done) throw new StudyFileError(file, header.length ? (header[header.length - 1] ?? missingValue('header[header.length - 1]')).n : null, null, 'the file ends inside the 5-line header (4 rows starting with # and the column row)');
    header.push(r.value);
  }
  for (let i = 0; i < 4; i++) {
    if (!(header[i] ?? missingValue('header[i]')).text.startsWith('#')) {
      throw new StudyFileError(file, i + 1, null, `header row ${i + 1} of 5 must start with '#' (display names, descriptions, datatypes, priorities, then the column row)`);
    }
  }
  if ((header[4] ?? missingValue('header[4]')).text.startsWith('#')) throw new StudyFileError(file, 5, null, 'expected the column row (PATIENT_ID ...) after 4 # header rows, found a fifth # row');
  const rows = header.map((l, i) => (i < 4 ? l.text.slice(1) : l.text).split('\t'));
  const ids = (rows[4] ?? missingValue('rows[4]')).map((s) => s.trim());
  while (ids.length && ids[ids.length - 1] === '') ids.pop();
  for (let i = 0; i < 4; i++) {
    const r = rows[i] ?? missingValue('rows[i]');
    while (r.length > ids.length && (r[r.length - 1] ?? missingValue('r[r.length - 1]')).trim() === '') r.pop();
    if (r.length !== ids.length) throw new StudyFileError(file, i + 1, null, `has ${r.length} columns but the column row (line 5) has ${ids.length}`);
  }
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id === '') throw new StudyFileError(file, 5, columnLabel(i, undefined), 'empty attribute name');
    if (seen.has(id)) throw new StudyFileError(file, 5, columnLabel(i, id), `duplicate column (also column ${(seen.get(id) ?? missingValue('seen.get(id)')) + 1})`);
    if (BANNED_CLINICAL_COLUMNS.has(id)) throw new StudyFileError(file, 5, columnLabel(i, id), `${id} is computed by cBioPortal and must not be in a clinical file`);
    seen.set(id, i);
  });
  const patientCol = seen.get('PATIENT_ID');
  if (patientCol === undefined) throw new StudyFileError(file, 5, null, 'required column PATIENT_ID is missing');
  const sampleCol = seen.get('SAMPLE_ID');
  if (level === 'SAMPLE' && sampleCol === undefined) throw new StudyFileError(file, 5, null, 'required column SAMPLE_ID is missing');
  if (level === 'PATIENT' && sampleCol !== undefined) throw new StudyFileError(file, 5, columnLabel(sampleCol, 'SAMPLE_ID'), 'a patient file has no SAMPLE_ID column (sample attributes go in the sample file)');

  const attrCols: number[] = [];
  const attributes: ClinicalAttribute[] = [];
  ids.forEach((id, i) => {
    const datatype = ((rows[2] ?? missingValue('rows[2]'))[i] ?? missingValue('rows[2][i]')).trim().toUpperCase();
    if (!DATATYPES.has(datatype)) throw new StudyFileError(file, 3, columnLabel(i, id), `datatype '${((rows[2] ?? missingValue('rows[2]'))[i] ?? missingValue('rows[2][i]')).trim()}' is not STRING, NUMBER or BOOLEAN`);
    const priority = parseInteger((rows[3] ?? missingValue('rows[3]'))[i] ?? missingValue('rows[3][i]'));
    if (priority === null) throw new StudyFileError(file, 4, columnLabel(i, id), `priority '${((rows[3] ?? missingValue('rows[3]'))[i] ?? missingValue('rows[3][i]')).trim()}' is not a whole number`);
    if (i === patientCol || i === sampleCol) return;
    attrCols.push(i);
    attributes.push({ id, displayName: ((rows[0] ?? missingValue('rows[0]'))[i] ?? missingValue('rows[0][i]')).trim(), description: ((rows[1] ?? missingValue('rows[1]'))[i] ?? missingValue('rows[1][i]')).trim(), datatype: datatype as ClinicalDatatype, priority });
  });

  const seenKeys = new Map<string, number>();
  async function* dataRows(): AsyncGenerator<ClinicalRow> {
    for await (const { n, text } of lines) {
      if (text.trim() === '') continue;
      if (text.startsWith('#')) throw new StudyFileError(file, n, null, "a '#' row after the header");
      const f = text.split('\t');
      while (f.length > ids.length && (f[f.length - 1] ?? missingValue('f[f.length - 1]')).trim() === '') f.pop();
      if (f.length !== ids.length) throw new StudyFileError(file, n, null, `has ${f.length} columns, the header has ${ids.length}`);
      const patientId = (f[patientCol ?? missingValue('patientCol')] ?? missingValue('f[patientCol]')).trim();
      const pp = idProblem(patientId);
      if (pp) throw new StudyFileError(file, n, columnLabel(patientCol ?? missingValue('patientCol'), 'PATIENT_ID'), pp);
      let sampleId: string | null = null;
      if (sampleCol !== undefined) {
        sampleId = (f[sampleCol] ?? missingValue('f[sampleCol]')).trim();
        const sp = idProblem(sampleId);
        if (sp) throw new StudyFileError(file, n, columnLabel(sampleCol, 'SAMPLE_ID'), sp);
        if (sampleId.length > MAX_SAMPLE_ID_LENGTH) throw new StudyFileError(file, n, columnLabel(sampleCol, 'SAMPLE_ID'), `is longer than ${MAX_SAMPLE_ID_LENGTH} characters`);
      }
      const key = sampleId ?? patientId;
      const prev = seenKeys.get(key);
      if (prev !== undefined) throw new StudyFileError(file, n, columnLabel(sampleCol ?? (patientCol ?? missingValue('patientCol')), sampleId === null ? 'PATIENT_ID' : 'SAMPLE_ID'), `'${key}' is defined twice (first on line ${prev})`);
      seenKeys.set(key, n);
      const values: (string | null)[] = new Array<string | null>(attrCols.length);
      for (let j = 0; j < attrCols.length; j++) {
        const col = attrCols[j] ?? missingValue('attrCols[j]');
        const raw = (f[col] ?? missingValue('f[col]')).trim();
        const attr = attributes[j] ?? missingValue('attributes[j]');
        if (isMissing(raw)) {
          values[j] = null;
          continue;
        }
        if (attr.datatype === 'NUMBER' && parseNumber(raw) === null) throw new StudyFileError(file, n, columnLabel(col, attr.id), `'${raw}' is not a number (datatype NUMBER)`);
        if (attr.datatype === 'BOOLEAN' && !/^(true|false)$/i.test(raw)) throw new StudyFileError(file, n, columnLabel(col, attr.id), `'${raw}' is not TRUE or FALSE (datatype BOOLEAN)`);
        values[j] = raw;
      }
      yield { line: n, patientId, sampleId, values };
    }
  }
  return { level, attributes, rows: dataRows() };
}
