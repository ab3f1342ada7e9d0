import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFlags, numberFlag, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';

const help = `Usage:
  her2scope serve [--db sqlite:./her2scope.db | --db postgres://user@host/db] [--port 8080] [--host 127.0.0.1]
                  [--data-dir DIR] [--load-examples] [--upload-limit 2GiB] [--secure-cookies] [--trust-proxy]
                  [--log LEVEL] [--allowed-hosts NAME,NAME...]

Start the her2scope HTTP API and web app in one process. The database is migrated on start; uploaded files and
cached PDFs go to --data-dir. Accounts are created with 'her2scope user add NAME --role admin'.

Options:
  --db URL             database (default sqlite:./her2scope.db; also a plain path or postgres://...)
  --port N             TCP port (default 8080; 0 picks a free one)
  --host H             address to listen on (default 127.0.0.1, this machine only)
  --data-dir DIR       uploaded files and cached reports (default ./.her2scope)
  --load-examples      load the bundled SYNTHETIC example patients (examples/cases) and analyse them; when the
                       database has no account yet, also create a 'demo' admin and print its password (when
                       'demo' is the only account, it gets a new password, printed)
  --upload-limit SIZE  largest upload, e.g. 500MiB, 2GiB (default 2GiB)
  --secure-cookies     mark the session cookie Secure (when users reach the server over HTTPS via a proxy)
  --trust-proxy        take the client address from X-Forwarded-For (behind a reverse proxy only)
  --allowed-hosts LIST host names (comma-separated) the server answers in the Host header; others get 421
                       (DNS rebinding). Default: the --host address, localhost, 127.0.0.1 and ::1
  --log LEVEL          request log level: fatal, error, warn, info, debug (default warn); JSON lines on stdout
  -h, --help           show this help

The web app is served from its prebuilt folder (packages/web/dist, built by 'npm ci' / 'npm run build'); serve
never builds or writes anything in the install folder. Without that folder it serves the API only and says so.
Stop with Ctrl-C. ${RESEARCH_USE}`;

const UNITS: Record<string, number> = { b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3, t: 1e12, tb: 1e12, tib: 1024 ** 4 };

/** `2GiB`, `500 MB`, `1048576` -> bytes. */
export function parseSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`--${flag}: '${text}' is not a size (e.g. 500MiB, 2GiB)`);
  const n = Math.floor(Number(m[1]) * unit);
  if (n < 1) throw new UsageError(`--${flag}: must be at least 1 byte`);
  return n;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the HTTP API and web app (accounts, uploads, analyses, reports)',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseFlags('serve', args, {
      db: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'load-examples': { type: 'boolean' },
      'upload-limit': { type: 'string' },
      'secure-cookies': { type: 'boolean' },
      'trust-proxy': { type: 'boolean' },
      log: { type: 'string' },
      'allowed-hosts': { type: 'string' },
    });
    if (values.help) {
      io.stdout(help + '\n');
      return 0;
    }
    const port = numberFlag('port', values.port) ?? 8080;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port: must be a whole number 0-65535');
    const host = values.host ?? '127.0.0.1';
    const uploadLimitBytes = values['upload-limit'] !== undefined ? parseSize('upload-limit', values['upload-limit']) : undefined;
    const logLevel = values.log ?? 'warn';
    if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(logLevel)) throw new UsageError(`--log: '${logLevel}' is not one of fatal, error, warn, info, debug`);

    const allowedHosts = values['allowed-hosts'] !== undefined ? values['allowed-hosts'].split(',').map((h) => h.trim()).filter(Boolean) : ['localhost', '127.0.0.1', '::1', host];
    if (allowedHosts.length === 0) throw new UsageError('--allowed-hosts: give at least one host name');
    const bad = allowedHosts.find((h) => h !== '*' && !/^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+|[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?)$/.test(h));
    if (bad !== undefined) throw new UsageError(`--allowed-hosts: '${bad}' is not a host name`);

    const { openDatabase } = await import('@her2scope/storage');
    const server = await import('@her2scope/server');

    const webRoot = server.DEFAULT_WEB_ROOT;
    if (!existsSync(join(webRoot, 'index.html'))) {
      io.stderr(`the web app is not built (${webRoot} is missing): serving the API only; build it with 'npm run build' in ${resolve(webRoot, '..', '..', '..')}\n`);
    }
    const storage = await openDatabase(values.db ?? 'sqlite:./her2scope.db', { cwd: io.cwd });
    let app: Awaited<ReturnType<typeof server.buildServer>>;
    try {
      app = await server.buildServer({
        db: storage,
        dataDir: resolve(io.cwd, values['data-dir'] ?? '.her2scope'),
        webRoot,
        logger: { level: logLevel },
        secureCookies: Boolean(values['secure-cookies']),
        trustProxy: Boolean(values['trust-proxy']),
        allowedHosts,
        ...(uploadLimitBytes ? { uploadLimitBytes } : {}),
      });
    } catch (e) {
      await storage.close();
      throw e;
    }
    const store = app.her2scope.store;
    if (values['load-examples']) {
      const users = await store.listUsers();
      const actor = { userId: null, username: 'her2scope serve', ip: null };
      if (users.length === 0) {
        const password = server.generatePassword();
        await store.createUser({ username: 'demo', role: 'admin', passwordHash: await server.hashPassword(password) }, actor);
        io.stdout(`created the admin account 'demo' with password: ${password}  (shown once)\n`);
      } else if (users.length === 1 && users[0]!.username === 'demo') {
        // A demo database whose only account is the demo admin: give it a fresh password so that a re-run of the
        // demo can be logged into (the old one was shown once). Real databases have other accounts: untouched.
        const password = server.generatePassword();
        await store.setPassword(users[0]!.id, await server.hashPassword(password), actor);
        io.stdout(`admin account 'demo': new password ${password}  (shown once)\n`);
      }
      const r = await server.loadExampleCases(app);
      io.stdout(`example patients (SYNTHETIC): ${r.loaded.length ? `loaded ${r.loaded.join(', ')}` : 'none new'}${r.skipped.length ? `; already present ${r.skipped.join(', ')}` : ''}\n`);
    } else if ((await store.countUsers()) === 0) {
      io.stderr(`no accounts yet: create the first with 'her2scope user add admin --role admin${values.db ? ` --db ${/^postgres/i.test(values.db) ? '<url>' : values.db}` : ''}'\n`);
    }
    try {
      await app.listen({ host, port });
    } catch (e) {
      await app.close();
      await storage.close();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`--port: ${host}:${port} is already in use`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host: cannot listen on '${host}'`);
      throw e;
    }
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    io.stdout(`her2scope serving at http://${shownHost}:${actualPort}/ (database ${storage.location}). ${RESEARCH_USE}\n`);

    return await new Promise<number>((resolveExit) => {
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        io.stderr('stopping...\n');
        await app.close();
        await storage.close();
        resolveExit(0);
        // An analysis worker terminated mid-run can leave tsx's module-loader thread holding the process open (seen
        // on Node 20); everything is closed by now, so make sure the process ends.
        setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
  },
};
