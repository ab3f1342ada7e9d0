#!/usr/bin/env node
// Writes examples/cases/c-cells.csv: a SYNTHETIC per-cell table (not a real patient) for example case (c).
// 2,050 cells: 50 dead (viability-positive, excluded), and among the 2,000 live cells exactly 60 (3.0%)
// HER2+ CD44+ CD24-low, 200 CD44+ CD24-low in all, 160 HER2+ in all. Thresholds are in c-cells.panel.yml.
// Deterministic (seeded PRNG), so the file and the expected counts in the tests never change.
import { writeFileSync } from 'node:fs';

let seed = 20261123;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (lo, hi) => Math.round(lo + rand() * (hi - lo));
const rows = [];
const add = (n, her2, cd44, cd24, dead = false) => {
  for (let i = 0; i < n; i++) rows.push([between(...her2), between(...cd44), between(...cd24), dead ? between(1500, 4000) : between(10, 300)]);
};
const HI = [1500, 5000], LO = [50, 800], CD24LO = [20, 400], CD24HI = [700, 4000];
add(60, HI, [1000, 5000], CD24LO); // HER2+ CD44+ CD24-low (stem-like)
add(140, LO, [1000, 5000], CD24LO); // CD44+ CD24-low, HER2-negative
add(100, HI, [100, 5000], CD24HI); // HER2+, CD24 high
add(1700, LO, [100, 5000], CD24HI); // bulk tumour cells
add(50, HI, [1000, 5000], CD24LO, true); // dead cells: excluded by the viability channel
// Shuffle so populations are interleaved.
for (let i = rows.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [rows[i], rows[j]] = [rows[j], rows[i]];
}
const text = ['cell_id,HER2_mean,CD44_mean,CD24_mean,Viability_mean', ...rows.map((r, i) => `cell${String(i + 1).padStart(4, '0')},${r.join(',')}`)].join('\n') + '\n';
writeFileSync(new URL('../examples/cases/c-cells.csv', import.meta.url), text);
console.log(`wrote ${rows.length} cells`);
