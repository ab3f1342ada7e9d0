export { VcfVariantFile, regionContigError, type VcfReadOptions, type ReadProgress } from './reader.ts';
export { parseVcfHeader, chooseSamples, notAnnotatedError, HOW_TO_ANNOTATE, SNPEFF_ANN_FIELDS, type VcfHeader, type AnnotationLayout, type SampleChoice } from './header.ts';
export { parseVcfRecord, type Region, type RecordContext } from './record.ts';
export { tumourReads, tumourReadsOf, formatGetter, type TumourReads, type FormatGetter } from './sample.ts';
export { vepAlleles, pickAnnotation, type Annotation, type AlleleKey } from './annotation.ts';
export { readTabixIndex, queryChunks, readChunk, reg2bins, type TabixIndex } from './tabix.ts';
export { fileSource, bufferSource, sniffCompression, decompressedChunks, lineChunks, type ByteSource, type Compression } from './io.ts';
