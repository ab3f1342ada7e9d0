/**
 * Plasma germline calls and the origin of a variant first seen in plasma, on the BUNDLED knowledge base (review of
 * issue 16, findings 5 and 6). SYNTHETIC patients; nothing is read but the KB.
 * - A germline pathogenic BRCA1 found in a plasma / white-cell pair is the PARP-inhibitor biomarker exactly as in a
 *   tissue / normal pair (interpret.ts keeps germline items; therapy.ts rule 3 gates them). Germline PIK3CA E545K and
 *   ERBB2 I655V in plasma support nothing.
 * - An ESR1 variant absent from the primary by reads and first seen in a plasma draw is "acquired" in every later
 *   sample too, with the first sighting and the primary's reads, and one acquired-variant change.
 * - DNMT3A R882 and TP53 R175 missense variants are likely oncogenic (hotspot rules, finding 13), their neighbours VUS.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyVariant, interpretCase, type AnalysisResult, type CaseData, type SampleData, type VariantCall } from '@her2scope/core';
import { loadKnowledgeBase } from '../src/index.ts';

const kb = loadKnowledgeBase();
const run = (samples: SampleData[], treatments: CaseData['case']['treatments'] = []): AnalysisResult =>
  interpretCase({ case: { patient: { id: 'SYN-PLASMA', synthetic: true }, samples: samples.map((x) => x.sample), treatments }, samples }, kb);
const PANEL = [{ chrom: 'chr17', start: 0, end: 200_000_000, depth: 500 }];

function call(gene: string, hgvsp: string, chrom: string, pos: number, ref: string, alt: string, vaf: number, depth: number, extra: Partial<VariantCall> = {}): VariantCall {
  return { gene, hgvsp, hgvsc: null, consequence: 'missense_variant', chrom, pos, ref, alt, vaf, depth, altCount: Math.round(depth * vaf), filter: 'PASS', sample: 'T', ...extra };
}
/** A plasma call against white cells: the VCF's normal column is the white-cell sample. */
const plasmaCall = (c: VariantCall, wbcAlt: number, wbcDepth: number): VariantCall => ({ ...c, normalAltCount: wbcAlt, normalDepth: wbcDepth, normalVaf: wbcAlt / wbcDepth });
const BRCA1 = (vaf: number, depth: number) => call('BRCA1', 'p.E1250*', 'chr17', 43091983, 'C', 'A', vaf, depth, { consequence: 'stop_gained' });
const E545K = (vaf: number, depth: number) => call('PIK3CA', 'p.E545K', 'chr3', 179218303, 'G', 'A', vaf, depth);
const I655V = (vaf: number, depth: number) => call('ERBB2', 'p.I655V', 'chr17', 39723335, 'A', 'G', vaf, depth);
const H1047R = (vaf: number, depth: number) => call('PIK3CA', 'p.H1047R', 'chr3', 179234297, 'A', 'G', vaf, depth);
const D538G = (vaf: number, depth: number) => call('ESR1', 'p.D538G', 'chr6', 152098791, 'A', 'G', vaf, depth);

const PATH = { her2: { ihc: '1+' as const }, er: { percent: 90 }, pr: { percent: 5 } };
const liver = (variants: VariantCall[]): SampleData => ({ sample: { id: 'LIVER', type: 'metastasis', site: 'liver', collected: '2022-04-12', pathology: PATH, variants: { file: 'liver.vcf' } }, variants, regions: PANEL, cytometry: null });
const plasma = (id: string, collected: string, variants: VariantCall[]): SampleData => ({ sample: { id, type: 'plasma', collected, variants: { file: `${id}.vcf`, meanDepth: 5000 } }, variants, regions: null, cytometry: null });
const LETROZOLE = [{ drug: 'letrozole', start: '2019-02-01' }];
const parp = (r: AnalysisResult) => r.therapyOptions.filter((o) => o.drugs.some((d) => d === 'olaparib' || d === 'talazoparib')).map((o) => `${o.level} ${o.therapy}`);

