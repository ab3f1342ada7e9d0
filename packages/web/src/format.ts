/** Small pure helpers for display (tested in packages/web/test). */
import type { Citation, TherapyOption } from '@her2scope/core';
import { formatPercent as formatVafPercent } from '@her2scope/core/reads';

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A VAF as the analysis, CLI and reports print it (core's percent formatter: 31%, 0.2%; never 0.00). */
export function formatVaf(vaf: number | null): string {
  return vaf === null ? '—' : formatVafPercent(vaf);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * Where a citation links to, built from the citation's id (never from free text a user could have typed):
 * - CIViC evidence `EID<n>`: the current CIViC address `https://civicdb.org/evidence/<n>/summary` (the KB's stored
 *   `civic.genome.wustl.edu/links/...` addresses are from the 2021 export; the summary path is the one the CIViC
 *   documentation links to, e.g. civic-docs "EID1" -> civicdb.org/evidence/1/summary);
 * - PubMed for a PMID; doi.org for a DOI (also a `doi:10....` inside a guideline's text);
 * - an FDA label (`FDA:<Brand>[:<date>]`): the DailyMed label search for the brand name (NLM's site for FDA labels);
 * - a trial `NCT<8 digits>`: ClinicalTrials.gov;
 * - else the citation's own https URL; null when there is no stable address.
 */
export function citationHref(c: Pick<Citation, 'type' | 'id' | 'url'> & { text?: string }): string | null {
  const id = c.id.trim();
  if (c.type === 'civic') {
    const m = /^EID(\d{1,9})$/i.exec(id);
    if (m) return `https://civicdb.org/evidence/${m[1]}/summary`;
  }
  if (c.type === 'pmid') {
    const m = /^(?:PMID:)?\s*(\d{1,9})$/i.exec(id);
    if (m) return `https://pubmed.ncbi.nlm.nih.gov/${m[1]}/`;
  }
  const doi = c.type === 'doi' ? id.replace(/^doi:\s*/i, '') : c.type === 'guideline' && c.text ? /\bdoi:\s*(10\.\d{4,9}\/[^\s,;)]+)/i.exec(c.text)?.[1] : undefined;
  if (doi && /^10\.\d{4,9}\/\S+$/.test(doi)) return `https://doi.org/${doi.split('/').map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/')}`;
  if (c.type === 'label') {
    const m = /^FDA:([A-Za-z][A-Za-z0-9 -]{0,60})(?::|$)/.exec(id);
    if (m?.[1]) return `https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=${encodeURIComponent(m[1])}`;
  }
  if (c.type === 'trial') {
    const m = /^(NCT\d{8})$/i.exec(id);
    if (m?.[1]) return `https://clinicaltrials.gov/study/${m[1].toUpperCase()}`;
  }
  if (c.url && /^https:\/\/[^\s"'<>]+$/.test(c.url) && !/^https:\/\/civic\.genome\.wustl\.edu\//.test(c.url)) return c.url;
  return null;
}

/** The kind of place a citation link goes to, as shown next to it. */
export function citationKind(c: Pick<Citation, 'type'>): string {
  switch (c.type) {
    case 'pmid':
      return 'PubMed';
    case 'civic':
      return 'CIViC';
    case 'label':
      return 'FDA label';
    case 'doi':
      return 'DOI';
    case 'trial':
      return 'trial';
    case 'guideline':
      return 'guideline';
    default:
      return 'source';
  }
}

export const ORIGIN_LABELS: Record<string, string> = {
  acquired: 'acquired',
  'pre-existing': 'pre-existing',
  'not-evaluable-earlier': 'not evaluable earlier',
  'first-sample': 'first sample',
  germline: 'germline',
  'clonal-haematopoiesis': 'clonal haematopoiesis (CHIP)',
};

/** CSS class of the HER2 category chip. */
export function her2Class(category: string | null | undefined): string {
  switch (category) {
    case 'HER2-positive':
      return 'her2-pos';
    case 'HER2-low':
      return 'her2-low';
    case 'HER2-ultralow':
      return 'her2-ultralow';
    case 'pending':
      return 'her2-pending';
    case null:
    case undefined:
      return 'her2-none';
    default:
      return 'her2-zero';
  }
}

/** The level as shown: an option pending confirmation reads "A if ISH confirms" (the web's one copy of core analysis/display.ts optionLevelText, which the app does not bundle). */
export function levelText(o: Pick<TherapyOption, 'level' | 'pending'>): string {
  if (!o.pending) return o.level;
  return `${o.level} if ${o.pending.kind === 'her2-ish' ? 'ISH confirms' : 'HR status confirms'}`;
}
