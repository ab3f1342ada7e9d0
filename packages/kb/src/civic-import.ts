/**
 * `her2scope kb import-civic`: reads a CIViC ClinicalEvidenceSummaries.tsv (CIViC v1 export, one record per line,
 * tab-separated with no quoting) and the OncoTree breast table, converts the breast-cancer predictive evidence with
 * the core importer and writes data/civic-breast.json atomically. The TSV is read by hand because it is a plain
 * tab-separated file without quoting (csv parsers would mis-handle the stray `"` that begin some CIViC fields).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCivicEvidence, InputError, type CivicImportReport } from '@her2scope/core';

const REQUIRED = ['gene', 'variant', 'disease', 'drugs', 'evidence_type', 'evidence_direction', 'evidence_level', 'clinical_significance', 'evidence_statement', 'citation_id', 'source_type', 'evidence_id'];

export function readTsvRecords(path: string): Array<Record<string, string>> {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  for (const col of REQUIRED) if (!header.includes(col)) throw new InputError(`${path}:1`, `missing column '${col}' (is this a CIViC ClinicalEvidenceSummaries.tsv?)`);
  const rows: Array<Record<string, string>> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const fields = line.split('\t');
    if (fields.length !== header.length) throw new InputError(`${path}:${i + 1}`, `${fields.length} fields, expected ${header.length}`);
    rows.push(Object.fromEntries(header.map((h, j) => [h, fields[j] ?? ''])));
  }
  return rows;
}

export function readOncotreeNames(path: string): Map<string, string> {
  const rows = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean);
  const header = rows[0]!.split('\t');
  const code = header.indexOf('code');
  const name = header.indexOf('name');
  if (code < 0 || name < 0) throw new InputError(`${path}:1`, "needs 'code' and 'name' columns (OncoTree flat TSV)");
  return new Map(rows.slice(1).map((r) => r.split('\t')).map((f) => [f[code]!, f[name]!]));
}

/** Import and write `civic-breast.json` into outDir; returns the report. */
export function importCivicFile(tsvPath: string, oncotreePath: string, outDir: string, release: string): CivicImportReport {
  const report = importCivicEvidence(readTsvRecords(tsvPath), readOncotreeNames(oncotreePath), release);
  const out = join(outDir, 'civic-breast.json');
  const body = {
    generatedBy: 'her2scope kb import-civic',
    source: `CIViC ClinicalEvidenceSummaries ${release} (CC0 1.0)`,
    entries: report.entries,
    skipped: report.skipped,
  };
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(body, null, 1) + '\n');
  renameSync(tmp, out);
  return report;
}
