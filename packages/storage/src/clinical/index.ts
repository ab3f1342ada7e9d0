/** The clinical data layer of the HTTP server: table types (migration 0002_clinical) and the repository. */
export * from './store.ts';
export type * from './schema.ts';
