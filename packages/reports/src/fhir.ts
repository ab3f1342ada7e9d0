/**
 * The analysis as an HL7 FHIR R4 Bundle (type `collection`) following the HL7 Genomics Reporting IG (STU3, v3.0.0):
 *
 * - `Patient` (identifier = the case's patient id; synthetic cases carry meta.security HTEST "test health data").
 * - `Specimen` per sample: collection date, body site (text), sample type (text).
 * - `Observation` per sample for HER2, ER and PR, and one per cytometry result.
 * - `Observation` (Variant profile) per finding: gene studied (HGNC), c.HGVS, p.HGVS, allele frequency, position.
 * - `Observation` (Therapeutic Implication profile) per therapy option and per resistance warning, `derivedFrom`
 *   the variant / HER2 / cytometry observations of its `basis` (the ids the core's interpretation set; nothing is
 *   re-derived here), with the citations as related artifacts.
 * - `Media` (FHIR R4 base) holding the serial ctDNA figure (the clinician report's SVG, `image/svg+xml`, base64),
 *   linked from `DiagnosticReport.media[].link`; the trajectory points are the plasma variant observations.
 * - `DiagnosticReport` (Genomics Report profile) grouping the results, with the research-use notice in `conclusion`.
 *
 * Every code below was checked against its source (nothing is coded from memory):
 * - Genomics Reporting IG FSH sources (github.com/HL7/genomics-reporting: input/fsh/CGFindings.fsh,
 *   CGImplications.fsh, CGGeneral.fsh, Aliases.fsh, examples): Variant 69548-6 with value LA9633-4 "Present";
 *   components gene-studied 48018-6, coding-hgvs 48004-6, protein-hgvs 48005-3, sample-allelic-frequency 81258-6,
 *   ref-allele 69547-8, alt-allele 69551-0, exact-start-end 81254-5; implications: medication-assessed 51963-7,
 *   evidence-level 93044-6, code tbd-codes-cs#therapeutic-implication, component
 *   tbd-codes-cs#predicted-therapeutic-implication; category observation-category#laboratory and v2-0074#GE;
 *   HGNC system http://www.genenames.org; HGVS system http://varnomen.hgvs.org.
 * - Genomics report code LOINC 51969-4 "Genetic analysis report" with category v2-0074#GE (mCODE STU3
 *   genomics-report example).
 * - HER2 48676-1 "HER2 [Interpretation] in Tissue" (mCODE-based CPG example, bkaney/cpg-cancer-guideline-example);
 *   ER 85337-4 and PR 85339-0 "... Ag [Presence] in Breast cancer specimen by Immune stain" (HL7 Breast Cancer IG
 *   value sets EstrogenReceptorInterpretationTestsVS / ProgesteroneReceptorInterpretationTestsVS).
 * - Answers LA6576-8 "Positive" and LA6577-6 "Negative" (Genomics Reporting and mCODE examples). Equivocal and
 *   the HER2-low/-ultralow groupings have no verified code: they are given as text only.
 * - HGNC ids, each found in public sources: ERBB2 3430 (IG example), ESR1 3467, PIK3CA 8975, AKT1 391, PTEN 9588,
 *   TP53 11998, BRCA1 1100, BRCA2 1101, MTOR 3942, PIK3R1 8979, SF3B1 10768. Other genes: symbol as text.
 * Not coded (text only, no verified code): body sites, specimen types, drugs (RxNorm), molecular consequence (SO
 * ids), evidence levels (LOINC LL5356-2 answers), the cytometry observation.
 */
import { createHash } from 'node:crypto';
import { copyNumberResultId, cytometryResultId, excludedItemText, her2ResultId, notApplicable, optionLevelText, type AnalysisResult, type Citation, type Finding, type ReceptorResult, type SampleAnalysis } from '@her2scope/core';
import type { Bundle, BundleEntry, CodeableConcept, DiagnosticReport, DiagnosticReportMedia, Extension, Media, Observation, ObservationComponent, Patient, Reference, Resource, Specimen } from '@medplum/fhirtypes';
import { citationUrl, latestSample, LEVEL_MEANING } from './common.ts';
import { ctdnaFigureSvg, erbb2Rule } from './longitudinal.ts';

