// Imported first by main.tsx, so that it runs before any schema is built: zod probes for eval support (new Function)
// when it builds object schemas, and the app's Content-Security-Policy forbids eval. jitless skips the probe.
import { config } from 'zod';

config({ jitless: true });
