import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeAlteration,
  escapeXml,
  her2CategoryFromAttributes,
  matchesProteinChange,
  mutationClassOf,
  HER2_COLUMNS,
  oncoprintLayout,
  orList,
  ratioText,
  suggestGenes,
  pairedComparison,
  parseAlteration,
  parseProteinChange,
  poolGroups,
  prevalenceTable,
  proteinPosition,
  renderLollipop,
  renderOncoprint,
  resistanceSignature,
  sampleRole,
  treatmentExposure,
} from '../../src/cohort/index.ts';
import { InputError } from '../../src/errors.ts';

test('alteration flags: mutation, class, protein change, CNA and HER2 category, with errors naming the flag', () => {
  assert.deepEqual(parseAlteration({ gene: 'ERBB2' }), { kind: 'mutation', gene: 'ERBB2' });
  assert.deepEqual(parseAlteration({ gene: 'ERBB2', proteinChange: 'p.L755S', mutationClass: 'Missense' }), { kind: 'mutation', gene: 'ERBB2', mutationClass: 'missense', proteinChange: 'L755S' });
  assert.deepEqual(parseAlteration({ gene: 'ERBB2', cna: 'AMP' }), { kind: 'cna', gene: 'ERBB2', state: 'amp' });
  assert.deepEqual(parseAlteration({ her2: 'HER2-low' }), { kind: 'her2', category: 'low' });
  assert.deepEqual(parseAlteration({ her2: '0' }), { kind: 'her2', category: 'zero' });
  const err = (f: Parameters<typeof parseAlteration>[0], field: string, msg: RegExp) =>
    assert.throws(() => parseAlteration(f), (e: unknown) => e instanceof InputError && e.field === field && msg.test(e.message));
  err({}, 'gene', /give a gene/);
  err({ gene: 'ERBB2;DROP' }, 'gene', /not a gene symbol/);
  err({ gene: 'ERBB2', cna: 'double' }, 'cna', /amp, gain, hetloss, homdel/);
  err({ gene: 'ERBB2', mutationClass: 'bad' }, 'class', /missense, inframe, truncating, splice, other/);
  err({ gene: 'ERBB2', proteinChange: 'L7 55S' }, 'protein-change', /not a protein change/);
  err({ her2: 'maybe' }, 'her2', /positive, negative, low, zero, ultralow, null/);
  err({ her2: 'low', gene: 'ERBB2' }, 'her2', /takes no --gene/);
  err({ gene: 'ERBB2', cna: 'amp', proteinChange: 'L755S' }, 'cna', /no --class or --protein-change/);
  assert.equal(describeAlteration({ kind: 'cna', gene: 'ERBB2', state: 'amp' }), 'ERBB2 amplification');
  assert.equal(describeAlteration({ kind: 'her2', category: 'ultralow' }), 'HER2-ultralow');
});

test('protein change matching: exact, residue+position, position only', () => {
  assert.equal(proteinPosition('L755S'), 755);
  assert.equal(proteinPosition('Y772_A775dup'), 772);
  assert.equal(proteinPosition('X331_splice'), 331);
  assert.equal(proteinPosition(null), null);
  assert.equal(matchesProteinChange(parseProteinChange('L755S'), 'L755S'), true);
  assert.equal(matchesProteinChange(parseProteinChange('L755S'), 'L755P'), false);
  assert.equal(matchesProteinChange(parseProteinChange('L755'), 'L755P'), true);
  assert.equal(matchesProteinChange(parseProteinChange('L755'), 'L7550P'), false);
  assert.equal(matchesProteinChange(parseProteinChange('755'), 'L755_T759del'), true);
  assert.equal(matchesProteinChange(parseProteinChange('S755'), 'L755P'), false);
  assert.equal(mutationClassOf('Frame_Shift_Ins'), 'truncating');
  assert.equal(mutationClassOf('Splice_Region'), 'splice');
  assert.equal(mutationClassOf('In_Frame_Del'), 'inframe');
  assert.equal(mutationClassOf('Silent'), 'other');
});

