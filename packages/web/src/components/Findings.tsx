import { citationHref, formatVaf, levelText, ORIGIN_LABELS } from '../format.ts';
import { ColumnHeads } from './RecordFields.tsx';
import type { AnalysisResult } from '../types.ts';
import { ReadEvidenceNote } from './Longitudinal.tsx';
import type { Finding } from '@her2scope/core';

/** A finding's key within its sample. */
export const findingKey = (f: Pick<Finding, 'chrom' | 'pos' | 'ref' | 'alt'>) => `${f.chrom}:${f.pos}:${f.ref}>${f.alt}`;

/** Findings per sample in collection order; acquired and pre-existing findings are highlighted. */
export function Findings({ result, onEvidence }: { result: AnalysisResult; onEvidence: (sampleId: string, findingKey: string) => void }) {
  return (
    <>
      {result.samples.map((s) => (
        <div key={s.id} className="finding-sample">
          <h3>
            {s.id} <span className="sub">({s.type}, {s.site}, {s.collected})</span>
          </h3>
          {!s.sequenced && <p>Not sequenced.</p>}
          {s.sequenced && s.findings.length === 0 && <p>No variants in knowledge-base genes{s.otherVariants ? ` (${s.otherVariants} other variants)` : ''}.</p>}
          {s.findings.length > 0 && (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={`Findings of ${s.id}`}>
              <table className="findings">
                <ColumnHeads columns={['Gene', 'Alteration', 'Origin', 'VAF', 'Depth', 'Evidence']} />
                <tbody>
                  {s.findings.map((f) => (
                    <tr key={findingKey(f)} className={`origin-${f.origin}`}>
                      <th scope="row">{f.gene}</th>
                      <td>{f.alteration}</td>
                      <td>
                        <span className={`chip ${f.origin === 'acquired' ? 'acquired' : f.origin === 'pre-existing' ? 'preexisting' : ''}`}>{ORIGIN_LABELS[f.origin] ?? f.origin}</span>
                        {f.originSample ? <span className="sub"> (vs {f.originSample})</span> : null}
                        <ReadEvidenceNote finding={f} />
                      </td>
                      <td>{formatVaf(f.vaf)}</td>
                      <td>{f.depth ?? '—'}</td>
                      <td>
                        {f.evidence.length ? `${f.evidence.length} KB entr${f.evidence.length === 1 ? 'y' : 'ies'}` : 'none'}{' '}
                        <button type="button" className="link" onClick={() => onEvidence(s.id, findingKey(f))}>
                          Evidence<span className="visually-hidden"> for {f.gene} {f.alteration} in {s.id}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ))}
      <h3>Changes between samples</h3>
      {result.changes.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul className="changes">
          {result.changes.map((c, i) => (
            <li key={i} className={`change-${c.kind}`}>
              <span className={`chip ${c.kind === 'acquired-variant' ? 'acquired' : ''}`}>{c.kind}</span> {c.detail}
              {(c.warnings ?? []).map((w, j) => (
                <span key={j} className="warning">
                  <br />
                  Warning: {w}
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function TherapyOptions({ result, onEvidence }: { result: AnalysisResult; onEvidence: (index: number) => void }) {
  if (result.therapyOptions.length === 0) return <p>No options from the knowledge base.</p>;
  // An excluded item whose regimen is an option through another item is named by the item (core analysis/display.ts).
  const regimens = result.excludedOptions.filter((x) => x.optionId === undefined);
  const items = result.excludedOptions.filter((x) => x.optionId !== undefined);
  return (
    <>
      <p className="sub">Best evidence first (CIViC levels: A validated, B clinical, C case study, D preclinical, E inferential).</p>
      <ol className="options">
        {result.therapyOptions.map((o, i) => (
          <li key={`${o.therapy}-${i}`}>
            <p>
              <span className={`level level-${o.level}`} aria-label={`evidence level ${levelText(o)}`}>
                {levelText(o)}
              </span>{' '}
              <strong>{o.therapy}</strong>
              <span className="sub">
                {' '}
                · {o.setting ?? 'setting not stated'}
                {o.context === 'unknown' ? ' · context unknown' : ''}
              </span>{' '}
              <button type="button" className="link" onClick={() => onEvidence(i)}>
                Evidence<span className="visually-hidden"> for {o.therapy}</span>
              </button>
            </p>
            <ul>
              {o.pending && <li className="warning">Pending: {o.pending.text}</li>}
              {o.reasons.map((r, j) => (
                <li key={j}>{r}</li>
              ))}
              {o.warnings.map((w, j) => (
                <li key={`w${j}`} className="warning">
                  Warning: {w}
                </li>
              ))}
            </ul>
            <p className="cites">
              Sources:{' '}
              {o.citations.map((c, j) => {
                const h = citationHref(c);
                return (
                  <span key={j}>
                    {j > 0 && '; '}
                    {h ? (
                      <a href={h} target="_blank" rel="noopener noreferrer">
                        {c.id}
                      </a>
                    ) : (
                      <span>{c.id}</span>
                    )}
                  </span>
                );
              })}
            </p>
          </li>
        ))}
      </ol>
      {result.resistance.length > 0 && (
        <>
          <h3>Resistance evidence</h3>
          <ul>
            {result.resistance.map((r, i) => (
              <li key={i} className="warning">
                {r.level} {r.therapy}: {r.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.contraryEvidence.length > 0 && (
        <>
          <h3>Contrary evidence (negative trials; never options)</h3>
          <ul>
            {result.contraryEvidence.map((c, i) => (
              <li key={i}>
                {c.level} {c.therapy}: {c.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {regimens.length > 0 && (
        <details>
          <summary>Not applicable to this patient ({regimens.length})</summary>
          <ul>
            {regimens.map((x, i) => (
              <li key={i}>
                {x.level} {x.therapy}: {x.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {items.length > 0 && (
        <details>
          <summary>Knowledge-base items not applicable for regimens listed above as options ({items.length})</summary>
          <ul>
            {items.map((x, i) => (
              <li key={i}>
                {x.level} {x.therapy} — {(x.items ?? []).join(', ') || 'item'} not applicable: {x.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {result.hiddenPreclinical > 0 && <p className="sub">{result.hiddenPreclinical} preclinical or inferential (level D/E) items not shown.</p>}
    </>
  );
}