export const LOINC = 'http://loinc.org';
export const HGNC = 'http://www.genenames.org';
export const HGVS = 'http://varnomen.hgvs.org';
export const UCUM = 'http://unitsofmeasure.org';
export const TBD = 'http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs';
export const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const DIAGNOSTIC_SERVICE = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const IG = 'http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition';
export const PATIENT_ID_SYSTEM = 'urn:her2scope:patient-id';
export const SAMPLE_ID_SYSTEM = 'urn:her2scope:sample-id';

export const CODES = {
  report: { system: LOINC, code: '51969-4', display: 'Genetic analysis report' },
  variant: { system: LOINC, code: '69548-6', display: 'Genetic variant assessment' },
  her2: { system: LOINC, code: '48676-1', display: 'HER2 [Interpretation] in Tissue' },
  er: { system: LOINC, code: '85337-4', display: 'Estrogen receptor Ag [Presence] in Breast cancer specimen by Immune stain' },
  pr: { system: LOINC, code: '85339-0', display: 'Progesterone receptor Ag [Presence] in Breast cancer specimen by Immune stain' },
  present: { system: LOINC, code: 'LA9633-4', display: 'Present' },
  positive: { system: LOINC, code: 'LA6576-8', display: 'Positive' },
  negative: { system: LOINC, code: 'LA6577-6', display: 'Negative' },
  geneStudied: { system: LOINC, code: '48018-6', display: 'Gene studied [ID]' },
  codingHgvs: { system: LOINC, code: '48004-6', display: 'DNA change (c.HGVS)' },
  proteinHgvs: { system: LOINC, code: '48005-3', display: 'Amino acid change (pHGVS)' },
  allelicFrequency: { system: LOINC, code: '81258-6', display: 'Sample variant allelic frequency [NFr]' },
  refAllele: { system: LOINC, code: '69547-8', display: 'Genomic ref allele [ID]' },
  altAllele: { system: LOINC, code: '69551-0', display: 'Genomic alt allele [ID]' },
  exactStartEnd: { system: LOINC, code: '81254-5', display: 'Genomic allele start-end' },
  medicationAssessed: { system: LOINC, code: '51963-7', display: 'Medication assessed [ID]' },
  evidenceLevel: { system: LOINC, code: '93044-6', display: 'Level of evidence' },
  therapeuticImplication: { system: TBD, code: 'therapeutic-implication', display: 'Therapeutic Implication' },
  predictedImplication: { system: TBD, code: 'predicted-therapeutic-implication', display: 'Predicted Therapeutic Implication' },
  molecularConsequence: { system: TBD, code: 'molecular-consequence', display: 'Molecular Consequence' },
  laboratory: { system: OBS_CATEGORY, code: 'laboratory', display: 'Laboratory' },
  genetics: { system: DIAGNOSTIC_SERVICE, code: 'GE', display: 'Genetics' },
  testData: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' },
  // Media.type is bound to ValueSet media-type = CodeSystem media-type (image | video | audio), FHIR R4 valuesets.json
  image: { system: 'http://terminology.hl7.org/CodeSystem/media-type', code: 'image', display: 'Image' },
} as const;

export const HGNC_IDS: Record<string, string> = {
  ERBB2: 'HGNC:3430',
  ESR1: 'HGNC:3467',
  PIK3CA: 'HGNC:8975',
  AKT1: 'HGNC:391',
  PTEN: 'HGNC:9588',
  TP53: 'HGNC:11998',
  BRCA1: 'HGNC:1100',
  BRCA2: 'HGNC:1101',
  MTOR: 'HGNC:3942',
  PIK3R1: 'HGNC:8979',
  SF3B1: 'HGNC:10768',
};

