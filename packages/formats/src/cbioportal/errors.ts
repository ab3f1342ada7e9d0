import { InputError } from '@her2scope/core';

/**
 * A problem in a study file. The message names the file (relative to the study folder), the 1-based line and,
 * where there is one, the column (1-based number and header name): `data_cna.txt:57: column 4 (S-1): ...`.
 */
export class StudyFileError extends InputError {
  readonly file: string;
  readonly line: number | null;
  readonly column: string | null;
  constructor(file: string, line: number | null, column: string | null, message: string) {
    super(line === null ? file : `${file}:${line}`, column ? `${column}: ${message}` : message);
    this.name = 'StudyFileError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** `column 4 (SAMPLE_ID)` */
export function columnLabel(index: number, name: string | undefined): string {
  return name === undefined ? `column ${index + 1}` : `column ${index + 1} (${name})`;
}
