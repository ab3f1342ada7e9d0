// Generates the SYNTHETIC benchmark input for variants.bench.ts: a 1,000,000-record VEP-annotated tumour/normal
// VCF (bench-data/variants-1m.vcf) and its bgzip + tabix copy (variants-1m.vcf.gz, .tbi).
// Nothing here is patient data: genes other than ERBB2/ESR1/PIK3CA/AKT1/PTEN are invented names (SG…), and the
// positions of ESR1/PIK3CA/AKT1/PTEN are synthetic intervals, not their real loci. Only the ERBB2 interval uses the
// GRCh38 span from /work/shared/reference/erbb2-mutations.md (chr17:39,687,914-39,730,426, marked unverified there),
// so the documented `--region chr17:39687914-39730426` query finds it.
// Run: `node --import tsx packages/formats/bench/gen-vcf.ts [records] [outdir]` (the bench calls generate()).
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom as prng } from '@her2scope/core';

export const GENERATOR_VERSION = 'gen-vcf v1';


const CSQ_FIELDS =
  'Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|cDNA_position|CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|DISTANCE|STRAND|FLAGS|VARIANT_CLASS|SYMBOL_SOURCE|HGNC_ID|CANONICAL|MANE_SELECT|MANE_PLUS_CLINICAL|TSL|APPRIS|CCDS|ENSP|SWISSPROT|TREMBL|UNIPARC|SIFT|PolyPhen|DOMAINS|AF|gnomADe_AF|CLIN_SIG|SOMATIC|PHENO|PUBMED';

// Synthetic chromosome sizes (roughly human-sized so that record density is realistic).
const CHROMS: Array<[string, number]> = [
  ['chr1', 248_000_000], ['chr2', 242_000_000], ['chr3', 198_000_000], ['chr4', 190_000_000], ['chr5', 181_000_000],
  ['chr6', 170_000_000], ['chr7', 159_000_000], ['chr8', 145_000_000], ['chr9', 138_000_000], ['chr10', 133_000_000],
  ['chr11', 135_000_000], ['chr12', 133_000_000], ['chr13', 114_000_000], ['chr14', 107_000_000], ['chr15', 101_000_000],
  ['chr16', 90_000_000], ['chr17', 83_000_000], ['chr18', 80_000_000], ['chr19', 58_000_000], ['chr20', 64_000_000],
  ['chr21', 46_000_000], ['chr22', 50_000_000], ['chrX', 156_000_000],
];

/** Genes the bench filters on, at the intervals described above. */
const GENES: Array<{ chrom: string; start: number; end: number; symbol: string; ensg: string; enst: string }> = [
  { chrom: 'chr3', start: 179_100_000, end: 179_200_000, symbol: 'PIK3CA', ensg: 'ENSG00000121879', enst: 'ENST00000263967' },
  { chrom: 'chr6', start: 151_700_000, end: 152_100_000, symbol: 'ESR1', ensg: 'ENSG00000091831', enst: 'ENST00000206249' },
  { chrom: 'chr10', start: 87_860_000, end: 87_970_000, symbol: 'PTEN', ensg: 'ENSG00000171862', enst: 'ENST00000371953' },
  { chrom: 'chr14', start: 104_770_000, end: 104_800_000, symbol: 'AKT1', ensg: 'ENSG00000142208', enst: 'ENST00000554581' },
  { chrom: 'chr17', start: 39_687_914, end: 39_730_426, symbol: 'ERBB2', ensg: 'ENSG00000141736', enst: 'ENST00000269571' },
];

const BASES = 'ACGT';
const AA = ['Ala', 'Arg', 'Asn', 'Asp', 'Cys', 'Gln', 'Glu', 'Gly', 'His', 'Ile', 'Leu', 'Lys', 'Met', 'Phe', 'Pro', 'Ser', 'Thr', 'Trp', 'Tyr', 'Val'];
const CONSEQUENCES: Array<[string, string, number]> = [
  // [SO term, IMPACT, relative frequency]
  ['intron_variant', 'MODIFIER', 30],
  ['missense_variant', 'MODERATE', 25],
  ['synonymous_variant', 'LOW', 15],
  ['3_prime_UTR_variant', 'MODIFIER', 8],
  ['upstream_gene_variant', 'MODIFIER', 8],
  ['downstream_gene_variant', 'MODIFIER', 6],
  ['stop_gained', 'HIGH', 3],
  ['frameshift_variant', 'HIGH', 2],
  ['splice_region_variant&intron_variant', 'LOW', 3],
];
const CONSEQ_TOTAL = CONSEQUENCES.reduce((s, c) => s + c[2], 0);

