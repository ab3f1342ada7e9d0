/**
 * Field-level checks the forms run before sending (the API checks the same and is the authority), and the mapping of
 * the API's field paths (`body.end`) to the human field names shown next to the field. Pure (tested).
 *
 * Rules (issue 17, "Validation"): no date after today; none before the patient's birth year; treatment end on or
 * after its start; a plausible birth year (from 1900 to this year).
 */
import { ApiError } from './api.ts';

export interface FieldError {
  /** The form field's key (e.g. `collected`, `end`), or null for an error about the whole form. */
  field: string | null;
  message: string;
}

export const FIRST_PLAUSIBLE_BIRTH_YEAR = 1900;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(v: string): boolean {
  const m = ISO.exec(v);
  if (!m) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** A date field: a real calendar date, not after today, not before the birth year. */
export function checkDate(field: string, name: string, value: string, today: string, birthYear: number | null): FieldError | null {
  if (!value) return { field, message: `${name}: enter a date` };
  if (!isIsoDate(value)) return { field, message: `${name}: ${value} is not a valid date (YYYY-MM-DD)` };
  if (value > today) return { field, message: `${name}: ${value} is after today (${today})` };
  if (birthYear !== null && Number(value.slice(0, 4)) < birthYear) return { field, message: `${name}: ${value} is before the patient's birth year (${birthYear})` };
  return null;
}

export function validateSample(v: { collected: string }, today: string, birthYear: number | null): FieldError[] {
  const e = checkDate('collected', 'Collected', v.collected, today, birthYear);
  return e ? [e] : [];
}

export function validateTreatment(v: { start: string; end: string }, today: string, birthYear: number | null): FieldError[] {
  const out: FieldError[] = [];
  const s = checkDate('start', 'Start', v.start, today, birthYear);
  if (s) out.push(s);
  if (v.end) {
    const e = checkDate('end', 'End', v.end, today, birthYear);
    if (e) out.push(e);
    else if (!s && v.end < v.start) out.push({ field: 'end', message: `End: ${v.end} is before the start (${v.start})` });
  }
  return out;
}

export function validateBirthYear(value: string, today: string): FieldError[] {
  if (!value.trim()) return [];
  const year = Number(value.trim());
  const thisYear = Number(today.slice(0, 4));
  if (!/^\d{4}$/.test(value.trim()) || year < FIRST_PLAUSIBLE_BIRTH_YEAR || year > thisYear) {
    return [{ field: 'birthYear', message: `Birth year: enter a year from ${FIRST_PLAUSIBLE_BIRTH_YEAR} to ${thisYear}` }];
  }
  return [];
}

/**
 * The API's error as field errors with human names: `body.end` + "body.end: end is before start" becomes
 * { field: 'end', message: 'End: end is before start' }. A field the form does not know stays a form-level error,
 * without the internal path.
 */
export function fieldErrorsFrom(err: unknown, names: Record<string, string>, fallback: string): FieldError[] {
  if (!(err instanceof ApiError)) return [{ field: null, message: fallback }];
  const raw = err.fields.length > 0 ? err.fields : [{ field: err.field ?? null, message: err.message }];
  return raw.map(({ field, message }) => {
    const key = field ? field.replace(/^(body|query|params)\./, '') : null;
    const text = stripPath(message, field);
    if (key !== null && names[key] !== undefined) return { field: key, message: `${names[key]}: ${text}` };
    return { field: null, message: text };
  });
}

/** "body.end: end is before start" -> "end is before start" (the path is internal). */
export function stripPath(message: string, field: string | null): string {
  let m = message;
  if (field && m.startsWith(`${field}: `)) m = m.slice(field.length + 2);
  return m.replace(/^(?:body|query|params)(?:\.[A-Za-z0-9_[\]]+)+:\s*/, '');
}

/** Today as YYYY-MM-DD in the user's time zone (a date typed into a date field is local). */
export function localToday(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
