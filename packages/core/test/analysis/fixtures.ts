import type { CaseData, CaseFile, CoveredRegion, KnowledgeBase, SampleData, VariantCall } from '../../src/index.ts';

/** A tiny KB for the interpretation tests (citations are the real ones of the bundled KB). */
export const KB: KnowledgeBase = {
  version: 'test-1',
  sources: [{ name: 'test', version: '1', licence: 'Apache-2.0', citation: 'test fixture' }],
  entries: [
    {
      id: 'curated:erbb2-l755s',
      gene: 'ERBB2',
      alteration: { kind: 'protein', hgvsp: 'p.L755S', label: 'L755S' },
      tumorType: { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' },
      context: {},
      effect: 'activating',
      therapies: [
        { name: 'neratinib + fulvestrant', drugs: ['neratinib', 'fulvestrant'], direction: 'sensitivity', level: 'B' },
        { name: 'fulvestrant', drugs: ['fulvestrant'], direction: 'resistance', level: 'D' },
      ],
      summary: 'ERBB2 L755S is activating; neratinib + fulvestrant.',
      citations: [{ type: 'pmid', id: 'PMID:29420467', text: 'Hyman DM et al., 2018, Nature 554:189-194' }],
      origin: 'curated',
    },
    {
      id: 'curated:erbb2-t798i',
      gene: 'ERBB2',
      alteration: { kind: 'protein', hgvsp: 'p.T798I', label: 'T798I' },
      tumorType: { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' },
      context: {},
      effect: 'resistance',
      therapies: [{ name: 'neratinib', drugs: ['neratinib'], direction: 'resistance', level: 'C' }],
      summary: 'ERBB2 T798I gatekeeper: neratinib resistance.',
      citations: [{ type: 'other', id: 'Hanker2017', text: 'Hanker AB et al., 2017, Cancer Discov 7:575-585' }],
      origin: 'curated',
    },
    {
      id: 'curated:esr1-y537s',
      gene: 'ESR1',
      alteration: { kind: 'protein', hgvsp: 'p.Y537S', label: 'Y537S' },
      tumorType: { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' },
      context: { hr: 'positive', her2: 'negative' },
      effect: 'activating',
      therapies: [{ name: 'elacestrant', drugs: ['elacestrant'], direction: 'sensitivity', level: 'A' }],
      summary: 'ESR1 Y537S: elacestrant.',
      citations: [{ type: 'label', id: 'FDA:Orserdu:2023-01', text: 'FDA label: Orserdu (elacestrant), Jan 2023' }],
      origin: 'curated',
    },
    {
      id: 'curated:her2low-tdxd',
      gene: 'ERBB2',
      alteration: { kind: 'her2-category', label: 'HER2-low', categories: ['HER2-low'] },
      tumorType: { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' },
      context: {},
      effect: 'biomarker',
      therapies: [{ name: 'trastuzumab deruxtecan', drugs: ['trastuzumab deruxtecan'], direction: 'sensitivity', level: 'A' }],
      summary: 'HER2-low: T-DXd.',
      citations: [{ type: 'label', id: 'FDA:Enhertu:2022-08-05', text: 'FDA label: Enhertu, 5 Aug 2022' }],
      origin: 'curated',
    },
  ],
};

export function call(gene: string, hgvsp: string, pos: number, vaf: number, extra: Partial<VariantCall> = {}): VariantCall {
  return { gene, hgvsp, hgvsc: null, consequence: 'missense_variant', chrom: 'chr17', pos, ref: 'T', alt: 'C', vaf, depth: 200, altCount: Math.round(200 * vaf), filter: 'PASS', sample: 'TUMOR', ...extra };
}

export const L755S = (vaf: number) => call('ERBB2', 'p.L755S', 37880220, vaf);
export const T798I = (vaf: number) => call('ERBB2', 'p.T798I', 37881064, vaf, { ref: 'C', alt: 'T' });
export const PANEL: CoveredRegion[] = [{ chrom: 'chr17', start: 37880000, end: 37881100, depth: 500 }];
/** The same panel from a BED without a depth column. */
export const PANEL_NO_DEPTH: CoveredRegion[] = [{ chrom: 'chr17', start: 37880000, end: 37881100, depth: null }];

type S = Partial<SampleData['sample']> & { id: string; collected: string };
export function sample(s: S, variants: VariantCall[] | null, regions: CoveredRegion[] | null = PANEL, meanDepth?: number): SampleData {
  return {
    sample: { type: 'metastasis', site: 'liver', ...s, ...(variants ? { variants: { file: `${s.id}.vcf`, ...(meanDepth ? { meanDepth } : {}) } } : {}) },
    variants,
    regions,
    cytometry: null,
  };
}

export function caseOf(samples: SampleData[], treatments: CaseFile['treatments'] = []): CaseData {
  return { case: { patient: { id: 'SYN-TEST' }, samples: samples.map((s) => s.sample), treatments }, samples };
}
