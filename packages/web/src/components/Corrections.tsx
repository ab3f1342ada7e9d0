import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api.ts';
import { fieldErrorsFrom, labelsFor, localToday, validateBirthYear, validateFractions, validateLine, validateSample, validateTreatment, type FieldError } from '../validation.ts';
import type { PatientInfo, SampleInfo, TreatmentInfo } from '../types.ts';
import { PatientFields, TreatmentSettingFields, useCheckedForm, type PatientValues, type TreatmentSettingValues } from './RecordFields.tsx';
import { FieldMessage, focusFirstInvalid, FormMessage, invalidProps } from './FieldError.tsx';
import { fractionText, SampleFields, type SampleFieldValues } from './SampleFields.tsx';

const RESPONSES = ['', 'complete-response', 'partial-response', 'stable', 'progression', 'unknown'];

/** "entered in error: <reason>" for a record shown struck through (with ?includeEnteredInError=1). */
export function EnteredInErrorNote({ record }: { record: { status?: string; enteredInError?: { reason: string; at: string } | null } }) {
  if (record.status !== 'entered-in-error') return null;
  return (
    <span className="eie-note">
      {' '}
      — entered in error{record.enteredInError ? `: ${record.enteredInError.reason}` : ''}
    </span>
  );
}

/** A disclosure button that opens a small inline form. */
function Disclosure({ label, children }: { label: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="secondary small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && <div className="inline-form">{children(() => setOpen(false))}</div>}
    </>
  );
}

type Kind = 'patient' | 'sample' | 'treatment' | 'file';

/** "Entered in error" with a required reason (3-1000 characters, as the API asks); the record stays stored and audited. */
export function EnteredInError({ kind, id, what, onDone }: { kind: Kind; id: string; what: string; onDone: () => Promise<void> }) {
  return <Disclosure label={`Entered in error…`}>{(close) => <ReasonForm kind={kind} id={id} what={what} onDone={onDone} close={close} />}</Disclosure>;
}

