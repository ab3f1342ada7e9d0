/**
 * Byte sources, BGZF / gzip decompression and line chunking for the variant readers (VCF, MAF, BED).
 *
 * Hand-written rather than @gmod/bgzf-filehandle because this is the hot path of a full scan and because errors
 * must name the byte where a file breaks:
 * - Speed, measured on the 1,000,000-record benchmark file (135 MB bgzip, 771 MB text, this machine): inflating
 *   whole 4 MiB runs of blocks with @gmod/bgzf-filehandle's `unzip` (its wasm inflater) took 2.6 s; node:zlib
 *   per block took 1.8 s (`inflateRawSync`) and 2.1 s (`gunzipSync`, which also checks each block's CRC32 and
 *   length; used here). bgzf-filehandle is built for random access through a .gzi index, not for a streaming
 *   scan with bounded memory.
 * - Errors: a truncated or corrupt file is reported as `file: byte N: …` (InputError), never as a zlib stack.
 * Plain gzip (not BGZF, e.g. `gzip`-compressed MAFs) streams through node:zlib's Gunzip; plain text is read in
 * 4 MiB pieces. Every reader here yields Buffers that end on a line boundary, so memory stays flat.
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { InputError, missingValue } from '@her2scope/core/errors';

/** Random-access bytes: a file or (for tests) a Buffer. */
export interface ByteSource {
  /** How messages name the input (the path as the user gave it). */
  readonly name: string;
  readonly size: number;
  /** Up to `length` bytes from `position` (fewer only at the end of the source). */
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function fileSource(path: string, name = path): Promise<ByteSource> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new InputError(name, `cannot open: ${why}`);
  }
  const st = await fh.stat();
  if (st.isDirectory()) {
    await fh.close();
    throw new InputError(name, 'cannot open: is a directory');
  }
  const handle = fh;
  let closing: Promise<void> | undefined;
  return {
    name,
    size: st.size,
    async read(position, length) {
      const n = Math.max(0, Math.min(length, st.size - position));
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await handle.read(buf, got, n - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    close: () => (closing ??= handle.close()),
  };
}

export function bufferSource(data: Buffer, name: string): ByteSource {
  return {
    name,
    size: data.length,
    read: (position, length) => Promise.resolve(data.subarray(Math.min(position, data.length), Math.min(position + length, data.length))),
    close: async () => {},
  };
}

export type Compression = 'bgzf' | 'gzip' | 'none';

/** BGZF = gzip members with the `BC` extra subfield (SAM/BAM spec section 4.1). */
export function isBgzfHeader(b: Buffer, at = 0): boolean {
  return (
    b.length >= at + 18 &&
    b[at] === 0x1f && b[at + 1] === 0x8b && b[at + 2] === 8 && ((b[at + 3] ?? missingValue('b[at + 3]')) & 4) !== 0 &&
    b.readUInt16LE(at + 10) >= 6 && b[at + 12] === 0x42 && b[at + 13] === 0x43 && b.readUInt16LE(at + 14) === 2
  );
}

export async function sniffCompression(src: ByteSource): Promise<Compression> {
  const head = await src.read(0, 18);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return isBgzfHeader(head) ? 'bgzf' : 'gzip';
  return 'none';
}

const READ_SIZE = 4 << 20;
const BGZF_READ_SIZE = 1 << 20;
/** The 28-byte empty block bgzip writes last (SAM spec 4.1.2). */
const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/** Total size of the BGZF block at `at` in `b` (BSIZE + 1), or throws naming the byte. */
export function bgzfBlockSize(src: ByteSource, b: Buffer, at: number, filePos: number): number {
  if (!isBgzfHeader(b, at)) {
    throw new InputError(src.name, `byte ${filePos}: not a BGZF block (the file is corrupt, or was compressed with gzip rather than bgzip)`);
  }
  // The BC subfield is the first one in every bgzip-written block; find it among the extra subfields otherwise.
  const xlen = b.readUInt16LE(at + 10);
  let p = at + 12;
  const end = at + 12 + xlen;
  while (p + 4 <= end && p + 4 <= b.length) {
    const slen = b.readUInt16LE(p + 2);
    if (b[p] === 0x42 && b[p + 1] === 0x43 && slen === 2 && p + 6 <= b.length) return b.readUInt16LE(p + 4) + 1;
    p += 4 + slen;
  }
  throw new InputError(src.name, `byte ${filePos}: BGZF block without a block size (corrupt file)`);
}

/**
 * zlib options for one BGZF block: the output buffer sized from the block's ISIZE trailer (at most 64 KiB by the
 * spec, clamped so a corrupt trailer cannot ask for more), so the block inflates into one buffer; with zlib's 16 KiB
 * default it is inflated in four pieces and concatenated (measured: about half the time per block).
 */
function blockInflateOptions(block: Buffer): zlib.ZlibOptions {
  const isize = block.length >= 4 ? block.readUInt32LE(block.length - 4) : 0;
  return { chunkSize: Math.min(Math.max(isize, 64), 65536) + 64 };
}

export function inflateBgzfBlock(src: ByteSource, block: Buffer, filePos: number): Buffer {
  try {
    return zlib.gunzipSync(block, blockInflateOptions(block));
  } catch (e) {
    throw new InputError(src.name, `byte ${filePos}: corrupt BGZF block (${(e as Error).message})`);
  }
}

export interface Progress {
  /** Bytes of the (compressed) file consumed so far. */
  bytesRead: number;
  totalBytes: number;
}

const gunzipAsync = promisify(zlib.gunzip);

/** inflateBgzfBlock on libuv's thread pool (so that inflating overlaps with parsing on the main thread). */
async function inflateBgzfBlockAsync(src: ByteSource, block: Buffer, filePos: number): Promise<Buffer> {
  try {
    return await gunzipAsync(block, blockInflateOptions(block));
  } catch (e) {
    throw new InputError(src.name, `byte ${filePos}: corrupt BGZF block (${(e as Error).message})`);
  }
}

/**
 * Decompressed contents of a BGZF file from compressed offset `start`, one Buffer per block (up to 64 KiB each).
 * Checks every block header, CRC and the end-of-file marker. Pipelined: the blocks of the next read (1 MiB of
 * compressed data) are inflated on the thread pool while the caller works on the current ones, so at most two
 * reads' worth of data is held.
 */
export async function* bgzfChunks(src: ByteSource, start = 0, onProgress?: (p: Progress) => void): AsyncGenerator<Buffer> {
  let pos = start;
  let carry: Buffer = Buffer.alloc(0);
  let lastBlock: Buffer | null = null;
  // Start small (a header or a peek needs only the first blocks), then read 1 MiB at a time.
  let readSize = 64 << 10;
  /** Read and split the next piece; starts inflating its blocks. Null at the end. */
  const nextBatch = async (): Promise<{ blocks: Promise<Buffer[]>; bytesRead: number } | null> => {
    if (!(pos < src.size || carry.length > 0)) return null;
    const fresh = pos < src.size ? await src.read(pos, readSize) : Buffer.alloc(0);
    readSize = Math.min(readSize * 4, BGZF_READ_SIZE);
    pos += fresh.length;
    const buf = carry.length ? Buffer.concat([carry, fresh]) : fresh;
    const bufStart = pos - buf.length;
    const out: Promise<Buffer>[] = [];
    let o = 0;
    while (o < buf.length) {
      if (buf.length - o < 18) {
        if (pos < src.size) break;
        throw new InputError(src.name, `byte ${bufStart + o}: truncated BGZF block header (the file is incomplete)`);
      }
      const size = bgzfBlockSize(src, buf, o, bufStart + o);
      if (o + size > buf.length) {
        if (pos < src.size) break;
        throw new InputError(src.name, `byte ${bufStart + o}: truncated: the BGZF block there needs ${size} bytes but the file ends after ${buf.length - o} (the file is incomplete)`);
      }
      const block = buf.subarray(o, o + size);
      const inflating = inflateBgzfBlockAsync(src, block, bufStart + o);
      inflating.catch(() => {}); // handled where awaited (or moot when this read fails first)
      out.push(inflating);
      lastBlock = block;
      o += size;
    }
    carry = o < buf.length ? Buffer.from(buf.subarray(o)) : Buffer.alloc(0);
    if (fresh.length === 0 && carry.length > 0) {
      throw new InputError(src.name, `byte ${pos - carry.length}: truncated BGZF data at the end of the file`);
    }
    const blocks = Promise.all(out);
    blocks.catch(() => {}); // awaited below; avoid an unhandled rejection while it waits
    return { blocks, bytesRead: pos - carry.length };
  };
  let next = await nextBatch();
  while (next) {
    const cur = next;
    const blocks = await cur.blocks;
    next = await nextBatch(); // inflating while the caller handles `blocks`
    onProgress?.({ bytesRead: cur.bytesRead, totalBytes: src.size });
    for (const b of blocks) if (b.length) yield b;
  }
  if (start === 0 && (lastBlock === null || !(lastBlock as Buffer).equals(BGZF_EOF))) {
    throw new InputError(src.name, 'no BGZF end-of-file marker: the file is truncated (re-copy it, or re-compress with bgzip)');
  }
}

/** Decompressed contents of a plain (non-BGZF, possibly multi-member) gzip file. */
export async function* gzipChunks(src: ByteSource, onProgress?: (p: Progress) => void): AsyncGenerator<Buffer> {
  let pos = 0;
  async function* raw() {
    while (pos < src.size) {
      const b = await src.read(pos, READ_SIZE);
      if (b.length === 0) break;
      pos += b.length;
      yield b;
    }
  }
  const gunzip = zlib.createGunzip();
  const input = Readable.from(raw());
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      onProgress?.({ bytesRead: pos, totalBytes: src.size });
      yield chunk as Buffer;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const msg = (e as Error).message;
    if (/unexpected end of file/i.test(msg)) throw new InputError(src.name, 'truncated gzip file: unexpected end of file (the file is incomplete)');
    throw new InputError(src.name, `corrupt gzip data (${msg})`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

export async function* plainChunks(src: ByteSource, onProgress?: (p: Progress) => void): AsyncGenerator<Buffer> {
  let pos = 0;
  while (pos < src.size) {
    const b = await src.read(pos, READ_SIZE);
    if (b.length === 0) break;
    pos += b.length;
    onProgress?.({ bytesRead: pos, totalBytes: src.size });
    yield b;
  }
}

export function decompressedChunks(src: ByteSource, compression: Compression, onProgress?: (p: Progress) => void): AsyncGenerator<Buffer> {
  if (compression === 'bgzf') return bgzfChunks(src, 0, onProgress);
  if (compression === 'gzip') return gzipChunks(src, onProgress);
  return plainChunks(src, onProgress);
}

/** Longest line accepted (a guard against binary or hostile input exhausting memory). */
export const MAX_LINE_BYTES = 256 << 20;

/**
 * Re-cut a stream of Buffers so that each yielded Buffer holds whole lines (ending in `\n`; the last one at the
 * end of input may lack it). Buffers are yielded as large as they come, so callers can scan them in bulk.
 */
export async function* lineChunks(chunks: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  // The partial last line of each piece waits in `pending` (without copying pieces that hold no line end). The
  // piece that completes it is yielded as two Buffers, the joined line and the rest in place, so a large piece is
  // never copied.
  let pending: Buffer[] = [];
  let pendingLen = 0;
  for await (const chunk of chunks) {
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl === -1) {
      pending.push(chunk);
      pendingLen += chunk.length;
      if (pendingLen > MAX_LINE_BYTES) throw new InputError(name, `a line is longer than ${MAX_LINE_BYTES >> 20} MiB (not a text file?)`);
      continue;
    }
    if (pending.length) {
      const firstNl = chunk.indexOf(10);
      yield Buffer.concat([...pending, chunk.subarray(0, firstNl + 1)]);
      if (firstNl < lastNl) yield chunk.subarray(firstNl + 1, lastNl + 1);
    } else {
      yield chunk.subarray(0, lastNl + 1);
    }
    pending = lastNl + 1 < chunk.length ? [chunk.subarray(lastNl + 1)] : [];
    pendingLen = chunk.length - lastNl - 1;
  }
  if (pendingLen) yield pending.length === 1 ? pending[0] ?? missingValue('pending[0]') : Buffer.concat(pending);
}

/** Iterate the lines of a Buffer of whole lines: calls `fn(start, end)` with `end` before any `\r\n` / `\n`. */
export function forEachLine(buf: Buffer, fn: (start: number, end: number) => void | false): void {
  let s = 0;
  while (s < buf.length) {
    let nl = buf.indexOf(10, s);
    if (nl === -1) nl = buf.length;
    let e = nl;
    if (e > s && buf[e - 1] === 13) e--;
    if (fn(s, e) === false) return;
    s = nl + 1;
  }
}
