#!/usr/bin/env node
// Writes the SYNTHETIC example case (e) of issue 16 into examples/cases/e-ctdna/ (not a real patient):
//   e-primary.vcf + e-primary.bam(.bai)  breast primary, 2019: PIK3CA H1047R; reads at the later plasma variants
//                                        (ESR1 D538G: 0/812 alt reads; DNMT3A R882H: 0/640) for the read look-back
//   e-plasma-1/2/3.vcf                   plasma draws under letrozole, tumour = PLASMA, normal = WBC (white cells):
//                                        ESR1 D538G 0.2% -> 1.5% -> 6% (absent from WBC, 0/2000);
//                                        DNMT3A R882H ~2% steady, also ~2% in WBC (CHIP)
//   e-liver.cns                          liver metastasis, CNVkit segments: ERBB2 log2 2.3 (amplified), IHC 1+ in the case
// GRCh38 positions: ESR1 D538G chr6:152098791 A>G (GRCh37 152419926, lifted), DNMT3A R882H chr2:25234373 C>T
// (NM_022552.5:c.2645G>A), PIK3CA H1047R chr3:179234297 A>G. Read sequences are random apart from the variant
// positions (no GRCh38 sequence is bundled), so only those positions' alleles mean anything.
// Deterministic (seeded PRNG). Needs samtools (scripts/ensure-samtools.sh).
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom, samtools } from './make-read-fixtures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'examples/cases/e-ctdna');
mkdirSync(out, { recursive: true });
const rand = seededRandom(16000016);
const BASES = 'ACGT';
const rnd = (n) => Array.from({ length: n }, () => BASES[Math.floor(rand() * 4)]).join('');

const CONTIGS = { chr2: 242193529, chr3: 198295559, chr6: 170805979, chr17: 83257441 };
const SITES = {
  esr1: { chrom: 'chr6', pos: 152098791, ref: 'A', alt: 'G', gene: 'ESR1', feature: 'ENST00000206249', c: 'c.1613A>G', p: 'p.Asp538Gly' },
  dnmt3a: { chrom: 'chr2', pos: 25234373, ref: 'C', alt: 'T', gene: 'DNMT3A', feature: 'ENST00000321117', c: 'c.2645G>A', p: 'p.Arg882His' },
  pik3ca: { chrom: 'chr3', pos: 179234297, ref: 'A', alt: 'G', gene: 'PIK3CA', feature: 'ENST00000263967', c: 'c.3140A>G', p: 'p.His1047Arg' },
};

// ---- primary reads: a small BAM around the three positions
const reads = [];
let n = 0;
const addReads = (s, depth, alt) => {
  for (let i = 0; i < depth; i++) {
    const start = s.pos - 99 + Math.floor(rand() * 100);
    const k = s.pos - start;
    const seq = rnd(k) + (i < alt ? s.alt : s.ref) + rnd(99 - k);
    const flag = rand() < 0.5 ? 16 : 0;
    reads.push([`e${++n}`, flag, s.chrom, start, 60, '100M', '*', 0, 0, seq, 'F'.repeat(100)].join('\t'));
  }
};
addReads(SITES.esr1, 812, 0);
addReads(SITES.dnmt3a, 640, 0);
addReads(SITES.pik3ca, 500, 160);
const header = ['@HD\tVN:1.6\tSO:unsorted', ...Object.entries(CONTIGS).map(([c, l]) => `@SQ\tSN:${c}\tLN:${l}\tAS:GRCh38`), '@RG\tID:e\tSM:E-PRIMARY', '@CO\tSYNTHETIC reads for the her2scope example case e; not a real patient; random sequence except at the variant positions'];
const sam = join(out, 'e-primary.sam');
writeFileSync(sam, header.join('\n') + '\n' + reads.join('\n') + '\n');
samtools(['sort', '--no-PG', '-o', join(out, 'e-primary.bam'), sam]);
samtools(['index', join(out, 'e-primary.bam')]);
rmSync(sam);

