// Entry of the upload-check worker thread (see worker.mjs: compiled next to this file, or TypeScript through tsx).
import { existsSync } from 'node:fs';

if (existsSync(new URL('./upload-check-job.js', import.meta.url))) {
  await import('./upload-check-job.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./upload-check-job.ts');
}
