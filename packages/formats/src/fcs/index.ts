/** FCS 2.0 / 3.0 / 3.1 reading (and a small writer for synthetic files). */
export { FcsFile, readFcsFile, parseFcs, parseTextSegment, type FcsHeader, type FcsParameter, type FcsDataType } from './reader.ts';
export { writeFcs, type FcsWriteOptions, type FcsWriteParameter } from './writer.ts';
