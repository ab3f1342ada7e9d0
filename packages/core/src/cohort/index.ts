export * from './alteration.ts';
export * from './her2.ts';
export * from './prevalence.ts';
export * from './exposure.ts';
export * from './paired.ts';
export * from './signature.ts';
export * from './plots.ts';
export * from './text.ts';