function header(records: number): string {
  const lines = [
    '##fileformat=VCFv4.2',
    `##source=her2scope ${GENERATOR_VERSION}: SYNTHETIC benchmark data (${records} records), not real patient data`,
    '##reference=GRCh38 (synthetic positions)',
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FILTER=<ID=LowDepth,Description="Synthetic filter">',
    '##FILTER=<ID=strand_bias,Description="Synthetic filter">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
    '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic call">',
    `##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: ${CSQ_FIELDS}">`,
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction of the alt allele">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    ...CHROMS.map(([c, len]) => `##contig=<ID=${c},length=${len}>`),
    '##tumor_sample=TUMOR',
    '##normal_sample=NORMAL',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR',
  ];
  return lines.join('\n') + '\n';
}

function pickConsequence(r: () => number): [string, string] {
  let x = r() * CONSEQ_TOTAL;
  for (const [so, impact, w] of CONSEQUENCES) {
    x -= w;
    if (x < 0) return [so, impact];
  }
  return ['intron_variant', 'MODIFIER'];
}

/** Writes the VCF to `out` (a path); returns the number of records written. */
export async function writeVcf(out: string, records: number, seed = 20240611): Promise<number> {
  const r = prng(seed);
  const ws = createWriteStream(out, { highWaterMark: 1 << 22 });
  const write = (s: string) => (ws.write(s) ? Promise.resolve() : new Promise<void>((res) => ws.once('drain', () => res())));
  await write(header(records));
  const genomeLength = CHROMS.reduce((s, [, l]) => s + l, 0);
  const meanGap = genomeLength / records;
  let written = 0;
  let batch = '';
  for (const [chrom, len] of CHROMS) {
    const share = Math.round((records * len) / genomeLength);
    const quota = chrom === 'chrX' ? records - written : share;
    let pos = 10_000;
    for (let k = 0; k < quota; k++) {
      pos += 1 + Math.floor(r() * 2 * meanGap * 0.98);
      if (pos >= len) pos = len - 1 - (quota - k);
      batch += record(r, chrom, pos);
      written++;
      if (batch.length > 1 << 20) {
        await write(batch);
        batch = '';
      }
    }
  }
  await write(batch);
  await new Promise<void>((res, rej) => ws.end((e?: Error | null) => (e ? rej(e) : res())));
  return written;
}

