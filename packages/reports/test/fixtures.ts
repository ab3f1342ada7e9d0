/**
 * SYNTHETIC analysis results for the report tests, built the way the CLI builds them: `interpretCase` on in-memory
 * case data (mirroring examples/cases a-d) with the real bundled knowledge base. Not real patients.
 */
import { interpretCase, type AnalysisResult, type CaseData, type CaseFile, type CytometryResult, type CoveredRegion, type SampleData, type VariantCall } from '@her2scope/core';
import { loadKnowledgeBase } from '@her2scope/kb';

export const KB = loadKnowledgeBase();

export function call(gene: string, hgvsp: string | null, chrom: string, pos: number, ref: string, alt: string, vaf: number, extra: Partial<VariantCall> = {}): VariantCall {
  return { gene, hgvsp, hgvsc: null, consequence: 'missense_variant', chrom, pos, ref, alt, vaf, depth: 200, altCount: Math.round(200 * vaf), filter: 'PASS', sample: 'TUMOR', ...extra };
}

/** The panel of examples/cases/panel.bed (GRCh37, 0-based half-open), with its mean depths. */
export const PANEL: CoveredRegion[] = [
  { chrom: '3', start: 178935900, end: 178936200, depth: 480 },
  { chrom: '3', start: 178951900, end: 178952200, depth: 450 },
  { chrom: '6', start: 152419800, end: 152420100, depth: 390 },
  { chrom: '17', start: 37880100, end: 37881200, depth: 520 },
];

export const L755S = (vaf: number) => call('ERBB2', 'p.L755S', '17', 37880220, 'T', 'C', vaf, { hgvsc: 'c.2264T>C', depth: 200, altCount: Math.round(200 * vaf) });
export const E545K = (vaf: number) => call('PIK3CA', 'p.E545K', '3', 178936091, 'G', 'A', vaf, { hgvsc: 'c.1633G>A', depth: 340 });
export const Y537S = (vaf: number) => call('ESR1', 'p.Y537S', '6', 152419923, 'A', 'C', vaf, { hgvsc: 'c.1610A>C' });

type Sample = SampleData['sample'];

function sample(s: Partial<Sample> & Pick<Sample, 'id' | 'type' | 'site' | 'collected'>, variants: VariantCall[] | null, cytometry: SampleData['cytometry'] = null): SampleData {
  return { sample: { ...s, ...(variants ? { variants: { file: `${s.id}.vcf`, regions: 'panel.bed' } } : {}) }, variants, regions: variants ? PANEL : null, cytometry };
}

function caseOf(patient: CaseFile['patient'], samples: SampleData[], treatments: CaseFile['treatments'] = []): CaseData {
  return { case: { patient, samples: samples.map((s) => s.sample), treatments }, samples };
}

/** (a) ER+ HER2-low primary; liver metastasis after 33 months of letrozole acquires ERBB2 L755S (VAF 0.31). */
export function caseA(patientId = 'SYN-A'): CaseData {
  return caseOf(
    { id: patientId, sex: 'F', birthYear: 1961, synthetic: true },
    [
      sample({ id: 'A-LIVER', type: 'metastasis', site: 'liver', collected: '2019-02-01', pathology: { her2: { ihc: '1+' }, er: { percent: 90 }, pr: { percent: 5 }, ki67: 30 } }, [E545K(0.265), L755S(0.31)]),
      sample({ id: 'A-PRIMARY', type: 'primary', site: 'breast', collected: '2016-03-02', pathology: { her2: { ihc: '1+' }, er: { percent: 95 }, pr: { percent: 40 }, ki67: 20 } }, [E545K(0.233)]),
    ],
    [{ drug: 'letrozole', start: '2016-04-01', end: '2019-01-10', response: 'progression' }],
  );
}

/** (b) HER2-0 primary, HER2 IHC 3+ bone metastasis after anastrozole: a HER2 conversion. */
export function caseB(): CaseData {
  return caseOf(
    { id: 'SYN-B', sex: 'F', birthYear: 1958, synthetic: true },
    [
      sample({ id: 'B-PRIMARY', type: 'primary', site: 'breast', collected: '2015-06-15', pathology: { her2: { ihc: '0', stainedPercent: 0 }, er: { percent: 80 }, pr: { percent: 20 }, ki67: 15 } }, null),
      sample({ id: 'B-BONE', type: 'metastasis', site: 'bone', collected: '2020-09-03', pathology: { her2: { ihc: '3+', stainedPercent: 60 }, er: { percent: 70 }, pr: { percent: 0 } } }, null),
    ],
    [{ drug: 'anastrozole', start: '2015-08-01', end: '2020-08-15', response: 'progression' }],
  );
}

/** A cytometry summary as the cytometry engine returns it (only the fields the reports read). */
export const CYTOMETRY: CytometryResult = {
  hiddenHer2StemCells: true,
  events: 20000,
  totalEvents: 21000,
  analysed: 'live, lineage-positive events',
  detectionLimit: 0.00014977,
  bulkHer2: 'HER2-ultralow',
  thresholds: {},
  populations: [
    { name: 'HER2+', count: 1200, parent: 'analysed', fraction: 0.06, ci95: [0.0568, 0.0634] },
    { name: 'CD44+CD24-low', count: 2000, parent: 'analysed', fraction: 0.1, ci95: [0.0959, 0.1042] },
    { name: 'HER2+CD44+CD24-low', count: 600, parent: 'analysed', fraction: 0.03, ci95: [0.0277, 0.0325] },
  ],
  notes: ['HER2+CD44+CD24-low population above the detection limit in a HER2-ultralow tumour.'],
};

