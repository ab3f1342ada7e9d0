import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brief, errorOf, fixture, gzip, readBuffer, readPath, sharedFile, text } from '../vcf/helpers.ts';

const TN = text('tn.maf');

test('synthetic MAF: columns by name, HGVSp_Short (else HGVSp), SO consequence, VAF = t_alt_count / t_depth', async () => {
  const { calls, file } = await readPath(fixture('tn.maf'));
  assert.deepEqual([file.format, file.annotation, file.records, file.skipped], ['maf', 'maf', 7, 0]);
  assert.deepEqual(brief(calls), [
    'ERBB2 p.L755S missense_variant 17:39723967 T>C 0.3 100 30 PASS S1-T',
    'ERBB2 p.Y772_A775dup inframe_insertion 17:39725001 ->ATACGTGATGGC 0.12 100 12 PASS S1-T',
    'PIK3CA p.H1047R missense_variant 3:179234297 A>G 0.4 100 40 PASS S1-T',
    'PTEN p.R130Qfs*4 frameshift_variant 10:87933148 G>- 0.166667 60 10 PASS S1-T',
    'ESR1 p.Y537S missense_variant 6:152094402 A>C null null null . S2-T',
    'ERBB2 c.-100+500G>A intron_variant 17:39700000 G>A 0.25 40 10 PASS S2-T',
  ]);
  assert.deepEqual(calls[0], { gene: 'ERBB2', hgvsp: 'p.L755S', hgvsc: 'c.2264T>C', consequence: 'missense_variant', chrom: '17', pos: 39723967, ref: 'T', alt: 'C', vaf: 0.3, depth: 100, altCount: 30, filter: 'PASS', sample: 'S1-T' });
  // PIK3CA has no t_depth: depth = t_ref_count + t_alt_count. PTEN's HGVSc loses its transcript prefix.
  assert.equal(calls[3]!.hgvsc, 'c.389del');
  const all = await readPath(fixture('tn.maf'), { allFilters: true });
  assert.equal(brief(all.calls)[4], 'AKT1 p.E17K missense_variant 14:104780214 C>T 0.5 70 35 common_variant S2-T');
});

test('MAF sample, gene and region selection; gzip', async () => {
  assert.deepEqual(brief((await readPath(fixture('tn.maf'), { tumor: 'S2-T' })).calls), [
    'ESR1 p.Y537S missense_variant 6:152094402 A>C null null null . S2-T',
    'ERBB2 c.-100+500G>A intron_variant 17:39700000 G>A 0.25 40 10 PASS S2-T',
  ]);
  assert.equal((await readPath(fixture('tn.maf'), { normal: 'S1-N' })).calls.length, 4);
  const e = await errorOf(() => readPath(fixture('tn.maf'), { tumor: 'S3-T' }));
  assert.equal(e.message, `--tumor: sample 'S3-T' has no rows in ${fixture('tn.maf')} (samples: 'S1-T', 'S2-T')`);
  assert.deepEqual((await readPath(fixture('tn.maf'), { genes: ['PTEN', 'ESR1'] })).calls.map((c) => c.gene), ['PTEN', 'ESR1']);
  // MAF chromosomes without 'chr' match a region written with it, and the other way round.
  for (const region of ['chr17:39723967-39725001', '17:39723967-39725001']) {
    assert.deepEqual((await readPath(fixture('tn.maf'), { region })).calls.map((c) => c.hgvsp), ['p.L755S', 'p.Y772_A775dup'], region);
  }
  assert.deepEqual(brief((await readBuffer(gzip(TN), 'tn.maf.gz')).calls), brief((await readPath(fixture('tn.maf'))).calls));
});

test("vcf2maf's own output MAF and its minimal test MAF", async () => {
  const b38 = await readPath(fixture('test_b38_output.maf'));
  assert.equal(b38.calls.length, 25);
  assert.deepEqual(brief(b38.calls).slice(0, 4), [
    'RUNX1 p.L429R missense_variant 21:34792292 A>C 0.388889 54 21 . TUMOR',
    'RUNX1 p.G367D missense_variant 21:34792478 C>T 0.136515 901 123 . TUMOR',
    'RUNX1 c.508+8A>G splice_region_variant 21:34880549 T>C 0.107143 504 54 . TUMOR',
    'RUNX1 p.X168_splice splice_site_variant 21:34880555 ->CCTCTT 0.254813 883 225 . TUMOR',
  ]);
  const small = await readPath(fixture('test.maf'));
  assert.equal(small.calls.length, 20);
  assert.deepEqual(brief(small.calls).slice(0, 2), ['MTOR - intron_variant 1:11290179 A>- 0.5 20 10 . TUMOR', 'Unknown - intergenic_variant 1:15557977 TG>CA 0.3125 16 5 . TUMOR']);
});

