/**
 * `buildServer(options)`: the her2scope HTTP API and the host of the web app, as a Fastify instance (tests use
 * `app.inject`; `her2scope serve` calls `listen`).
 *
 * Request pipeline (`onRequest`, before any body is parsed): the Host header must be an allowed name (421
 * otherwise); then the MATCHED route's declared permission decides, never the raw URL. Every route declares
 * `config.permission` (a permission from auth/roles.ts, or 'public' for health, OpenAPI, login and the web app's
 * files); the server refuses to start when a route lacks one, and such a route answers 403. For a non-public route:
 * no session -> 401 (audited, coalesced); a state-changing method without the session's CSRF token -> 403 `csrf`
 * (audited, coalesced); a role without the permission -> 403 `forbidden` (audited).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { fieldLabel, InputError, RESEARCH_USE_NOTICE } from '@her2scope/core';
import { loadKnowledgeBase } from '@her2scope/kb';
import type { Storage } from '@her2scope/storage';
import { ClinicalStore, isUniqueViolation, type Actor, type User } from '@her2scope/storage/clinical';
import { can, PERMISSIONS, type Permission } from './auth/roles.ts';
import { CSRF_HEADER, SESSION_COOKIE, SessionCache, sessionId, tokensEqual } from './auth/session.ts';
import { AuditQueue } from './audit-queue.ts';
import { FileStore } from './files.ts';
import { HttpError, type FieldProblem } from './http-error.ts';
import { JobRunner } from './jobs/runner.ts';
import { UploadChecker } from './jobs/upload-check.ts';
import { registerRoutes } from './routes.ts';
import { registerCohortRoutes } from './cohort-routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs, or 'public'. Required: a route without it is refused (deny by default). */
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    auth: { user: User; sessionId: string; csrfToken: string } | null;
  }
  interface FastifyInstance {
    her2scope: ServerContext;
  }
}

export type RoutePermission = Permission | 'public';
const isRoutePermission = (p: unknown): p is RoutePermission => p === 'public' || (typeof p === 'string' && Object.hasOwn(PERMISSIONS, p));
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Host names answered by default: the loopback names (serve adds its listen address). */
export const DEFAULT_ALLOWED_HOSTS = ['localhost', '127.0.0.1', '::1'];
const normalizeHost = (h: string) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
/** The host name of a Host header, without the port; '' when absent or malformed. */
function hostOf(header: string | undefined): string {
  if (!header) return '';
  const h = header.trim().toLowerCase();
  const m = h.startsWith('[') ? /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(h) : /^([^:\s/@]+)(?::\d+)?$/.exec(h);
  return m ? normalizeHost(m[1]!) : '';
}

export interface ServerOptions {
  /** The open database (`openDatabase(url)` from @her2scope/storage). The caller closes it. */
  db: Storage;
  /** Where uploaded files and cached PDFs live. */
  dataDir: string;
  /** Folder of the built web app (index.html + assets); null serves the API only. Default: packages/web/dist. */
  webRoot?: string | null;
  /** Largest accepted upload in bytes (default 2 GiB). */
  uploadLimitBytes?: number;
  /** Login attempts per client IP per window (default 10 per minute). */
  loginRateLimit?: { max: number; windowMs: number };
  /** Session lifetime (default 12 h). */
  sessionTtlMs?: number;
  /** Mark cookies Secure (set when the server is reached over HTTPS, e.g. behind a TLS proxy). */
  secureCookies?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (for the client IP used by the rate limit and the audit log). */
  trustProxy?: boolean;
  /**
   * Host names (the Host header, port ignored) this server answers; others get 421 (DNS rebinding). Default:
   * localhost, 127.0.0.1 and ::1. '*' answers any (only behind a proxy that checks the name).
   */
  allowedHosts?: string[];
  /** Fastify logger option (default off). Request logs never carry query strings (they can hold patient labels). */
  logger?: boolean | { level: string };
  /** Analyses run at once in worker threads (default 1). */
  analysisConcurrency?: number;
  /** Stop an analysis after this long (default 30 min). */
  analysisTimeoutMs?: number;
  /** Repeated read events (same user, address, action and record) within this window are one audit line (default 15 min). */
  auditCoalesceMs?: number;
  /** Analyses one user may have queued or running at once (default 5; more answer 429). */
  analysisQuotaPerUser?: number;
  /** Analyses queued or running in all (default 100; more answer 429). */
  analysisQueueLimit?: number;
  /** Print the clinician PDF when an analysis finishes, so its download is immediate (default true; needs chromium, else printed on the first download). */
  prerenderPdf?: boolean;
  /** Largest cohort study upload (all its files together) in bytes (default: uploadLimitBytes). */
  cohortUploadLimitBytes?: number;
  /** Most files in one cohort study upload (default 500). */
  cohortUploadMaxFiles?: number;
  /** Code version recorded with each analysis (default: the package version). */
  codeVersion?: string;
}

