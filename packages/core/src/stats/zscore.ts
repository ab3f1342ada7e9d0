/**
 * Mean, standard deviation and z-scores against a reference set. The standard deviation is the sample one
 * (divisor n - 1), as R's `sd` and cBioPortal's z-score normalisation script use (cBioPortal docs, "Z-Score
 * normalization script": z = (x - mean(ref)) / sd(ref)).
 */

export interface Reference {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1). */
  sd: number;
}

/** Mean and sample SD of the finite values; NaN/null entries are skipped. Needs >= 2 values and SD > 0 to be usable. */
export function referenceOf(values: ReadonlyArray<number | null>): Reference {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  // Welford's online algorithm: stable for large values.
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  return { n, mean: n ? mean : Number.NaN, sd: n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN };
}

/** (x - mean) / sd; null when x is missing or the reference cannot scale (fewer than 2 values, SD 0). */
export function zScore(x: number | null, ref: Reference): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  if (ref.n < 2 || !(ref.sd > 0)) return null;
  return (x - ref.mean) / ref.sd;
}
