/** Gating-ML 2.0 reading: XML -> the gate model of @her2scope/core/cytometry. */
export { parseGatingML, readGatingML } from './parser.ts';
