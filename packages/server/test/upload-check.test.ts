/**
 * Re-read A13: a FlowJo workspace (up to 64 MiB of XML) is parsed in a worker thread, not on the request thread, so
 * the server answers other requests while a large one is checked. No timing asserts: the order of events is
 * asserted (a GET sent when the check starts is answered before the check ends), and what the check decides.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends, loggedIn, repoRoot, startServer, uniq, type TestServer } from './helpers.ts';

const fixture = readFileSync(join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'flowjo', 'single_ellipse_51_events.wsp'), 'utf8');
/** The real (BSD-3) fixture workspace with ~1 MiB of extra elements the parser must read through. */
const large = fixture.replace('<Columns>', `<Padding>${'<Pad a="1" b="two"/>\n'.repeat(50_000)}</Padding><Columns>`);

const sqlite = backends()[0]!;

describe('upload checks in a worker thread (sqlite)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer(sqlite);
  });
  after(async () => s?.close());

  test('a GET sent when a large workspace\'s check starts is answered before the check ends; the workspace is stored', async () => {
    assert.ok(large.length > 1_000_000);
    const admin = await loggedIn(s.app, s.users.admin);
    const p = (await admin.post('/api/patients', { label: `WSP-${uniq()}`, synthetic: true })).json().patient;
    const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'W1', type: 'primary', site: 'breast', collected: '2021-05-06' })).json().sample;
    const events: string[] = [];
    const gets: Array<Promise<void>> = [];
    const listener = (event: 'start' | 'end', kind: string) => {
      events.push(`${event} ${kind}`);
      if (event === 'start')
        gets.push(
          s.app.inject({ method: 'GET', url: '/api/health' }).then((r) => {
            events.push(`health ${r.statusCode}`);
          }),
        );
    };
    s.app.her2scope.uploadChecks.listeners.add(listener);
    try {
      const up = await admin.upload(`/api/samples/${sm.id}/files?kind=flowjo-workspace`, 'large.wsp', Buffer.from(large));
      assert.equal(up.statusCode, 201, up.body);
      await Promise.all(gets);
      assert.deepEqual(events, ['start flowjo-workspace', 'health 200', 'end flowjo-workspace']);
      assert.equal(up.json().file.size, Buffer.byteLength(large));
    } finally {
      s.app.her2scope.uploadChecks.listeners.delete(listener);
    }
  });

  test('what the worker finds wrong comes back as a 400 naming the uploaded file; nothing is kept', async () => {
    const admin = await loggedIn(s.app, s.users.admin);
    const p = (await admin.post('/api/patients', { label: `WSP-${uniq()}`, synthetic: true })).json().patient;
    const sm = (await admin.post(`/api/patients/${p.id}/samples`, { label: 'W1', type: 'primary', site: 'breast', collected: '2021-05-06' })).json().sample;
    const before = (await s.app.her2scope.store.listFiles(p.id)).length;
    const noSamples = await admin.upload(`/api/samples/${sm.id}/files?kind=flowjo-workspace`, 'lab.wsp', '<Workspace><SampleList></SampleList></Workspace>');
    assert.equal(noSamples.statusCode, 400);
    assert.match(noSamples.json().message, /^lab\.wsp: .*no samples/);
    const fai = await admin.upload(`/api/samples/${sm.id}/files?kind=reference-index`, 'ref.fa.fai', 'syn1\t6000\t6\n');
    assert.equal(fai.statusCode, 400);
    assert.equal(fai.json().message, 'ref.fa.fai:1: not a FASTA index line (expected NAME, LENGTH, OFFSET, LINEBASES, LINEWIDTH separated by tabs)');
    assert.equal((await s.app.her2scope.store.listFiles(p.id)).length, before);
    assert.deepEqual(readdirSync(join(s.dataDir, 'tmp')), []);
  });
});