/** Deterministic UUID (RFC 4122 layout, version 5 bits) from the patient id and a resource key: stable across runs. */
function uuidFor(patientId: string, key: string): string {
  const h = createHash('sha1').update(`her2scope\0${patientId}\0${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const cc = (coding: { system: string; code: string; display: string }, text?: string): CodeableConcept => ({ coding: [{ ...coding }], ...(text ? { text } : {}) });
const textOnly = (text: string): CodeableConcept => ({ text });
const CATEGORIES: CodeableConcept[] = [cc(CODES.laboratory), cc(CODES.genetics)];

function relatedArtifacts(citations: readonly Citation[]): Extension[] {
  return citations.map((c) => {
    const url = citationUrl(c);
    return { url: 'http://hl7.org/fhir/StructureDefinition/workflow-relatedArtifact', valueRelatedArtifact: { type: 'citation', label: c.id, citation: c.text, ...(url ? { url } : {}) } };
  });
}

function receptorValue(status: string, text: string): CodeableConcept {
  if (status === 'positive' || status === 'low-positive') return cc(CODES.positive, text);
  if (status === 'negative') return cc(CODES.negative, text);
  return textOnly(text);
}

const ruleNote = (rules: ReceptorResult<string>['rules'], comments: string[]) => [
  ...(rules.length ? [{ text: `Rule trail: ${rules.map((r) => `${r.id} (${r.source})`).join('; ')}` }] : []),
  ...comments.map((c) => ({ text: c })),
];

export function toFhirBundle(result: AnalysisResult, options: { generatedAt?: Date } = {}): Bundle {
  const r = result;
  const pid = r.patient.id;
  const entries: BundleEntry[] = [];
  const add = <T extends Resource>(key: string, resource: T): Reference<T> => {
    const id = uuidFor(pid, key);
    const fullUrl = `urn:uuid:${id}`;
    entries.push({ fullUrl, resource: { ...resource, id } });
    return { reference: fullUrl };
  };
  const security = r.patient.synthetic ? { security: [{ ...CODES.testData }] } : {};

  const gender = r.patient.sex === 'F' ? 'female' : r.patient.sex === 'M' ? 'male' : r.patient.sex === 'X' ? 'other' : undefined;
  const patientRef = add<Patient>('patient', {
    resourceType: 'Patient',
    meta: { ...security },
    identifier: [{ system: PATIENT_ID_SYSTEM, value: pid }],
    ...(gender ? { gender } : {}),
    ...(r.patient.birthYear ? { birthDate: String(r.patient.birthYear) } : {}),
  });
  const subject: Reference<Patient> = { ...patientRef, display: pid };

  const specimenRefs = new Map<string, Reference<Specimen>>();
  for (const s of r.samples) {
    specimenRefs.set(
      s.id,
      add<Specimen>(`specimen:${s.id}`, {
        resourceType: 'Specimen',
        meta: { profile: [`${IG}/specimen`], ...security },
        identifier: [{ system: SAMPLE_ID_SYSTEM, value: s.id }],
        status: 'available',
        type: textOnly(s.type === 'plasma' ? 'Plasma (cell-free DNA)' : `Tumour tissue (${s.type})`),
        subject,
        collection: { collectedDateTime: s.collected, bodySite: textOnly(s.site) },
        note: [{ text: `Sample ${s.id}: ${s.type}, ${s.site}, collected ${s.collected}.` }],
      }),
    );
  }

  const results: Reference<Observation>[] = [];
  const her2Obs = new Map<string, Reference<Observation>>();
  const cytoObs = new Map<string, Reference<Observation>>();
  const variantObs = new Map<string, Reference<Observation>>();
  const cnObs = new Map<string, Reference<Observation>>();
  const base = (s: SampleAnalysis): Pick<Observation, 'status' | 'subject' | 'specimen' | 'effectiveDateTime'> => ({ status: 'final', subject, specimen: specimenRefs.get(s.id)!, effectiveDateTime: s.collected });

  for (const s of r.samples) {
    const c = s.classification;
    if (c?.her2) {
      const h = c.her2;
      const ish = h.ishRatio !== null ? `; HER2/CEP17 ratio ${h.ishRatio}` : '';
      const ref = add<Observation>(`her2:${s.id}`, {
        resourceType: 'Observation',
        meta: { ...security },
        ...base(s),
        category: [cc(CODES.laboratory)],
        code: cc(CODES.her2),
        valueCodeableConcept: receptorValue(h.status, `${h.category} (${h.status})${h.ishGroup !== null ? `; ISH group ${h.ishGroup}` : ''}${ish}`),
        note: ruleNote(h.rules, h.comments),
      });
      her2Obs.set(s.id, ref);
      results.push(ref);
    }
    for (const [kind, rec] of [['er', c?.er], ['pr', c?.pr]] as const) {
      if (!rec || rec.status === 'not-tested') continue;
      const label = kind === 'er' ? 'ER' : 'PR';
      const ref = add<Observation>(`${kind}:${s.id}`, {
        resourceType: 'Observation',
        meta: { ...security },
        ...base(s),
        category: [cc(CODES.laboratory)],
        code: cc(CODES[kind]),
        valueCodeableConcept: receptorValue(rec.status, `${label} ${rec.status}${rec.percent !== null ? ` (${rec.percent}% of tumour nuclei)` : ''}`),
        ...(rec.percent !== null ? { component: [{ code: textOnly('Percent of invasive tumour nuclei staining'), valueQuantity: { value: rec.percent, unit: '%', system: UCUM, code: '%' } }] } : {}),
        note: ruleNote(rec.rules, rec.comments),
      });
      results.push(ref);
    }
    const cyto = s.cytometry;
    if (cyto) {
      const ref = add<Observation>(`cytometry:${s.id}`, {
        resourceType: 'Observation',
        meta: { ...security },
        ...base(s),
        category: [cc(CODES.laboratory)],
        code: textOnly('HER2+ CD44+ CD24-low cancer stem-cell population by cytometry (hidden below the bulk HER2 call)'),
        valueBoolean: cyto.hiddenHer2StemCells,
        component: cyto.populations
          .filter((p) => p.fraction !== null)
          .map(
            (p): ObservationComponent => ({
              code: textOnly(`${p.name} fraction of ${p.parent}`),
              valueQuantity: { value: p.fraction!, unit: 'fraction', system: UCUM, code: '1' },
              ...(p.ci95 ? { referenceRange: [{ low: { value: p.ci95[0], unit: 'fraction', system: UCUM, code: '1' }, high: { value: p.ci95[1], unit: 'fraction', system: UCUM, code: '1' }, text: 'Wilson score 95% confidence interval' }] } : {}),
            }),
          ),
        note: [...(cyto.detectionLimit !== null ? [{ text: `Detection limit (95%): ${cyto.detectionLimit}` }] : []), ...cyto.notes.map((text) => ({ text }))],
      });
      cytoObs.set(s.id, ref);
      results.push(ref);
    }
    const cn = s.copyNumber;
    if (cn && cn.genes.length > 0) {
      // Copy number by sequencing (issue 16): one observation per sample, a component per gene; the id the core's
      // `basis` uses for it is `<sample>:copy-number`.
      const ref = add<Observation>(`copy-number:${s.id}`, {
        resourceType: 'Observation',
        meta: { ...security },
        ...base(s),
        category: CATEGORIES.map((c) => structuredClone(c)),
        code: textOnly('Gene copy number by sequencing (purity/ploidy-adjusted)'),
        component: cn.genes.map((g): ObservationComponent => ({ code: textOnly(`${g.gene} copy number`), valueQuantity: { value: g.copyNumber, unit: 'copies', system: UCUM, code: '{copies}' }, interpretation: [textOnly(g.status)] })),
        // item 3: each call with its rule (cut-off, purity used, segment and its size), as core worded it
        note: [...cn.genes.map((g) => ({ text: g.rule ? `${g.text}: ${g.rule}` : g.text })), ...(cn.erbb2 ? [{ text: `ERBB2 vs IHC/ISH: ${cn.erbb2.text}${erbb2Rule(s) ? ` (ERBB2 by NGS: ${erbb2Rule(s)})` : ''} (${cn.erbb2.source})` }] : [])],
      });
      cnObs.set(copyNumberResultId(s.id), ref);
      results.push(ref);
    }
    s.findings.forEach((f, i) => {
      const ref = add<Observation>(`variant:${s.id}:${i}:${f.gene}:${f.chrom}:${f.pos}:${f.ref}:${f.alt}`, variantObservation(s, f, base(s), security));
      variantObs.set(`${s.id}#${i}`, ref);
      results.push(ref);
    });
  }

  // The observation of each finding / HER2 result / cytometry result, by its id in the analysis (core schema.ts):
  // implications point at the observations of the ids in their `basis`, as the core decided them.
  const byId = new Map<string, Reference<Observation>>();
  for (const s of r.samples) {
    const her2 = her2Obs.get(s.id);
    if (her2) byId.set(her2ResultId(s.id), her2);
    const cyto = cytoObs.get(s.id);
    if (cyto) byId.set(cytometryResultId(s.id), cyto);
    const cn = cnObs.get(copyNumberResultId(s.id));
    if (cn) byId.set(copyNumberResultId(s.id), cn);
    s.findings.forEach((f, i) => {
      const ref = variantObs.get(`${s.id}#${i}`);
      if (ref) byId.set(f.id, ref);
    });
  }
  const derivedFrom = (what: string, basis: readonly string[]): Reference<Observation>[] =>
    basis.map((id) => {
      const ref = byId.get(id);
      // The contract's schema checks that every basis id names a result; an unknown one is a bug, never dropped.
      if (!ref) throw new Error(`FHIR: ${what} rests on '${id}', which has no observation in this bundle`);
      return ref;
    });

  const latest = latestSample(r);
  // `pending`: an option not evaluable until a test confirms it (ISH, ER): never a final Sensitivity implication —
  // status preliminary (FHIR R4 Observation.status: "the result is not yet final") and the level read as conditional
  // (review s4 #4).
  const implication = (key: string, therapy: string, drugs: string[], level: string, direction: 'sensitivity' | 'resistance', notes: string[], citations: readonly Citation[], derivedFrom: Reference<Observation>[], pending: string | null = null) => {
    // The profile requires derivedFrom 1..*; every item of the contract has a non-empty basis.
    if (derivedFrom.length === 0) throw new Error(`FHIR: ${key} rests on nothing`);
    results.push(
      add<Observation>(key, {
        resourceType: 'Observation',
        meta: { profile: [`${IG}/therapeutic-implication`], ...security },
        extension: relatedArtifacts(citations),
        status: pending ? 'preliminary' : 'final',
        category: CATEGORIES.map((c) => structuredClone(c)),
        code: cc(CODES.therapeuticImplication),
        subject,
        ...(latest ? { effectiveDateTime: latest.collected } : {}),
        derivedFrom,
        component: [
          ...drugs.map((d): ObservationComponent => ({ code: cc(CODES.medicationAssessed), valueCodeableConcept: textOnly(d) })),
          { code: cc(CODES.evidenceLevel), valueCodeableConcept: textOnly(`CIViC evidence level ${level}${pending ? ' only if confirmed' : ''}: ${LEVEL_MEANING[level] ?? ''}`) },
          { code: cc(CODES.predictedImplication), valueCodeableConcept: textOnly(`${pending ? `Pending (${pending}) — ` : ''}${direction === 'sensitivity' ? 'Sensitivity / response' : 'Resistance'}: ${therapy}`) },
        ],
        note: notes.map((text) => ({ text })),
      }),
    );
  };
  r.therapyOptions.forEach((o, i) =>
    implication(`option:${i}:${o.therapy}`, o.therapy, o.drugs, o.level, 'sensitivity', [...(o.pending ? [`Pending: level ${optionLevelText(o)}: ${o.pending.text}`] : []), ...o.reasons, ...o.warnings.map((w) => `Warning: ${w}`)], o.citations, derivedFrom(`option ${o.id}`, o.basis), o.pending ? `level ${optionLevelText(o)}` : null),
  );
  r.resistance.forEach((w, i) => implication(`resistance:${i}:${w.therapy}`, w.therapy, w.drugs, w.level, 'resistance', [w.reason], w.citations, derivedFrom(`resistance to ${w.therapy}`, w.basis)));

  const na = notApplicable(r);
  const conclusion = [
    `Patient ${pid}${r.patient.synthetic ? ' (SYNTHETIC)' : ''}: ${r.samples.length} sample(s); knowledge base ${r.kbVersion}.`,
    ...r.changes.map((c) => [c.detail, ...(c.warnings ?? []).map((w) => `Warning: ${w}`)].join(' ')),
    ...r.samples.flatMap((s) => (s.copyNumber ? [`Copy number by sequencing in ${s.id}: ${s.copyNumber.genes.map((g) => g.text).join('; ')}.${s.copyNumber.erbb2 ? ` ERBB2 vs IHC/ISH: ${s.copyNumber.erbb2.text}${erbb2Rule(s) ? ` (ERBB2 by NGS: ${erbb2Rule(s)})` : ''}.` : ''}`] : [])),
    ...(r.ctdna?.variants ?? []).map((v) => `ctDNA ${v.gene} ${v.alteration}: ${v.originText}; ${v.trajectory.text}.${(v.fractions ?? []).map((f) => ` Share of ctDNA: ${f.text}.`).join('')}`),
    ...(r.ctdna?.notes ?? []),
    r.therapyOptions.length ? `Best-supported option for ${r.latestSample}: ${r.therapyOptions[0]!.therapy} (level ${optionLevelText(r.therapyOptions[0]!)}).` : `No therapy option from the knowledge base for ${r.latestSample}.`,
    ...(na.regimens.length ? [`Not applicable to this patient (excluded, not options): ${[...new Set(na.regimens.map((x) => x.therapy))].join('; ')}.`] : []),
    ...(na.items.length ? [`Knowledge-base items not applicable for regimens listed as options: ${[...new Set(na.items.map(excludedItemText))].join('; ')}.`] : []),
    r.notice,
  ].join('\n');
  // item 1: the ctDNA figure (the clinician report's SVG) as an R4 Media resource, linked from DiagnosticReport.media
  // (DiagnosticReport.media.link 1..1 Reference(Media); Media.status 1..1, Media.content 1..1 Attachment).
  const media: DiagnosticReportMedia[] = [];
  const svg = ctdnaFigureSvg(r);
  if (svg) {
    const plasmaSamples = (r.ctdna?.draws ?? []).map((d) => d.sample);
    const lastDraw = r.ctdna?.draws.at(-1)?.collected;
    const link = add<Media>('media:ctdna', {
      resourceType: 'Media',
      meta: { ...security },
      status: 'completed',
      type: cc(CODES.image),
      subject,
      ...(lastDraw ? { createdDateTime: lastDraw } : {}),
      content: { contentType: 'image/svg+xml', data: Buffer.from(svg, 'utf8').toString('base64'), title: 'ctDNA: variant allele fraction across plasma draws (SVG)' },
      note: [{ text: `VAF in plasma per draw (${plasmaSamples.join(', ')}; log scale), one line per variant, clonal-haematopoiesis lines dashed, not-detected draws as open circles at the draw's detection limit, treatments beneath. ${r.notice}` }],
    });
    media.push({ comment: 'Serial ctDNA: variant allele fraction across plasma draws, with treatments', link });
  }
  add<DiagnosticReport>('report', {
    resourceType: 'DiagnosticReport',
    meta: { profile: [`${IG}/genomics-report`], ...security },
    status: 'final',
    category: [cc(CODES.genetics)],
    code: cc(CODES.report, 'her2scope longitudinal HER2-centred analysis'),
    subject,
    ...(latest ? { effectiveDateTime: latest.collected } : {}),
    ...(options.generatedAt ? { issued: options.generatedAt.toISOString() } : {}),
    specimen: [...specimenRefs.values()],
    result: results,
    ...(media.length ? { media } : {}),
    conclusion,
  });
  // The report first, then the rest, as readers expect.
  entries.unshift(entries.pop()!);
  return {
    resourceType: 'Bundle',
    id: uuidFor(pid, 'bundle'),
    meta: { ...security },
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${uuidFor(pid, 'bundle')}` },
    type: 'collection',
    ...(options.generatedAt ? { timestamp: options.generatedAt.toISOString() } : {}),
    entry: entries,
  };
}

function variantObservation(s: SampleAnalysis, f: Finding, base: Pick<Observation, 'status' | 'subject' | 'specimen' | 'effectiveDateTime'>, security: object): Observation {
  const hgnc = HGNC_IDS[f.gene];
  const component: ObservationComponent[] = [
    { code: cc(CODES.geneStudied), valueCodeableConcept: hgnc ? { coding: [{ system: HGNC, code: hgnc, display: f.gene }], text: f.gene } : textOnly(f.gene) },
  ];
  if (f.hgvsc) component.push({ code: cc(CODES.codingHgvs), valueCodeableConcept: { coding: [{ system: HGVS, code: f.hgvsc }], text: f.hgvsc } });
  if (f.alteration.startsWith('p.')) component.push({ code: cc(CODES.proteinHgvs), valueCodeableConcept: { coding: [{ system: HGVS, code: f.alteration }], text: f.alteration } });
  if (f.vaf !== null) component.push({ code: cc(CODES.allelicFrequency), valueQuantity: { value: f.vaf, unit: 'fraction', system: UCUM, code: '1' } });
  component.push({ code: cc(CODES.refAllele), valueString: f.ref }, { code: cc(CODES.altAllele), valueString: f.alt });
  component.push({ code: cc(CODES.exactStartEnd), valueRange: { low: { value: f.pos } } });
  if (f.consequence) component.push({ code: cc(CODES.molecularConsequence), valueCodeableConcept: textOnly(f.consequence) });
  const origin = f.origin === 'acquired' ? `acquired: absent from earlier sample ${f.originSample ?? ''} that covered the position` : f.origin === 'pre-existing' ? `pre-existing: found in earlier sample ${f.originSample ?? ''}` : f.origin;
  return {
    resourceType: 'Observation',
    meta: { profile: [`${IG}/variant`], ...security },
    ...base,
    category: CATEGORIES.map((c) => structuredClone(c)),
    code: cc(CODES.variant),
    valueCodeableConcept: cc(CODES.present),
    component,
    note: [
      { text: `${f.gene} ${f.alteration} at ${f.chrom}:${f.pos} ${f.ref}>${f.alt}${f.depth !== null ? `, depth ${f.depth}` : ''} in sample ${s.id}.` },
      { text: `Origin: ${origin}.` },
      ...(f.plasma ? [{ text: `Plasma: ${f.plasma.text}.` }] : []),
      ...(f.readEvidence ?? []).map((e) => ({ text: `Reads in ${e.sample} (${e.collected}): ${e.text}.` })),
      ...f.evidence.map((e) => ({ text: `${e.id}: ${e.alteration}, ${e.effect}. ${e.summary}` })),
    ],
  };
}
