import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '@her2scope/core';
import { parseGeneList, parseRegion, readVariantCalls, readVariants } from '../../src/variants/index.ts';
import { brief, bytes, editField, errorOf, fixture, gzip, lineOf, readBuffer, readPath, sharedFile, text } from './helpers.ts';

const TN_DEFAULT = [
  'SYNTH1 p.L10= synonymous_variant chr1:1000000 G>A 0.2 50 10 PASS TUMOUR_S1',
  'PIK3CA p.H1047R missense_variant chr3:179234297 A>G 0.4 100 40 PASS TUMOUR_S1',
  'ESR1 p.Y537S missense_variant chr6:152094402 A>C 0.2 100 20 PASS TUMOUR_S1',
  'PTEN p.R130Kfs*7 frameshift_variant chr10:87933147 C>CA 0.166667 60 10 PASS TUMOUR_S1',
  'TP53 p.R43H missense_variant chr17:7675088 C>T 0.88 100 88 PASS TUMOUR_S1',
  'ERBB2 c.-100+500G>A intron_variant chr17:39700000 G>A 0.25 40 10 PASS TUMOUR_S1',
  'ERBB2 p.L755S missense_variant chr17:39723967 T>C 0.3 100 30 PASS TUMOUR_S1',
  'ERBB2 p.V777L missense_variant chr17:39724747 G>T 0.25 60 15 PASS TUMOUR_S1',
  'ERBB2 p.Y772_A775dup inframe_insertion chr17:39725000 C>CATACGTGATGGC 0.12 100 12 PASS TUMOUR_S1',
  'ERBB2 p.D769H missense_variant chr17:39726000 G>C 0.25 100 25 PASS TUMOUR_S1',
  'ERBB2 p.D769Y missense_variant chr17:39726000 G>T 0.25 100 25 PASS TUMOUR_S1',
  'ERBB2 p.L800= synonymous_variant chr17:39727000 C>T 0.1 50 5 . TUMOUR_S1',
];

test('VEP tumour/normal VCF: every PASS call of the tumour, with the transcript pick rules', async () => {
  const { calls, file } = await readPath(fixture('tn-vep.vcf'));
  assert.deepEqual(brief(calls), TN_DEFAULT);
  assert.deepEqual([file.format, file.annotation, file.tumor, file.normal, file.skipped, file.records], ['vcf', 'vep', 'TUMOUR_S1', 'NORMAL_S1', 0, 13]);
  assert.deepEqual(calls[6], {
    gene: 'ERBB2',
    hgvsp: 'p.L755S',
    hgvsc: 'c.2264T>C',
    consequence: 'missense_variant',
    chrom: 'chr17',
    pos: 39723967,
    ref: 'T',
    alt: 'C',
    vaf: 0.3,
    depth: 100,
    altCount: 30,
    filter: 'PASS',
    sample: 'TUMOUR_S1',
    // The matched normal's reads (issue 14: alt support in the normal marks a germline variant).
    normalDepth: 90,
    normalAltCount: 0,
    normalVaf: 0,
  });
  // ESR1: the MANE/canonical missense wins over a more severe stop_gained on another transcript.
  // TP53: VEP's PICK flag wins over the canonical transcript. PGAP3/ERBB2 overlap: the MANE Select transcript
  // (ERBB2, intronic) wins over a more severe canonical one of another gene (PGAP3 missense), as VEP's --pick does.
});

test('the same calls from bgzip (+ .tbi), a CSI-indexed copy and plain gzip', async () => {
  for (const name of ['tn-vep.vcf.gz', 'tn-vep-csi.vcf.gz']) assert.deepEqual(brief((await readPath(fixture(name))).calls), TN_DEFAULT, name);
  assert.deepEqual(brief((await readBuffer(gzip(text('tn-vep.vcf')), 'tn.vcf.gz')).calls), TN_DEFAULT);
});

test('--all-filters keeps failed records with their FILTER', async () => {
  const { calls } = await readPath(fixture('tn-vep.vcf'), { allFilters: true });
  assert.equal(calls.length, 13);
  assert.equal(brief(calls)[4], 'AKT1 p.E17K missense_variant chr14:104780214 C>T 0.5 70 35 germline;normal_artifact TUMOUR_S1');
});