/** (c) HER2-ultralow primary with a hidden HER2+ CD44+ CD24-low population by cytometry; a later recurrence. */
export function caseC(): CaseData {
  return caseOf(
    { id: 'SYN-C', sex: 'F', birthYear: 1970, synthetic: true },
    [
      sample({ id: 'C-PRIMARY', type: 'primary', site: 'breast', collected: '2017-05-11', pathology: { her2: { ihc: '0', stainedPercent: 5 }, er: { percent: 70 }, pr: { percent: 30 }, ki67: 25 } }, null, CYTOMETRY),
      sample({ id: 'C-RECURRENCE', type: 'recurrence', site: 'lymph node', collected: '2021-02-19', pathology: { her2: { ihc: '1+' }, er: { percent: 60 }, pr: { percent: 0 } } }, null),
    ],
    [{ drug: 'tamoxifen', start: '2017-07-01', end: '2020-12-01', response: 'progression' }],
  );
}

/** (d) ER+ HER2-0 primary; lung metastasis acquires ESR1 Y537S after anastrozole. */
export function caseD(): CaseData {
  return caseOf(
    { id: 'SYN-D', sex: 'F', birthYear: 1955, synthetic: true },
    [
      sample({ id: 'D-PRIMARY', type: 'primary', site: 'breast', collected: '2014-01-20', pathology: { her2: { ihc: '0' }, er: { percent: 100 }, pr: { percent: 60 } } }, []),
      sample({ id: 'D-LUNG', type: 'metastasis', site: 'lung', collected: '2018-10-05', pathology: { her2: { ihc: '0' }, er: { percent: 85 }, pr: { percent: 10 } } }, [Y537S(0.18)]),
    ],
    [{ drug: 'anastrozole', start: '2014-03-01', end: '2018-09-01', response: 'progression' }],
  );
}

export const HOSTILE = '<script>alert(1)</script>';

/** Case (a) with hostile text wherever the case file lets a user write free text: patient id and drug name. */
export function hostileCase(): CaseData {
  const c = caseA(HOSTILE);
  c.case.treatments = [{ drug: `letrozole ${HOSTILE}`, start: '2016-04-01', end: '2019-01-10' }];
  return c;
}

export const analyse = (c: CaseData): AnalysisResult => interpretCase(c, KB);

export const ALL = (): Array<[string, AnalysisResult]> => [
  ['a', analyse(caseA())],
  ['b', analyse(caseB())],
  ['c', analyse(caseC())],
  ['d', analyse(caseD())],
  ['heavy', analyse(caseHeavy())],
];

/**
 * (heavy) The issue-17 size: 3 samples and 10 KB findings, HER2-low to IHC 2+/ISH-positive, several treatments: the
 * clinician PDF must still be at most two pages. SYNTHETIC; positions are GRCh37 as in the examples.
 */
export function caseHeavy(): CaseData {
  const H1047R = (vaf: number) => call('PIK3CA', 'p.H1047R', '3', 178952085, 'A', 'G', vaf, { hgvsc: 'c.3140A>G', depth: 450 });
  const D538G = (vaf: number) => call('ESR1', 'p.D538G', '6', 152419926, 'A', 'G', vaf, { hgvsc: 'c.1613A>G' });
  const E17K = (vaf: number) => call('AKT1', 'p.E17K', '14', 105246551, 'C', 'T', vaf, { hgvsc: 'c.49G>A' });
  return caseOf(
    { id: 'SYN-HEAVY', sex: 'F', birthYear: 1960, synthetic: true },
    [
      sample({ id: 'H-PRIMARY', type: 'primary', site: 'breast', collected: '2015-03-02', pathology: { her2: { ihc: '1+' }, er: { percent: 95 }, pr: { percent: 40 }, ki67: 20 } }, [E545K(0.22)]),
      sample({ id: 'H-LIVER', type: 'metastasis', site: 'liver', collected: '2019-02-01', pathology: { her2: { ihc: '2+', ish: { probe: 'dual', her2: 4.6, cep17: 2.6 } }, er: { percent: 60 }, pr: { percent: 5 }, ki67: 30 } }, [E545K(0.25), L755S(0.31), Y537S(0.12)]),
      sample({ id: 'H-BONE', type: 'metastasis', site: 'bone', collected: '2022-06-10', pathology: { her2: { ihc: '3+' }, er: { percent: 5 }, pr: { percent: 0 } } }, [E545K(0.28), L755S(0.35), Y537S(0.15), D538G(0.08), H1047R(0.11), E17K(0.06)]),
    ],
    [
      { drug: 'letrozole', start: '2015-04-01', end: '2019-01-10', response: 'progression' },
      { drug: 'fulvestrant', start: '2019-03-01', end: '2020-11-15', response: 'progression' },
      { drug: 'palbociclib', start: '2019-03-01', end: '2020-11-15', response: 'progression' },
      { drug: 'capecitabine', start: '2020-12-01', end: '2022-05-20', response: 'progression' },
    ],
  );
}
