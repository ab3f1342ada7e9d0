export * from './schema.ts';
export * from './dates.ts';
