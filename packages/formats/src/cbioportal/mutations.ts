/**
 * The study's mutation file (MUTATION_EXTENDED / MAF), streamed: what the cohort import needs, validated against the
 * cBioPortal File-Formats "Mutation Data" rules. Columns are found by header name (their order is not fixed);
 * `#` lines before the header (e.g. `#version 2.4`) are skipped.
 *
 * Note: a general MAF reader lives in ../maf/; this one is deliberately narrow (cBioPortal's required columns, its
 * Variant_Classification list and import filters) and fast enough for a million rows.
 */
import { StudyFileError, columnLabel } from './errors.ts';
import { readLineBlocks } from './lines.ts';
import { isMissing, parseInteger } from './values.ts';
import { missingValue } from '@her2scope/core/errors';

/** Columns marked "Required" in File-Formats, "cBioPortal mutation data file format". */
export const MAF_REQUIRED_COLUMNS = ['Hugo_Symbol', 'NCBI_Build', 'Variant_Classification', 'Reference_Allele', 'Tumor_Seq_Allele2', 'Tumor_Sample_Barcode', 'HGVSp_Short'] as const;

/** Variant_Classification values File-Formats lists as allowed ("Variant classification filter"). */
export const VARIANT_CLASSIFICATIONS: ReadonlySet<string> = new Set([
  'Frame_Shift_Del', 'Frame_Shift_Ins', 'In_Frame_Del', 'In_Frame_Ins', 'Missense_Mutation', 'Nonsense_Mutation', 'Silent',
  'Splice_Site', 'Translation_Start_Site', 'Nonstop_Mutation', "3'UTR", "3'Flank", "5'UTR", "5'Flank", 'IGR', 'Intron', 'RNA',
  'Targeted_Region', 'De_novo_Start_InFrame', 'De_novo_Start_OutOfFrame', 'Splice_Region', 'Unknown',
]);

/**
 * cBioPortal's default import filter when the meta file has no `variant_classification_filter`: "Silent, Intron, IGR,
 * 3'UTR, 5'UTR, 3'Flank and 5'Flank, except for the promoter mutations of the TERT gene" (File-Formats).
 */
export const DEFAULT_VARIANT_FILTER: ReadonlySet<string> = new Set(['Silent', 'Intron', 'IGR', "3'UTR", "5'UTR", "3'Flank", "5'Flank"]);

const USED_COLUMNS = ['Chromosome', 'End_Position', 'Entrez_Gene_Id', 'HGVSp_Short', 'Hugo_Symbol', 'Mutation_Status', 'NCBI_Build', 'Reference_Allele', 'Start_Position', 'Tumor_Sample_Barcode', 'Tumor_Seq_Allele1', 'Tumor_Seq_Allele2', 'Validation_Status', 'Variant_Classification', 'Variant_Type', 't_alt_count', 't_ref_count'] as const;

/**
 * `Fusion` is an accepted Variant_Classification in cBioPortal's validator (validateData.py,
 * EXTRA_VARIANT_CLASSIFICATION_VALUES, after vcf2maf issue 88): fusions written into a MAF by the deprecated fusion
 * format. her2scope does not import structural variants, so these rows are skipped and counted (a warning, not an
 * error).
 */
export const FUSION_CLASSIFICATION = 'Fusion';

/** Mutation_Status values that are "not loaded" (File-Formats). */
const NOT_LOADED_STATUS: ReadonlySet<string> = new Set(['none', 'loh', 'wildtype']);

export interface StudyMutation {
  line: number;
  sampleId: string;
  gene: string;
  entrezGeneId: number | null;
  ncbiBuild: string;
  chromosome: string | null;
  startPosition: number | null;
  endPosition: number | null;
  variantClassification: string;
  variantType: string | null;
  referenceAllele: string;
  /** The tumour allele chosen by File-Formats' "Tumor seq allele ambiguity" rule. */
  tumorAllele: string;
  /** HGVSp_Short without the `p.` prefix (`L755S`); null when empty. */
  proteinChange: string | null;
  tAltCount: number | null;
  tRefCount: number | null;
  mutationStatus: string | null;
}