export interface ServerContext {
  store: ClinicalStore;
  files: FileStore;
  runner: JobRunner;
  /** Parses in-memory uploads (FlowJo workspace, .fai) in worker threads, off the event loop (jobs/upload-check.ts). */
  uploadChecks: UploadChecker;
  sessions: SessionCache;
  /** Batched audit of read events (see audit-queue.ts). */
  auditReads: AuditQueue;
  options: Required<Pick<ServerOptions, 'uploadLimitBytes' | 'sessionTtlMs' | 'secureCookies'>>;
  kbVersion: string;
  codeVersion: string;
  actor(req: FastifyRequest): Actor;
}

const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_ROOT = resolve(HERE, '..', '..', 'web', 'dist');
export const GIB = 1024 ** 3;

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(HERE, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The web app's policy: no inline script or style (the app sets no style attributes; its CSS is a file). */
const APP_CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
/** Powerful browser features the app never uses, off for it and anything it frames. */
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()';

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const store = new ClinicalStore(options.db.db);
  const files = new FileStore(resolve(options.dataDir));
  const app = Fastify({
    logger: options.logger
      ? {
          ...(typeof options.logger === 'object' ? options.logger : {}),
          serializers: {
            // No query string, headers or body in logs: they can carry patient labels or tokens.
            req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0] }),
          },
        }
      : false,
    bodyLimit: 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const codeVersion = options.codeVersion ?? `her2scope ${await packageVersion()}`;
  const runner = new JobRunner(store, files, app.log, {
    concurrency: Math.max(1, options.analysisConcurrency ?? 1),
    maxAttempts: 2,
    timeoutMs: options.analysisTimeoutMs ?? 30 * 60 * 1000,
    perUserLimit: options.analysisQuotaPerUser ?? 5,
    queueLimit: options.analysisQueueLimit ?? 100,
    prerenderPdf: options.prerenderPdf ?? true,
    codeVersion,
  });
  const ctx: ServerContext = {
    store,
    files,
    runner,
    uploadChecks: new UploadChecker(),
    options: {
      uploadLimitBytes: options.uploadLimitBytes ?? 2 * GIB,
      sessionTtlMs: options.sessionTtlMs ?? 12 * 60 * 60 * 1000,
      secureCookies: options.secureCookies ?? false,
    },
    sessions: new SessionCache(store),
    auditReads: new AuditQueue(store, app.log, { windowMs: options.auditCoalesceMs ?? 15 * 60 * 1000 }),
    kbVersion: loadKnowledgeBase().version,
    codeVersion,
    actor: (req) => ({ userId: req.auth?.user.id ?? null, username: req.auth?.user.username ?? null, ip: req.ip ?? null }),
  };
  app.decorate('her2scope', ctx);
  app.decorateRequest('auth', null);

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: ctx.options.uploadLimitBytes, files: 1, fields: 8, fieldSize: 4096, parts: 10 } });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'her2scope API', version: codeVersion, description: `HER2-centred breast-cancer precision-oncology workbench. ${RESEARCH_USE_NOTICE}` },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/auth/login.' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The csrfToken returned by login or GET /api/auth/session; required on POST/PUT/PATCH/DELETE.' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  // Deny by default, decided from the MATCHED route (never from the raw URL: the router decodes percent-escapes, so
  // `/%61pi/patients` is the route `/api/patients`). Every route must declare `config.permission` (a permission or
  // 'public'); `ready()` fails when one does not, and a route without one is refused at request time as well.
  const declared: Array<{ method: string | string[]; url: string; config?: { permission?: RoutePermission } }> = [];
  app.addHook('onRoute', (route) => {
    declared.push(route);
  });
  app.addHook('onReady', async () => {
    const missing = declared.filter((r) => !isRoutePermission(r.config?.permission)).map((r) => `${[r.method].flat().join(',')} ${r.url}`);
    if (missing.length) throw new Error(`routes without a declared permission (config.permission): ${missing.join('; ')}`);
  });

  const allowedHosts = new Set((options.allowedHosts ?? DEFAULT_ALLOWED_HOSTS).map(normalizeHost));
  app.addHook('onRequest', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    // DNS rebinding: a page on another name that resolves to this address gets no answer.
    if (!allowedHosts.has('*') && !allowedHosts.has(hostOf(req.headers.host))) throw new HttpError(421, 'host-not-allowed', 'this server does not answer to that host name (see --allowed-hosts)');
    if (req.is404) return; // no route: the 404 handler answers, with no data
    const permission = req.routeOptions.config?.permission;
    if (!isRoutePermission(permission)) throw new HttpError(403, 'forbidden', 'this route declares no permission');
    if (permission === 'public') return;
    const token = req.cookies[SESSION_COOKIE];
    if (token && token.length <= 128) {
      const id = sessionId(token);
      const s = await ctx.sessions.get(id);
      if (s) req.auth = { user: s.user, sessionId: id, csrfToken: s.csrfToken };
    }
    const route = `${req.method} ${req.routeOptions.url}`;
    if (!req.auth) {
      ctx.auditReads.push(ctx.actor(req), { action: 'access.unauthenticated', entityType: 'route', entityId: route, outcome: 'denied' });
      throw new HttpError(401, 'unauthenticated', 'log in first');
    }
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !tokensEqual(sent, req.auth.csrfToken)) {
        ctx.auditReads.push(ctx.actor(req), { action: 'access.csrf', entityType: 'route', entityId: route, outcome: 'denied' });
        throw new HttpError(403, 'csrf', 'missing or wrong X-CSRF-Token header');
      }
    }
    if (!can(req.auth.user.role, permission)) {
      await store.recordAudit(ctx.actor(req), { action: 'access.denied', entityType: 'route', entityId: route, outcome: 'denied' });
      throw new HttpError(403, 'forbidden', `the ${req.auth.user.role} role may not do this (needs '${permission}')`);
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    // HTTPS (behind the TLS proxy that --secure-cookies implies): browsers keep to HTTPS for a year.
    if (ctx.options.secureCookies) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('x-frame-options', 'DENY');
      reply.header('content-security-policy', APP_CSP);
    }
    return payload;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validationContext?: string }, req: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => validationProblem(v.instancePath, v.message ?? 'is not valid', v.params, err.validationContext));
      const first = fields[0] ?? { field: '', label: 'Request', message: 'The request is not valid' };
      return reply.code(400).send({ error: 'invalid-input', field: first.field, message: first.message, fields });
    }
    if (err instanceof HttpError) {
      const fields = err.fields ?? (err.statusCode === 400 && err.field ? [{ field: err.field, label: fieldLabel(err.field.split('.')), message: err.message }] : undefined);
      return reply.code(err.statusCode).send({ error: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(fields ? { fields } : {}) });
    }
    if (err instanceof InputError) {
      if (err.name === 'PdfError') return reply.code(503).send({ error: 'pdf-unavailable', message: err.message });
      const label = fieldLabel(err.field.split(/[.[\]]/).filter(Boolean));
      return reply.code(400).send({ error: 'invalid-input', field: err.field, message: err.message, fields: [{ field: err.field, label, message: `${label}: ${err.detail}` }] });
    }
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') return reply.code(413).send({ error: 'too-large', message: `file is larger than the upload limit (${ctx.options.uploadLimitBytes} bytes)` });
    if (isUniqueViolation(err)) return reply.code(409).send({ error: 'conflict', message: 'a record with this identifier already exists' });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.statusCode === 429 ? 'rate-limited' : 'bad-request', message: err.message });
    }
    req.log.error({ err: { message: err.message, stack: err.stack } }, 'internal error');
    return reply.code(500).send({ error: 'internal', message: 'internal server error' });
  });

  await registerRoutes(app, {
    loginRateLimit: options.loginRateLimit ?? { max: 10, windowMs: 60_000 },
  });
  await registerCohortRoutes(app, { storage: options.db, tmpDir: join(files.dataDir, 'tmp'), limitBytes: options.cohortUploadLimitBytes ?? ctx.options.uploadLimitBytes, maxFiles: options.cohortUploadMaxFiles ?? 500 });

  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  if (webRoot && existsSync(join(webRoot, 'index.html'))) {
    // The web app's files are public (the login page must load); everything they show comes from the API.
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), permission: 'public' };
      });
      await scope.register(fastifyStatic, {
        root: webRoot,
        prefix: '/',
        wildcard: true,
        index: ['index.html'],
        setHeaders: (res, path) => {
          res.setHeader('cache-control', path.includes(`${'/assets/'}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    });
  } else {
    app.get('/', { schema: { hide: true }, config: { permission: 'public' } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><title>her2scope</title><p>The her2scope API is running; the web app is not built (run <code>npm run build -w packages/web</code>). See <a href="/api/openapi.json">/api/openapi.json</a>.</p>'),
    );
  }

  // Crash recovery before accepting work: partial uploads and orphaned blobs, interrupted analyses.
  const cleaned = await files.init(await store.allStoragePaths());
  const recovered = await runner.recover();
  if (cleaned.partials || cleaned.orphans || recovered.resumed || recovered.failed) app.log.warn({ ...cleaned, ...recovered }, 'recovered after an unclean stop');
  await store.deleteExpiredSessions();
  const sweep = setInterval(() => void store.deleteExpiredSessions().catch(() => undefined), 60 * 60 * 1000);
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await runner.stop();
    await ctx.uploadChecks.stop();
    await ctx.auditReads.close();
  });
  return app;
}

/** Messages that read as the end of a sentence about the field ("must be ...", "may not ..."), so "<Label> <message>". */
const PREDICATE = /^(must|may|is|are|has|have|contains|cannot|should|needs?) /;

/**
 * A schema validation problem in the API's field-level form (issue 17): the field as sent (`end`, `samples.0`;
 * never the internal `body.` prefix), its human name and a message naming it ("End date is before start date").
 */
export function validationProblem(instancePath: string, message: string, params: unknown, context?: string): FieldProblem {
  const path = instancePath.split('/').filter(Boolean);
  const p = (params ?? {}) as { keys?: unknown };
  if (Array.isArray(p.keys) && typeof p.keys[0] === 'string') {
    // An unknown field: name it, never echo its value.
    const key = p.keys[0].slice(0, 64);
    return { field: [...path, key].join('.'), label: fieldLabel([...path, key]), message: `${fieldLabel([...path, key])} is not a field of this request` };
  }
  if (path.length === 0) {
    const what = context === 'querystring' ? 'Query' : context === 'params' ? 'Address' : 'Request body';
    return { field: '', label: what, message: `${what}: ${message}` };
  }
  const label = fieldLabel(path);
  return { field: path.join('.'), label, message: PREDICATE.test(message) ? `${label} ${message}` : `${label}: ${message}` };
}
