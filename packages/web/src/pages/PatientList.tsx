import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { FieldMessage, focusFirstInvalid, FormMessage, invalidProps } from '../components/FieldError.tsx';
import { fieldErrorsFrom, labelsFor, localToday, validateBirthYear, type FieldError } from '../validation.ts';
import { href } from '../route.ts';
import type { PatientListItem } from '../types.ts';

export function PatientList({ can }: { can: (p: string) => boolean }) {
  const [q, setQ] = useState('');
  const [patients, setPatients] = useState<PatientListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .patients(q.trim())
        .then((r) => !cancelled && (setPatients(r.patients), setError(null)))
        .catch((e) => !cancelled && setError(e instanceof ApiError ? e.message : 'cannot load patients'));
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q]);

  return (
    <section aria-labelledby="patients-h">
      <h1 id="patients-h" ref={heading} tabIndex={-1}>
        Patients
      </h1>
      <div className="toolbar">
        <label htmlFor="patient-search">Search patients</label>
        <input id="patient-search" type="search" placeholder="patient identifier" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Patient table">
        <table className="patients">
          <caption className="visually-hidden">Patients{q ? ` matching “${q}”` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Sex</th>
              <th scope="col">Born</th>
              <th scope="col">Samples</th>
              <th scope="col">Latest analysis</th>
            </tr>
          </thead>
          <tbody>
            {patients?.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <a href={href({ page: 'patient', id: p.id })}>{p.label}</a>
                  {p.synthetic && <span className="chip synthetic">synthetic</span>}
                </th>
                <td>{p.sex ?? '—'}</td>
                <td>{p.birthYear ?? '—'}</td>
                <td>{p.samples}</td>
                <td>{p.lastAnalysis ? `v${p.lastAnalysis.version} ${p.lastAnalysis.status}` : 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {patients && patients.length === 0 && <p role="status">No patients{q ? ' match this search' : ' yet'}.</p>}
        {!patients && !error && <p role="status">Loading…</p>}
      </div>
      {can('patient.write') && <NewPatient />}
    </section>
  );
}

const PATIENT_FIELDS = labelsFor(['label', 'sex', 'birthYear', 'synthetic']);

function NewPatient() {
  const [label, setLabel] = useState('');
  const [sex, setSex] = useState('');
  const [birthYear, setBirthYear] = useState('');
  const [synthetic, setSynthetic] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local = [...(label.trim() ? [] : [{ field: 'label', message: 'Label: enter a pseudonym' }]), ...validateBirthYear(birthYear, localToday())];
    setErrors(local);
    if (local.length) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      const body: { label: string; sex?: string; birthYear?: number; synthetic?: boolean } = { label: label.trim(), synthetic };
      if (sex) body.sex = sex;
      if (birthYear.trim()) body.birthYear = Number(birthYear);
      const { patient } = await api.createPatient(body);
      window.location.hash = href({ page: 'patient', id: patient.id });
    } catch (err) {
      setErrors(fieldErrorsFrom(err, PATIENT_FIELDS, 'cannot create the patient'));
      focusFirstInvalid(form.current);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="new-patient-h" ref={form} noValidate>
      <h2 id="new-patient-h">New patient</h2>
      <div className="grid">
        <div>
          <label htmlFor="np-label">Patient identifier (pseudonym)</label>
          <input id="np-label" value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={128} {...invalidProps(errors, 'label', 'np-label')} />
          <FieldMessage errors={errors} field="label" id="np-label" />
        </div>
        <div>
          <label htmlFor="np-sex">Sex</label>
          <select id="np-sex" value={sex} onChange={(e) => setSex(e.target.value)} {...invalidProps(errors, 'sex', 'np-sex')}>
            <option value="">not given</option>
            <option value="F">F</option>
            <option value="M">M</option>
            <option value="X">X</option>
          </select>
          <FieldMessage errors={errors} field="sex" id="np-sex" />
        </div>
        <div>
          <label htmlFor="np-year">Birth year</label>
          <input id="np-year" inputMode="numeric" value={birthYear} onChange={(e) => setBirthYear(e.target.value)} {...invalidProps(errors, 'birthYear', 'np-year')} />
          <FieldMessage errors={errors} field="birthYear" id="np-year" />
        </div>
        <div className="check">
          <input id="np-synthetic" type="checkbox" checked={synthetic} onChange={(e) => setSynthetic(e.target.checked)} />
          <label htmlFor="np-synthetic">Synthetic (test) patient</label>
        </div>
      </div>
      <FormMessage errors={errors} />
      <button type="submit" disabled={busy}>
        Create patient
      </button>
    </form>
  );
}
