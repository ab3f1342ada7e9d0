/**
 * A small knowledge base for the issue-14 clinical scenarios: the same shape as the bundled one (curated entries with
 * context, CIViC items with and without a curated review, oncogenicity rules, polymorphisms, drug classes). Citations
 * are the real ones of the bundled KB; the entries are deliberately few, so that each test shows one rule.
 */
import type { Citation, KbEntry, KnowledgeBase } from '../../src/index.ts';

const BRCA: KbEntry['tumorType'] = { oncotree: 'BRCA', name: 'Invasive Breast Carcinoma' };
const cite = (id: string, text: string, type: Citation['type'] = 'label'): Citation => ({ type, id, text });
const civic = (eid: string): Citation => ({ type: 'civic', id: eid, text: `CIViC evidence item ${eid} (CIViC release 01-Aug-2021; CC0)` });
const reviewed = (reason: string) => ({ reason, citations: [cite('CURATION', 'her2scope curation notes', 'other')] });

function entry(e: Partial<KbEntry> & Pick<KbEntry, 'id' | 'gene' | 'alteration' | 'therapies'>): KbEntry {
  return { tumorType: BRCA, context: {}, effect: 'biomarker', summary: `${e.id} summary.`, citations: [cite(`SRC:${e.id}`, `source of ${e.id}`, 'other')], origin: 'curated', sourceDate: '2026-12-01', ...e };
}
const civicEntry = (e: Partial<KbEntry> & Pick<KbEntry, 'id' | 'gene' | 'alteration' | 'therapies'>): KbEntry =>
  entry({ origin: 'civic', sourceDate: '2021-08-01', citations: [civic(e.id.replace('civic:', ''))], ...e });

const sens = (name: string, level: 'A' | 'B' | 'C' | 'D' | 'E', drugs = name.split(' + ')) => ({ name, drugs, direction: 'sensitivity' as const, level });
const res = (name: string, level: 'A' | 'B' | 'C' | 'D' | 'E', drugs = name.split(' + ')) => ({ name, drugs, direction: 'resistance' as const, level });
const protein = (hgvsp: string) => ({ kind: 'protein' as const, hgvsp, label: hgvsp.slice(2) });
const category = (c: string) => ({ kind: 'her2-category' as const, label: c, categories: [c] });
const MISSENSE_ETC = ['missense_variant', 'inframe_insertion', 'inframe_deletion', 'stop_gained', 'frameshift_variant'];
const TRUNCATING = ['stop_gained', 'frameshift_variant', 'splice_acceptor_variant', 'splice_donor_variant'];
const ENDOCRINE_MET = { hr: 'positive' as const, her2: 'negative' as const, settings: ['metastatic' as const], priorAnyOf: ['endocrine-therapy' as const] };

