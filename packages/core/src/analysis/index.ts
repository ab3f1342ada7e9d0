export * from './types.ts';
export * from './interpret.ts';
export * from './origin.ts';
export * from './therapy.ts';
export * from './dates.ts';
export * from './drugs.ts';
export * from './state.ts';
export * from './variant-class.ts';
