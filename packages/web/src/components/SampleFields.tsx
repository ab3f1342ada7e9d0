/**
 * The fields a sample has besides its id and date, shared by the add and edit forms: type (primary, recurrence,
 * metastasis, plasma), site (optional for a plasma draw: blood), tumour purity and, for plasma, the ctDNA tumour
 * fraction (issue 16; the case schema's rules, core case/schema.ts). Each field shows its own error beneath it.
 */
import { SAMPLE_TYPES, SITES } from '@her2scope/core/case';
import type { FieldError } from '../validation.ts';
import { FieldMessage, invalidProps } from './FieldError.tsx';

export interface SampleFieldValues {
  type: string;
  /** '' = not given (allowed for plasma only). */
  site: string;
  purity: string;
  tumorFraction: string;
}

/** A number as the form shows it ('' for null). */
export const fractionText = (n: number | null | undefined): string => (n === null || n === undefined ? '' : String(n));

export function SampleFields({ idp, values, onChange, errors }: { idp: string; values: SampleFieldValues; onChange: (v: SampleFieldValues) => void; errors: FieldError[] }) {
  const plasma = values.type === 'plasma';
  const set = (patch: Partial<SampleFieldValues>) => onChange({ ...values, ...patch });
  return (
    <>
      <div>
        <label htmlFor={`${idp}-type`}>Sample type</label>
        <select
          id={`${idp}-type`}
          value={values.type}
          onChange={(e) => {
            const type = e.target.value;
            // A plasma draw is from blood: its site may stay unset; a tissue sample needs one.
            set({ type, ...(type === 'plasma' && values.site === 'breast' ? { site: '' } : {}), ...(type !== 'plasma' && values.site === '' ? { site: 'breast' } : {}) });
          }}
          {...invalidProps(errors, 'type', `${idp}-type`)}
        >
          {SAMPLE_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <FieldMessage errors={errors} field="type" id={`${idp}-type`} />
      </div>
      <div>
        <label htmlFor={`${idp}-site`}>Site{plasma ? ' (optional for plasma)' : ''}</label>
        <select id={`${idp}-site`} value={values.site} onChange={(e) => set({ site: e.target.value })} {...invalidProps(errors, 'site', `${idp}-site`)}>
          {plasma && <option value="">not given (blood)</option>}
          {SITES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <FieldMessage errors={errors} field="site" id={`${idp}-site`} />
      </div>
      <div>
        <label htmlFor={`${idp}-purity`}>Tumour purity (optional, 0-1)</label>
        <input id={`${idp}-purity`} inputMode="decimal" value={values.purity} onChange={(e) => set({ purity: e.target.value })} placeholder="e.g. 0.6" {...invalidProps(errors, 'purity', `${idp}-purity`)} />
        <FieldMessage errors={errors} field="purity" id={`${idp}-purity`} />
      </div>
      {(plasma || values.tumorFraction !== '') && (
        <div>
          <label htmlFor={`${idp}-tf`}>ctDNA tumour fraction (optional, 0-1)</label>
          <input id={`${idp}-tf`} inputMode="decimal" value={values.tumorFraction} onChange={(e) => set({ tumorFraction: e.target.value })} placeholder="e.g. 0.02" {...invalidProps(errors, 'tumorFraction', `${idp}-tf`)} />
          <FieldMessage errors={errors} field="tumorFraction" id={`${idp}-tf`} />
        </div>
      )}
    </>
  );
}
