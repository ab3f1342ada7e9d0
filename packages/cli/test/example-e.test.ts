// The bundled SYNTHETIC example (e) of issue 16, through `her2scope analyze`: a primary with reads (look-back), three
// plasma draws (ESR1 D538G 0.2% -> 1.5% -> 6% under letrozole; DNMT3A R882H steady at about 2% and in the white
// cells) and a liver metastasis ERBB2-amplified by NGS but IHC 1+. Each is checked with exact values in the JSON,
// the clinician HTML and the FHIR bundle (the patient summary too).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertGolden } from '../../../scripts/golden.ts';
import type { AnalysisResult } from '@her2scope/core';
import { formatText } from '../src/commands/analyze.ts';
import { her2scope, oneLineError, repoRoot } from './helpers.ts';

const CASE = join('examples', 'cases', 'e-ctdna', 'e-ctdna.yaml');
const out = mkdtempSync(join(tmpdir(), 'her2scope-e-'));
after(() => rmSync(out, { recursive: true, force: true }));

interface J {
  samples: Array<{ id: string; type: string; site: string; tumorFraction: number | null; findings: Array<Record<string, unknown> & { gene: string; readEvidence: Array<{ sample: string; text: string; status: string }>; plasma: { origin: string; text: string; draw: string } | null }>; copyNumber: { genes: Array<{ gene: string; status: string; copyNumber: number; text: string }>; erbb2: { concordance: string; text: string } } | null }>;
  changes: Array<{ kind: string; from: string; to: string; fromSample: string; toSample: string; detail: string; firstDetected?: string; trend?: string; afterTreatments: unknown[]; warnings?: string[] }>;
  therapyOptions: Array<{ therapy: string; level: string; warnings: string[]; drugs: string[]; reasons: string[]; pending?: { kind: string; text: string }; warningDetails?: Array<{ kind: string; text: string }> }>;
  resistance: Array<{ level: string; therapy: string; reason: string; ongoing?: string[] }>;
  ctdna: { draws: Array<{ sample: string; detectionLimit: { text: string } }>; variants: Array<{ gene: string; alteration: string; origin: string; originText: string; trajectory: { trend: string; text: string; firstDetected: string } }> };
  patient: { synthetic: boolean };
  notice: string;
}
let json: J;
let html: string;
let fhir: string;
let patient: string;
let text: string;

before(() => {
  const r = her2scope(['analyze', CASE, '--out', out, '--format', 'html,patient,fhir,json']);
  assert.equal(r.code, 0, r.stderr);
  json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as J;
  html = readFileSync(join(out, 'report.html'), 'utf8');
  fhir = readFileSync(join(out, 'fhir-bundle.json'), 'utf8');
  patient = readFileSync(join(out, 'patient-summary.html'), 'utf8');
  const t = her2scope(['analyze', CASE]);
  assert.equal(t.code, 0, t.stderr);
  text = t.stdout;
});

const sample = (id: string) => {
  const s = json.samples.find((x) => x.id === id);
  assert.ok(s, id);
  return s;
};
const finding = (id: string, gene: string) => {
  const f = sample(id).findings.find((x) => x.gene === gene);
  assert.ok(f, `${gene} in ${id}`);
  return f;
};