function record(r: () => number, chrom: string, pos: number): string {
  const gene = GENES.find((g) => g.chrom === chrom && pos >= g.start && pos <= g.end);
  const symbol = gene?.symbol ?? `SG${chrom.slice(3)}_${Math.floor(pos / 40_000)}`;
  const ensg = gene?.ensg ?? `ENSG9${chrom.slice(3).padStart(2, '0')}${String(Math.floor(pos / 40_000)).padStart(6, '0')}`;
  const ref = BASES[Math.floor(r() * 4)]!;
  const indel = r() < 0.08;
  let alt: string;
  if (indel) alt = ref + BASES[Math.floor(r() * 4)]!;
  else alt = BASES[(BASES.indexOf(ref) + 1 + Math.floor(r() * 3)) % 4]!;
  const csqAllele = indel ? alt.slice(1) : alt;
  const nTx = 1 + Math.floor(r() * 4);
  const entries: string[] = [];
  const codon = 1 + Math.floor(r() * 1200);
  for (let t = 0; t < nTx; t++) {
    const [so, impact] = indel && t === 0 ? ['frameshift_variant', 'HIGH'] : pickConsequence(r);
    const enst = gene && t === 0 ? gene.enst : `ENST9${String(Math.floor(r() * 1e9)).padStart(10, '0')}`;
    const coding = so === 'missense_variant' || so === 'synonymous_variant' || so === 'stop_gained' || so === 'frameshift_variant';
    const aa1 = AA[Math.floor(r() * 20)]!;
    const aa2 = so === 'synonymous_variant' ? '=' : so === 'stop_gained' ? 'Ter' : so === 'frameshift_variant' ? `${AA[Math.floor(r() * 20)]}fsTer${2 + Math.floor(r() * 40)}` : AA[Math.floor(r() * 20)]!;
    const cpos = codon * 3 - 1;
    const canonical = t === 0 ? 'YES' : '';
    const mane = t === 0 && gene ? `NM_${String(Math.floor(r() * 1e6)).padStart(6, '0')}.4` : '';
    entries.push(
      [
        csqAllele, so, impact, symbol, ensg, 'Transcript', `${enst}.${1 + (t % 5)}`, 'protein_coding',
        coding ? `${3 + t}/27` : '', coding ? '' : `${2 + t}/26`,
        coding || so.includes('UTR') ? `${enst}.${1 + (t % 5)}:c.${cpos}${ref}>${alt.slice(-1)}` : '',
        coding ? `ENSP9${String(t).padStart(10, '0')}.1:p.${aa1}${codon}${aa2}` : '',
        coding ? String(cpos + 150) : '', coding ? String(cpos) : '', coding ? String(codon) : '',
        coding ? 'L/S' : '', coding ? 'tTg/tCg' : '', r() < 0.3 ? `rs${Math.floor(r() * 1e9)}` : '',
        so.endsWith('stream_gene_variant') ? String(Math.floor(r() * 5000)) : '', r() < 0.5 ? '1' : '-1', '',
        indel ? 'insertion' : 'SNV', 'HGNC', `HGNC:${1000 + Math.floor(r() * 30000)}`, canonical, mane, '',
        t === 0 ? '1' : String(1 + Math.floor(r() * 5)), t === 0 ? 'P1' : '', t === 0 ? `CCDS${Math.floor(r() * 90000)}.1` : '',
        `ENSP9${String(t).padStart(10, '0')}`, t === 0 ? `P${Math.floor(r() * 99999)}.${Math.floor(r() * 200)}` : '', '',
        `UPI0000${Math.floor(r() * 1e6)}`, coding ? 'deleterious(0.01)' : '', coding ? 'probably_damaging(0.998)' : '',
        coding ? 'Pfam:PF07714&PANTHER:PTHR24416' : '', '', r() < 0.2 ? (r() * 0.01).toFixed(5) : '', '', '', '', '',
      ].join('|'),
    );
  }
  const filterRoll = r();
  const filter = filterRoll < 0.85 ? 'PASS' : filterRoll < 0.93 ? 'LowDepth' : 'strand_bias';
  const nd = 30 + Math.floor(r() * 200);
  const td = 30 + Math.floor(r() * 400);
  const ta = 1 + Math.floor(r() * td * 0.6);
  const na = Math.floor(r() * 2);
  const info = `DP=${nd + td};SOMATIC;CSQ=${entries.join(',')}`;
  return `${chrom}\t${pos}\t.\t${ref}\t${alt}\t.\t${filter}\t${info}\tGT:AD:AF:DP\t0/0:${nd - na},${na}:${(na / nd).toFixed(4)}:${nd}\t0/1:${td - ta},${ta}:${(ta / td).toFixed(4)}:${td}\n`;
}

export interface BenchFiles {
  vcf: string;
  vcfGz: string;
  tbi: string;
  records: number;
}

