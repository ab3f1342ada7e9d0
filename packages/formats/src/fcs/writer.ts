/**
 * Minimal FCS writer: list-mode data as I (8-64 bit), F or D, either byte order, with optional supplemental TEXT
 * and ANALYSIS segments. Used to make synthetic test and benchmark files with known populations.
 */

import { missingValue } from '@her2scope/core/errors';

export interface FcsWriteParameter {
  name: string;
  label?: string;
  /** $PnR; default 262144 for F/D, 2^bits for I. */
  range?: number;
  /** $PnB for integer data (default 16). */
  bits?: number;
  /** $PnE as [f1, f2]; default [0, 0]. */
  amplification?: [number, number];
  gain?: number;
}

export interface FcsWriteOptions {
  version?: '2.0' | '3.0' | '3.1';
  dataType?: 'I' | 'F' | 'D';
  /** 'le' (1,2,3,4), 'be' (4,3,2,1) or an explicit $BYTEORD such as '3,4,1,2'. */
  byteOrder?: string;
  parameters: FcsWriteParameter[];
  /** One array per parameter, all the same length. */
  columns: ArrayLike<number>[];
  /** Extra keywords ($SPILLOVER, $TIMESTEP, ...). */
  keywords?: Record<string, string>;
  supplementalKeywords?: Record<string, string>;
  analysisKeywords?: Record<string, string>;
  delimiter?: string;
  /** Write 0 for the DATA offsets in the HEADER (as for files over 99,999,999 bytes). */
  zeroHeaderDataOffsets?: boolean;
}

function textSegment(pairs: Array<[string, string]>, delim: string): Buffer {
  const esc = (s: string) => s.split(delim).join(delim + delim);
  let out = delim;
  for (const [k, v] of pairs) out += `${esc(k)}${delim}${esc(v)}${delim}`;
  return Buffer.from(out, 'utf8');
}

