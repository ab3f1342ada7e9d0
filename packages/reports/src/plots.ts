/**
 * The report's figures as inline SVG, drawn with Observable Plot on the server: Plot takes a `document` option, and
 * linkedom supplies a small DOM for it (no browser, no jsdom). linkedom serialises text and attribute values
 * escaped, so a hostile drug name or sample id comes out as inert text (tested).
 *
 * - HER2 timeline: samples on a time axis with their HER2 category and ER status, and one bar per treatment.
 * - Cytometry: the stem-cell populations' fractions with their Wilson 95% intervals and the detection limit.
 *   (The cytometry engineer's density plot, `renderCytometrySvg` in @her2scope/formats, needs the events; the
 *   analysis keeps only the summary, so this is the summary's bar chart.)
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { AnalysisResult, SampleAnalysis } from '@her2scope/core';
import { utcDate } from './common.ts';

// linkedom's and Plot's types name DOM classes this package's lib (no DOM) lacks: the document is typed unknown here.
const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>') as unknown as { document: unknown };

export const HER2_COLOURS: Record<string, string> = {
  'HER2-positive': '#b2182b',
  'HER2-low': '#ef8a62',
  'HER2-ultralow': '#fddbc7',
  'HER2-null': '#d9d9d9',
  'HER2-0': '#d9d9d9',
  'HER2-negative': '#bdbdbd',
  pending: '#8073ac',
};
export const ER_COLOURS: Record<string, string> = { positive: '#2166ac', 'low-positive': '#92c5de', negative: '#e0e0e0', 'not-tested': '#ffffff' };

const DAY = 86_400_000;

function outer(node: unknown): string {
  return (node as { outerHTML: string }).outerHTML;
}

interface SamplePoint {
  id: string;
  date: Date;
  her2: string;
  her2Colour: string;
  er: string;
  erColour: string;
  title: string;
}

function samplePoint(s: SampleAnalysis): SamplePoint {
  const h = s.classification?.her2 ?? null;
  const er = s.classification?.er ?? null;
  const her2 = !s.classification ? 'no pathology' : h ? h.category : 'HER2 not tested';
  const erText = !er ? 'no pathology' : er.status === 'not-tested' ? 'ER not tested' : `ER ${er.status}${er.percent !== null ? ` ${er.percent}%` : ''}`;
  return {
    id: s.id,
    date: utcDate(s.collected),
    her2,
    her2Colour: h ? (HER2_COLOURS[h.category] ?? '#bdbdbd') : '#ffffff',
    er: erText,
    erColour: er ? (ER_COLOURS[er.status] ?? '#ffffff') : '#ffffff',
    title: `${s.id} (${s.type}, ${s.site}, ${s.collected}): ${her2}${h ? ` (${h.status})` : ''}; ${erText}`,
  };
}

/** Copy-number status colours (red for gains, blue for losses) and the short words printed under each dot. */
export const CN_COLOURS: Record<string, string> = { amplification: '#b2182b', gain: '#f4a582', neutral: '#f7f7f7', loss: '#92c5de', 'deep-deletion': '#2166ac' };
const CN_SHORT: Record<string, string> = { amplification: 'amp', gain: 'gain', neutral: 'neutral', loss: 'loss', 'deep-deletion': 'deep del' };

interface CnPoint {
  row: string;
  date: Date;
  colour: string;
  label: string;
  title: string;
}

/**
 * The copy-number track (issue 16): one row per gene, ERBB2 first whenever a sample measured it, then the other
 * genes with a non-neutral call in some sample; a dot per sample with copy number, coloured by status, with the
 * status and copy number beneath. Genes neutral in every sample are left out (the report's table lists them).
 */
export function copyNumberTrack(r: AnalysisResult): { rows: string[]; points: CnPoint[] } {
  const samples = r.samples.filter((s) => s.copyNumber && s.copyNumber.genes.length > 0);
  const measured = new Set(samples.flatMap((s) => s.copyNumber?.genes.map((g) => g.gene) ?? []));
  const flagged = new Set(samples.flatMap((s) => s.copyNumber?.genes.filter((g) => g.status !== 'neutral').map((g) => g.gene) ?? []));
  const genes = [...(measured.has('ERBB2') ? ['ERBB2'] : []), ...[...flagged].filter((g) => g !== 'ERBB2').sort()];
  const points = samples.flatMap((s) =>
    (s.copyNumber?.genes ?? [])
      .filter((g) => genes.includes(g.gene))
      .map((g) => ({ row: `CN ${g.gene}`, date: utcDate(s.collected), colour: CN_COLOURS[g.status] ?? '#ffffff', label: `${CN_SHORT[g.status] ?? g.status} ${Number(g.copyNumber.toFixed(1))}`, title: `${s.id} (${s.collected}): ${g.text}` })),
  );
  return { rows: genes.map((g) => `CN ${g}`), points };
}

/**
 * The HER2 timeline: one column per sample (dashed rule, id on top), a HER2 row coloured by category, an ER row
 * coloured by status, the copy-number track (a row per gene, `copyNumberTrack`), and a row per drug with a bar from
 * start to end (open-ended treatments run to the last date).
 */
