import { her2Class } from '../format.ts';
import type { PatientSummary } from '../summary.ts';
import { ColumnHeads } from './RecordFields.tsx';

const EVENT_CHIP: Record<string, string> = { acquired: 'acquired', emerging: 'acquired', lost: 'lost' };

/**
 * The tumour-board summary at the top of the patient page: receptors per sample, variant events, the top three
 * options and which analysis they come from. Evidence buttons open the drawer for a finding or an option.
 */
export function SummaryCard({ summary, onOptionEvidence, onEventEvidence }: { summary: PatientSummary; onOptionEvidence: (rank: number) => void; onEventEvidence: (findingId: string) => void }) {
  const a = summary.analysis;
  return (
    <section className="card summary" aria-labelledby="summary-h">
      <h2 id="summary-h">
        Summary <span className="sub">analysis v{a.version} · {a.date} · KB {a.kbVersion} · {a.codeVersion}</span>
      </h2>
      <div className="summary-grid">
        <div>
          <h3>Findings over time</h3>
          {summary.events.length === 0 ? (
            <p>No acquired, lost or emerging variant.</p>
          ) : (
            <ul className="events">
              {summary.events.map((e, i) => (
                <li key={i} className={`event event-${e.kind}`}>
                  <span className={`chip ${EVENT_CHIP[e.kind] ?? ''}`}>{e.kind}</span> <strong>{e.label}</strong> {e.vaf} in {e.sample}
                  <span className="sub"> (vs {e.versus})</span>
                  {e.exposure.length > 0 && <span className="exposure"> · after {e.exposure.join('; ')}</span>}{' '}
                  {e.findingId !== null && (
                    <button type="button" className="link" onClick={() => onEventEvidence(e.findingId ?? '')}>
                      Evidence<span className="visually-hidden"> for {e.label}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {summary.conversions.length > 0 && (
            <ul className="events">
              {summary.conversions.map((c, i) => (
                <li key={i}>
                  <span className="chip">{c.marker} conversion</span> {c.from} → {c.to} ({c.fromSample} → {c.toSample})
                  {c.exposure.length > 0 && <span className="exposure"> · after {c.exposure.join('; ')}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Top options</h3>
          {summary.options.length === 0 ? (
            <p>No option from the knowledge base.</p>
          ) : (
            <ol className="top-options">
              {summary.options.map((o) => (
                <li key={o.rank}>
                  <span className={`level level-${o.level}`}>{o.levelText}</span> <strong>{o.therapy}</strong>
                  <span className="sub">
                    {' '}
                    · {o.setting ?? 'setting not stated'}
                    {o.context === 'unknown' ? ' · context unknown' : ''}
                  </span>{' '}
                  <button type="button" className="link" onClick={() => onOptionEvidence(o.rank)}>
                    Evidence<span className="visually-hidden"> for {o.therapy}</span>
                  </button>
                  {o.warnings.map((w, j) => (
                    <p key={j} className="warning small">
                      Warning: {w}
                    </p>
                  ))}
                </li>
              ))}
            </ol>
          )}
          {summary.moreOptions > 0 && <p className="sub">{summary.moreOptions} more in Options.</p>}
        </div>
      </div>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Receptors per sample">
        <table className="compact receptors">
          <caption>Receptors per sample</caption>
          <ColumnHeads columns={['Sample', 'HER2', 'IHC / ISH', 'ER', 'PR']} />
          <tbody>
            {summary.samples.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  {s.id} <span className="sub">({s.type}, {s.site}, {s.collected})</span>
                </th>
                <td>
                  <span className={`chip ${her2Class(s.her2Category)}`}>{s.her2}</span>
                </td>
                <td>{[s.ihc, s.ish].filter(Boolean).join('; ') || '—'}</td>
                <td>{s.er}</td>
                <td>{s.pr}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