test('gene filter: exact symbols; a variant is reported under the requested gene', async () => {
  const { calls } = await readPath(fixture('tn-vep.vcf.gz'), { genes: ['ERBB2'] });
  assert.deepEqual(brief(calls), TN_DEFAULT.filter((l) => l.startsWith('ERBB2')));
  assert.equal(calls[0]!.hgvsp, null);
  // The overlapping gene's own consequence when it is the one asked for.
  assert.deepEqual(brief((await readPath(fixture('tn-vep.vcf'), { genes: ['PGAP3'] })).calls), ['PGAP3 p.R34W missense_variant chr17:39700000 G>A 0.25 40 10 PASS TUMOUR_S1']);
  assert.deepEqual(brief((await readPath(fixture('tn-vep.vcf'), { genes: ['PIK3CA', 'PTEN', 'ESR1'] })).calls), TN_DEFAULT.slice(1, 4));
  assert.equal((await readPath(fixture('tn-vep.vcf'), { genes: ['erbb2'] })).calls.length, 0);
  assert.equal((await readPath(fixture('tn-vep.vcf'), { genes: ['ERBB'] })).calls.length, 0);
  assert.deepEqual(parseGeneList(' ERBB2, ESR1,,ERBB2 '), ['ERBB2', 'ESR1']);
  assert.throws(() => parseGeneList(','), /--genes: give at least one gene symbol/);
  assert.throws(() => parseGeneList('ERBB2,a b'), /--genes: 'a b' is not a gene symbol/);
});

test('region: tabix, CSI and a scan give the same calls; tabix overlap semantics', async () => {
  const want = TN_DEFAULT.slice(6, 8);
  for (const name of ['tn-vep.vcf.gz', 'tn-vep-csi.vcf.gz', 'tn-vep.vcf']) {
    assert.deepEqual(brief((await readPath(fixture(name), { region: 'chr17:39723967-39724747' })).calls), want, name);
    assert.deepEqual(brief((await readPath(fixture(name), { region: 'chr17' })).calls), TN_DEFAULT.slice(4), name);
    assert.deepEqual(brief((await readPath(fixture(name), { region: 'chr17:39,726,000' })).calls), TN_DEFAULT.slice(9), name);
    assert.deepEqual((await readPath(fixture(name), { region: 'chr17:1-100' })).calls, [], name);
    const e = await errorOf(() => readPath(fixture(name), { region: '17:39723967-39724747' }));
    assert.equal(e.message, `--region: contig '17' is not in ${fixture(name)}, which names it 'chr17'`);
  }
  // The indexed query reads only the chunk it needs.
  assert.equal((await readPath(fixture('tn-vep.vcf.gz'), { region: 'chr3:179234297-179234297' })).file.records, 1);
  // A deletion overlapping the start of the region is in it (REF span), as with tabix.
  const del = editField(text('tn-vep.vcf'), 'chr10:87933147', 3, 'CAGTT');
  const withDel = editField(del, 'chr10:87933147', 4, 'C');
  const r = await readBuffer(withDel.replace('CSQ=A|frameshift', 'CSQ=-|frameshift'), 'del.vcf', { region: 'chr10:87933150-87933150' });
  assert.deepEqual(brief(r.calls), ['PTEN p.R130Kfs*7 frameshift_variant chr10:87933147 CAGTT>C 0.166667 60 10 PASS TUMOUR_S1']);
  assert.deepEqual(parseRegion('chr17:39687914-39730426'), { chrom: 'chr17', start: 39687914, end: 39730426 });
  assert.deepEqual(parseRegion('chr17'), { chrom: 'chr17', start: 1, end: Infinity });
  for (const bad of ['chr17:', 'chr17:x-y', 'chr17:10-5', 'chr17:0-5', '', 'chr 17:1-2']) assert.throws(() => parseRegion(bad), /--region: /, bad);
});