test('HER2 category from clinical attributes goes through the ASCO/CAP engine', () => {
  const cat = (a: Record<string, string>) => her2CategoryFromAttributes(a).category;
  assert.equal(cat({ HER2_IHC_SCORE: '3+' }), 'HER2-positive');
  assert.equal(cat({ IHC_HER2: '1+' }), 'HER2-low');
  assert.equal(cat({ HER2_IHC_SCORE: '2+' }), 'pending');
  assert.equal(cat({ HER2_IHC_SCORE: '2+', HER2_ISH_RATIO: '2.5', HER2_ISH_COPY_NUMBER: '5' }), 'HER2-positive');
  assert.equal(cat({ HER2_IHC_SCORE: '2+', HER2_ISH_RATIO: '1.2', HER2_ISH_COPY_NUMBER: '2.5' }), 'HER2-low');
  assert.equal(cat({ HER2_IHC_SCORE: '0', HER2_IHC_STAINED_PERCENT: '5' }), 'HER2-ultralow');
  assert.equal(cat({ HER2_IHC_SCORE: '0', HER2_IHC_STAINED_PERCENT: '0' }), 'HER2-null');
  assert.equal(cat({ HER2_IHC_SCORE: '0' }), 'HER2-0');
  assert.equal(cat({ HER2_ISH_COPY_NUMBER: '7' }), 'HER2-positive', 'single-probe ISH >= 6 copies');
  assert.equal(cat({ HER2_STATUS: 'Negative' }), 'HER2-negative');
  assert.equal(cat({ HER2_STATUS: 'Equivocal' }), 'pending');
  assert.equal(cat({ HER2_STATUS: 'Positive', HER2_IHC_SCORE: '1+' }), 'HER2-low', 'IHC/ISH win over a bare status');
  assert.deepEqual(her2CategoryFromAttributes({ HER2_STATUS: 'Positive', HER2_IHC_SCORE: '1+' }).contradictions, ["HER2_STATUS 'Positive' disagrees with HER2-low from the IHC/ISH values (values used)"]);
  assert.deepEqual(her2CategoryFromAttributes({}), { category: null, reason: 'no HER2 data', rule: null, contradictions: [] });
  assert.match(her2CategoryFromAttributes({ HER2_IHC_SCORE: 'abc' }).reason!, /IHC score 'abc' in HER2_IHC_SCORE is not 0, 1\+, 2\+ or 3\+/);
  assert.match(her2CategoryFromAttributes({ HER2_IHC_SCORE: '0', HER2_IHC_STAINED_PERCENT: '50' }).reason!, /IHC 0 means staining in <=10%/);
  assert.match(her2CategoryFromAttributes({ HER2_ISH_RATIO: 'x' }).reason!, /HER2_ISH_RATIO 'x' is not a number/);
  assert.match(her2CategoryFromAttributes({ HER2_IHC_SCORE: '0', HER2_IHC_STAINED_PERCENT: '150' }).reason!, /0 to 100/);
});

test('prevalence table: Wilson intervals, merged duplicate groups, the no-value group last', () => {
  const t = prevalenceTable([
    { group: 'Primary', k: 8, n: 14 },
    { group: null, k: 0, n: 3 },
    { group: 'Recurrence', k: 11, n: 13 },
  ]);
  assert.deepEqual(t.groups.map((g) => [g.group, g.k, g.n]), [['Primary', 8, 14], ['Recurrence', 11, 13], [null, 0, 3]]);
  assert.deepEqual([t.overall.k, t.overall.n], [19, 30]);
  assert.ok(Math.abs(t.groups[0]!.ci95[0] - 0.325906445796507) < 1e-12);
  assert.deepEqual(prevalenceTable([{ group: 'a', k: 1, n: 2 }, { group: 'a', k: 2, n: 3 }]).groups.map((g) => [g.k, g.n]), [[3, 5]]);
  assert.throws(() => prevalenceTable([{ group: 'a', k: 3, n: 2 }]), RangeError);
  assert.deepEqual(poolGroups([{ group: 'Metastasis', k: 2, n: 5 }, { group: 'recurrence', k: 1, n: 2 }, { group: 'Primary', k: 0, n: 9 }], ['metastasis', 'Recurrence']), { k: 3, n: 7, matched: ['Metastasis', 'recurrence'] });
});

