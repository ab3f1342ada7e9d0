/**
 * Writes a synthetic cBioPortal study for the cohort benchmark into bench-data/ (git-ignored): 100,000 samples of
 * 50,000 patients and 1,000,000 mutations by default, shaped like a real one:
 * - the MAF has the 120 columns of a GDC / vcf2maf MAF (the standard columns cBioPortal studies carry), most filled;
 * - case lists `_sequenced` (95% of the samples; only those have mutations) and `_all` (add_global_case_list);
 * - two gene panels and a gene panel matrix: 30% of the sequenced samples on a 300-gene panel with ERBB2, 20% on a
 *   60-gene panel without ERBB2, the rest whole exome (NA); every sample's mutations are in genes its panel covers,
 *   and 1 row in 2,000 is Validation_Status Redacted.
 * Deterministic (seeded); skipped when the folder is already there with the same size. Synthetic data only.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom as mulberry32 } from '@her2scope/core';

export interface GeneratedStudy {
  dir: string;
  samples: number;
  mutations: number;
}

/** The columns of a GDC MAF (vcf2maf output plus the GDC columns), in their usual order. */
export const MAF_COLUMNS = [
  'Hugo_Symbol', 'Entrez_Gene_Id', 'Center', 'NCBI_Build', 'Chromosome', 'Start_Position', 'End_Position', 'Strand', 'Variant_Classification', 'Variant_Type',
  'Reference_Allele', 'Tumor_Seq_Allele1', 'Tumor_Seq_Allele2', 'dbSNP_RS', 'dbSNP_Val_Status', 'Tumor_Sample_Barcode', 'Matched_Norm_Sample_Barcode',
  'Match_Norm_Seq_Allele1', 'Match_Norm_Seq_Allele2', 'Tumor_Validation_Allele1', 'Tumor_Validation_Allele2', 'Match_Norm_Validation_Allele1',
  'Match_Norm_Validation_Allele2', 'Verification_Status', 'Validation_Status', 'Mutation_Status', 'Sequencing_Phase', 'Sequence_Source', 'Validation_Method',
  'Score', 'BAM_File', 'Sequencer', 'Tumor_Sample_UUID', 'Matched_Norm_Sample_UUID', 'HGVSc', 'HGVSp', 'HGVSp_Short', 'Transcript_ID', 'Exon_Number', 't_depth',
  't_ref_count', 't_alt_count', 'n_depth', 'n_ref_count', 'n_alt_count', 'all_effects', 'Allele', 'Gene', 'Feature', 'Feature_type', 'One_Consequence',
  'Consequence', 'cDNA_position', 'CDS_position', 'Protein_position', 'Amino_acids', 'Codons', 'Existing_variation', 'ALLELE_NUM', 'DISTANCE',
  'TRANSCRIPT_STRAND', 'SYMBOL', 'SYMBOL_SOURCE', 'HGNC_ID', 'BIOTYPE', 'CANONICAL', 'CCDS', 'ENSP', 'SWISSPROT', 'TREMBL', 'UNIPARC', 'RefSeq', 'SIFT',
  'PolyPhen', 'EXON', 'INTRON', 'DOMAINS', 'GMAF', 'AFR_MAF', 'AMR_MAF', 'ASN_MAF', 'EAS_MAF', 'EUR_MAF', 'SAS_MAF', 'AA_MAF', 'EA_MAF', 'CLIN_SIG', 'SOMATIC',
  'PUBMED', 'MOTIF_NAME', 'MOTIF_POS', 'HIGH_INF_POS', 'MOTIF_SCORE_CHANGE', 'IMPACT', 'PICK', 'VARIANT_CLASS', 'TSL', 'HGVS_OFFSET', 'PHENO', 'MINIMISED',
  'ExAC_AF', 'ExAC_AF_Adj', 'ExAC_AF_AFR', 'ExAC_AF_AMR', 'ExAC_AF_EAS', 'ExAC_AF_FIN', 'ExAC_AF_NFE', 'ExAC_AF_OTH', 'ExAC_AF_SAS', 'GENE_PHENO', 'FILTER',
  'CONTEXT', 'src_vcf_id', 'tumor_bam_uuid', 'normal_bam_uuid', 'case_id', 'GDC_FILTER', 'COSMIC', 'MC3_Overlap', 'GDC_Validation_Status',
] as const;

