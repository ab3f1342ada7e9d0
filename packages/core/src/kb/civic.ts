/**
 * Turns CIViC clinical evidence rows (the ClinicalEvidenceSummaries.tsv export, CC0) into her2scope KB entries for
 * breast cancer, keeping CIViC evidence ids, levels and PMIDs. Pure: the caller reads the TSV and the OncoTree table.
 * CIViC data model v1 (01-Aug-2021 release): gene, variant, disease, drugs, drug_interaction_type, evidence_type,
 * evidence_direction, evidence_level, clinical_significance, citation_id, source_type, citation, evidence_id, ...
 */
import type { Alteration, Citation, KbEntry, Therapy } from './schema.ts';
import { missingValue } from '../errors.ts';

/**
 * CIViC disease names (Disease Ontology terms) that are breast cancer, mapped to OncoTree codes (OncoTree, MSKCC,
 * CC BY 4.0) and to the receptor context the disease name implies.
 */
export const CIVIC_BREAST_DISEASES: Record<string, { oncotree: string; context: KbEntry['context'] }> = {
  'Breast Cancer': { oncotree: 'BREAST', context: {} },
  'Breast Carcinoma': { oncotree: 'BRCA', context: {} },
  'Her2-receptor Positive Breast Cancer': { oncotree: 'BRCA', context: { her2: 'positive' } },
  'Her2-receptor Negative Breast Cancer': { oncotree: 'BRCA', context: { her2: 'negative' } },
  'Estrogen-receptor Positive Breast Cancer': { oncotree: 'BRCA', context: { hr: 'positive' } },
  'Triple-receptor Negative Breast Cancer': { oncotree: 'BRCA', context: { hr: 'negative', her2: 'negative' } },
  'Inflammatory Breast Carcinoma': { oncotree: 'IBC', context: {} },
};

/** Sequence Ontology terms for protein-altering variants (CIViC "MUTATION"). */
export const PROTEIN_ALTERING = [
  'missense_variant',
  'inframe_insertion',
  'inframe_deletion',
  'protein_altering_variant',
  'stop_gained',
  'frameshift_variant',
  'splice_acceptor_variant',
  'splice_donor_variant',
  'start_lost',
  'stop_lost',
];

/** Sequence Ontology terms for truncating (loss-of-function) variants (CIViC "LOSS" of a tumour suppressor). */
export const TRUNCATING = ['stop_gained', 'frameshift_variant', 'splice_acceptor_variant', 'splice_donor_variant', 'start_lost'];

export interface CivicImportReport {
  entries: KbEntry[];
  /** Rows left out, with the reason, so that nothing is dropped silently. */
  skipped: Array<{ evidenceId: string; reason: string }>;
}

const TUMOUR_SUPPRESSORS = new Set(['PTEN', 'TP53', 'RB1', 'NF1', 'NF2', 'BRCA1', 'BRCA2', 'CDH1']);

/** CIViC variant name -> alteration, or a reason why it cannot be matched from sequencing/pathology data. */
export function civicAlteration(gene: string, variant: string): Alteration | string {
  const v = variant.trim();
  let m = /^([A-Z])(\d+)([A-Z*])$/.exec(v);
  if (m) return { kind: 'protein', hgvsp: `p.${m[1]}${m[2]}${m[3]}`, label: v };
  m = /^([A-Z])(\d+)_([A-Z])(\d+)(del|dup)$/i.exec(v);
  if (m) return { kind: 'protein', hgvsp: `p.${m[1]}${m[2]}_${m[3]}${m[4]}${(m[5] ?? missingValue('m[5]')).toLowerCase()}`, label: v };
  m = /^([A-Z])(\d+)INS$/i.exec(v);
  if (m) return { kind: 'range', label: v, start: Number(m[2]), end: Number(m[2]), consequences: ['inframe_insertion'] };
  const upper = v.toUpperCase();
  if (gene === 'ERBB2' && (upper === 'AMPLIFICATION' || upper === 'OVEREXPRESSION')) {
    return { kind: 'her2-category', label: `ERBB2 ${v.toLowerCase()} (HER2-positive)`, categories: ['HER2-positive'] };
  }
  if (upper === 'MUTATION') return { kind: 'consequence', label: `${gene} mutation`, consequences: PROTEIN_ALTERING };
  if (upper === 'LOSS' && TUMOUR_SUPPRESSORS.has(gene)) {
    return { kind: 'consequence', label: `${gene} loss (truncating variants)`, consequences: TRUNCATING };
  }
  return `variant '${v}' is not matchable from variant calls or HER2 status`;
}

