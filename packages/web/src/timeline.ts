/**
 * Layout of the HER2 timeline (pure, tested): samples as markers on a time axis, treatments as bars. Dates are ISO
 * calendar dates; the axis spans the earliest to the latest date with a margin, ticks on 1 January of each year
 * (thinned so that at most ~8 are labelled).
 */
export interface TimelineSample {
  id: string;
  label: string;
  collected: string;
  her2: string | null;
  er: string | null;
}
export interface TimelineTreatment {
  drug: string;
  start: string;
  end: string | null;
}
export interface TimelineLayout {
  width: number;
  samples: Array<TimelineSample & { x: number }>;
  treatments: Array<TimelineTreatment & { x1: number; x2: number; lane: number; ongoing: boolean }>;
  ticks: Array<{ x: number; label: string }>;
  lanes: number;
}

const DAY = 86_400_000;
const t = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

export function layoutTimeline(samples: TimelineSample[], treatments: TimelineTreatment[], width: number, today: string, pad = 40): TimelineLayout {
  const dates = [...samples.map((s) => t(s.collected)), ...treatments.flatMap((tr) => [t(tr.start), t(tr.end ?? today)])].filter(Number.isFinite);
  if (dates.length === 0) return { width, samples: [], treatments: [], ticks: [], lanes: 0 };
  let min = Math.min(...dates);
  let max = Math.max(...dates);
  if (max - min < 180 * DAY) {
    min -= 90 * DAY;
    max += 90 * DAY;
  }
  const span = max - min;
  const x = (ms: number) => pad + ((ms - min) / span) * (width - 2 * pad);
  const laneEnds: number[] = [];
  const placed = [...treatments]
    .sort((a, b) => t(a.start) - t(b.start))
    .map((tr) => {
      const x1 = x(t(tr.start));
      const x2 = Math.max(x(t(tr.end ?? today)), x1 + 4);
      let lane = laneEnds.findIndex((end) => end + 6 <= x1);
      if (lane < 0) {
        lane = laneEnds.length;
        laneEnds.push(x2);
      } else laneEnds[lane] = x2;
      return { ...tr, x1, x2, lane, ongoing: tr.end === null };
    });
  const firstYear = new Date(min).getUTCFullYear() + 1;
  const lastYear = new Date(max).getUTCFullYear();
  const years: number[] = [];
  for (let y = firstYear; y <= lastYear; y++) years.push(y);
  const step = Math.max(1, Math.ceil(years.length / 8));
  const ticks = years.filter((_, i) => i % step === 0).map((y) => ({ x: x(Date.UTC(y, 0, 1)), label: String(y) }));
  return {
    width,
    samples: [...samples].sort((a, b) => t(a.collected) - t(b.collected)).map((s) => ({ ...s, x: x(t(s.collected)) })),
    treatments: placed,
    ticks,
    lanes: laneEnds.length,
  };
}
