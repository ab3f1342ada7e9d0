/**
 * Streaming VCF reader: header, then records as VariantCalls, from a full scan or a tabix/CSI region query.
 *
 * The full scan with a gene filter is the hot path (hand-written; see the bench): each decompressed piece of the
 * file (whole lines, a few MB) is searched with Buffer.indexOf for the requested gene symbols, and only the lines
 * that contain one are decoded and parsed; newline counting keeps exact line numbers for messages. The first
 * 100 records are always parsed in full, so a broken or unannotated file is reported even when no line names a
 * requested gene. Lines that are neither parsed nor in that sample are not validated (documented limit).
 */
import { isAscii } from 'node:buffer';
import { InputError, type VariantCall } from '@her2scope/core';
import { chooseSamples, HOW_TO_ANNOTATE, notAnnotatedError, parseVcfHeader, type SampleChoice, type VcfHeader } from './header.ts';
import { decompressedChunks, forEachLine, lineChunks, type ByteSource, type Compression, type Progress } from './io.ts';
import { parseVcfRecord, peekLocus, RecordError, type RecordContext, type Region } from './record.ts';
import { queryChunks, readChunk, readTabixIndex } from './tabix.ts';
import { missingValue } from '@her2scope/core/errors';

export interface VcfReadOptions {
  tumor?: string;
  normal?: string;
  region?: Region | null;
  /** Gene symbols to keep (exact HGNC spelling); empty/undefined keeps every gene. */
  genes?: readonly string[] | null;
  allFilters?: boolean;
  skipBadRecords?: boolean;
  onProgress?: (p: ReadProgress) => void;
}

export interface ReadProgress extends Progress {
  /** Lines read after the header. */
  records: number;
}

interface ScanState {
  patterns: Buffer[] | null;
  firstData: number;
  lineNo: number;
}

/** Records parsed in full at the start of every scan, whatever the gene filter. */
const VALIDATE_FIRST = 100;
/** Messages kept for skipped records (the count has no limit). */
const MAX_PROBLEMS = 50;
const MAX_HEADER_BYTES = 64 << 20;

