import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { FormMessage } from '../components/FieldError.tsx';
import { ColumnHeads, PatientFields, useCheckedForm, type PatientValues } from '../components/RecordFields.tsx';
import { labelsFor, localToday, validateBirthYear } from '../validation.ts';
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
          <ColumnHeads columns={['Patient', 'Sex', 'Born', 'Samples', 'Latest analysis']} />
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

const PATIENT_FIELDS = labelsFor(['label', 'sex', 'birthYear', 'synthetic', 'setting']);

function NewPatient() {
  const [values, setValues] = useState<PatientValues>({ label: '', sex: '', birthYear: '', setting: '' });
  const [synthetic, setSynthetic] = useState(false);
  const [busy, setBusy] = useState(false);
  const { errors, form, onSubmit } = useCheckedForm({
    fields: PATIENT_FIELDS,
    failure: 'cannot create the patient',
    check: () => [...(values.label.trim() ? [] : [{ field: 'label', message: 'Label: enter a pseudonym' }]), ...validateBirthYear(values.birthYear, localToday())],
    save: async () => {
      setBusy(true);
      try {
        const body: { label: string; sex?: string; birthYear?: number; synthetic?: boolean; setting?: string } = { label: values.label.trim(), synthetic };
        if (values.sex) body.sex = values.sex;
        if (values.setting) body.setting = values.setting;
        if (values.birthYear.trim()) body.birthYear = Number(values.birthYear);
        const { patient } = await api.createPatient(body);
        window.location.hash = href({ page: 'patient', id: patient.id });
      } finally {
        setBusy(false);
      }
    },
  });

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="new-patient-h" ref={form} noValidate>
      <h2 id="new-patient-h">New patient</h2>
      <div className="grid">
        <PatientFields prefix="np" labelText="Patient identifier (pseudonym)" values={values} onChange={setValues} errors={errors} required />
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
