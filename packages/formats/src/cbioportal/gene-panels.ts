/**
 * Gene panels (cBioPortal File-Formats, "Gene Panel Data"; Import-Gene-Panels.md).
 *
 * - A gene panel file is in the meta-file format: `stable_id`, `description`, `gene_list` (tab-separated, either all
 *   gene symbols or all Entrez gene IDs).
 * - The gene panel matrix file (`GENE_PANEL_MATRIX`) has `SAMPLE_ID` in the first column and one column per profile,
 *   headed by the profile's `stable_id` (e.g. `mutations`, `gistic`). A cell names the sample's panel for that profile,
 *   or is `NA` "when the sample is not profiled on a gene panel, or if the sample is not profiled at all"; whether an
 *   `NA` sample is profiled (whole exome / genome) is decided by the case list (`_sequenced` for mutations).
 *   The validator also accepts `WGS`, `WXS` and `WXS/WGS` as "no panel" values (validateData.py,
 *   GenePanelMatrixValidator).
 */
import { StudyFileError, columnLabel } from './errors.ts';
import { readLines } from './lines.ts';
import { readMetaFile, requireField } from './meta.ts';
import { missingValue } from '@her2scope/core/errors';

export interface GenePanel {
  file: string;
  stableId: string;
  description: string;
  /** Gene symbols or Entrez IDs (as text), as listed. */
  genes: string[];
  /** True when the list is Entrez gene IDs. */
  entrez: boolean;
}

/** Matrix values that mean "no panel" (whole exome / genome, or not profiled): validateData.py. */
export const NO_PANEL_VALUES: ReadonlySet<string> = new Set(['NA', 'WGS', 'WXS', 'WXS/WGS']);

export async function readGenePanel(path: string, file: string): Promise<GenePanel> {
  const meta = await readMetaFile(path, file);
  const stableId = requireField(meta, 'stable_id');
  const line = meta.lineOf.get('gene_list') ?? missingValue('meta.lineOf.get(\'gene_list\')');
  const genes = requireField(meta, 'gene_list').split('\t').map((g) => g.trim()).filter(Boolean);
  const numeric = genes.filter((g) => /^\d+$/.test(g)).length;
  if (numeric !== 0 && numeric !== genes.length) throw new StudyFileError(file, line, 'gene_list', 'mixes gene symbols and Entrez IDs (use all symbols or all Entrez IDs)');
  const seen = new Set<string>();
  for (const g of genes) {
    const k = g.toUpperCase();
    if (seen.has(k)) throw new StudyFileError(file, line, 'gene_list', `gene '${g}' is listed twice`);
    seen.add(k);
  }
  return { file, stableId, description: meta.fields.get('description') ?? '', genes, entrez: numeric > 0 };
}

export interface GenePanelMatrix {
  /** Profile stable_ids of the columns after SAMPLE_ID. */
  profiles: string[];
  /** Sample -> panel stable_id per profile column (null = no panel). */
  panels: Map<string, (string | null)[]>;
  /** Line of each sample, for messages. */
  lineOf: Map<string, number>;
}

export async function readGenePanelMatrix(
  path: string,
  file: string,
  options: { samples?: ReadonlySet<string>; profiles: ReadonlySet<string>; panels?: ReadonlySet<string> },
): Promise<GenePanelMatrix> {
  let header: string[] | null = null;
  const panels = new Map<string, (string | null)[]>();
  const lineOf = new Map<string, number>();
  for await (const { n, text } of readLines(path)) {
    if (header === null) {
      if (text.startsWith('#')) continue;
      header = text.split('\t').map((s) => s.trim());
      while (header.length && header[header.length - 1] === '') header.pop();
      if (header[0] !== 'SAMPLE_ID') throw new StudyFileError(file, n, columnLabel(0, header[0]), 'the first column must be SAMPLE_ID');
      const seen = new Set<string>();
      header.slice(1).forEach((p, i) => {
        if (seen.has(p)) throw new StudyFileError(file, n, columnLabel(i + 1, p), 'profile column given twice');
        seen.add(p);
        if (!options.profiles.has(p)) throw new StudyFileError(file, n, columnLabel(i + 1, p), `'${p}' is not the stable_id of a profile in the study's meta files`);
      });
      continue;
    }
    if (text.trim() === '') continue;
    const f = text.split('\t').map((s) => s.trim());
    while (f.length > header.length && f[f.length - 1] === '') f.pop();
    if (f.length !== header.length) throw new StudyFileError(file, n, null, `has ${f.length} columns, the header has ${header.length}`);
    const sample = f[0] ?? missingValue('f[0]');
    if (sample === '') throw new StudyFileError(file, n, columnLabel(0, 'SAMPLE_ID'), 'empty sample ID');
    if (options.samples && !options.samples.has(sample)) throw new StudyFileError(file, n, columnLabel(0, 'SAMPLE_ID'), `sample '${sample}' is not in the clinical sample file`);
    const prev = lineOf.get(sample);
    if (prev !== undefined) throw new StudyFileError(file, n, columnLabel(0, 'SAMPLE_ID'), `sample '${sample}' is listed twice (first on line ${prev})`);
    lineOf.set(sample, n);
    const row = f.slice(1).map((v, i) => {
      if (v === '' || NO_PANEL_VALUES.has(v)) return null;
      if (options.panels && !options.panels.has(v)) {
        throw new StudyFileError(file, n, columnLabel(i + 1, (header ?? missingValue('header'))[i + 1]), `gene panel '${v}' is not defined (no data_gene_panel_*.txt file in the study folder names it, and no earlier import stored it)`);
      }
      return v;
    });
    panels.set(sample, row);
  }
  if (header === null) throw new StudyFileError(file, null, null, 'no header line (the file is empty)');
  return { profiles: header.slice(1), panels, lineOf };
}
