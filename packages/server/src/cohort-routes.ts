/**
 * Cohort API (issue 17): the cBioPortal-study questions of `her2scope cohort`, over HTTP, wrapping packages/storage's
 * cohort functions (importStudy, listStudies, prevalenceCounts, compareGroups, oncoprintData, lollipopData).
 *
 * - Reading (studies, prevalence with 95% CIs, two-group comparison, oncoprint, lollipop) needs `read`: cohort
 *   studies are published, de-identified data.
 * - Importing needs `admin`: a multipart upload of the study folder's files (one part per file, the part's file name
 *   being its path inside the folder, as a browser's folder picker sends it: `brca/data_clinical_sample.txt`,
 *   `brca/case_lists/cases_all.txt`). Names are checked against a strict pattern (no `..`, no absolute paths, at most
 *   the folder, `case_lists/` and the name); the files stream to a private temp folder with a total size limit and
 *   a file-count limit, the study is imported in one transaction, and the folder is removed whatever happens. One
 *   import at a time.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InputError, RESEARCH_USE_NOTICE } from '@her2scope/core';
import { CohortComparisonSchema, CohortImportSchema, CohortPrevalenceSchema, CohortStudyListSchema, finiteOrNull, type CohortComparison, type CohortImport, type CohortPrevalence, type CohortProportion, type CohortStudyList } from '@her2scope/core/api';
import { parseAlteration, renderLollipop, renderOncoprint } from '@her2scope/core/cohort';
import type { Storage } from '@her2scope/storage';
import { compareGroups, importStudy, listStudies, lollipopData, oncoprintData, prevalenceCounts, type GroupBy } from '@her2scope/storage/cohort';
import { badRequest, HttpError } from './http-error.ts';

const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";
/** A file of a study folder: its name, optionally under `case_lists/`, optionally under one top folder. */
const STUDY_PATH = /^(?:[A-Za-z0-9._-]{1,128}\/)?(?:case_lists\/)?[A-Za-z0-9._-]{1,128}$/;

const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const Text = (max: number) => z.string().trim().min(1).max(max);

const AlterationQuery = {
  study: Text(128).optional().describe('Study identifier (optional when one study is imported)'),
  gene: Text(64).optional().describe('Gene symbol, e.g. ERBB2'),
  class: Text(32).optional().describe('Mutation class: missense, truncating, inframe, splice, other'),
  proteinChange: Text(64).optional().describe('Protein change, e.g. L755S, L755 or 755'),
  cna: Text(16).optional().describe('Copy-number state: amp, gain, hetloss, homdel'),
  her2: Text(16).optional().describe('HER2 category: positive, negative, low, zero, ultralow, null'),
  by: Text(128).optional().describe('Grouping: her2, treatment:<agent> or a clinical attribute id'),
  profile: Text(128).optional().describe('Profile stable id when the study has several of the kind'),
};

function alterationOf(q: { gene?: string | undefined; class?: string | undefined; proteinChange?: string | undefined; cna?: string | undefined; her2?: string | undefined }) {
  return parseAlteration({
    ...(q.gene !== undefined ? { gene: q.gene } : {}),
    ...(q.class !== undefined ? { mutationClass: q.class } : {}),
    ...(q.proteinChange !== undefined ? { proteinChange: q.proteinChange } : {}),
    ...(q.cna !== undefined ? { cna: q.cna } : {}),
    ...(q.her2 !== undefined ? { her2: q.her2 } : {}),
  });
}

/** A proportion as the API answers it (core api CohortProportionSchema: no NaN in JSON). */
const wireProportion = (p: { k: number; n: number; fraction: number; ci95: [number, number] }): CohortProportion => ({ k: p.k, n: p.n, fraction: finiteOrNull(p.fraction), ci95: p.ci95 });

function groupByOf(by: string | undefined): GroupBy | undefined {
  if (by === undefined) return undefined;
  if (by.toLowerCase() === 'her2') return { kind: 'her2' };
  if (by.toLowerCase().startsWith('treatment:')) {
    const agent = by.slice('treatment:'.length).trim();
    if (!agent) throw new InputError('by', "'treatment:' needs an agent, e.g. treatment:Trastuzumab");
    return { kind: 'treatment', agent };
  }
  return { kind: 'attribute', attribute: by };
}

export interface CohortRouteOptions {
  storage: Storage;
  /** Temp folder for uploads (inside the server's data directory). */
  tmpDir: string;
  /** Largest study upload in bytes, all files together. */
  limitBytes: number;
  /** Most files in one study upload. */
  maxFiles: number;
}

