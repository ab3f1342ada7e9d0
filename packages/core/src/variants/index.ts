export type * from './types.ts';
export { AMINO_ACID_3TO1, shortProteinChange } from './hgvs.ts';
export { VEP_CONSEQUENCE_RANK, consequenceRank, mostSevereTerm } from './consequence.ts';
export { MAF_VARIANT_CLASSIFICATIONS, mafClassificationToSo } from './maf.ts';