test('treatment exposure: before the sample, after it, and unknown collection day', () => {
  const exp = treatmentExposure(
    [
      { sampleId: 'a', patientId: 'p1', collectedOn: 0 },
      { sampleId: 'b', patientId: 'p1', collectedOn: 400 },
      { sampleId: 'c', patientId: 'p2', collectedOn: null },
      { sampleId: 'd', patientId: 'p3', collectedOn: 10 },
      { sampleId: 'e', patientId: 'p4', collectedOn: 30 },
    ],
    [
      { patientId: 'p1', agent: 'Trastuzumab', startDate: 30 },
      { patientId: 'p2', agent: 'Pertuzumab + trastuzumab', startDate: 5 },
      { patientId: 'p3', agent: 'Paclitaxel', startDate: 0 },
      { patientId: 'p4', agent: 'trastuzumab', startDate: 30 },
    ],
    'TRASTUZUMAB',
  );
  assert.deepEqual(Object.fromEntries(exp), { a: 'unexposed', b: 'exposed', c: 'unknown', d: 'unexposed', e: 'unexposed' });
});

test('paired primary / later comparison: acquired, shared, lost; patients without a pair are counted apart', () => {
  assert.equal(sampleRole('Primary'), 'primary');
  assert.equal(sampleRole('Metastasis'), 'later');
  assert.equal(sampleRole('Recurrent tumour'), 'later');
  assert.equal(sampleRole('Cell line'), 'other');
  assert.equal(sampleRole(null), 'other');
  const r = pairedComparison([
    { sampleId: 'P1-T', patientId: 'P1', sampleType: 'Primary', alterations: ['ERBB2 S310F', 'PIK3CA H1047R'] },
    { sampleId: 'P1-M', patientId: 'P1', sampleType: 'Metastasis', alterations: ['ERBB2 S310F', 'ERBB2 T798I'] },
    { sampleId: 'P2-T', patientId: 'P2', sampleType: 'Primary', alterations: [] },
    { sampleId: 'P2-M', patientId: 'P2', sampleType: 'Recurrence', alterations: ['ERBB2 L755S'] },
    { sampleId: 'P3-T', patientId: 'P3', sampleType: 'Primary', alterations: ['TP53 R175H'] },
    { sampleId: 'P3-M', patientId: 'P3', sampleType: 'Metastasis', alterations: ['TP53 R175H'] },
    { sampleId: 'P4-A', patientId: 'P4', sampleType: 'Primary', alterations: [] },
    { sampleId: 'P4-B', patientId: 'P4', sampleType: 'Primary', alterations: [] },
    { sampleId: 'P5-T', patientId: 'P5', sampleType: 'Primary', alterations: ['ERBB2 L755S'] },
  ]);
  assert.equal(r.patients.length, 3);
  assert.deepEqual(r.patients[0], { patientId: 'P1', primarySamples: ['P1-T'], laterSamples: ['P1-M'], shared: ['ERBB2 S310F'], acquired: ['ERBB2 T798I'], lost: ['PIK3CA H1047R'], notProfiled: [] });
  assert.equal(r.notProfiledAlterations, 0);
  assert.deepEqual([r.patientsWithAcquired.k, r.patientsWithAcquired.n], [2, 3]);
  assert.deepEqual([r.laterAlterationsAcquired.k, r.laterAlterationsAcquired.n], [2, 4]);
  assert.equal(r.unpairedPatients, 1);
});

