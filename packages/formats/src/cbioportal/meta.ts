/**
 * Meta files (`meta_*.txt`, `case_lists/*.txt`): one `key: value` pair per line (cBioPortal File-Formats,
 * "multiline record format").
 */
import { readFile } from 'node:fs/promises';
import { StudyFileError } from './errors.ts';
import { missingValue } from '@her2scope/core/errors';

export interface MetaFile {
  /** File name relative to the study folder. */
  file: string;
  fields: Map<string, string>;
  /** Line of each key, for messages. */
  lineOf: Map<string, number>;
}

export async function readMetaFile(path: string, file: string): Promise<MetaFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new StudyFileError(file, null, null, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const fields = new Map<string, string>();
  const lineOf = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? missingValue('lines[i]');
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new StudyFileError(file, i + 1, null, `expected 'key: value', got '${line.slice(0, 60)}'`);
    const key = line.slice(0, colon).trim();
    if (fields.has(key)) throw new StudyFileError(file, i + 1, null, `'${key}' is given twice (first on line ${lineOf.get(key)})`);
    fields.set(key, line.slice(colon + 1).trim());
    lineOf.set(key, i + 1);
  }
  return { file, fields, lineOf };
}

/** A required field's value; the error names the file and the field. */
export function requireField(meta: MetaFile, key: string): string {
  const v = meta.fields.get(key);
  if (v === undefined || v === '') throw new StudyFileError(meta.file, meta.lineOf.get(key) ?? null, null, `required field '${key}' is ${v === undefined ? 'missing' : 'empty'}`);
  return v;
}
