/**
 * BCF 2.2 decoding: the binary records of a BCF file turned back into VCF text lines, which the VCF reader then
 * parses (so every rule of the VCF path, from AD handling to the transcript pick, applies to BCF unchanged).
 *
 * Hand-written: there is no `@gmod/bcf-reader` package on npm (`npm view @gmod/bcf-reader`: 404, checked
 * 2026-12-01), and the other JavaScript BCF readers found are not maintained npm packages; BCF is small enough to
 * decode here on top of our BGZF layer (io.ts) and index code (tabix.ts).
 *
 * Format: VCF specification v4.3/4.4, section 6 "BCF specification" (samtools hts-specs, VCFv4.3.tex):
 * - after BGZF decompression: magic `BCF\2\2`, l_text (uint32), the VCF header text (NUL-terminated);
 * - each record: l_shared, l_indiv (uint32), then CHROM (int32 contig index), POS (int32, 0-based), rlen, QUAL
 *   (float), n_info (uint16) + n_allele (uint16), n_sample (uint24) + n_fmt (uint8), ID, the alleles, FILTER and the
 *   INFO key/value pairs as typed values; then per FORMAT key: the key, a type descriptor and n_sample vectors;
 * - a typed value starts with a byte: the type in the low 4 bits (0 missing, 1 int8, 2 int16, 3 int32, 5 float,
 *   7 char) and the count in the high 4 bits (15: the count follows as a typed integer);
 * - missing / end-of-vector values: int8 0x80 / 0x81, int16 0x8000 / 0x8001, int32 0x80000000 / 0x80000001,
 *   float 0x7F800001 / 0x7F800002; strings are NUL-padded;
 * - GT values are (allele + 1) << 1 | phased, 0 for a missing allele;
 * - the dictionary of strings: FILTER/INFO/FORMAT IDs in header order, PASS first, an `IDX=` attribute overriding
 *   the position; the contig dictionary: ##contig lines in order (IDX likewise).
 * Floats are written as htslib does (`%g`: 6 significant digits), so the text equals `bcftools view` output.
 */
import { InputError } from '@her2scope/core';
import { missingValue } from '@her2scope/core/errors';

export const BCF_MAGIC = Buffer.from('BCF\x02', 'latin1');

export class BcfError extends Error {}

export interface BcfDictionaries {
  strings: string[];
  contigs: string[];
}

/** Dictionaries from the header text (spec 6.2.1). */
export function bcfDictionaries(headerLines: readonly string[]): BcfDictionaries {
  const strings: string[] = ['PASS'];
  const seen = new Map<string, number>([['PASS', 0]]);
  const contigs: string[] = [];
  for (const line of headerLines) {
    const m = /^##(FILTER|INFO|FORMAT|contig)=<(.*)>\s*$/.exec(line);
    if (!m) continue;
    const id = /(?:^|,)ID=([^,>]+)/.exec(m[2] ?? missingValue('m[2]'))?.[1];
    if (!id) continue;
    const idx = /(?:^|,)IDX=(\d+)/.exec(m[2] ?? missingValue('m[2]'))?.[1];
    if (m[1] === 'contig') {
      if (idx !== undefined) contigs[Number(idx)] = id;
      else contigs.push(id);
      continue;
    }
    if (seen.has(id)) continue;
    const at = idx !== undefined ? Number(idx) : strings.length;
    strings[at] = id;
    seen.set(id, at);
  }
  return { strings, contigs };
}

const EOV8 = -127;
const MISS8 = -128;
const EOV16 = -32767;
const MISS16 = -32768;
const EOV32 = -2147483647;
const MISS32 = -2147483648;
const FLOAT_MISSING = 0x7f800001;
const FLOAT_EOV = 0x7f800002;
const SIZE = [0, 1, 2, 4, 0, 4, 0, 1];

/** htslib's float text (`%g`, 6 significant digits). */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'nan';
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 6) {
    // %g exponent form: mantissa with trailing zeros removed, exponent with at least two digits.
    const [mant, e] = f.toExponential(5).split('e') as [string, string];
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(f.toPrecision(6)));
}

