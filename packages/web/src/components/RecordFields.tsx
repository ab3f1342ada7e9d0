/**
 * Pieces the record forms and tables share: the checked-submit hook (local checks first, then the server's field
 * problems next to their fields), the patient fields (new patient and patient edit) and a table's column headers.
 */
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { fieldErrorsFrom, type FieldError } from '../validation.ts';
import { FieldMessage, focusFirstInvalid, invalidProps } from './FieldError.tsx';

/**
 * A form's errors, its element and its submit handler: `check()` runs first (its problems are shown and the first
 * field in error is focused); otherwise `save()` runs and what the server refuses is shown by field (`fields` names
 * them for the messages), or `failure` when the request failed otherwise.
 */
export function useCheckedForm(options: { fields: Record<string, string>; failure: string; check: () => FieldError[]; save: () => Promise<void> }) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const form = useRef<HTMLFormElement>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const local = options.check();
    setErrors(local);
    if (local.length) return focusFirstInvalid(form.current);
    try {
      await options.save();
    } catch (err) {
      setErrors(fieldErrorsFrom(err, options.fields, options.failure));
      focusFirstInvalid(form.current);
    }
  }
  return { errors, form, onSubmit: (e: FormEvent) => void submit(e) };
}

export interface PatientValues {
  label: string;
  sex: string;
  birthYear: string;
  /** 'early' | 'metastatic' | '' (not stated: inferred from the sample types). */
  setting: string;
}

/** Label (pseudonym), sex, birth year and disease setting, each with its message next to it; ids are `${prefix}-label` etc. */
export function PatientFields({ prefix, labelText, values, onChange, errors, required = false }: { prefix: string; labelText: string; values: PatientValues; onChange: (v: PatientValues) => void; errors: FieldError[]; required?: boolean }) {
  const set = (k: keyof PatientValues) => (e: { target: { value: string } }) => onChange({ ...values, [k]: e.target.value });
  return (
    <>
      <div>
        <label htmlFor={`${prefix}-label`}>{labelText}</label>
        <input id={`${prefix}-label`} value={values.label} onChange={set('label')} required={required} maxLength={128} {...invalidProps(errors, 'label', `${prefix}-label`)} />
        <FieldMessage errors={errors} field="label" id={`${prefix}-label`} />
      </div>
      <div>
        <label htmlFor={`${prefix}-sex`}>Sex</label>
        <select id={`${prefix}-sex`} value={values.sex} onChange={set('sex')} {...invalidProps(errors, 'sex', `${prefix}-sex`)}>
          <option value="">not given</option>
          <option value="F">F</option>
          <option value="M">M</option>
          <option value="X">X</option>
        </select>
        <FieldMessage errors={errors} field="sex" id={`${prefix}-sex`} />
      </div>
      <div>
        <label htmlFor={`${prefix}-year`}>Birth year</label>
        <input id={`${prefix}-year`} inputMode="numeric" value={values.birthYear} onChange={set('birthYear')} {...invalidProps(errors, 'birthYear', `${prefix}-year`)} />
        <FieldMessage errors={errors} field="birthYear" id={`${prefix}-year`} />
      </div>
      <div>
        <label htmlFor={`${prefix}-setting`}>Disease setting now</label>
        <select id={`${prefix}-setting`} value={values.setting} onChange={set('setting')} {...invalidProps(errors, 'setting', `${prefix}-setting`)}>
          <option value="">inferred from the samples</option>
          <option value="early">early</option>
          <option value="metastatic">metastatic</option>
        </select>
        <FieldMessage errors={errors} field="setting" id={`${prefix}-setting`} />
      </div>
    </>
  );
}

export interface TreatmentSettingValues {
  /** 'early' | 'metastatic' | '' (not stated: inferred from the dates). */
  setting: string;
  /** The metastatic line as typed ('' = counted from the start dates). */
  line: string;
}

/**
 * A treatment's setting (early = neoadjuvant / adjuvant, or metastatic) and metastatic line, as a case file states
 * them (treatments[].setting / .line); ids are `${prefix}-setting` and `${prefix}-line`.
 */
export function TreatmentSettingFields({ prefix, values, onChange, errors }: { prefix: string; values: TreatmentSettingValues; onChange: (v: TreatmentSettingValues) => void; errors: FieldError[] }) {
  return (
    <>
      <div>
        <label htmlFor={`${prefix}-setting`}>Setting</label>
        <select id={`${prefix}-setting`} value={values.setting} onChange={(e) => onChange({ ...values, setting: e.target.value })} {...invalidProps(errors, 'setting', `${prefix}-setting`)}>
          <option value="">inferred from the dates</option>
          <option value="early">early (neoadjuvant / adjuvant)</option>
          <option value="metastatic">metastatic</option>
        </select>
        <FieldMessage errors={errors} field="setting" id={`${prefix}-setting`} />
      </div>
      <div>
        <label htmlFor={`${prefix}-line`}>Metastatic line (empty = counted from the dates)</label>
        <input id={`${prefix}-line`} inputMode="numeric" value={values.line} onChange={(e) => onChange({ ...values, line: e.target.value })} {...invalidProps(errors, 'line', `${prefix}-line`)} />
        <FieldMessage errors={errors} field="line" id={`${prefix}-line`} />
      </div>
    </>
  );
}

/** A table's header row: one column header per entry. */
export function ColumnHeads({ columns }: { columns: ReactNode[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
