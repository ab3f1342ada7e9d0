/**
 * The picture a lab looks at: CD44 vs CD24 density (logicle axes, threshold quadrant) and the HER2 histogram of the
 * analysed cells, with the CD44+CD24-low cells highlighted.
 *
 * Hand-written SVG: @observablehq/plot needs a DOM (jsdom/linkedom) on the server and draws one element per mark,
 * while a binned density is a few thousand rectangles that are simpler to emit directly. Colours come from
 * d3-scale-chromatic (viridis). Every text is XML-escaped.
 */
import { interpolateViridis } from 'd3-scale-chromatic';
import { fitLogicle, formatRarePercent, type CytometryResult, type ScaleTransform } from '@her2scope/core/cytometry';
import { missingValue } from '@her2scope/core/errors';

export interface PlotInput {
  title: string;
  /** Analysed events only (compensated, untransformed). */
  cd44: Float64Array;
  cd24: Float64Array;
  her2: Float64Array;
  channels: { HER2: string; CD44: string; CD24: string };
  thresholds: { HER2: number | null; CD44: number | null; CD24: number | null };
  result: CytometryResult;
  notice: string;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? missingValue('({ \'<\': \'&lt;\', \'>\': \'&gt;\', \'&\': \'&amp;\', "\'": \'&apos;\', \'"\': \'&qu...'));
}

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻' };

