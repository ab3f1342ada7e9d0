/**
 * Plausibility of a patient's dates (issue 17): no date after today, none before the birth year, a treatment's end
 * not before its start, a birth year from 1900 to this year. These are data-entry checks, not medical rules: a
 * sample dated 2031 or a 2035 treatment is a typing error, and a "latest" sample from the future would decide the
 * patient's current state. Pure: `today` (YYYY-MM-DD, the caller's calendar date) is passed in. The API, the case-file
 * loader and the CLI all apply these same rules.
 */
import { formatPath, InputError } from '../errors.ts';

/** The earliest birth year accepted (issue 17: "plausible birth year, e.g. 1900..this year"). */
export const MIN_BIRTH_YEAR = 1900;

/** Human names of the fields users enter, for messages shown next to the field (never internal paths like `body.end`). */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  label: 'Label',
  sex: 'Sex',
  birthYear: 'Birth year',
  synthetic: 'Synthetic',
  type: 'Sample type',
  site: 'Site',
  collected: 'Collection date',
  purity: 'Purity',
  tumorFraction: 'Tumour fraction',
  drug: 'Drug',
  start: 'Start date',
  end: 'End date',
  response: 'Response',
  setting: 'Setting',
  line: 'Line of therapy',
  reason: 'Reason',
  revision: 'Revision',
  body: 'Comment',
  username: 'User name',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  role: 'Role',
  kind: 'File kind',
  id: 'Id',
};

/** The human name of a field: the last key of its path, from FIELD_LABELS or spelled out from camelCase. */
export function fieldLabel(path: ReadonlyArray<PropertyKey>): string {
  const key = [...path].reverse().find((k): k is string => typeof k === 'string') ?? '';
  const known = FIELD_LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Value';
}

/** One problem with one field: its path, the path as text, its human name and a message that names it. */
export interface FieldIssue {
  path: Array<string | number>;
  field: string;
  label: string;
  message: string;
}

/** The dates of one patient, as entered (any source: a case file, the API). */
export interface Timeline {
  birthYear?: number | null | undefined;
  samples: ReadonlyArray<{ collected: string }>;
  treatments: ReadonlyArray<{ start: string; end?: string | null | undefined }>;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

function issue(path: Array<string | number>, message: string): FieldIssue {
  return { path, field: formatPath(path), label: fieldLabel(path), message };
}

/**
 * Every date problem of a timeline, in the order patient, samples, treatments. Dates must already be valid
 * YYYY-MM-DD (the schemas check that); ISO dates compare as text.
 */
export function timelineIssues(t: Timeline, today: string): FieldIssue[] {
  if (!ISO.test(today)) throw new Error(`today must be YYYY-MM-DD, not ${today}`);
  const thisYear = Number(today.slice(0, 4));
  const out: FieldIssue[] = [];
  const birth = t.birthYear ?? null;
  if (birth !== null && (!Number.isInteger(birth) || birth < MIN_BIRTH_YEAR || birth > thisYear)) {
    out.push(issue(['patient', 'birthYear'], `Birth year must be a year from ${MIN_BIRTH_YEAR} to ${thisYear}`));
  }
  const plausibleBirth = birth !== null && out.length === 0 ? birth : null;
  const check = (path: Array<string | number>, date: string, name: string) => {
    if (date > today) out.push(issue(path, `${name} ${date} is after today (${today})`));
    else if (plausibleBirth !== null && Number(date.slice(0, 4)) < plausibleBirth) out.push(issue(path, `${name} ${date} is before the birth year ${plausibleBirth}`));
  };
  t.samples.forEach((s, i) => check(['samples', i, 'collected'], s.collected, 'Collection date'));
  t.treatments.forEach((tr, i) => {
    check(['treatments', i, 'start'], tr.start, 'Start date');
    if (tr.end) {
      if (tr.end < tr.start) out.push(issue(['treatments', i, 'end'], `End date ${tr.end} is before the start date ${tr.start}`));
      else check(['treatments', i, 'end'], tr.end, 'End date');
    }
  });
  return out;
}

/** Throw the first timeline problem as an InputError naming the field (`samples[1].collected`); for loaders and the CLI. */
export function assertTimeline(t: Timeline, today: string, prefix = ''): void {
  const first = timelineIssues(t, today)[0];
  if (first) throw new InputError(formatPath(first.path, prefix), first.message);
}

/** Today's calendar date (UTC) as YYYY-MM-DD, for adapters (the core itself never reads the clock). */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