export const SCENARIO_KB: KnowledgeBase = {
  version: 'scenario-1',
  sources: [{ name: 'scenario', version: '1', licence: 'Apache-2.0', citation: 'test fixture' }],
  entries: [
    // ESR1: one entry, three oral SERD/PROTAC regimens, each with its own label citation.
    entry({
      id: 'curated:esr1-y537s',
      gene: 'ESR1',
      alteration: protein('p.Y537S'),
      context: { ...ENDOCRINE_MET, label: 'metastatic, after >=1 endocrine therapy' },
      therapies: [sens('elacestrant', 'A'), sens('imlunestrant', 'A')],
      citations: [cite('FDA:Orserdu:2023-01', 'FDA label: Orserdu (elacestrant), Jan 2023'), cite('FDA:Inluriyo:2025-09-25', 'FDA label: Inluriyo (imlunestrant), 25 Sep 2025'), cite('PMID:24185512', 'Toy W et al., 2013, Nat Genet (ESR1 LBD mutations)', 'pmid')],
    }),
    civicEntry({ id: 'civic:EID246', gene: 'ESR1', alteration: protein('p.Y537S'), effect: 'resistance', therapies: [res('hormone therapy', 'C')] }),
    civicEntry({ id: 'civic:EID243', gene: 'ESR1', alteration: protein('p.D538G'), effect: 'resistance', therapies: [res('hormone therapy', 'C')] }),
    // PIK3CA: curated hotspot entry and CIViC's generic "MUTATION" item (SOLAR-1) without review.
    entry({ id: 'curated:pik3ca-h1047r', gene: 'PIK3CA', alteration: protein('p.H1047R'), context: { ...ENDOCRINE_MET, label: 'metastatic, after endocrine therapy' }, therapies: [sens('alpelisib + fulvestrant', 'A')] }),
    civicEntry({ id: 'civic:EID7313', gene: 'PIK3CA', alteration: { kind: 'consequence', label: 'PIK3CA mutation', consequences: MISSENSE_ETC }, therapies: [sens('fulvestrant + alpelisib', 'A')] }),
    civicEntry({ id: 'civic:EID710', gene: 'PIK3CA', alteration: protein('p.E545K'), therapies: [sens('pictilisib', 'D')] }),
    civicEntry({ id: 'civic:EID2034', gene: 'PIK3CA', alteration: protein('p.E545K'), therapies: [sens('pictilisib bismesylate', 'D')] }),
    civicEntry({ id: 'civic:EID1610', gene: 'PIK3CA', alteration: protein('p.E545K'), therapies: [sens('mtor inhibitor', 'C')], review: reviewed('class-level evidence') }),
    // ERBB2 mutations.
    entry({
      id: 'curated:erbb2-l755s',
      gene: 'ERBB2',
      alteration: protein('p.L755S'),
      effect: 'activating',
      context: { her2: 'negative', settings: ['metastatic'], label: 'HER2-non-amplified metastatic' },
      therapies: [sens('neratinib', 'B'), sens('neratinib + fulvestrant', 'B'), res('fulvestrant', 'C')],
    }),
    entry({ id: 'curated:erbb2-t798i', gene: 'ERBB2', alteration: protein('p.T798I'), effect: 'resistance', therapies: [res('neratinib', 'C')] }),
    civicEntry({
      id: 'civic:EID5338',
      gene: 'ERBB2',
      alteration: { kind: 'consequence', label: 'ERBB2 mutation', consequences: MISSENSE_ETC },
      context: { settings: ['metastatic'] },
      review: reviewed('metastatic HER2-mutant breast cancer (Ma 2017)'),
      therapies: [sens('neratinib', 'B')],
    }),
    // HER2-positive.
    entry({ id: 'curated:her2pos-thp', gene: 'ERBB2', alteration: category('HER2-positive'), context: { her2: 'positive', settings: ['metastatic'], line: { max: 1 }, label: '1L metastatic' }, therapies: [sens('pertuzumab + trastuzumab + docetaxel', 'A')] }),
    entry({ id: 'curated:her2pos-trastuzumab', gene: 'ERBB2', alteration: category('HER2-positive'), context: { her2: 'positive', settings: ['early', 'metastatic'], label: 'adjuvant, or metastatic with chemotherapy' }, therapies: [sens('trastuzumab', 'A')] }),
    entry({ id: 'curated:her2pos-tdxd', gene: 'ERBB2', alteration: category('HER2-positive'), context: { her2: 'positive', settings: ['metastatic'], line: { min: 2 }, priorAnyOf: ['anti-her2'], label: 'after >=1 anti-HER2 regimen' }, therapies: [sens('trastuzumab deruxtecan', 'A')] }),
    entry({ id: 'curated:her2pos-neratinib-extended-adjuvant', gene: 'ERBB2', alteration: category('HER2-positive'), context: { her2: 'positive', settings: ['early'], priorAnyOf: ['anti-her2-antibody'], label: 'extended adjuvant' }, therapies: [sens('neratinib', 'A')] }),
    civicEntry({ id: 'civic:EID1113', gene: 'ERBB2', alteration: category('HER2-positive'), context: { her2: 'positive', settings: ['early'] }, review: reviewed('ExteNET: extended adjuvant only'), therapies: [sens('neratinib', 'A')] }),
    civicEntry({ id: 'civic:EID761', gene: 'ERBB2', alteration: category('HER2-positive'), context: { her2: 'positive' }, therapies: [sens('neratinib', 'B')] }),
    // HER2-low / ultralow.
    entry({ id: 'curated:her2low-tdxd', gene: 'ERBB2', alteration: category('HER2-low'), context: { settings: ['metastatic'], label: 'metastatic, after chemotherapy' }, therapies: [sens('trastuzumab deruxtecan', 'A')] }),
    entry({ id: 'curated:her2low-trastuzumab-nsabp-b47', gene: 'ERBB2', alteration: category('HER2-low'), context: { settings: ['early'] }, therapies: [{ name: 'trastuzumab', drugs: ['trastuzumab'], direction: 'no-benefit', level: 'B' }], citations: [cite('PMID:31821109', 'Fehrenbacher L et al., J Clin Oncol 2020 (NSABP B-47)', 'pmid')] }),
    entry({ id: 'curated:her2ultralow-tdxd', gene: 'ERBB2', alteration: category('HER2-ultralow'), context: { hr: 'positive', settings: ['metastatic'] }, therapies: [sens('trastuzumab deruxtecan', 'A')] }),
    // BRCA1: PARP inhibitors for germline variants only; CIViC generic items.
    entry({ id: 'curated:brca1-germline-olaparib', gene: 'BRCA1', alteration: { kind: 'consequence', label: 'BRCA1 germline pathogenic', consequences: TRUNCATING }, context: { her2: 'negative', settings: ['metastatic'], germline: true, label: 'germline BRCA, metastatic' }, therapies: [sens('olaparib', 'A')] }),
    civicEntry({ id: 'civic:EID5830', gene: 'BRCA1', alteration: { kind: 'consequence', label: 'BRCA1 mutation', consequences: MISSENSE_ETC }, therapies: [sens('olaparib', 'B')] }),
    civicEntry({ id: 'civic:EID1684', gene: 'BRCA1', alteration: { kind: 'consequence', label: 'BRCA1 mutation', consequences: MISSENSE_ETC }, context: { hr: 'negative', her2: 'negative' }, therapies: [sens('cisplatin', 'B')] }),
  ],
  oncogenicity: {
    genes: [
      { gene: 'PIK3CA', rules: [{ kind: 'hotspots', hgvsp: ['p.E542K', 'p.E545K', 'p.H1047R'], classification: 'oncogenic', citations: [cite('OncoKB:PIK3CA-SOLAR1', 'SOLAR-1/therascreen list', 'other')] }] },
      { gene: 'ESR1', rules: [{ kind: 'hotspots', hgvsp: ['p.Y537S', 'p.D538G'], classification: 'oncogenic', citations: [cite('PMID:24185512', 'Toy 2013', 'pmid')] }] },
      { gene: 'ERBB2', rules: [{ kind: 'hotspots', hgvsp: ['p.L755S', 'p.V777L'], classification: 'oncogenic', citations: [cite('PMID:23220880', 'Bose 2013', 'pmid')] }] },
      { gene: 'BRCA1', rules: [{ kind: 'loss-of-function', consequences: TRUNCATING, classification: 'likely-oncogenic', citations: [cite('LoF', 'truncating BRCA1', 'other')] }] },
    ],
    polymorphisms: [
      { gene: 'ERBB2', hgvsp: 'p.I655V', rsid: 'rs1136201', note: 'common germline polymorphism', citations: [cite('PMID:21474413', 'Dahabreh 2011', 'pmid')] },
      { gene: 'BRCA1', hgvsp: 'p.P871L', rsid: 'rs799917', note: 'common germline polymorphism', citations: [cite('PMID:8776600', 'Durocher 1996', 'pmid')] },
    ],
  },
  drugClasses: {
    classes: [
      { id: 'anti-her2', label: 'HER2-directed therapy', synonyms: [] },
      { id: 'anti-her2-antibody', label: 'Anti-HER2 antibody', parent: 'anti-her2', synonyms: [] },
      { id: 'anti-her2-adc', label: 'Anti-HER2 ADC', parent: 'anti-her2', synonyms: [] },
      { id: 'anti-her2-tki', label: 'HER2 TKI', parent: 'anti-her2', synonyms: [] },
      { id: 'pi3k-akt-mtor-inhibitor', label: 'PI3K/AKT/mTOR inhibitor', synonyms: [] },
      { id: 'pi3k-inhibitor', label: 'PI3K inhibitor', parent: 'pi3k-akt-mtor-inhibitor', synonyms: [] },
      { id: 'mtor-inhibitor', label: 'mTOR inhibitor', parent: 'pi3k-akt-mtor-inhibitor', synonyms: ['mtor inhibitor'] },
      { id: 'parp-inhibitor', label: 'PARP inhibitor', synonyms: [] },
      { id: 'endocrine-therapy', label: 'Endocrine (hormone) therapy', synonyms: ['hormone therapy'] },
      { id: 'aromatase-inhibitor', label: 'Aromatase inhibitor', parent: 'endocrine-therapy', synonyms: ['aromatase inhibitor'] },
      { id: 'serm', label: 'SERM', parent: 'endocrine-therapy', synonyms: [] },
      { id: 'serd', label: 'SERD', parent: 'endocrine-therapy', synonyms: [] },
      { id: 'oral-serd', label: 'Oral SERD', parent: 'serd', synonyms: [] },
      { id: 'chemotherapy', label: 'Chemotherapy', synonyms: [] },
      { id: 'platinum', label: 'Platinum', parent: 'chemotherapy', synonyms: [] },
    ],
    drugs: [
      ['trastuzumab', ['anti-her2-antibody']],
      ['pertuzumab', ['anti-her2-antibody']],
      ['trastuzumab deruxtecan', ['anti-her2-adc']],
      ['neratinib', ['anti-her2-tki']],
      ['alpelisib', ['pi3k-inhibitor']],
      ['pictilisib', ['pi3k-inhibitor'], ['pictilisib bismesylate', 'GDC-0941']],
      ['olaparib', ['parp-inhibitor']],
      ['tamoxifen', ['serm']],
      ['fulvestrant', ['serd']],
      ['elacestrant', ['oral-serd']],
      ['imlunestrant', ['oral-serd']],
      ['letrozole', ['aromatase-inhibitor']],
      ['docetaxel', ['chemotherapy']],
      ['paclitaxel', ['chemotherapy']],
      ['cisplatin', ['platinum']],
    ].map(([name, classes, synonyms]) => ({ name: name as string, classes: classes as never, synonyms: (synonyms as string[] | undefined) ?? [], citations: [cite('ATC', 'WHO ATC', 'other')] })),
  },
};
