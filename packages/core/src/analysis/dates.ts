/** Calendar arithmetic on ISO dates (YYYY-MM-DD). Pure; no clock. */

/** Whole calendar months from `from` to `to` (0 when `to` is not later). */
export function wholeMonths(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months -= 1;
  return Math.max(0, months);
}

export const minDate = (a: string, b: string) => (a <= b ? a : b);
