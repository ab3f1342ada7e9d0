import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consequenceRank, mafClassificationToSo, mostSevereTerm, shortProteinChange, VEP_CONSEQUENCE_RANK } from '../../src/index.ts';

test('shortProteinChange: three-letter, prefixed, predicted and escaped forms', () => {
  const cases: Array<[string, string]> = [
    ['p.Leu755Ser', 'p.L755S'],
    ['p.L755S', 'p.L755S'],
    ['ENSP00000269571.5:p.Leu755Ser', 'p.L755S'],
    ['NP_004439.2:p.(Leu755Ser)', 'p.L755S'],
    ['p.(Val777Leu)', 'p.V777L'],
    ['p.Tyr772_Ala775dup', 'p.Y772_A775dup'],
    ['p.Glu746_Ala750del', 'p.E746_A750del'],
    ['p.Leu755_Thr759delinsPro', 'p.L755_T759delinsP'],
    ['p.Leu20_Leu21insLeuPro', 'p.L20_L21insLP'],
    ['p.Arg123Ter', 'p.R123*'],
    ['p.Asp399ThrfsTer27', 'p.D399Tfs*27'],
    ['p.Ter253CysextTer?', 'p.*253Cext*?'],
    ['p.Met1?', 'p.M1?'],
    ['ENSP00000329982.2:p.Thr190%3D', 'p.T190='],
    ['p.Thr190=', 'p.T190='],
    ['p.=', 'p.='],
    ['p.X168_splice', 'p.X168_splice'],
    ['L755S', 'p.L755S'],
    ['p.Xaa5Sec', 'p.X5U'],
  ];
  for (const [input, want] of cases) assert.equal(shortProteinChange(input), want, input);
});

test("shortProteinChange: vcf2maf's HGVSp -> HGVSp_Short pairs from its test output", () => {
  // Columns HGVSp and HGVSp_Short of mskcc/vcf2maf tests/test_b38_output.maf.
  const pairs: Array<[string, string]> = [
    ['p.Leu429Arg', 'p.L429R'],
    ['p.Asn139GlnfsTer5', 'p.N139Qfs*5'],
    ['p.Asn172=', 'p.N172='],
    ['p.Lys224AsnfsTer19', 'p.K224Nfs*19'],
    ['p.Met1?', 'p.M1?'],
    ['p.Trp54Ter', 'p.W54*'],
  ];
  for (const [hgvsp, short] of pairs) assert.equal(shortProteinChange(hgvsp), short);
});

test('shortProteinChange: missing values and non-protein text give null', () => {
  for (const v of [null, undefined, '', '  ', '.', '-', 'NA', 'c.2264T>C', 'ENST0001:c.1A>G', 'hello', 'p.', 'p.()']) {
    assert.equal(shortProteinChange(v), null, String(v));
  }
});

test('consequenceRank follows the Ensembl VEP order', () => {
  const order = ['transcript_ablation', 'splice_donor_variant', 'stop_gained', 'frameshift_variant', 'stop_lost', 'start_lost', 'inframe_insertion', 'inframe_deletion', 'missense_variant', 'splice_region_variant', 'synonymous_variant', '5_prime_UTR_variant', '3_prime_UTR_variant', 'intron_variant', 'upstream_gene_variant', 'downstream_gene_variant', 'regulatory_region_variant', 'intergenic_variant'];
  for (let i = 1; i < order.length; i++) assert.ok(consequenceRank(order[i - 1]!) < consequenceRank(order[i]!), `${order[i - 1]} before ${order[i]}`);
  assert.equal(VEP_CONSEQUENCE_RANK.splice_acceptor_variant, VEP_CONSEQUENCE_RANK.splice_donor_variant);
  assert.equal(consequenceRank('missense_variant'), 12);
  assert.equal(consequenceRank('splice_region_variant&intron_variant'), 13);
  assert.equal(consequenceRank('intron_variant&splice_region_variant'), 13);
});

test('unknown terms rank by IMPACT, after every known term without it; prototype names are not terms', () => {
  assert.equal(consequenceRank('disruptive_inframe_deletion', 'MODERATE'), 12.5);
  assert.equal(consequenceRank('exon_loss_variant', 'HIGH'), 8.5);
  assert.equal(consequenceRank('sequence_feature', 'low'), 15.5);
  assert.equal(consequenceRank('made_up_term'), 40);
  assert.equal(consequenceRank('constructor'), 40);
  assert.equal(consequenceRank('toString', 'CONSTRUCTOR'), 40);
  assert.equal(consequenceRank(''), 40);
  assert.ok(consequenceRank('exon_loss_variant', 'HIGH') < consequenceRank('inframe_insertion'));
});

test('mostSevereTerm splits &, + and , joined terms', () => {
  assert.equal(mostSevereTerm('splice_region_variant&intron_variant'), 'splice_region_variant');
  assert.equal(mostSevereTerm('intron_variant&splice_region_variant'), 'splice_region_variant');
  assert.equal(mostSevereTerm('stop_gained&protein_altering_variant'), 'stop_gained');
  assert.equal(mostSevereTerm('5_prime_UTR_truncation+exon_loss_variant', 'HIGH'), '5_prime_UTR_truncation');
  assert.equal(mostSevereTerm('missense_variant'), 'missense_variant');
  assert.equal(mostSevereTerm(''), '');
});

test('mafClassificationToSo maps every GDC class and refuses others', () => {
  const want: Record<string, string> = {
    Missense_Mutation: 'missense_variant',
    Nonsense_Mutation: 'stop_gained',
    Frame_Shift_Del: 'frameshift_variant',
    Frame_Shift_Ins: 'frameshift_variant',
    In_Frame_Del: 'inframe_deletion',
    In_Frame_Ins: 'inframe_insertion',
    Splice_Site: 'splice_site_variant',
    Splice_Region: 'splice_region_variant',
    Translation_Start_Site: 'start_lost',
    Nonstop_Mutation: 'stop_lost',
    Silent: 'synonymous_variant',
    Intron: 'intron_variant',
    "3'UTR": '3_prime_UTR_variant',
    "5'UTR": '5_prime_UTR_variant',
    "3'Flank": 'downstream_gene_variant',
    "5'Flank": 'upstream_gene_variant',
    IGR: 'intergenic_variant',
    RNA: 'non_coding_transcript_exon_variant',
    Targeted_Region: 'sequence_variant',
  };
  for (const [maf, so] of Object.entries(want)) {
    assert.equal(mafClassificationToSo(maf), so, maf);
    assert.ok(consequenceRank(so) < 40, `${so} is ranked`);
  }
  assert.equal(mafClassificationToSo(' missense_mutation '), 'missense_variant');
  assert.equal(mafClassificationToSo('Fusion'), null);
  assert.equal(mafClassificationToSo('__proto__'), null);
  assert.equal(mafClassificationToSo(''), null);
});
