/**
 * FCS 2.0 / 3.0 / 3.1 reader (ISAC Flow Cytometry Standard; FCS 3.1: Spidlen J et al. Cytometry A 2010;77:97-100).
 *
 * Written by hand: the only npm FCS reader, `fcs` (0.0.x), takes every parameter's width from $P1B (no mixed
 * $PnB), applies no $PnR bit mask, knows only the two plain byte orders, returns rows of JS numbers and does not
 * read the ANALYSIS or supplemental TEXT segments. This reader decodes straight into column-major Float64Arrays
 * (typed-array views over the DATA bytes, no per-value objects), which the 1,000,000-event benchmark needs.
 *
 * Handled: HEADER offsets (including 0 offsets with the real ones in $BEGINDATA/$ENDDATA, and HEADER/TEXT
 * disagreements, resolved by the DATA length that $TOT × $PAR implies), TEXT with delimiter escaping (a doubled
 * delimiter is a literal one; FCS 2.0 empty values written as a doubled delimiter after a keyword are read as
 * empty), supplemental TEXT, ANALYSIS, $BYTEORD 1,2,3,4 / 4,3,2,1 and other permutations, $DATATYPE I (any whole-byte
 * $PnB up to 64, masked to the next power of two of $PnR), F and D, $PnE log amplification, $PnG gain and
 * $TIMESTEP. Every problem is an InputError that names the file and the byte offset or keyword.
 *
 * Also: ASCII data ($DATATYPE A, FCS 2.0/3.0): fixed-width values ($PnB = characters per value) or free format
 * ($PnB = '*', values separated by spaces, tabs, commas, carriage returns or line feeds); files with several data
 * sets chained by $NEXTDATA (each data set's offsets count from its own HEADER, as flowCore reads them), choose one
 * with `dataset`; a $SPILLOVER / SPILL / $COMP that names its channels but holds no values is a warning (the data
 * are then uncompensated unless a matrix is given), not an error.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '@her2scope/core';
import { parseSpilloverKeyword, type SpilloverMatrix } from '@her2scope/core/cytometry';
import { missingValue } from '@her2scope/core/errors';

export interface FcsHeader {
  version: string;
  textStart: number;
  textEnd: number;
  dataStart: number;
  dataEnd: number;
  analysisStart: number;
  analysisEnd: number;
}

export interface FcsParameter {
  /** 1-based parameter number n. */
  index: number;
  /** $PnN short name. */
  name: string;
  /** $PnS stain / marker name, or null. */
  label: string | null;
  /** $PnB bits per value (ASCII data: 8 × characters per value; 0 for free format). */
  bits: number;
  /** $PnR range. */
  range: number;
  /** $PnE f1 (decades; 0 = linear). */
  decades: number;
  /** $PnE f2 (value of channel 0 on the log scale; 1 when given as 0 with f1 > 0). */
  log0: number;
  /** $PnG gain (1 when absent). */
  gain: number;
}

export type FcsDataType = 'I' | 'F' | 'D' | 'A';

/** Maximum parameters accepted ($PAR); real instruments have at most a few hundred. */
const MAX_PARAMETERS = 10000;

export class FcsFile {
  /** File name used in messages. */
  readonly source: string;
  readonly header: FcsHeader;
  readonly version: string;
  /** All keywords (upper-case), primary TEXT first, then supplemental TEXT keywords not already present. */
  readonly keywords: ReadonlyMap<string, string>;
  /** ANALYSIS segment keywords (upper-case), if any. */
  readonly analysis: ReadonlyMap<string, string>;
  readonly parameters: ReadonlyArray<FcsParameter>;
  readonly eventCount: number;
  readonly dataType: FcsDataType;
  /** $BYTEORD as written. */
  readonly byteOrder: string;
  /** DATA segment byte offsets actually used (inclusive). */
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly warnings: string[];
  /** 1-based data set read, and how many the file holds ($NEXTDATA chain). */
  readonly dataSet: number;
  readonly dataSetCount: number;
  /** DATA bytes; released (emptied) once every column is decoded. */
  private data: Uint8Array;
  private readonly raw: Array<Float64Array | undefined>;
  private readonly scaled: Array<Float64Array | undefined>;

  /** @internal */
  constructor(init: {
    source: string;
    header: FcsHeader;
    keywords: Map<string, string>;
    analysis: Map<string, string>;
    parameters: FcsParameter[];
    eventCount: number;
    dataType: FcsDataType;
    byteOrder: string;
    dataStart: number;
    dataEnd: number;
    warnings: string[];
    data: Uint8Array;
    /** Columns decoded already (ASCII data). */
    columns?: Float64Array[];
    dataSet?: number;
    dataSetCount?: number;
  }) {
    this.source = init.source;
    this.header = init.header;
    this.version = init.header.version;
    this.keywords = init.keywords;
    this.analysis = init.analysis;
    this.parameters = init.parameters;
    this.eventCount = init.eventCount;
    this.dataType = init.dataType;
    this.byteOrder = init.byteOrder;
    this.dataStart = init.dataStart;
    this.dataEnd = init.dataEnd;
    this.warnings = init.warnings;
    this.data = init.data;
    this.dataSet = init.dataSet ?? 1;
    this.dataSetCount = init.dataSetCount ?? 1;
    this.raw = init.columns ? [...init.columns] : new Array<Float64Array | undefined>(init.parameters.length);
    this.scaled = new Array<Float64Array | undefined>(init.parameters.length);
  }