// ---- VCFs
const vcfHeader = (note, samples) => [
  '##fileformat=VCFv4.2',
  `##source=her2scope SYNTHETIC example: not a real patient, for demonstration and tests only (${note})`,
  '##reference=GRCh38',
  ...Object.entries(CONTIGS).map(([c, l]) => `##contig=<ID=${c},length=${l}>`),
  `##tumor_sample=${samples[1]}`,
  `##normal_sample=${samples[0]}`,
  '##FILTER=<ID=PASS,Description="All filters passed">',
  '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL|MANE_SELECT">',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">',
  '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
  '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">',
  `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${samples.join('\t')}`,
];
const csq = (s) => `CSQ=${s.alt}|missense_variant|MODERATE|${s.gene}|Transcript|${s.feature}|protein_coding|${s.feature}:${s.c}|${s.feature.replace('ENST', 'ENSP')}:${s.p}|YES|`;
const call = (ref, alt) => `0/1:${ref},${alt}:${ref + alt}:${Number((alt / (ref + alt)).toFixed(4))}`;
const normalCall = (ref, alt) => `${alt > 0 ? '0/1' : '0/0'}:${ref},${alt}:${ref + alt}:${Number((alt / (ref + alt)).toFixed(4))}`;
const rec = (s, normal, tumour) => [s.chrom, s.pos, '.', s.ref, s.alt, '.', 'PASS', csq(s), 'GT:AD:DP:AF', normalCall(...normal), call(...tumour)].join('\t');

writeFileSync(join(out, 'e-primary.vcf'), [...vcfHeader('breast primary', ['NORMAL', 'TUMOR']), rec(SITES.pik3ca, [420, 0], [340, 160])].join('\n') + '\n');
const draws = [
  { file: 'e-plasma-1.vcf', esr1: [4990, 10], dnmt3a: [4900, 100], wbcDnmt3a: [1960, 40] },
  { file: 'e-plasma-2.vcf', esr1: [4925, 75], dnmt3a: [4895, 105], wbcDnmt3a: [1958, 42] },
  { file: 'e-plasma-3.vcf', esr1: [4700, 300], dnmt3a: [4902, 98], wbcDnmt3a: [1962, 38] },
];
for (const d of draws) {
  const lines = [...vcfHeader('plasma cfDNA, normal = white blood cells', ['WBC', 'PLASMA'])];
  const recs = [
    [SITES.dnmt3a, d.wbcDnmt3a, d.dnmt3a],
    [SITES.esr1, [2000, 0], d.esr1],
  ].sort((a, b) => (a[0].chrom === b[0].chrom ? a[0].pos - b[0].pos : a[0].chrom < b[0].chrom ? -1 : 1));
  for (const [s, wbc, plasma] of recs) lines.push(rec(s, wbc, plasma));
  writeFileSync(join(out, d.file), lines.join('\n') + '\n');
}
writeFileSync(
  join(out, 'e-liver.vcf'),
  [...vcfHeader('liver metastasis', ['NORMAL', 'TUMOR']), rec(SITES.pik3ca, [400, 0], [300, 110]), rec(SITES.esr1, [380, 0], [310, 90])].join('\n') + '\n',
);

// ---- liver copy number (CNVkit .cns; start 0-based)
writeFileSync(
  join(out, 'e-liver.cns'),
  [
    'chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight',
    'chr6\t151000000\t153000000\tESR1\t0.03\t412.5\t48\t44.1',
    'chr8\t38000000\t39000000\tFGFR1\t0.08\t388.0\t22\t20.3',
    'chr8\t127000000\t128500000\tMYC\t0.12\t402.7\t18\t16.9',
    'chr10\t87000000\t88500000\tPTEN\t-0.06\t371.2\t30\t27.5',
    'chr11\t69000000\t70000000\tCCND1\t0.05\t395.4\t16\t15.2',
    'chr17\t39500000\t39900000\tERBB2,GRB7,PGAP3\t2.31\t1620.3\t35\t33.0',
    'chr17\t39900000\t83257441\t-\t0.01\t401.0\t400\t380.2',
  ].join('\n') + '\n',
);
console.log(`wrote ${out}`);