/** A cursor over one record's bytes. */
class Reader {
  p: number;
  constructor(
    readonly b: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.p = start;
  }
  need(n: number): void {
    if (this.p + n > this.end) throw new BcfError(`record truncated (needs ${this.p + n - this.end} more bytes)`);
  }
  u8(): number {
    this.need(1);
    return this.b[this.p++] ?? missingValue('this.b[this.p++]');
  }
  i32(): number {
    this.need(4);
    const v = this.b.readInt32LE(this.p);
    this.p += 4;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32LE(this.p);
    this.p += 4;
    return v;
  }
  /** A type descriptor: [type, count]. */
  desc(): [number, number] {
    const d = this.u8();
    const type = d & 15;
    let count = d >> 4;
    if (count === 15) {
      const [t, n] = this.desc();
      if (n !== 1 || (t !== 1 && t !== 2 && t !== 3)) throw new BcfError('bad typed count');
      count = this.int(t);
      if (count < 0) throw new BcfError('negative typed count');
    }
    if (type !== 0 && type !== 1 && type !== 2 && type !== 3 && type !== 5 && type !== 7) throw new BcfError(`unknown BCF type ${type}`);
    return [type, count];
  }
  int(type: number): number {
    if (type === 1) {
      this.need(1);
      return this.b.readInt8(this.p++);
    }
    if (type === 2) {
      this.need(2);
      const v = this.b.readInt16LE(this.p);
      this.p += 2;
      return v;
    }
    if (type === 3) return this.i32();
    throw new BcfError(`expected an integer, found type ${type}`);
  }
  /** A typed single integer (dictionary keys). */
  typedInt(): number {
    const [t, n] = this.desc();
    if (n !== 1) throw new BcfError('expected one integer');
    return this.int(t);
  }
  str(n: number): string {
    this.need(n);
    let e = this.p;
    const stop = this.p + n;
    while (e < stop && this.b[e] !== 0) e++;
    const s = this.b.toString('utf8', this.p, e);
    this.p = stop;
    return s;
  }
  /** `count` values of `type` as VCF text ('.' when all are missing). */
  values(type: number, count: number): string {
    if (type === 7) {
      const s = this.str(count);
      return s === '' ? '.' : s;
    }
    if (type === 0) {
      this.need(0);
      return '';
    }
    const out: string[] = [];
    let missingOnly = true;
    for (let i = 0; i < count; i++) {
      let text: string | null;
      if (type === 5) {
        this.need(4);
        const bits = this.b.readUInt32LE(this.p);
        const f = this.b.readFloatLE(this.p);
        this.p += 4;
        if (bits === FLOAT_EOV) {
          this.p += 4 * (count - i - 1);
          this.need(0);
          break;
        }
        text = bits === FLOAT_MISSING ? null : formatFloat(f);
      } else {
        const v = this.int(type);
        const [eov, miss] = type === 1 ? [EOV8, MISS8] : type === 2 ? [EOV16, MISS16] : [EOV32, MISS32];
        if (v === eov) {
          this.p += (SIZE[type] ?? missingValue('SIZE[type]')) * (count - i - 1);
          this.need(0);
          break;
        }
        text = v === miss ? null : String(v);
      }
      if (text !== null) missingOnly = false;
      out.push(text ?? '.');
    }
    return out.length === 0 || (missingOnly && out.length === 1) ? '.' : out.join(',');
  }
  /** One GT vector of `count` values. */
  gt(type: number, count: number): string {
    let s = '';
    let n = 0;
    for (let i = 0; i < count; i++) {
      const v = this.int(type);
      const eov = type === 1 ? EOV8 : type === 2 ? EOV16 : EOV32;
      if (v === eov) {
        this.p += (SIZE[type] ?? missingValue('SIZE[type]')) * (count - i - 1);
        this.need(0);
        break;
      }
      const allele = (v >> 1) - 1;
      if (n > 0) s += v & 1 ? '|' : '/';
      s += allele < 0 ? '.' : String(allele);
      n++;
    }
    return n === 0 ? '.' : s;
  }
}

