// Entry of the analysis worker thread. Installed (compiled, dist/jobs/): analysis-job.js sits next to this file and
// is loaded directly. From the sources (tests, development) the job is TypeScript: loader hooks registered in the
// main thread do not reach worker threads, so the worker registers tsx itself before loading it.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./analysis-job.js', import.meta.url))) {
  await import('./analysis-job.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./analysis-job.ts');
}
