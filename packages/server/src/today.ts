/**
 * The "today" of the API's date checks (re-read A14). A date field is typed in the user's own time zone (the web
 * forms check against the browser's local date, web/src/validation.ts `localToday`), while the server's clock is
 * UTC: east of UTC after local midnight, a date the form accepts would be "after today" for a UTC server. One rule
 * for both: the server accepts any date that is today somewhere on Earth, i.e. up to the UTC date + 1 day (civil
 * time zones reach UTC+14, so no local calendar date is ever more than one day ahead of UTC's; west of UTC the local
 * date is at most UTC's, which the rule accepts anyway). A date two or more days after UTC's today is refused.
 */
import { isoDay } from '@her2scope/core';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The latest calendar date (YYYY-MM-DD) that is "today" in some time zone at `now`: UTC's date + 1 day. */
export function latestToday(now: Date = new Date()): string {
  return isoDay(new Date(now.getTime() + DAY_MS));
}
