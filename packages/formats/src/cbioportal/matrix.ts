/**
 * Gene x sample matrices: discrete copy number (wide format), expression, and other continuous profiles
 * (cBioPortal File-Formats, "Discrete Copy Number Data" and "Expression Data"): the first columns are Hugo_Symbol
 * and/or Entrez_Gene_Id (a GISTIC `Cytoband` column may stay), every other column is a sample.
 */
import { StudyFileError, columnLabel } from './errors.ts';
import { readLines } from './lines.ts';
import { isMissing, parseInteger, parseNumber } from './values.ts';
import { missingValue } from '@her2scope/core/errors';

const GENE_COLUMNS: ReadonlySet<string> = new Set(['Hugo_Symbol', 'Entrez_Gene_Id', 'Cytoband']);

export interface MatrixHeader {
  samples: string[];
  /** Line of the header, for messages. */
  line: number;
}

export interface MatrixRow<V> {
  line: number;
  gene: string | null;
  entrezGeneId: number | null;
  values: V;
}

export interface MatrixStats {
  rows: number;
  /** Rows skipped because the same gene came earlier in the file (the first row is kept). */
  duplicateGenes: string[];
}

export function emptyMatrixStats(): MatrixStats {
  return { rows: 0, duplicateGenes: [] };
}

interface MatrixOptions<V> {
  samples?: ReadonlySet<string>;
  stats?: MatrixStats;
  onHeader?: (h: MatrixHeader) => void;
  parseRow: (cells: string[], firstSample: number, n: number, names: string[]) => V;
}

async function* readMatrix<V>(path: string, file: string, options: MatrixOptions<V>): AsyncGenerator<MatrixRow<V>> {
  const stats = options.stats ?? emptyMatrixStats();
  let names: string[] | null = null;
  let hugo = -1;
  let entrez = -1;
  let first = 0;
  const seenGenes = new Set<string>();
  for await (const { n, text } of readLines(path)) {
    if (names === null) {
      if (text.startsWith('#')) continue;
      names = text.split('\t').map((s) => s.trim());
      while (names.length && names[names.length - 1] === '') names.pop();
      while (first < names.length && GENE_COLUMNS.has(names[first] ?? missingValue('names[first]'))) {
        if (names[first] === 'Hugo_Symbol') hugo = first;
        if (names[first] === 'Entrez_Gene_Id') entrez = first;
        first++;
      }
      if (hugo < 0 && entrez < 0) throw new StudyFileError(file, n, columnLabel(0, names[0]), 'the first column must be Hugo_Symbol or Entrez_Gene_Id');
      const seen = new Map<string, number>();
      for (let i = first; i < names.length; i++) {
        const s = names[i] ?? missingValue('names[i]');
        if (GENE_COLUMNS.has(s)) throw new StudyFileError(file, n, columnLabel(i, s), 'gene columns must come before the sample columns');
        if (s === '') throw new StudyFileError(file, n, columnLabel(i, undefined), 'empty sample ID in the header');
        if (seen.has(s)) throw new StudyFileError(file, n, columnLabel(i, s), `sample is listed twice (also column ${(seen.get(s) ?? missingValue('seen.get(s)')) + 1})`);
        if (options.samples && !options.samples.has(s)) throw new StudyFileError(file, n, columnLabel(i, s), `sample '${s}' is not in the clinical sample file`);
        seen.set(s, i);
      }
      options.onHeader?.({ samples: names.slice(first), line: n });
      continue;
    }
    if (text.trim() === '') continue;
    const f = text.split('\t');
    while (f.length > names.length && (f[f.length - 1] ?? missingValue('f[f.length - 1]')).trim() === '') f.pop();
    if (f.length !== names.length) throw new StudyFileError(file, n, null, `has ${f.length} columns, the header has ${names.length}`);
    stats.rows++;
    const gene = hugo >= 0 && !isMissing(f[hugo] ?? missingValue('f[hugo]')) ? (f[hugo] ?? missingValue('f[hugo]')).trim() : null;
    let entrezGeneId: number | null = null;
    if (entrez >= 0 && !isMissing(f[entrez] ?? missingValue('f[entrez]'))) {
      entrezGeneId = parseInteger(f[entrez] ?? missingValue('f[entrez]'));
      if (entrezGeneId === null) throw new StudyFileError(file, n, columnLabel(entrez, 'Entrez_Gene_Id'), `'${(f[entrez] ?? missingValue('f[entrez]')).trim()}' is not an Entrez gene ID (a whole number)`);
    }
    if (gene === null && entrezGeneId === null) throw new StudyFileError(file, n, columnLabel(hugo >= 0 ? hugo : entrez, hugo >= 0 ? 'Hugo_Symbol' : 'Entrez_Gene_Id'), 'no gene symbol and no Entrez gene ID');
    const key = gene ?? `#${entrezGeneId}`;
    if (seenGenes.has(key)) {
      stats.duplicateGenes.push(key);
      continue;
    }
    seenGenes.add(key);
    yield { line: n, gene, entrezGeneId, values: options.parseRow(f, first, n, names) };
  }
  if (names === null) throw new StudyFileError(file, null, null, 'no header line (the file is empty)');
}

