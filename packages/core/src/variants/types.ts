/**
 * A somatic variant call as her2scope uses it, whatever file it came from (VCF with VEP/SnpEff annotation, MAF).
 * Field names are the `her2scope variants --json` contract.
 */
export interface VariantCall {
  /** HGNC gene symbol. */
  gene: string;
  /** Short protein HGVS, e.g. `p.L755S`; null for non-coding or unannotated changes. */
  hgvsp: string | null;
  /** Coding HGVS, e.g. `c.2264T>C`; null when not given. */
  hgvsc: string | null;
  /** Sequence Ontology term (e.g. `missense_variant`); MAF classifications are mapped to SO terms. */
  consequence: string;
  chrom: string;
  /** 1-based position of the first REF base (VCF convention). */
  pos: number;
  ref: string;
  alt: string;
  /** Variant allele fraction in the tumour sample, 0-1; null when the file gives none. */
  vaf: number | null;
  depth: number | null;
  altCount: number | null;
  /** `PASS` or the failed filters joined with `;`. */
  filter: string;
  /** Tumour sample name. */
  sample: string;
  /**
   * How the reader departed from the usual reading of this record, e.g. `AD has 2 values for 3 alleles; VAF from
   * AF` (a spec-allowed `Number=.` AD that does not give one depth per allele). Absent when there is nothing to say.
   */
  notes?: string[];
  /**
   * Reads in the matched normal sample, when the file has one (VCF normal column; MAF n_depth / n_alt_count).
   * Alt support in the normal marks a germline variant (analysis/variant-class.ts). Undefined or null: not known.
   */
  normalDepth?: number | null;
  normalAltCount?: number | null;
  normalVaf?: number | null;
  /**
   * Highest population allele frequency the annotation gives (VEP CSQ gnomAD_AF, gnomADe_AF, gnomADg_AF, MAX_AF,
   * AF; MAF gnomAD_AF columns), 0-1; undefined or null when the file gives none.
   */
  populationAf?: number | null;
}

/** A sequenced region from a BED file: 0-based, half-open, as BED is. */
export interface CoveredRegion {
  chrom: string;
  start: number;
  end: number;
  /** Mean depth from the BED's 5th column, when given. */
  depth: number | null;
}
