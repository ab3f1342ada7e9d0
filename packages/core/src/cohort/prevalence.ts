/** Prevalence of an alteration overall and by group, with Wilson 95% intervals (stats/proportion.ts). */
import { proportion, type Proportion } from '../stats/proportion.ts';

export interface GroupCount {
  /** Group value; null = the sample has no value for the grouping attribute. */
  group: string | null;
  /** Altered samples. */
  k: number;
  /** Samples that could be judged (the denominator). */
  n: number;
}

export interface GroupPrevalence extends Proportion {
  group: string | null;
}

export interface PrevalenceTable {
  overall: Proportion;
  /** Groups ordered by size (largest first), then name; the "no value" group last. */
  groups: GroupPrevalence[];
}

export function prevalenceTable(counts: ReadonlyArray<GroupCount>): PrevalenceTable {
  const merged = new Map<string | null, { k: number; n: number }>();
  for (const c of counts) {
    if (!Number.isInteger(c.k) || !Number.isInteger(c.n) || c.k < 0 || c.k > c.n) throw new RangeError(`bad count for group ${c.group}: ${c.k}/${c.n}`);
    const m = merged.get(c.group) ?? { k: 0, n: 0 };
    m.k += c.k;
    m.n += c.n;
    merged.set(c.group, m);
  }
  let k = 0;
  let n = 0;
  const groups: GroupPrevalence[] = [];
  for (const [group, c] of merged) {
    k += c.k;
    n += c.n;
    groups.push({ group, ...proportion(c.k, c.n) });
  }
  groups.sort((a, b) => (a.group === null ? 1 : 0) - (b.group === null ? 1 : 0) || b.n - a.n || String(a.group).localeCompare(String(b.group)));
  return { overall: proportion(k, n), groups };
}

/** Sum the groups whose value is in `values` (case-insensitive), for a two-group comparison. */
export function poolGroups(counts: ReadonlyArray<GroupCount>, values: ReadonlyArray<string>): { k: number; n: number; matched: string[] } {
  const want = new Set(values.map((v) => v.toLowerCase()));
  let k = 0;
  let n = 0;
  const matched: string[] = [];
  for (const c of counts) {
    if (c.group !== null && want.has(c.group.toLowerCase())) {
      k += c.k;
      n += c.n;
      matched.push(c.group);
    }
  }
  return { k, n, matched };
}
