/**
 * @her2scope/server: the HTTP API (Fastify) and host of the web app.
 *
 *   const storage = await openDatabase('sqlite:./her2scope.db');
 *   const app = await buildServer({ db: storage, dataDir: './her2scope-data' });
 *   await app.listen({ host: '127.0.0.1', port: 8080 });
 */
export { buildServer, DEFAULT_WEB_ROOT, DEFAULT_ALLOWED_HOSTS, GIB, type ServerOptions, type ServerContext } from './app.ts';
export { hashPassword, verifyPassword, generatePassword, passwordProblem, PASSWORD_MIN, PASSWORD_MAX } from './auth/passwords.ts';
export { ROLES, PERMISSIONS, can, permissionsOf, type Role, type Permission } from './auth/roles.ts';
export { SESSION_COOKIE, CSRF_HEADER } from './auth/session.ts';
export { loadExampleCases, EXAMPLES_DIR } from './examples.ts';
export { RESEARCH_USE_NOTICE as RESEARCH_USE } from '@her2scope/core';
