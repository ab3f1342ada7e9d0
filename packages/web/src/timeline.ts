/**
 * Layout of the HER2 timeline (pure, tested): samples as markers on a time axis with a label block each (sample,
 * IHC score and HER2 category, ER, date, and the variant events the analysis reported for that sample), treatments
 * as bars in lanes below. The layout is computed for the real pixel width of the box, so text keeps its size on a
 * phone; label blocks that would collide go to another row (further from the axis), and a block's stem never
 * crosses another block. Dates are ISO calendar dates; ticks on 1 January, thinned to fit the width.
 */
export type TimelineEventKind = 'acquired' | 'lost' | 'emerging';

export interface TimelineSample {
  id: string;
  label: string;
  collected: string;
  her2: string | null;
  er: string | null;
  /** "IHC 1+" when an IHC score was given. */
  ihc?: string | null;
  /** Variant events of the latest analysis at this sample ("ERBB2 p.L755S"). */
  events?: Array<{ kind: TimelineEventKind; label: string }>;
  /**
   * Copy number by sequencing in the latest analysis (issue 16): ERBB2 whatever its status, and the other genes with a
   * non-neutral call; drawn on the copy-number track below the axis. Absent: the sample has no copy-number file.
   */
  copyNumber?: TimelineCopyNumber[];
}

export interface TimelineCopyNumber {
  gene: string;
  status: string;
  copyNumber: number | null;
}
export interface TimelineTreatment {
  drug: string;
  start: string;
  end: string | null;
}

export interface TimelineLine {
  text: string;
  /** `label` (bold sample id), `sub` (IHC/HER2/ER/date) or the event kind. */
  kind: 'label' | 'sub' | TimelineEventKind;
}

export interface TimelineBlock {
  x0: number;
  y0: number;
  w: number;
  h: number;
  row: number;
  lines: TimelineLine[];
}

export interface TimelineLayout {
  width: number;
  height: number;
  axisY: number;
  samples: Array<TimelineSample & { x: number; block: TimelineBlock }>;
  treatments: Array<TimelineTreatment & { x1: number; x2: number; lane: number; ongoing: boolean; y: number; textX: number; text: string }>;
  ticks: Array<{ x: number; label: string }>;
  lanes: number;
  /** The copy-number track (null when no sample has copy number): its title line and one block per sample. */
  cnTrack: { y: number; height: number; title: { x: number; y: number; text: string }; blocks: Array<{ sampleId: string; x: number; x0: number; y0: number; w: number; h: number; row: number; lines: Array<{ text: string; status: string }> }> } | null;
}

/** Status words on the track (GDC categories as the analysis names them), short enough for a phone. */
const CN_STATUS_TEXT: Record<string, string> = { amplification: 'amplified', gain: 'gain', neutral: 'neutral', loss: 'loss', 'deep-deletion': 'deep deletion' };

/** The genes shown for one sample: ERBB2 first (always, when measured), then the other non-neutral ones by name. */
export function cnTrackGenes(genes: readonly TimelineCopyNumber[]): TimelineCopyNumber[] {
  const erbb2 = genes.filter((g) => g.gene === 'ERBB2');
  const others = genes.filter((g) => g.gene !== 'ERBB2' && g.status !== 'neutral').sort((a, b) => a.gene.localeCompare(b.gene));
  return [...erbb2, ...others];
}

const cnLine = (g: TimelineCopyNumber) => `${g.gene} ${CN_STATUS_TEXT[g.status] ?? g.status}${g.copyNumber !== null ? ` (CN ${Number(g.copyNumber.toFixed(1))})` : ''}`;

const DAY = 86_400_000;
const t = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Text metrics used for the layout (px). The CSS sets these font sizes; widths are generous upper estimates. */
export const TIMELINE_FONT = { label: 14, sub: 12, line: 16, charLabel: 8.6, charSub: 7.4, lane: 26 } as const;

const EVENT_TEXT: Record<TimelineEventKind, string> = { acquired: '▲ acquired', lost: '▼ lost', emerging: '△ emerging' };

