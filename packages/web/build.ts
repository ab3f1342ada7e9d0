/**
 * Builds the web app with Vite into packages/web/dist. `ensureWebBuild()` rebuilds only when the sources changed
 * (a SHA-256 over src/, index.html, this file and the core sources the app bundles is kept in dist/.build-hash), so
 * `npm run build` and the browser tests can call it every time: the first call takes a few seconds, later ones a few
 * milliseconds. The new build is written to a temp folder and renamed into place.
 *
 * `npm run build` (and so `npm ci`) runs it; `her2scope serve` only serves dist/ and never builds. Run directly:
 * `node --conditions=her2scope-source --import tsx packages/web/build.ts [--force]` (or `npm run build -w packages/web`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = join(WEB_DIR, 'dist');
// The app bundles the core's classification engine and the case schema with its date rules (other core imports are
// type-only and erased).
const CORE_SRC = join(WEB_DIR, '..', 'core', 'src');
const CORE_BUNDLED = [join(CORE_SRC, 'classification'), join(CORE_SRC, 'case'), join(CORE_SRC, 'errors.ts'), join(CORE_SRC, 'notice.ts')];

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

/** Hash of everything the bundle is made from. */
export function sourceHash(): string {
  const h = createHash('sha256');
  const files = [...listFiles(join(WEB_DIR, 'src')), join(WEB_DIR, 'index.html'), join(WEB_DIR, 'build.ts'), ...CORE_BUNDLED.flatMap((p) => (statSync(p).isDirectory() ? listFiles(p) : [p]))];
  for (const f of files) {
    h.update(relative(WEB_DIR, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

export function webBuildIsCurrent(): boolean {
  try {
    return readFileSync(join(WEB_DIST, '.build-hash'), 'utf8').trim() === sourceHash() && existsSync(join(WEB_DIST, 'index.html'));
  } catch {
    return false;
  }
}

/** Build when dist/ is missing or stale. Returns the dist folder and whether it built. */
export async function ensureWebBuild(options: { force?: boolean; log?: (msg: string) => void } = {}): Promise<{ dir: string; built: boolean; ms: number }> {
  const t0 = performance.now();
  const hash = sourceHash();
  if (!options.force && webBuildIsCurrent()) return { dir: WEB_DIST, built: false, ms: performance.now() - t0 };
  // One build at a time across processes (tests start several servers at once): a lock folder, stale after 2 min.
  const lock = join(WEB_DIR, 'node_modules', '.her2scope-web-build.lock');
  await mkdir(join(WEB_DIR, 'node_modules'), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (await stat(lock).then((st) => st.mtimeMs).catch(() => Date.now()));
      if (age > 120_000) await rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
      if (!options.force && webBuildIsCurrent()) return { dir: WEB_DIST, built: false, ms: performance.now() - t0 };
    }
  }
  try {
    if (!options.force && webBuildIsCurrent()) return { dir: WEB_DIST, built: false, ms: performance.now() - t0 };
    return await buildLocked(hash, t0, options);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function buildLocked(hash: string, t0: number, options: { log?: (msg: string) => void }): Promise<{ dir: string; built: boolean; ms: number }> {
  options.log?.('building the web app (vite)...');
  const { build, defaultClientConditions } = await import('vite');
  const { RESEARCH_USE_NOTICE } = await import('@her2scope/core/notice');
  // Temp output under node_modules/ (git-ignored, same file system as dist/ for the rename).
  const out = join(WEB_DIR, 'node_modules', `.her2scope-web-build-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await build({
      configFile: false,
      root: WEB_DIR,
      base: '/',
      logLevel: 'warn',
      esbuild: { jsx: 'automatic' },
      // The workspace packages are bundled from their TypeScript sources (see CONTRIBUTING.md, "The build").
      resolve: { conditions: ['her2scope-source', ...defaultClientConditions] },
      plugins: [{ name: 'her2scope-notice', transformIndexHtml: (html) => html.replaceAll('%RESEARCH_USE_NOTICE%', RESEARCH_USE_NOTICE) }],
      build: {
        outDir: out,
        emptyOutDir: true,
        sourcemap: false,
        chunkSizeWarningLimit: 1500,
        reportCompressedSize: false,
        rollupOptions: {
          // zod's sources carry /* @__PURE__ */ comments in places Rollup cannot use; harmless, so not printed.
          onwarn: (warning, warn) => (warning.code === 'INVALID_ANNOTATION' ? undefined : warn(warning)),
        },
      },
    });
    await writeFile(join(out, '.build-hash'), hash + '\n');
    // Swap in: move the old build aside, rename the new one, remove the old one. Another process building at the
    // same time produces the same files; whichever rename loses just discards its copy.
    const old = join(WEB_DIR, 'node_modules', `.her2scope-web-old-${process.pid}-${randomBytes(4).toString('hex')}`);
    if (existsSync(WEB_DIST)) await rename(WEB_DIST, old).catch(() => undefined);
    await rename(out, WEB_DIST).catch(async () => {
      await rm(out, { recursive: true, force: true });
    });
    await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(out, { recursive: true, force: true });
    throw e;
  }
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`web build did not produce ${join(WEB_DIST, 'index.html')}`);
  return { dir: WEB_DIST, built: true, ms: performance.now() - t0 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await ensureWebBuild({ force: process.argv.includes('--force'), log: console.log });
  console.log(`${r.built ? 'built' : 'up to date'}: ${r.dir} (${Math.round(r.ms)} ms)`);
}
