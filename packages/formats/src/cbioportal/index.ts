export * from './errors.ts';
export * from './meta.ts';
export * from './clinical.ts';
export * from './mutations.ts';
export * from './matrix.ts';
export * from './timeline.ts';
export * from './case-lists.ts';
export * from './study.ts';
export { isMissing, parseNumber, parseInteger, idProblem } from './values.ts';
