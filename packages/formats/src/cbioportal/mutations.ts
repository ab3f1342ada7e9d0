/**
 * The study's mutation file (MUTATION_EXTENDED / MAF), streamed: what the cohort import needs, validated against the
 * cBioPortal File-Formats "Mutation Data" rules. Columns are found by header name (their order is not fixed);
 * `#` lines before the header (e.g. `#version 2.4`) are skipped.
 *
 * Note: a general MAF reader lives in ../maf/; this one is deliberately narrow (cBioPortal's required columns, its
 * Variant_Classification list and import filters) and fast enough for a million rows.
 */
import { StudyFileError, columnLabel } from './errors.ts';
import { readLines } from './lines.ts';
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

export async function* readStudyMutations(path: string, file: string, options: MutationReadOptions = {}): AsyncGenerator<StudyMutation> {
  const filter = options.filter ?? DEFAULT_VARIANT_FILTER;
  const stats = options.stats ?? emptyMutationStats();
  let col: Record<string, number> | null = null;
  let I: Record<(typeof USED_COLUMNS)[number], number | undefined> | null = null;
  let names: string[] = [];
  let width = 0;
  let cellOf: (name: string) => string = (name) => name;
  for await (const { n, text } of readLines(path)) {
    if (text.startsWith('#')) continue;
    if (col === null) {
      names = text.split('\t').map((s) => s.trim());
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
      I = Object.fromEntries(USED_COLUMNS.map((k) => [k, (col ?? missingValue('col'))[k]])) as Record<(typeof USED_COLUMNS)[number], number | undefined>;
      const c = col;
      cellOf = (name: string) => columnLabel(c[name] ?? missingValue('c[name]'), name);
      continue;
    }
    if (text === '' || text.trim() === '') continue;
    const f = text.split('\t');
    if (f.length < width) throw new StudyFileError(file, n, null, `has ${f.length} columns, the header has ${width}`);
    stats.rows++;
    const ix = I ?? missingValue('I');
    const gene = (f[ix.Hugo_Symbol ?? missingValue('ix.Hugo_Symbol')] ?? missingValue('f[ix.Hugo_Symbol]')).trim();
    let entrezGeneId: number | null = null;
    if (ix.Entrez_Gene_Id !== undefined) {
      const entrezRaw = (f[ix.Entrez_Gene_Id] ?? missingValue('f[ix.Entrez_Gene_Id]')).trim();
      if (!isMissing(entrezRaw)) {
        entrezGeneId = parseInteger(entrezRaw);
        if (entrezGeneId === null || entrezGeneId < 0) throw new StudyFileError(file, n, cellOf('Entrez_Gene_Id'), `'${entrezRaw}' is not an Entrez gene ID (a whole number)`);
      }
    }
    if (gene === '' && entrezGeneId === null) throw new StudyFileError(file, n, cellOf('Hugo_Symbol'), 'empty gene symbol and no Entrez_Gene_Id');
    const sampleId = (f[ix.Tumor_Sample_Barcode ?? missingValue('ix.Tumor_Sample_Barcode')] ?? missingValue('f[ix.Tumor_Sample_Barcode]')).trim();
    if (sampleId === '') throw new StudyFileError(file, n, cellOf('Tumor_Sample_Barcode'), 'empty sample ID');
    if (options.samples && !options.samples.has(sampleId)) throw new StudyFileError(file, n, cellOf('Tumor_Sample_Barcode'), `sample '${sampleId}' is not in the clinical sample file`);
    const vc = (f[ix.Variant_Classification ?? missingValue('ix.Variant_Classification')] ?? missingValue('f[ix.Variant_Classification]')).trim();
    if (vc === '') throw new StudyFileError(file, n, cellOf('Variant_Classification'), 'empty');
    const unknownClass = !VARIANT_CLASSIFICATIONS.has(vc) && vc !== FUSION_CLASSIFICATION;
    const ncbiBuild = (f[ix.NCBI_Build ?? missingValue('ix.NCBI_Build')] ?? missingValue('f[ix.NCBI_Build]')).trim();
    if (ncbiBuild === '') throw new StudyFileError(file, n, cellOf('NCBI_Build'), 'empty; expected GRCh37 or GRCh38');
    const ref = (f[ix.Reference_Allele ?? missingValue('ix.Reference_Allele')] ?? missingValue('f[ix.Reference_Allele]')).trim();
    if (ref === '') throw new StudyFileError(file, n, cellOf('Reference_Allele'), 'empty');
    const a2 = (f[ix.Tumor_Seq_Allele2 ?? missingValue('ix.Tumor_Seq_Allele2')] ?? missingValue('f[ix.Tumor_Seq_Allele2]')).trim();
    const a1 = ix.Tumor_Seq_Allele1 === undefined ? null : (f[ix.Tumor_Seq_Allele1] ?? missingValue('f[ix.Tumor_Seq_Allele1]')).trim();
    if (a2 === '' && (a1 === null || a1 === '')) throw new StudyFileError(file, n, cellOf('Tumor_Seq_Allele2'), 'empty (no tumour allele)');
    const count = (name: IntColumn): number | null => {
      const i = ix[name];
      if (i === undefined) return null;
      const v = (f[i] ?? missingValue('f[i]')).trim();
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
    const status = ix.Mutation_Status === undefined ? null : (f[ix.Mutation_Status] ?? missingValue('f[ix.Mutation_Status]')).trim();
    if (status !== null && NOT_LOADED_STATUS.has(status.toLowerCase())) {
      stats.notLoadedStatus++;
      continue;
    }
    // MutationFilter.java: a Validation_Status starting with "Redacted" (case-insensitive) is not loaded.
    const validation = ix.Validation_Status === undefined ? null : (f[ix.Validation_Status] ?? missingValue('f[ix.Validation_Status]')).trim();
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
    const hgvsp = (f[ix.HGVSp_Short ?? missingValue('ix.HGVSp_Short')] ?? missingValue('f[ix.HGVSp_Short]')).trim();
    const proteinChange = isMissing(hgvsp) ? null : hgvsp.startsWith('p.') ? hgvsp.slice(2) : hgvsp;
    const chromosome = ix.Chromosome === undefined ? null : (f[ix.Chromosome] ?? missingValue('f[ix.Chromosome]')).trim();
    stats.kept++;
    yield {
      line: n,
      sampleId,
      gene,
      entrezGeneId,
      ncbiBuild,
      chromosome: chromosome === null || chromosome === '' ? null : chromosome,
      startPosition,
      endPosition,
      variantClassification: vc,
      variantType: (ix.Variant_Type === undefined ? '' : (f[ix.Variant_Type] ?? missingValue('f[ix.Variant_Type]')).trim()) || null,
      referenceAllele: ref,
      tumorAllele,
      proteinChange: proteinChange === '' ? null : proteinChange,
      tAltCount,
      tRefCount,
      mutationStatus: status === null || status === '' ? null : status,
    };
  }
  if (col === null) throw new StudyFileError(file, null, null, 'no header line (the file is empty or has only # lines)');
}