  /** A keyword's value (case-insensitive name, with or without '$'), or undefined. */
  keyword(name: string): string | undefined {
    return this.keywords.get(name.toUpperCase());
  }

  /** 0-based index of the channel called `name`: $PnN, then $PnS, then the same ignoring case and spaces; -1 if none. */
  channelIndex(name: string): number {
    const p = this.parameters;
    let i = p.findIndex((x) => x.name === name);
    if (i < 0) i = p.findIndex((x) => x.label === name);
    if (i < 0) {
      const norm = name.trim().toLowerCase();
      i = p.findIndex((x) => x.name.trim().toLowerCase() === norm);
      if (i < 0) i = p.findIndex((x) => x.label !== null && x.label.trim().toLowerCase() === norm);
    }
    return i;
  }

  /** Channel values as stored (integers masked to $PnR), 0-based parameter index. */
  rawColumn(index: number): Float64Array {
    this.checkIndex(index);
    let col = this.raw[index];
    if (!col) {
      // Float data in a plain byte order: one blocked pass decodes every column for about the cost of two strided
      // single-column passes, so decode them all at once.
      const all = this.parameters.length > 1 ? decodeAll(this, this.data) : null;
      if (all) all.forEach((c, i) => (this.raw[i] ??= c));
      col = this.raw[index] ?? decodeColumn(this, this.data, index);
      this.raw[index] = col;
      // Every column decoded: the DATA bytes are no longer needed (one copy of the matrix, not two).
      let done = true;
      for (let i = 0; i < this.raw.length && done; i++) if (!this.raw[i]) done = false;
      if (done) {
        permCache.delete(this.data);
        this.data = new Uint8Array(0);
      }
    }
    return col;
  }

  /** Every channel as stored, decoded in one pass over the DATA segment (faster than column by column). */
  rawColumns(): Float64Array[] {
    return this.parameters.map((_, i) => this.rawColumn(i));
  }

  /**
   * Scale values: log-amplified integer channels converted to linear (10^(f1·x/$PnR)·f2), divided by $PnG, and the
   * time channel multiplied by $TIMESTEP. These are the values gates and thresholds refer to.
   */
  scaledColumn(index: number): Float64Array {
    this.checkIndex(index);
    let col = this.scaled[index];
    if (col) return col;
    const p = this.parameters[index] ?? missingValue('this.parameters[index]');
    const raw = this.rawColumn(index);
    const timestep = /^time$/i.test(p.name.trim()) ? Number(this.keyword('$TIMESTEP')?.trim()) : Number.NaN;
    const useTime = Number.isFinite(timestep) && timestep > 0 && timestep !== 1;
    const useLog = (this.dataType === 'I' || this.dataType === 'A') && p.decades > 0;
    const useGain = p.gain !== 1 && p.gain !== 0 && Number.isFinite(p.gain);
    if (!useTime && !useLog && !useGain) {
      this.scaled[index] = raw;
      return raw;
    }
    col = new Float64Array(raw.length);
    const { decades, range, log0, gain } = p;
    for (let e = 0; e < raw.length; e++) {
      let v = raw[e] ?? missingValue('raw[e]');
      if (useTime) v *= timestep;
      if (useLog) v = 10 ** ((decades * v) / range) * log0;
      if (useGain) v /= gain;
      col[e] = v;
    }
    this.scaled[index] = col;
    return col;
  }

  /**
   * The file's spillover matrix from $SPILLOVER, SPILL or $COMP (first present), or null. Detector names are
   * matched to $PnN (or $PnS); throws InputError naming the keyword when it is malformed.
   */
  spillover(): SpilloverMatrix | null {
    for (const kw of ['$SPILLOVER', 'SPILL', '$COMP']) {
      const v = this.keyword(kw);
      if (v === undefined || v.trim() === '' || v.trim() === '0' || spilloverWithoutValues(v)) continue;
      let s: SpilloverMatrix;
      try {
        s = parseSpilloverKeyword(v, kw);
      } catch (e) {
        if (e instanceof InputError) throw new InputError(this.source, e.message);
        throw e;
      }
      s.source = `${this.source} ${kw}`;
      s.detectors = s.detectors.map((d) => {
        const i = this.channelIndex(d);
        if (i < 0) throw new InputError(this.source, `${kw}: detector '${d}' is not a parameter of the file`);
        return (this.parameters[i] ?? missingValue('this.parameters[i]')).name;
      });
      s.fluorochromes = [...s.detectors];
      return s;
    }
    return null;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.parameters.length) {
      throw new RangeError(`parameter index ${index} out of range 0..${this.parameters.length - 1}`);
    }
  }
}