describe('germline calls in plasma against white cells', () => {
  test('germline BRCA1 p.E1250* (1000/2000 white-cell reads) keeps its PARP items: the same PARP options as the tissue / normal pair', () => {
    const viaPlasma = run([plasma('PLASMA', '2022-03-08', [plasmaCall(BRCA1(0.5, 5000), 1000, 2000)]), liver([H1047R(0.27, 400)])], LETROZOLE);
    const f = viaPlasma.samples[0]!.findings[0]!;
    assert.deepEqual([f.gene, f.origin, f.originReason, f.plasma?.origin], ['BRCA1', 'germline', 'germline (heterozygous): 1000/2000 reads in white cells (VAF 50%)', 'germline']);
    assert.ok(f.evidence.length > 0, 'germline BRCA1 keeps its KB items');
    assert.ok(f.evidence.every((e) => e.therapies.some((t) => t.drugs.some((d) => ['olaparib', 'talazoparib'].includes(d))) || /germline/i.test(e.summary)), 'only PARP / germline items');
    // the tissue path (variant in the liver's VCF, alt reads in its matched normal) for comparison (review case c10)
    const viaTissue = run([liver([H1047R(0.27, 400), { ...BRCA1(0.5, 400), normalAltCount: 30, normalDepth: 60, normalVaf: 0.5 }])], LETROZOLE);
    assert.deepEqual(parp(viaPlasma), parp(viaTissue));
    // talazoparib (gBRCA, HER2-negative advanced; no prior chemotherapy required); olaparib needs prior chemotherapy
    assert.deepEqual(parp(viaPlasma), ['A talazoparib']);
    // the option names the plasma draw it rests on
    const tala = viaPlasma.therapyOptions.find((o) => o.therapy === 'talazoparib')!;
    assert.ok(tala.reasons.every((x) => x.startsWith('BRCA1 p.E1250* (germline, in PLASMA, 2022-03-08; germline by its white-cell control: confirm by clinical germline testing)')), tala.reasons.join('\n'));
  });

  test('the same BRCA1 variant in the last tissue sample without a normal (not germline-confirmed there) still gets the plasma germline basis', () => {
    const r = run([plasma('PLASMA', '2022-03-08', [plasmaCall(BRCA1(0.5, 5000), 1000, 2000)]), liver([H1047R(0.27, 400), BRCA1(0.5, 400)])], LETROZOLE);
    assert.deepEqual(r.samples.map((x) => [x.id, x.findings.find((f) => f.gene === 'BRCA1')?.origin]), [['PLASMA', 'germline'], ['LIVER', 'pre-existing']]);
    assert.deepEqual(parp(r), ['A talazoparib']);
    assert.ok(r.therapyOptions.find((o) => o.therapy === 'talazoparib')!.reasons.some((x) => x.startsWith('BRCA1 p.E1250* (germline, in PLASMA, 2022-03-08; germline by its white-cell control: confirm by clinical germline testing)')));
  });

  test('germline PIK3CA E545K (50% / 50%) and homozygous ERBB2 I655V (100% / 100%) in plasma never support an option', () => {
    const r = run([plasma('PLASMA', '2022-03-08', [plasmaCall(E545K(0.49, 5000), 1000, 2000), plasmaCall(I655V(1, 5000), 2000, 2000)])], LETROZOLE);
    assert.deepEqual(
      r.samples[0]!.findings.map((f) => [f.gene, f.origin, f.originReason, f.evidence.length]),
      [
        ['PIK3CA', 'germline', 'germline (heterozygous): 1000/2000 reads in white cells (VAF 50%)', 0],
        ['ERBB2', 'germline', 'germline (homozygous): 2000/2000 reads in white cells (VAF 100%)', 0],
      ],
    );
    assert.deepEqual(r.therapyOptions.map((o) => o.therapy), []);
    // with a tissue sample sequenced later, still nothing from them (only the liver's own findings count)
    const withLiver = run([plasma('PLASMA', '2022-03-08', [plasmaCall(E545K(0.49, 5000), 1000, 2000), plasmaCall(I655V(1, 5000), 2000, 2000)]), liver([])], LETROZOLE);
    assert.deepEqual(withLiver.therapyOptions.filter((o) => o.reasons.some((x) => /E545K|I655V/.test(x))).map((o) => o.therapy), []);
  });

  test('CHIP and possible CHIP in plasma still carry no KB item', () => {
    const r = run([plasma('PLASMA', '2022-03-08', [plasmaCall(H1047R(0.02, 5000), 40, 2000)])], LETROZOLE);
    assert.deepEqual([r.samples[0]!.findings[0]!.origin, r.samples[0]!.findings[0]!.evidence.length, r.therapyOptions.length], ['clonal-haematopoiesis', 0, 0]);
  });
});