/** Write lines through a synchronous buffered writer (generation only; keeps memory flat). */
function writeLines(path: string, gen: (push: (line: string) => void) => void): void {
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  try {
    gen((line) => {
      buf.push(line);
      if (buf.length >= 5000) {
        writeSync(fd, buf.join('\n') + '\n');
        buf = [];
      }
    });
    if (buf.length) writeSync(fd, buf.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
/** A deterministic UUID-shaped identifier. */
const uuid = (a: number, b: number) => `${hex(a, 8)}-${hex(b, 4)}-4${hex(a >>> 3, 3)}-8${hex(b * 7, 3)}-${hex(a * 31 + b, 12)}`;

export const BENCH_STUDY_ID = 'bench_synthetic';

export function generateStudy(root: string, samples = 100_000, mutations = 1_000_000): GeneratedStudy {
  const dir = join(root, `cohort-v2-${samples}-${mutations}`);
  const marker = join(dir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === `${samples} ${mutations}`) return { dir, samples, mutations };
  mkdirSync(join(dir, 'case_lists'), { recursive: true });
  const rnd = mulberry32(20240917);
  const id = BENCH_STUDY_ID;
  const sid = (i: number) => `BS-${String(i).padStart(6, '0')}`;
  const pid = (i: number) => `BP-${String(i >> 1).padStart(6, '0')}`;
  writeFileSync(join(dir, 'meta_study.txt'), `type_of_cancer: brca\ncancer_study_identifier: ${id}\nname: Benchmark study (synthetic)\ndescription: Generated for the her2scope cohort benchmark; synthetic data.\nadd_global_case_list: true\n`);
  writeFileSync(join(dir, 'meta_clinical_sample.txt'), `cancer_study_identifier: ${id}\ngenetic_alteration_type: CLINICAL\ndatatype: SAMPLE_ATTRIBUTES\ndata_filename: data_clinical_sample.txt\n`);
  writeFileSync(join(dir, 'meta_mutations.txt'), `cancer_study_identifier: ${id}\ngenetic_alteration_type: MUTATION_EXTENDED\ndatatype: MAF\nstable_id: mutations\nshow_profile_in_analysis_tab: true\nprofile_name: Mutations\nprofile_description: Synthetic.\ndata_filename: data_mutations.txt\n`);
  writeFileSync(join(dir, 'meta_gene_panel_matrix.txt'), `cancer_study_identifier: ${id}\ngenetic_alteration_type: GENE_PANEL_MATRIX\ndatatype: GENE_PANEL_MATRIX\ndata_filename: data_gene_panel_matrix.txt\n`);
  writeLines(join(dir, 'data_clinical_sample.txt'), (push) => {
    push('#Patient Identifier\tSample Identifier\tSample Type\tER Status\tHER2 Status\tOncotree Code');
    push('#Patient\tSample\tType\tER\tHER2\tOncotree');
    push('#STRING\tSTRING\tSTRING\tSTRING\tSTRING\tSTRING');
    push('#1\t1\t1\t1\t1\t1');
    push('PATIENT_ID\tSAMPLE_ID\tSAMPLE_TYPE\tER_STATUS\tHER2_STATUS\tONCOTREE_CODE');
    for (let i = 0; i < samples; i++) {
      push(`${pid(i)}\t${sid(i)}\t${i % 2 ? 'Metastasis' : 'Primary'}\t${rnd() < 0.7 ? 'Positive' : 'Negative'}\t${rnd() < 0.15 ? 'Positive' : 'Negative'}\t${rnd() < 0.8 ? 'IDC' : 'ILC'}`);
    }
  });
  // Genes: 10 breast-cancer genes, then filler genes. Panel A: 300 genes with ERBB2; panel B: 60 genes without it.
  const genes = ['ERBB2', 'PIK3CA', 'TP53', 'ESR1', 'AKT1', 'PTEN', 'GATA3', 'CDH1', 'MAP3K1', 'KMT2C'];
  for (let g = 0; genes.length < 2000; g++) genes.push(`GENE${g}`);
  const panelA = genes.slice(0, 300);
  const panelB = genes.slice(1, 61);
  writeFileSync(join(dir, 'data_gene_panel_bench_a.txt'), `stable_id: BENCH_PANEL_A\ndescription: Synthetic 300-gene panel (with ERBB2)\ngene_list: ${panelA.join('\t')}\n`);
  writeFileSync(join(dir, 'data_gene_panel_bench_b.txt'), `stable_id: BENCH_PANEL_B\ndescription: Synthetic 60-gene panel (without ERBB2)\ngene_list: ${panelB.join('\t')}\n`);
  // Sequenced samples (95%) and their panels.
  const panelOf = new Int8Array(samples).fill(-1); // -1 not sequenced, 0 whole exome, 1 panel A, 2 panel B
  const sequenced: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (rnd() < 0.05) continue;
    const r = rnd();
    panelOf[i] = r < 0.3 ? 1 : r < 0.5 ? 2 : 0;
    sequenced.push(i);
  }
  writeFileSync(join(dir, 'case_lists', 'cases_sequenced.txt'), `cancer_study_identifier: ${id}\nstable_id: ${id}_sequenced\ncase_list_name: Sequenced samples\ncase_list_description: Samples profiled for mutations (${sequenced.length})\ncase_list_category: all_cases_with_mutation_data\ncase_list_ids: ${sequenced.map(sid).join('\t')}\n`);
  writeLines(join(dir, 'data_gene_panel_matrix.txt'), (push) => {
    push('SAMPLE_ID\tmutations');
    for (const i of sequenced) push(`${sid(i)}\t${panelOf[i] === 1 ? 'BENCH_PANEL_A' : panelOf[i] === 2 ? 'BENCH_PANEL_B' : 'NA'}`);
  });
  const classes = ['Missense_Mutation', 'Missense_Mutation', 'Missense_Mutation', 'Nonsense_Mutation', 'Frame_Shift_Del', 'In_Frame_Del', 'Splice_Site', 'Silent'];
  const consequence: Record<string, string> = {
    Missense_Mutation: 'missense_variant', Nonsense_Mutation: 'stop_gained', Frame_Shift_Del: 'frameshift_variant', In_Frame_Del: 'inframe_deletion',
    Splice_Site: 'splice_acceptor_variant', Silent: 'synonymous_variant',
  };
  const aa = 'ACDEFGHIKLMNPQRSTVWY';
  const three = ['Ala', 'Cys', 'Asp', 'Glu', 'Phe', 'Gly', 'His', 'Ile', 'Lys', 'Leu', 'Met', 'Asn', 'Pro', 'Gln', 'Arg', 'Ser', 'Thr', 'Val', 'Trp', 'Tyr'];
  writeLines(join(dir, 'data_mutations.txt'), (push) => {
    push('#version 2.4');
    push(MAF_COLUMNS.join('\t'));
    for (let i = 0; i < mutations; i++) {
      const s = sequenced[Math.floor(rnd() * sequenced.length)]!;
      const p = panelOf[s]!;
      const r = rnd();
      // ERBB2 in ~3% of the rows of samples whose panel has it; the named genes more often than the filler genes.
      const pool = p === 1 ? panelA : p === 2 ? panelB : genes;
      const gene = p !== 2 && r < 0.03 ? 'ERBB2' : r < 0.3 ? pool[1 + Math.floor(rnd() * 8)]! : pool[10 + Math.floor(rnd() * (pool.length - 10))]!;
      const gi = genes.indexOf(gene);
      const vc = classes[Math.floor(rnd() * classes.length)]!;
      const pos = 1 + Math.floor(rnd() * 1200);
      const a1 = Math.floor(rnd() * 20);
      const a2 = Math.floor(rnd() * 20);
      const short = gene === 'ERBB2' && rnd() < 0.3 ? 'L755S' : `${aa[a1]}${pos}${aa[a2]}`;
      const long = short === 'L755S' ? 'Leu755Ser' : `${three[a1]}${pos}${three[a2]}`;
      const start = 1_000_000 + Math.floor(rnd() * 1e8);
      const tRef = 20 + Math.floor(rnd() * 80);
      const tAlt = 5 + Math.floor(rnd() * 50);
      const nRef = 30 + Math.floor(rnd() * 60);
      const enst = `ENST${String(269571 + gi).padStart(11, '0')}`;
      const ensg = `ENSG${String(141736 + gi).padStart(11, '0')}`;
      const ensp = `ENSP${String(269571 + gi).padStart(11, '0')}`;
      const cpos = pos * 3 - 1;
      const conseq = consequence[vc]!;
      const status = rnd() < 0.0005 ? 'Redacted' : 'Untested';
      const row = [
        gene, String(gene === 'ERBB2' ? 2064 : 100000 + gi), 'BI', 'GRCh37', '17', String(start), String(start), '+', vc, 'SNP',
        'C', 'C', 'T', 'novel', '', sid(s), `${sid(s)}-N`,
        'C', 'C', '', '', '',
        '', '', status, 'Somatic', '', 'WXS', '',
        '', '', 'Illumina HiSeq 2000', uuid(s, 1), uuid(s, 2), `c.${cpos}C>T`, `p.${long}`, `p.${short}`, enst, `${1 + (pos % 27)}/27`, String(tRef + tAlt),
        String(tRef), String(tAlt), String(nRef), String(nRef), '0', `${gene},${conseq},p.${short},${enst},NM_004448.3,c.${cpos}C>T,MODERATE,YES,deleterious(0),probably_damaging(0.998)`, 'T', ensg, enst, 'Transcript', conseq,
        conseq, String(cpos + 150), String(cpos), `${pos}/1255`, `${aa[a1]}/${aa[a2]}`, 'tTg/tCg', '', '1', '',
        '1', gene, 'HGNC', `HGNC:${3430 + gi}`, 'protein_coding', 'YES', `CCDS${32642 + gi}.1`, ensp, 'P04626', '', `UPI${hex(gi, 10).toUpperCase()}`, 'NM_004448.3', 'deleterious(0)',
        'probably_damaging(0.998)', `${1 + (pos % 27)}/27`, '', 'Pfam_domain:PF07714', '', '', '', '', '', '', '', '', '', '', '',
        '', '', '', '', '', 'MODERATE', '1', 'SNV', '1', '', '', '1',
        '', '', '', '', '', '', '', '', '', '', 'PASS',
        'GCTTTGTGGAT', uuid(s, 3), uuid(s, 4), uuid(s, 5), uuid(s >> 1, 6), '', '', 'True', 'Unknown',
      ];
      push(row.join('\t'));
    }
  });
  writeFileSync(marker, `${samples} ${mutations}`);
  return { dir, samples, mutations };
}