test('resistance signature: exact z-scores and score, missing genes, and reference errors', () => {
  const samples = ['R1', 'R2', 'R3', 'R4', 'R5', 'X', 'Y', 'Z'];
  const col = (vals: Array<number | null>) => new Map(samples.map((s, i) => [s, vals[i]!]));
  const expression = new Map([
    ['IGF2', col([1, 2, 3, 4, 5, 6, 3, null])],
    ['IGF1R', col([1, 2, 3, 4, 5, 6, 3, 3])],
    ['IRS1', col([1, 2, 3, 4, 5, 6, 3, 3])],
    ['FOXO3', col([5, 6, 7, 8, 9, 4, 7, 7])],
  ]);
  const r = resistanceSignature({ expression, samples, reference: ['R1', 'R2', 'R3', 'R4', 'R5'] });
  const x = r.samples.find((s) => s.sampleId === 'X')!;
  const z = 3 / Math.sqrt(2.5);
  assert.ok(Math.abs(x.z.IGF2! - z) < 1e-12 && Math.abs(x.z.FOXO3! + z) < 1e-12);
  assert.ok(Math.abs(x.score! - z) < 1e-12, 'score = (z + z + z - (-z)) / 4 = z');
  assert.equal(r.samples.find((s) => s.sampleId === 'Y')!.score, 0);
  assert.deepEqual(r.samples.find((s) => s.sampleId === 'Z')!, { sampleId: 'Z', z: { IGF2: null, IGF1R: 0, IRS1: 0, FOXO3: 0 }, score: null, missing: ['IGF2'] });
  assert.equal(r.reference.IGF2!.mean, 3);
  // log2(x + 1) option
  const l = resistanceSignature({ expression, samples: ['X'], reference: ['R1', 'R2', 'R3'], log2: true });
  assert.ok(Number.isFinite(l.samples[0]!.score!));
  assert.throws(() => resistanceSignature({ expression, samples, reference: [] }), /no reference samples/);
  assert.throws(() => resistanceSignature({ expression, samples, reference: ['R1'] }), /IGF2 has 1 reference value\(s\)/);
  assert.throws(() => resistanceSignature({ expression, samples, reference: ['Y', 'Z'] }), /IGF2 has 1 reference value/);
  assert.throws(() => resistanceSignature({ expression: new Map([...expression].filter(([g]) => g !== 'IRS1')), samples, reference: ['R1', 'R2'] }), /has no IRS1/);
  const flat = new Map([...expression, ['IRS1', col([3, 3, 3, 3, 3, 3, 3, 3])]]);
  assert.throws(() => resistanceSignature({ expression: flat, samples, reference: ['R1', 'R2'] }), /IRS1 does not vary/);
  const neg = new Map([...expression, ['IGF2', col([-1, 2, 3, 4, 5, 6, 3, 3])]]);
  assert.throws(() => resistanceSignature({ expression: neg, samples, reference: ['R1', 'R2'], log2: true }), /log2\(x \+ 1\) needs values >= 0/);
});

