import { useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { classifyForm, pathologyToForm, formToPathology, type PathologyFormValues } from '../pathology-form.ts';
import { her2Class } from '../format.ts';
import type { ClassificationResult } from '../types.ts';

/** HER2/ER/PR of one sample with the rule trail (each rule with its source). */
export function ClassificationView({ result }: { result: ClassificationResult }) {
  const her2 = result.her2;
  const rules = [...(her2?.rules ?? []), ...result.er.rules, ...result.pr.rules];
  const comments = [...(her2?.comments ?? []), ...result.er.comments, ...result.pr.comments];
  return (
    <div className="classification">
      <dl>
        <dt>HER2</dt>
        <dd>
          {her2 ? (
            <>
              <span className={`chip ${her2Class(her2.category)}`}>{her2.category}</span> {her2.status}
              {her2.ishGroup ? `, ISH group ${her2.ishGroup}` : ''}
              {her2.ishRatio !== null ? `, ratio ${her2.ishRatio}` : ''}
            </>
          ) : (
            'not tested'
          )}
        </dd>
        <dt>ER</dt>
        <dd>
          {result.er.status}
          {result.er.percent !== null ? ` (${result.er.percent}%)` : ''}
        </dd>
        <dt>PR</dt>
        <dd>
          {result.pr.status}
          {result.pr.percent !== null ? ` (${result.pr.percent}%)` : ''}
        </dd>
        <dt>Surrogate subtype</dt>
        <dd>{result.subtype ?? '—'}</dd>
        {result.ki67 !== null && (
          <>
            <dt>Ki-67</dt>
            <dd>{result.ki67}%</dd>
          </>
        )}
      </dl>
      <h5>Rule trail</h5>
      <ol className="rules">
        {rules.map((r, i) => (
          <li key={`${r.id}-${i}`}>
            <code>{r.id}</code> — {r.source}
          </li>
        ))}
      </ol>
      {comments.length > 0 && (
        <>
          <h5>Comments</h5>
          <ul>
            {comments.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

const NUMBER_FIELDS: Array<[keyof PathologyFormValues, string, string]> = [
  ['stainedPercent', 'HER2 IHC: % of tumour cells with membrane staining', 'her2.stainedPercent'],
  ['ishHer2', 'ISH: mean HER2 signals per cell', 'her2.ish.her2'],
  ['ishCep17', 'ISH: mean CEP17 signals per cell', 'her2.ish.cep17'],
  ['ishRatio', 'ISH: HER2/CEP17 ratio', 'her2.ish.ratio'],
  ['erPercent', 'ER: % of tumour nuclei staining', 'er.percent'],
  ['prPercent', 'PR: % of tumour nuclei staining', 'pr.percent'],
  ['ki67', 'Ki-67 %', 'ki67'],
];

/** Pathology entry with live classification: the result and its rule trail update as values are typed. */
export function PathologyForm({ sampleLabel, initial, onSave }: { sampleLabel: string; initial: Record<string, unknown> | null; onSave: (data: Record<string, unknown>) => Promise<void> }) {
  const [values, setValues] = useState<PathologyFormValues>(() => pathologyToForm(initial));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const live = useMemo(() => classifyForm(values), [values]);
  const set = (k: keyof PathologyFormValues) => (e: { target: { value: string } }) => setValues({ ...values, [k]: e.target.value });
  const idp = `pf-${sampleLabel.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSave(formToPathology(values));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot save');
    } finally {
      setBusy(false);
    }
  }

  const invalidField = live.ok === false ? live.field : null;
  return (
    <form className="pathology-form" onSubmit={submit} aria-label={`Pathology of sample ${sampleLabel}`}>
      <div className="grid">
        <div>
          <label htmlFor={`${idp}-ihc`}>HER2 IHC score</label>
          <select id={`${idp}-ihc`} value={values.ihc} onChange={set('ihc')} aria-invalid={invalidField === 'her2.ihc' || undefined}>
            <option value="">not tested</option>
            <option value="0">0</option>
            <option value="1+">1+</option>
            <option value="2+">2+</option>
            <option value="3+">3+</option>
          </select>
        </div>
        <div>
          <label htmlFor={`${idp}-probe`}>ISH probe</label>
          <select id={`${idp}-probe`} value={values.ishProbe} onChange={set('ishProbe')}>
            <option value="">no ISH / dual (default)</option>
            <option value="dual">dual-probe</option>
            <option value="single">single-probe</option>
          </select>
        </div>
        {NUMBER_FIELDS.map(([k, label, field]) => (
          <div key={k}>
            <label htmlFor={`${idp}-${k}`}>{label}</label>
            <input id={`${idp}-${k}`} inputMode="decimal" value={values[k]} onChange={set(k)} aria-invalid={invalidField === field || undefined} aria-describedby={`${idp}-live`} />
          </div>
        ))}
      </div>
      <div id={`${idp}-live`} className="live" aria-live="polite">
        <h4>Live classification</h4>
        {live.ok === 'empty' && <p>Type values to see the classification.</p>}
        {live.ok === false && <p className="error">{live.message}</p>}
        {live.ok === true && <ClassificationView result={live.result} />}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || live.ok !== true}>
        Save pathology
      </button>
    </form>
  );
}