describe('a variant first seen in plasma, absent from the primary by reads', () => {
  test('acquired in every later sample (first sighting and the primary reads named), one acquired-variant change', () => {
    const primary: SampleData = {
      sample: { id: 'PRIMARY', type: 'primary', site: 'breast', collected: '2019-01-15', purity: 0.6, pathology: PATH, variants: { file: 'p.vcf' }, reads: { file: 'p.bam' } },
      variants: [],
      regions: null,
      cytometry: null,
      reads: { file: 'p.bam', counts: [{ chrom: 'chr6', pos: 152098791, ref: 'A', alt: 'G', refReads: 812, altReads: 0, otherReads: 0, depth: 812 }] },
    };
    const p1 = { ...plasma('P1', '2021-03-02', [plasmaCall(D538G(0.002, 5000), 0, 2000)]), sample: { ...plasma('P1', '2021-03-02', []).sample, tumorFraction: 0.02 } };
    const r = run([primary, p1, plasma('P2', '2021-09-07', [plasmaCall(D538G(0.015, 5000), 0, 2000)]), liver([D538G(0.23, 400)])], LETROZOLE);
    const reads = 'absent: 0/812 reads in PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 6% (0.2% in P1 at tumour fraction 2%, scaled to purity 60%, same cancer cell fraction): power > 99.9%';
    assert.deepEqual(
      r.samples.map((s) => [s.id, s.findings[0]?.origin ?? null, s.findings[0]?.originSample ?? null, s.findings[0]?.originReason ?? null]),
      [
        ['PRIMARY', null, null, null],
        ['P1', 'acquired', 'PRIMARY', reads],
        ['P2', 'acquired', 'PRIMARY', `first seen in P1 (2021-03-02); ${reads}`],
        ['LIVER', 'acquired', 'PRIMARY', `first seen in P1 (2021-03-02); ${reads}`],
      ],
    );
    assert.deepEqual(
      r.changes.filter((c) => c.kind === 'acquired-variant').map((c) => [c.fromSample, c.toSample, c.from, c.to, c.detail]),
      [['PRIMARY', 'P1', 'not detected', 'VAF 0.2%', `ESR1 p.D538G acquired: absent from PRIMARY (primary, breast, 2019-01-15), found in P1 (plasma, blood, 2021-03-02) at VAF 0.2% after 25 months of letrozole; reads in PRIMARY: ${reads}`]],
    );
    // the options resting on the liver's ESR1 say acquired, as the change list does
    const ela = r.therapyOptions.find((o) => o.therapy === 'elacestrant');
    assert.ok(ela?.reasons.some((x) => x.startsWith('ESR1 p.D538G (acquired, VAF 23%)')), ela?.reasons.join('\n'));
  });

  test('first seen in plasma with no earlier tissue evidence stays "not evaluable earlier" and later samples say pre-existing', () => {
    const r = run([plasma('P1', '2021-03-02', [plasmaCall(D538G(0.002, 5000), 0, 2000)]), liver([D538G(0.23, 400)])], LETROZOLE);
    assert.deepEqual(r.samples.map((s) => [s.id, s.findings[0]?.origin, s.findings[0]?.originReason]), [
      ['P1', 'first-sample', 'no earlier sequenced sample'],
      ['LIVER', 'pre-existing', 'found in P1'],
    ]);
    assert.equal(r.changes.filter((c) => c.kind === 'acquired-variant').length, 0);
  });
});

describe('oncogenicity: DNMT3A R882 and TP53 R175 hotspots (KB 2026.12.2 and later)', () => {
  test('R882H / R882C and R175H are likely oncogenic with the hotspot citations; neighbours and other consequences stay VUS', () => {
    const cls = (gene: string, hgvsp: string, consequence = 'missense_variant') => {
      const r = classifyVariant(kb, { ...call(gene, hgvsp, 'chr2', 1, 'C', 'T', 0.02, 5000), consequence });
      return [r.oncogenicity, r.reason];
    };
    assert.equal(kb.version, '2026.12.4');
    assert.deepEqual(cls('DNMT3A', 'p.R882H'), ['likely-oncogenic', 'likely-oncogenic: missense_variant in codons 882-882 (cancerhotspots.org:v2; PMID:35296003)']);
    assert.deepEqual(cls('DNMT3A', 'p.R882C')[0], 'likely-oncogenic');
    assert.deepEqual(cls('TP53', 'p.R175H'), ['likely-oncogenic', 'likely-oncogenic: missense_variant in codons 175-175 (cancerhotspots.org:v2; PMID:34439241)']);
    assert.deepEqual(cls('DNMT3A', 'p.R736H'), ['vus', 'VUS: not matched by the DNMT3A oncogenicity rules']);
    assert.deepEqual(cls('TP53', 'p.R174W')[0], 'vus');
    assert.deepEqual(cls('TP53', 'p.R175=', 'synonymous_variant')[0], 'vus');
    // the common TP53 P72R polymorphism stays a polymorphism
    assert.equal(classifyVariant(kb, call('TP53', 'p.P72R', 'chr17', 1, 'G', 'C', 0.5, 400)).oncogenicity, 'polymorphism');
  });

  test('DNMT3A R882H in plasma with the white cells carrying it: likely oncogenic, CHIP, still no option', () => {
    const r = run([plasma('PLASMA', '2022-03-08', [plasmaCall(call('DNMT3A', 'p.R882H', 'chr2', 25234373, 'C', 'T', 0.02, 5000), 40, 2000)])], LETROZOLE);
    const f = r.samples[0]!.findings[0]!;
    assert.deepEqual([f.oncogenicity, f.origin, f.vus, f.evidence.length, r.therapyOptions.length], ['likely-oncogenic', 'clonal-haematopoiesis', false, 0, 0]);
  });
});
