/**
 * Re-read A14: one "today" for the web forms (the browser's local date) and the API (a UTC clock). The API accepts a
 * date up to UTC's date + 1 day (the latest date that is today in some time zone, UTC+14 at most) and refuses the
 * day after, naming the field; the boundary is tested on the rule itself and through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isoDay } from '@her2scope/core';
import { latestToday } from '../src/today.ts';
import { backends, loggedIn, startServer, uniq, type TestServer } from './helpers.ts';

const nextDay = (d: string) => isoDay(new Date(Date.parse(`${d}T00:00:00Z`) + 24 * 60 * 60 * 1000));

test('latestToday: UTC date + 1 day, at either side of UTC midnight and across a year end', () => {
  assert.equal(latestToday(new Date('2026-12-02T00:00:00Z')), '2026-12-03');
  assert.equal(latestToday(new Date('2026-12-02T23:59:59.999Z')), '2026-12-03');
  assert.equal(latestToday(new Date('2026-12-31T10:30:00Z')), '2027-01-01');
  assert.equal(latestToday(new Date('2028-02-28T12:00:00Z')), '2028-02-29');
  // At 10:30 UTC it is already the next day at UTC+14 (Kiribati, 00:30), and still the same day at UTC-12.
  const instant = new Date('2026-12-02T10:30:00Z');
  const at = (offsetHours: number) => isoDay(new Date(instant.getTime() + offsetHours * 3600_000));
  assert.equal(at(14), latestToday(instant));
  assert.ok(at(-12) <= latestToday(instant));
});

for (const backend of backends()) {
  describe(`"today" of the date checks on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(backend);
    });
    after(async () => s?.close());

    test('a sample or treatment dated UTC today + 1 day is accepted (today east of UTC); the day after is refused naming the field', async () => {
      const admin = await loggedIn(s.app, s.users.admin);
      const p = (await admin.post('/api/patients', { label: `T-${uniq()}`, birthYear: 1964, synthetic: true })).json().patient;
      const last = latestToday();
      const tooLate = nextDay(last);
      const ok = await admin.post(`/api/patients/${p.id}/samples`, { label: 'S1', type: 'primary', site: 'breast', collected: last });
      assert.equal(ok.statusCode, 201, ok.body);
      const okT = await admin.post(`/api/patients/${p.id}/treatments`, { drug: 'letrozole', start: last });
      assert.equal(okT.statusCode, 201, okT.body);
      const late = await admin.post(`/api/patients/${p.id}/samples`, { label: 'S2', type: 'primary', site: 'breast', collected: tooLate });
      assert.equal(late.statusCode, 400);
      assert.deepEqual(late.json().fields, [{ field: 'collected', label: 'Collection date', message: `Collection date ${tooLate} is after today (${last})` }]);
      const lateT = await admin.request('PATCH', `/api/treatments/${okT.json().treatment.id as string}`, { end: tooLate });
      assert.equal(lateT.statusCode, 400);
      assert.deepEqual(lateT.json().fields, [{ field: 'end', label: 'End date', message: `End date ${tooLate} is after today (${last})` }]);
    });
  });
}