test('plots: oncoprint order and counts, lollipop stems, everything escaped', () => {
  const cells = new Map([
    ['ERBB2\tS3', { cna: 'amp' as const, mutations: [] }],
    ['ERBB2\tS2', { mutations: ['missense' as const] }],
    ['GRB7\tS1', { cna: 'amp' as const, mutations: [] }],
  ]);
  const input = { title: 'Study <x> & "y"', genes: ['ERBB2', 'GRB7'], samples: ['S1', 'S2', 'S3', 'S4'], cells };
  const layout = oncoprintLayout(input);
  assert.deepEqual(layout.order, ['S2', 'S3', 'S1', 'S4']);
  assert.deepEqual(layout.altered, { ERBB2: 2, GRB7: 1 });
  assert.equal(layout.anyAltered, 3);
  const svg = renderOncoprint(input);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes('Study &lt;x&gt; &amp; &quot;y&quot;'));
  assert.ok(!svg.includes('<x>'));
  assert.ok(svg.includes('3 of 4 samples altered in at least one gene'));
  assert.ok(svg.includes('>50.0% of 4<') && svg.includes('>25.0% of 4<'));
  assert.ok(svg.includes('For research use; not a medical device.'));
  assert.equal((svg.match(/height="22" fill="#d9d9d9"/g) ?? []).length, 8, 'one background cell per gene x sample');
  for (const label of ['amplification', 'deep deletion', 'no alteration', 'not profiled for the gene', 'missense', 'in-frame', 'truncating', 'splice', 'other mutation']) assert.ok(svg.includes(`>${label}</text>`), `legend: ${label}`);
  assert.ok(!svg.includes('>gain<') && !svg.includes('shallow deletion<'), 'gains and shallow deletions are not part of the default alteration set');
  const lol = renderLollipop({
    title: 'ERBB2',
    gene: 'ERBB2',
    protein: { length: 1255, source: 'UniProt P04626' },
    domains: [{ name: 'Kinase <d>', start: 700, end: 1000 }],
    mutations: [
      { position: 755, proteinChange: 'L755S', mutationClass: 'missense', count: 4 },
      { position: 755, proteinChange: 'L755P', mutationClass: 'missense', count: 1 },
      { position: 310, proteinChange: 'S310F', mutationClass: 'missense', count: 2 },
    ],
  });
  assert.equal((lol.match(/<circle [^>]*><title>/g) ?? []).length, 2, 'one lollipop per residue');
  assert.ok(lol.includes('ERBB2 L755S (4), L755P (1)'));
  assert.ok(lol.includes('Kinase &lt;d&gt; 700-1000'));
  assert.ok(lol.includes('1255 aa'));
  assert.equal(escapeXml(`<a href='x'>&`), '&lt;a href=&apos;x&apos;&gt;&amp;');
  assert.ok(lol.includes('>missense</text>') && lol.includes('>stem height: samples with a change at the residue</text>'), 'lollipop legend');
  assert.ok(renderLollipop({ title: 't', gene: 'G', protein: null, domains: [], mutations: [] }).includes('Protein length unknown'));
});

