/**
 * Helpers shared by the renderers: escaping, citation links, labels and small guards. Pure.
 */
import type { AnalysisResult, Citation, SampleAnalysis } from '@her2scope/core';
import { formatPercent } from '@her2scope/core/reads';

/** HTML/XML text and attribute escaping: every value that comes from data goes through here. */
export function esc(value: unknown): string {
  const text: unknown = value ?? '';
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Only http(s) links leave the report; anything else (javascript:, data:, relative) is dropped. */
export function safeUrl(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * Where a citation can be read: its own URL when it has one, else PubMed for a PMID, doi.org for a DOI (also a DOI
 * written inside a guideline's text, e.g. "doi:10.1200/JCO.2018.77.8738"), else nothing.
 */
export function citationUrl(c: Citation): string | null {
  const own = safeUrl(c.url);
  if (own) return own;
  if (c.type === 'pmid') {
    const m = /^(?:PMID:)?\s*(\d{1,9})$/i.exec(c.id.trim());
    if (m) return `https://pubmed.ncbi.nlm.nih.gov/${m[1]}/`;
  }
  const doi = c.type === 'doi' ? c.id.replace(/^doi:\s*/i, '') : /\bdoi:\s*(10\.\d{4,9}\/[^\s,;)]+)/i.exec(c.text)?.[1];
  if (doi && /^10\.\d{4,9}\/\S+$/.test(doi)) return `https://doi.org/${doi.split('/').map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/')}`;
  return null;
}

/** `31%`, `0.2%` — the VAF as the analysis and the CLI print it (core's percent formatter; never `0.00`). */
export function vafText(vaf: number | null): string {
  return vaf === null ? 'n/a' : formatPercent(vaf);
}

export const ORIGIN_LABEL: Record<string, string> = {
  'pre-existing': 'pre-existing',
  acquired: 'acquired',
  'not-evaluable-earlier': 'not evaluable earlier (no earlier sample could have detected it)',
  'first-sample': 'first sample (no earlier sample)',
  germline: 'germline (alt reads in the matched normal)',
  'clonal-haematopoiesis': 'clonal haematopoiesis (CHIP: in the white cells, not the tumour)',
};

/** A UTC date from `YYYY-MM-DD`. */
export function utcDate(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

export function her2Label(s: SampleAnalysis): string {
  const h = s.classification?.her2;
  if (!s.classification) return 'no pathology';
  if (!h) return 'not tested';
  return `${h.category} (${h.status})`;
}

export function erLabel(s: SampleAnalysis): string {
  const er = s.classification?.er;
  if (!er) return 'no pathology';
  return `${er.status}${er.percent !== null ? ` (${er.percent}%)` : ''}`;
}

export function prLabel(s: SampleAnalysis): string {
  const pr = s.classification?.pr;
  if (!pr) return 'no pathology';
  return `${pr.status}${pr.percent !== null ? ` (${pr.percent}%)` : ''}`;
}

/** `3.0%` for fractions, with more digits for rare populations. */
export function percentText(fraction: number | null): string {
  if (fraction === null) return 'n/a';
  const p = fraction * 100;
  return `${p === 0 ? '0' : p < 0.1 ? p.toPrecision(2) : p < 10 ? p.toFixed(2) : p.toFixed(1)}%`;
}

/** The latest sample the result's therapy options are about. */
export function latestSample(r: AnalysisResult): SampleAnalysis | undefined {
  return r.samples.find((s) => s.id === r.latestSample) ?? r.samples[r.samples.length - 1];
}

/** Evidence levels on the CIViC scale (Griffith M et al., Nat Genet 2017;49:170-174, PMID 28138153). */
export const LEVEL_MEANING: Record<string, string> = {
  A: 'validated association: FDA-approved or in professional guidelines',
  B: 'clinical evidence: clinical trial or other clinical data',
  C: 'case study',
  D: 'preclinical evidence',
  E: 'inferential association',
};

export const SEX_LABEL: Record<string, string> = { F: 'female', M: 'male', X: 'other / not stated' };
