export * from './types.ts';
export * from './interpret.ts';
export * from './origin.ts';
export * from './therapy.ts';
export * from './dates.ts';
