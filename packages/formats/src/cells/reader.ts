/**
 * Per-cell tables (one row per cell, one column per measurement), as exported by QuPath, HALO or MCMICRO: CSV, TSV
 * or semicolon-separated, with a header row. Parsed with csv-parse (quoting, BOM, CRLF). Only the columns asked for
 * are kept, as Float64Arrays (intensities) or call arrays (positive/negative classifications).
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse';
import { InputError } from '@her2scope/core';
import { CALL_MISSING } from '@her2scope/core/cytometry';
import { missingValue } from '@her2scope/core/errors';

export interface CellTable {
  source: string;
  /** All header names, in file order. */
  header: string[];
  rows: number;
  /** Requested numeric columns by header name (NaN = missing: empty, NA, NaN). */
  values: Map<string, Float64Array>;
  /** Requested call columns by header name: 1 positive, 0 negative, 255 missing. */
  calls: Map<string, Uint8Array>;
}

export interface CellTableOptions {
  /** Numeric columns to keep. */
  columns: string[];
  /** Columns holding positive/negative calls. */
  callColumns?: string[];
  /** Field delimiter; default from the extension (.tsv/.txt tab, .csv comma) or sniffed from the header line. */
  delimiter?: string;
  name?: string;
}

const MISSING = new Set(['', 'na', 'nan', 'n/a', 'null', 'none', '-']);
const POSITIVE = new Set(['1', 'true', 'yes', 'y', 'positive', 'pos', '+', 'high']);
const NEGATIVE = new Set(['0', 'false', 'no', 'n', 'negative', 'neg', '-', 'low']);

/** Read a call: 'Positive', 'HER2: Negative', '1', 'true', '+' ...; returns 1, 0, or CALL_MISSING; null if unreadable. */
export function parseCall(raw: string): number | null {
  let t = raw.trim().toLowerCase();
  const colon = t.lastIndexOf(':');
  if (colon >= 0) t = t.slice(colon + 1).trim();
  if (t === '' || t === 'na' || t === 'nan' || t === 'n/a') return CALL_MISSING;
  if (POSITIVE.has(t)) return 1;
  if (NEGATIVE.has(t)) return 0;
  return null;
}

function sniffDelimiter(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return '\t';
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(65536);
  let line: string;
  try {
    const got = readSync(fd, buf, 0, buf.length, 0);
    line = buf.subarray(0, got).toString('utf8').split(/\r?\n/)[0] ?? '';
  } finally {
    closeSync(fd);
  }
  const counts: Array<[string, number]> = [
    ['\t', line.split('\t').length - 1],
    [',', line.split(',').length - 1],
    [';', line.split(';').length - 1],
  ];
  counts.sort((a, b) => b[1] - a[1]);
  if ((counts[0] ?? missingValue('counts[0]'))[1] === 0) return ext === '.csv' ? ',' : '\t';
  return (counts[0] ?? missingValue('counts[0]'))[0];
}

/** Read the requested columns of a per-cell table. Errors name file:line and the column. */
export async function readCellTable(path: string, options: CellTableOptions): Promise<CellTable> {
  const name = options.name ?? basename(path);
  let delimiter: string;
  try {
    delimiter = options.delimiter ?? sniffDelimiter(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(name, `cannot read file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message)})`);
  }
  const parser = createReadStream(path).pipe(parse({ delimiter, bom: true, skip_empty_lines: true, info: true, relax_quotes: false, relax_column_count: true, trim: false }));
  let header: string[] | null = null;
  let numIdx: number[] = [];
  let callIdx: number[] = [];
  // Growable per-column storage.
  let capacity = 1024;
  let numCols: Float64Array[] = [];
  let callCols: Uint8Array[] = [];
  let rows = 0;
  const grow = () => {
    capacity *= 2;
    numCols = numCols.map((c) => {
      const n = new Float64Array(capacity);
      n.set(c);
      return n;
    });
    callCols = callCols.map((c) => {
      const n = new Uint8Array(capacity);
      n.set(c);
      return n;
    });
  };
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      if (!header) {
        header = record.map((h) => h.trim());
        const find = (col: string, what: string) => {
          let i = (header ?? missingValue('header')).indexOf(col);
          if (i < 0) i = (header ?? missingValue('header')).findIndex((h) => h.toLowerCase() === col.trim().toLowerCase());
          if (i < 0) throw new InputError(name, `${what} column '${col}' is not in the header (columns: ${(header ?? missingValue('header')).slice(0, 30).join(', ')}${(header ?? missingValue('header')).length > 30 ? ', ...' : ''})`);
          return i;
        };
        numIdx = options.columns.map((c) => find(c, 'marker'));
        callIdx = (options.callColumns ?? []).map((c) => find(c, 'call'));
        numCols = numIdx.map(() => new Float64Array(capacity));
        callCols = callIdx.map(() => new Uint8Array(capacity));
        continue;
      }
      if (record.length !== header.length) {
        throw new InputError(`${name}:${info.lines}`, `${record.length} fields, but the header has ${header.length}`);
      }
      if (rows === capacity) grow();
      for (let k = 0; k < numIdx.length; k++) {
        const raw = record[numIdx[k] ?? missingValue('numIdx[k]')] ?? missingValue('record[numIdx[k]]');
        const t = raw.trim();
        let v: number;
        if (MISSING.has(t.toLowerCase())) v = Number.NaN;
        else {
          v = Number(t);
          if (!Number.isFinite(v) || t === '') throw new InputError(`${name}:${info.lines}`, `${header[numIdx[k] ?? missingValue('numIdx[k]')]}: '${raw.slice(0, 40)}' is not a number`);
        }
        (numCols[k] ?? missingValue('numCols[k]'))[rows] = v;
      }
      for (let k = 0; k < callIdx.length; k++) {
        const raw = record[callIdx[k] ?? missingValue('callIdx[k]')] ?? missingValue('record[callIdx[k]]');
        const c = parseCall(raw);
        if (c === null) throw new InputError(`${name}:${info.lines}`, `${header[callIdx[k] ?? missingValue('callIdx[k]')]}: '${raw.slice(0, 40)}' is not a positive/negative call (use 1/0, true/false, positive/negative, +/-)`);
        (callCols[k] ?? missingValue('callCols[k]'))[rows] = c;
      }
      rows++;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as Error & { code?: string; lines?: number };
    if (err.code === 'ENOENT') throw new InputError(name, 'cannot read file (no such file)');
    if (err.code === 'EISDIR') throw new InputError(name, 'cannot read file (is a directory)');
    if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
      throw new InputError(`${name}${err.lines ? `:${err.lines}` : ''}`, `not a readable table: ${err.message.replace(/^Invalid Record Length: /, '')}`);
    }
    throw e;
  }
  if (!header) throw new InputError(name, 'the table is empty (no header row)');
  return {
    source: name,
    header,
    rows,
    values: new Map(options.columns.map((c, k) => [c, (numCols[k] ?? missingValue('numCols[k]')).slice(0, rows)])),
    calls: new Map((options.callColumns ?? []).map((c, k) => [c, (callCols[k] ?? missingValue('callCols[k]')).slice(0, rows)])),
  };
}