export async function registerCohortRoutes(root: FastifyInstance, o: CohortRouteOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const ctx = root.her2scope;
  const sec = [{ session: [] }];
  const secWrite = [{ session: [], csrf: [] }];
  let importing = false;

  app.get('/api/cohort/studies', { schema: { summary: 'Imported cBioPortal studies with their sample and patient counts', tags: ['cohort'], security: sec, response: { 200: CohortStudyListSchema } }, config: { permission: 'read' } }, async (): Promise<CohortStudyList> => ({
    studies: (await listStudies(o.storage)).map(({ id: _id, ...s }) => s),
    notice: RESEARCH_USE_NOTICE,
  }));

  app.post(
    '/api/cohort/studies',
    {
      schema: {
        summary: `Import a cBioPortal study folder (admin): multipart/form-data, one part per file named by its path in the folder (e.g. brca/meta_study.txt, brca/case_lists/cases_all.txt); at most ${o.maxFiles} files and ${o.limitBytes} bytes in all. A study already imported is replaced. 201 with the import summary.`,
        tags: ['cohort'],
        security: secWrite,
        consumes: ['multipart/form-data'],
        response: { 201: CohortImportSchema },
      },
      config: { permission: 'admin' },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new HttpError(415, 'unsupported-media-type', 'send the study files as multipart/form-data, one part per file');
      if (importing) throw new HttpError(409, 'import-running', 'another study import is running; try again when it has finished');
      importing = true;
      let dir: string | undefined;
      let summary: Awaited<ReturnType<typeof importStudy>>;
      try {
        await mkdir(o.tmpDir, { recursive: true });
        dir = await mkdtemp(join(o.tmpDir, 'study-'));
        let total = 0;
        let count = 0;
        const seen = new Set<string>();
        let top: string | null | undefined;
        // preservePath: busboy would otherwise keep only the base name (losing case_lists/ and hiding a '..').
        for await (const part of req.files({ preservePath: true, limits: { files: o.maxFiles, fileSize: o.limitBytes, parts: o.maxFiles + 5 } })) {
          const name = part.filename ?? '';
          if (!STUDY_PATH.test(name) || name.split('/').some((x) => x === '.' || x === '..')) {
            part.file.resume();
            throw badRequest(`file name '${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}' is not a study file path (letters, digits, ".", "_", "-"; at most folder/case_lists/name)`, 'files');
          }
          let parts = name.split('/');
          // One top folder (a browser folder upload) is dropped; it must be the same for every file.
          const first = parts.length === 3 || (parts.length === 2 && parts[0] !== 'case_lists') ? (parts[0] ?? null) : null;
          if (top === undefined) top = first;
          else if (top !== first) throw badRequest('the files come from different folders: upload one study folder', 'files');
          if (first !== null) parts = parts.slice(1);
          const rel = parts.join('/');
          if (seen.has(rel)) throw badRequest(`file '${rel}' is sent twice`, 'files');
          seen.add(rel);
          if (++count > o.maxFiles) throw new HttpError(413, 'too-many-files', `a study upload has at most ${o.maxFiles} files`);
          if (parts.length === 2) await mkdir(join(dir, 'case_lists'), { recursive: true });
          const counter = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              total += chunk.length;
              if (total > o.limitBytes) cb(new HttpError(413, 'too-large', `the study is larger than the upload limit (${o.limitBytes} bytes)`));
              else cb(null, chunk);
            },
          });
          await pipeline(part.file, counter, createWriteStream(join(dir, ...parts), { flags: 'wx' }));
          if (part.file.truncated) throw new HttpError(413, 'too-large', `the study is larger than the upload limit (${o.limitBytes} bytes)`);
        }
        if (!seen.has('meta_study.txt')) throw badRequest('the upload has no meta_study.txt: upload the whole study folder', 'files');
        try {
          summary = await importStudy(o.storage, dir);
        } catch (e) {
          // Messages name the temp folder's files: say the uploaded names instead.
          if (e instanceof InputError) throw new InputError(e.field.split(`${dir}/`).join('').split(dir).join('study'), e.detail.split(`${dir}/`).join('').split(dir).join('study'));
          throw e;
        }
      } catch (e) {
        const err = e as { code?: string };
        if (err.code === 'FST_FILES_LIMIT') throw new HttpError(413, 'too-many-files', `a study upload has at most ${o.maxFiles} files`);
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpError(413, 'too-large', `the study is larger than the upload limit (${o.limitBytes} bytes)`);
        throw e;
      } finally {
        // Removed before answering, so no upload outlives its request.
        try {
          if (dir !== undefined) await rm(dir, { recursive: true, force: true });
        } finally {
          importing = false;
        }
      }
      await ctx.store.recordAudit(ctx.actor(req), { action: 'cohort.import', entityType: 'study', entityId: summary.study });
      const body: CohortImport = { summary: { ...summary }, notice: RESEARCH_USE_NOTICE };
      return reply.code(201).send(body);
    },
  );

  app.get(
    '/api/cohort/prevalence',
    {
      schema: {
        summary: 'Prevalence of an alteration (gene mutation / copy-number state, or a HER2 category), overall and by group (HER2 category, a clinical attribute or treatment exposure), with Wilson 95% CIs',
        tags: ['cohort'],
        security: sec,
        querystring: z.object(AlterationQuery).strict(),
        response: { 200: CohortPrevalenceSchema },
      },
      config: { permission: 'read' },
    },
    async (req): Promise<CohortPrevalence> => {
      const q = req.query;
      const groupBy = groupByOf(q.by);
      const r = await prevalenceCounts(o.storage, { ...(q.study ? { study: q.study } : {}), alteration: alterationOf(q), ...(groupBy ? { groupBy } : {}), ...(q.profile ? { profile: q.profile } : {}) });
      return { study: r.study, alteration: r.alteration, denominator: r.denominator, groupBy: r.groupBy, overall: wireProportion(r.table.overall), groups: groupBy ? r.table.groups.map((g) => ({ group: g.group, ...wireProportion(g) })) : [], notice: RESEARCH_USE_NOTICE };
    },
  );

  app.get(
    '/api/cohort/compare',
    {
      schema: {
        summary: 'Two-group comparison of an alteration\'s prevalence (groups: comma-separated values of the `by` grouping, pooled); difference, odds ratio and Fisher exact test',
        tags: ['cohort'],
        security: sec,
        querystring: z.object({ ...AlterationQuery, by: Text(128).describe('Grouping whose values form the groups'), groupA: Text(1000).describe('Comma-separated group values'), groupB: Text(1000).describe('Comma-separated group values') }).strict(),
        response: { 200: CohortComparisonSchema },
      },
      config: { permission: 'read' },
    },
    async (req): Promise<CohortComparison> => {
      const q = req.query;
      const groupBy = groupByOf(q.by);
      const a = list(q.groupA);
      const b = list(q.groupB);
      if (!a.length) throw badRequest('Group A: give at least one group value', 'groupA');
      if (!b.length) throw badRequest('Group B: give at least one group value', 'groupB');
      const r = await compareGroups(o.storage, { ...(q.study ? { study: q.study } : {}), alteration: alterationOf(q), ...(groupBy ? { groupBy } : {}), ...(q.profile ? { profile: q.profile } : {}), groupA: a, groupB: b });
      return {
        study: r.study,
        alteration: r.alteration,
        denominator: r.denominator,
        groupBy: r.groupBy,
        groupA: r.groupA,
        groupB: r.groupB,
        a: wireProportion(r.a),
        b: wireProportion(r.b),
        fisherP: r.fisherP,
        oddsRatio: finiteOrNull(r.oddsRatio),
        oddsRatioCi95: [finiteOrNull(r.oddsRatioCi95[0]), finiteOrNull(r.oddsRatioCi95[1])],
        notice: RESEARCH_USE_NOTICE,
      };
    },
  );

  const Format = z.enum(['json', 'svg']).optional().describe('json (default): the data; svg: the drawn plot');

  app.get(
    '/api/cohort/oncoprint',
    {
      schema: { summary: 'Oncoprint of some genes: mutations and amplification / deep deletion per profiled sample (JSON data or SVG)', tags: ['cohort'], security: sec, querystring: z.object({ study: AlterationQuery.study, genes: Text(1000).describe('Comma-separated genes (at most 30)'), format: Format }).strict() },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const genes = list(req.query.genes);
      if (genes.length > 30) throw badRequest('Genes: at most 30 genes', 'genes');
      const data = await oncoprintData(o.storage, { ...(req.query.study ? { study: req.query.study } : {}), genes });
      if (req.query.format === 'svg') return reply.header('content-security-policy', SVG_CSP).type('image/svg+xml; charset=utf-8').send(renderOncoprint(data));
      return {
        title: data.title,
        genes: data.genes,
        samples: data.samples,
        cells: [...data.cells].map(([k, c]) => {
          const [gene, sample] = k.split('\t');
          return { gene, sample, mutations: c.mutations, cna: c.cna ?? null };
        }),
        notProfiled: [...(data.notProfiled ?? [])].map((k) => {
          const [gene, sample] = k.split('\t');
          return { gene, sample };
        }),
        denominator: data.denominator ?? null,
        notice: RESEARCH_USE_NOTICE,
      };
    },
  );

  app.get(
    '/api/cohort/lollipop',
    {
      schema: { summary: "Lollipop of one gene's mutations by protein position, counted by distinct sample (JSON data or SVG)", tags: ['cohort'], security: sec, querystring: z.object({ study: AlterationQuery.study, gene: Text(64), profile: AlterationQuery.profile, format: Format }).strict() },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const data = await lollipopData(o.storage, { ...(req.query.study ? { study: req.query.study } : {}), gene: req.query.gene, ...(req.query.profile ? { profile: req.query.profile } : {}) });
      if (req.query.format === 'svg') return reply.header('content-security-policy', SVG_CSP).type('image/svg+xml; charset=utf-8').send(renderLollipop(data));
      return { ...data, notice: RESEARCH_USE_NOTICE };
    },
  );
}
