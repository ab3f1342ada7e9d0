import { useEffect, useRef, type ReactNode } from 'react';
import { citationHref, citationKind, formatVaf, levelText, ORIGIN_LABELS } from '../format.ts';
import type { Citation, Finding, TherapyOption } from '@her2scope/core';

/** Linked citations: PubMed, DOI, CIViC, FDA label (DailyMed), ClinicalTrials.gov; plain text when there is no address. */
export function Citations({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return <p>No citation.</p>;
  const seen = new Set<string>();
  const unique = citations.filter((c) => (seen.has(`${c.type}:${c.id}`) ? false : (seen.add(`${c.type}:${c.id}`), true)));
  return (
    <ul className="citations">
      {unique.map((c) => {
        const h = citationHref(c);
        return (
          <li key={`${c.type}:${c.id}`}>
            {h ? (
              <a href={h} target="_blank" rel="noopener noreferrer">
                {c.id}
              </a>
            ) : (
              <span className="cite-id">{c.id}</span>
            )}{' '}
            <span className="sub">({citationKind(c)})</span> — {c.text}
          </li>
        );
      })}
    </ul>
  );
}

/** A side drawer (a modal <dialog>: focus moves into it, Escape closes it, focus returns to the opener). */
export function Drawer({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    d?.querySelector<HTMLElement>('h2')?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <dialog ref={ref} className="drawer" aria-labelledby="drawer-h" onClose={onClose} onCancel={(e) => (e.preventDefault(), onClose())}>
      <div className="drawer-head">
        <h2 id="drawer-h" tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="drawer-body">{children}</div>
    </dialog>
  );
}

export function FindingEvidence({ finding, sampleId }: { finding: Finding; sampleId: string }) {
  return (
    <>
      <dl className="facts">
        <dt>Sample</dt>
        <dd>{sampleId}</dd>
        <dt>Origin</dt>
        <dd>
          {ORIGIN_LABELS[finding.origin] ?? finding.origin}
          {finding.originSample ? ` (vs ${finding.originSample})` : ''} — {finding.originReason}
        </dd>
        <dt>VAF, depth</dt>
        <dd>
          {formatVaf(finding.vaf)}, {finding.depth ?? '—'} reads
        </dd>
        <dt>Oncogenicity</dt>
        <dd>
          {finding.oncogenicity} — {finding.oncogenicityReason}
        </dd>
        {finding.populationAf !== null && (
          <>
            <dt>Population AF</dt>
            <dd>{finding.populationAf}</dd>
          </>
        )}
        <dt>Variant</dt>
        <dd>
          {finding.chrom}:{finding.pos} {finding.ref}&gt;{finding.alt} {finding.hgvsc ?? ''} ({finding.consequence})
        </dd>
      </dl>
      <h3>Knowledge-base evidence ({finding.evidence.length})</h3>
      {finding.evidence.length === 0 && <p>No knowledge-base entry applies.</p>}
      <ol className="evidence-list">
        {finding.evidence.map((e) => (
          <li key={e.id}>
            <p>
              <strong>{e.therapies.map((t) => `${t.name} (${t.direction}, level ${t.level})`).join('; ') || e.effect}</strong>
            </p>
            <p className="sub">
              {e.id} · {e.alteration} · context for this patient: {e.context}
              {e.setting ? ` · setting: ${e.setting}` : ''}
              {e.sourceDate ? ` · source date ${e.sourceDate}` : ''}
            </p>
            <p>{e.summary}</p>
            <Citations citations={e.citations} />
          </li>
        ))}
      </ol>
    </>
  );
}

export function OptionEvidence({ option }: { option: TherapyOption }) {
  return (
    <>
      <dl className="facts">
        <dt>Level</dt>
        <dd>
          <span className={`level level-${option.level}`}>{option.level}</span>{option.pending ? `${levelText(option).slice(option.level.length)}: ${option.pending.text}` : ''} (CIViC scale: A validated, B clinical, C case study, D preclinical, E inferential)
        </dd>
        <dt>Setting</dt>
        <dd>{option.setting ?? 'not stated'}</dd>
        <dt>Fits this patient</dt>
        <dd>{option.context === 'fits' ? 'yes (a supporting item’s context fits)' : 'unknown (no supporting item states enough)'}</dd>
      </dl>
      {option.warnings.length > 0 && (
        <>
          <h3>Warnings</h3>
          <ul>
            {option.warnings.map((w, i) => (
              <li key={i} className="warning">
                {w}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Why</h3>
      <ul>
        {option.reasons.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
      <h3>Supporting items ({option.support.length})</h3>
      <ol className="evidence-list">
        {option.support.map((s) => (
          <li key={s.id}>
            <p>
              <strong>{s.id}</strong> · level {s.level} · {s.source}
              {s.setting ? ` · ${s.setting}` : ''}
            </p>
            <Citations citations={s.citations} />
          </li>
        ))}
      </ol>
      <h3>All citations</h3>
      <Citations citations={option.citations} />
    </>
  );
}
