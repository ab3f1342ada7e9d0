export { MafVariantFile, type MafReadOptions } from './reader.ts';