describe('example e (SYNTHETIC): serial ctDNA, read look-back, NGS copy number', () => {
  test('the JSON is the golden file; synthetic and research-use', () => {
    assertGolden(join(repoRoot, 'packages', 'cli', 'test', 'expected', 'e-ctdna.json'), json);
    assert.equal(json.patient.synthetic, true);
    assert.equal(json.notice, 'For research use; not a medical device.');
    assert.deepEqual(json.samples.map((s) => [s.id, s.type, s.site, s.tumorFraction]), [
      ['E-PRIMARY', 'primary', 'breast', null],
      ['E-PLASMA-1', 'plasma', 'blood', 0.02],
      ['E-PLASMA-2', 'plasma', 'blood', null],
      ['E-PLASMA-3', 'plasma', 'blood', null],
      ['E-LIVER', 'metastasis', 'liver', null],
    ]);
  });

  test('ESR1 D538G: acquired by the primary\'s reads, tumour-derived, rising 0.2% -> 1.5% -> 6%, emerging under letrozole', () => {
    const f = finding('E-PLASMA-1', 'ESR1');
    // review-s3 #12: the absence names the VAF of interest (0.2% at tumour fraction 2% -> 6% at the primary's purity 60%) and the power there
    assert.deepEqual([f.origin, f.originSample, f.originReason], ['acquired', 'E-PRIMARY', 'absent: 0/812 reads in E-PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 6% (0.2% in E-PLASMA-1 at tumour fraction 2%, scaled to purity 60%, same cancer cell fraction): power > 99.9%']);
    // at 0.2% the 2,000 white-cell reads bound the VAF (< 0.15%) but could not call it (6 reads needed): presumed
    // tumour-derived in this draw alone; the one origin over all draws is tumour-derived, by the white cells of
    // E-PLASMA-2 (1.5%), and this finding says so
    assert.deepEqual([f.plasma?.origin, f.plasma?.draw], ['tumour', 'E-PLASMA-2']);
    assert.equal(
      f.plasma?.text,
      'tumour-derived: absent from white cells, 0/2000 reads in white cells (VAF < 0.15%, 95% upper bound); ≥95% power for VAF ≥ 0.52% (a call needs ≥6 alt reads) (white cells of draw E-PLASMA-2, 2021-09-07; one origin per variant over all draws; this draw alone: presumed tumour-derived; white cells too shallow to exclude it at the plasma VAF 0.2%: 0/2000 reads in white cells (VAF < 0.15%, 95% upper bound); ≥95% power only for VAF ≥ 0.52% (a call needs ≥6 alt reads))',
    );
    assert.deepEqual(['E-PLASMA-1', 'E-PLASMA-2', 'E-PLASMA-3'].map((id) => finding(id, 'ESR1').plasma?.origin), ['tumour', 'tumour', 'tumour']);
    assert.equal(finding('E-PLASMA-2', 'ESR1').plasma?.text, 'tumour-derived: absent from white cells, 0/2000 reads in white cells (VAF < 0.15%, 95% upper bound); ≥95% power for VAF ≥ 0.52% (a call needs ≥6 alt reads)');
    // first seen in E-PLASMA-1, absent from the primary: acquired in every later sample too, as in the change list
    for (const id of ['E-PLASMA-2', 'E-PLASMA-3', 'E-LIVER']) {
      const later = finding(id, 'ESR1');
      assert.deepEqual([later.origin, later.originSample, later.originReason], ['acquired', 'E-PRIMARY', 'first seen in E-PLASMA-1 (2021-03-02); absent: 0/812 reads in E-PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 6% (0.2% in E-PLASMA-1 at tumour fraction 2%, scaled to purity 60%, same cancer cell fraction): power > 99.9%'], id);
    }
    for (const t of ['elacestrant', 'imlunestrant', 'vepdegestrant']) assert.ok(json.therapyOptions.find((o) => o.therapy === t)?.reasons.every((x) => x.startsWith('ESR1 p.D538G (acquired, VAF 23%)')), t);
    const acquired = json.changes.filter((c) => c.kind === 'acquired-variant');
    assert.deepEqual(
      acquired.map((c) => c.detail),
      ['ESR1 p.D538G acquired: absent from E-PRIMARY (primary, breast, 2019-01-15), found in E-PLASMA-1 (plasma, blood, 2021-03-02) at VAF 0.2% after 25 months of letrozole; reads in E-PRIMARY: absent: 0/812 reads in E-PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads); VAF of interest 6% (0.2% in E-PLASMA-1 at tumour fraction 2%, scaled to purity 60%, same cancer cell fraction): power > 99.9%'],
    );
    const esr1 = json.ctdna.variants.find((v) => v.gene === 'ESR1');
    assert.deepEqual([esr1?.origin, esr1?.trajectory.trend, esr1?.trajectory.text], ['tumour', 'rising', 'rising: 0.2% → 1.5% → 6% (first detected 2021-03-02, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error)']);
    const e = json.changes.find((c) => c.kind === 'emerging-variant');
    assert.deepEqual([e?.fromSample, e?.toSample, e?.from, e?.to, e?.firstDetected, e?.trend], ['E-PLASMA-1', 'E-PLASMA-3', 'VAF 0.2% (2021-03-02, first detected)', 'VAF 6% (2022-03-08, rising)', '2021-03-02', 'rising']);
    assert.deepEqual(e?.afterTreatments, [{ drug: 'letrozole', start: '2019-02-01', end: null, months: 25 }]);
    // ESR1 D538G supports elacestrant (tumour-derived); its only warning is the unresolved HER2 status (NGS amplification)
    assert.deepEqual(json.therapyOptions.find((o) => o.therapy === 'elacestrant')?.warningDetails?.map((w) => w.kind), ['her2-unresolved']);
  });

  test('review finding 2: the ESR1 D538G that emerged on ongoing letrozole says so, by default: resistance list first, and on both changes (therapy.ts rules 7-8)', () => {
    const stmt = 'ESR1 p.D538G emerged on letrozole (ongoing since 2019-02-01): resistance to aromatase inhibitor, level B (curated:esr1-d538g, level B; checked 2026-12-02; PMID:36183733, PMID:40454637)';
    assert.deepEqual(json.resistance.map((w) => [w.level, w.therapy, w.ongoing]), [
      ['B', 'aromatase inhibitor', ['letrozole']],
    ]);
    // The level-D class-wide item (civic:EID243, "hormone therapy") is no statement about letrozole: hidden by default.
    assert.equal(json.resistance.some((w) => w.therapy === 'hormone therapy'), false);
    assert.equal(json.resistance[0]?.reason, stmt);
    for (const kind of ['acquired-variant', 'emerging-variant']) assert.equal(json.changes.find((c) => c.kind === kind)?.warnings?.[0], stmt, kind);
    assert.ok(text.includes(`      WARNING ${stmt}`));
    assert.ok(html.includes(`Current treatment: ${stmt}`));
    assert.ok(patient.includes('One of your results suggests that a medicine you are taking now (<b>letrozole</b>) may work less well.'));
  });

  test('review finding 3: the NGS-only HER2-positive regimens are pending ISH, after every confirmed option, in every projection', () => {
    const pending = json.therapyOptions.filter((o) => o.pending);
    assert.deepEqual(pending.map((o) => `${o.level} ${o.therapy}`), ['A pertuzumab + trastuzumab + docetaxel', 'A trastuzumab deruxtecan + pertuzumab', 'B neratinib', 'C trastuzumab emtansine']);
    assert.deepEqual(json.therapyOptions.slice(-pending.length), pending);
    for (const o of pending) assert.equal(o.pending?.kind, 'her2-ish');
    for (const o of json.therapyOptions.filter((x) => !x.pending)) assert.ok(o.warnings.includes('HER2 status unresolved: NGS ERBB2 amplification in E-LIVER (2022-04-12; copy number 13.3); confirm by ISH: this option is for HER2-negative disease'), o.therapy);
    assert.ok(text.includes('  A if ISH confirms  pertuzumab + trastuzumab + docetaxel'));
    assert.ok(html.includes('<td><b>A if ISH confirms</b></td><td><b>pertuzumab + trastuzumab + docetaxel</b>'));
    // The patient summary lists the top five (all confirmed here) and asks about the further HER2 test.
    assert.ok(patient.includes('Do I need one more HER2 test before choosing a medicine?'));
  });

  test('review finding 7: no regimen is both an option and "not applicable"; excluded items of an option\'s regimen are named by their KB item', () => {
    const optionTherapies = new Set(json.therapyOptions.map((o) => o.therapy));
    const notApplicableLine = text.split('\n').find((_, i, all) => all[i - 1]?.startsWith('Not applicable to this patient')) ?? '';
    for (const t of notApplicableLine.trim().split('; ')) assert.equal(optionTherapies.has(t), false, t);
    assert.ok(text.includes('trastuzumab emtansine — civic:EID1159 not applicable'));
    assert.ok(html.includes('<tr data-excluded-item="civic:EID1159"><td>B</td><td>trastuzumab emtansine — civic:EID1159 not applicable</td>'));
  });

  test('review findings 17-18: the patient summary never calls the CHIP clone a tumour change, words plasma VAF as a share of all blood DNA, and words warnings by kind', () => {
    const tumourSection = patient.slice(patient.indexOf('<h2>Other changes found in tumor genes</h2>'), patient.indexOf('<h2>Medicines to ask about</h2>'));
    assert.equal(tumourSection.includes('DNMT3A'), false);
    assert.equal(patient.includes('pieces of tumor DNA'), false);
    assert.ok(patient.includes('About 6 in 100 pieces of DNA floating in the blood (most of them come from healthy cells, not from the tumor) had this change.'));
    assert.ok(patient.includes('Note: your HER2 result is not settled yet. One more HER2 test may change whether this medicine fits.'));
    assert.equal(patient.includes('may make a medicine in this plan work less well'), false);
  });

  test('the text report prints every VAF with the percent formatter (0.2%, never 0.00)', () => {
    const lines = formatText(json as unknown as AnalysisResult).split('\n');
    assert.deepEqual(
      lines.filter((l) => /^ {6}(ESR1|DNMT3A|PIK3CA) /.test(l)),
      [
        '      PIK3CA p.H1047R  first-sample  VAF 32%  oncogenic  (17 KB entries)',
        '      DNMT3A p.R882H  clonal-haematopoiesis  VAF 2%  likely-oncogenic  (no therapy)',
        '      ESR1 p.D538G  acquired  VAF 0.2%  oncogenic  (3 KB entries)',
        '      DNMT3A p.R882H  clonal-haematopoiesis  VAF 2.1%  likely-oncogenic  (no therapy)',
        '      ESR1 p.D538G  acquired  VAF 1.5%  oncogenic  (3 KB entries)',
        '      DNMT3A p.R882H  clonal-haematopoiesis  VAF 2%  likely-oncogenic  (no therapy)',
        '      ESR1 p.D538G  acquired  VAF 6%  oncogenic  (3 KB entries)',
        '      PIK3CA p.H1047R  pre-existing  VAF 27%  oncogenic  (17 KB entries)',
        '      ESR1 p.D538G  acquired  VAF 23%  oncogenic  (3 KB entries)',
      ],
    );
    assert.equal(lines.some((l) => /VAF 0\.00/.test(l)), false);
  });

  test('DNMT3A R882H: CHIP (in the white cells), steady, never an option, never "acquired"', () => {
    const f = finding('E-PLASMA-1', 'DNMT3A');
    assert.deepEqual([f.origin, f.originReason], ['clonal-haematopoiesis', 'CHIP: also in the white-cell sample, 40/2000 reads in white cells (VAF 2%; binomial p = 1.3e-37 vs 0.1% error)']);
    assert.deepEqual(f.evidence, []);
    const d = json.ctdna.variants.find((v) => v.gene === 'DNMT3A');
    assert.deepEqual([d?.origin, d?.trajectory.trend, d?.trajectory.text], ['chip', 'steady', 'steady: 2% → 2.1% → 2% (first detected 2021-03-02)']);
    assert.equal(json.changes.some((c) => c.detail.startsWith('DNMT3A')), false);
    assert.deepEqual(json.ctdna.draws.map((x) => x.detectionLimit.text), Array(3).fill('depth 5000: 10 alt reads needed; ≥95% power for VAF ≥ 0.31%'));
  });

  test('E-LIVER: ERBB2 amplified by NGS (13.3 copies) but IHC 1+: discordant; HER2-positive regimens only with the warning', () => {
    const cn = sample('E-LIVER').copyNumber;
    assert.equal(cn?.genes.find((g) => g.gene === 'ERBB2')?.text, 'ERBB2 amplification (copy number 13.3; log2 2.31; purity 70%; ploidy 2)');
    assert.deepEqual(cn?.genes.map((g) => `${g.gene} ${g.status}`), ['ERBB2 amplification', 'ESR1 neutral', 'CCND1 neutral', 'FGFR1 neutral', 'MYC neutral', 'PTEN neutral']);
    assert.deepEqual([cn?.erbb2.concordance, cn?.erbb2.text], ['discordant', 'NGS amplified but IHC 1+ — discordant: consider ISH / heterogeneity']);
    const her2pos = json.therapyOptions.filter((o) => o.drugs.includes('trastuzumab') || o.drugs.includes('pertuzumab'));
    assert.ok(her2pos.length > 0);
    for (const o of her2pos) assert.match(o.warnings.join(' '), /^HER2 by NGS only: NGS amplified but IHC 1\+ — discordant: consider ISH \/ heterogeneity\. .*confirm by ISH on E-LIVER before HER2-directed therapy/, o.therapy);
    // PIK3CA H1047R in the liver: found in the primary, whose reads show it too
    const p = finding('E-LIVER', 'PIK3CA');
    assert.deepEqual([p.origin, p.originSample, p.readEvidence.map((e) => e.text)], ['pre-existing', 'E-PRIMARY', ['pre-existing, clonal: 160/500 alt reads in E-PRIMARY (binomial p < 1e-300 vs 0.1% error; VAF 32%; cancer cell fraction ≈100%, clonal)']]);
  });

  test('the clinician HTML shows the read evidence, the copy-number track and the ctDNA figure', () => {
    assert.ok(html.includes('<b>Reads:</b> absent: 0/812 reads in E-PRIMARY (VAF &lt; 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads)'));
    assert.ok(html.includes('<section id="copy-number"><h3>Copy-number track (sequencing)</h3>'));
    assert.ok(html.includes('<span class="warn">NGS amplified but IHC 1+ — discordant: consider ISH / heterogeneity</span>'));
    assert.ok(html.includes('<section id="ctdna"><h3>Serial ctDNA (plasma)</h3><figure class="keep"><svg'));
    assert.ok(html.includes('rising: 0.2% → 1.5% → 6% (first detected 2021-03-02, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error)'));
    assert.ok(html.includes('clonal haematopoiesis (CHIP)<br><span class="small muted">CHIP: also in the white-cell sample, 40/2000 reads in white cells'));
    assert.ok(html.includes('>emerging-variant</td><td>ESR1 p.D538G first seen in plasma on 2021-03-02 during letrozole; rising: 0.2% → 1.5% → 6% (first detected 2021-03-02, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error); tumour-derived'));
    assert.ok(html.includes('For research use; not a medical device.'));
  });

  test('the FHIR bundle carries the read evidence, plasma origin, copy number and trajectories', () => {
    const bundle = JSON.parse(fhir) as { entry: Array<{ resource: { resourceType: string; conclusion?: string; note?: Array<{ text: string }> } }> };
    const notes = bundle.entry.flatMap((e) => e.resource.note?.map((n) => n.text) ?? []);
    assert.ok(notes.includes('Reads in E-PRIMARY (2019-01-15): absent: 0/812 reads in E-PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads).'));
    assert.ok(notes.includes('Plasma: CHIP: also in the white-cell sample, 40/2000 reads in white cells (VAF 2%; binomial p = 1.3e-37 vs 0.1% error).'));
    const conclusion = bundle.entry.find((e) => e.resource.resourceType === 'DiagnosticReport')?.resource.conclusion ?? '';
    assert.ok(conclusion.includes('Copy number by sequencing in E-LIVER: ERBB2 amplification (copy number 13.3; log2 2.31; purity 70%; ploidy 2);'));
    assert.ok(conclusion.includes(' ERBB2 vs IHC/ISH: NGS amplified but IHC 1+ — discordant: consider ISH / heterogeneity (ERBB2 by NGS: copy number 13.3 (rounded 13) ≥ 4 (2 × ploidy 2): amplification (NCI GDC); from log2 2.31 at purity 70%, ploidy 2 (ABSOLUTE); segment chr17:39,500,001-39,900,000 (400 kb)).'));
    assert.ok(conclusion.includes('ctDNA ESR1 p.D538G: tumour-derived: absent from white cells, 0/2000 reads in white cells (VAF < 0.15%, 95% upper bound); ≥95% power for VAF ≥ 0.52% (a call needs ≥6 alt reads); rising: 0.2% → 1.5% → 6% (first detected 2021-03-02, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error).'));
    assert.ok(conclusion.includes('ctDNA DNMT3A p.R882H: CHIP: also in the white-cell sample'));
    // the copy-number observation, and every NGS-only HER2 option as a therapeutic implication derived from it
    const full = JSON.parse(fhir) as { entry: Array<{ fullUrl: string; resource: { resourceType: string; code?: { text?: string }; derivedFrom?: Array<{ reference: string }>; component?: Array<{ valueCodeableConcept?: { text?: string }; valueQuantity?: { value: number } }>; note?: Array<{ text: string }> } }> };
    const cnObs = full.entry.find((e) => e.resource.code?.text === 'Gene copy number by sequencing (purity/ploidy-adjusted)');
    assert.equal(cnObs?.resource.component?.[0]?.valueQuantity?.value, 13.3);
    const implications = full.entry.filter((e) => e.resource.derivedFrom?.some((d) => d.reference === cnObs?.fullUrl));
    const warned = json.therapyOptions.filter((o) => o.warnings.some((w) => w.startsWith('HER2 by NGS only')));
    // pending ISH (review s4 #4): a preliminary implication whose level reads "if ISH confirms", never a final one
    assert.deepEqual(
      implications.map((e) => `${(e.resource as { status?: string }).status} ${e.resource.component?.find((c) => c.valueCodeableConcept?.text?.includes('Sensitivity / response: '))?.valueCodeableConcept?.text}`).sort(),
      warned.map((o) => `preliminary Pending (level ${o.level} if ISH confirms) — Sensitivity / response: ${o.therapy}`).sort(),
    );
    for (const e of implications) assert.ok(e.resource.note?.some((n) => n.text.startsWith('Warning: HER2 by NGS only: NGS amplified but IHC 1+')));
  });

  test('issue 16 item 4 (display): read evidence, copy-number rule and segment, share of ctDNA and the ctDNA figure in every projection', () => {
    const RULE = 'copy number 13.3 (rounded 13) ≥ 4 (2 × ploidy 2): amplification (NCI GDC); from log2 2.31 at purity 70%, ploidy 2 (ABSOLUTE); segment chr17:39,500,001-39,900,000 (400 kb)';
    const SHARE = 'E-PLASMA-1: VAF 0.2% at tumour fraction 2%: ≈20% of ctDNA (95% CI 11%-37%), subclonal; cancer cell fraction estimate assuming one mutant copy of two (heterozygous, no copy change at the locus); with 2 mutant copies it would be ≈10%';
    const full = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as AnalysisResult;
    const erbb2 = full.samples.find((s) => s.id === 'E-LIVER')?.copyNumber?.genes.find((g) => g.gene === 'ERBB2');
    assert.deepEqual([erbb2?.segment, erbb2?.rule], [{ chrom: 'chr17', start: 39500001, end: 39900000, size: 400000, count: 1 }, RULE]);
    const esr1 = full.ctdna?.variants.find((v) => v.gene === 'ESR1');
    assert.deepEqual(esr1?.fractions?.map((f) => [f.sample, f.tumorFraction, f.clonality, f.text]), [['E-PLASMA-1', 0.02, 'subclonal', SHARE]]);
    assert.deepEqual(full.ctdna?.variants.find((v) => v.gene === 'DNMT3A')?.fractions, [], 'CHIP: no share of ctDNA');
    assert.equal(full.ctdna?.notes?.length, 2);
    assert.match(full.ctdna?.notes?.[0] ?? '', /^Each position is tested on its own: .*No correction for the number of positions is made/);
    const primaryRead = full.samples.find((s) => s.id === 'E-PLASMA-1')?.findings.find((f) => f.gene === 'ESR1')?.readEvidence?.[0];
    assert.deepEqual([primaryRead?.vafOfInterest !== undefined && Math.abs(primaryRead.vafOfInterest - 0.06) < 1e-12, primaryRead?.power !== undefined && primaryRead.power > 0.999], [true, true]);
    // the CHIP clone is not given a tumour VAF of interest in the primary
    assert.equal(full.samples.find((s) => s.id === 'E-PLASMA-1')?.findings.find((f) => f.gene === 'DNMT3A')?.readEvidence?.[0]?.vafOfInterest, undefined);
    // clinician HTML: the rule next to the discordance, the share of ctDNA, the notes, the corrected methods
    assert.ok(html.includes(`<span data-cn-rule="ERBB2">(ERBB2 by NGS: ${RULE})</span>`));
    assert.ok(html.includes(`<td class="small" data-ctdna-share="ESR1">${SHARE}</td>`));
    assert.ok(html.includes('<ul class="small" id="ctdna-notes"><li>Each position is tested on its own'));
    assert.ok(html.includes("that minimum is the caller's reporting threshold (<code>--min-alt-reads</code>, default 3), not the significant-count rule of the read look-back below"));
    assert.ok(html.includes('resistance about a drug the patient is taking now (or its specific class) is listed at any level, D included'));
    // patient summary: the reads in plain words and the same figure with plain labels and caption
    assert.ok(patient.includes('It was not in the sample from the breast (January 15, 2019). The earlier sample from the breast (January 15, 2019) was read again: 0 of 812 pieces of DNA at this spot had the change.'));
    assert.ok(patient.includes('It was also there before, in the sample from the breast (January 15, 2019). The earlier sample from the breast (January 15, 2019) was read again: the change was found there in 160 of 500 pieces of DNA at this spot.'));
    assert.ok(patient.includes('<h2>Your blood tests over time</h2>\n<figure class="blood"><svg xmlns="http://www.w3.org/2000/svg" class="h2s-ctdna-figure"'));
    assert.ok(patient.includes('A dashed line is a change that comes from blood cells, not from the cancer.'));
    // FHIR: the clinician figure as a Media resource, linked from the report
    const bundle = JSON.parse(fhir) as { entry: Array<{ fullUrl: string; resource: { resourceType: string; status?: string; content?: { contentType: string; data: string }; media?: Array<{ link: { reference: string } }>; conclusion?: string } }> };
    const media = bundle.entry.filter((e) => e.resource.resourceType === 'Media');
    assert.equal(media.length, 1);
    assert.deepEqual([media[0]?.resource.status, media[0]?.resource.content?.contentType], ['completed', 'image/svg+xml']);
    const svg = Buffer.from(media[0]?.resource.content?.data ?? '', 'base64').toString('utf8');
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" class="h2s-ctdna-figure"'));
    assert.ok(html.includes(svg), 'the Media holds the same drawing as the clinician report');
    const dr = bundle.entry.find((e) => e.resource.resourceType === 'DiagnosticReport');
    assert.deepEqual(dr?.resource.media?.map((m) => m.link.reference), [media[0]?.fullUrl]);
    assert.ok(dr?.resource.conclusion?.includes(`Share of ctDNA: ${SHARE}.`));
  });

  test('the patient summary says it in plain words', () => {
    assert.ok(patient.includes('A change in the ESR1 gene was first found in your blood on 2021-03-02, while you were taking letrozole. Since then, the amount has gone up.'));
    assert.ok(patient.includes('A change in the DNMT3A gene in your blood comes from blood cells, not from the cancer.'));
    assert.ok(patient.includes('The gene test of the sample from 2022-04-12 and the HER2 protein test do not agree.'));
  });
});