export function renderTimelineSvg(r: AnalysisResult, width = 900): string {
  const points = r.samples.map(samplePoint);
  const dates = [...points.map((p) => p.date.getTime()), ...r.treatments.flatMap((t) => [utcDate(t.start).getTime(), ...(t.end ? [utcDate(t.end).getTime()] : [])])];
  const lo = Math.min(...dates);
  const hi = Math.max(...dates);
  const pad = Math.max(60 * DAY, (hi - lo) * 0.05);
  const domain: [Date, Date] = [new Date(lo - pad), new Date(hi + pad)];
  const drugs = [...new Set(r.treatments.map((t) => t.drug))];
  const cn = copyNumberTrack(r);
  const rows = ['HER2', 'ER', ...cn.rows, ...drugs.map((d) => `℞ ${d}`)];
  const bars = r.treatments.map((t) => ({
    row: `℞ ${t.drug}`,
    start: utcDate(t.start),
    end: t.end ? utcDate(t.end) : new Date(hi + pad / 2),
    title: `${t.drug}: ${t.start} to ${t.end ?? 'ongoing'}${t.response ? ` (${t.response})` : ''}`,
    label: t.end ? '' : 'ongoing →',
  }));
  const svg: unknown = Plot.plot({
    document,
    className: 'h2s-timeline',
    width,
    height: 70 + rows.length * 44 + 40,
    marginLeft: 150,
    marginRight: 30,
    marginTop: 50,
    style: { fontSize: '13px', background: 'white', color: '#222' },
    x: { type: 'utc', domain, label: null, grid: true },
    y: { domain: rows, label: null, padding: 0.25 },
    color: { type: 'identity' },
    marks: [
      Plot.barX(bars, { x1: 'start', x2: 'end', y: 'row', fill: '#9ecae1', stroke: '#3182bd', title: 'title', rx: 3 }),
      Plot.text(bars, { x: 'end', y: 'row', text: 'label', textAnchor: 'end', dx: -4, fill: '#08519c' }),
      // Decorative stems: hidden from assistive technology (an aria-label on a plain <g> is an axe-core violation).
      Plot.ruleX(points, { x: 'date', stroke: '#888', strokeDasharray: '4,3', ariaHidden: 'true' }),
      Plot.text(points, { x: 'date', text: 'id', frameAnchor: 'top', lineAnchor: 'bottom', dy: -6, fontWeight: 'bold' }),
      Plot.dot(points, { x: 'date', y: () => 'HER2', r: 9, fill: 'her2Colour', stroke: '#333', title: 'title' }),
      Plot.text(points, { x: 'date', y: () => 'HER2', text: 'her2', dy: 17, lineAnchor: 'top' }),
      Plot.dot(points, { x: 'date', y: () => 'ER', r: 9, symbol: 'square', fill: 'erColour', stroke: '#333', title: 'title' }),
      Plot.text(points, { x: 'date', y: () => 'ER', text: 'er', dy: 17, lineAnchor: 'top' }),
      Plot.dot(cn.points, { x: 'date', y: 'row', r: 9, symbol: 'diamond', fill: 'colour', stroke: '#333', title: 'title' }),
      Plot.text(cn.points, { x: 'date', y: 'row', text: 'label', dy: 17, lineAnchor: 'top' }),
    ],
  });
  return outer(svg);
}

/** Bar chart of the cytometry populations (percent of their parent) with 95% intervals and the detection limit. */
export function renderCytometryBarsSvg(sample: SampleAnalysis, width = 700): string | null {
  const c = sample.cytometry;
  if (!c || c.populations.length === 0) return null;
  const data = c.populations.map((p) => ({
    name: p.name,
    pct: (p.fraction ?? 0) * 100,
    lo: p.ci95 ? p.ci95[0] * 100 : null,
    hi: p.ci95 ? p.ci95[1] * 100 : null,
    title: `${p.name}: ${p.count} of ${p.parent}${p.fraction !== null ? ` = ${(p.fraction * 100).toFixed(2)}%` : ''}${p.ci95 ? ` (95% CI ${(p.ci95[0] * 100).toFixed(2)}-${(p.ci95[1] * 100).toFixed(2)}%)` : ''}`,
    label: p.fraction !== null ? `${(p.fraction * 100).toFixed(2)}%` : 'n/a',
  }));
  const max = Math.max(...data.map((d) => d.hi ?? d.pct), (c.detectionLimit ?? 0) * 100, 0.1);
  const marks: Plot.Markish[] = [
    Plot.barX(data, { x: 'pct', y: 'name', fill: (d: { name: string }) => (d.name === 'HER2+CD44+CD24-low' ? '#b2182b' : '#9ecae1'), title: 'title', ariaHidden: 'true' }),
    Plot.ruleY(data.filter((d) => d.lo !== null), { y: 'name', x1: 'lo', x2: 'hi', stroke: '#222', strokeWidth: 2, ariaHidden: 'true' }),
    Plot.text(data, { x: (d: { hi: number | null; pct: number }) => d.hi ?? d.pct, y: 'name', text: 'label', textAnchor: 'start', dx: 6, ariaHidden: 'true' }),
    Plot.ruleX([0], { ariaHidden: 'true' }),
  ];
  if (c.detectionLimit !== null) {
    marks.push(Plot.ruleX([c.detectionLimit * 100], { stroke: '#d62728', strokeDasharray: '5,3', ariaHidden: 'true' }));
    marks.push(Plot.text([c.detectionLimit * 100], { x: (d: number) => d, text: () => 'detection limit', frameAnchor: 'top', lineAnchor: 'bottom', fill: '#d62728', dy: -4, ariaHidden: 'true' }));
  }
  const svg: unknown = Plot.plot({
    document,
    className: 'h2s-cytometry',
    width,
    height: 60 + data.length * 34 + 40,
    marginLeft: 170,
    marginRight: 90,
    marginTop: 30,
    style: { fontSize: '12px', background: 'white', color: '#222' },
    x: { domain: [0, max * 1.15], label: null, grid: true, tickFormat: (d: number) => `${d}%` },
    y: { domain: data.map((d) => d.name), label: null },
    color: { type: 'identity' },
    marks,
  });
  return outer(svg);
}
