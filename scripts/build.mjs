#!/usr/bin/env node
// `npm run build`, also the root `prepare` script (so `npm ci` runs it): compiles every package's src/ to dist/ and
// builds the web app with Vite into packages/web/dist.
//
// - The TypeScript packages (all but web) are compiled by one TypeScript program: `packages/X/src/a/b.ts` becomes
//   `packages/X/dist/a/b.js`, relative `./b.ts` imports are rewritten to `./b.js` (rewriteRelativeImportExtensions).
//   dist/ mirrors src/ so paths such as `../data` (packages/kb) and `../../web/dist` (packages/server) hold for both.
//   Each module is transpiled on its own (no type check: `npm run typecheck` reports type errors); syntax and
//   configuration errors stop the build.
// - Files in src/ that are not TypeScript (the server's worker entry, worker.mjs) are copied next to the output.
// - zod is bundled once into packages/core/dist/vendor/zod.js (English messages only) and the compiled packages import
//   it as `@her2scope/core/zod`: Node 20 loads zod's hundred or so ES modules one by one, which alone took longer than
//   a bare Node start and kept `her2scope classify` from its start-up goal (packages/cli/bench/startup.bench.ts). One
//   bundled copy is shared by every package; zod keeps its registry on globalThis and checks its classes by shape, so schemas
//   also work with zod itself as loaded by fastify-type-provider-zod. The sources (tests, tsx) import zod itself.
// - packages/web: Vite, through packages/web/build.ts (skipped when dist/ is current; `--force` rebuilds).
// - Each package's dist/ is written to a temp folder first and swapped in, so a failed build leaves the previous one.
//
// Options: --no-web (packages only), --force (rebuild the web app even when current).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');
/** The export condition under which the packages resolve to their TypeScript sources (tests, tsx, typecheck). */
const SOURCE_CONDITION = 'her2scope-source';
const args = new Set(process.argv.slice(2));
const t0 = performance.now();

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const packages = readdirSync(PACKAGES)
  .filter((p) => p !== 'web' && existsSync(join(PACKAGES, p, 'src')))
  .sort();
const sources = packages.flatMap((p) => walk(join(PACKAGES, p, 'src')));
const rootNames = sources.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

// Emit into per-package temp folders (packages/X/.dist-tmp), then swap them in.
const tmpOf = (pkg) => join(PACKAGES, pkg, '.dist-tmp');
const targetOf = (file, ext) => {
  const [pkg, , ...rest] = relative(PACKAGES, file).split(sep);
  const target = join(tmpOf(pkg), ...rest);
  return ext ? target.replace(/\.ts$/, ext) : target;
};

function fail(diagnostics) {
  for (const p of packages) rmSync(tmpOf(p), { recursive: true, force: true });
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.stderr.write(`build: failed (${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'})\n`);
  process.exit(1);
}

const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
// Only what shapes the emitted code: the output language and module syntax of tsconfig.json, type-only imports
// erased as written (verbatimModuleSyntax), `./x.ts` -> `./x.js`. (Passing the whole tsconfig, with its lib and types,
// makes each transpile several times slower for the same output.)
const compilerOptions = {
  target: config.options.target,
  module: config.options.module,
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
};
for (const p of packages) rmSync(tmpOf(p), { recursive: true, force: true });

/** `from 'zod'`, `import 'zod'`, `import('zod')` in emitted code (quote kept in $2). */
const ZOD_IMPORT = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])zod\2/g;
const ZOD_VENDOR = '@her2scope/core/zod';

async function bundleZod(outfile) {
  // zod's locale index lists every language; the bundle keeps English (zod's default) only.
  const englishOnly = {
    name: 'zod-english-only',
    setup(b) {
      b.onResolve({ filter: /\/locales\/index\.js$/ }, (a) => ({ path: join(a.resolveDir, a.path), namespace: 'zod-locales' }));
      b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (a) => ({ contents: `export { default as en } from ${JSON.stringify(join(dirname(a.path), 'en.js'))};`, loader: 'js', resolveDir: dirname(a.path) }));
    },
  };
  await esbuild({
    stdin: { contents: "export * from 'zod'; export { z, z as default } from 'zod';", resolveDir: join(PACKAGES, 'core'), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    plugins: [englishOnly],
  });
}

const errors = [];
for (const f of rootNames) {
  // Each module on its own (the sources are written for isolatedModules + verbatimModuleSyntax, which the typecheck
  // enforces), so the build parses only our files, not the type declarations of every dependency.
  const out = ts.transpileModule(readFileSync(f, 'utf8'), { compilerOptions, fileName: f, reportDiagnostics: true });
  if (out.diagnostics?.length) errors.push(...out.diagnostics);
  const target = targetOf(f, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, out.outputText.replace(ZOD_IMPORT, `$1$2${ZOD_VENDOR}$2`));
}
if (errors.length) fail(errors);
await bundleZod(join(tmpOf('core'), 'vendor', 'zod.js'));
let copied = 0;
for (const f of sources) {
  if (/\.tsx?$/.test(f)) continue;
  const target = targetOf(f);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(f, target);
  copied++;
}
for (const p of packages) {
  const dist = join(PACKAGES, p, 'dist');
  const old = join(PACKAGES, p, '.dist-old');
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(tmpOf(p), dist);
  rmSync(old, { recursive: true, force: true });
}
console.log(`build: ${rootNames.length} modules compiled, ${copied} assets copied into packages/{${packages.join(',')}}/dist (${Math.round(performance.now() - t0)} ms)`);

if (!args.has('--no-web')) {
  const r = spawnSync(process.execPath, [`--conditions=${SOURCE_CONDITION}`, '--import', 'tsx', join(PACKAGES, 'web', 'build.ts'), ...(args.has('--force') ? ['--force'] : [])], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) {
    process.stderr.write('build: the web app build failed\n');
    process.exit(1);
  }
}