/** A non-zero discrete copy-number call. */
export interface CnaCall {
  sampleId: string;
  /** -2 deep loss, -1 single-copy loss, 1 low-level gain, 2 high-level amplification (File-Formats). */
  value: -2 | -1 | 1 | 2;
}

const DISCRETE_MESSAGE = 'is not a discrete copy-number value (-2, -1, 0, 1, 2 or NA)';

function parseDiscrete(raw: string): number | null | undefined {
  const v = raw.trim();
  if (isMissing(v)) return null;
  const x = parseInteger(v);
  return x !== null && x >= -2 && x <= 2 ? x : undefined;
}

/** Discrete CNA, wide format. Yields per gene the non-zero calls; `onHeader` gives the profiled samples. */
export function readDiscreteCnaWide(
  path: string,
  file: string,
  options: { samples?: ReadonlySet<string>; stats?: MatrixStats; onHeader?: (h: MatrixHeader) => void } = {},
): AsyncGenerator<MatrixRow<CnaCall[]>> {
  return readMatrix(path, file, {
    ...options,
    parseRow(cells, first, n, names) {
      const calls: CnaCall[] = [];
      for (let i = first; i < cells.length; i++) {
        const x = parseDiscrete(cells[i] ?? missingValue('cells[i]'));
        if (x === undefined) throw new StudyFileError(file, n, columnLabel(i, names[i]), `'${(cells[i] ?? missingValue('cells[i]')).trim()}' ${DISCRETE_MESSAGE}`);
        if (x) calls.push({ sampleId: names[i] ?? missingValue('names[i]'), value: x as CnaCall['value'] });
      }
      return calls;
    },
  });
}

/** Expression (or any continuous) matrix; missing values are NaN. */
export function readContinuousMatrix(
  path: string,
  file: string,
  options: { samples?: ReadonlySet<string>; stats?: MatrixStats; onHeader?: (h: MatrixHeader) => void } = {},
): AsyncGenerator<MatrixRow<Float64Array>> {
  return readMatrix(path, file, {
    ...options,
    parseRow(cells, first, n, names) {
      const out = new Float64Array(cells.length - first);
      for (let i = first; i < cells.length; i++) {
        const raw = (cells[i] ?? missingValue('cells[i]')).trim();
        if (isMissing(raw)) {
          out[i - first] = Number.NaN;
          continue;
        }
        const x = parseNumber(raw);
        if (x === null) throw new StudyFileError(file, n, columnLabel(i, names[i]), `'${raw}' is not a number or NA`);
        out[i - first] = x;
      }
      return out;
    },
  });
}

export interface CnaLongRow {
  line: number;
  gene: string | null;
  entrezGeneId: number | null;
  sampleId: string;
  /** -2..2; 0 rows are yielded too (they mark the sample as profiled). */
  value: number;
}

