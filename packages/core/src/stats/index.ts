export * from './proportion.ts';
export * from './fisher.ts';
export * from './odds-ratio.ts';
export * from './roots.ts';
export * from './zscore.ts';
