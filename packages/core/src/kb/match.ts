/**
 * Matching sample data to knowledge-base entries. Pure: the KB is passed in, never loaded here.
 */
import type { ClassificationResult } from '../classification/types.ts';
import type { VariantCall } from '../variants/types.ts';
import type { KbEntry, KnowledgeBase } from './schema.ts';

/** First codon number of a short protein HGVS (`p.L755S` -> 755, `p.Y772_A775dup` -> 772). */
export function codonOf(hgvsp: string | null): number | null {
  const m = hgvsp ? /^p\.[A-Z*](\d+)/.exec(hgvsp) : null;
  return m ? Number(m[1]) : null;
}

/** Does the variant carry this entry's alteration? */
export function variantMatches(entry: KbEntry, v: VariantCall): boolean {
  if (entry.gene !== v.gene) return false;
  const a = entry.alteration;
  switch (a.kind) {
    case 'protein':
      return v.hgvsp === a.hgvsp;
    case 'range': {
      const codon = codonOf(v.hgvsp);
      return codon !== null && codon >= a.start && codon <= a.end && a.consequences.includes(v.consequence);
    }
    case 'consequence':
      return a.consequences.includes(v.consequence);
    default:
      return false;
  }
}

export function variantEntries(kb: KnowledgeBase, v: VariantCall): KbEntry[] {
  return kb.entries.filter((e) => variantMatches(e, v));
}

/** Entries matched by the sample's HER2 category (classification) or its cytometry stem-cell finding. */
export function statusEntries(kb: KnowledgeBase, classification: ClassificationResult | null, hiddenHer2StemCells: boolean): KbEntry[] {
  const category = classification?.her2?.category;
  return kb.entries.filter((e) => {
    if (e.alteration.kind === 'her2-category') return category !== undefined && e.alteration.categories.includes(category);
    if (e.alteration.kind === 'her2-stem-cells') return hiddenHer2StemCells;
    return false;
  });
}

export type ContextFit = 'fits' | 'does-not-fit' | 'unknown';

/** Whether the sample meets the entry's clinical context (HR and HER2 status). */
export function contextFit(entry: KbEntry, classification: ClassificationResult | null): ContextFit {
  const want = entry.context ?? {};
  let unknown = false;
  if (want.hr) {
    const er = classification?.er.status ?? 'not-tested';
    const pr = classification?.pr.status ?? 'not-tested';
    if (er === 'not-tested' && pr === 'not-tested') unknown = true;
    else {
      const hr = er === 'positive' || er === 'low-positive' || pr === 'positive' ? 'positive' : 'negative';
      if (hr !== want.hr) return 'does-not-fit';
    }
  }
  if (want.her2) {
    const status = classification?.her2?.status;
    if (status === undefined || status === 'equivocal') unknown = true;
    else if (status !== want.her2) return 'does-not-fit';
  }
  return unknown ? 'unknown' : 'fits';
}

/** The genes the KB knows, for choosing which variants are findings. */
export function kbGenes(kb: KnowledgeBase): Set<string> {
  return new Set(kb.entries.map((e) => e.gene));
}