test('maftools and cBioPortal MAFs from ../shared', { skip: !sharedFile('maf/brca.maf.gz') }, async () => {
  const brca = await readPath(sharedFile('maf/brca.maf.gz')!);
  assert.equal(brca.calls.length, 1913);
  assert.deepEqual(brief(brca.calls)[0], 'RC3H1 - missense_variant 1:173939653 C>T null null null . TCGA-A8-A08B');
  // tcga_laml: `End_position` in lower case, protein change in maftools' Protein_Change column.
  const laml = await readPath(sharedFile('maf/tcga_laml.maf.gz')!);
  assert.equal(laml.calls.length, 2207);
  assert.deepEqual(brief(laml.calls)[0], 'ABCA10 p.K960R splice_site_variant 17:67170917 T>C null null null . TCGA-AB-2988');
  assert.equal((await readPath(sharedFile('maf/tcga_laml.maf.gz')!, { tumor: 'TCGA-AB-2988' })).calls.length, laml.calls.filter((c) => c.sample === 'TCGA-AB-2988').length);
  const cbio = sharedFile('cbioportal/study_es_0/data_mutations_extended.maf');
  if (cbio) {
    const r = await readPath(cbio);
    assert.equal(r.calls.length, 36);
    assert.deepEqual(brief(r.calls)[1], 'TMEM247 p.A155Rfs*59 frameshift_variant 2:46707888 G>- null 0 null . TCGA-A1-A0SB-01');
  }
});

test('MAF errors name file, line and column; --skip-bad-records counts them', async () => {
  const edit = (row: number, col: string, value: string) => {
    const lines = TN.split('\n');
    const header = lines[2]!.split('\t');
    const f = lines[3 + row]!.split('\t');
    f[header.indexOf(col)] = value;
    lines[3 + row] = f.join('\t');
    return lines.join('\n');
  };
  const fails = async (data: string) => (await errorOf(() => readBuffer(data, 'x.maf'))).message;
  assert.equal(await fails(edit(0, 'Start_Position', 'abc')), "x.maf:4: Start_Position: 'abc' is not a position (a whole number from 1)");
  assert.equal(await fails(edit(0, 'Variant_Classification', 'Fusion')), "x.maf:4: Variant_Classification: 'Fusion' is not a MAF class (Missense_Mutation, Nonsense_Mutation, Frame_Shift_Del, Frame_Shift_Ins, In_Frame_Del, In_Frame_Ins, …)");
  assert.equal(await fails(edit(1, 't_alt_count', '12.5')), "x.maf:5: t_alt_count: '12.5' is not a whole number");
  assert.equal(await fails(edit(1, 't_alt_count', '500')), 'x.maf:5: t_alt_count: 500 is more than t_depth 100');
  assert.equal(await fails(edit(2, 'Reference_Allele', 'Q')), "x.maf:6: Reference_Allele: 'Q' is not an allele (bases or '-')");
  assert.equal(await fails(TN.replace('\tG\tG\t-\t', '\tG\tG\t-\tEXTRA\t')), 'x.maf:7: columns: expected 22 tab-separated columns (as in the header), found 23');
  assert.equal(await fails(TN.replace('Hugo_Symbol', 'Gene')), 'x.maf:3: not a MAF header: missing column Hugo_Symbol');
  assert.equal(await fails(TN.replace('\tChromosome', '\tChr').replace('Tumor_Sample_Barcode', 'Sample')), 'x.maf:3: not a MAF header: missing columns Chromosome, Tumor_Sample_Barcode');
  const skipped = await readBuffer(edit(0, 'Start_Position', 'abc'), 'x.maf', { skipBadRecords: true });
  assert.deepEqual([skipped.calls.length, skipped.file.skipped, skipped.file.problems], [5, 1, ["x.maf:4: Start_Position: 'abc' is not a position (a whole number from 1)"]]);
  assert.equal(await fails('#version 2.4\n'), 'x.maf: no MAF column header line (Hugo_Symbol, Chromosome, …)');
});
