import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, reportUrl } from '../api.ts';
import { Timeline, type TimelineEvents } from '../components/Timeline.tsx';
import type { TimelineCopyNumber } from '../timeline.ts';
import { SummaryCard } from '../components/SummaryCard.tsx';
import { Tabs } from '../components/Tabs.tsx';
import { Drawer, FindingEvidence, OptionEvidence } from '../components/Evidence.tsx';
import { FieldMessage, focusFirstInvalid, FormMessage, invalidProps } from '../components/FieldError.tsx';
import { ColumnHeads, TreatmentSettingFields, useCheckedForm, type TreatmentSettingValues } from '../components/RecordFields.tsx';
import { buildSummary, humanDateTime, ihcScore } from '../summary.ts';
import { EditPatient, EditSample, EditTreatment, EnteredInError, EnteredInErrorNote } from '../components/Corrections.tsx';
import { fieldErrorsFrom, labelsFor, localToday, validateFractions, validateLine, validateSample, validateTreatment, type FieldError } from '../validation.ts';
import { SampleFields, type SampleFieldValues } from '../components/SampleFields.tsx';
import { PathologyForm, ClassificationView } from '../components/PathologyForm.tsx';
import { UploadForm } from '../components/UploadForm.tsx';
import { CytometryPlot } from '../components/CytometryPlot.tsx';
import { Findings, findingKey, TherapyOptions } from '../components/Findings.tsx';
import { LongitudinalPanels } from '../components/Longitudinal.tsx';
import { formatBytes, her2Class } from '../format.ts';
import type { AnalysisRecord, PatientDetail, SampleInfo } from '../types.ts';

const RESPONSES = ['', 'complete-response', 'partial-response', 'stable', 'progression', 'unknown'];

const REPORT_LABELS: Record<string, string> = {
  html: 'Clinician report (HTML)',
  pdf: 'Clinician report (PDF)',
  patient: 'Patient summary (HTML)',
  fhir: 'FHIR R4 bundle (JSON)',
  json: 'Analysis (JSON)',
};

/** How often an open patient page re-checks the records (a change by another user makes its analysis stale). */
const RECHECK_MS = 10_000;

type DrawerState = { kind: 'finding'; sampleId: string; key: string } | { kind: 'option'; index: number } | null;

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'pathology', label: 'Pathology' },
  { id: 'files', label: 'Files' },
  { id: 'findings', label: 'Findings' },
  { id: 'options', label: 'Options' },
  { id: 'reports', label: 'Reports' },
];

