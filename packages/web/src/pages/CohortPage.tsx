import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, cohortQuery, cohortSvg, importStudy, api } from '../api.ts';
import type { CohortComparison, CohortPrevalence, CohortStudy } from '../types.ts';
import { FieldMessage, FormMessage, focusFirstInvalid, invalidProps } from '../components/FieldError.tsx';
import { formatPercent } from '../format.ts';
import { humanDateTime } from '../summary.ts';
import { fieldErrorsFrom, type FieldError } from '../validation.ts';

/** What the alteration fields send (empty values are left out), as the CLI's flags. */
interface AlterationForm {
  study: string;
  gene: string;
  mutationClass: string;
  proteinChange: string;
  cna: string;
  her2: string;
  by: string;
}

const EMPTY: AlterationForm = { study: '', gene: 'ERBB2', mutationClass: '', proteinChange: '', cna: '', her2: '', by: '' };

/** The query parameters of an alteration form (pure; the API names). */
export function alterationParams(f: AlterationForm): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (k: string, v: string) => {
    if (v.trim()) out[k] = v.trim();
  };
  set('study', f.study);
  if (f.her2.trim()) set('her2', f.her2);
  else {
    set('gene', f.gene);
    set('class', f.mutationClass);
    set('proteinChange', f.proteinChange);
    set('cna', f.cna);
  }
  set('by', f.by);
  return out;
}

const NAMES: Record<string, string> = { study: 'Study', gene: 'Gene', class: 'Mutation class', proteinChange: 'Protein change', cna: 'Copy number', her2: 'HER2 category', by: 'Group by', groupA: 'Group A', groupB: 'Group B', genes: 'Genes' };

/** 3 significant digits as the CLI prints them; an infinite bound arrives as null from JSON. */
export const numberText = (x: number | null) => (x === null || !Number.isFinite(x) ? '∞' : Number(x.toPrecision(3)).toString());
export const pText = (p: number) => (p >= 0.0001 ? p.toFixed(4) : p.toExponential(2));

const ciText = (p: { fraction: number | null; ci95: [number, number] }) => (p.fraction === null || !Number.isFinite(p.fraction) ? '—' : `${formatPercent(p.fraction)} (95% CI ${formatPercent(p.ci95[0])}–${formatPercent(p.ci95[1])})`);

export function CohortPage({ isAdmin }: { isAdmin: boolean }) {
  const [studies, setStudies] = useState<CohortStudy[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const loadStudies = useCallback(async () => {
    try {
      setStudies((await api.cohortStudies()).studies);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'cannot load the studies');
    }
  }, []);
  useEffect(() => {
    void loadStudies();
  }, [loadStudies]);

  return (
    <section aria-labelledby="cohorts-h">
      <h1 id="cohorts-h" ref={heading} tabIndex={-1}>
        Cohorts
      </h1>
      <p className="sub">cBioPortal studies: prevalence with Wilson 95% CIs, two-group comparison (Fisher's exact test), oncoprint and lollipop. Counts as cBioPortal counts them (a sample is in a gene's denominator only if its panel covers the gene).</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <section className="card" aria-labelledby="studies-h">
        <h2 id="studies-h">Studies</h2>
        {studies === null ? (
          <p role="status">Loading…</p>
        ) : studies.length === 0 ? (
          <p>No study imported yet.</p>
        ) : (
          <ul>
            {studies.map((s) => (
              <li key={s.identifier}>
                <strong>{s.identifier}</strong> — {s.name} ({s.samples} samples, {s.patients} patients; imported {humanDateTime(s.importedAt)})
              </li>
            ))}
          </ul>
        )}
        {isAdmin && <ImportStudy onImported={loadStudies} />}
      </section>
      {studies && studies.length > 0 && (
        <>
          <Prevalence studies={studies} />
          <Compare studies={studies} />
          <Plots studies={studies} />
        </>
      )}
    </section>
  );
}

