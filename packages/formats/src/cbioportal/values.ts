/**
 * Cell values shared by the cBioPortal readers.
 *
 * Missing values: an empty cell, `NA` (File-Formats: expression data "NA for when the expression value ... could not
 * be measured"), `N/A`, and the bracketed TCGA placeholders such as `[Not Available]` / `[Not Applicable]` that the
 * cBioPortal example study uses in NUMBER columns. This list is her2scope's reading, not a cBioPortal constant.
 */
export function isMissing(value: string): boolean {
  const v = value.trim();
  return v === '' || v === 'NA' || v === 'N/A' || (v.startsWith('[') && v.endsWith(']'));
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

export function parseNumber(value: string): number | null {
  const v = value.trim();
  if (!NUMBER.test(v)) return null;
  return Number(v);
}

export function parseInteger(value: string): number | null {
  const v = value.trim();
  if (!INTEGER.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Characters the cBioPortal validator (validateData.py, INVALID_ID_CHARACTERS) accepts in patient and sample IDs:
 * letters, digits and `. _ ( ) [ ] ' , + - : ;`. The File-Formats page states the stricter "numbers, letters, points,
 * underscores and hyphens"; the validator is what the importer enforces.
 */
const ID = /^[A-Za-z0-9._()[\]',+\-:;]+$/;

/** validateData.py MAX_SAMPLE_STABLE_ID_LENGTH. */
export const MAX_SAMPLE_ID_LENGTH = 63;

export function idProblem(value: string): string | null {
  if (value === '') return 'is empty';
  if (!ID.test(value)) return `'${value}' has characters other than letters, digits and . _ ( ) [ ] ' , + - : ;`;
  return null;
}
