/** Small pure helpers for display (tested in packages/web/test). */
import type { Citation } from '@her2scope/core';

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function formatVaf(vaf: number | null): string {
  return vaf === null ? '—' : vaf.toFixed(2);
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

/** Where a citation links to: its own URL, else PubMed for a PMID; null when there is no stable address. */
export function citationHref(c: Pick<Citation, 'type' | 'id' | 'url'>): string | null {
  if (c.url && /^https:\/\//.test(c.url)) return c.url;
  if (c.type === 'pmid') {
    const m = /(\d{4,9})/.exec(c.id);
    if (m) return `https://pubmed.ncbi.nlm.nih.gov/${m[1]}/`;
  }
  return null;
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