/**
 * One BCF record (bytes [start, end) of `b`, after l_shared/l_indiv) as a VCF text line without line end.
 * Throws BcfError for a record that cannot be decoded.
 */
export function bcfRecordToVcf(b: Buffer, start: number, lShared: number, lIndiv: number, dict: BcfDictionaries, nSamplesHeader: number): string {
  const r = new Reader(b, start, start + lShared);
  const chromIdx = r.i32();
  const chrom = dict.contigs[chromIdx];
  if (chrom === undefined) throw new BcfError(`contig index ${chromIdx} is not in the header's contig dictionary`);
  const pos = r.i32() + 1;
  r.i32(); // rlen
  r.need(4);
  const qualBits = b.readUInt32LE(r.p);
  const qual = qualBits === FLOAT_MISSING ? '.' : formatFloat(b.readFloatLE(r.p));
  r.p += 4;
  const ni = r.u32();
  const nInfo = ni & 0xffff;
  const nAllele = ni >>> 16;
  const fs = r.u32();
  const nSample = fs & 0xffffff;
  const nFmt = fs >>> 24;
  if (nSample !== nSamplesHeader) throw new BcfError(`${nSample} samples, but the header names ${nSamplesHeader}`);
  let [t, n] = r.desc();
  const id = t === 7 ? r.str(n) || '.' : (r.values(t, n), '.');
  const alleles: string[] = [];
  for (let i = 0; i < nAllele; i++) {
    [t, n] = r.desc();
    if (t !== 7) throw new BcfError('an allele is not a string');
    alleles.push(r.str(n));
  }
  if (alleles.length === 0) throw new BcfError('no REF allele');
  [t, n] = r.desc();
  const filters: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = r.int(t);
    const name = dict.strings[k];
    if (name === undefined) throw new BcfError(`FILTER index ${k} is not in the header's dictionary`);
    filters.push(name);
  }
  const info: string[] = [];
  for (let i = 0; i < nInfo; i++) {
    const k = r.typedInt();
    const key = dict.strings[k];
    if (key === undefined) throw new BcfError(`INFO key index ${k} is not in the header's dictionary`);
    [t, n] = r.desc();
    if (t === 0 || n === 0) {
      r.values(t, n);
      info.push(key);
    } else info.push(`${key}=${r.values(t, n)}`);
  }
  const cols = [chrom, String(pos), id, alleles[0] ?? missingValue('alleles[0]'), alleles.length > 1 ? alleles.slice(1).join(',') : '.', qual, filters.length ? filters.join(';') : '.', info.length ? info.join(';') : '.'];
  if (nSamplesHeader > 0) {
    const s = new Reader(b, start + lShared, start + lShared + lIndiv);
    const keys: string[] = [];
    const perSample: string[][] = Array.from({ length: nSample }, () => []);
    for (let f = 0; f < nFmt; f++) {
      const k = s.typedInt();
      const key = dict.strings[k];
      if (key === undefined) throw new BcfError(`FORMAT key index ${k} is not in the header's dictionary`);
      keys.push(key);
      [t, n] = s.desc();
      for (let j = 0; j < nSample; j++) (perSample[j] ?? missingValue('perSample[j]')).push(key === 'GT' && t !== 7 ? s.gt(t, n) : s.values(t, n));
    }
    cols.push(keys.length ? keys.join(':') : '.');
    for (const vals of perSample) cols.push(vals.length ? vals.join(':') : '.');
  }
  return cols.join('\t');
}

/**
 * VCF text (header, then one line per record) from the decompressed bytes of a whole BCF file. Records may span
 * the pieces; pieces are joined only as far as a record needs.
 */