test('tumour/normal selection: header lines, options, pairs, names, pedigree', async () => {
  const swapped = await readPath(fixture('tn-vep.vcf'), { tumor: 'NORMAL_S1' });
  assert.deepEqual([swapped.file.tumor, swapped.file.normal], ['NORMAL_S1', 'TUMOUR_S1']);
  // Only the record the normal column carries (GT 0/1, 40 ALT reads); its 0/0 records with no ALT reads are left out.
  assert.deepEqual(brief(swapped.calls), ['ERBB2 p.R867Q missense_variant chr17:39728000 G>A 0.5 80 40 PASS NORMAL_S1']);
  let e = await errorOf(() => readPath(fixture('tn-vep.vcf'), { tumor: 'T1' }));
  assert.equal(e.message, `--tumor: sample 'T1' is not in ${fixture('tn-vep.vcf')} (samples: 'NORMAL_S1', 'TUMOUR_S1')`);
  e = await errorOf(() => readPath(fixture('tn-vep.vcf'), { tumor: 'TUMOUR_S1', normal: 'TUMOUR_S1' }));
  assert.equal(e.message, "--normal: 'TUMOUR_S1' is also the tumour sample");
  // No header lines: a sample named TUMOR (the Strelka/MuTect/VarScan default); the other is the normal.
  const snpeff = await readPath(fixture('tn-snpeff.vcf'));
  assert.deepEqual([snpeff.file.tumor, snpeff.file.normal], ['TUMOR', 'NORMAL']);
  // Three samples and no hint: the user must choose.
  const three = text('tn-snpeff.vcf').replace('NORMAL\tTUMOR', 'A\tB\tC').replace(/(\t0\/0:[^\t]*)\t/g, '$1\t0/0:1,0\t');
  e = await errorOf(() => readBuffer(three, 'three.vcf'));
  assert.equal(e.message, "three.vcf: 3 samples ('A', 'B', 'C'): choose the tumour sample with --tumor");
  // ##tumor_sample naming a missing column.
  e = await errorOf(() => readBuffer(text('tn-vep.vcf').replace('##tumor_sample=TUMOUR_S1', '##tumor_sample=GONE'), 'x.vcf'));
  assert.match(e.message, /^x\.vcf: ##tumor_sample: names 'GONE', which is not a sample column/);
  // SnpEff cancer mode: ##PEDIGREE Derived = tumour, Original = normal; each allele the tumour carries (GT 2/1, 2/2).
  const ped = await readPath(fixture('cancer_pedigree.ann.vcf'));
  assert.deepEqual([ped.file.tumor, ped.file.normal], ['Patient_01_Somatic', 'Patient_01_Germline']);
  assert.deepEqual(brief(ped.calls), [
    'OR4F5 p.M1? initiator_codon_variant 1:69091 A>C null null null PASS Patient_01_Somatic',
    'OR4F5 p.M1? start_lost 1:69091 A>G null null null PASS Patient_01_Somatic',
    'OR4F5 p.W253* stop_gained 1:69849 G>A null null null PASS Patient_01_Somatic',
    'OR4F5 p.W253C missense_variant 1:69849 G>C null null null PASS Patient_01_Somatic',
    'OR4F5 p.T141A missense_variant 1:69511 A>G null null null PASS Patient_01_Somatic',
  ]);
});

test('SnpEff ANN: allele matching (cancer-mode G-C entries ignored) and the most severe consequence', async () => {
  const { calls, file } = await readPath(fixture('tn-snpeff.vcf'));
  assert.equal(file.annotation, 'snpeff');
  assert.deepEqual(brief(calls), [
    'PIK3CA p.H1047R missense_variant chr3:179234297 A>G 0.25 60 15 PASS TUMOR',
    'ERBB2 p.L755S missense_variant chr17:39723967 T>C 0.4 50 20 PASS TUMOR',
    'ERBB2 p.D769H missense_variant chr17:39726000 G>C 0.25 40 10 PASS TUMOR',
    'ERBB2 p.D769Y missense_variant chr17:39726000 G>T 0.25 40 10 PASS TUMOR',
  ]);
  const plus = await readPath(fixture('test_vcf_ann_plus_sign.vcf'));
  assert.deepEqual(brief(plus.calls), ['GRMZM2G384255 c.-6_-1delTTACCC 5_prime_UTR_truncation 10:146569454 ACCTTACCC>ACC null 4 null . GLBRC_PH207.bt2.sorted.merged.deduplicated.bam']);
});

test('Strelka: SNV depths from tier-1 AU/CU/GU/TU, indels from TAR/TIR', async () => {
  const { calls } = await readPath(fixture('strelka-vep.vcf'));
  assert.deepEqual(brief(calls), [
    'SYNTH2 p.R34C missense_variant 1:12170228 C>T 1 57 57 PASS TUMOR',
    'SYNTH3 p.G67S missense_variant 1:35944648 G>A 0.965517 58 56 PASS TUMOR',
    'SYNTH4 p.Q17Rfs*3 frameshift_variant 2:1000 CA>C 0.25 40 10 PASS TUMOR',
  ]);
});

test('real VEP-annotated files from VAtools and pVACtools', async () => {
  // hom_ref.vcf: tumour AD 341,42, DP 383 (Mutect-style; the normal is 0/0).
  assert.deepEqual(brief((await readPath(fixture('hom_ref.vcf'))).calls), ['APOL1 - synonymous_variant chr22:36265781 T>G 0.109661 383 42 PASS TUMOR']);
  // af_number_1.vcf: AD 429,18 gives 18/447 = 0.040268; the caller's own AF (0.059) is used only without read counts.
  assert.deepEqual(brief((await readPath(fixture('af_number_1.vcf'))).calls), ['SLC35E2 - synonymous_variant chr1:1738993 T>C 0.040268 447 18 PASS TUMOR']);
  // Mutect2 tumour/normal named by ##tumor_sample/##normal_sample; FILTER clustered_events is dropped by default.
  assert.deepEqual((await readPath(fixture('input.protein_coding.vcf'))).calls, []);
  const mutect2 = await readPath(fixture('input.protein_coding.vcf'), { allFilters: true });
  assert.deepEqual([mutect2.file.tumor, mutect2.file.normal], ['Tumor-666', 'Normal-666']);
  assert.deepEqual(brief(mutect2.calls), ['VDR p.N484delinsKAGRRGSGTAWSAPH* stop_gained chr12:48238361 G>GCCTCAATGAGGAGCACTCCAAGCAGTACCGCTGCCTCTCCTTCCAGCC 0.084337 83 7 clustered_events Tumor-666']);
  // VEP v95 deletions written with allele '-', and a #CHROM line separated by spaces.
  assert.deepEqual(brief((await readPath(fixture('input_dash_csq_allele.vcf'))).calls), [
    'SPOPL - inframe_deletion chr2:139326521 AATGGAAACATCAGGGTGGAAGTCCATG>A 0.135802 81 11 PASS N',
    'C3orf38 - frameshift_variant chr3:88202567 GA>G 0.258824 85 22 PASS N',
    'C16orf62 - frameshift_variant chr16:19589630 AG>A 0.52 50 26 PASS N',
    'HIPK4 - frameshift_variant chr19:40889960 AG>A 0.089744 78 7 PASS N',
  ]);
});

test('pVACtools HCC1395 tumour/normal (bgzip + tabix, VEP 105) from ../shared', { skip: !sharedFile('vcf/annotated.expression.vcf.gz') }, async () => {
  const path = sharedFile('vcf/annotated.expression.vcf.gz')!;
  const all = await readPath(path);
  // 1470 records, 1264 of them PASS (206 MAPQ0 / SOMATIC_LLR / DEPTH filtered), one ALT each, all carried by the tumour.
  assert.deepEqual([all.calls.length, all.file.records, all.file.tumor, all.file.normal], [1264, 1470, 'HCC1395_TUMOR_DNA', 'HCC1395_NORMAL_DNA']);
  const tp53 = (await readPath(path, { genes: ['TP53'] })).calls;
  // TUMOR: AD 1,87 (AF 0.98864), DP 88; the canonical ENST00000269305 gives p.Arg175His.
  assert.deepEqual(brief(tp53), ['TP53 p.R175H missense_variant chr17:7675088 C>T 0.988636 88 87 PASS HCC1395_TUMOR_DNA']);
  assert.deepEqual((await readPath(path, { region: 'chr17:7675000-7676000' })).calls, tp53);
  // Every chromosome: the indexed query equals the scan restricted to it.
  for (const chrom of ['chr1', 'chr7', 'chr17', 'chrX']) {
    const indexed = (await readPath(path, { region: chrom })).calls;
    assert.deepEqual(indexed, all.calls.filter((c) => c.chrom === chrom), chrom);
    assert.ok(indexed.length > 0, chrom);
  }
  assert.equal((await readPath(path, { genes: ['ERBB2'] })).calls.length, 0);
});

test('readVariants / readVariantCalls collect the calls', async () => {
  const r = await readVariants(fixture('tn-vep.vcf.gz'), { genes: ['ERBB2'], region: 'chr17:39723967-39723967' });
  assert.deepEqual([r.variants.length, r.skipped, r.problems], [1, 0, []]);
  assert.deepEqual(brief(await readVariantCalls(fixture('tn-vep.vcf'))), TN_DEFAULT);
  assert.equal((await readVariantCalls(fixture('tn-vep.vcf'), { tumor: 'NORMAL_S1' })).length, 1);
});

test('progress is reported with the file size', async () => {
  const seen: Array<{ bytesRead: number; totalBytes: number; records: number }> = [];
  await readPath(fixture('tn-vep.vcf.gz'), { onProgress: (p) => seen.push(p) });
  assert.ok(seen.length >= 1);
  const last = seen[seen.length - 1]!;
  assert.deepEqual([last.bytesRead, last.totalBytes, last.records], [bytes('tn-vep.vcf.gz').length, bytes('tn-vep.vcf.gz').length, 13]);
});

test('CRLF line endings are read like LF', async () => {
  assert.deepEqual(brief((await readBuffer(text('tn-vep.vcf').replace(/\n/g, '\r\n'), 'crlf.vcf')).calls), TN_DEFAULT);
});

// ---- errors: file, line and field, as InputError ----

const TN = text('tn-vep.vcf');
const L755S = 'chr17:39723967';

async function fails(data: string | Buffer, opts = {}, name = 'tn.vcf'): Promise<string> {
  const e = await errorOf(() => readBuffer(data, name, opts));
  assert.equal(e.name, 'InputError', e.message);
  return e.message;
}

test('record errors name file, line and field', async () => {
  const line = lineOf(TN, L755S);
  assert.equal(line, 29);
  assert.equal(await fails(editField(TN, L755S, 10, '0/1:x,3:100:0.3')), `tn.vcf:${line}: FORMAT/AD: 'x,3' is not a number`);
  assert.equal(await fails(editField(TN, L755S, 10, '0/1:70,30:abc:0.3')), `tn.vcf:${line}: FORMAT/DP: 'abc' is not a number`);
  assert.equal(await fails(editField(TN, L755S, 10, '0/1:70,30:100:1.3')), `tn.vcf:${line}: FORMAT/AF: '1.3' is not an allele fraction between 0 and 1`);
  assert.equal(await fails(editField(TN, L755S, 10, 'x/y:70,30:100:0.3')), `tn.vcf:${line}: FORMAT/GT: 'x/y' is not a genotype`);
  assert.equal(await fails(editField(TN, L755S, 10, '0/1:70,30:100:0.3:9')), `tn.vcf:${line}: FORMAT: the sample has 5 values but FORMAT lists 4 keys`);
  assert.equal(await fails(editField(TN, L755S, 1, '3.9e7')), `tn.vcf:${line}: POS: '3.9e7' is not a whole number`);
  assert.equal(await fails(editField(TN, L755S, 3, 'X')), `tn.vcf:${line}: REF: 'X' is not a DNA sequence`);
  assert.equal(await fails(editField(TN, L755S, 4, 'C,?')), `tn.vcf:${line}: ALT: '?' is not an allele`);
  assert.equal(await fails(editField(TN, L755S, 6, '')), `tn.vcf:${line}: FILTER: empty (a missing value is '.')`);
  assert.equal(await fails(editField(TN, L755S, 7, (v) => v.replace('|PICK', '') + '|x|y')), `tn.vcf:${line}: INFO/CSQ: entry 2 has 19 fields but the header's CSQ list has 17`);
  const short = TN.split('\n').map((l, i) => (i + 1 === line ? l.split('\t').slice(0, 10).join('\t') : l)).join('\n');
  assert.equal(await fails(short), `tn.vcf:${line}: columns: expected 11 tab-separated columns (8 fixed + FORMAT + 2 samples), found 10`);
  const dup = TN.split('\n').map((l, i) => (i + 1 === line ? '#CHROM\tx' : l)).join('\n');
  assert.equal(await fails(dup), `tn.vcf:${line}: line: a header line among the records`);
});

test('header errors', async () => {
  const lines = TN.split('\n');
  assert.equal(await fails(TN.replace('#CHROM\tPOS', '#CHROM\tPOSITION')), "tn.vcf:21: the column header must start #CHROM POS ID REF ALT QUAL FILTER INFO (tab-separated), found '#CHROM\\tPOSITION\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\tFORMAT\\tNORMAL_S1\\tTUMOUR_S1'");
  assert.equal(await fails(lines.filter((l) => !l.startsWith('#CHROM')).join('\n')), "tn.vcf:21: a record before the '#CHROM' column header line");
  assert.equal(await fails(TN.replace('##fileformat=VCFv4.2', '##fileformat=VCFv3.3')), "tn.vcf:1: unsupported format 'VCFv3.3' (her2scope reads VCF 4.0-4.4)");
  assert.equal(await fails('hello\n' + TN), "tn.vcf:1: not a VCF header: expected '##fileformat=VCFv4.x' as the first line, found 'hello'");
  assert.equal(await fails(TN.replace('NORMAL_S1\tTUMOUR_S1', 'TUMOUR_S1\tTUMOUR_S1')), "tn.vcf:21: sample 'TUMOUR_S1' appears twice in the column header");
  assert.equal(await fails(TN.replace('Format: Allele|Consequence|', 'Format: Allele|Effect|')), 'tn.vcf: ##INFO=<ID=CSQ>: the CSQ field list has no Consequence field');
  assert.equal(await fails(TN.replace(' Format: Allele', ' Fields Allele')), "tn.vcf: ##INFO=<ID=CSQ>: the CSQ description has no 'Format: Allele|Consequence|…' list, so its fields cannot be read");
  // BCF is recognised by its magic whatever the name (bcf.test.ts reads real ones); this one is garbage after it.
  assert.equal(await fails(Buffer.from('BCF\x02\x02rest')), 'tn.vcf: BCF header of 1953719666 bytes (corrupt file?)');
  assert.equal(await fails(''), 'tn.vcf: empty file');
  // SnpEff's own example: a log line before the header.
  const e = await errorOf(() => readPath(fixture('cancer.ann.vcf')));
  assert.equal(e.message, `${fixture('cancer.ann.vcf')}:1: not a VCF header: expected '##fileformat=VCFv4.x' as the first line, found '00:00:39.673\\tReading cancer samples pedigree from file 'exam…'`);
});

test('an unannotated VCF is refused with the way to annotate it', async () => {
  const how = "annotate it first with Ensembl VEP (vep --vcf --symbol --hgvs --canonical --mane, or --everything) or SnpEff (snpEff ann <genome> in.vcf > out.vcf), then run 'her2scope variants' on the annotated file";
  let e = await errorOf(() => readPath(fixture('test_b38.vcf')));
  assert.equal(e.message, `${fixture('test_b38.vcf')}: the VCF has no variant annotation (no INFO/CSQ from Ensembl VEP, no INFO/ANN from SnpEff): ${how}`);
  // The header declares CSQ but the records carry none (VAtools input.complex_indel.vcf.gz): nothing is emitted.
  e = await errorOf(() => readPath(fixture('input.complex_indel.vcf.gz')));
  assert.equal(e.message, `${fixture('input.complex_indel.vcf.gz')}: the header declares INFO/CSQ but none of the first 2 records carries it, so the records are not annotated: ${how}`);
  // SnpEff's pre-4.1 EFF field.
  const eff = TN.replace(/##INFO=<ID=CSQ[^\n]*/, '##INFO=<ID=EFF,Number=.,Type=String,Description="Predicted effects">').replace(/CSQ=/g, 'EFF=');
  assert.match(await fails(eff), /^tn\.vcf: the VCF is annotated with SnpEff's old EFF field, which her2scope does not read: annotate it first/);
  // With a gene filter too: the first records are always parsed.
  assert.match(await fails(TN.replace(/;CSQ=[^\t]*/g, ''), { genes: ['ERBB2'] }), /^tn\.vcf: the header declares INFO\/CSQ but none of the first 13 records carries it/);
});

test('compressed input: truncation and corruption name the byte', async () => {
  const gz = bytes('tn-vep.vcf.gz');
  let m = await fails(gz.subarray(0, gz.length - 28), {}, 'cut.vcf.gz');
  assert.equal(m, 'cut.vcf.gz: no BGZF end-of-file marker: the file is truncated (re-copy it, or re-compress with bgzip)');
  m = await fails(gz.subarray(0, 900), {}, 'cut.vcf.gz');
  assert.equal(m, `cut.vcf.gz: byte 0: truncated: the BGZF block there needs ${gz.readUInt16LE(16) + 1} bytes but the file ends after 900 (the file is incomplete)`);
  const bad = Buffer.from(gz);
  bad[500] = bad[500]! ^ 0xff;
  assert.match(await fails(bad, {}, 'bad.vcf.gz'), /^bad\.vcf\.gz: byte 0: corrupt BGZF block \(.+\)$/);
  const plain = gzip(TN);
  assert.equal(await fails(plain.subarray(0, plain.length - 100), {}, 'cut.gz'), 'cut.gz: truncated gzip file: unexpected end of file (the file is incomplete)');
  const junk = Buffer.concat([gz.subarray(0, gz.length - 28), Buffer.from('garbage-after-the-blocks'), gz.subarray(gz.length - 28)]);
  assert.match(await fails(junk, {}, 'junk.vcf.gz'), /^junk\.vcf\.gz: byte \d+: not a BGZF block/);
});

test('--skip-bad-records skips and counts malformed records', async () => {
  let vcf = editField(TN, L755S, 10, '0/1:x,3:100:0.3');
  vcf = editField(vcf, 'chr3:179234297', 1, 'abc');
  const { calls, file } = await readBuffer(vcf, 'tn.vcf', { skipBadRecords: true });
  assert.equal(file.skipped, 2);
  assert.deepEqual(file.problems, ["tn.vcf:23: POS: 'abc' is not a whole number", "tn.vcf:29: FORMAT/AD: 'x,3' is not a number"]);
  assert.deepEqual(brief(calls), TN_DEFAULT.filter((l) => !l.includes('PIK3CA') && !l.includes('L755S')));
});

test('with a gene filter, records past the first 100 are validated only when they name a requested gene', async () => {
  const lines = TN.split('\n');
  const head = lines.filter((l) => l.startsWith('#'));
  const syn = lines.find((l) => l.startsWith('chr1\t'))!;
  const erbb2 = lines.find((l) => l.startsWith('chr17\t39723967'))!;
  const many = Array.from({ length: 150 }, (_, i) => syn.replace('1000000', String(1000000 + i)));
  const broken = (i: number) => many.map((l, k) => (k === i ? l.replace('0/1:40,10', '0/1:x,10') : l));
  const build = (body: string[]) => [...head, ...body, erbb2].join('\n') + '\n';
  // Line 120 (data record 120) is malformed but names no requested gene: not parsed, not reported.
  assert.equal((await readBuffer(build(broken(119)), 'many.vcf', { genes: ['ERBB2'] })).calls.length, 1);
  // Without the filter, and within the first 100 records, it is reported.
  assert.equal(await fails(build(broken(119))), `tn.vcf:${head.length + 120}: FORMAT/AD: 'x,10' is not a number`);
  assert.equal(await fails(build(broken(10)), { genes: ['ERBB2'] }), `tn.vcf:${head.length + 11}: FORMAT/AD: 'x,10' is not a number`);
});

test('InputError is what every failure above throws', async () => {
  try {
    await readBuffer(editField(TN, L755S, 10, '0/1:x,3:100:0.3'), 'tn.vcf');
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof InputError);
    assert.equal(e.field, 'tn.vcf:29: FORMAT/AD');
  }
});

test('issue 14: population AF from VEP gnomAD fields (highest of gnomADe_AF/gnomADg_AF/MAX_AF, "&" lists)', async () => {
  const csq = 'Allele|Consequence|IMPACT|SYMBOL|Gene|HGVSc|HGVSp|gnomADe_AF|gnomADg_AF|MAX_AF';
  const vcf = [
    '##fileformat=VCFv4.2',
    `##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: ${csq}">`,
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
    'chr17\t39711955\t.\tA\tG\t.\tPASS\tCSQ=G|missense_variant|MODERATE|ERBB2|ENSG1|c.1963A>G|p.Ile655Val|0.2&0.25|0.19|0.3',
    'chr17\t39723967\t.\tT\tC\t.\tPASS\tCSQ=C|missense_variant|MODERATE|ERBB2|ENSG1|c.2264T>C|p.Leu755Ser|||',
  ].join('\n') + '\n';
  const { calls } = await readBuffer(Buffer.from(vcf), 'af.vcf');
  assert.deepEqual(calls.map((c) => [c.hgvsp, c.populationAf ?? null]), [['p.I655V', 0.3], ['p.L755S', null]]);
});
