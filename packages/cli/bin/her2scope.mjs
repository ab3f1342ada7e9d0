#!/usr/bin/env node
// Entry point of the `her2scope` command. The workspace runs its TypeScript sources directly through tsx
// (no build step), so `npm ci` alone leaves `npx her2scope` working.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
