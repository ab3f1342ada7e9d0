export { openDatabase, type Storage, type Dialect, type OpenOptions } from './db.ts';
export { parseDatabaseUrl, redactUrl, type DatabaseTarget } from './url.ts';
export type * from './schema.ts';
export { migrations } from './migrations/index.ts';
