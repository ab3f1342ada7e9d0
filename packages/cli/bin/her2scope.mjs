#!/usr/bin/env node
// Entry point of the `her2scope` command. It runs the compiled JavaScript in packages/cli/dist (built by `npm ci` /
// `npm run build`). Under the `her2scope-source` export condition (the tests, `npm run cli`:
// `node --conditions=her2scope-source --import tsx`) the same import resolves to the TypeScript sources instead.
let main;
try {
  ({ main } = await import('@her2scope/cli'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/')) throw e;
  const root = new URL('../../..', import.meta.url).pathname;
  process.stderr.write(`her2scope: not built (${e.message.match(/'([^']+)'/)?.[1] ?? 'dist/ missing'}); run 'npm run build' in ${root}\n`);
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