test('HER2 from real-world columns (TCGA names): the mapping rules H1-H9, contradictions flagged', () => {
  const r = (a: Record<string, string>) => {
    const x = her2CategoryFromAttributes(a);
    return [x.category, x.rule, x.contradictions.length];
  };
  // H1: IHC score + ISH numbers (TCGA names) through the engine.
  assert.deepEqual(r({ HER2_IHC_SCORE: '2+', HER2_CENT17_RATIO: '2.6', HER2_COPY_NUMBER: '6.1' }), ['HER2-positive', 'H1', 0]);
  assert.deepEqual(r({ HER2_IHC_SCORE: '2+', HER2_CENT17_RATIO: '1.3', HER2_COPY_NUMBER: '2.9' }), ['HER2-low', 'H1', 0]);
  assert.deepEqual(r({ HER2_IHC_SCORE: '1+', HER2_COPY_NUMBER: '3.1', CENT17_COPY_NUMBER: '2.0' }), ['HER2-low', 'H1', 0]);
  // H2: IHC score alone.
  assert.deepEqual(r({ HER2_IHC_SCORE: '3+' }), ['HER2-positive', 'H2', 0]);
  // H3: TCGA's IHC_HER2 words.
  assert.deepEqual(r({ IHC_HER2: 'Positive' }), ['HER2-positive', 'H3', 0]);
  assert.deepEqual(r({ IHC_HER2: 'Negative' }), ['HER2-negative', 'H3', 0]);
  assert.deepEqual(r({ IHC_HER2: 'Equivocal' }), ['pending', 'H3', 0]);
  assert.deepEqual(r({ IHC_HER2: 'Equivocal', HER2_CENT17_RATIO: '2.4', HER2_COPY_NUMBER: '5.0' }), ['HER2-positive', 'H3', 0]);
  // H4: IHC Negative with ISH numbers.
  assert.deepEqual(r({ IHC_HER2: 'Negative', HER2_CENT17_RATIO: '1.1', HER2_COPY_NUMBER: '2.2' }), ['HER2-negative', 'H4', 0]);
  assert.deepEqual(r({ IHC_HER2: 'Negative', HER2_CENT17_RATIO: '3.0', HER2_COPY_NUMBER: '7.0' }), ['HER2-positive', 'H4', 0]);
  // H5: ISH numbers alone; groups 2-4 need IHC.
  assert.deepEqual(r({ HER2_CENT17_RATIO: '1.2', HER2_COPY_NUMBER: '2.4' }), ['HER2-negative', 'H5', 0]);
  assert.deepEqual(r({ HER2_CENT17_RATIO: '2.2', HER2_COPY_NUMBER: '3.5' }), ['pending', 'H5', 0]);
  // H6: IHC 2+ resolved by HER2_FISH_STATUS (the failure of issue 18: these stayed pending).
  assert.deepEqual(r({ HER2_IHC_SCORE: '2+', HER2_FISH_STATUS: 'Positive' }), ['HER2-positive', 'H6', 0]);
  assert.deepEqual(r({ HER2_IHC_SCORE: '2+', HER2_FISH_STATUS: 'Negative' }), ['HER2-low', 'H6', 0]);
  assert.deepEqual(r({ IHC_HER2: 'Equivocal', HER2_FISH_STATUS: 'Negative' }), ['HER2-low', 'H6', 0]);
  assert.deepEqual(r({ HER2_IHC_SCORE: '2+', HER2_FISH_STATUS: 'Equivocal' }), ['pending', 'H6', 0]);
  // H7: ISH positive with IHC 0/1+: positive by ISH, flagged.
  assert.deepEqual(r({ HER2_IHC_SCORE: '1+', HER2_FISH_STATUS: 'Positive' }), ['HER2-positive', 'H7', 1]);
  // H8: FISH word alone; H9: HER2_STATUS alone.
  assert.deepEqual(r({ HER2_FISH_STATUS: 'Negative' }), ['HER2-negative', 'H8', 0]);
  assert.deepEqual(r({ HER2_STATUS: 'Positive' }), ['HER2-positive', 'H9', 0]);
  // Contradictions: category from the detailed values, the disagreement reported.
  const c1 = her2CategoryFromAttributes({ HER2_IHC_SCORE: '3+', HER2_FISH_STATUS: 'Negative' });
  assert.deepEqual([c1.category, c1.contradictions], ['HER2-positive', ['IHC 3+ with HER2_FISH_STATUS Negative: discordant; positive by IHC 3+']]);
  const c2 = her2CategoryFromAttributes({ HER2_IHC_SCORE: '1+', IHC_HER2: 'Positive' });
  assert.deepEqual([c2.category, c2.contradictions], ['HER2-low', ["IHC_HER2 'Positive' disagrees with IHC score 1+ (score used)"]]);
  const c3 = her2CategoryFromAttributes({ HER2_IHC_SCORE: '2+', HER2_CENT17_RATIO: '1.2', HER2_COPY_NUMBER: '2.4', HER2_FISH_STATUS: 'Positive' });
  assert.deepEqual([c3.category, c3.contradictions], ['HER2-low', ["HER2_FISH_STATUS 'Positive' disagrees with the ISH values (group 5)"]]);
  const c4 = her2CategoryFromAttributes({ HER2_ISH_RATIO: '2.5', HER2_CENT17_RATIO: '1.5', HER2_ISH_COPY_NUMBER: '6', HER2_IHC_SCORE: '3+' });
  assert.deepEqual([c4.category, c4.contradictions], ['HER2-positive', ["HER2_CENT17_RATIO '1.5' differs from HER2_ISH_RATIO '2.5' (HER2_ISH_RATIO used)"]]);
  // No category, with the reason.
  assert.deepEqual([her2CategoryFromAttributes({ HER2_CENT17_RATIO: '2.5' }).reason], ['HER2/CEP17 ratio or CEP17 without mean HER2 signals per cell: the ASCO/CAP 2018 ISH group cannot be assigned']);
  assert.equal(her2CategoryFromAttributes({ IHC_HER2: 'Indeterminate' }).reason, 'indeterminate (the test gave no result)');
  assert.equal(her2CategoryFromAttributes({ HER2_FISH_STATUS: 'Amplified' }).reason, "HER2_FISH_STATUS 'Amplified' is not Positive, Negative, Equivocal or Indeterminate");
  assert.ok(HER2_COLUMNS.includes('HER2_FISH_STATUS') && HER2_COLUMNS.includes('CENT17_COPY_NUMBER'));
});

