export * from './import.ts';
export * from './queries.ts';