/** Something the reader can pull bytes from. */
interface ByteSource {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

/**
 * True for a spillover keyword that names its n channels but holds no values (`n,P1,…,Pn` with nothing or only
 * empty entries after the names): some acquisition software writes that when no compensation was set up.
 */
export function spilloverWithoutValues(value: string): boolean {
  const parts = value.split(',').map((x) => x.trim());
  const n = Number(parts[0]);
  if (!Number.isInteger(n) || n < 1 || parts.length < 1 + n) return false;
  return parts.slice(1 + n).every((x) => x === '');
}

/** Read an FCS file from disk (only the HEADER, TEXT, ANALYSIS and DATA segments are read). `dataset` is 1-based. */
export function readFcsFile(path: string, options: { name?: string; dataset?: number } = {}): FcsFile {
  const name = options.name ?? basename(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(name, `cannot read file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message)})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(name, 'cannot read file (is a directory)');
    const size = st.size;
    const source: ByteSource = {
      size,
      read(offset, length) {
        // A fresh ArrayBuffer per read: the DATA segment gets its own 8-byte aligned buffer for typed-array views.
        // Not zero-filled first (the read overwrites every byte, and a short read is an error).
        const buf = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
        let done = 0;
        while (done < length) {
          const got = readSync(fd, buf, done, length - done, offset + done);
          if (got === 0) break;
          done += got;
        }
        if (done < length) throw new InputError(name, `byte ${offset + done}: file ends early (wanted ${length} bytes at byte ${offset})`);
        return buf;
      },
    };
    return parse(source, name, options.dataset ?? 1);
  } finally {
    closeSync(fd);
  }
}

/** Parse FCS bytes held in memory. */
export function parseFcs(bytes: Uint8Array, name = 'FCS data', options: { dataset?: number } = {}): FcsFile {
  const source: ByteSource = {
    size: bytes.length,
    read(offset, length) {
      // Always a copy with its own aligned ArrayBuffer (Buffer#slice would be a view into the caller's bytes, which
      // the big-endian decode byte-swaps in place).
      const part = bytes.subarray(offset, offset + length);
      const out = new Uint8Array(part.length);
      out.set(part);
      return out;
    },
  };
  return parse(source, name, options.dataset ?? 1);
}

function fail(name: string, message: string): never {
  throw new InputError(name, message);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

function parseHeader(src: ByteSource, name: string): FcsHeader {
  if (src.size < 58) {
    const head = src.size > 0 ? latin1.decode(src.read(0, Math.min(src.size, 10))) : '';
    fail(name, `byte 0: not an FCS file (${src.size} bytes${head ? `, starts with ${JSON.stringify(head)}` : ''}; an FCS file starts with a 58-byte HEADER)`);
  }
  const h = src.read(0, 58);
  const id = latin1.decode(h.subarray(0, 6));
  const m = /^FCS(\d\.\d)$/.exec(id);
  if (!m) fail(name, `byte 0: not an FCS file (starts with ${JSON.stringify(latin1.decode(h.subarray(0, 10)))}, expected 'FCS3.1', 'FCS3.0' or 'FCS2.0')`);
  const version = m[1] ?? missingValue('m[1]');
  if (!['2.0', '3.0', '3.1', '3.2'].includes(version)) fail(name, `byte 3: FCS version ${version} is not supported (2.0, 3.0, 3.1)`);
  const field = (at: number, what: string, optional: boolean): number => {
    const text = latin1.decode(h.subarray(at, at + 8));
    const t = text.trim();
    if (t === '' && optional) return 0;
    if (!/^\d+$/.test(t)) fail(name, `byte ${at}: HEADER ${what} offset ${JSON.stringify(text)} is not a whole number`);
    return Number(t);
  };
  return {
    version,
    textStart: field(10, 'TEXT start', false),
    textEnd: field(18, 'TEXT end', false),
    dataStart: field(26, 'DATA start', false),
    dataEnd: field(34, 'DATA end', false),
    analysisStart: field(42, 'ANALYSIS start', true),
    analysisEnd: field(50, 'ANALYSIS end', true),
  };
}

/**
 * Split a TEXT segment into keyword/value pairs. `base` is the segment's byte offset (for messages).
 * A run of delimiters inside a value holds ⌊r/2⌋ literal delimiters (and ends the value when r is odd). A keyword
 * never contains the delimiter, so a run right after a keyword ends it: the rest of the run starts the value (a
 * single delimiter there means an empty value, as FCS 2.0 writers produce).
 */
export function parseTextSegment(bytes: Uint8Array, base: number, name: string, what = 'TEXT'): Array<{ key: string; value: string; at: number }> {
  if (bytes.length < 2) fail(name, `byte ${base}: ${what} segment is empty`);
  const delim = bytes[0] ?? missingValue('bytes[0]');
  const out: Array<{ key: string; value: string; at: number }> = [];
  const n = bytes.length;
  let i = 1;
  const runLength = (at: number) => {
    let r = 0;
    while (at + r < n && bytes[at + r] === delim) r++;
    return r;
  };
  while (i < n) {
    // keyword
    const keyStart = i;
    while (i < n && bytes[i] !== delim) i++;
    const keyBytes = bytes.subarray(keyStart, i);
    if (i >= n) {
      // trailing bytes after the last delimiter: padding (spaces, NULs) is allowed
      if (keyBytes.every((b) => b === 0x20 || b === 0 || b === 0x0a || b === 0x0d || b === 0x09)) break;
      fail(name, `byte ${base + keyStart}: ${what} segment ends inside keyword ${JSON.stringify(latin1.decode(keyBytes.subarray(0, 40)))} (no value)`);
    }
    if (keyBytes.length === 0) fail(name, `byte ${base + keyStart}: ${what} segment has an empty keyword`);
    i++; // the delimiter that ends the keyword
    // value
    const parts: Uint8Array[] = [];
    let segStart = i;
    for (;;) {
      while (i < n && bytes[i] !== delim) i++;
      if (i >= n) {
        // a value running to the end of the segment without its closing delimiter
        parts.push(bytes.subarray(segStart, i));
        break;
      }
      const r = runLength(i);
      parts.push(bytes.subarray(segStart, i));
      const literal = Math.floor(r / 2);
      if (literal > 0) parts.push(new Uint8Array(literal).fill(delim));
      i += r;
      segStart = i;
      if (r % 2 === 1) break;
      if (i >= n) break;
    }
    const key = decodeText(keyBytes).trim();
    const value = decodeText(concat(parts));
    if (key === '') fail(name, `byte ${base + keyStart}: ${what} segment has an empty keyword`);
    out.push({ key, value, at: base + keyStart });
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] ?? missingValue('parts[0]');
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function segmentOk(start: number, end: number, size: number): boolean {
  return start > 0 && end >= start && end < size;
}

/** A view of the bytes from `base` on (a data set's offsets count from its own HEADER). */
function offsetSource(src: ByteSource, base: number): ByteSource {
  if (base === 0) return src;
  return { size: src.size - base, read: (offset, length) => src.read(base + offset, length) };
}

/** Maximum data sets followed through $NEXTDATA. */
const MAX_DATA_SETS = 10000;

/**
 * Byte offsets of the data sets chained by $NEXTDATA (the first is 0). A link that points outside the file, backwards
 * or at something that is not an FCS HEADER ends the chain with a warning.
 */
function dataSetBases(src: ByteSource, name: string, warnings: string[]): number[] {
  const bases = [0];
  let base = 0;
  for (;;) {
    const sub = offsetSource(src, base);
    let next: number;
    try {
      const h = parseHeader(sub, name);
      if (!segmentOk(h.textStart, h.textEnd, sub.size)) break;
      const pairs = parseTextSegment(sub.read(h.textStart, h.textEnd - h.textStart + 1), base + h.textStart, name);
      const nd = pairs.find((p) => p.key.toUpperCase() === '$NEXTDATA')?.value.trim() ?? '0';
      next = /^\d+$/.test(nd) ? Number(nd) : 0;
    } catch (e) {
      if (base === 0 || !(e instanceof InputError)) throw e;
      bases.pop();
      warnings.push(`data set ${bases.length + 1} at byte ${base} is not readable (${e.message}); the file is taken to hold ${bases.length}`);
      break;
    }
    if (next === 0) break;
    if (base + next + 58 > src.size || bases.length >= MAX_DATA_SETS) {
      warnings.push(`$NEXTDATA ${next} of data set ${bases.length} points past the end of the file; ignored`);
      break;
    }
    base += next;
    bases.push(base);
  }
  return bases;
}

function parse(src: ByteSource, name: string, dataset = 1): FcsFile {
  if (!Number.isInteger(dataset) || dataset < 1) fail(name, `--dataset ${dataset}: must be a whole number from 1`);
  const chainWarnings: string[] = [];
  const bases = dataSetBases(src, name, chainWarnings);
  if (dataset > bases.length) fail(name, `--dataset ${dataset}: the file holds ${bases.length} data set${bases.length === 1 ? '' : 's'}`);
  const file = parseDataSet(offsetSource(src, bases[dataset - 1] ?? missingValue('bases[dataset - 1]')), name, { dataSet: dataset, dataSetCount: bases.length, chainWarnings });
  return file;
}

function parseDataSet(src: ByteSource, name: string, chain: { dataSet: number; dataSetCount: number; chainWarnings: string[] }): FcsFile {
  const header = parseHeader(src, name);
  const warnings: string[] = [...chain.chainWarnings];
  if (chain.dataSetCount > 1) warnings.push(`the file holds ${chain.dataSetCount} data sets; data set ${chain.dataSet} is read (choose another with --dataset N)`);
  if (!segmentOk(header.textStart, header.textEnd, src.size) || header.textStart < 58) {
    fail(name, `byte 10: HEADER TEXT segment ${header.textStart}-${header.textEnd} lies outside the file (${src.size} bytes)`);
  }
  const textBytes = src.read(header.textStart, header.textEnd - header.textStart + 1);
  const keywords = new Map<string, string>();
  const addAll = (pairs: Array<{ key: string; value: string; at: number }>, what: string) => {
    for (const { key, value } of pairs) {
      const k = key.toUpperCase();
      if (keywords.has(k)) {
        if (what === 'TEXT' && keywords.get(k) !== value) warnings.push(`keyword ${key} appears twice in ${what}; the first value is used`);
        continue;
      }
      keywords.set(k, value);
    }
  };
  addAll(parseTextSegment(textBytes, header.textStart, name), 'TEXT');

  const kw = (k: string) => keywords.get(k);
  const intKeyword = (k: string, required: boolean, min = 0): number | null => {
    const v = kw(k);
    if (v === undefined || (!required && v.trim() === '')) {
      if (required) fail(name, `required keyword ${k} is missing`);
      return null;
    }
    const t = v.trim();
    if (!/^[+]?\d+$/.test(t)) fail(name, `${k}: '${v.slice(0, 40)}' is not a whole number`);
    const num = Number(t);
    if (!Number.isSafeInteger(num) || num < min) fail(name, `${k}: ${t} is out of range`);
    return num;
  };

  // Supplemental TEXT (3.0+): same delimiter; only read when it looks like keyword text.
  const sStart = intKeyword('$BEGINSTEXT', false) ?? 0;
  const sEnd = intKeyword('$ENDSTEXT', false) ?? 0;
  if (sStart !== 0 || sEnd !== 0) {
    if (!segmentOk(sStart, sEnd, src.size)) warnings.push(`supplemental TEXT ${sStart}-${sEnd} lies outside the file; ignored`);
    else {
      const sbytes = src.read(sStart, sEnd - sStart + 1);
      if (sbytes[0] !== textBytes[0]) warnings.push(`supplemental TEXT at byte ${sStart} does not start with the TEXT delimiter; ignored`);
      else {
        try {
          addAll(parseTextSegment(sbytes, sStart, name, 'supplemental TEXT'), 'supplemental TEXT');
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          warnings.push(`supplemental TEXT not readable (${e.message}); ignored`);
        }
      }
    }
  }

  for (const k of ['$SPILLOVER', 'SPILL', '$COMP']) {
    const v = kw(k);
    if (v !== undefined && spilloverWithoutValues(v)) {
      warnings.push(`${k} names ${Number(v.split(',')[0])} channels but holds no values; the data are used uncompensated (give a matrix with --comp to compensate)`);
    }
  }

  const mode = (kw('$MODE') ?? 'L').trim().toUpperCase();
  if (mode !== 'L') fail(name, `$MODE: '${mode}' (${mode === 'C' ? 'correlated histogram data' : mode === 'U' ? 'uncorrelated histogram data' : 'unknown mode'}) is not supported; only list mode (L)`);
  const dtRaw = kw('$DATATYPE');
  if (dtRaw === undefined) fail(name, 'required keyword $DATATYPE is missing');
  const dataType = dtRaw.trim().toUpperCase();
  if (dataType !== 'I' && dataType !== 'F' && dataType !== 'D' && dataType !== 'A') fail(name, `$DATATYPE: '${dtRaw}' is not one of I, F, D, A`);

  const par = (intKeyword('$PAR', true, 1) ?? missingValue('intKeyword(\'$PAR\', true, 1)'));
  if (par > MAX_PARAMETERS) fail(name, `$PAR: ${par} parameters is more than the ${MAX_PARAMETERS} supported`);

  const byteOrder = (kw('$BYTEORD') ?? (dataType === 'A' ? '1' : '')).trim();
  const order = byteOrder.split(',').map((s) => Number(s.trim()));
  const sorted = [...order].sort((a, b) => a - b);
  if (dataType !== 'A' && (!byteOrder || order.length > 8 || sorted.some((v, i) => v !== i + 1))) fail(name, `$BYTEORD: '${byteOrder}' is not a byte order such as 1,2,3,4 or 4,3,2,1`);

  const parameters: FcsParameter[] = [];
  for (let n = 1; n <= par; n++) {
    const bitsRaw = kw(`$P${n}B`);
    if (bitsRaw === undefined) fail(name, `required keyword $P${n}B is missing`);
    let bits: number;
    if (dataType === 'A') {
      const t = bitsRaw.trim();
      if (t === '*') bits = 0;
      else if (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 64) bits = Number(t) * 8;
      else fail(name, `$P${n}B: '${bitsRaw}' is not a number of characters (1-64) or '*' for ASCII data`);
    } else if (dataType === 'I') {
      const t = bitsRaw.trim();
      if (t === '*') fail(name, `$P${n}B: '*' (delimited ASCII) is not supported`);
      if (!/^\d+$/.test(t)) fail(name, `$P${n}B: '${bitsRaw}' is not a whole number of bits`);
      bits = Number(t);
      if (bits === 0 || bits > 64 || bits % 8 !== 0) fail(name, `$P${n}B: ${bits} bits is not supported for integer data (8, 16, 24, 32, 40, 48, 56 or 64)`);
    } else {
      bits = dataType === 'F' ? 32 : 64;
      const t = Number(bitsRaw.trim());
      if (t !== bits) warnings.push(`$P${n}B is '${bitsRaw.trim()}' but $DATATYPE ${dataType} stores ${bits}-bit values; ${bits} is used`);
    }
    const rangeRaw = kw(`$P${n}R`);
    let range = Number(rangeRaw?.trim());
    if (rangeRaw === undefined || rangeRaw.trim() === '' || !Number.isFinite(range) || range < 0) {
      if (dataType === 'I' || dataType === 'A' || header.version !== '2.0') {
        if (rangeRaw === undefined) {
          warnings.push(`$P${n}R is missing; ${dataType === 'A' ? '0 (no range)' : `2^$P${n}B`} is assumed`);
        } else fail(name, `$P${n}R: '${rangeRaw}' is not a number`);
      }
      range = dataType === 'A' ? 0 : 2 ** bits;
    }
    let decades = 0;
    let log0 = 0;
    const e = kw(`$P${n}E`);
    if (e !== undefined && e.trim() !== '') {
      const parts = e.split(',').map((s) => Number(s.trim()));
      if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x) || x < 0)) fail(name, `$P${n}E: '${e}' is not 'f1,f2' with two numbers >= 0`);
      [decades, log0] = parts as [number, number];
      if (decades > 0 && log0 === 0) log0 = 1; // FCS 3.1: f2 = 0 with f1 > 0 is read as 1
      if (decades > 0 && dataType !== 'I' && dataType !== 'A') {
        warnings.push(`$P${n}E is '${e}' on ${dataType} data; log amplification applies to integer data only and is ignored`);
        decades = 0;
      }
      if (decades > 0 && !(range > 0)) fail(name, `$P${n}R must be > 0 for a log-amplified parameter`);
    }
    const gRaw = kw(`$P${n}G`);
    let gain = 1;
    if (gRaw !== undefined && gRaw.trim() !== '') {
      gain = Number(gRaw.trim());
      if (!Number.isFinite(gain)) fail(name, `$P${n}G: '${gRaw}' is not a number`);
    }
    let pname = kw(`$P${n}N`);
    if (pname === undefined || pname.trim() === '') {
      if (header.version !== '2.0') warnings.push(`$P${n}N is missing; the parameter is called 'P${n}'`);
      pname = `P${n}`;
    }
    const label = kw(`$P${n}S`);
    parameters.push({ index: n, name: pname, label: label === undefined || label.trim() === '' ? null : label, bits, range, decades, log0, gain });
  }

  const freeFormat = dataType === 'A' && parameters.some((p) => p.bits === 0);
  if (freeFormat && parameters.some((p) => p.bits !== 0)) fail(name, "$PnB: ASCII data must give every parameter a width, or '*' for every parameter (free format)");
  const bytesPerEvent = freeFormat ? 0 : parameters.reduce((s, p) => s + p.bits / 8, 0);
  const widths = new Set(parameters.map((p) => p.bits / 8));
  const plainOrder = dataType === 'A' || order.every((v, i) => v === i + 1) || order.every((v, i) => v === order.length - i);
  if (!plainOrder && (widths.size !== 1 || [...widths][0] !== order.length)) {
    fail(name, `$BYTEORD: '${byteOrder}' is a mixed byte order; it is only supported when every value is ${order.length} bytes wide`);
  }

  // DATA offsets: HEADER, or TEXT when the HEADER has 0 (3.0+ files over 99,999,999 bytes), resolving disagreements
  // by the length that $TOT implies.
  const tot = intKeyword('$TOT', header.version !== '2.0');
  const tBegin = intKeyword('$BEGINDATA', false);
  const tEnd = intKeyword('$ENDDATA', false);
  const candidates: Array<{ start: number; end: number; from: string }> = [];
  if (header.dataStart !== 0 || header.dataEnd !== 0) candidates.push({ start: header.dataStart, end: header.dataEnd, from: 'HEADER' });
  if (tBegin !== null && tEnd !== null && (tBegin !== 0 || tEnd !== 0)) candidates.push({ start: tBegin, end: tEnd, from: 'TEXT $BEGINDATA/$ENDDATA' });
  if (candidates.length === 0) {
    if (tot === 0) candidates.push({ start: 58, end: 57, from: 'HEADER' });
    else fail(name, 'byte 26: the HEADER DATA offsets are 0 and $BEGINDATA/$ENDDATA are missing');
  }
  const expected = tot !== null && !freeFormat ? tot * bytesPerEvent : null;
  const lengthOf = (c: { start: number; end: number }) => c.end - c.start + 1;
  const inFile = (c: { start: number; end: number }) => c.start >= 58 && c.end < src.size && c.end >= c.start - 1;
  let chosen = candidates[0] ?? missingValue('candidates[0]');
  if (candidates.length === 2 && ((candidates[0] ?? missingValue('candidates[0]')).start !== (candidates[1] ?? missingValue('candidates[1]')).start || (candidates[0] ?? missingValue('candidates[0]')).end !== (candidates[1] ?? missingValue('candidates[1]')).end)) {
    const fits = candidates.filter((c) => inFile(c) && (expected === null || lengthOf(c) === expected || lengthOf(c) === expected + 1));
    if (fits.length >= 1) chosen = fits.find((c) => c.from !== 'HEADER') ?? (fits[0] ?? missingValue('fits[0]'));
    else chosen = candidates.find((c) => c.from !== 'HEADER') ?? missingValue('candidates.find((c) => c.from !== \'HEADER\')');
    const other = candidates.find((c) => c !== chosen) ?? missingValue('candidates.find((c) => c !== chosen)');
    warnings.push(`DATA offsets disagree: ${other.from} says ${other.start}-${other.end}, ${chosen.from} says ${chosen.start}-${chosen.end}; ${chosen.from} is used`);
  }
  if (tot === 0) chosen = { start: Math.max(chosen.start, 58), end: Math.max(chosen.start, 58) - 1, from: chosen.from };
  if (tot !== 0 && !inFile(chosen)) fail(name, `byte ${chosen.from === 'HEADER' ? 26 : 0}: DATA segment ${chosen.start}-${chosen.end} (${chosen.from}) lies outside the file (${src.size} bytes)`);
  let dataLength = lengthOf(chosen);
  let eventCount: number;
  let columns: Float64Array[] | undefined;
  if (freeFormat) {
    const bytes = dataLength > 0 ? src.read(chosen.start, dataLength) : new Uint8Array(0);
    const decoded = decodeFreeFormatAscii(bytes, chosen.start, parameters.length, tot, name, warnings);
    columns = decoded.columns;
    eventCount = decoded.events;
    dataLength = 0;
  } else if (tot === null) {
    if (dataLength % bytesPerEvent !== 0) fail(name, `byte ${chosen.start}: DATA segment of ${dataLength} bytes is not a whole number of ${bytesPerEvent}-byte events (and $TOT is absent)`);
    eventCount = dataLength / bytesPerEvent;
  } else {
    eventCount = tot;
    const need = expected ?? missingValue('expected');
    if (dataLength < need) {
      fail(name, `byte ${chosen.start}: DATA segment has ${dataLength} bytes but $TOT ${tot} × ${bytesPerEvent} bytes per event needs ${need}`);
    }
    if (dataLength === need + 1) warnings.push(`DATA end offset is one byte past the data (off-by-one writer); the extra byte is ignored`);
    else if (dataLength > need) warnings.push(`DATA segment has ${dataLength - need} bytes more than $TOT × ${bytesPerEvent} needs; they are ignored`);
    dataLength = need;
  }
  let data = dataLength > 0 ? src.read(chosen.start, dataLength) : new Uint8Array(0);
  if (dataType === 'A' && !freeFormat) {
    columns = decodeFixedAscii(data, chosen.start, parameters, eventCount, name);
    data = new Uint8Array(0);
  }

  // ANALYSIS (optional; problems are warnings).
  const analysis = new Map<string, string>();
  const aStart = intKeyword('$BEGINANALYSIS', false) || header.analysisStart;
  const aEnd = intKeyword('$ENDANALYSIS', false) || header.analysisEnd;
  if (aStart !== 0 || aEnd !== 0) {
    if (!segmentOk(aStart, aEnd, src.size)) warnings.push(`ANALYSIS segment ${aStart}-${aEnd} lies outside the file; ignored`);
    else {
      try {
        for (const { key, value } of parseTextSegment(src.read(aStart, aEnd - aStart + 1), aStart, name, 'ANALYSIS')) {
          if (!analysis.has(key.toUpperCase())) analysis.set(key.toUpperCase(), value);
        }
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        warnings.push(`ANALYSIS segment not readable (${e.message}); ignored`);
      }
    }
  }

  return new FcsFile({
    source: name,
    header,
    keywords,
    analysis,
    parameters,
    eventCount,
    dataType: dataType,
    byteOrder,
    dataStart: chosen.start,
    dataEnd: chosen.start + dataLength - 1,
    warnings,
    data,
    ...(columns ? { columns } : {}),
    dataSet: chain.dataSet,
    dataSetCount: chain.dataSetCount,
  });
}

/** ASCII number of one value ('' or not a number is an error naming its byte). */
function asciiValue(text: string, at: number, name: string): number {
  const t = text.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) fail(name, `byte ${at}: ASCII value ${JSON.stringify(text.slice(0, 24))} is not a number`);
  return v;
}

/** Fixed-width ASCII data: each value takes $PnB characters, parameters in order, events one after another. */
function decodeFixedAscii(data: Uint8Array, base: number, parameters: FcsParameter[], events: number, name: string): Float64Array[] {
  const widths = parameters.map((p) => p.bits / 8);
  const columns = parameters.map(() => new Float64Array(events));
  let o = 0;
  for (let e = 0; e < events; e++) {
    for (let j = 0; j < widths.length; j++) {
      const w = widths[j] ?? missingValue('widths[j]');
      (columns[j] ?? missingValue('columns[j]'))[e] = asciiValue(latin1.decode(data.subarray(o, o + w)), base + o, name);
      o += w;
    }
  }
  return columns;
}

/** Free-format ASCII data ($PnB '*'): values separated by spaces, tabs, commas, CR or LF. */
function decodeFreeFormatAscii(data: Uint8Array, base: number, par: number, tot: number | null, name: string, warnings: string[]): { columns: Float64Array[]; events: number } {
  const values: number[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start >= 0) values.push(asciiValue(latin1.decode(data.subarray(start, end)), base + start, name));
    start = -1;
  };
  for (let i = 0; i < data.length; i++) {
    const c = data[i] ?? missingValue('data[i]');
    const sep = c === 0x20 || c === 0x09 || c === 0x2c || c === 0x0d || c === 0x0a;
    if (sep) flush(i);
    else if (start < 0) start = i;
  }
  flush(data.length);
  let events: number;
  if (tot !== null) {
    if (values.length < tot * par) fail(name, `byte ${base}: ASCII DATA holds ${values.length} values but $TOT ${tot} × $PAR ${par} needs ${tot * par}`);
    if (values.length > tot * par) warnings.push(`ASCII DATA holds ${values.length - tot * par} values more than $TOT × $PAR needs; they are ignored`);
    events = tot;
  } else {
    if (values.length % par !== 0) fail(name, `byte ${base}: ASCII DATA holds ${values.length} values, not a whole number of ${par}-parameter events (and $TOT is absent)`);
    events = values.length / par;
  }
  const columns = Array.from({ length: par }, () => new Float64Array(events));
  for (let e = 0; e < events; e++) for (let j = 0; j < par; j++) (columns[j] ?? missingValue('columns[j]'))[e] = values[e * par + j] ?? missingValue('values[e * par + j]');
  return { columns, events };
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Byte order of the stored values: 'le', 'be', or a permutation (stored byte i has significance perm[i]). */
function orderKind(byteOrder: string): { kind: 'le' | 'be' | 'perm'; perm: number[] } {
  const o = byteOrder.split(',').map((s) => Number(s.trim()) - 1);
  if (o.every((v, i) => v === i)) return { kind: 'le', perm: o };
  if (o.every((v, i) => v === o.length - 1 - i)) return { kind: 'be', perm: o };
  return { kind: 'perm', perm: o };
}

/** Little-endian copy of the DATA bytes when the stored order is a permutation of fixed-width words. */
function permuted(data: Uint8Array, perm: number[]): Uint8Array {
  const w = perm.length;
  const out = new Uint8Array(data.length);
  for (let base = 0; base + w <= data.length; base += w) for (let i = 0; i < w; i++) out[base + (perm[i] ?? missingValue('perm[i]'))] = data[base + i] ?? missingValue('data[base + i]');
  return out;
}

const permCache = new WeakMap<Uint8Array, Uint8Array>();

function decodeColumn(file: FcsFile, stored: Uint8Array, index: number): Float64Array {
  const n = file.eventCount;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const params = file.parameters;
  const ok = orderKind(file.byteOrder);
  let data = stored;
  let little = ok.kind !== 'be';
  if (ok.kind === 'perm') {
    let p = permCache.get(stored);
    if (!p) {
      p = permuted(stored, ok.perm);
      permCache.set(stored, p);
    }
    data = p;
    little = true;
  }
  let offset = 0;
  for (let i = 0; i < index; i++) offset += (params[i] ?? missingValue('params[i]')).bits / 8;
  const p = params[index] ?? missingValue('params[index]');
  const width = p.bits / 8;
  const stride = params.reduce((s, q) => s + q.bits / 8, 0);
  const aligned = (data.byteOffset + offset) % width === 0 && stride % width === 0;

  if (file.dataType === 'F') {
    if (little === HOST_LITTLE_ENDIAN && aligned) {
      const f32 = new Float32Array(data.buffer, data.byteOffset, Math.floor(data.byteLength / 4));
      const s = stride / 4;
      for (let e = 0, k = offset / 4; e < n; e++, k += s) out[e] = f32[k] ?? missingValue('f32[k]');
    } else {
      const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let e = 0, k = offset; e < n; e++, k += stride) out[e] = dv.getFloat32(k, little);
    }
    return out;
  }
  if (file.dataType === 'D') {
    if (little === HOST_LITTLE_ENDIAN && aligned) {
      const f64 = new Float64Array(data.buffer, data.byteOffset, Math.floor(data.byteLength / 8));
      const s = stride / 8;
      for (let e = 0, k = offset / 8; e < n; e++, k += s) out[e] = f64[k] ?? missingValue('f64[k]');
    } else {
      const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let e = 0, k = offset; e < n; e++, k += stride) out[e] = dv.getFloat64(k, little);
    }
    return out;
  }
  // Integer: unsigned, masked to the next power of two of $PnR when that is below 2^$PnB.
  const maskBits = rangeBits(p.range);
  const masked = maskBits < p.bits;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (width === 1 || width === 2 || width === 4) {
    const mask = masked ? 2 ** maskBits - 1 : -1;
    for (let e = 0, k = offset; e < n; e++, k += stride) {
      const v = width === 1 ? dv.getUint8(k) : width === 2 ? dv.getUint16(k, little) : dv.getUint32(k, little);
      out[e] = masked ? (v & mask) >>> 0 : v;
    }
    return out;
  }
  // 3, 5, 6, 7, 8-byte integers: assemble from bytes (exact up to 2^53).
  for (let e = 0, k = offset; e < n; e++, k += stride) {
    let v = 0;
    for (let b = 0; b < width; b++) {
      const byte = data[k + (little ? width - 1 - b : b)] ?? missingValue('data[k + (little ? width - 1 - b : b)]');
      v = v * 256 + byte;
    }
    out[e] = masked ? v % 2 ** maskBits : v;
  }
  return out;
}

/**
 * One-pass decode of float/double data in little- or big-endian order; null when another path is needed. Data in
 * the other byte order than the host's is byte-swapped in place first (Buffer.swap32/swap64, native): the caller
 * drops the DATA bytes after this decode, so nothing reads them again.
 */
function decodeAll(file: FcsFile, data: Uint8Array): Float64Array[] | null {
  if (file.dataType === 'I') return null;
  const kind = orderKind(file.byteOrder).kind;
  if (kind === 'perm') return null;
  const width = file.dataType === 'F' ? 4 : 8;
  if (data.byteOffset % width !== 0) return null;
  const p = file.parameters.length;
  const n = file.eventCount;
  if (n > 0 && kind !== (HOST_LITTLE_ENDIAN ? 'le' : 'be')) {
    const bytes = Buffer.from(data.buffer, data.byteOffset, n * p * width);
    if (width === 4) bytes.swap32();
    else bytes.swap64();
  }
  const cols = file.parameters.map(() => new Float64Array(n));
  if (width === 4) transpose32(new Float32Array(data.buffer, data.byteOffset, n * p), cols, n, p);
  else transpose64(new Float64Array(data.buffer, data.byteOffset, n * p), cols, n, p);
  return cols;
}

// Two monomorphic copies (one per element type) keep the hot loop optimised. Blocks of events keep the source
// rows and the p destination columns in cache.
function transpose32(src: Float32Array, cols: Float64Array[], n: number, p: number): void {
  const block = 4096;
  for (let e0 = 0; e0 < n; e0 += block) {
    const e1 = Math.min(n, e0 + block);
    for (let j = 0; j < p; j++) {
      const c = cols[j] ?? missingValue('cols[j]');
      for (let e = e0, k = e0 * p + j; e < e1; e++, k += p) c[e] = src[k] ?? missingValue('src[k]');
    }
  }
}

function transpose64(src: Float64Array, cols: Float64Array[], n: number, p: number): void {
  const block = 4096;
  for (let e0 = 0; e0 < n; e0 += block) {
    const e1 = Math.min(n, e0 + block);
    for (let j = 0; j < p; j++) {
      const c = cols[j] ?? missingValue('cols[j]');
      for (let e = e0, k = e0 * p + j; e < e1; e++, k += p) c[e] = src[k] ?? missingValue('src[k]');
    }
  }
}

/** Bits needed for values below $PnR rounded up to a power of two (FCS: mask to the next power of two of $PnR). */
function rangeBits(range: number): number {
  if (!(range > 1)) return 64;
  const bits = Math.ceil(Math.log2(range));
  return 2 ** bits < range ? bits + 1 : bits;
}
