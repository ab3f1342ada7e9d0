/**
 * Field-level checks the forms run before sending, with the core's own date rules (`timelineIssues`, the rules the
 * API, the case loader and the CLI apply: no date after today, none before the birth year, end not before start,
 * birth year from 1900 to this year), and the mapping of the API's field errors to the form's fields. Pure (tested).
 */
import { FIELD_LABELS, MIN_BIRTH_YEAR, timelineIssues, TreatmentSchema, type FieldIssue } from '@her2scope/core/case';
import { ApiError } from './api.ts';

export interface FieldError {
  /** The form field's key (e.g. `collected`, `end`), or null for an error about the whole form. */
  field: string | null;
  message: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(v: string): boolean {
  if (!ISO.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Human names (the core's FIELD_LABELS) of a form's fields, for mapping API errors. */
export function labelsFor(fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, FIELD_LABELS[f] ?? f]));
}

/** The form field an issue of `timelineIssues` is about (the last key of its path). */
function toFieldErrors(issues: FieldIssue[]): FieldError[] {
  return issues.map((i) => ({ field: [...i.path].reverse().find((k): k is string => typeof k === 'string') ?? null, message: i.message }));
}

/** A date field must hold a real calendar date before the timeline rules apply. */
function dateFormat(field: string, value: string, required: boolean): FieldError | null {
  const name = FIELD_LABELS[field] ?? field;
  if (!value) return required ? { field, message: `${name}: enter a date` } : null;
  return isIsoDate(value) ? null : { field, message: `${name} ${value} is not a valid date (YYYY-MM-DD)` };
}

/** A birth year the rules can use (an implausible stored one is left out, as the core does). */
const usableBirthYear = (y: number | null) => (y !== null && Number.isInteger(y) && y >= MIN_BIRTH_YEAR ? y : null);

export function validateSample(v: { collected: string }, today: string, birthYear: number | null): FieldError[] {
  const format = dateFormat('collected', v.collected, true);
  if (format) return [format];
  return toFieldErrors(timelineIssues({ birthYear: usableBirthYear(birthYear), samples: [{ collected: v.collected }], treatments: [] }, today));
}

/**
 * A sample's optional fractions as typed in a form (empty = not given), with the case schema's rules (core
 * case/schema.ts): purity > 0 and <= 1; tumour fraction 0-1 and for plasma only. Returns the numbers or the errors.
 */
export function validateFractions(v: { type: string; purity: string; tumorFraction: string }): { errors: FieldError[]; purity: number | null; tumorFraction: number | null } {
  const errors: FieldError[] = [];
  const num = (field: 'purity' | 'tumorFraction', text: string, min: number, strictMin: boolean): number | null => {
    const t = text.trim();
    if (!t) return null;
    const n = /^(0|1)?(\.\d+)?$|^1(\.0+)?$/.test(t) ? Number(t) : Number.NaN;
    const ok = Number.isFinite(n) && (strictMin ? n > min : n >= min) && n <= 1;
    if (!ok) errors.push({ field, message: `${FIELD_LABELS[field] ?? field} must be a fraction ${strictMin ? '> 0' : 'from 0'} ${strictMin ? 'and <= 1' : 'to 1'} (e.g. 0.6 for 60%)` });
    return ok ? n : null;
  };
  const purity = num('purity', v.purity, 0, true);
  const tumorFraction = num('tumorFraction', v.tumorFraction, 0, false);
  if (v.tumorFraction.trim() && v.type !== 'plasma') errors.push({ field: 'tumorFraction', message: `${FIELD_LABELS.tumorFraction ?? 'Tumour fraction'} is for plasma samples only` });
  return { errors, purity, tumorFraction };
}

export function validateTreatment(v: { start: string; end: string }, today: string, birthYear: number | null): FieldError[] {
  const format = [dateFormat('start', v.start, true), dateFormat('end', v.end, false)].filter((e): e is FieldError => e !== null);
  if (format.length) return format;
  return toFieldErrors(timelineIssues({ birthYear: usableBirthYear(birthYear), samples: [], treatments: [{ start: v.start, end: v.end || null }] }, today));
}

/**
 * The metastatic line of therapy as typed: empty (counted from the start dates) or what the case file accepts
 * (core TreatmentSchema `line`: a whole number >= 1), with the case schema's own message.
 */
export function validateLine(value: string): FieldError[] {
  const v = value.trim();
  if (!v) return [];
  const parsed = TreatmentSchema.shape.line.safeParse(/^\d+$/.test(v) ? Number(v) : v);
  return parsed.success ? [] : [{ field: 'line', message: `${FIELD_LABELS.line ?? 'Line'} ${parsed.error.issues[0]?.message ?? 'must be a whole number >= 1'}` }];
}

export function validateBirthYear(value: string, today: string): FieldError[] {
  const v = value.trim();
  if (!v) return [];
  if (!/^\d{4}$/.test(v)) return [{ field: 'birthYear', message: `Birth year must be a year from ${MIN_BIRTH_YEAR} to ${today.slice(0, 4)}` }];
  return toFieldErrors(timelineIssues({ birthYear: Number(v), samples: [], treatments: [] }, today));
}

/**
 * The API's error as field errors with human names: `body.end` + "body.end: end is before start" becomes
 * { field: 'end', message: 'End: end is before start' }. A field the form does not know stays a form-level error,
 * without the internal path.
 */
export function fieldErrorsFrom(err: unknown, names: Record<string, string>, fallback: string): FieldError[] {
  if (!(err instanceof ApiError)) return [{ field: null, message: fallback }];
  const raw = err.fields.length > 0 ? err.fields : [{ field: err.field ?? null, message: err.message }];
  return raw.map((r: { field: string | null; message: string; label?: string }) => {
    const key = r.field ? r.field.replace(/^(body|query|params)\./, '') : null;
    const text = stripPath(r.message, r.field);
    const name = key !== null ? names[key] : undefined;
    if (key === null || name === undefined) return { field: null, message: text };
    // The API's messages of issue 17 already start with the field's human name ("End date 2019-01-01 is before ...").
    const said = [name, r.label].some((n) => n !== undefined && text.toLowerCase().startsWith(n.toLowerCase()));
    return { field: key, message: said ? text : `${name}: ${text}` };
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