/** Discrete CNA, long format (datatype DISCRETE_LONG): Hugo_Symbol / Entrez_Gene_Id, Sample_Id, Value, extra columns. */
export async function* readDiscreteCnaLong(path: string, file: string, options: { samples?: ReadonlySet<string> } = {}): AsyncGenerator<CnaLongRow> {
  let col: Record<string, number> | null = null;
  let width = 0;
  const seen = new Map<string, number>();
  for await (const { n, text } of readLines(path)) {
    if (col === null) {
      if (text.startsWith('#')) continue;
      const names = text.split('\t').map((s) => s.trim());
      col = {};
      names.forEach((name, i) => {
        if (name !== '' && (col ?? missingValue('col'))[name] === undefined) (col ?? missingValue('col'))[name] = i;
      });
      width = names.length;
      if (col.Hugo_Symbol === undefined && col.Entrez_Gene_Id === undefined) throw new StudyFileError(file, n, null, 'needs a Hugo_Symbol or Entrez_Gene_Id column');
      for (const req of ['Sample_Id', 'Value']) if (col[req] === undefined) throw new StudyFileError(file, n, null, `required column ${req} is missing`);
      continue;
    }
    if (text.trim() === '') continue;
    const f = text.split('\t');
    const sampleCol = col.Sample_Id ?? missingValue('col.Sample_Id');
    const valueCol = col.Value ?? missingValue('col.Value');
    if (f.length < Math.max(sampleCol, valueCol) + 1) throw new StudyFileError(file, n, null, `has ${f.length} columns, the header has ${width}`);
    const gene = col.Hugo_Symbol !== undefined && !isMissing(f[col.Hugo_Symbol] ?? '') ? (f[col.Hugo_Symbol] ?? missingValue('f[col.Hugo_Symbol]')).trim() : null;
    let entrezGeneId: number | null = null;
    if (col.Entrez_Gene_Id !== undefined && !isMissing(f[col.Entrez_Gene_Id] ?? '')) {
      entrezGeneId = parseInteger(f[col.Entrez_Gene_Id] ?? missingValue('f[col.Entrez_Gene_Id]'));
      if (entrezGeneId === null) throw new StudyFileError(file, n, columnLabel(col.Entrez_Gene_Id, 'Entrez_Gene_Id'), `'${(f[col.Entrez_Gene_Id] ?? missingValue('f[col.Entrez_Gene_Id]')).trim()}' is not an Entrez gene ID (a whole number)`);
    }
    if (gene === null && entrezGeneId === null) throw new StudyFileError(file, n, null, 'no gene symbol and no Entrez gene ID');
    const sampleId = (f[sampleCol] ?? missingValue('f[sampleCol]')).trim();
    if (sampleId === '') throw new StudyFileError(file, n, columnLabel(sampleCol, 'Sample_Id'), 'empty sample ID');
    if (options.samples && !options.samples.has(sampleId)) throw new StudyFileError(file, n, columnLabel(sampleCol, 'Sample_Id'), `sample '${sampleId}' is not in the clinical sample file`);
    const raw = f[valueCol] ?? missingValue('f[valueCol]');
    const value = parseDiscrete(raw);
    if (value === undefined) throw new StudyFileError(file, n, columnLabel(valueCol, 'Value'), `'${raw.trim()}' ${DISCRETE_MESSAGE}`);
    if (value === null) continue;
    const key = `${gene ?? `#${entrezGeneId}`}\t${sampleId}`;
    const prev = seen.get(key);
    if (prev !== undefined) throw new StudyFileError(file, n, null, `gene ${gene ?? entrezGeneId} and sample ${sampleId} were already given on line ${prev}`);
    seen.set(key, n);
    yield { line: n, gene, entrezGeneId, sampleId, value };
  }
  if (col === null) throw new StudyFileError(file, null, null, 'no header line (the file is empty)');
}
