/**
 * Protein HGVS normalisation to the short one-letter form used by MAF `HGVSp_Short`, cBioPortal and the
 * knowledge base: `p.Leu755Ser` -> `p.L755S`, `ENSP00000269571.5:p.(Leu755Ser)` -> `p.L755S`,
 * `p.Asp399ThrfsTer27` -> `p.D399Tfs*27`, `p.Thr190%3D` -> `p.T190=`.
 *
 * Sources:
 * - HGVS protein nomenclature (varnomen.hgvs.org; summary in /work/shared/reference/standards.md section 6):
 *   three-letter codes, `Ter`/`*` for stop, `p.(...)` for predicted changes, `=` for synonymous.
 * - The three-letter to one-letter table (including Ter -> `*`, Asx B, Glx Z, Xxx X) is the `%aa3to1` table of
 *   mskcc/vcf2maf `vcf2maf.pl` (Apache-2.0); the resulting `fs*N` / `=` short forms match vcf2maf's HGVSp_Short
 *   column in its test output (e.g. `p.Asn139GlnfsTer5` -> `p.N139Qfs*5`, `p.Asn172=` -> `p.N172=`), copied in
 *   /work/shared/data/maf/test_b38_output.maf.
 * - Sec (U) and Pyl (O) are the HGVS codes for selenocysteine and pyrrolysine; Xaa is HGVS's unknown residue.
 */

/** Three-letter amino-acid code -> one-letter code (stop `Ter` -> `*`). */
export const AMINO_ACID_3TO1: Readonly<Record<string, string>> = Object.freeze({
  Ala: 'A', Arg: 'R', Asn: 'N', Asp: 'D', Asx: 'B', Cys: 'C', Glu: 'E', Gln: 'Q', Glx: 'Z', Gly: 'G', His: 'H',
  Ile: 'I', Leu: 'L', Lys: 'K', Met: 'M', Phe: 'F', Pro: 'P', Ser: 'S', Thr: 'T', Trp: 'W', Tyr: 'Y', Val: 'V',
  Ter: '*', Sec: 'U', Pyl: 'O', Xaa: 'X', Xxx: 'X',
});

const THREE_LETTER = new RegExp(Object.keys(AMINO_ACID_3TO1).join('|'), 'g');

/** Percent escapes that VCF 4.3 (and VEP in every version, for `=`) uses inside INFO values. */
const PERCENT_ESCAPES: Readonly<Record<string, string>> = { '%3D': '=', '%3A': ':', '%3B': ';', '%2C': ',', '%25': '%' };

const EMPTY = new Set(['', '.', '-', 'NA', 'N/A', 'NULL', 'nan']);

/**
 * Normalise a protein change to short HGVS (`p.L755S`). Accepts three- or one-letter forms, with or without a
 * protein/transcript prefix (`ENSP…:` / `NP_…:`), predicted parentheses (`p.(…)`) and VEP's `%3D` escape.
 * A bare one-letter change without `p.` (`L755S`, as some MAF `Protein_Change` columns hold) gets the prefix.
 * Returns null for empty/missing values (`''`, `.`, `-`, `NA`) and for text that is not a protein change.
 * Forms it does not know (e.g. cBioPortal's `p.X168_splice`) are returned with only the codes converted.
 */
export function shortProteinChange(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let s = value.trim();
  if (EMPTY.has(s)) return null;
  if (s.includes('%')) s = s.replace(/%(3D|3A|3B|2C|25)/gi, (m) => PERCENT_ESCAPES[m.toUpperCase()] ?? m);
  const colon = s.lastIndexOf(':p.');
  if (colon >= 0) s = s.slice(colon + 1);
  if (!s.startsWith('p.')) {
    // A bare one-letter change such as `L755S` or `E746_A750del` (MAF Protein_Change without the prefix).
    if (/^[A-Z*][0-9]/.test(s)) s = `p.${s}`;
    else return null;
  }
  let body = s.slice(2);
  if (body.startsWith('(') && body.endsWith(')')) body = body.slice(1, -1);
  if (body === '') return null;
  return `p.${body.replace(THREE_LETTER, (m) => AMINO_ACID_3TO1[m] ?? m)}`;
}
