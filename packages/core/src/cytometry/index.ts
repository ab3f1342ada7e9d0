/** Cytometry: compensation, scale transforms, Gating-ML 2.0 gate evaluation and the HER2+ stem-cell analysis. Pure. */
export * from './types.ts';
export * from './compensation.ts';
export * from './transforms.ts';
export * from './gates.ts';
export * from './panel.ts';
export * from './analysis.ts';
export { invertMatrix, type Matrix } from './linalg.ts';
