/**
 * Content checks for the files of the read-level look-back, used where a file arrives without a trustworthy name
 * (the server's uploads): what a file is decides how it is stored and read (`.bam` / `.cram`, `.bai` / `.csi` /
 * `.crai`), so it is told from its bytes, never from its name. Each check reads only the start of the file (an
 * index or FASTA index is read in full: both are small) and throws InputError naming the file when it is not what
 * it must be.
 *
 * Magic numbers: BAM `BAM\1` inside BGZF (SAM spec §4.2), CRAM `CRAM` + major version (CRAM spec §6 "File
 * definition"; versions 2 and 3 exist), BAI `BAI\1` (SAM spec §5.2), CSI `CSI\1` inside BGZF (CSIv1 spec), CRAI a
 * gzip-compressed table of six integer columns (CRAM spec §12 "Indexing"), FASTA index five columns NAME, LENGTH,
 * OFFSET, LINEBASES, LINEWIDTH (samtools faidx manual).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '@her2scope/core/errors';
import { fileSource, isBgzfHeader } from '../vcf/io.ts';
import { readBamContigs } from './index.ts';

export type AlignmentFormat = 'bam' | 'cram';
export type AlignmentIndexFormat = 'bai' | 'csi' | 'crai';

async function head(path: string, n: number, name: string): Promise<Buffer> {
  const src = await fileSource(path, name);
  try {
    return await src.read(0, n);
  } finally {
    await src.close();
  }
}

/** Up to `n` decompressed bytes from the start of a gzip / BGZF file; throws when it does not decompress. */
async function gunzipHead(path: string, n: number, name: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  const stream = createReadStream(path).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      have += chunk.length;
      if (have >= n) break;
    }
  } catch (e) {
    throw new InputError(name, `does not decompress (${(e as Error).message.split('\n')[0]}): truncated or corrupt`);
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts, have).subarray(0, n);
}

/** BAM or CRAM, from the file's bytes; a BAM's header is read (its reference names), a CRAM's file definition. */
export async function sniffAlignmentFile(path: string, name = path): Promise<{ format: AlignmentFormat; contigs: number | null }> {
  const start = await head(path, 26, name);
  if (start.toString('latin1', 0, 4) === 'CRAM') {
    const major = start[4];
    if (start.length < 26 || (major !== 2 && major !== 3)) throw new InputError(name, `not a readable CRAM file (file definition: major version ${String(major)}, expected 2 or 3)`);
    return { format: 'cram', contigs: null };
  }
  if (!isBgzfHeader(start)) throw new InputError(name, 'is neither a BAM (BGZF-compressed, "BAM\\1") nor a CRAM ("CRAM") file');
  const src = await fileSource(path, name);
  try {
    const contigs = await readBamContigs(src);
    if (contigs.length === 0) throw new InputError(name, 'the BAM header lists no reference sequences: reads in it cannot be placed');
    return { format: 'bam', contigs: contigs.length };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(name, `not a readable BAM file (${(e as Error).message.split('\n')[0]})`);
  } finally {
    await src.close();
  }
}

/** A BAM index (.bai, .csi) or CRAM index (.crai), from the file's bytes. */
export async function sniffAlignmentIndex(path: string, name = path): Promise<AlignmentIndexFormat> {
  const start = await head(path, 18, name);
  if (start.toString('latin1', 0, 4) === 'BAI\x01') return 'bai';
  if (start[0] !== 0x1f || start[1] !== 0x8b) throw new InputError(name, 'is not a BAM index (.bai: "BAI\\1"; .csi) or CRAM index (.crai)');
  const text = await gunzipHead(path, 4096, name);
  if (text.toString('latin1', 0, 4) === 'CSI\x01') return 'csi';
  // CRAI: lines of six integers (reference id, alignment start, span, container offset, slice offset, slice size).
  const lines = text.toString('latin1').split('\n');
  if (text.length === 4096) lines.pop(); // the last line may be cut at the sample's end
  const rows = lines.filter((l) => l !== '');
  if (rows.length > 0 && rows.every((l) => /^-?\d+(\t-?\d+){5}$/.test(l))) return 'crai';
  throw new InputError(name, 'is gzip-compressed but neither a CSI index ("CSI\\1") nor a CRAM index (.crai: six tab-separated integers per line)');
}

/** A plain (uncompressed) FASTA: its first line is a `>` header followed by sequence. Returns the first name. */
export async function sniffFasta(path: string, name = path): Promise<string> {
  const start = await head(path, 65536, name);
  if (start[0] === 0x1f && start[1] === 0x8b) throw new InputError(name, 'is compressed: give the reference FASTA uncompressed (with its .fai from samtools faidx)');
  const lines = start.toString('latin1').split(/\r?\n/);
  const first = lines[0] ?? '';
  if (!first.startsWith('>') || first.length < 2) throw new InputError(`${name}:1`, 'not a FASTA file: the first line must be a ">name" header');
  const seq = lines[1];
  if (seq !== undefined && seq !== '' && !/^[A-Za-z*-]+$/.test(seq)) throw new InputError(`${name}:2`, 'not a FASTA file: expected sequence letters after the header');
  return first.slice(1).split(/\s/)[0] ?? '';
}

/** A FASTA index (.fai): every line NAME, LENGTH, OFFSET, LINEBASES, LINEWIDTH. Returns the sequence names. */
export function parseFai(text: string, name: string): string[] {
  const names: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new InputError(name, 'is empty: not a FASTA index');
  lines.forEach((l, i) => {
    const f = l.replace(/\r$/, '').split('\t');
    if (f.length !== 5 || !f.slice(1).every((x) => /^\d+$/.test(x)) || f[0] === '') {
      throw new InputError(`${name}:${i + 1}`, 'not a FASTA index line (expected NAME, LENGTH, OFFSET, LINEBASES, LINEWIDTH separated by tabs)');
    }
    names.push(f[0] ?? '');
  });
  return names;
}
