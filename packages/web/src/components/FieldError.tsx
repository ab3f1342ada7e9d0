import type { FieldError } from '../validation.ts';

/** Props for an input with errors: aria-invalid and aria-describedby pointing at the message next to it. */
export function invalidProps(errors: FieldError[], field: string, id: string): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return errors.some((e) => e.field === field) ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
}

/** The message(s) for one field, shown right below it. */
export function FieldMessage({ errors, field, id }: { errors: FieldError[]; field: string; id: string }) {
  const mine = errors.filter((e) => e.field === field);
  if (mine.length === 0) return null;
  return (
    <p id={`${id}-error`} className="field-error">
      {mine.map((e) => e.message).join(' ')}
    </p>
  );
}

/** Errors that belong to no field of the form (announced). */
export function FormMessage({ errors }: { errors: FieldError[] }) {
  const general = errors.filter((e) => e.field === null);
  if (general.length === 0) return null;
  return (
    <p className="error" role="alert">
      {general.map((e) => e.message).join(' ')}
    </p>
  );
}

/** Focus the first field with an error (its message is read through aria-describedby). */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