describe('example e: errors in the new case fields are one line naming the file and field', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'her2scope-e-err-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const run = (yaml: string) => {
    const path = join(tmp, 'case.yaml');
    writeFileSync(path, yaml);
    return { path, line: oneLineError(her2scope(['analyze', path, '--json'])) };
  };
  const head = 'patient: { id: SYN-ERR, synthetic: true }\nsamples:\n';
  test('a missing BAM, a CRAM without its reference, a missing copy-number file, a plasma field on tissue', () => {
    const dir = join(repoRoot, 'examples', 'cases', 'e-ctdna');
    let r = run(`${head}  - { id: P, type: primary, site: breast, collected: 2020-01-01, variants: { file: ${join(dir, 'e-primary.vcf')} }, reads: { file: nope.bam } }\n`);
    assert.equal(r.line, `her2scope analyze: ${r.path}: samples[0].reads.file: file not found: ${join(tmp, 'nope.bam')}`);
    r = run(`${head}  - { id: P, type: primary, site: breast, collected: 2020-01-01, variants: { file: ${join(dir, 'e-primary.vcf')} }, reads: { file: ${join(dir, 'e-primary.bam')}, reference: missing.fa } }\n`);
    assert.equal(r.line, `her2scope analyze: ${r.path}: samples[0].reads.reference: file not found: ${join(tmp, 'missing.fa')}`);
    r = run(`${head}  - { id: L, type: metastasis, site: liver, collected: 2020-01-01, copyNumber: { file: gone.cns } }\n`);
    assert.equal(r.line, `her2scope analyze: ${r.path}: samples[0].copyNumber.file: file not found: ${join(tmp, 'gone.cns')}`);
    r = run(`${head}  - { id: L, type: metastasis, collected: 2020-01-01 }\n`);
    assert.equal(r.line, `her2scope analyze: ${r.path}: samples[0].site: required for a metastasis sample (one of breast, bone, liver, lung, brain, lymph node, skin, blood, other)`);
  });
});