function blockLines(s: TimelineSample): TimelineLine[] {
  const her2 = s.her2 ?? 'HER2 not tested';
  const lines: TimelineLine[] = [
    { text: s.label, kind: 'label' },
    { text: s.ihc ? `${s.ihc} · ${her2}` : her2, kind: 'sub' },
    { text: `ER ${s.er ?? 'not tested'} · ${s.collected}`, kind: 'sub' },
  ];
  for (const e of s.events ?? []) lines.push({ text: `${EVENT_TEXT[e.kind]} ${e.label}`, kind: e.kind });
  return lines;
}

function lineWidth(l: TimelineLine): number {
  return [...l.text].length * (l.kind === 'label' ? TIMELINE_FONT.charLabel : TIMELINE_FONT.charSub);
}

const overlaps = (a0: number, a1: number, b0: number, b1: number, gap = 0) => a0 < b1 + gap && b0 < a1 + gap;

export function layoutTimeline(samples: TimelineSample[], treatments: TimelineTreatment[], width: number, today: string, pad = 24): TimelineLayout {
  const dates = [...samples.map((s) => t(s.collected)), ...treatments.flatMap((tr) => [t(tr.start), t(tr.end ?? today)])].filter(Number.isFinite);
  if (dates.length === 0) return { width, height: 0, axisY: 0, samples: [], treatments: [], ticks: [], lanes: 0, cnTrack: null };
  let min = Math.min(...dates);
  let max = Math.max(...dates);
  if (max - min < 180 * DAY) {
    min -= 90 * DAY;
    max += 90 * DAY;
  }
  const span = max - min;
  const x = (ms: number) => pad + ((ms - min) / span) * (width - 2 * pad);

  // Label blocks, placed left to right into the first row where they fit.
  const GAP = 10;
  const sorted = [...samples].sort((a, b) => t(a.collected) - t(b.collected) || a.label.localeCompare(b.label));
  const placed: Array<{ s: TimelineSample; x: number; x0: number; w: number; h: number; row: number; lines: TimelineLine[] }> = [];
  for (const s of sorted) {
    const sx = x(t(s.collected));
    const lines = blockLines(s);
    const w = Math.min(width - 4, Math.max(...lines.map(lineWidth)) + 8);
    const x0 = Math.max(2, Math.min(sx - w / 2, width - 2 - w));
    const h = lines.length * TIMELINE_FONT.line + 6;
    // Blocks are drawn with an opaque background over the stems, so when a stem cannot avoid a block (samples a few
    // days apart on a narrow screen), it passes behind it; text never overlaps text.
    const sameRowFree = (row: number) => placed.every((p) => p.row !== row || !overlaps(x0, x0 + w, p.x0, p.x0 + p.w, GAP));
    const noStemCrossing = (row: number) =>
      placed.every((p) => {
        // A block further out has its stem through the rows nearer the axis; neither may cross the other's box.
        if (p.row < row) return !(sx >= p.x0 - 4 && sx <= p.x0 + p.w + 4);
        if (p.row > row) return !(p.x >= x0 - 4 && p.x <= x0 + w + 4);
        return true;
      });
    const limit = placed.length + 1;
    let row = 0;
    while (row < limit && !(sameRowFree(row) && noStemCrossing(row))) row++;
    if (row === limit) {
      row = 0;
      while (!sameRowFree(row)) row++;
    }
    placed.push({ s, x: sx, x0, w, h, row, lines });
  }
  const rows = placed.reduce((n, p) => Math.max(n, p.row + 1), 0);
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(0, ...placed.filter((p) => p.row === r).map((p) => p.h)) + 8);
  const top = 8;
  const axisY = top + rowH.reduce((a, b) => a + b, 0) + 10;
  const rowBottom = (r: number) => axisY - 14 - rowH.slice(0, r).reduce((a, b) => a + b, 0);

  // The copy-number track, below the axis's year labels: one block per sample with copy number, at its x, placed in
  // the first row where it overlaps no other block (text never overlaps text); the treatments move down below it.
  const cnSamples = sorted.filter((s) => s.copyNumber !== undefined);
  let cnTrack: TimelineLayout['cnTrack'] = null;
  let cnHeight = 0;
  if (cnSamples.length > 0) {
    const titleY = axisY + 44;
    const top = titleY + 8;
    const blocks: NonNullable<TimelineLayout['cnTrack']>['blocks'] = [];
    for (const s of cnSamples) {
      const genes = cnTrackGenes(s.copyNumber ?? []);
      const lines = [{ text: s.label, status: 'label' }, ...(genes.length ? genes.map((g) => ({ text: cnLine(g), status: g.status })) : [{ text: 'no gene covered', status: 'neutral' }])];
      const sx = x(t(s.collected));
      const w = Math.min(width - 4, Math.max(...lines.map((l) => [...l.text].length * (l.status === 'label' ? TIMELINE_FONT.charLabel : TIMELINE_FONT.charSub))) + 8);
      const x0 = Math.max(2, Math.min(sx - w / 2, width - 2 - w));
      const h = lines.length * TIMELINE_FONT.line + 6;
      let row = 0;
      while (blocks.some((b) => b.row === row && overlaps(x0, x0 + w, b.x0, b.x0 + b.w, GAP))) row++;
      blocks.push({ sampleId: s.id, x: sx, x0, y0: 0, w, h, row, lines });
    }
    const cnRows = blocks.reduce((n, b) => Math.max(n, b.row + 1), 0);
    const cnRowH = Array.from({ length: cnRows }, (_, r) => Math.max(0, ...blocks.filter((b) => b.row === r).map((b) => b.h)) + 8);
    for (const b of blocks) b.y0 = top + cnRowH.slice(0, b.row).reduce((a, c) => a + c, 0);
    cnHeight = top + cnRowH.reduce((a, c) => a + c, 0) - (axisY + 30);
    cnTrack = { y: top, height: cnHeight, title: { x: 4, y: titleY, text: 'Copy number (sequencing)' }, blocks };
  }

  // Treatment bars in lanes; the drug name may run past a short bar, so the lane is taken up to the text's end.
  const laneEnds: number[] = [];
  const laneY = (lane: number) => axisY + 44 + lane * TIMELINE_FONT.lane;
  const bars = [...treatments]
    .sort((a, b) => t(a.start) - t(b.start) || a.drug.localeCompare(b.drug))
    .map((tr) => {
      const x1 = x(t(tr.start));
      const x2 = Math.max(x(t(tr.end ?? today)), x1 + 4);
      const text = `${tr.drug}${tr.end === null ? ' (ongoing)' : ''}`;
      const tw = [...text].length * TIMELINE_FONT.charSub;
      const textX = Math.max(2, Math.min(x1 + 4, width - 2 - tw));
      const start = Math.min(x1, textX);
      const end = Math.max(x2, textX + tw);
      let lane = laneEnds.findIndex((e) => e + 8 <= start);
      if (lane < 0) {
        lane = laneEnds.length;
        laneEnds.push(end);
      } else laneEnds[lane] = end;
      return { ...tr, x1, x2, lane, ongoing: tr.end === null, y: laneY(lane), textX, text };
    });

  const firstYear = new Date(min).getUTCFullYear() + 1;
  const lastYear = new Date(max).getUTCFullYear();
  const years: number[] = [];
  for (let y = firstYear; y <= lastYear; y++) years.push(y);
  const maxTicks = Math.max(2, Math.min(8, Math.floor((width - 2 * pad) / 56)));
  const step = Math.max(1, Math.ceil(years.length / maxTicks));
  const ticks = years.filter((_, i) => i % step === 0).map((y) => ({ x: x(Date.UTC(y, 0, 1)), label: String(y) }));
  const height = laneY(Math.max(laneEnds.length, 1)) + 6 + cnHeight;
  return {
    width,
    height,
    axisY,
    samples: placed.map((p) => ({ ...p.s, x: p.x, block: { x0: p.x0, y0: rowBottom(p.row) - p.h, w: p.w, h: p.h, row: p.row, lines: p.lines } })),
    treatments: bars.map((b) => ({ ...b, y: b.y + cnHeight })),
    ticks,
    lanes: laneEnds.length,
    cnTrack,
  };
}