function ReasonForm({ kind, id, what, onDone, close }: { kind: Kind; id: string; what: string; onDone: () => Promise<void>; close: () => void }) {
  const uid = useId().replace(/:/g, '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const form = useRef<HTMLFormElement>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = reason.trim();
    const local: FieldError[] = r.length < 3 || r.length > 1000 ? [{ field: 'reason', message: 'Reason: give a reason of 3 to 1000 characters' }] : [];
    setErrors(local);
    if (local.length) return focusFirstInvalid(form.current);
    try {
      await api.enteredInError(kind, id, r);
      close();
      await onDone();
    } catch (err) {
      setErrors(fieldErrorsFrom(err, labelsFor(['reason']), 'cannot mark it entered in error'));
      focusFirstInvalid(form.current);
    }
  }
  return (
    <form ref={form} onSubmit={(e) => void submit(e)} noValidate aria-label={`Mark ${what} entered in error`}>
      <p className="sub">The record stays stored and audited, and is left out of lists and new analyses.</p>
      <label htmlFor={`eie-${uid}`}>Reason</label>
      <textarea id={`eie-${uid}`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} {...invalidProps(errors, 'reason', `eie-${uid}`)} />
      <FieldMessage errors={errors} field="reason" id={`eie-${uid}`} />
      <FormMessage errors={errors} />
      <div className="actions">
        <button type="submit">Mark {what} entered in error</button>
        <button type="button" className="secondary" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function EditPatient({ patient, earliestDate, onDone }: { patient: PatientInfo; earliestDate: string | null; onDone: () => Promise<void> }) {
  return <Disclosure label="Edit patient">{(close) => <EditPatientForm patient={patient} earliestDate={earliestDate} onDone={onDone} close={close} />}</Disclosure>;
}

function EditPatientForm({ patient, earliestDate, onDone, close }: { patient: PatientInfo; earliestDate: string | null; onDone: () => Promise<void>; close: () => void }) {
  const [values, setValues] = useState<PatientValues>({ label: patient.label, sex: patient.sex ?? '', birthYear: patient.birthYear === null ? '' : String(patient.birthYear), setting: patient.setting ?? '' });
  const { errors, form, onSubmit } = useCheckedForm({
    fields: labelsFor(['label', 'sex', 'birthYear', 'setting']),
    failure: 'cannot save the patient',
    check: () => {
      const birthYear = values.birthYear.trim();
      const local = validateBirthYear(values.birthYear, localToday());
      if (!local.length && birthYear && earliestDate && Number(birthYear) > Number(earliestDate.slice(0, 4))) local.push({ field: 'birthYear', message: `Birth year ${birthYear} is after a recorded date (${earliestDate})` });
      return local;
    },
    save: async () => {
      await api.editPatient(patient.id, { label: values.label.trim(), sex: values.sex || null, birthYear: values.birthYear.trim() ? Number(values.birthYear) : null, setting: values.setting || null, ...(patient.revision ? { revision: patient.revision } : {}) });
      close();
      await onDone();
    },
  });
  return (
    <form ref={form} onSubmit={onSubmit} noValidate aria-label="Edit patient">
      <div className="grid">
        <PatientFields prefix="ep" labelText="Label (pseudonym)" values={values} onChange={setValues} errors={errors} />
      </div>
      <FormMessage errors={errors} />
      <div className="actions">
        <button type="submit">Save patient</button>
        <button type="button" className="secondary" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function EditSample({ sample, birthYear, onDone }: { sample: SampleInfo; birthYear: number | null; onDone: () => Promise<void> }) {
  return <Disclosure label="Edit sample">{(close) => <EditSampleForm sample={sample} birthYear={birthYear} onDone={onDone} close={close} />}</Disclosure>;
}

function EditSampleForm({ sample, birthYear, onDone, close }: { sample: SampleInfo; birthYear: number | null; onDone: () => Promise<void>; close: () => void }) {
  const p = `es-${sample.id.slice(0, 8)}`;
  const [label, setLabel] = useState(sample.label);
  const [fields, setFields] = useState<SampleFieldValues>({ type: sample.type, site: sample.site, purity: fractionText(sample.purity), tumorFraction: fractionText(sample.tumorFraction) });
  const [collected, setCollected] = useState(sample.collected);
  const { errors, form, onSubmit } = useCheckedForm({
    fields: labelsFor(['label', 'type', 'site', 'collected', 'purity', 'tumorFraction']),
    failure: 'cannot save the sample',
    check: () => [...validateSample({ collected }, localToday(), birthYear), ...validateFractions(fields).errors],
    save: async () => {
      const fractions = validateFractions(fields);
      await api.editSample(sample.id, {
        label: label.trim(),
        type: fields.type,
        // A plasma draw left without a site is from blood (the server stores it so).
        site: fields.site || 'blood',
        collected,
        purity: fractions.purity,
        tumorFraction: fractions.tumorFraction,
        ...(sample.revision ? { revision: sample.revision } : {}),
      });
      close();
      await onDone();
    },
  });
  return (
    <form ref={form} onSubmit={onSubmit} noValidate aria-label={`Edit sample ${sample.label}`}>
      <div className="grid">
        <div>
          <label htmlFor={`${p}-label`}>Sample id</label>
          <input id={`${p}-label`} value={label} onChange={(e) => setLabel(e.target.value)} maxLength={64} {...invalidProps(errors, 'label', `${p}-label`)} />
          <FieldMessage errors={errors} field="label" id={`${p}-label`} />
        </div>
        <SampleFields idp={p} values={fields} onChange={setFields} errors={errors} />
        <div>
          <label htmlFor={`${p}-date`}>Collection date</label>
          <input id={`${p}-date`} type="date" value={collected} onChange={(e) => setCollected(e.target.value)} {...invalidProps(errors, 'collected', `${p}-date`)} />
          <FieldMessage errors={errors} field="collected" id={`${p}-date`} />
        </div>
      </div>
      <FormMessage errors={errors} />
      <div className="actions">
        <button type="submit">Save sample</button>
        <button type="button" className="secondary" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function EditTreatment({ treatment, birthYear, onDone }: { treatment: TreatmentInfo; birthYear: number | null; onDone: () => Promise<void> }) {
  return <Disclosure label="Edit">{(close) => <EditTreatmentForm treatment={treatment} birthYear={birthYear} onDone={onDone} close={close} />}</Disclosure>;
}

function EditTreatmentForm({ treatment, birthYear, onDone, close }: { treatment: TreatmentInfo; birthYear: number | null; onDone: () => Promise<void>; close: () => void }) {
  const p = `et-${treatment.id.slice(0, 8)}`;
  const [drug, setDrug] = useState(treatment.drug);
  const [start, setStart] = useState(treatment.start);
  const [end, setEnd] = useState(treatment.end ?? '');
  const [response, setResponse] = useState(treatment.response ?? '');
  const [settingLine, setSettingLine] = useState<TreatmentSettingValues>({ setting: treatment.setting ?? '', line: treatment.line === null || treatment.line === undefined ? '' : String(treatment.line) });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const form = useRef<HTMLFormElement>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const local = [...validateTreatment({ start, end }, localToday(), birthYear), ...validateLine(settingLine.line)];
    setErrors(local);
    if (local.length) return focusFirstInvalid(form.current);
    try {
      await api.editTreatment(treatment.id, { drug: drug.trim(), start, end: end || null, response: response || null, setting: settingLine.setting || null, line: settingLine.line.trim() ? Number(settingLine.line) : null, ...(treatment.revision ? { revision: treatment.revision } : {}) });
      close();
      await onDone();
    } catch (err) {
      setErrors(fieldErrorsFrom(err, labelsFor(['drug', 'start', 'end', 'response', 'setting', 'line']), 'cannot save the treatment'));
      focusFirstInvalid(form.current);
    }
  }
  return (
    <form ref={form} onSubmit={(e) => void submit(e)} noValidate aria-label={`Edit treatment ${treatment.drug}`}>
      <div className="grid">
        <div>
          <label htmlFor={`${p}-drug`}>Drug</label>
          <input id={`${p}-drug`} value={drug} onChange={(e) => setDrug(e.target.value)} maxLength={200} {...invalidProps(errors, 'drug', `${p}-drug`)} />
          <FieldMessage errors={errors} field="drug" id={`${p}-drug`} />
        </div>
        <div>
          <label htmlFor={`${p}-start`}>Start date</label>
          <input id={`${p}-start`} type="date" value={start} onChange={(e) => setStart(e.target.value)} {...invalidProps(errors, 'start', `${p}-start`)} />
          <FieldMessage errors={errors} field="start" id={`${p}-start`} />
        </div>
        <div>
          <label htmlFor={`${p}-end`}>End date (empty = ongoing)</label>
          <input id={`${p}-end`} type="date" value={end} onChange={(e) => setEnd(e.target.value)} {...invalidProps(errors, 'end', `${p}-end`)} />
          <FieldMessage errors={errors} field="end" id={`${p}-end`} />
        </div>
        <div>
          <label htmlFor={`${p}-resp`}>Response</label>
          <select id={`${p}-resp`} value={response} onChange={(e) => setResponse(e.target.value)}>
            {RESPONSES.map((r) => (
              <option key={r} value={r}>
                {r || 'not given'}
              </option>
            ))}
          </select>
        </div>
        <TreatmentSettingFields prefix={p} values={settingLine} onChange={setSettingLine} errors={errors} />
      </div>
      <FormMessage errors={errors} />
      <div className="actions">
        <button type="submit">Save treatment</button>
        <button type="button" className="secondary" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