export function writeFcs(o: FcsWriteOptions): Buffer {
  const version = o.version ?? '3.1';
  const dataType = o.dataType ?? 'F';
  const delim = o.delimiter ?? '/';
  const par = o.parameters.length;
  if (o.columns.length !== par) throw new RangeError(`writeFcs: ${o.columns.length} columns for ${par} parameters`);
  const tot = par === 0 ? 0 : (o.columns[0] ?? missingValue('o.columns[0]')).length;
  if (o.columns.some((c) => c.length !== tot)) throw new RangeError('writeFcs: columns differ in length');
  const byteOrder = o.byteOrder === undefined || o.byteOrder === 'le' ? '1,2,3,4' : o.byteOrder === 'be' ? '4,3,2,1' : o.byteOrder;
  const order = byteOrder.split(',').map((s) => Number(s) - 1);
  const bits = o.parameters.map((p) => (dataType === 'F' ? 32 : dataType === 'D' ? 64 : (p.bits ?? 16)));
  const bytesPerEvent = bits.reduce((s, b) => s + b / 8, 0);

  // DATA
  const data = Buffer.alloc(tot * bytesPerEvent);
  const le = order.every((v, i) => v === i);
  const be = order.every((v, i) => v === order.length - 1 - i);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const word = new Uint8Array(8);
  const wv = new DataView(word.buffer);
  let off = 0;
  for (let e = 0; e < tot; e++) {
    for (let p = 0; p < par; p++) {
      const v = (o.columns[p] ?? missingValue('o.columns[p]'))[e] ?? missingValue('o.columns[p][e]');
      const width = (bits[p] ?? missingValue('bits[p]')) / 8;
      if (dataType === 'F' && (le || be)) dv.setFloat32(off, v, le);
      else if (dataType === 'D' && (le || be)) dv.setFloat64(off, v, le);
      else {
        // little-endian bytes of the value, then placed per $BYTEORD
        if (dataType === 'F') wv.setFloat32(0, v, true);
        else if (dataType === 'D') wv.setFloat64(0, v, true);
        else {
          let x = Math.round(v);
          for (let b = 0; b < width; b++) {
            word[b] = x % 256;
            x = Math.floor(x / 256);
          }
        }
        if (le) for (let b = 0; b < width; b++) data[off + b] = word[b] ?? missingValue('word[b]');
        else if (be) for (let b = 0; b < width; b++) data[off + b] = word[width - 1 - b] ?? missingValue('word[width - 1 - b]');
        else for (let b = 0; b < width; b++) data[off + b] = word[order[b] ?? missingValue('order[b]')] ?? missingValue('word[order[b]]');
      }
      off += width;
    }
  }

  const baseKeywords = (): Array<[string, string]> => {
    const kv: Array<[string, string]> = [
      ['$BYTEORD', byteOrder],
      ['$DATATYPE', dataType],
      ['$MODE', 'L'],
      ['$NEXTDATA', '0'],
      ['$PAR', String(par)],
      ['$TOT', String(tot)],
    ];
    o.parameters.forEach((p, i) => {
      const n = i + 1;
      kv.push([`$P${n}N`, p.name]);
      if (p.label !== undefined) kv.push([`$P${n}S`, p.label]);
      kv.push([`$P${n}B`, String(bits[i])]);
      kv.push([`$P${n}R`, String(p.range ?? (dataType === 'I' ? 2 ** (bits[i] ?? missingValue('bits[i]')) : 262144))]);
      kv.push([`$P${n}E`, (p.amplification ?? [0, 0]).join(',')]);
      if (p.gain !== undefined) kv.push([`$P${n}G`, String(p.gain)]);
    });
    for (const [k, v] of Object.entries(o.keywords ?? {})) kv.push([k, v]);
    return kv;
  };

  const stext = o.supplementalKeywords ? textSegment(Object.entries(o.supplementalKeywords), delim) : null;
  const analysis = o.analysisKeywords ? textSegment(Object.entries(o.analysisKeywords), delim) : null;

  // Lay out HEADER | TEXT | STEXT | DATA | ANALYSIS; offset keywords are fixed-width so one pass settles them.
  const pad = (n: number) => String(n).padStart(12, '0');
  const textStart = 58;
  let layout = { textEnd: 0, sStart: 0, sEnd: 0, dStart: 0, dEnd: 0, aStart: 0, aEnd: 0 };
  let text: Buffer = Buffer.alloc(0);
  for (let pass = 0; pass < 2; pass++) {
    const kv = baseKeywords();
    if (version !== '2.0') {
      kv.push(['$BEGINDATA', pad(layout.dStart)], ['$ENDDATA', pad(layout.dEnd)]);
      kv.push(['$BEGINSTEXT', pad(layout.sStart)], ['$ENDSTEXT', pad(layout.sEnd)]);
      kv.push(['$BEGINANALYSIS', pad(layout.aStart)], ['$ENDANALYSIS', pad(layout.aEnd)]);
    }
    text = textSegment(kv, delim);
    const textEnd = textStart + text.length - 1;
    let cursor = textEnd + 1;
    let sStart = 0;
    let sEnd = 0;
    if (stext) {
      sStart = cursor;
      sEnd = cursor + stext.length - 1;
      cursor = sEnd + 1;
    }
    const dStart = tot > 0 ? cursor : 0;
    const dEnd = tot > 0 ? cursor + data.length - 1 : 0;
    cursor += data.length;
    let aStart = 0;
    let aEnd = 0;
    if (analysis) {
      aStart = cursor;
      aEnd = cursor + analysis.length - 1;
    }
    layout = { textEnd, sStart, sEnd, dStart, dEnd, aStart, aEnd };
  }
  const field = (n: number) => String(n > 99_999_999 ? 0 : n).padStart(8, ' ');
  const header = Buffer.from(
    `FCS${version}    ${field(textStart)}${field(layout.textEnd)}${o.zeroHeaderDataOffsets ? field(0) + field(0) : field(layout.dStart) + field(layout.dEnd)}${field(layout.aStart)}${field(layout.aEnd)}`,
    'latin1',
  );
  return Buffer.concat([header, text, stext ?? Buffer.alloc(0), data, analysis ?? Buffer.alloc(0)]);
}
