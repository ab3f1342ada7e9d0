/**
 * MAF `Variant_Classification` -> Sequence Ontology term.
 *
 * Source: the inverse of `GetVariantClassification` in mskcc/vcf2maf `vcf2maf.pl` (Apache-2.0), which maps VEP's
 * SO terms to MAF classes; the class list is the GDC MAF one (see /work/shared/reference/standards.md section 2).
 * Where vcf2maf folds several SO terms into one class, we give the term that class stands for:
 * - `Splice_Site` (splice_acceptor_variant / splice_donor_variant / transcript_ablation / exon_loss_variant in
 *   vcf2maf) -> `splice_site_variant` (SO:0001629, the parent of the donor and acceptor terms), since a MAF does
 *   not say which side.
 * - `Intron` -> `intron_variant`; `Silent` -> `synonymous_variant`; `RNA` -> `non_coding_transcript_exon_variant`;
 *   `IGR` -> `intergenic_variant`; `Targeted_Region` (vcf2maf's class for "no or other annotation") ->
 *   `sequence_variant` (SO:0001060, the root term).
 * - `De_novo_Start_InFrame` / `De_novo_Start_OutOfFrame` (maf2maf's classes for SnpEff START_GAINED) ->
 *   `5_prime_UTR_premature_start_codon_gain_variant`, the SO term SnpEff uses for it.
 * `Unknown` is accepted as `sequence_variant`. Anything else is not a MAF class: the caller reports it.
 */
const MAF_TO_SO = new Map<string, string>([
  ['missense_mutation', 'missense_variant'],
  ['nonsense_mutation', 'stop_gained'],
  ['frame_shift_del', 'frameshift_variant'],
  ['frame_shift_ins', 'frameshift_variant'],
  ['in_frame_del', 'inframe_deletion'],
  ['in_frame_ins', 'inframe_insertion'],
  ['splice_site', 'splice_site_variant'],
  ['splice_region', 'splice_region_variant'],
  ['translation_start_site', 'start_lost'],
  ['nonstop_mutation', 'stop_lost'],
  ['silent', 'synonymous_variant'],
  ['intron', 'intron_variant'],
  ["3'utr", '3_prime_UTR_variant'],
  ["5'utr", '5_prime_UTR_variant'],
  ["3'flank", 'downstream_gene_variant'],
  ["5'flank", 'upstream_gene_variant'],
  ['igr', 'intergenic_variant'],
  ['rna', 'non_coding_transcript_exon_variant'],
  ['targeted_region', 'sequence_variant'],
  ['de_novo_start_inframe', '5_prime_UTR_premature_start_codon_gain_variant'],
  ['de_novo_start_outofframe', '5_prime_UTR_premature_start_codon_gain_variant'],
  ['unknown', 'sequence_variant'],
]);

/** The MAF classes this module knows, as the GDC spells them (for error messages). */
export const MAF_VARIANT_CLASSIFICATIONS: readonly string[] = Object.freeze([
  'Missense_Mutation', 'Nonsense_Mutation', 'Frame_Shift_Del', 'Frame_Shift_Ins', 'In_Frame_Del', 'In_Frame_Ins',
  'Splice_Site', 'Splice_Region', 'Translation_Start_Site', 'Nonstop_Mutation', 'Silent', 'Intron', "3'UTR", "5'UTR",
  "3'Flank", "5'Flank", 'IGR', 'RNA', 'Targeted_Region', 'De_novo_Start_InFrame', 'De_novo_Start_OutOfFrame', 'Unknown',
]);

/** SO term for a MAF Variant_Classification (case-insensitive), or null when it is not a MAF class. */
export function mafClassificationToSo(classification: string): string | null {
  return MAF_TO_SO.get(classification.trim().toLowerCase()) ?? null;
}
