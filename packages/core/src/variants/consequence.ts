/**
 * Severity ranking of Sequence Ontology consequence terms, in the Ensembl VEP order (1 = most severe).
 *
 * Source: Ensembl ensembl-variation, modules/Bio/EnsEMBL/Variation/Utils/Constants.pm, %OVERLAP_CONSEQUENCES,
 * the `rank` of each term (commit 1603aa58154cc8050853e07cb8222935cac44123); the same order as the table
 * "Calculated variant consequences" at ensembl.org/info/genome/variation/prediction/predicted_data.html.
 * Equal ranks are Ensembl's own ties (e.g. splice donor = splice acceptor = 3).
 *
 * Our additions, marked below, are not in that table:
 * - `splice_site_variant` (SO:0001629, the parent term of splice donor/acceptor): the SO term we give MAF
 *   `Splice_Site`, whose donor/acceptor side a MAF does not record; ranked with its children (3).
 * - Terms the table does not list (SnpEff's `disruptive_inframe_deletion`, `exon_loss_variant`, newer VEP terms
 *   such as `splice_donor_5th_base_variant`, …) are ranked by the annotator's own IMPACT class when it is given
 *   (HIGH / MODERATE / LOW / MODIFIER, which VEP's CSQ and SnpEff's ANN both carry) at the bottom of that class's
 *   range in the Ensembl table, and after every known term when no IMPACT is known.
 */
export const VEP_CONSEQUENCE_RANK: Readonly<Record<string, number>> = Object.freeze({
  transcript_ablation: 1,
  splice_acceptor_variant: 3,
  splice_donor_variant: 3,
  splice_site_variant: 3, // our addition (see above)
  stop_gained: 4,
  frameshift_variant: 5,
  stop_lost: 6,
  start_lost: 7,
  transcript_amplification: 8,
  inframe_insertion: 10,
  inframe_deletion: 11,
  missense_variant: 12,
  protein_altering_variant: 12,
  splice_region_variant: 13,
  incomplete_terminal_codon_variant: 14,
  start_retained_variant: 15,
  stop_retained_variant: 15,
  synonymous_variant: 15,
  coding_sequence_variant: 16,
  mature_miRNA_variant: 17,
  '5_prime_UTR_variant': 18,
  '3_prime_UTR_variant': 19,
  non_coding_transcript_exon_variant: 20,
  intron_variant: 21,
  NMD_transcript_variant: 22,
  non_coding_transcript_variant: 23,
  upstream_gene_variant: 24,
  downstream_gene_variant: 25,
  TFBS_ablation: 26,
  TFBS_amplification: 28,
  TF_binding_site_variant: 30,
  regulatory_region_ablation: 31,
  regulatory_region_amplification: 33,
  feature_elongation: 36,
  regulatory_region_variant: 36,
  feature_truncation: 37,
  intergenic_variant: 38,
  sequence_variant: 39,
});

/**
 * Rank of a term the Ensembl table does not list, from the annotator's IMPACT class: just after the least
 * severe known term of the same class (HIGH ends at 8 transcript_amplification, MODERATE at 12, LOW at 15,
 * MODIFIER at 38 before sequence_variant). Our choice, documented above.
 */
const IMPACT_FALLBACK_RANK = new Map<string, number>([['HIGH', 8.5], ['MODERATE', 12.5], ['LOW', 15.5], ['MODIFIER', 38.5]]);
const UNKNOWN_RANK = 40;
/** Lookup without the object prototype (a term named `constructor` must not find a function). */
const RANKS = new Map<string, number>(Object.entries(VEP_CONSEQUENCE_RANK));

/**
 * Severity rank of a consequence (lower = more severe). `consequence` may join several terms with `&` (VEP, SnpEff),
 * `+` (some SnpEff versions) or `,`; the most severe term counts. `impact` (HIGH/MODERATE/LOW/MODIFIER) places terms the table does not know.
 */
export function consequenceRank(consequence: string, impact?: string | null): number {
  let best = Number.POSITIVE_INFINITY;
  for (const term of splitTerms(consequence)) best = Math.min(best, termRank(term, impact));
  return best === Number.POSITIVE_INFINITY ? UNKNOWN_RANK : best;
}

/** The single most severe term of an `&`-joined consequence (the first one on ties); '' when there is none. */
export function mostSevereTerm(consequence: string, impact?: string | null): string {
  let best = '';
  let bestRank = Number.POSITIVE_INFINITY;
  for (const term of splitTerms(consequence)) {
    const r = termRank(term, impact);
    if (r < bestRank) {
      best = term;
      bestRank = r;
    }
  }
  return best;
}

function termRank(term: string, impact?: string | null): number {
  const known = RANKS.get(term);
  if (known !== undefined) return known;
  const byImpact = impact ? IMPACT_FALLBACK_RANK.get(impact.toUpperCase()) : undefined;
  return byImpact ?? UNKNOWN_RANK;
}

function splitTerms(consequence: string): string[] {
  return consequence
    .split(/[&,+]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
