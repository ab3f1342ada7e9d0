// Entry of the analysis worker thread. The workspace runs TypeScript through tsx, and loader hooks registered in the
// main thread do not reach worker threads, so the worker registers tsx itself before loading the job.
import { register } from 'tsx/esm/api';

register();
await import('./analysis-job.ts');