function ticks(t: ScaleTransform): Array<{ at: number; label: string }> {
  const out: Array<{ at: number; label: string }> = [{ at: t.apply(0), label: '0' }];
  for (let k = -6; k <= 12; k++) {
    for (const sign of [1, -1]) {
      const v = sign * 10 ** k;
      const s = t.apply(v);
      if (s > 0.02 && s <= 1.0001 && Math.abs(s - t.apply(0)) > 0.06) {
        out.push({ at: s, label: `${sign < 0 ? '−' : ''}10${String(k).split('').map((c) => SUPERSCRIPT[c]).join('')}` });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

const f = (x: number) => (Math.round(x * 10) / 10).toString();

export function renderCytometrySvg(p: PlotInput): string {
  const W = 980;
  const H = 520;
  const size = 360;
  const left = { x: 80, y: 70 };
  const right = { x: 560, y: 70, w: 380 };
  const bins = 128;
  // One logicle per axis, fitted to that marker (Parks et al. 2006: T = top of the data, W from the negative spread).
  const tx = fitLogicle(p.cd44);
  const ty = fitLogicle(p.cd24);
  const th = fitLogicle(p.her2);
  const desc = (t: ScaleTransform) => {
    const sp = t.spec as { T: number; W: number };
    return `T ${Number(sp.T.toPrecision(4))}, W ${Number(sp.W.toFixed(2))}`;
  };
  const n = p.cd44.length;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left.x}" y="28" font-size="16" font-weight="bold">${escapeXml(p.title)}</text>`);
  out.push(`<text x="${left.x}" y="48" fill="#444">${escapeXml(`${n.toLocaleString('en-US')} analysed events; logicle axes, M 4.5 (CD44: ${desc(tx)}; CD24: ${desc(ty)}; HER2: ${desc(th)})`)}</text>`);

  // Density of CD44 (x) vs CD24 (y).
  const grid = new Float64Array(bins * bins);
  let maxCount = 0;
  for (let i = 0; i < n; i++) {
    const x = tx.apply(p.cd44[i] ?? missingValue('p.cd44[i]'));
    const y = ty.apply(p.cd24[i] ?? missingValue('p.cd24[i]'));
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const bx = Math.min(bins - 1, Math.max(0, Math.floor(x * bins)));
    const by = Math.min(bins - 1, Math.max(0, Math.floor(y * bins)));
    const c = (grid[by * bins + bx] ?? missingValue('grid[by * bins + bx]')) + 1;
    grid[by * bins + bx] = c;
    if (c > maxCount) maxCount = c;
  }
  const cell = size / bins;
  out.push(`<g>`);
  out.push(`<rect x="${left.x}" y="${left.y}" width="${size}" height="${size}" fill="#f4f4f4" stroke="#888"/>`);
  const logMax = Math.log1p(maxCount);
  for (let by = 0; by < bins; by++) {
    for (let bx = 0; bx < bins; bx++) {
      const c = grid[by * bins + bx] ?? missingValue('grid[by * bins + bx]');
      if (c === 0) continue;
      const colour = interpolateViridis(0.15 + 0.85 * (Math.log1p(c) / logMax));
      out.push(`<rect x="${f(left.x + bx * cell)}" y="${f(left.y + size - (by + 1) * cell)}" width="${f(cell + 0.05)}" height="${f(cell + 0.05)}" fill="${colour}"/>`);
    }
  }
  for (const t of ticks(tx)) {
    const x = left.x + t.at * size;
    out.push(`<line x1="${f(x)}" y1="${left.y + size}" x2="${f(x)}" y2="${left.y + size + 5}" stroke="#333"/><text x="${f(x)}" y="${left.y + size + 18}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  }
  for (const t of ticks(ty)) {
    const y = left.y + size - t.at * size;
    out.push(`<line x1="${left.x - 5}" y1="${f(y)}" x2="${left.x}" y2="${f(y)}" stroke="#333"/><text x="${left.x - 8}" y="${f(y + 4)}" text-anchor="end">${escapeXml(t.label)}</text>`);
  }
  out.push(`<text x="${left.x + size / 2}" y="${left.y + size + 38}" text-anchor="middle">${escapeXml(`CD44 (${p.channels.CD44})`)}</text>`);
  out.push(`<text transform="translate(${left.x - 55},${left.y + size / 2}) rotate(-90)" text-anchor="middle">${escapeXml(`CD24 (${p.channels.CD24})`)}</text>`);
  const t44 = p.thresholds.CD44;
  const t24 = p.thresholds.CD24;
  if (t44 !== null && t24 !== null) {
    const qx = left.x + Math.min(1, Math.max(0, tx.apply(t44))) * size;
    const qy = left.y + size - Math.min(1, Math.max(0, ty.apply(t24))) * size;
    out.push(`<line x1="${f(qx)}" y1="${left.y}" x2="${f(qx)}" y2="${left.y + size}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="5,3"/>`);
    out.push(`<line x1="${left.x}" y1="${f(qy)}" x2="${left.x + size}" y2="${f(qy)}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="5,3"/>`);
    const stem = p.result.populations.find((x) => x.name === 'CD44+CD24-low');
    if (stem && stem.fraction !== null) {
      const label = `CD44+CD24-low ${formatRarePercent(stem.fraction)}`;
      out.push(`<rect x="${left.x + size - 12 - label.length * 7}" y="${left.y + size - 24}" width="${label.length * 7 + 8}" height="18" fill="white" fill-opacity="0.85"/>`);
      out.push(`<text x="${left.x + size - 8}" y="${left.y + size - 10}" text-anchor="end" fill="#d62728" font-weight="bold">${escapeXml(label)}</text>`);
    }
  }
  out.push(`</g>`);

  // HER2 histogram: all analysed (grey) and CD44+CD24-low (red), as fractions of their own totals.
  const hb = 100;
  const all = new Float64Array(hb);
  const stemH = new Float64Array(hb);
  let nStem = 0;
  for (let i = 0; i < n; i++) {
    const s = th.apply(p.her2[i] ?? missingValue('p.her2[i]'));
    if (!Number.isFinite(s)) continue;
    const b = Math.min(hb - 1, Math.max(0, Math.floor(s * hb)));
    all[b] = (all[b] ?? missingValue('all[b]')) + 1;
    if (t44 !== null && t24 !== null && (p.cd44[i] ?? missingValue('p.cd44[i]')) >= t44 && (p.cd24[i] ?? missingValue('p.cd24[i]')) < t24) {
      stemH[b] = (stemH[b] ?? missingValue('stemH[b]')) + 1;
      nStem++;
    }
  }
  let ymax = 0;
  for (let b = 0; b < hb; b++) {
    if (n) ymax = Math.max(ymax, (all[b] ?? missingValue('all[b]')) / n);
    if (nStem) ymax = Math.max(ymax, (stemH[b] ?? missingValue('stemH[b]')) / nStem);
  }
  ymax = ymax || 1;
  const hh = size;
  const bw = right.w / hb;
  out.push(`<g><rect x="${right.x}" y="${right.y}" width="${right.w}" height="${hh}" fill="none" stroke="#888"/>`);
  const path = (h: Float64Array, total: number) => {
    if (!total) return '';
    let d = `M${right.x},${right.y + hh}`;
    for (let b = 0; b < hb; b++) {
      const y = right.y + hh - ((h[b] ?? missingValue('h[b]')) / total / ymax) * hh;
      d += `L${f(right.x + b * bw)},${f(y)}L${f(right.x + (b + 1) * bw)},${f(y)}`;
    }
    return `${d}L${right.x + right.w},${right.y + hh}Z`;
  };
  out.push(`<path d="${path(all, n)}" fill="#bbbbbb" fill-opacity="0.7" stroke="#777"/>`);
  if (nStem) out.push(`<path d="${path(stemH, nStem)}" fill="#d62728" fill-opacity="0.35" stroke="#d62728"/>`);
  for (const t of ticks(th)) {
    const x = right.x + t.at * right.w;
    out.push(`<line x1="${f(x)}" y1="${right.y + hh}" x2="${f(x)}" y2="${right.y + hh + 5}" stroke="#333"/><text x="${f(x)}" y="${right.y + hh + 18}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  }
  if (p.thresholds.HER2 !== null) {
    const x = right.x + Math.min(1, Math.max(0, th.apply(p.thresholds.HER2))) * right.w;
    out.push(`<line x1="${f(x)}" y1="${right.y}" x2="${f(x)}" y2="${right.y + hh}" stroke="#1f77b4" stroke-width="1.5" stroke-dasharray="5,3"/>`);
    out.push(`<text x="${f(x + 4)}" y="${right.y + 14}" fill="#1f77b4">HER2+</text>`);
  }
  out.push(`<text x="${right.x + right.w / 2}" y="${right.y + hh + 38}" text-anchor="middle">${escapeXml(`HER2 (${p.channels.HER2})`)}</text>`);
  out.push(`<text transform="translate(${right.x - 12},${right.y + hh / 2}) rotate(-90)" text-anchor="middle">fraction of cells</text>`);
  out.push(`<rect x="${right.x + 8}" y="${right.y + 24}" width="10" height="10" fill="#bbbbbb"/><text x="${right.x + 22}" y="${right.y + 33}">all analysed</text>`);
  out.push(`<rect x="${right.x + 8}" y="${right.y + 40}" width="10" height="10" fill="#d62728" fill-opacity="0.5"/><text x="${right.x + 22}" y="${right.y + 49}">CD44+CD24-low</text>`);
  out.push(`</g>`);

  const both = p.result.populations.find((x) => x.name === 'HER2+CD44+CD24-low');
  const summary = both
    ? `HER2+CD44+CD24-low: ${both.count.toLocaleString('en-US')} of ${p.result.events.toLocaleString('en-US')} (${both.fraction === null ? 'n/a' : formatRarePercent(both.fraction)}, 95% CI ${formatRarePercent(both.ci95[0])}-${formatRarePercent(both.ci95[1])})${p.result.hiddenHer2StemCells ? ' - HER2+ stem cells in a HER2-negative/low tumour' : ''}`
    : '';
  out.push(`<text x="${left.x}" y="${H - 22}" font-weight="bold">${escapeXml(summary)}</text>`);
  out.push(`<text x="${W - 20}" y="${H - 8}" text-anchor="end" fill="#666" font-size="11">${escapeXml(p.notice)}</text>`);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