/** Make (or reuse) bench-data/variants-1m.vcf(.gz,.tbi). Needs `bgzip` and `tabix` on the PATH. */
export async function generate(outDir: string, records = 1_000_000): Promise<BenchFiles> {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, records === 1_000_000 ? 'variants-1m' : `variants-${records}`);
  const files = { vcf: `${base}.vcf`, vcfGz: `${base}.vcf.gz`, tbi: `${base}.vcf.gz.tbi`, records };
  const stamp = `${base}.stamp`;
  const want = `${GENERATOR_VERSION} ${records}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(files.tbi)) return files;
  const t0 = Date.now();
  await writeVcf(`${files.vcf}.tmp`, records);
  renameSync(`${files.vcf}.tmp`, files.vcf);
  const bg = spawnSync('sh', ['-c', `bgzip -@ 2 -c '${files.vcf}' > '${files.vcfGz}.tmp' && mv '${files.vcfGz}.tmp' '${files.vcfGz}' && tabix -f -p vcf '${files.vcfGz}'`], { stdio: 'inherit' });
  if (bg.status !== 0) throw new Error('bgzip/tabix failed');
  writeFileSync(stamp, want);
  console.log(`generated ${records} synthetic records in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${base}.vcf(.gz)`);
  return files;
}

/**
 * REAL-SHAPED benchmark input (issue 15): every record body (ID, REF, ALT, QUAL, FILTER, INFO with the full VEP v105
 * CSQ of ~11 transcripts, FORMAT and both samples) is a real HCC1395 tumour/normal record from pVACtools'
 * `annotated.expression.vcf.gz` (BSD-3-Clause-Clear, /work/shared/data/vcf; see SOURCES.md there), with its header
 * unchanged. Only CHROM/POS are rewritten: each contig gets records in proportion to its share of the real file,
 * cycling through that contig's real records, at evenly spaced positions within the contig's declared length, so
 * the file stays sorted and indexable. Written through `bgzip` (streamed, with back-pressure).
 */
export const REAL_SOURCE = resolve(fileURLToPath(import.meta.url), '../../../../../shared/data/vcf/annotated.expression.vcf.gz');
export const REAL_VERSION = 'gen-vcf real v1';

export async function generateRealShaped(outDir: string, records = 500_000, source = REAL_SOURCE): Promise<{ vcfGz: string; records: number; source: string }> {
  mkdirSync(outDir, { recursive: true });
  const vcfGz = join(outDir, `hcc1395-real-${records}.vcf.gz`);
  const stamp = `${vcfGz}.stamp`;
  const want = `${REAL_VERSION} ${records}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(vcfGz)) return { vcfGz, records, source };
  if (!existsSync(source)) throw new Error(`the real-shaped bench needs ${source} (the shared test data)`);
  const text = gunzipSync(readFileSync(source)).toString('utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const header = lines.filter((l) => l.startsWith('#'));
  const body = lines.filter((l) => !l.startsWith('#'));
  const lengths = new Map<string, number>();
  for (const h of header) {
    const m = /^##contig=<ID=([^,>]+),length=(\d+)/.exec(h);
    if (m) lengths.set(m[1]!, Number(m[2]));
  }
  const byChrom = new Map<string, string[]>();
  for (const l of body) {
    const t1 = l.indexOf('\t');
    const t2 = l.indexOf('\t', t1 + 1);
    const chrom = l.slice(0, t1);
    if (!byChrom.has(chrom)) byChrom.set(chrom, []);
    byChrom.get(chrom)!.push(l.slice(t2 + 1));
  }
  const t0 = Date.now();
  const child = spawn('sh', ['-c', `bgzip -@ 2 -c > '${vcfGz}.tmp'`], { stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise<number>((res) => child.on('close', (code) => res(code ?? 1)));
  const write = (s: string) => (child.stdin.write(s) ? Promise.resolve() : new Promise<void>((res) => child.stdin.once('drain', () => res())));
  await write(header.join('\n') + '\n');
  let written = 0;
  const chroms = [...byChrom.keys()];
  let batch = '';
  for (let c = 0; c < chroms.length; c++) {
    const chrom = chroms[c]!;
    const templates = byChrom.get(chrom)!;
    const n = c === chroms.length - 1 ? records - written : Math.round((records * templates.length) / body.length);
    const len = lengths.get(chrom) ?? 100_000_000;
    const step = Math.max(1, Math.floor((len - 20_000) / Math.max(1, n)));
    for (let j = 0; j < n; j++) {
      batch += `${chrom}\t${10_000 + j * step}\t${templates[j % templates.length]}\n`;
      if (batch.length > 1 << 22) {
        await write(batch);
        batch = '';
      }
    }
    written += n;
  }
  await write(batch);
  child.stdin.end();
  if ((await exited) !== 0) throw new Error('bgzip failed');
  renameSync(`${vcfGz}.tmp`, vcfGz);
  writeFileSync(stamp, want);
  console.log(`generated ${written} real-shaped records (HCC1395 VEP v105 bodies) in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${vcfGz}`);
  return { vcfGz, records: written, source };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === 'real') {
  const n = Number(process.argv[3] ?? 500_000);
  await generateRealShaped(process.argv[4] ?? resolve(fileURLToPath(import.meta.url), '../../../../bench-data'), n);
} else if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const dir = process.argv[3] ?? resolve(fileURLToPath(import.meta.url), '../../../../bench-data');
  await generate(dir, n);
}
