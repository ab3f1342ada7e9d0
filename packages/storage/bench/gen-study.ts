/**
 * Writes a synthetic cBioPortal study for the cohort benchmark into bench-data/ (git-ignored): 100,000 samples of
 * 50,000 patients and 1,000,000 mutations by default. Deterministic (seeded); skipped when the folder is already there
 * with the same size. Synthetic data only.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom as mulberry32 } from '@her2scope/core';

export interface GeneratedStudy {
  dir: string;
  samples: number;
  mutations: number;
}


/** Write lines through a synchronous buffered writer (generation only; keeps memory flat). */
function writeLines(path: string, gen: (push: (line: string) => void) => void): void {
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  try {
    gen((line) => {
      buf.push(line);
      if (buf.length >= 20000) {
        writeSync(fd, buf.join('\n') + '\n');
        buf = [];
      }
    });
    if (buf.length) writeSync(fd, buf.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

export async function generateStudy(root: string, samples = 100_000, mutations = 1_000_000): Promise<GeneratedStudy> {
  const dir = join(root, `cohort-${samples}-${mutations}`);
  const marker = join(dir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === `${samples} ${mutations}`) return { dir, samples, mutations };
  mkdirSync(join(dir, 'case_lists'), { recursive: true });
  const rnd = mulberry32(20240917);
  const id = 'bench_synthetic';
  const sid = (i: number) => `BS-${String(i).padStart(6, '0')}`;
  const pid = (i: number) => `BP-${String(i >> 1).padStart(6, '0')}`;
  writeFileSync(join(dir, 'meta_study.txt'), `type_of_cancer: brca\ncancer_study_identifier: ${id}\nname: Benchmark study (synthetic)\ndescription: Generated for the her2scope cohort benchmark; synthetic data.\nadd_global_case_list: true\n`);
  writeFileSync(join(dir, 'meta_clinical_sample.txt'), `cancer_study_identifier: ${id}\ngenetic_alteration_type: CLINICAL\ndatatype: SAMPLE_ATTRIBUTES\ndata_filename: data_clinical_sample.txt\n`);
  writeFileSync(join(dir, 'meta_mutations.txt'), `cancer_study_identifier: ${id}\ngenetic_alteration_type: MUTATION_EXTENDED\ndatatype: MAF\nstable_id: mutations\nshow_profile_in_analysis_tab: true\nprofile_name: Mutations\nprofile_description: Synthetic.\ndata_filename: data_mutations.txt\n`);
  writeLines(join(dir, 'data_clinical_sample.txt'), (push) => {
    push('#Patient Identifier\tSample Identifier\tSample Type\tER Status\tHER2 Status');
    push('#Patient\tSample\tType\tER\tHER2');
    push('#STRING\tSTRING\tSTRING\tSTRING\tSTRING');
    push('#1\t1\t1\t1\t1');
    push('PATIENT_ID\tSAMPLE_ID\tSAMPLE_TYPE\tER_STATUS\tHER2_STATUS');
    for (let i = 0; i < samples; i++) {
      push(`${pid(i)}\t${sid(i)}\t${i % 2 ? 'Metastasis' : 'Primary'}\t${rnd() < 0.7 ? 'Positive' : 'Negative'}\t${rnd() < 0.15 ? 'Positive' : 'Negative'}`);
    }
  });
  const genes = ['ERBB2', 'PIK3CA', 'TP53', 'ESR1', 'AKT1', 'PTEN', 'GATA3', 'CDH1', 'MAP3K1', 'KMT2C'];
  for (let g = 0; genes.length < 500; g++) genes.push(`GENE${g}`);
  const classes = ['Missense_Mutation', 'Missense_Mutation', 'Missense_Mutation', 'Nonsense_Mutation', 'Frame_Shift_Del', 'In_Frame_Del', 'Splice_Site', 'Silent'];
  const aa = 'ACDEFGHIKLMNPQRSTVWY';
  writeLines(join(dir, 'data_mutations.txt'), (push) => {
    push('#version 2.4');
    push('Hugo_Symbol\tEntrez_Gene_Id\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\tVariant_Classification\tVariant_Type\tReference_Allele\tTumor_Seq_Allele1\tTumor_Seq_Allele2\tTumor_Sample_Barcode\tMutation_Status\tHGVSp_Short\tt_alt_count\tt_ref_count');
    for (let i = 0; i < mutations; i++) {
      const r = rnd();
      // ERBB2 in ~3% of rows, the other named genes more often than the filler genes.
      const gene = r < 0.03 ? 'ERBB2' : r < 0.3 ? genes[1 + Math.floor(rnd() * 9)]! : genes[10 + Math.floor(rnd() * 490)]!;
      const vc = classes[Math.floor(rnd() * classes.length)]!;
      const pos = 1 + Math.floor(rnd() * 1200);
      const change = gene === 'ERBB2' && rnd() < 0.3 ? 'L755S' : `${aa[Math.floor(rnd() * 20)]}${pos}${aa[Math.floor(rnd() * 20)]}`;
      const start = 1_000_000 + Math.floor(rnd() * 1e8);
      push(`${gene}\t0\tGRCh37\t17\t${start}\t${start}\t${vc}\tSNP\tC\tC\tT\t${sid(Math.floor(rnd() * samples))}\tSomatic\tp.${change}\t${5 + Math.floor(rnd() * 50)}\t${20 + Math.floor(rnd() * 80)}`);
    }
  });
  writeFileSync(marker, `${samples} ${mutations}`);
  return { dir, samples, mutations };
}