function ImportStudy({ onImported }: { onImported: () => Promise<void> }) {
  const [files, setFiles] = useState<File[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (files.length === 0) return setErrors([{ field: 'folder', message: 'Study folder: choose the folder of a cBioPortal study' }]);
    setBusy(true);
    setErrors([]);
    setStatus(`Importing ${files.length} files…`);
    try {
      const r = await importStudy(files);
      setStatus(`Imported ${r.summary.study ?? 'the study'}.`);
      await onImported();
    } catch (err) {
      setStatus(null);
      setErrors(fieldErrorsFrom(err, {}, 'the import failed'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="import-h" noValidate>
      <h3 id="import-h">Import a study (administrators)</h3>
      <label htmlFor="study-folder">Study folder</label>
      <input
        id="study-folder"
        type="file"
        multiple
        // A folder picker: the browser sends each file with its path in the folder (webkitRelativePath).
        {...{ webkitdirectory: '' }}
        onChange={(e) => setFiles([...(e.target.files ?? [])])}
        {...invalidProps(errors, 'folder', 'study-folder')}
      />
      <FieldMessage errors={errors} field="folder" id="study-folder" />
      <FormMessage errors={errors} />
      {status && <p role="status">{status}</p>}
      <button type="submit" disabled={busy}>
        Import study
      </button>
    </form>
  );
}

function StudySelect({ id, studies, value, onChange }: { id: string; studies: CohortStudy[]; value: string; onChange: (v: string) => void }) {
  return (
    <div>
      <label htmlFor={id}>Study</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {studies.length > 1 && <option value="">choose a study</option>}
        {studies.map((s) => (
          <option key={s.identifier} value={s.identifier}>
            {s.identifier}
          </option>
        ))}
      </select>
    </div>
  );
}

function AlterationFields({ prefix, form, set, errors, byRequired }: { prefix: string; form: AlterationForm; set: (f: AlterationForm) => void; errors: FieldError[]; byRequired: boolean }) {
  const field = (key: keyof AlterationForm, apiKey: string, label: string, hint?: string) => (
    <div>
      <label htmlFor={`${prefix}-${key}`}>{label}</label>
      <input id={`${prefix}-${key}`} value={form[key]} onChange={(e) => set({ ...form, [key]: e.target.value })} placeholder={hint} {...invalidProps(errors, apiKey, `${prefix}-${key}`)} />
      <FieldMessage errors={errors} field={apiKey} id={`${prefix}-${key}`} />
    </div>
  );
  return (
    <div className="grid">
      {field('gene', 'gene', 'Gene', 'ERBB2')}
      <div>
        <label htmlFor={`${prefix}-class`}>Mutation class</label>
        <select id={`${prefix}-class`} value={form.mutationClass} onChange={(e) => set({ ...form, mutationClass: e.target.value })}>
          {['', 'missense', 'truncating', 'inframe', 'splice', 'other'].map((c) => (
            <option key={c} value={c}>
              {c || 'any'}
            </option>
          ))}
        </select>
      </div>
      {field('proteinChange', 'proteinChange', 'Protein change', 'L755S')}
      <div>
        <label htmlFor={`${prefix}-cna`}>Copy number</label>
        <select id={`${prefix}-cna`} value={form.cna} onChange={(e) => set({ ...form, cna: e.target.value })}>
          {['', 'amp', 'gain', 'hetloss', 'homdel'].map((c) => (
            <option key={c} value={c}>
              {c || 'mutations'}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${prefix}-her2`}>Or a HER2 category</label>
        <select id={`${prefix}-her2`} value={form.her2} onChange={(e) => set({ ...form, her2: e.target.value })}>
          {['', 'positive', 'negative', 'low', 'zero', 'ultralow', 'null'].map((c) => (
            <option key={c} value={c}>
              {c || 'none (use the gene)'}
            </option>
          ))}
        </select>
      </div>
      {field('by', 'by', byRequired ? 'Group by' : 'Group by (optional)', 'her2, SAMPLE_TYPE, treatment:Trastuzumab')}
    </div>
  );
}

function Prevalence({ studies }: { studies: CohortStudy[] }) {
  const [form, setForm] = useState<AlterationForm>({ ...EMPTY, study: studies.length === 1 ? (studies[0]?.identifier ?? '') : '' });
  const [result, setResult] = useState<CohortPrevalence | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const ref = useRef<HTMLFormElement>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    try {
      setResult(await cohortQuery('prevalence', alterationParams(form)));
    } catch (err) {
      setResult(null);
      setErrors(fieldErrorsFrom(err, NAMES, 'the query failed'));
      focusFirstInvalid(ref.current);
    }
  }
  return (
    <section className="card" aria-labelledby="prev-h">
      <h2 id="prev-h">Prevalence</h2>
      <form ref={ref} onSubmit={(e) => void submit(e)} noValidate aria-label="Prevalence query">
        <StudySelect id="pv-study" studies={studies} value={form.study} onChange={(study) => setForm({ ...form, study })} />
        <AlterationFields prefix="pv" form={form} set={setForm} errors={errors} byRequired={false} />
        <FormMessage errors={errors} />
        <button type="submit">Show prevalence</button>
      </form>
      {result && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Prevalence table">
          <table>
            <caption>
              {result.alteration} in {result.study} ({result.denominator})
            </caption>
            <thead>
              <tr>
                <th scope="col">{result.groupBy ?? 'Group'}</th>
                <th scope="col">Altered / samples</th>
                <th scope="col">Prevalence (Wilson 95% CI)</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">All</th>
                <td>
                  {result.overall.k} / {result.overall.n}
                </td>
                <td>{ciText(result.overall)}</td>
              </tr>
              {result.groups.map((g) => (
                <tr key={g.group ?? '(no value)'}>
                  <th scope="row">{g.group ?? '(no value)'}</th>
                  <td>
                    {g.k} / {g.n}
                  </td>
                  <td>{ciText(g)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Compare({ studies }: { studies: CohortStudy[] }) {
  const [form, setForm] = useState<AlterationForm>({ ...EMPTY, study: studies.length === 1 ? (studies[0]?.identifier ?? '') : '', by: 'SAMPLE_TYPE' });
  const [groupA, setGroupA] = useState('');
  const [groupB, setGroupB] = useState('');
  const [result, setResult] = useState<CohortComparison | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const ref = useRef<HTMLFormElement>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: FieldError[] = [];
    if (!form.by.trim()) local.push({ field: 'by', message: 'Group by: name the grouping whose values form the groups' });
    if (!groupA.trim()) local.push({ field: 'groupA', message: 'Group A: give at least one group value' });
    if (!groupB.trim()) local.push({ field: 'groupB', message: 'Group B: give at least one group value' });
    setErrors(local);
    if (local.length) return focusFirstInvalid(ref.current);
    try {
      setResult(await cohortQuery('compare', { ...alterationParams(form), groupA: groupA.trim(), groupB: groupB.trim() }));
    } catch (err) {
      setResult(null);
      setErrors(fieldErrorsFrom(err, NAMES, 'the comparison failed'));
      focusFirstInvalid(ref.current);
    }
  }
  return (
    <section className="card" aria-labelledby="cmp-h">
      <h2 id="cmp-h">Two-group comparison</h2>
      <form ref={ref} onSubmit={(e) => void submit(e)} noValidate aria-label="Two-group comparison">
        <StudySelect id="cmp-study" studies={studies} value={form.study} onChange={(study) => setForm({ ...form, study })} />
        <AlterationFields prefix="cmp" form={form} set={setForm} errors={errors} byRequired />
        <div className="grid">
          <div>
            <label htmlFor="cmp-a">Group A (values, comma-separated)</label>
            <input id="cmp-a" value={groupA} onChange={(e) => setGroupA(e.target.value)} placeholder="Primary" {...invalidProps(errors, 'groupA', 'cmp-a')} />
            <FieldMessage errors={errors} field="groupA" id="cmp-a" />
          </div>
          <div>
            <label htmlFor="cmp-b">Group B (values, comma-separated)</label>
            <input id="cmp-b" value={groupB} onChange={(e) => setGroupB(e.target.value)} placeholder="Recurrence" {...invalidProps(errors, 'groupB', 'cmp-b')} />
            <FieldMessage errors={errors} field="groupB" id="cmp-b" />
          </div>
        </div>
        <FormMessage errors={errors} />
        <button type="submit">Compare</button>
      </form>
      {result && (
        <dl className="facts comparison" aria-label="Comparison result">
          <dt>Group A ({result.groupA.join(', ')})</dt>
          <dd>
            {result.a.k} / {result.a.n}: {ciText(result.a)}
          </dd>
          <dt>Group B ({result.groupB.join(', ')})</dt>
          <dd>
            {result.b.k} / {result.b.n}: {ciText(result.b)}
          </dd>
          <dt>Odds ratio (A vs B)</dt>
          <dd>
            {numberText(result.oddsRatio)} (exact 95% CI {numberText(result.oddsRatioCi95[0])} to {numberText(result.oddsRatioCi95[1])}; conditional MLE, as R's fisher.test)
          </dd>
          <dt>Fisher's exact test</dt>
          <dd>p = {pText(result.fisherP)} (two-sided)</dd>
        </dl>
      )}
    </section>
  );
}

function Plots({ studies }: { studies: CohortStudy[] }) {
  const [study, setStudy] = useState(studies.length === 1 ? (studies[0]?.identifier ?? '') : '');
  const [genes, setGenes] = useState('ERBB2,PIK3CA');
  const [gene, setGene] = useState('ERBB2');
  const [plots, setPlots] = useState<Array<{ kind: 'oncoprint' | 'lollipop'; url: string; alt: string; caption: string }>>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const ref = useRef<HTMLFormElement>(null);
  // Object URLs are released when replaced or when the page goes.
  useEffect(() => () => plots.forEach((p) => URL.revokeObjectURL(p.url)), [plots]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const base: Record<string, string> = study ? { study } : {};
    const out: typeof plots = [];
    const errs: FieldError[] = [];
    const g = genes.trim();
    const one = gene.trim();
    for (const [kind, params, field, alt, caption] of [
      ['oncoprint', { ...base, genes: g }, 'genes', `Oncoprint of ${g}: mutations and copy-number changes per profiled sample`, `Oncoprint: ${g}`],
      ['lollipop', { ...base, gene: one }, 'gene', `Lollipop of ${one}: mutations by protein position, counted by sample`, `Lollipop: ${one}`],
    ] as const) {
      try {
        const blob = await cohortSvg(kind, params);
        out.push({ kind, url: URL.createObjectURL(blob), alt, caption });
      } catch (err) {
        errs.push(...fieldErrorsFrom(err, { [field]: field === 'genes' ? 'Oncoprint genes' : 'Lollipop gene' }, `the ${kind} failed`).map((x) => ({ ...x, field: x.field ?? field })));
      }
    }
    setPlots(out);
    setErrors(errs);
    if (errs.length) focusFirstInvalid(ref.current);
  }
  return (
    <section className="card" aria-labelledby="plots-h">
      <h2 id="plots-h">Oncoprint and lollipop</h2>
      <form ref={ref} onSubmit={(e) => void submit(e)} aria-label="Plots" noValidate>
        <div className="grid">
          <StudySelect id="pl-study" studies={studies} value={study} onChange={setStudy} />
          <div>
            <label htmlFor="pl-genes">Oncoprint genes (comma-separated)</label>
            <input id="pl-genes" value={genes} onChange={(e) => setGenes(e.target.value)} {...invalidProps(errors, 'genes', 'pl-genes')} />
            <FieldMessage errors={errors} field="genes" id="pl-genes" />
          </div>
          <div>
            <label htmlFor="pl-gene">Lollipop gene</label>
            <input id="pl-gene" value={gene} onChange={(e) => setGene(e.target.value)} {...invalidProps(errors, 'gene', 'pl-gene')} />
            <FieldMessage errors={errors} field="gene" id="pl-gene" />
          </div>
        </div>
        <button type="submit">Draw</button>
      </form>
      {plots.length > 0 && (
        <div className="plots">
          {plots.map((p) => (
            <figure key={p.kind}>
              <img src={p.url} alt={p.alt} className="cohort-plot" />
              <figcaption>{p.caption}</figcaption>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}
