import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, reportUrl } from '../api.ts';
import { Timeline } from '../components/Timeline.tsx';
import { PathologyForm, ClassificationView } from '../components/PathologyForm.tsx';
import { UploadForm } from '../components/UploadForm.tsx';
import { CytometryPlot } from '../components/CytometryPlot.tsx';
import { Findings, TherapyOptions } from '../components/Findings.tsx';
import { LongitudinalPanels } from '../components/Longitudinal.tsx';
import { formatBytes, her2Class } from '../format.ts';
import type { AnalysisRecord, PatientDetail, SampleInfo } from '../types.ts';

const SAMPLE_TYPES = ['primary', 'recurrence', 'metastasis'];
const SITES = ['breast', 'bone', 'liver', 'lung', 'brain', 'lymph node', 'skin', 'other'];
const RESPONSES = ['', 'complete-response', 'partial-response', 'stable', 'progression', 'unknown'];

const REPORT_LABELS: Record<string, string> = {
  html: 'Clinician report (HTML)',
  pdf: 'Clinician report (PDF)',
  patient: 'Patient summary (HTML)',
  fhir: 'FHIR R4 bundle (JSON)',
  json: 'Analysis (JSON)',
};

export function PatientPage({ id, can }: { id: string; can: (p: string) => boolean }) {
  const [detail, setDetail] = useState<PatientDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState<AnalysisRecord | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      const d = await api.patient(id);
      setDetail(d);
      setError(null);
      const current = d.analyses.find((a) => a.status === 'queued' || a.status === 'running');
      if (current) setActive(current);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'cannot load the patient');
    }
  }, [id]);

  useEffect(() => {
    void load().then(() => heading.current?.focus());
  }, [load]);

  // Poll the running analysis; reload the patient when it ends.
  useEffect(() => {
    if (!active || active.status === 'done' || active.status === 'failed') return;
    const poll = async () => {
      try {
        const { analysis } = await api.analysis(active.id);
        setActive(analysis);
        if (analysis.status === 'done' || analysis.status === 'failed') await load();
      } catch {
        setActive({ ...active });
      }
    };
    const timer = setTimeout(() => void poll(), 500);
    return () => clearTimeout(timer);
  }, [active, load]);

  async function run() {
    try {
      const { analysis } = await api.runAnalysis(id);
      setActive(analysis);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'cannot start the analysis');
    }
  }

  if (error && !detail)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!detail) return <p role="status">Loading…</p>;
  const { patient, samples, treatments, comments, analyses, latest } = detail;
  const result = latest?.result ?? null;
  const cytometrySamples = result?.samples.filter((s) => s.cytometry) ?? [];

  return (
    <article aria-labelledby="patient-h">
      <p>
        <a href="#/">← All patients</a>
      </p>
      <h1 id="patient-h" ref={heading} tabIndex={-1}>
        {patient.label}
        {patient.synthetic && <span className="chip synthetic">synthetic patient</span>}
      </h1>
      <p className="meta">
        Sex {patient.sex ?? 'not given'} · born {patient.birthYear ?? 'not given'} · {samples.length} sample{samples.length === 1 ? '' : 's'}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      <section aria-labelledby="timeline-h" className="card">
        <h2 id="timeline-h">HER2 timeline</h2>
        <Timeline samples={samples} treatments={treatments} />
      </section>

      <section aria-labelledby="samples-h">
        <h2 id="samples-h">Samples</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Sample</th>
                <th scope="col">Collected</th>
                <th scope="col">Type, site</th>
                <th scope="col">HER2</th>
                <th scope="col">ER</th>
                <th scope="col">PR</th>
                <th scope="col">Pathology</th>
              </tr>
            </thead>
            <tbody>
              {samples.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <a href={`#sample-${s.id}`} onClick={(e) => (e.preventDefault(), document.getElementById(`sample-${s.id}`)?.scrollIntoView())}>
                      {s.label}
                    </a>
                  </th>
                  <td>{s.collected}</td>
                  <td>
                    {s.type}, {s.site}
                  </td>
                  <td>{s.classification?.her2 ? <span className={`chip ${her2Class(s.classification.her2.category)}`}>{s.classification.her2.category}</span> : '—'}</td>
                  <td>{s.classification ? s.classification.er.status : '—'}</td>
                  <td>{s.classification ? s.classification.pr.status : '—'}</td>
                  <td>{s.pathology ? `v${s.pathology.version}${s.pathology.signedBy ? `, signed by ${s.pathology.signedBy}` : ', not signed'}` : 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {samples.map((s) => (
          <SampleCard key={s.id} sample={s} can={can} onChange={load} />
        ))}
        {can('patient.write') && <AddSample patientId={patient.id} onAdded={load} />}
      </section>

      <section aria-labelledby="treatments-h" className="card">
        <h2 id="treatments-h">Treatments</h2>
        {treatments.length === 0 ? (
          <p>None recorded.</p>
        ) : (
          <ul>
            {treatments.map((t) => (
              <li key={t.id}>
                <strong>{t.drug}</strong> {t.start} – {t.end ?? 'ongoing'}
                {t.response ? ` (${t.response})` : ''}
              </li>
            ))}
          </ul>
        )}
        {can('treatment.write') && <AddTreatment patientId={patient.id} onAdded={load} />}
      </section>

      <section aria-labelledby="analysis-h" className="card">
        <h2 id="analysis-h">Analysis</h2>
        {can('analysis.run') && (
          <button type="button" onClick={run} disabled={!!active && (active.status === 'queued' || active.status === 'running') || samples.length === 0}>
            Run analysis
          </button>
        )}
        {active && (
          <div className="progress-box" role="status" aria-live="polite">
            <label htmlFor="analysis-progress">
              Analysis v{active.version}: {active.status}
              {active.message && active.status !== 'done' ? ` — ${active.message}` : ''}
            </label>
            <progress id="analysis-progress" max={1} value={active.status === 'done' ? 1 : active.progress} />
            {active.status === 'failed' && <p className="error">{active.error}</p>}
          </div>
        )}
        {analyses.length > 0 && (
          <details>
            <summary>History ({analyses.length} run{analyses.length === 1 ? '' : 's'}; every run is kept)</summary>
            <ul>
              {analyses.map((a) => (
                <li key={a.id}>
                  v{a.version} · {a.status} · {a.createdAt.slice(0, 19).replace('T', ' ')} UTC · KB {a.kbVersion} · {a.codeVersion}
                  {a.error ? ` · ${a.error}` : ''}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>

      {latest && result && (
        <>
          <section aria-labelledby="findings-h" className="card">
            <h2 id="findings-h">
              Findings <span className="sub">(analysis v{latest.analysis.version}, KB {result.kbVersion})</span>
            </h2>
            <Findings result={result} />
            <LongitudinalPanels result={result} />
          </section>
          <section aria-labelledby="options-h" className="card">
            <h2 id="options-h">Therapy options for {result.latestSample}</h2>
            <TherapyOptions result={result} />
          </section>
          {cytometrySamples.length > 0 && (
            <section aria-labelledby="cyto-h" className="card">
              <h2 id="cyto-h">Cytometry</h2>
              {cytometrySamples.map((s) => (
                <CytometryPlot key={s.id} sampleId={s.id} cytometry={s.cytometry!} />
              ))}
            </section>
          )}
          <section aria-labelledby="reports-h" className="card">
            <h2 id="reports-h">Reports</h2>
            <ul className="reports">
              {['html', 'pdf', 'patient', 'fhir', 'json'].filter((f) => latest.reports.includes(f)).map((f) => (
                <li key={f}>
                  <a href={reportUrl(latest.analysis.id, f, f === 'fhir' || f === 'json')} {...(f === 'html' || f === 'patient' ? { target: '_blank', rel: 'noopener' } : { download: '' })}>
                    {REPORT_LABELS[f]}
                  </a>
                </li>
              ))}
            </ul>
            <p className="notice">{result.notice}</p>
          </section>
        </>
      )}

      <section aria-labelledby="comments-h" className="card">
        <h2 id="comments-h">Tumour-board comments</h2>
        {comments.length === 0 ? (
          <p>No comments yet.</p>
        ) : (
          <ul className="comments">
            {comments.map((c) => (
              <li key={c.id}>
                <p className="comment-meta">
                  {c.author ?? 'system'} · {c.createdAt.slice(0, 16).replace('T', ' ')} UTC
                </p>
                <p className="comment-body">{c.body}</p>
              </li>
            ))}
          </ul>
        )}
        {can('comment') && <AddComment patientId={patient.id} onAdded={load} />}
      </section>
    </article>
  );
}

function SampleCard({ sample, can, onChange }: { sample: SampleInfo; can: (p: string) => boolean; onChange: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function sign() {
    try {
      await api.signPathology(sample.id);
      setMessage('Pathology signed.');
      await onChange();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : 'cannot sign');
    }
  }

  return (
    <section className="card sample" id={`sample-${sample.id}`} aria-labelledby={`sample-h-${sample.id}`}>
      <h3 id={`sample-h-${sample.id}`}>
        Sample {sample.label} <span className="sub">({sample.type}, {sample.site}, {sample.collected})</span>
      </h3>
      {sample.classification && (
        <details>
          <summary>Classification and rule trail</summary>
          <ClassificationView result={sample.classification} />
        </details>
      )}
      {sample.classificationError && <p className="error">{sample.classificationError}</p>}
      {can('pathology.write') && (
        <div className="actions">
          <button type="button" className="secondary" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {editing ? 'Close pathology form' : sample.pathology ? 'Edit pathology' : 'Enter pathology'}
          </button>
          {sample.pathology && !sample.pathology.signedAt && (
            <button type="button" className="secondary" onClick={sign}>
              Sign pathology v{sample.pathology.version}
            </button>
          )}
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {editing && (
        <PathologyForm
          sampleLabel={sample.label}
          initial={sample.pathology?.data ?? null}
          onSave={async (data) => {
            await api.enterPathology(sample.id, data);
            setEditing(false);
            setMessage('Pathology saved (new version).');
            await onChange();
          }}
        />
      )}
      <h4>Files</h4>
      {sample.files.length === 0 ? (
        <p>No files.</p>
      ) : (
        <ul className="files">
          {sample.files.map((f) => (
            <li key={f.id}>
              <a href={`/api/files/${f.id}`} download>
                {f.originalName}
              </a>{' '}
              <span className="chip">{f.kind}</span> {formatBytes(f.size)} · SHA-256 <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
            </li>
          ))}
        </ul>
      )}
      {can('file.upload') && <UploadForm sampleId={sample.id} sampleLabel={sample.label} onUploaded={onChange} />}
    </section>
  );
}

function AddSample({ patientId, onAdded }: { patientId: string; onAdded: () => Promise<void> }) {
  const [label, setLabel] = useState('');
  const [type, setType] = useState('primary');
  const [site, setSite] = useState('breast');
  const [collected, setCollected] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.addSample(patientId, { label: label.trim(), type, site, collected });
      setLabel('');
      setCollected('');
      await onAdded();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot add the sample');
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-sample-h">
      <h3 id="add-sample-h">Add a sample</h3>
      <div className="grid">
        <div>
          <label htmlFor="as-label">Sample id</label>
          <input id="as-label" value={label} onChange={(e) => setLabel(e.target.value)} required pattern="[A-Za-z0-9._\-]+" maxLength={64} />
        </div>
        <div>
          <label htmlFor="as-type">Type</label>
          <select id="as-type" value={type} onChange={(e) => setType(e.target.value)}>
            {SAMPLE_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="as-site">Site</label>
          <select id="as-site" value={site} onChange={(e) => setSite(e.target.value)}>
            {SITES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="as-date">Collected</label>
          <input id="as-date" type="date" value={collected} onChange={(e) => setCollected(e.target.value)} required />
        </div>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Add sample</button>
    </form>
  );
}

function AddTreatment({ patientId, onAdded }: { patientId: string; onAdded: () => Promise<void> }) {
  const [drug, setDrug] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [response, setResponse] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.addTreatment(patientId, { drug: drug.trim(), start, ...(end ? { end } : {}), ...(response ? { response } : {}) });
      setDrug('');
      setStart('');
      setEnd('');
      setResponse('');
      await onAdded();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot add the treatment');
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="add-tr-h">
      <h3 id="add-tr-h">Add a treatment</h3>
      <div className="grid">
        <div>
          <label htmlFor="tr-drug">Drug or regimen</label>
          <input id="tr-drug" value={drug} onChange={(e) => setDrug(e.target.value)} required maxLength={200} />
        </div>
        <div>
          <label htmlFor="tr-start">Start</label>
          <input id="tr-start" type="date" value={start} onChange={(e) => setStart(e.target.value)} required />
        </div>
        <div>
          <label htmlFor="tr-end">End (empty = ongoing)</label>
          <input id="tr-end" type="date" value={end} onChange={(e) => setEnd(e.target.value)} />
        </div>
        <div>
          <label htmlFor="tr-response">Response</label>
          <select id="tr-response" value={response} onChange={(e) => setResponse(e.target.value)}>
            {RESPONSES.map((r) => (
              <option key={r} value={r}>
                {r || 'not given'}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Add treatment</button>
    </form>
  );
}

function AddComment({ patientId, onAdded }: { patientId: string; onAdded: () => Promise<void> }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.addComment(patientId, body);
      setBody('');
      await onAdded();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot add the comment');
    }
  }
  return (
    <form onSubmit={submit}>
      <label htmlFor="comment-body">Add a comment</label>
      <textarea id="comment-body" rows={3} value={body} onChange={(e) => setBody(e.target.value)} required maxLength={10000} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Post comment</button>
    </form>
  );
}
