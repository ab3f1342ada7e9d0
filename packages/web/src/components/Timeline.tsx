import { useLayoutEffect, useRef, useState } from 'react';
import { cnTrackGenes, layoutTimeline, type TimelineCopyNumber, type TimelineEventKind } from '../timeline.ts';
import { her2Class } from '../format.ts';
import { ihcScore } from '../summary.ts';
import type { SampleInfo, TreatmentInfo } from '../types.ts';

export interface TimelineEvents {
  /** Variant events by sample label, from the latest analysis. */
  [sampleLabel: string]: Array<{ kind: TimelineEventKind; label: string }>;
}

/**
 * Samples on a time axis with IHC score, HER2 category, ER status and the variant events of the latest analysis, and
 * treatment bars below (SVG; React escapes text). Laid out for the box's real width, so text stays >= 12 px on a phone.
 */
export function Timeline({ samples, treatments, events = {}, copyNumber = {} }: { samples: SampleInfo[]; treatments: TreatmentInfo[]; events?: TimelineEvents; copyNumber?: Record<string, TimelineCopyNumber[]> }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(280, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const today = new Date().toISOString().slice(0, 10);
  const layout = layoutTimeline(
    samples.map((s) => ({
      id: s.id,
      label: s.label,
      collected: s.collected,
      her2: s.classification?.her2?.category ?? null,
      er: s.classification?.er.status ?? null,
      ihc: ihcScore(s.classification),
      events: events[s.label] ?? [],
      ...(copyNumber[s.label] ? { copyNumber: copyNumber[s.label] } : {}),
    })),
    treatments.map((t) => ({ drug: t.drug, start: t.start, end: t.end })),
    width,
    today,
  );
  const description =
    layout.samples.length === 0 && layout.treatments.length === 0
      ? ''
      : `HER2 timeline: ${layout.samples
          .map((s) => `${s.label} ${s.collected} ${s.ihc ? `${s.ihc} ` : ''}${s.her2 ?? 'HER2 not tested'}, ER ${s.er ?? 'not tested'}${(s.events ?? []).map((e) => `, ${e.label} ${e.kind}`).join('')}`)
          .join('; ')}${layout.cnTrack ? `; copy number by sequencing: ${layout.samples
          .filter((s) => s.copyNumber)
          .map((s) => `${s.label} ${cnTrackGenes(s.copyNumber ?? []).map((g) => `${g.gene} ${g.status}${g.copyNumber !== null ? ` (copy number ${g.copyNumber})` : ''}`).join(', ') || 'no gene covered'}`)
          .join('; ')}` : ''}${layout.treatments.length ? `; treatments: ${layout.treatments.map((t) => `${t.drug} ${t.start} to ${t.end ?? 'ongoing'}`).join('; ')}` : ''}`;
  return (
    <div className="timeline-wrap" ref={box}>
      {description === '' ? (
        <p>No samples or treatments yet.</p>
      ) : (
        <svg className="timeline" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={description}>
          <title>{description}</title>
          <line x1={4} x2={layout.width - 4} y1={layout.axisY} y2={layout.axisY} className="axis" />
          {layout.ticks.map((t) => (
            <g key={t.label}>
              <line x1={t.x} x2={t.x} y1={layout.axisY - 4} y2={layout.axisY + 4} className="axis" />
              <text x={t.x} y={layout.axisY + 20} textAnchor="middle" className="tick">
                {t.label}
              </text>
            </g>
          ))}
          {layout.samples.map((s) => (
            <line key={`stem-${s.id}`} x1={s.x} x2={s.x} y1={s.block.y0 + s.block.h} y2={layout.axisY} className="stem" />
          ))}
          {layout.samples.map((s) => (
            <g key={s.id} className={`tl-sample ${her2Class(s.her2)}`}>
              <circle cx={s.x} cy={layout.axisY} r={7} />
              {(s.events ?? []).some((e) => e.kind === 'acquired') && <circle cx={s.x} cy={layout.axisY} r={11} className="ring-acquired" />}
              <rect x={s.block.x0} y={s.block.y0} width={s.block.w} height={s.block.h} rx={4} className="tl-box" />
              <text x={s.block.x0 + 4} y={s.block.y0 + 3} className="tl-text">
                {s.block.lines.map((l, i) => (
                  <tspan key={i} x={s.block.x0 + 4} dy={i === 0 ? 14 : 16} className={`tl-${l.kind}`}>
                    {l.text}
                  </tspan>
                ))}
              </text>
            </g>
          ))}
          {layout.cnTrack && (
            <g className="tl-cn">
              <text x={layout.cnTrack.title.x} y={layout.cnTrack.title.y} className="tl-cn-title">
                {layout.cnTrack.title.text}
              </text>
              {layout.cnTrack.blocks.map((b) => (
                <g key={`cn-${b.sampleId}`}>
                  <line x1={b.x} x2={b.x} y1={layout.axisY + 8} y2={b.y0} className="stem" />
                  <rect x={b.x0} y={b.y0} width={b.w} height={b.h} rx={4} className="tl-box" />
                  <text x={b.x0 + 4} y={b.y0 + 3} className="tl-text">
                    {b.lines.map((l, i) => (
                      <tspan key={i} x={b.x0 + 4} dy={i === 0 ? 14 : 16} className={i === 0 ? 'tl-label' : `tl-cn-${l.status}`}>
                        {l.text}
                      </tspan>
                    ))}
                  </text>
                </g>
              ))}
            </g>
          )}
          {layout.treatments.map((t, i) => (
            <g key={`${t.drug}-${i}`} className="tl-treatment">
              <rect x={t.x1} y={t.y - 9} width={t.x2 - t.x1} height={18} rx={3} />
              <text x={t.textX} y={t.y + 4} className="tl-drug">
                {t.text}
              </text>
            </g>
          ))}
        </svg>
      )}
    </div>
  );
}
