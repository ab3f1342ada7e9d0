/**
 * Which variants can carry therapy evidence:
 * - germline: alt support in the matched normal (>= 2 alt reads, or a normal VAF >= 0.05 when only a fraction is
 *   given) marks a germline variant, not a somatic finding (a somatic call needs the normal to be free of the
 *   allele; a germline heterozygous variant shows a normal VAF near 0.5). Germline variants carry only evidence that
 *   asks for a germline alteration (e.g. PARP inhibitors and germline BRCA1/2: OlympiAD, EMBRACA; FDA labels of
 *   olaparib and talazoparib).
 * - polymorphism: population allele frequency > 1% (gnomAD fields in the annotation) or on the KB's cited list of
 *   common polymorphisms (data/oncogenicity.json): never actionable. The 1% cut-off is the conventional
 *   polymorphism definition used by ACMG/AMP (Richards S et al., Genet Med 2015;17:405-424, BA1 uses 5%; BS1 "greater
 *   than expected"); her2scope uses the stricter 1% the issue asks for.
 * - oncogenic / likely-oncogenic: matched by a cited per-gene rule of the KB (hotspot list, codon range, loss of
 *   function); every other variant is a VUS. Generic KB items (codon ranges, "any mutation") apply only to
 *   oncogenic / likely-oncogenic variants; items naming the exact protein change apply to it directly.
 */
import { codonOf } from '../kb/match.ts';
import type { Citation, KnowledgeBase } from '../kb/schema.ts';
import type { VariantCall } from '../variants/types.ts';
import { formatPercent } from '../reads/index.ts';

export type Oncogenicity = 'oncogenic' | 'likely-oncogenic' | 'vus' | 'polymorphism';

/** Population allele frequency above which a variant is a polymorphism. */
export const POLYMORPHISM_AF = 0.01;
/**
 * Alt reads in the matched normal that make a variant germline. A her2scope design rule, not a published cut-off:
 * more than one read rules out a single sequencing error (see the reasoning at the top of this file).
 */
export const NORMAL_ALT_READS = 2;
/** Normal VAF that makes a variant germline when the normal's read counts are not given (her2scope design rule, no external source). */
export const NORMAL_VAF = 0.05;

export interface VariantClass {
  oncogenicity: Oncogenicity;
  /** Why, with the rule's citation ids. */
  reason: string;
  citations: Citation[];
}

export function isGermline(v: VariantCall): { germline: boolean; reason: string } {
  if (v.normalAltCount !== undefined && v.normalAltCount !== null) {
    const depth = v.normalDepth ?? null;
    const text = `${v.normalAltCount} alt read${v.normalAltCount === 1 ? '' : 's'}${depth !== null ? ` of ${depth}` : ''} in the matched normal`;
    return v.normalAltCount >= NORMAL_ALT_READS ? { germline: true, reason: `germline: ${text}` } : { germline: false, reason: text };
  }
  if (v.normalVaf !== undefined && v.normalVaf !== null) {
    const text = `VAF ${formatPercent(v.normalVaf)} in the matched normal`;
    return v.normalVaf >= NORMAL_VAF ? { germline: true, reason: `germline: ${text}` } : { germline: false, reason: text };
  }
  return { germline: false, reason: '' };
}

export function classifyVariant(kb: Pick<KnowledgeBase, 'oncogenicity'>, v: VariantCall): VariantClass {
  const file = kb.oncogenicity;
  const poly = file?.polymorphisms.find((p) => p.gene === v.gene && p.hgvsp === v.hgvsp);
  if (poly) return { oncogenicity: 'polymorphism', reason: `common polymorphism${poly.rsid ? ` ${poly.rsid}` : ''}: ${poly.note}`, citations: poly.citations };
  if (v.populationAf !== undefined && v.populationAf !== null && v.populationAf > POLYMORPHISM_AF) {
    return { oncogenicity: 'polymorphism', reason: `population allele frequency ${v.populationAf} > ${POLYMORPHISM_AF} (gnomAD, from the annotation)`, citations: [] };
  }
  const rules = file?.genes.find((g) => g.gene === v.gene)?.rules ?? [];
  for (const r of rules) {
    let hit = false;
    let what = '';
    if (r.kind === 'hotspots') {
      hit = v.hgvsp !== null && r.hgvsp.includes(v.hgvsp);
      what = 'listed hotspot';
    } else if (r.kind === 'range') {
      const codon = codonOf(v.hgvsp);
      hit = codon !== null && codon >= r.start && codon <= r.end && r.consequences.includes(v.consequence);
      what = `${v.consequence} in codons ${r.start}-${r.end}`;
    } else {
      hit = r.consequences.includes(v.consequence);
      what = `loss of function (${v.consequence})`;
    }
    if (hit) return { oncogenicity: r.classification, reason: `${r.classification}: ${what} (${r.citations.map((c) => c.id).join('; ')})`, citations: r.citations };
  }
  return { oncogenicity: 'vus', reason: rules.length ? `VUS: not matched by the ${v.gene} oncogenicity rules` : `VUS: the KB has no oncogenicity rule for ${v.gene}`, citations: [] };
}

export const isOncogenic = (o: Oncogenicity) => o === 'oncogenic' || o === 'likely-oncogenic';