export async function* bcfToVcfText(pieces: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const it = pieces[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0);
  let off = 0;
  let consumed = 0; // decompressed bytes before `buf`
  /** Make `n` bytes available from `off`; false at the end of input. */
  const fill = async (n: number): Promise<boolean> => {
    while (buf.length - off < n) {
      const r = await it.next();
      if (r.done) return false;
      consumed += off;
      buf = off < buf.length ? Buffer.concat([buf.subarray(off), r.value]) : r.value;
      off = 0;
    }
    return true;
  };
  if (!(await fill(9)) || !buf.subarray(0, 4).equals(BCF_MAGIC)) throw new InputError(name, "not a BCF file (no 'BCF\\2' magic)");
  if (buf[4] !== 2 && buf[4] !== 1) throw new InputError(name, `unsupported BCF version 2.${buf[4]} (her2scope reads BCF 2.1-2.2)`);
  const lText = buf.readUInt32LE(5);
  if (lText > 64 << 20) throw new InputError(name, `BCF header of ${lText} bytes (corrupt file?)`);
  off = 9;
  if (!(await fill(lText))) throw new InputError(name, 'truncated BCF header');
  let headerText = buf.toString('utf8', off, off + lText);
  off += lText;
  const nul = headerText.indexOf('\0');
  if (nul >= 0) headerText = headerText.slice(0, nul);
  const headerLines = headerText.split('\n').filter((l) => l !== '');
  const dict = bcfDictionaries(headerLines);
  const chromLine = headerLines[headerLines.length - 1] ?? '';
  const nSamples = Math.max(0, chromLine.split('\t').length - 9);
  yield Buffer.from(headerLines.join('\n') + '\n', 'utf8');
  let out: string[] = [];
  let outLen = 0;
  let recordNo = 0;
  for (;;) {
    if (!(await fill(8))) {
      if (buf.length - off > 0) throw new InputError(name, `record ${recordNo + 1}: truncated (the file is incomplete)`);
      break;
    }
    const lShared = buf.readUInt32LE(off);
    const lIndiv = buf.readUInt32LE(off + 4);
    recordNo++;
    if (lShared < 24 || lShared + lIndiv > 256 << 20) throw new InputError(name, `record ${recordNo}: impossible record length (corrupt file)`);
    if (!(await fill(8 + lShared + lIndiv))) throw new InputError(name, `record ${recordNo}: truncated (the file is incomplete)`);
    try {
      out.push(bcfRecordToVcf(buf, off + 8, lShared, lIndiv, dict, nSamples));
    } catch (e) {
      if (e instanceof BcfError || e instanceof RangeError) throw new InputError(`${name}: record ${recordNo}`, `${e.message} (corrupt BCF record at decompressed byte ${consumed + off})`);
      throw e;
    }
    outLen += (out[out.length - 1] ?? missingValue('out[out.length - 1]')).length;
    off += 8 + lShared + lIndiv;
    if (outLen > 1 << 20) {
      yield Buffer.from(out.join('\n') + '\n', 'utf8');
      out = [];
      outLen = 0;
    }
  }
  if (out.length) yield Buffer.from(out.join('\n') + '\n', 'utf8');
}

/** The records only (no header) of BCF bytes that start at a record boundary, as VCF text (index queries). */
export async function* bcfRecordsToVcfText(pieces: AsyncIterable<Buffer>, dict: BcfDictionaries, nSamples: number, name: string): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const piece of pieces) {
    const b = carry.length ? Buffer.concat([carry, piece]) : piece;
    let off = 0;
    const out: string[] = [];
    while (b.length - off >= 8) {
      const lShared = b.readUInt32LE(off);
      const lIndiv = b.readUInt32LE(off + 4);
      if (lShared < 24 || lShared + lIndiv > 256 << 20) throw new InputError(name, 'impossible BCF record length at an index offset (corrupt file, or the index does not belong to it)');
      if (b.length - off < 8 + lShared + lIndiv) break;
      try {
        out.push(bcfRecordToVcf(b, off + 8, lShared, lIndiv, dict, nSamples));
      } catch (e) {
        if (e instanceof BcfError || e instanceof RangeError) throw new InputError(name, `corrupt BCF record: ${e.message}`);
        throw e;
      }
      off += 8 + lShared + lIndiv;
    }
    carry = off < b.length ? Buffer.from(b.subarray(off)) : Buffer.alloc(0);
    if (out.length) yield Buffer.from(out.join('\n') + '\n', 'utf8');
  }
  if (carry.length) throw new InputError(name, 'a BCF record is cut off at the end of an index chunk (corrupt file, or the index does not belong to it)');
}