test('paired comparison with gene panels: a gene the other side was not profiled for is neither acquired nor lost', () => {
  const panelA = (g: string) => ['ERBB2', 'PIK3CA'].includes(g);
  const r = pairedComparison([
    { sampleId: 'T', patientId: 'P', sampleType: 'Primary', alterations: ['ERBB2 S310F', 'BRCA2 X1_splice', 'PIK3CA H1047R'] },
    { sampleId: 'M', patientId: 'P', sampleType: 'Metastasis', alterations: ['ERBB2 S310F', 'ERBB2 L755S'], profiled: panelA },
    { sampleId: 'T2', patientId: 'Q', sampleType: 'Primary', alterations: [], profiled: panelA },
    { sampleId: 'M2', patientId: 'Q', sampleType: 'Metastasis', alterations: ['TP53 R175H', 'ERBB2 V777L'] },
  ]);
  assert.deepEqual(r.patients.map((p) => [p.acquired, p.lost, p.notProfiled]), [
    [['ERBB2 L755S'], ['PIK3CA H1047R'], ['BRCA2 X1_splice']],
    [['ERBB2 V777L'], [], ['TP53 R175H']],
  ]);
  assert.deepEqual([r.laterAlterationsAcquired.k, r.laterAlterationsAcquired.n, r.notProfiledAlterations], [2, 3, 2]);
});

test('oncoprint: samples not profiled for a gene are drawn apart and left out of its percentage; gains are not altered', () => {
  const cells = new Map([
    ['BRCA2\tS1', { mutations: ['truncating' as const] }],
    ['BRCA2\tS2', { cna: 'gain' as const, mutations: [] }],
    ['BRCA2\tS3', { mutations: ['missense' as const] }],
  ]);
  const input = { title: 't', genes: ['BRCA2'], samples: ['S1', 'S2', 'S3', 'S4'], cells, notProfiled: new Set(['BRCA2\tS3']) };
  const layout = oncoprintLayout(input);
  assert.deepEqual([layout.altered, layout.profiled, layout.anyAltered, layout.order], [{ BRCA2: 1 }, { BRCA2: 3 }, 1, ['S1', 'S2', 'S4', 'S3']]);
  const svg = renderOncoprint(input);
  assert.ok(svg.includes('>33.3% of 3<'));
  assert.ok(svg.includes('<title>S3 BRCA2: not profiled</title>'));
  assert.ok(!svg.includes('S3 BRCA2 missense'), 'a call in a not-profiled cell is not drawn as an alteration');
  assert.ok(!svg.includes('S2 BRCA2 gain'));
});

test('gene suggestions and ratio text', () => {
  assert.deepEqual(suggestGenes('ERBBX', ['ERBB2', 'GRB7', 'PIK3CA', 'TP53']), ['ERBB2']);
  assert.deepEqual(suggestGenes('ERBBX', ['ERBB4', 'ERBB2', 'ERBB3']), ['ERBB2', 'ERBB3', 'ERBB4']);
  assert.deepEqual(suggestGenes('XYZZY', ['ERBB2', 'TP53']), []);
  assert.deepEqual(suggestGenes('TP5', ['TP53', 'TP63']), ['TP53'], 'short names: distance 1 only');
  assert.equal(orList(['A', 'B', 'C']), 'A, B or C');
  assert.equal(ratioText(0.99961), '0.9996', 'a bound below 1 never prints as 1');
  assert.equal(ratioText(1.00049), '1.0005');
  assert.equal(ratioText(0.0202), '0.0202');
  assert.equal(ratioText(1.93456), '1.93');
  assert.equal(ratioText(1), '1');
  assert.equal(ratioText(Infinity), 'Inf');
});
