export { InputError, formatPath } from './errors.ts';
export * from './classification/index.ts';
export * from './stats/index.ts';
export type * from './variants/types.ts';
export * from './kb/index.ts';
export * from './case/index.ts';
export * from './analysis/index.ts';
export * from './cytometry/index.ts';
export { AMINO_ACID_3TO1, shortProteinChange, VEP_CONSEQUENCE_RANK, consequenceRank, mostSevereTerm, MAF_VARIANT_CLASSIFICATIONS, mafClassificationToSo } from './variants/index.ts';