export interface MutationReadStats {
  rows: number;
  kept: number;
  /** Rows dropped by the Variant_Classification filter, by class. */
  filtered: Record<string, number>;
  /** Rows dropped because Mutation_Status is None / LOH / Wildtype. */
  notLoadedStatus: number;
  /** Rows dropped because Validation_Status is Redacted (cBioPortal MutationFilter: "Do not accept Redacted mutations"). */
  redacted: number;
  /** `Fusion` rows skipped (structural variants are not imported). */
  fusions: number;
  /**
   * Variant_Classification values outside cBioPortal's list, by value: imported as class `other` with a warning, as
   * the validator warns and the importer loads them (validateData.py checkVariantClassification).
   */
  unknownClassifications: Record<string, number>;
}

export interface MutationReadOptions {
  /** Variant classifications to drop; default DEFAULT_VARIANT_FILTER. An empty set keeps everything. */
  filter?: ReadonlySet<string>;
  /** Sample IDs defined in the clinical sample file; a row naming another sample is an error. */
  samples?: ReadonlySet<string>;
  stats?: MutationReadStats;
}

export function emptyMutationStats(): MutationReadStats {
  return { rows: 0, kept: 0, filtered: {}, notLoadedStatus: 0, redacted: 0, fusions: 0, unknownClassifications: {} };
}

const NUCLEOTIDES = /^[ACGT]+$/i;

type IntColumn = 'Start_Position' | 'End_Position' | 't_alt_count' | 't_ref_count';

/** Parse the meta file's `variant_classification_filter` (comma-separated; empty = no filtering). */
export function parseVariantFilter(value: string | undefined, file: string, line: number | null): ReadonlySet<string> {
  if (value === undefined) return DEFAULT_VARIANT_FILTER;
  const out = new Set<string>();
  for (const v of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!VARIANT_CLASSIFICATIONS.has(v)) throw new StudyFileError(file, line, 'variant_classification_filter', `'${v}' is not a Variant_Classification`);
    out.add(v);
  }
  return out;
}

/**
 * The kept rows of a MAF, one row at a time (see readStudyMutationBlocks, which the import uses).
 */
export async function* readStudyMutations(path: string, file: string, options: MutationReadOptions = {}): AsyncGenerator<StudyMutation> {
  for await (const rows of readStudyMutationBlocks(path, file, options)) yield* rows;
}

/**
 * The kept rows of a MAF in blocks (the rows of one 64 KiB chunk of the file), validated as they are read.
 *
 * Hand-written field scanning, on purpose: a GDC MAF has ~120 columns of which ~17 are read here. Splitting every line
 * into 120 strings (String.split) and awaiting every row separately were most of a million-row import's time; this
 * scans the line's tabs with indexOf on the chunk's text (no line string, no array of cells), cuts out only the used
 * cells, and hands a whole block of rows to the caller per await. A line is still checked for at least as many cells
 * as the header has, and every message keeps its file, line and column. No CSV library is used because the format is
 * plain TSV without quoting (cBioPortal File-Formats), which every general parser would pay for.
 */
