import { layoutTimeline } from '../timeline.ts';
import { her2Class } from '../format.ts';
import type { SampleInfo, TreatmentInfo } from '../types.ts';

const WIDTH = 900;

/** Samples on a time axis with their HER2 category and ER status, and treatment bars below (SVG; React escapes text). */
export function Timeline({ samples, treatments }: { samples: SampleInfo[]; treatments: TreatmentInfo[] }) {
  const today = new Date().toISOString().slice(0, 10);
  const layout = layoutTimeline(
    samples.map((s) => ({ id: s.id, label: s.label, collected: s.collected, her2: s.classification?.her2?.category ?? null, er: s.classification?.er.status ?? null })),
    treatments.map((t) => ({ drug: t.drug, start: t.start, end: t.end })),
    WIDTH,
    today,
  );
  if (layout.samples.length === 0 && layout.treatments.length === 0) return <p>No samples or treatments yet.</p>;
  const axisY = 120;
  const laneY = (lane: number) => axisY + 30 + lane * 26;
  const height = laneY(Math.max(layout.lanes, 1)) + 10;
  const description = `HER2 timeline: ${layout.samples.map((s) => `${s.label} ${s.collected} ${s.her2 ?? 'HER2 not tested'}, ER ${s.er ?? 'not tested'}`).join('; ')}${layout.treatments.length ? `; treatments: ${layout.treatments.map((t) => `${t.drug} ${t.start} to ${t.end ?? 'ongoing'}`).join('; ')}` : ''}`;
  return (
    <div className="timeline-wrap">
      <svg className="timeline" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={description} preserveAspectRatio="xMinYMin meet">
        <title>{description}</title>
        <line x1={20} x2={WIDTH - 20} y1={axisY} y2={axisY} className="axis" />
        {layout.ticks.map((t) => (
          <g key={t.label}>
            <line x1={t.x} x2={t.x} y1={axisY - 4} y2={axisY + 4} className="axis" />
            <text x={t.x} y={axisY + 18} textAnchor="middle" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        {layout.samples.map((s, i) => {
          const y = 30 + (i % 2) * 40;
          // Labels near an edge are anchored inwards so that they are not cut off.
          const anchor = s.x < WIDTH * 0.2 ? 'start' : s.x > WIDTH * 0.8 ? 'end' : 'middle';
          const tx = anchor === 'start' ? s.x - 8 : anchor === 'end' ? s.x + 8 : s.x;
          return (
            <g key={s.id} className={`tl-sample ${her2Class(s.her2)}`}>
              <line x1={s.x} x2={s.x} y1={y + 12} y2={axisY} className="stem" />
              <circle cx={s.x} cy={axisY} r={7} />
              <text x={tx} y={y} textAnchor={anchor} className="tl-label">
                {s.label}: {s.her2 ?? 'HER2 n/t'}
              </text>
              <text x={tx} y={y + 12} textAnchor={anchor} className="tl-sub">
                ER {s.er ?? 'n/t'} · {s.collected}
              </text>
            </g>
          );
        })}
        {layout.treatments.map((t, i) => (
          <g key={`${t.drug}-${i}`} className="tl-treatment">
            <rect x={t.x1} y={laneY(t.lane) - 9} width={t.x2 - t.x1} height={18} rx={3} />
            <text x={t.x1 + 4} y={laneY(t.lane) + 4} className="tl-drug">
              {t.drug}
              {t.ongoing ? ' (ongoing)' : ''}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
