/**
 * Test oracle: the MAF reading of the cohort import as it was before the block reader (readLines + String.split of
 * every line into all its cells, one row per await), kept verbatim so that the fuzz test can check that the faster
 * reader (src/cbioportal/mutations.ts readStudyMutationBlocks) yields the same rows, statistics and errors.
 */
import { StudyFileError, columnLabel } from '../../src/cbioportal/errors.ts';
import { readLines } from '../../src/cbioportal/lines.ts';
import { DEFAULT_VARIANT_FILTER, FUSION_CLASSIFICATION, MAF_REQUIRED_COLUMNS, VARIANT_CLASSIFICATIONS, emptyMutationStats, type MutationReadOptions, type StudyMutation } from '../../src/cbioportal/mutations.ts';
import { isMissing, parseInteger } from '../../src/cbioportal/values.ts';
import { missingValue } from '@her2scope/core/errors';

const USED_COLUMNS = ['Chromosome', 'End_Position', 'Entrez_Gene_Id', 'HGVSp_Short', 'Hugo_Symbol', 'Mutation_Status', 'NCBI_Build', 'Reference_Allele', 'Start_Position', 'Tumor_Sample_Barcode', 'Tumor_Seq_Allele1', 'Tumor_Seq_Allele2', 'Validation_Status', 'Variant_Classification', 'Variant_Type', 't_alt_count', 't_ref_count'] as const;
const NOT_LOADED_STATUS: ReadonlySet<string> = new Set(['none', 'loh', 'wildtype']);
const NUCLEOTIDES = /^[ACGT]+$/i;
type IntColumn = 'Start_Position' | 'End_Position' | 't_alt_count' | 't_ref_count';

export async function* readStudyMutationsBySplit(path: string, file: string, options: MutationReadOptions = {}): AsyncGenerator<StudyMutation> {
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