/** How a BCF file is read through this reader: its records are decoded to VCF text (bcf/decode.ts). */
export interface BcfHooks {
  /** The whole decompressed file as VCF text (header first). */
  text: (decompressed: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;
  /** The contig dictionary (index order) from the header lines. */
  contigs: (lines: readonly string[]) => string[];
  /** Decompressed record bytes of one index chunk as VCF text lines, given the header. */
  records: (header: VcfHeader, lines: readonly string[], pieces: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;
}

export class VcfVariantFile implements AsyncIterable<VariantCall> {
  readonly format: 'vcf' | 'bcf';
  /** Malformed records skipped (with skipBadRecords); final once iteration has finished. */
  skipped = 0;
  /** `file:line: field: message` of the first skipped records. */
  readonly problems: string[] = [];
  /** Data lines read so far. */
  records = 0;
  private used = false;
  private closed = false;

  private constructor(
    private readonly src: ByteSource,
    readonly header: VcfHeader,
    readonly samples: SampleChoice,
    private readonly ctx: RecordContext,
    private readonly opts: VcfReadOptions,
    private readonly rest: { it: AsyncIterator<Buffer>; first: Buffer | null } | null,
    private readonly index: ByteSource | null,
    private readonly meter: { bytesRead: number },
    private readonly bcf: { hooks: BcfHooks; headerLines: string[] } | null = null,
  ) {
    this.format = bcf ? 'bcf' : 'vcf';
  }

  /** How messages name a record: `file:line` for VCF text, `file: record N` for BCF (numbered from 1). */
  private where(lineNo: number, firstData: number): string {
    return this.bcf ? `${this.src.name}: record ${lineNo - firstData + 1}` : `${this.src.name}:${lineNo}`;
  }

  get annotation(): 'vep' | 'snpeff' {
    return this.ctx.annotation.kind;
  }
  get tumor(): string | null {
    return this.samples.tumor;
  }
  get normal(): string | null {
    return this.samples.normal;
  }

  /**
   * Read the header (errors surface here: not a VCF, not annotated, unknown sample), ready to stream records.
   * `index` is the .tbi/.csi of a BGZF file, used for region queries.
   */
  static async open(src: ByteSource, compression: Compression, opts: VcfReadOptions, index: ByteSource | null, bcf: BcfHooks | null = null): Promise<VcfVariantFile> {
    const meter = { bytesRead: 0 };
    const raw = decompressedChunks(src, compression, (p) => (meter.bytesRead = p.bytesRead));
    const it = lineChunks(bcf ? bcf.text(raw) : raw, src.name)[Symbol.asyncIterator]();
    const lines: string[] = [];
    let headerBytes = 0;
    let first: Buffer | null = null;
    let complete = false;
    while (!complete) {
      const r = await it.next();
      if (r.done) break;
      const buf = r.value;
      forEachLine(buf, (s, e) => {
        const line = buf.toString('utf8', s, e);
        headerBytes += e - s + 1;
        if (headerBytes > MAX_HEADER_BYTES) throw new InputError(src.name, `header longer than ${MAX_HEADER_BYTES >> 20} MiB (not a VCF?)`);
        lines.push(line);
        // A wrong first line: parseVcfHeader below reports it.
        if (lines.length === 1 && !line.startsWith('##')) complete = true;
        else if (line.startsWith('#CHROM')) complete = true;
        else if (line !== '' && !line.startsWith('#')) throw new InputError(`${src.name}:${lines.length}`, "a record before the '#CHROM' column header line");
        if (!complete) return;
        const nl = buf.indexOf(10, e);
        first = nl !== -1 && nl + 1 < buf.length ? buf.subarray(nl + 1) : null;
        return false;
      });
    }
    if (lines.length === 0) throw new InputError(src.name, 'empty file');
    const header = parseVcfHeader(lines, src.name);
    if (!header.annotation) {
      await it.return?.(undefined);
      throw notAnnotatedError(src.name, header.hasEffOnly);
    }
    const samples = chooseSamples(header, opts, src.name);
    const ctx: RecordContext = {
      nSamples: header.samples.length,
      annotation: header.annotation,
      tumorIndex: samples.tumorIndex,
      tumor: samples.tumor,
      normalIndex: samples.normalIndex,
      genes: opts.genes && opts.genes.length ? new Set(opts.genes) : null,
      allFilters: Boolean(opts.allFilters),
      region: opts.region ?? null,
      adNumber: header.formatNumbers.get('AD') ?? '.',
    };
    if (opts.region && header.contigs.length && !header.contigs.includes(opts.region.chrom)) {
      await it.return?.(undefined);
      regionContigError(opts.region.chrom, header.contigs, src.name);
    }
    let rest: { it: AsyncIterator<Buffer>; first: Buffer | null } | null = { it, first };
    let idx: ByteSource | null = null;
    if (opts.region && index && compression === 'bgzf') {
      idx = index;
      await it.return?.(undefined);
      rest = null;
    } else {
      await index?.close(); // an index beside a file that is not BGZF cannot be used: scan instead
    }
    return new VcfVariantFile(src, header, samples, ctx, opts, rest, idx, meter, bcf ? { hooks: bcf, headerLines: lines } : null);
  }

  [Symbol.asyncIterator](): AsyncIterator<VariantCall> {
    return flatten(this.batches())[Symbol.asyncIterator]();
  }

  /**
   * The calls in batches (one per piece of the file read, a few MB): the cheap way to stream, one await per
   * batch rather than per call. Pulled lazily: nothing more is read until the next batch is asked for.
   */
  batches(): AsyncIterable<VariantCall[]> {
    if (this.used) throw new Error('a VariantFile can be read only once');
    this.used = true;
    return this.closing(this.index ? this.indexed() : this.scan());
  }

  /** Release the file (done automatically when iteration ends or fails). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.rest?.it.return?.(undefined);
    await this.src.close();
    await this.index?.close();
  }

  private async *closing(gen: AsyncGenerator<VariantCall[]>): AsyncGenerator<VariantCall[]> {
    try {
      yield* gen;
    } finally {
      await this.close();
    }
  }

  private fail(where: string, e: unknown): void {
    if (!(e instanceof RecordError)) throw e;
    const msg = `${where}: ${e.field}: ${e.message}`;
    if (!this.opts.skipBadRecords) throw new InputError(`${where}: ${e.field}`, e.message);
    this.skipped++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(msg);
  }

  private annotatedSeen = false;
  private validated = 0;

  /** Calls held back until the file is known to carry annotation (so an unannotated file prints nothing). */
  private pending: VariantCall[] = [];

  /**
   * Parse one line; returns the calls ready to emit (none for a skipped bad record, and none while no record has
   * shown annotation yet: those wait in `pending`).
   */
  private parseLine(line: string, where: string, validateAll: boolean, out: VariantCall[]): void {
    if (line.charCodeAt(0) === 35) {
      this.fail(where, new RecordError('line', 'a header line among the records'));
      return;
    }
    let calls: VariantCall[];
    try {
      const r = parseVcfRecord(line, this.ctx, validateAll);
      if (r.annotated) this.annotatedSeen = true;
      calls = r.calls;
    } catch (e) {
      this.fail(where, e);
      return;
    }
    if (!this.annotatedSeen) {
      for (const c of calls) this.pending.push(c);
      return;
    }
    if (this.pending.length) {
      for (const c of this.pending) out.push(c);
      this.pending = [];
    }
    for (const c of calls) out.push(c);
  }

  /** At the end: fail if nothing was annotated, else release what was held back. */
  private finish(): VariantCall[] {
    this.checkAnnotated(true);
    const out = this.pending;
    this.pending = [];
    return out;
  }

  private checkAnnotated(force: boolean): void {
    if (this.annotatedSeen) return;
    if (this.validated >= VALIDATE_FIRST || (force && this.validated > 0)) {
      const key = this.ctx.annotation.key;
      throw new InputError(
        this.src.name,
        `the header declares INFO/${key} but none of the first ${this.validated} records carries it, so the records are not annotated: ${HOW_TO_ANNOTATE}`,
      );
    }
  }

  private progress(): void {
    this.opts.onProgress?.({ bytesRead: this.meter.bytesRead, totalBytes: this.src.size, records: this.records });
  }

  private async *scan(): AsyncGenerator<VariantCall[]> {
    const rest = this.rest ?? missingValue('this.rest');
    const st: ScanState = {
      patterns: this.ctx.genes ? [...this.ctx.genes].map((g) => Buffer.from(g, 'utf8')) : null,
      firstData: this.header.lineCount + 1,
      lineNo: this.header.lineCount + 1,
    };
    if (rest.first) {
      const calls = this.scanBuffer(rest.first, st);
      if (calls.length) yield calls;
    }
    this.progress();
    for (;;) {
      const r = await rest.it.next();
      if (r.done) break;
      const calls = this.scanBuffer(r.value, st);
      this.progress();
      if (calls.length) yield calls;
    }
    const last = this.finish();
    if (last.length) yield last;
  }

  /** The records of one Buffer of whole lines; `st.lineNo` is the number of its first line. */
  private scanBuffer(buf: Buffer, st: ScanState): VariantCall[] {
    const out: VariantCall[] = [];
    const { patterns } = st;
    const region = this.ctx.region;
    let from = 0;
    // Every line while validating the start of the file, and all the time without a gene filter. An ASCII piece
    // (the usual case) is decoded once, and its lines are slices of that string (no copy per line).
    if (!patterns || this.validated < VALIDATE_FIRST) {
      const text = isAscii(buf) ? buf.toString('latin1') : null;
      let s = 0;
      while (s < buf.length && !(patterns && this.validated >= VALIDATE_FIRST)) {
        let nl = buf.indexOf(10, s);
        if (nl === -1) nl = buf.length;
        let e = nl;
        if (e > s && buf[e - 1] === 13) e--;
        if (e > s) {
          const validating = this.validated < VALIDATE_FIRST;
          if (validating) this.validated++;
          // Past the validation window, a region scan skips other contigs and later positions unparsed.
          if (validating || !region || !outside(buf, s, e, region)) this.parseLine(text !== null ? text.slice(s, e) : buf.toString('utf8', s, e), this.where(st.lineNo, st.firstData), validating, out);
        }
        st.lineNo++;
        s = nl + 1;
      }
      this.checkAnnotated(false);
      from = s;
      if (from >= buf.length) {
        this.records = st.lineNo - st.firstData;
        return out;
      }
    }
    // Gene filter: parse only the lines that contain a requested symbol.
    let cursor = from;
    for (const s of hitStarts(buf, from, (patterns ?? missingValue('patterns')))) {
      for (let j = buf.indexOf(10, cursor); j !== -1 && j < s; j = buf.indexOf(10, cursor)) {
        cursor = j + 1;
        st.lineNo++;
      }
      let nl = buf.indexOf(10, s);
      if (nl === -1) nl = buf.length;
      let e = nl;
      if (e > s && buf[e - 1] === 13) e--;
      if (e > s && !(region && outside(buf, s, e, region))) this.parseLine(buf.toString('utf8', s, e), this.where(st.lineNo, st.firstData), false, out);
    }
    for (let j = buf.indexOf(10, cursor); j !== -1; j = buf.indexOf(10, cursor)) {
      cursor = j + 1;
      st.lineNo++;
    }
    if (cursor < buf.length) st.lineNo++;
    this.records = st.lineNo - st.firstData;
    return out;
  }

  private async *indexed(): AsyncGenerator<VariantCall[]> {
    const region = this.ctx.region ?? missingValue('this.ctx.region');
    const index = await readTabixIndex((this.index ?? missingValue('this.index')), this.bcf ? this.bcf.hooks.contigs(this.bcf.headerLines) : undefined);
    if (!index.refNames.includes(region.chrom)) {
      const alt = region.chrom.startsWith('chr') ? region.chrom.slice(3) : `chr${region.chrom}`;
      if (index.refNames.includes(alt)) regionContigError(region.chrom, index.refNames, this.src.name);
      return; // a contig without records
    }
    const patterns = this.ctx.genes ? [...this.ctx.genes].map((g) => Buffer.from(g, 'utf8')) : null;
    const chunks = queryChunks(index, region.chrom, region.start - 1, region.end === Infinity ? 2 ** 40 : region.end, (this.index ?? missingValue('this.index')).name);
    let n = 0;
    for (const ch of chunks) {
      const pieces = this.bcf ? this.bcf.hooks.records(this.header, this.bcf.headerLines, readChunk(this.src, ch)) : readChunk(this.src, ch);
      for await (const buf of lineChunks(pieces, this.src.name)) {
        const calls: VariantCall[] = [];
        let beyond = false;
        /** Parse the line at [s, e); false once past the region's end (records are sorted). */
        const visit = (s: number, e: number, validating: boolean): boolean => {
          if (e === s) return true;
          const line = buf.toString('utf8', s, e);
          const locus = peekLocus(line);
          n++;
          if (locus && locus.chrom === region.chrom && locus.pos > region.end && !validating) return false;
          const where = locus ? `${this.src.name} (record at ${locus.chrom}:${locus.pos})` : `${this.src.name} (record ${n} of region ${region.chrom}:${region.start}-${region.end})`;
          this.parseLine(line, where, validating, calls);
          return true;
        };
        let from = 0;
        // As in a scan: the first records are parsed in full, then only lines naming a requested gene.
        while (from < buf.length && (!patterns || this.validated < VALIDATE_FIRST)) {
          let nl = buf.indexOf(10, from);
          if (nl === -1) nl = buf.length;
          const e = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
          const validating = this.validated < VALIDATE_FIRST;
          if (e > from && validating) this.validated++;
          if (!visit(from, e, validating)) {
            beyond = true;
            break;
          }
          from = nl + 1;
        }
        if (patterns && !beyond && from < buf.length) {
          for (const s of hitStarts(buf, from, patterns)) {
            let nl = buf.indexOf(10, s);
            if (nl === -1) nl = buf.length;
            if (!visit(s, nl > s && buf[nl - 1] === 13 ? nl - 1 : nl, false)) {
              beyond = true;
              break;
            }
          }
        }
        this.checkAnnotated(false);
        this.records += countLines(buf);
        this.meter.bytesRead = ch.end.block;
        this.progress();
        if (calls.length) yield calls;
        if (beyond) {
          const last = this.finish();
          if (last.length) yield last;
          return;
        }
      }
    }
    const last = this.finish();
    if (last.length) yield last;
  }
}

/** One call at a time from batches of calls. */
export async function* flatten<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/** Number of lines in a Buffer of whole lines. */
function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return buf.length && buf[buf.length - 1] !== 10 ? n + 1 : n;
}

/** Sorted, distinct starts of the lines of `buf` (from `from`) that contain any of `patterns`. */
function hitStarts(buf: Buffer, from: number, patterns: readonly Buffer[]): number[] {
  const starts: number[] = [];
  for (const pat of patterns) {
    let i = buf.indexOf(pat, from);
    while (i !== -1) {
      starts.push(Math.max(from, buf.lastIndexOf(10, i) + 1));
      const nl = buf.indexOf(10, i);
      if (nl === -1) break;
      i = buf.indexOf(pat, nl + 1);
    }
  }
  starts.sort((a, b) => a - b);
  return starts.filter((x, k) => k === 0 || x !== starts[k - 1]);
}

/** True when the line at [s, e) is certainly outside the region: another contig, or a start past its end. */
function outside(buf: Buffer, s: number, e: number, region: Region): boolean {
  const t1 = buf.indexOf(9, s);
  if (t1 === -1 || t1 >= e) return false;
  if (t1 - s !== Buffer.byteLength(region.chrom) || buf.toString('utf8', s, t1) !== region.chrom) return true;
  const t2 = buf.indexOf(9, t1 + 1);
  if (t2 === -1 || t2 >= e) return false;
  const text = buf.toString('latin1', t1 + 1, t2);
  return /^\d+$/.test(text) && Number(text) > region.end;
}

/** Region contig absent from the file, suggesting the other naming style (`17` vs `chr17`) when that is present. */
export function regionContigError(chrom: string, contigs: readonly string[], name: string): never {
  const alt = chrom.startsWith('chr') ? chrom.slice(3) : `chr${chrom}`;
  if (contigs.includes(alt)) throw new InputError('--region', `contig '${chrom}' is not in ${name}, which names it '${alt}'`);
  const some = contigs.slice(0, 5).join(', ');
  throw new InputError('--region', `contig '${chrom}' is not in ${name} (its contigs: ${some}${contigs.length > 5 ? ', …' : ''})`);
}
