/**
 * BED of sequenced regions -> core `CoveredRegion[]`, so that later analysis can say "not covered" rather than
 * "absent". BED (UCSC): chrom, chromStart (0-based), chromEnd (exclusive), then optional name, score, …; `track`,
 * `browser` and `#` lines are headers. The 5th column is read as the region's mean depth when it is a number
 * (panel BEDs from coverage tools put it there), else depth is null. Plain or gzip/bgzip; tab- or
 * space-separated. Errors name file, line and column.
 */
import { InputError, type CoveredRegion } from '@her2scope/core';
import { decompressedChunks, fileSource, forEachLine, lineChunks, sniffCompression, type ByteSource } from '../vcf/io.ts';

const INT = /^\d+$/;
const quote = (s: string) => `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;

/** Read a BED file of sequenced regions. */
export async function readBed(path: string, name = path): Promise<CoveredRegion[]> {
  return readBedSource(await fileSource(path, name));
}

export async function readBedSource(src: ByteSource): Promise<CoveredRegion[]> {
  const out: CoveredRegion[] = [];
  let lineNo = 0;
  try {
    const compression = await sniffCompression(src);
    for await (const buf of lineChunks(decompressedChunks(src, compression), src.name)) {
      forEachLine(buf, (s, e) => {
        lineNo++;
        const line = buf.toString('utf8', s, e);
        if (line.trim() === '' || line.startsWith('#') || /^(track|browser)(\s|$)/.test(line)) return;
        const f = line.includes('\t') ? line.split('\t') : line.trim().split(/\s+/);
        const at = (field: string) => `${src.name}:${lineNo}: ${field}`;
        if (f.length < 3) throw new InputError(at('columns'), `expected at least 3 columns (chrom, start, end), found ${f.length}`);
        const [chrom, startText, endText] = f as [string, string, string];
        if (chrom === '' || /\s/.test(chrom)) throw new InputError(at('chrom'), `${quote(chrom)} is not a contig name`);
        if (!INT.test(startText) || !Number.isSafeInteger(Number(startText))) throw new InputError(at('start'), `${quote(startText)} is not a whole number`);
        if (!INT.test(endText) || !Number.isSafeInteger(Number(endText))) throw new InputError(at('end'), `${quote(endText)} is not a whole number`);
        const start = Number(startText);
        const end = Number(endText);
        if (end < start) throw new InputError(at('end'), `${end} is before start ${start}`);
        const d = f[4]?.trim();
        const depth = d !== undefined && d !== '' && Number.isFinite(Number(d)) && Number(d) >= 0 ? Number(d) : null;
        out.push({ chrom, start, end, depth });
      });
    }
  } finally {
    await src.close();
  }
  return out;
}
