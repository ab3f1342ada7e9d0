/**
 * The serial ctDNA figure: VAF of each variant across plasma draws (one line per variant, log VAF axis), with the
 * treatments as bars beneath on the same time axis. Drawn like the report's other figures (plots.ts): Observable
 * Plot on the server with linkedom's DOM; linkedom escapes text and attributes, so a hostile variant or drug name
 * comes out as inert text (tested).
 *
 * Draws where a variant was not detected are drawn as open circles at that draw's detection limit (when known) and
 * say so in their tooltip; without a limit they are left out of the line.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { formatPercent } from '@her2scope/core/reads';

// linkedom's and Plot's types name DOM classes this package's lib (no DOM) lacks: the document is typed unknown here.
const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>') as unknown as { document: unknown };

const DAY = 86_400_000;

export interface CtdnaSeries {
  /** e.g. "ESR1 p.D538G". */
  label: string;
  /** e.g. "tumour", "chip": CHIP lines are dashed. */
  origin?: string | null;
  points: Array<{ date: string; vaf: number | null; detectionLimit?: number | null; sample?: string }>;
}

export interface CtdnaPlotInput {
  series: CtdnaSeries[];
  treatments: Array<{ drug: string; start: string; end?: string | null }>;
  /** "For research use; not a medical device." */
  notice: string;
  title?: string;
  /** The VAF axis label (default "VAF in plasma"; the patient summary words it plainly). */
  yLabel?: string;
  /** Appended to a clonal-haematopoiesis line's end label (default " (CH)"). */
  chipSuffix?: string;
}

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
/** VAFs and limits with core's percent formatter, as everywhere else (0.31%, 1.5%, 6%). */
const pct = formatPercent;

function outer(node: unknown): string {
  return (node as { outerHTML: string }).outerHTML;
}

/** The figure as one SVG string (two stacked Plot charts sharing the time axis), or null with no series. */
export function renderCtdnaSvg(input: CtdnaPlotInput, width = 900): string | null {
  if (input.series.length === 0) return null;
  const rows = input.series.flatMap((s) =>
    s.points.map((p) => {
      const det = p.vaf !== null && p.vaf > 0;
      const y = det ? p.vaf! : (p.detectionLimit ?? null);
      return {
        label: s.label,
        chip: s.origin === 'chip' || s.origin === 'possible-chip',
        date: utc(p.date),
        y,
        detected: det,
        title: `${s.label}, ${p.date}${p.sample ? ` (${p.sample})` : ''}: ${det ? `VAF ${pct(p.vaf!)}` : `not detected${p.detectionLimit ? ` (detection limit ${pct(p.detectionLimit)})` : ''}`}`,
      };
    }),
  );
  const plotted = rows.filter((r) => r.y !== null && r.y > 0);
  const dates = [...rows.map((r) => r.date.getTime()), ...input.treatments.flatMap((t) => [utc(t.start).getTime(), ...(t.end ? [utc(t.end).getTime()] : [])])];
  const lo = Math.min(...dates);
  const hi = Math.max(...dates);
  const pad = Math.max(30 * DAY, (hi - lo) * 0.05);
  const domain: [Date, Date] = [new Date(lo - pad), new Date(hi + pad)];
  const ys = plotted.map((r) => r.y!);
  const yDomain: [number, number] = ys.length ? [Math.min(...ys) / 2, Math.min(1, Math.max(...ys) * 2)] : [0.0005, 1];
  const labels = input.series.map((s) => s.label);
  const style = { fontSize: '12px', background: 'white', color: '#222' };
  const top: unknown = Plot.plot({
    document,
    className: 'h2s-ctdna',
    width,
    height: 300,
    marginLeft: 150,
    marginRight: 170,
    marginTop: 30,
    style,
    x: { type: 'utc', domain, label: null, grid: true },
    y: { type: 'log', domain: yDomain, label: input.yLabel ?? 'VAF in plasma', grid: true, tickFormat: (d: number) => pct(d) },
    color: { domain: labels, scheme: 'tableau10' },
    marks: [
      Plot.line(
        plotted.filter((r) => !r.chip),
        { x: 'date', y: 'y', z: 'label', stroke: 'label', strokeWidth: 2 },
      ),
      Plot.line(
        plotted.filter((r) => r.chip),
        { x: 'date', y: 'y', z: 'label', stroke: 'label', strokeWidth: 2, strokeDasharray: '6,4' },
      ),
      Plot.dot(plotted.filter((r) => r.detected), { x: 'date', y: 'y', stroke: 'label', fill: 'label', r: 4.5, title: 'title' }),
      Plot.dot(plotted.filter((r) => !r.detected), { x: 'date', y: 'y', stroke: 'label', fill: 'white', strokeWidth: 1.5, r: 4.5, title: 'title' }),
      Plot.text(
        labels.map((label) => plotted.filter((r) => r.label === label).at(-1)).filter((r) => r !== undefined),
        { x: 'date', y: 'y', text: (d: { label: string; chip: boolean }) => `${d.label}${d.chip ? (input.chipSuffix ?? ' (CH)') : ''}`, fill: 'label', textAnchor: 'start', dx: 8 },
      ),
    ],
  });
  const drugs = [...new Set(input.treatments.map((t) => t.drug))];
  const bars = input.treatments.map((t) => ({
    row: t.drug,
    start: utc(t.start),
    end: t.end ? utc(t.end) : new Date(hi + pad / 2),
    title: `${t.drug}: ${t.start} to ${t.end ?? 'ongoing'}`,
  }));
  const bottomHeight = 40 + Math.max(1, drugs.length) * 30;
  const bottom: unknown = Plot.plot({
    document,
    className: 'h2s-ctdna-treatments',
    width,
    height: bottomHeight,
    marginLeft: 150,
    marginRight: 170,
    marginTop: 5,
    style,
    x: { type: 'utc', domain, label: null },
    y: { domain: drugs.length ? drugs : ['no treatment recorded'], label: null, padding: 0.3 },
    marks: [Plot.barX(bars, { x1: 'start', x2: 'end', y: 'row', fill: '#9ecae1', stroke: '#3182bd', title: 'title', rx: 3 })],
  });
  const H = 300 + bottomHeight + 40;
  const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="h2s-ctdna-figure" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${H}" fill="white"/>`,
    `<text x="10" y="18" font-weight="bold">${esc(input.title ?? 'ctDNA: variant allele fraction across plasma draws')}</text>`,
    `<g transform="translate(0,22)">${outer(top)}</g>`,
    `<g transform="translate(0,${22 + 300})">${outer(bottom)}</g>`,
    `<text x="${width - 10}" y="${H - 6}" text-anchor="end" fill="#666" font-size="11">${esc(input.notice)}</text>`,
    `</svg>`,
  ].join('\n');
}
