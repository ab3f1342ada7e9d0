// Tumour depth/VAF extraction from the sample columns of real caller outputs (copied from /work/shared/data/vcf,
// files from mskcc/vcf2maf tests/ and griffithlab/VAtools; see fixtures/variants/LICENSES.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tumourReads } from '../../src/vcf/sample.ts';

const reads = (format: string, sample: string, ref: string, alts: string[], k = 1) => {
  const r = tumourReads(format.split(':'), sample.split(':'), k, ref, alts);
  return [r.depth, r.altCount, r.vaf, r.gt];
};

test('GATK / Mutect2: AD per allele and DP', () => {
  // VAtools hom_ref.vcf, TUMOR.
  assert.deepEqual(reads('GT:AD:AF:ALT_F1R2:ALT_F2R1:FOXOG:QSS:REF_F1R2:REF_F2R1:DP', '0/1:341,42:0.10966:1:61:0.016:8708,1130:190:119:383', 'T', ['G']), [383, 42, 0.109661, [0, 1]]);
  // VAtools input.protein_coding.vcf (Mutect2), Tumor-666.
  assert.deepEqual(reads('GT:AD:AF:DP:F1R2:F2R1:SB', '0/1:76,7:0.0936:83:57,1:19,0:72,4,1,6', 'G', ['GCC']), [83, 7, 0.084337, [0, 1]]);
});

test('MuTect 1: AD and FA (vcf2maf test_mutect.vcf)', () => {
  assert.deepEqual(reads('GT:AD:BQ:DP:FA', '0/1:11,3:29:14:0.214', 'T', ['A']), [14, 3, 0.214286, [0, 1]]);
  // No AD: ALT depth = FA x DP (vcf2maf), VAF = FA.
  assert.deepEqual(reads('GT:BQ:DP:FA', '0/1:29:14:0.214', 'T', ['A']), [14, 3, 0.214, [0, 1]]);
});

test('VarScan 2: AD = ALT depth only, RD = REF depth (vcf2maf test_varscan.vcf)', () => {
  assert.deepEqual(reads('GT:GQ:DP:RD:AD:FREQ:DP4', '0/1:.:91:56:35:38.46%:31,25,16,19', 'A', ['G']), [91, 35, 0.384615, [0, 1]]);
  // FREQ alone (no counts): the caller's percentage.
  assert.deepEqual(reads('GT:DP:FREQ', '0/1:91:38.46%', 'A', ['G']), [91, null, 0.3846, [0, 1]]);
});

test('Strelka SNV: tier-1 base counts (vcf2maf test_strelka.vcf)', () => {
  assert.deepEqual(reads('DP:FDP:SDP:SUBDP:AU:CU:GU:TU', '58:0:0:0:56,57:0,0:2,2:0,0', 'G', ['A']), [58, 56, 0.965517, null]);
  assert.deepEqual(reads('DP:FDP:SDP:SUBDP:AU:CU:GU:TU', '57:0:0:0:0,0:0,0:0,0:57,57', 'C', ['T']), [57, 57, 1, null]);
});

test('Strelka indel (TAR/TIR), freebayes (RO/AO), DP4, bcftools DV', () => {
  assert.deepEqual(reads('DP:DP2:TAR:TIR:TOR', '40:40:30,31:10,11:0,0', 'CA', ['C']), [40, 10, 0.25, null]);
  assert.deepEqual(reads('GT:DP:RO:AO', '0/1/2:60:30:20,10', 'A', ['C', 'G'], 2), [60, 10, 0.25, [0, 1, 2]]);
  assert.deepEqual(reads('GT:DP4', '0/1:10,10,5,5', 'A', ['C']), [30, 10, 0.333333, [0, 1]]);
  assert.deepEqual(reads('GT:DP:DV', '0/1:50:5', 'A', ['C']), [50, 5, 0.1, [0, 1]]);
});

test('multi-allelic AD, missing values, AD above DP', () => {
  assert.deepEqual(reads('GT:AD:DP', '1/2:50,25,25:100', 'G', ['C', 'T'], 2), [100, 25, 0.25, [1, 2]]);
  // vcf2maf test_b38.vcf: AD '.,21' (no REF depth) and DP 54 -> 21/54.
  assert.deepEqual(reads('GT:AD:DP', '0/1:.,21:54', 'A', ['C']), [54, 21, 0.388889, [0, 1]]);
  // AD sums above DP: depth is raised to the sum (vcf2maf's sanity rule).
  assert.deepEqual(reads('GT:AD:DP', '0/1:60,50:100', 'A', ['C']), [110, 50, 0.454545, [0, 1]]);
  assert.deepEqual(reads('GT:AD:DP', './.:.:.', 'A', ['C']), [null, null, null, null]);
  // Trailing fields may be dropped (VCF spec).
  assert.deepEqual(reads('GT:AD:DP:AF', '0/1', 'A', ['C']), [null, null, null, [0, 1]]);
  // Only AF (no counts at all): the caller's fraction.
  assert.deepEqual(reads('GT:AF', '0/1:0.12', 'A', ['C']), [null, null, 0.12, [0, 1]]);
});