function therapiesOf(row: Record<string, string>, direction: Therapy['direction'], level: Therapy['level']): Therapy[] {
  const drugs = (row.drugs ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  if (drugs.length === 0) return [];
  if (drugs.length > 1 && row.drug_interaction_type === 'Combination') {
    return [{ name: drugs.map((d) => d.toLowerCase()).join(' + '), drugs: drugs.map((d) => d.toLowerCase()), direction, level }];
  }
  return drugs.map((d) => ({ name: d.toLowerCase(), drugs: [d.toLowerCase()], direction, level }));
}

/**
 * Convert CIViC ClinicalEvidenceSummaries rows. Keeps accepted Predictive evidence that supports sensitivity or
 * resistance, in breast-cancer diseases, for alterations her2scope can match.
 */
export function importCivicEvidence(rows: ReadonlyArray<Record<string, string>>, oncotreeNames: ReadonlyMap<string, string>, release: string): CivicImportReport {
  const entries: KbEntry[] = [];
  const skipped: CivicImportReport['skipped'] = [];
  for (const row of rows) {
    const eid = `EID${row.evidence_id}`;
    const disease = CIVIC_BREAST_DISEASES[row.disease ?? ''];
    if (!disease) continue; // not breast cancer: out of scope, not counted
    const skip = (reason: string) => skipped.push({ evidenceId: eid, reason });
    if (row.evidence_status && row.evidence_status !== 'accepted') {
      skip(`status ${row.evidence_status}`);
      continue;
    }
    if (row.evidence_type !== 'Predictive') {
      skip(`${row.evidence_type} evidence (only predictive evidence gives therapy options)`);
      continue;
    }
    if (row.evidence_direction !== 'Supports') {
      skip(`evidence direction '${row.evidence_direction}'`);
      continue;
    }
    const significance = row.clinical_significance;
    const direction = significance === 'Sensitivity/Response' ? 'sensitivity' : significance === 'Resistance' ? 'resistance' : null;
    if (!direction) {
      skip(`clinical significance '${significance}'`);
      continue;
    }
    const level = row.evidence_level as Therapy['level'];
    if (!['A', 'B', 'C', 'D', 'E'].includes(level)) {
      skip(`evidence level '${level}'`);
      continue;
    }
    const gene = row.gene ?? '';
    const alteration = civicAlteration(gene, row.variant ?? '');
    if (typeof alteration === 'string') {
      skip(alteration);
      continue;
    }
    const therapies = therapiesOf(row, direction, level);
    if (therapies.length === 0) {
      skip('no drugs');
      continue;
    }
    const oncotreeName = oncotreeNames.get(disease.oncotree);
    if (!oncotreeName) throw new Error(`OncoTree code ${disease.oncotree} is missing from the OncoTree table`);
    const citations: Citation[] = [
      { type: 'civic', id: eid, text: `CIViC evidence item ${eid} (level ${level}; CIViC release ${release}; CC0)`, ...(row.evidence_civic_url ? { url: row.evidence_civic_url } : {}) },
    ];
    if (row.citation_id) {
      const pubmed = row.source_type === 'PubMed';
      citations.push({
        type: pubmed ? 'pmid' : 'other',
        id: pubmed ? `PMID:${row.citation_id}` : `${row.source_type ?? 'source'}:${row.citation_id}`,
        text: row.citation || row.citation_id,
        ...(pubmed ? { url: `https://pubmed.ncbi.nlm.nih.gov/${row.citation_id}/` } : {}),
      });
    }
    entries.push({
      id: `civic:${eid}`,
      gene,
      alteration,
      tumorType: { oncotree: disease.oncotree, name: oncotreeName },
      context: disease.context,
      effect: direction === 'resistance' ? 'resistance' : 'biomarker',
      therapies,
      summary: row.evidence_statement || `${gene} ${row.variant}: ${significance} to ${row.drugs}`,
      citations,
      origin: 'civic',
    });
  }
  return { entries, skipped };
}
