/** Per-cell CSV/TSV tables (QuPath, HALO, MCMICRO exports). */
export { readCellTable, parseCall, type CellTable, type CellTableOptions } from './reader.ts';
