import { formatPercent } from '../format.ts';

interface Population {
  name: string;
  count: number;
  fraction: number;
  ci95: [number, number];
}

/** Fractions of the stem-cell populations with their Wilson 95% CIs and the detection limit (SVG + table). */
export function CytometryPlot({ sampleId, cytometry }: { sampleId: string; cytometry: Record<string, unknown> }) {
  const populations = (Array.isArray(cytometry.populations) ? cytometry.populations : []) as Population[];
  const events = typeof cytometry.events === 'number' ? cytometry.events : null;
  const limit = typeof cytometry.detectionLimit === 'number' ? cytometry.detectionLimit : null;
  const hidden = cytometry.hiddenHer2StemCells === true;
  const notes = (Array.isArray(cytometry.notes) ? cytometry.notes : []).filter((n): n is string => typeof n === 'string');
  const max = Math.max(0.01, ...populations.map((p) => p.ci95[1]), limit ?? 0) * 1.1;
  const W = 560;
  const left = 170;
  const barH = 22;
  const H = populations.length * (barH + 14) + 40;
  const x = (f: number) => left + (f / max) * (W - left - 60);
  const label = `Cytometry of ${sampleId}: ${populations.map((p) => `${p.name} ${formatPercent(p.fraction)} (95% CI ${formatPercent(p.ci95[0])} to ${formatPercent(p.ci95[1])})`).join('; ')}`;
  return (
    <figure className="cytometry">
      <figcaption>
        <strong>{sampleId}</strong>
        {events !== null ? ` — ${events.toLocaleString('en')} events analysed` : ''}
        {hidden && <span className="chip acquired">hidden HER2+ stem cells</span>}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="cyto-svg">
        <title>{label}</title>
        {populations.map((p, i) => {
          const y = 10 + i * (barH + 14);
          return (
            <g key={p.name}>
              <text x={left - 8} y={y + barH / 2 + 4} textAnchor="end" className="tick">
                {p.name}
              </text>
              <rect x={left} y={y} width={Math.max(1, x(p.fraction) - left)} height={barH} className={p.name === 'HER2+CD44+CD24-low' ? 'bar-stem' : 'bar'} />
              <line x1={x(p.ci95[0])} x2={x(p.ci95[1])} y1={y + barH / 2} y2={y + barH / 2} className="ci" />
              <line x1={x(p.ci95[0])} x2={x(p.ci95[0])} y1={y + 5} y2={y + barH - 5} className="ci" />
              <line x1={x(p.ci95[1])} x2={x(p.ci95[1])} y1={y + 5} y2={y + barH - 5} className="ci" />
              <text x={x(p.ci95[1]) + 6} y={y + barH / 2 + 4} className="tick">
                {formatPercent(p.fraction)}
              </text>
            </g>
          );
        })}
        {limit !== null && (
          <g>
            <line x1={x(limit)} x2={x(limit)} y1={4} y2={H - 24} className="limit" />
            <text x={x(limit)} y={H - 8} textAnchor="middle" className="tick">
              detection limit {formatPercent(limit, 2)}
            </text>
          </g>
        )}
      </svg>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={`Populations of ${sampleId}`}>
      <table className="compact">
        <caption className="visually-hidden">Populations of {sampleId}</caption>
        <thead>
          <tr>
            <th scope="col">Population</th>
            <th scope="col">Count</th>
            <th scope="col">Fraction</th>
            <th scope="col">95% CI (Wilson)</th>
          </tr>
        </thead>
        <tbody>
          {populations.map((p) => (
            <tr key={p.name}>
              <th scope="row">{p.name}</th>
              <td>{p.count.toLocaleString('en')}</td>
              <td>{formatPercent(p.fraction)}</td>
              <td>
                {formatPercent(p.ci95[0])} – {formatPercent(p.ci95[1])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {notes.length > 0 && (
        <ul className="notes">
          {notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </figure>
  );
}
