/**
 * The cohort answers are part of the API contract (`@her2scope/core/api`, re-read C5/D3): the routes declare the
 * zod schemas (so /api/openapi.json describes them and the answers are checked against them) and the web app
 * imports the same types. Every answer parses with its schema and nothing is dropped; an infinite odds ratio and
 * its unbounded CI limit arrive as null (JSON has no Infinity). SYNTHETIC cohort (formats test fixture).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CohortComparisonSchema, CohortImportSchema, CohortPrevalenceSchema, CohortStudyListSchema, finiteOrNull } from '@her2scope/core/api';
import { backends, loggedIn, repoRoot, startServer, uniq, type Client, type TestServer } from './helpers.ts';

const studyDir = join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'cbioportal', 'synthetic_her2');

function studyFiles(dir: string, prefix = ''): Array<{ name: string; content: Buffer }> {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? studyFiles(join(dir, n), `${prefix}${n}/`) : [{ name: `${prefix}${n}`, content: readFileSync(join(dir, n)) }]));
}

function uploadStudy(c: Client, files: Array<{ name: string; content: Buffer }>) {
  const boundary = `----h2s${uniq()}`;
  const body = Buffer.concat([
    ...files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: text/plain\r\n\r\n`), f.content, Buffer.from('\r\n')]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return c.app.inject({ method: 'POST', url: '/api/cohort/studies', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: c.cookie ?? '', 'x-csrf-token': c.csrf ?? '' }, payload: body });
}

test('finiteOrNull: NaN and the infinities become null, finite numbers stay', () => {
  assert.deepEqual([NaN, Infinity, -Infinity, 0, -0.5, 58.4].map(finiteOrNull), [null, null, null, 0, -0.5, 58.4]);
});

// The contract does not depend on the database: SQLite only (the cohort API suite runs both).
const sqlite = backends().find((b) => b.name === 'sqlite');
describe('cohort answers follow the contract', () => {
  let s: TestServer;
  let admin: Client;
  before(async () => {
    s = await startServer(sqlite ?? assert.fail('no SQLite backend'), { loginRateLimit: { max: 1000, windowMs: 60_000 }, cohortUploadLimitBytes: 2 * 1024 * 1024 });
    admin = await loggedIn(s.app, s.users.admin);
  });
  after(async () => s?.close());

  test('import, studies, prevalence and comparison parse with their schemas, nothing dropped; Infinity arrives as null', async () => {
    const imported = await uploadStudy(admin, studyFiles(studyDir).map((f) => ({ ...f, name: `synthetic_her2/${f.name}` })));
    assert.equal(imported.statusCode, 201, imported.body);
    const summary = imported.json<unknown>();
    assert.deepEqual(CohortImportSchema.parse(summary), summary);
    assert.deepEqual(Object.keys(CohortImportSchema.parse(summary).summary).slice(0, 4), ['study', 'name', 'replaced', 'patients']);

    const viewer = await loggedIn(s.app, s.users.viewer);
    const answer = async (url: string) => {
      const r = await viewer.get(url);
      assert.equal(r.statusCode, 200, r.body);
      return r.json<unknown>();
    };
    const studies = await answer('/api/cohort/studies');
    assert.deepEqual(CohortStudyListSchema.parse(studies), studies);
    assert.deepEqual(CohortStudyListSchema.parse(studies).studies.map((x) => [x.identifier, x.samples, x.patients]), [['synthetic_her2', 28, 18]]);

    const prev = await answer('/api/cohort/prevalence?gene=ERBB2&by=her2');
    const p = CohortPrevalenceSchema.parse(prev);
    assert.deepEqual(p, prev);
    assert.deepEqual([p.overall.k, p.overall.n, p.groupBy, p.groups[0]], [19, 27, 'HER2 category', { k: 2, n: 3, fraction: 2 / 3, ci95: p.groups[0]?.ci95, group: 'HER2-positive' }]);

    // PIK3CA: 1/14 primary vs 0/13 recurrence: the odds ratio and its upper limit are infinite
    const inf = await answer('/api/cohort/compare?gene=PIK3CA&by=SAMPLE_TYPE&groupA=Primary&groupB=Recurrence');
    const c = CohortComparisonSchema.parse(inf);
    assert.deepEqual(c, inf);
    assert.deepEqual([c.a.k, c.a.n, c.b.k, c.b.n, c.b.fraction, c.fisherP, c.oddsRatio, c.oddsRatioCi95[1]], [1, 14, 0, 13, 0, 1, null, null]);
    assert.ok(c.oddsRatioCi95[0] !== null && c.oddsRatioCi95[0] > 0 && c.oddsRatioCi95[0] < 1, `lower limit ${c.oddsRatioCi95[0]}`);
    const finite = CohortComparisonSchema.parse(await answer('/api/cohort/compare?gene=ERBB2&by=her2&groupA=HER2-positive&groupB=HER2-low'));
    assert.deepEqual([finite.oddsRatio, finite.oddsRatioCi95[0]], [0, 0]);
  });

  test('the OpenAPI document describes the cohort answers from the same schemas', async () => {
    type Schema = { required?: string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; additionalProperties?: unknown };
    const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>> }>();
    const schema = (path: string, method: string, code: string) => doc.paths[path]?.[method]?.responses[code]?.content['application/json']?.schema;
    assert.deepEqual(schema('/api/cohort/studies', 'get', '200')?.properties?.studies?.items?.required, ['identifier', 'name', 'description', 'importedAt', 'samples', 'patients']);
    assert.deepEqual(schema('/api/cohort/prevalence', 'get', '200')?.required, ['study', 'alteration', 'denominator', 'groupBy', 'overall', 'groups', 'notice']);
    assert.deepEqual(schema('/api/cohort/compare', 'get', '200')?.required, ['study', 'alteration', 'denominator', 'groupBy', 'groupA', 'groupB', 'a', 'b', 'fisherP', 'oddsRatio', 'oddsRatioCi95', 'notice']);
    assert.deepEqual(schema('/api/cohort/compare', 'get', '200')?.properties?.a?.required, ['k', 'n', 'fraction', 'ci95']);
    assert.deepEqual(schema('/api/cohort/studies', 'post', '201')?.properties?.summary?.required, ['study', 'name', 'replaced', 'patients', 'samples', 'caseLists', 'timelineEvents', 'genePanels', 'warnings', 'seconds']);
  });
});
