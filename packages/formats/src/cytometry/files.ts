/** Panel YAML and compensation-matrix CSV files, and atomic file writes. */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from '@her2scope/core';
import { parsePanel, type CytometryPanel, type SpilloverMatrix } from '@her2scope/core/cytometry';
import { missingValue } from '@her2scope/core/errors';

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(basename(path), `cannot read file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message)})`);
  }
}

/** Read a panel file (YAML or JSON). Errors: `panel.yaml:4: ...` for syntax, `panel.yaml: markers.HER2: ...` for content. */
export function readPanelFile(path: string): CytometryPanel {
  const name = basename(path);
  const text = readText(path);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const at = err.pos?.[0];
    const line = err.linePos?.[0]?.line ?? (at === undefined ? undefined : text.slice(0, at).split('\n').length);
    throw new InputError(`${name}${line ? `:${line}` : ''}`, `not valid YAML: ${err.message.split('\n')[0]}`);
  }
  try {
    return parsePanel(doc.toJS({ maxAliasCount: 100 }));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(name, e.message);
    throw e;
  }
}

/**
 * Read a compensation (spillover) matrix CSV/TSV: a header row of detector names (optionally starting with '#'),
 * then one row per fluorochrome/detector with n values, optionally preceded by a row label (FlowJo style).
 */
export function readCompensationCsv(path: string): SpilloverMatrix {
  const name = basename(path);
  const lines = readText(path).split(/\r?\n/);
  let i = 0;
  while (i < lines.length && (lines[i] ?? missingValue('lines[i]')).trim() === '') i++;
  if (i >= lines.length) throw new InputError(name, 'the matrix file is empty');
  const headerLine = (lines[i] ?? missingValue('lines[i]')).replace(/^\uFEFF/, '').replace(/^#\s*/, '');
  const delim = headerLine.includes('\t') ? '\t' : ',';
  const split = (l: string) => l.split(delim).map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
  let names = split(headerLine);
  if (names[0] === '' && names.length > 1) names = names.slice(1); // a corner cell above the row labels
  const n = names.length;
  if (n === 0 || names.some((x) => x === '')) throw new InputError(`${name}:${i + 1}`, 'the header must name every detector');
  if (new Set(names).size !== n) throw new InputError(`${name}:${i + 1}`, 'a detector is named twice in the header');
  const rows: number[][] = new Array<number[]>(n);
  let filled = 0;
  for (let li = i + 1; li < lines.length && filled < n; li++) {
    const line = lines[li] ?? missingValue('lines[li]');
    if (line.trim() === '') continue;
    let cells = split(line);
    let label: string | null = null;
    if (cells.length === n + 1) {
      label = cells[0] ?? missingValue('cells[0]');
      cells = cells.slice(1);
    }
    if (cells.length !== n) throw new InputError(`${name}:${li + 1}`, `${cells.length} values, expected ${n} (one per detector in the header)`);
    const values = cells.map((c) => {
      const v = Number(c);
      if (c === '' || !Number.isFinite(v)) throw new InputError(`${name}:${li + 1}`, `'${c}' is not a number`);
      return v;
    });
    let at = filled;
    if (label !== null) {
      at = names.indexOf(label);
      if (at < 0) throw new InputError(`${name}:${li + 1}`, `row label '${label}' is not a detector of the header`);
      if (rows[at]) throw new InputError(`${name}:${li + 1}`, `row '${label}' appears twice`);
    }
    rows[at] = values;
    filled++;
  }
  if (filled < n) throw new InputError(name, `${filled} matrix rows, expected ${n}`);
  return { detectors: names, fluorochromes: [...names], values: rows, source: name };
}

/** Write a file atomically: a temporary file beside it, then rename. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(basename(path), `cannot write file (${code === 'ENOENT' ? 'no such directory' : (code ?? (e as Error).message)})`);
  }
}