export async function* readStudyMutationBlocks(path: string, file: string, options: MutationReadOptions = {}): AsyncGenerator<StudyMutation[]> {
  const filter = options.filter ?? DEFAULT_VARIANT_FILTER;
  const stats = options.stats ?? emptyMutationStats();
  let col: Record<string, number> | null = null;
  /** Column index of each used column (-1: absent). */
  let I: Record<(typeof USED_COLUMNS)[number], number> = Object.fromEntries(USED_COLUMNS.map((k) => [k, -1])) as Record<(typeof USED_COLUMNS)[number], number>;
  let width = 0;
  let cellOf: (name: string) => string = (name) => name;
  /** Cell bounds of the current line, [cellStart[i], cellEnd[i]) in the block's text, for the first `width` cells. */
  let cellStart = new Int32Array(0);
  let cellEnd = new Int32Array(0);
  let text = '';
  const cell = (i: number): string => text.slice(cellStart[i], cellEnd[i]).trim();
  const optional = (i: number): string | null => (i < 0 ? null : cell(i));
  for await (const block of readLineBlocks(path)) {
    text = block.text;
    const out: StudyMutation[] = [];
    for (let k = 0; k < block.count; k++) {
      const n = block.first + k;
      const ls = block.start[k] ?? missingValue('block.start[k]');
      const le = block.end[k] ?? missingValue('block.end[k]');
      if (le > ls && text.charCodeAt(ls) === 35 /* # */) continue;
      if (col === null) {
        const names = text.slice(ls, le).split('\t').map((x) => x.trim());
        while (names.length && names[names.length - 1] === '') names.pop();
        width = names.length;
        const cols: Record<string, number> = {};
        col = cols;
        names.forEach((name, i) => {
          if (cols[name] !== undefined) throw new StudyFileError(file, n, columnLabel(i, name), `duplicate column (also column ${cols[name] + 1})`);
          cols[name] = i;
        });
        for (const req of MAF_REQUIRED_COLUMNS) if (col[req] === undefined) throw new StudyFileError(file, n, null, `required column ${req} is missing (the header is the first line not starting with #)`);
        // A fixed-shape index object: per-row lookups stay fast for a million rows.
        I = Object.fromEntries(USED_COLUMNS.map((name) => [name, cols[name] ?? -1])) as Record<(typeof USED_COLUMNS)[number], number>;
        cellOf = (name: string) => columnLabel(cols[name] ?? missingValue('cols[name]'), name);
        cellStart = new Int32Array(width);
        cellEnd = new Int32Array(width);
        continue;
      }
      // Blank or whitespace-only lines are skipped (every character String.trim removes is <= 32 or >= 128).
      const c0 = text.charCodeAt(ls);
      if (le === ls || ((c0 <= 32 || c0 >= 128) && text.slice(ls, le).trim() === '')) continue;
      // The first `width` cells; `cells` ends as the line's number of cells when it has fewer.
      let cells = 0;
      let p = ls;
      while (cells < width) {
        const t = text.indexOf('\t', p);
        cellStart[cells] = p;
        if (t < 0 || t >= le) {
          cellEnd[cells++] = le;
          break;
        }
        cellEnd[cells++] = t;
        p = t + 1;
      }
      if (cells < width) throw new StudyFileError(file, n, null, `has ${cells} columns, the header has ${width}`);
      stats.rows++;
      const ix = I;
      const gene = cell(ix.Hugo_Symbol);
      let entrezGeneId: number | null = null;
      if (ix.Entrez_Gene_Id >= 0) {
        const entrezRaw = cell(ix.Entrez_Gene_Id);
        if (!isMissing(entrezRaw)) {
          entrezGeneId = parseInteger(entrezRaw);
          if (entrezGeneId === null || entrezGeneId < 0) throw new StudyFileError(file, n, cellOf('Entrez_Gene_Id'), `'${entrezRaw}' is not an Entrez gene ID (a whole number)`);
        }
      }
      if (gene === '' && entrezGeneId === null) throw new StudyFileError(file, n, cellOf('Hugo_Symbol'), 'empty gene symbol and no Entrez_Gene_Id');
      const sampleId = cell(ix.Tumor_Sample_Barcode);
      if (sampleId === '') throw new StudyFileError(file, n, cellOf('Tumor_Sample_Barcode'), 'empty sample ID');
      if (options.samples && !options.samples.has(sampleId)) throw new StudyFileError(file, n, cellOf('Tumor_Sample_Barcode'), `sample '${sampleId}' is not in the clinical sample file`);
      const vc = cell(ix.Variant_Classification);
      if (vc === '') throw new StudyFileError(file, n, cellOf('Variant_Classification'), 'empty');
      const unknownClass = !VARIANT_CLASSIFICATIONS.has(vc) && vc !== FUSION_CLASSIFICATION;
      const ncbiBuild = cell(ix.NCBI_Build);
      if (ncbiBuild === '') throw new StudyFileError(file, n, cellOf('NCBI_Build'), 'empty; expected GRCh37 or GRCh38');
      const ref = cell(ix.Reference_Allele);
      if (ref === '') throw new StudyFileError(file, n, cellOf('Reference_Allele'), 'empty');
      const a2 = cell(ix.Tumor_Seq_Allele2);
      const a1 = optional(ix.Tumor_Seq_Allele1);
      if (a2 === '' && (a1 === null || a1 === '')) throw new StudyFileError(file, n, cellOf('Tumor_Seq_Allele2'), 'empty (no tumour allele)');
      const count = (name: IntColumn): number | null => {
        const i = ix[name];
        if (i < 0) return null;
        const v = cell(i);
        if (isMissing(v)) return null;
        const x = parseInteger(v);
        if (x === null || x < 0) throw new StudyFileError(file, n, cellOf(name), `'${v}' is not a whole number >= 0`);
        return x;
      };
      const startPosition = count('Start_Position');
      const endPosition = count('End_Position');
      const tAltCount = count('t_alt_count');
      const tRefCount = count('t_ref_count');
      if (startPosition !== null && endPosition !== null && endPosition < startPosition) {
        throw new StudyFileError(file, n, cellOf('End_Position'), `${endPosition} is before Start_Position ${startPosition}`);
      }
      const status = optional(ix.Mutation_Status);
      if (status !== null && NOT_LOADED_STATUS.has(status.toLowerCase())) {
        stats.notLoadedStatus++;
        continue;
      }
      // MutationFilter.java: a Validation_Status starting with "Redacted" (case-insensitive) is not loaded.
      const validation = optional(ix.Validation_Status);
      if (validation !== null && validation.toLowerCase().startsWith('redacted')) {
        stats.redacted++;
        continue;
      }
      if (vc === FUSION_CLASSIFICATION) {
        stats.fusions++;
        continue;
      }
      if (unknownClass) stats.unknownClassifications[vc] = (stats.unknownClassifications[vc] ?? 0) + 1;
      // File-Formats "Filtered mutations": Entrez 0 with Hugo_Symbol Unknown is parsed as IGR.
      const effectiveClass = entrezGeneId === 0 && gene === 'Unknown' ? 'IGR' : vc;
      if (filter.has(effectiveClass) && !(gene === 'TERT' && effectiveClass === "5'Flank")) {
        stats.filtered[effectiveClass] = (stats.filtered[effectiveClass] ?? 0) + 1;
        continue;
      }
      // Tumor seq allele ambiguity: prefer Allele1 when it is a valid nucleotide string that differs from the reference.
      const tumorAllele = a1 !== null && NUCLEOTIDES.test(a1) && a1 !== ref ? a1 : a2 !== '' ? a2 : (a1 as string);
      const hgvsp = cell(ix.HGVSp_Short);
      const proteinChange = isMissing(hgvsp) ? null : hgvsp.startsWith('p.') ? hgvsp.slice(2) : hgvsp;
      const chromosome = optional(ix.Chromosome);
      stats.kept++;
      out.push({
        line: n,
        sampleId,
        gene,
        entrezGeneId,
        ncbiBuild,
        chromosome: chromosome === null || chromosome === '' ? null : chromosome,
        startPosition,
        endPosition,
        variantClassification: vc,
        variantType: optional(ix.Variant_Type) || null,
        referenceAllele: ref,
        tumorAllele,
        proteinChange: proteinChange === '' ? null : proteinChange,
        tAltCount,
        tRefCount,
        mutationStatus: status === null || status === '' ? null : status,
      });
    }
    if (out.length) yield out;
  }
  if (col === null) throw new StudyFileError(file, null, null, 'no header line (the file is empty or has only # lines)');
}