export function PatientPage({ id, can }: { id: string; can: (p: string) => boolean }) {
  const [detail, setDetail] = useState<PatientDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState<AnalysisRecord | null>(null);
  const [tab, setTab] = useState('overview');
  const [drawer, setDrawer] = useState<DrawerState>(null);
  const [showEie, setShowEie] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      const d = await api.patient(id, showEie);
      setDetail(d);
      setError(null);
      const current = d.analyses.find((a) => a.status === 'queued' || a.status === 'running');
      if (current) setActive(current);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'cannot load the patient');
    }
  }, [id, showEie]);

  useEffect(() => {
    void load();
  }, [load]);

  // Once the page has loaded, focus moves to its heading (screen readers announce the new page).
  const focused = useRef(false);
  useEffect(() => {
    if (!detail) return;
    document.title = `${detail.patient.label} — her2scope`;
    if (!focused.current) {
      focused.current = true;
      heading.current?.focus();
    }
  }, [detail]);

  // Always current (issue 17): someone else may change the records while this page is open. Reload when the page
  // comes back into view and every RECHECK_MS while it is visible, so a superseded analysis is never left on screen
  // as current (the server withholds a stale run's result; the reload picks that up).
  useEffect(() => {
    const recheck = () => {
      if (document.visibilityState === 'visible') void load();
    };
    const timer = setInterval(recheck, RECHECK_MS);
    document.addEventListener('visibilitychange', recheck);
    window.addEventListener('focus', recheck);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', recheck);
      window.removeEventListener('focus', recheck);
    };
  }, [load]);

  // Poll the running analysis; reload the patient when it ends.
  useEffect(() => {
    if (!active || active.status === 'done' || active.status === 'failed') return;
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const { analysis } = await api.analysis(active.id);
          setActive(analysis);
          if (analysis.status === 'done' || analysis.status === 'failed') await load();
        } catch {
          setActive({ ...active });
        }
      })();
    }, 500);
    return () => clearTimeout(timer);
  }, [active, load]);

  const latest = detail?.latest ?? null;
  // A stale analysis (records changed since) is never shown as current: the API withholds its result, and so do we.
  const stale = detail?.analysisStale === true || latest?.stale === true;
  const result = stale ? null : (latest?.result ?? null);
  const summary = useMemo(() => (latest?.result && !stale ? buildSummary(latest.result, latest.analysis) : null), [latest, stale]);
  const timelineEvents = useMemo(() => {
    const out: TimelineEvents = {};
    for (const e of summary?.events ?? []) (out[e.sample] ??= []).push({ kind: e.kind, label: e.label });
    return out;
  }, [summary]);

  // The copy-number track: each sample's gene-level calls from sequencing in the latest analysis, by sample label.
  const timelineCopyNumber = useMemo(() => {
    const out: Record<string, TimelineCopyNumber[]> = {};
    for (const s of result?.samples ?? []) if (s.copyNumber) out[s.id] = s.copyNumber.genes.map((g) => ({ gene: g.gene, status: g.status, copyNumber: g.copyNumber }));
    return out;
  }, [result]);

  async function run() {
    try {
      const { analysis } = await api.runAnalysis(id);
      setActive(analysis);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'cannot start the analysis');
    }
  }

  /** The evidence of the finding a change names (`findingId`: for a lost variant, the earlier sample's finding). */
  function openEventEvidence(findingId: string) {
    for (const s of result?.samples ?? []) {
      const f = s.findings.find((x) => x.id === findingId);
      if (f) return setDrawer({ kind: 'finding', sampleId: s.id, key: findingKey(f) });
    }
  }

  if (error && !detail)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!detail) return <p role="status">Loading…</p>;
  const { patient, samples: allSamples, treatments: allTreatments, comments, analyses } = detail;
  const isActive = (r: { status?: string }) => r.status !== 'entered-in-error';
  const samples = allSamples.filter(isActive);
  const treatments = allTreatments.filter(isActive);
  const earliestDate = [...samples.map((s) => s.collected), ...treatments.map((t) => t.start)].sort()[0] ?? null;
  const withheld = (
    <p className="stale-note">
      The findings, options and reports of analysis v{latest?.analysis.version} are withheld: the records changed after it ran. Re-run the analysis to see current results.
    </p>
  );
  const cytometrySamples = result?.samples.filter((s) => s.cytometry) ?? [];
  const running = !!active && (active.status === 'queued' || active.status === 'running');
  const drawerFinding = drawer?.kind === 'finding' ? result?.samples.find((s) => s.id === drawer.sampleId)?.findings.find((f) => findingKey(f) === drawer.key) : undefined;
  const drawerOption = drawer?.kind === 'option' ? result?.therapyOptions[drawer.index] : undefined;

  return (
    <article aria-labelledby="patient-h" className="patient">
      <p className="back">
        <a href="#/">← All patients</a>
      </p>
      <h1 id="patient-h" ref={heading} tabIndex={-1}>
        {patient.label}
        {patient.synthetic && <span className="chip synthetic">synthetic patient</span>}
      </h1>
      <p className="meta">
        Sex {patient.sex ?? 'not given'} · born {patient.birthYear ?? 'not given'} · {patient.setting ? `${patient.setting} setting · ` : ''}{samples.length} sample{samples.length === 1 ? '' : 's'} · {treatments.length} treatment{treatments.length === 1 ? '' : 's'}
      </p>
      {can('patient.write') && (
        <div className="actions record-actions">
          <EditPatient patient={patient} earliestDate={earliestDate} onDone={load} />
          <EnteredInError kind="patient" id={patient.id} what="this patient" onDone={() => { window.location.hash = '#/'; return Promise.resolve(); }} />
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      {stale && latest ? (
        <section className="card stale" aria-labelledby="summary-h" role="region">
          <h2 id="summary-h">Results out of date</h2>
          <p>
            <strong>
              Analysis v{latest.analysis.version} ({humanDateTime(latest.analysis.finishedAt ?? latest.analysis.createdAt)}) no longer matches the records; its findings and options are not shown as current.
            </strong>{' '}
            What changed:
          </p>
          <ul>
            {(detail.staleChanges ?? latest.changes ?? []).map((c, i) => (
              <li key={i}>{c.message}</li>
            ))}
          </ul>
          {running ? (
            <p>A new analysis is running; the page updates when it finishes.</p>
          ) : can('analysis.run') ? (
            <button type="button" onClick={() => void run()} disabled={samples.length === 0}>
              Re-run analysis
            </button>
          ) : (
            <p>Ask a user who may run analyses to re-run it.</p>
          )}
        </section>
      ) : summary ? (
        <SummaryCard summary={summary} onOptionEvidence={(rank) => setDrawer({ kind: 'option', index: rank - 1 })} onEventEvidence={openEventEvidence} />
      ) : (
        <section className="card summary" aria-labelledby="summary-h">
          <h2 id="summary-h">Summary</h2>
          <p>No finished analysis yet. Enter pathology and files, then run the analysis.</p>
        </section>
      )}
      <div className="analysis-bar">
        {can('analysis.run') && !stale && (
          <button type="button" onClick={() => void run()} disabled={running || samples.length === 0}>
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
      </div>

      <Tabs tabs={TABS} selected={tab} onSelect={setTab} label="Patient record">
        {tab === 'overview' && (
          <>
            <div className="check eie-toggle">
              <input id="show-eie" type="checkbox" checked={showEie} onChange={(e) => setShowEie(e.target.checked)} />
              <label htmlFor="show-eie">Show records entered in error (struck through)</label>
            </div>
            <section aria-labelledby="timeline-h" className="card">
              <h2 id="timeline-h">HER2 timeline</h2>
              <Timeline samples={samples} treatments={treatments} events={timelineEvents} copyNumber={timelineCopyNumber} />
            </section>
            <section aria-labelledby="treatments-h" className="card">
              <h2 id="treatments-h">Treatments</h2>
              {treatments.length === 0 ? (
                <p>None recorded.</p>
              ) : (
                <ul className="treatments">
                  {allTreatments.map((t) => (
                    <li key={t.id} className={isActive(t) ? undefined : 'eie'}>
                      {isActive(t) ? (
                        <span>
                          <strong>{t.drug}</strong> {t.start} – {t.end ?? 'ongoing'}
                          {t.response ? ` (${t.response})` : ''}
                          {t.setting ? ` · ${t.setting === 'early' ? 'early setting' : 'metastatic'}` : ''}
                          {t.line !== null && t.line !== undefined ? ` · line ${t.line}` : ''}
                        </span>
                      ) : (
                        <del>
                          <strong>{t.drug}</strong> {t.start} – {t.end ?? 'ongoing'}
                        </del>
                      )}
                      <EnteredInErrorNote record={t} />
                      {can('treatment.write') && isActive(t) && (
                        <span className="actions inline">
                          <EditTreatment treatment={t} birthYear={patient.birthYear} onDone={load} />
                          <EnteredInError kind="treatment" id={t.id} what={`treatment ${t.drug}`} onDone={load} />
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {can('treatment.write') && <AddTreatment patientId={patient.id} birthYear={patient.birthYear} onAdded={load} />}
            </section>
            <section aria-labelledby="history-h" className="card">
              <h2 id="history-h">Analysis history</h2>
              {analyses.length === 0 ? (
                <p>No analysis yet.</p>
              ) : (
                <ul>
                  {analyses.map((a) => (
                    <li key={a.id}>
                      v{a.version} · {a.status} · {humanDateTime(a.createdAt)} · KB {a.kbVersion} · {a.codeVersion}
                      {a.error ? ` · ${a.error}` : ''}
                    </li>
                  ))}
                </ul>
              )}
              <p className="sub">Every run is kept.</p>
            </section>
            <section aria-labelledby="comments-h" className="card">
              <h2 id="comments-h">Tumour-board comments</h2>
              {comments.length === 0 ? (
                <p>No comments yet.</p>
              ) : (
                <ul className="comments">
                  {comments.map((c) => (
                    <li key={c.id}>
                      <p className="comment-meta">
                        {c.author ?? 'system'} · {humanDateTime(c.createdAt)}
                      </p>
                      <p className="comment-body">{c.body}</p>
                    </li>
                  ))}
                </ul>
              )}
              {can('comment') && <AddComment patientId={patient.id} onAdded={load} />}
            </section>
          </>
        )}
        {tab === 'pathology' && (
          <section aria-labelledby="samples-h">
            <h2 id="samples-h">Samples and pathology</h2>
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Samples">
              <table>
                <ColumnHeads columns={['Sample', 'Collected', 'Type, site', 'HER2', 'ER', 'PR', 'Pathology']} />
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
                      <td>
                        {s.classification?.her2 ? <span className={`chip ${her2Class(s.classification.her2.category)}`}>{s.classification.her2.category}</span> : '—'}
                        {ihcScore(s.classification) ? <span className="sub"> {ihcScore(s.classification)}</span> : null}
                      </td>
                      <td>{s.classification ? s.classification.er.status : '—'}</td>
                      <td>{s.classification ? s.classification.pr.status : '—'}</td>
                      <td>{s.pathology ? `v${s.pathology.version}${s.pathology.signedBy ? `, signed by ${s.pathology.signedBy}` : ', not signed'}` : 'none'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {allSamples.map((s) => (
              <SampleCard key={s.id} sample={s} birthYear={patient.birthYear} can={can} onChange={load} />
            ))}
            {can('patient.write') && <AddSample patientId={patient.id} birthYear={patient.birthYear} onAdded={load} />}
          </section>
        )}
        {tab === 'files' && (
          <section aria-labelledby="files-h">
            <h2 id="files-h">Files</h2>
            {samples.length === 0 && <p>Add a sample (Pathology tab) first.</p>}
            {samples.map((s) => (
              <SampleFiles key={s.id} sample={s} can={can} onChange={load} />
            ))}
          </section>
        )}
        {tab === 'findings' &&
          (latest && result ? (
            <>
              <section aria-labelledby="findings-h" className="card">
                <h2 id="findings-h">
                  Findings <span className="sub">(analysis v{latest.analysis.version}, KB {result.kbVersion})</span>
                </h2>
                <Findings result={result} onEvidence={(sampleId, key) => setDrawer({ kind: 'finding', sampleId, key })} />
                <LongitudinalPanels result={result} />
              </section>
              {cytometrySamples.length > 0 && (
                <section aria-labelledby="cyto-h" className="card">
                  <h2 id="cyto-h">Cytometry</h2>
                  {cytometrySamples.map((s) => (
                    <CytometryPlot key={s.id} sampleId={s.id} cytometry={s.cytometry ?? {}} />
                  ))}
                </section>
              )}
            </>
          ) : stale ? (
            withheld
          ) : (
            <p>No finished analysis yet.</p>
          ))}
        {tab === 'options' &&
          (result ? (
            <section aria-labelledby="options-h" className="card">
              <h2 id="options-h">Therapy options for {result.latestSample}</h2>
              <TherapyOptions result={result} onEvidence={(index) => setDrawer({ kind: 'option', index })} />
            </section>
          ) : stale ? (
            withheld
          ) : (
            <p>No finished analysis yet.</p>
          ))}
        {tab === 'reports' &&
          (latest && result ? (
            <section aria-labelledby="reports-h" className="card">
              <h2 id="reports-h">Reports of analysis v{latest.analysis.version}</h2>
              <ul className="reports">
                {['html', 'pdf', 'patient', 'fhir', 'json']
                  .filter((f) => latest.reports.includes(f))
                  .map((f) => (
                    <li key={f}>
                      <a href={reportUrl(latest.analysis.id, f, f === 'fhir' || f === 'json')} {...(f === 'html' || f === 'patient' ? { target: '_blank', rel: 'noopener' } : { download: '' })}>
                        {REPORT_LABELS[f]}
                      </a>
                    </li>
                  ))}
              </ul>
              <p className="notice">{result.notice}</p>
            </section>
          ) : stale ? (
            withheld
          ) : (
            <p>No finished analysis yet.</p>
          ))}
      </Tabs>

      {drawerFinding && drawer?.kind === 'finding' && (
        <Drawer title={`Evidence: ${drawerFinding.gene} ${drawerFinding.alteration} in ${drawer.sampleId}`} onClose={() => setDrawer(null)}>
          <FindingEvidence finding={drawerFinding} sampleId={drawer.sampleId} />
        </Drawer>
      )}
      {drawerOption && (
        <Drawer title={`Evidence: ${drawerOption.therapy}`} onClose={() => setDrawer(null)}>
          <OptionEvidence option={drawerOption} />
        </Drawer>
      )}
    </article>
  );
}

function SampleCard({ sample, birthYear, can, onChange }: { sample: SampleInfo; birthYear: number | null; can: (p: string) => boolean; onChange: () => Promise<void> }) {
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

  if (sample.status === 'entered-in-error')
    return (
      <section className="card sample eie" id={`sample-${sample.id}`} aria-labelledby={`sample-h-${sample.id}`}>
        <h3 id={`sample-h-${sample.id}`}>
          <del>Sample {sample.label}</del> <span className="sub">({sample.type}, {sample.site}, {sample.collected})</span>
          <EnteredInErrorNote record={sample} />
        </h3>
      </section>
    );
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
      {can('patient.write') && (
        <div className="actions record-actions">
          <EditSample sample={sample} birthYear={birthYear} onDone={onChange} />
          <EnteredInError kind="sample" id={sample.id} what={`sample ${sample.label}`} onDone={onChange} />
        </div>
      )}
      {can('pathology.write') && (
        <div className="actions">
          <button type="button" className="secondary" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {editing ? 'Close pathology form' : sample.pathology ? 'Edit pathology' : 'Enter pathology'}
          </button>
          {sample.pathology && !sample.pathology.signedAt && (
            <button type="button" className="secondary" onClick={() => void sign()}>
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
    </section>
  );
}

function SampleFiles({ sample, can, onChange }: { sample: SampleInfo; can: (p: string) => boolean; onChange: () => Promise<void> }) {
  return (
    <section className="card sample" aria-labelledby={`files-h-${sample.id}`}>
      <h3 id={`files-h-${sample.id}`}>
        Files of sample {sample.label} <span className="sub">({sample.type}, {sample.site}, {sample.collected})</span>
      </h3>
      {sample.files.length === 0 ? (
        <p>No files.</p>
      ) : (
        <ul className="files">
          {sample.files.map((f) =>
            f.status === 'entered-in-error' ? (
              <li key={f.id} className="eie">
                <del>{f.originalName}</del> <span className="chip">{f.kind}</span>
                <EnteredInErrorNote record={f} />
              </li>
            ) : (
              <li key={f.id}>
                <a href={`/api/files/${f.id}`} download>
                  {f.originalName}
                </a>{' '}
                <span className="chip">{f.kind}</span> {formatBytes(f.size)} · SHA-256 <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>{' '}
                {can('file.upload') && <EnteredInError kind="file" id={f.id} what={`file ${f.originalName}`} onDone={onChange} />}
              </li>
            ),
          )}
        </ul>
      )}
      {can('file.upload') && <UploadForm sampleId={sample.id} sampleLabel={sample.label} files={sample.files} onUploaded={onChange} />}
    </section>
  );
}

const SAMPLE_FIELDS = labelsFor(['label', 'type', 'site', 'collected', 'purity', 'tumorFraction']);

function AddSample({ patientId, birthYear, onAdded }: { patientId: string; birthYear: number | null; onAdded: () => Promise<void> }) {
  const [label, setLabel] = useState('');
  const [fields, setFields] = useState<SampleFieldValues>({ type: 'primary', site: 'breast', purity: '', tumorFraction: '' });
  const [collected, setCollected] = useState('');
  const { errors, form, onSubmit } = useCheckedForm({
    fields: SAMPLE_FIELDS,
    failure: 'cannot add the sample',
    check: () => [...validateSample({ collected }, localToday(), birthYear), ...validateFractions(fields).errors, ...(fields.site === '' && fields.type !== 'plasma' ? [{ field: 'site', message: `Site is required for a ${fields.type} sample` }] : [])],
    save: async () => {
      const fractions = validateFractions(fields);
      await api.addSample(patientId, {
        label: label.trim(),
        type: fields.type,
        ...(fields.site ? { site: fields.site } : {}),
        collected,
        ...(fractions.purity !== null ? { purity: fractions.purity } : {}),
        ...(fractions.tumorFraction !== null ? { tumorFraction: fractions.tumorFraction } : {}),
      });
      setLabel('');
      setCollected('');
      setFields({ ...fields, purity: '', tumorFraction: '' });
      await onAdded();
    },
  });

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="add-sample-h" ref={form} noValidate>
      <h3 id="add-sample-h">Add a sample</h3>
      <div className="grid">
        <div>
          <label htmlFor="as-label">Sample id</label>
          <input id="as-label" value={label} onChange={(e) => setLabel(e.target.value)} required pattern="[A-Za-z0-9._\-]+" maxLength={64} {...invalidProps(errors, 'label', 'as-label')} />
          <FieldMessage errors={errors} field="label" id="as-label" />
        </div>
        <SampleFields idp="as" values={fields} onChange={setFields} errors={errors} />
        <div>
          <label htmlFor="as-date">Collection date</label>
          <input id="as-date" type="date" value={collected} onChange={(e) => setCollected(e.target.value)} required {...invalidProps(errors, 'collected', 'as-date')} />
          <FieldMessage errors={errors} field="collected" id="as-date" />
        </div>
      </div>
      <FormMessage errors={errors} />
      <button type="submit">Add sample</button>
    </form>
  );
}

const TREATMENT_FIELDS = labelsFor(['drug', 'start', 'end', 'response', 'setting', 'line']);

function AddTreatment({ patientId, birthYear, onAdded }: { patientId: string; birthYear: number | null; onAdded: () => Promise<void> }) {
  const [drug, setDrug] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [response, setResponse] = useState('');
  const [settingLine, setSettingLine] = useState<TreatmentSettingValues>({ setting: '', line: '' });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local = [...(drug.trim() ? [] : [{ field: 'drug', message: 'Drug: enter a drug or regimen' }]), ...validateTreatment({ start, end }, localToday(), birthYear), ...validateLine(settingLine.line)];
    setErrors(local);
    if (local.length) return focusFirstInvalid(form.current);
    try {
      await api.addTreatment(patientId, { drug: drug.trim(), start, ...(end ? { end } : {}), ...(response ? { response } : {}), ...(settingLine.setting ? { setting: settingLine.setting } : {}), ...(settingLine.line.trim() ? { line: Number(settingLine.line) } : {}) });
      setDrug('');
      setSettingLine({ setting: '', line: '' });
      setStart('');
      setEnd('');
      setResponse('');
      await onAdded();
    } catch (err) {
      setErrors(fieldErrorsFrom(err, TREATMENT_FIELDS, 'cannot add the treatment'));
      focusFirstInvalid(form.current);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="add-tr-h" ref={form} noValidate>
      <h3 id="add-tr-h">Add a treatment</h3>
      <div className="grid">
        <div>
          <label htmlFor="tr-drug">Drug or regimen</label>
          <input id="tr-drug" value={drug} onChange={(e) => setDrug(e.target.value)} required maxLength={200} {...invalidProps(errors, 'drug', 'tr-drug')} />
          <FieldMessage errors={errors} field="drug" id="tr-drug" />
        </div>
        <div>
          <label htmlFor="tr-start">Start date</label>
          <input id="tr-start" type="date" value={start} onChange={(e) => setStart(e.target.value)} required {...invalidProps(errors, 'start', 'tr-start')} />
          <FieldMessage errors={errors} field="start" id="tr-start" />
        </div>
        <div>
          <label htmlFor="tr-end">End date (empty = ongoing)</label>
          <input id="tr-end" type="date" value={end} onChange={(e) => setEnd(e.target.value)} {...invalidProps(errors, 'end', 'tr-end')} />
          <FieldMessage errors={errors} field="end" id="tr-end" />
        </div>
        <div>
          <label htmlFor="tr-response">Response</label>
          <select id="tr-response" value={response} onChange={(e) => setResponse(e.target.value)} {...invalidProps(errors, 'response', 'tr-response')}>
            {RESPONSES.map((r) => (
              <option key={r} value={r}>
                {r || 'not given'}
              </option>
            ))}
          </select>
          <FieldMessage errors={errors} field="response" id="tr-response" />
        </div>
        <TreatmentSettingFields prefix="tr" values={settingLine} onChange={setSettingLine} errors={errors} />
      </div>
      <FormMessage errors={errors} />
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