test('malformed sample values throw with the field', () => {
  const bad = (format: string, sample: string, alts = ['C']) => () => tumourReads(format.split(':'), sample.split(':'), 1, 'A', alts);
  assert.throws(bad('GT:AD', '0/1:x,3'), { field: 'FORMAT/AD', message: "'x,3' is not a number" });
  assert.throws(bad('GT:AD', '0/1:-1,3'), { field: 'FORMAT/AD', message: "'-1,3' is not a number" });
  assert.throws(bad('GT:AD', '0/1:99999999999999999999,3'), { field: 'FORMAT/AD', message: "'99999999999999999999,3' is too large" });
  assert.throws(bad('GT:AF', '0/1:NaN'), { field: 'FORMAT/AF', message: "'NaN' is not a number" });
  assert.throws(bad('GT:FREQ', '0/1:abc'), { field: 'FORMAT/FREQ', message: "'abc' is not a percentage" });
  assert.throws(bad('GT:FREQ', '0/1:150%'), { field: 'FORMAT/FREQ', message: "'150%' is not an allele fraction between 0 and 1" });
  assert.throws(bad('GT', '0/a'), { field: 'FORMAT/GT', message: "'0/a' is not a genotype" });
  assert.throws(bad('DP:AU:CU:GU:TU', '10:1,1:x,1:0,0:0,0'), { field: 'FORMAT/CU', message: "'x,1' is not a number" });
});

test('AD follows the header Number; other counts fall back with a note, never an error', () => {
  const at = (format: string, sample: string, ref: string, alts: string[], k: number, adNumber?: string) => {
    const r = tumourReads(format.split(':'), sample.split(':'), k, ref, alts, adNumber);
    return [r.depth, r.altCount, r.vaf, r.notes];
  };
  // Number=. with one value per allele: by allele index.
  assert.deepEqual(at('GT:AD:DP', '1/2:10,20,30:60', 'A', ['C', 'G'], 2, '.'), [60, 30, 0.5, []]);
  // Number=. with 2 values for 3 alleles (pVACtools input_multi_sample.vcf 22:21273168): FA, with a note.
  assert.deepEqual(at('GT:DP:AD:FA', '1/1:4:0,2:1', 'A', ['G', 'T'], 1, '.'), [4, 4, 1, ['AD has 2 values for 3 alleles; VAF from FA']]);
  // A single value for 2 alleles without RD (Strelka indel columns in the same file): TIR/TAR tier 1.
  assert.deepEqual(at('GT:AD:DP:TAR:TIR', '0/1:90:101:90,91:4,4', 'T', ['TGCTGCC'], 1, '.'), [101, 4, 0.042553, ['AD has 1 value for 2 alleles; VAF from TIR/TAR']]);
  // Nothing else to go on: no VAF, and the note says so.
  assert.deepEqual(at('GT:AD', '0/1:7', 'A', ['C'], 1, '.'), [null, null, null, ['AD has 1 value for 2 alleles; no VAF']]);
  // Number=1 (VarScan "depth of variant-supporting bases"): the ALT depth, REF from RD; no note.
  assert.deepEqual(at('GT:AD:DP', '0/1:7:20', 'A', ['C'], 1, '1'), [20, 7, 0.35, []]);
  // Number=A: one ALT depth per ALT allele.
  assert.deepEqual(at('GT:AD:DP', '1/2:5,15:40', 'A', ['C', 'G'], 2, 'A'), [40, 15, 0.375, []]);
  // Number=R with the wrong count (htslib keeps the record): fall back to AF.
  assert.deepEqual(at('GT:AD:AF:DP', '0/1:3,4,5:0.2:50', 'A', ['C'], 1, 'R'), [50, null, 0.2, ['AD has 3 values for 2 alleles; VAF from AF']]);
  // FORMAT/AF with neither one value per ALT nor one value: not used, noted.
  assert.deepEqual(at('GT:AD:AF', '1/2:10,5,5:0.1,0.2,0.3', 'A', ['C', 'G'], 1), [20, 5, 0.25, ['AF has 3 values for 2 ALT alleles; AF not used']]);
});
