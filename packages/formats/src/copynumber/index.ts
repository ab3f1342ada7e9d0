/**
 * Copy-number segment readers: CNVkit `.cns` / `.call.cns`, generic SEG (IGV / DNAcopy / GATK style), PCGR-style
 * allele-specific CNA TSV (Chromosome, Start, End, nMajor, nMinor) and VCF `<DEL>`/`<DUP>`/`<AMP>`/`<CNV>` records with
 * CN. The format is recognised by content (VCF header, or the column names of the first line). Gene-level calls
 * are made by @her2scope/core/copynumber (`geneCopyNumbers`).
 *
 *   const { format, segments } = await readCopyNumber('liver.cns');
 *
 * Coordinates come out 1-based inclusive: CNVkit's `start` is 0-based (BED-like) and gets +1; SEG, PCGR and VCF are
 * 1-based already. Plain text or gzip. Every problem is an InputError naming file, line and field.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '@her2scope/core';
import type { CnSegment } from '@her2scope/core/copynumber';
import { missingValue } from '@her2scope/core/errors';

export type { CnSegment } from '@her2scope/core/copynumber';

export type CnFormat = 'cnvkit' | 'seg' | 'pcgr' | 'vcf';

export interface CopyNumberData {
  format: CnFormat;
  /** The sample the segments are for (SEG ID / VCF sample), when the file names one. */
  sample: string | null;
  segments: CnSegment[];
}

export interface CopyNumberReadOptions {
  /** SEG: which ID to keep when the file holds several samples; VCF: which sample column. */
  sample?: string;
}

const lower = (s: string) => s.trim().toLowerCase();

function num(v: string | undefined, where: string, field: string, opts: { int?: boolean; allowNa?: boolean } = {}): number | null {
  const t = (v ?? '').trim();
  if (opts.allowNa && (t === '' || t === 'NA' || t === 'nan' || t === 'NaN' || t === '.')) return null;
  const x = Number(t);
  if (t === '' || !Number.isFinite(x) || (opts.int && !Number.isInteger(x))) throw new InputError(where, `${field}: '${t}' is not ${opts.int ? 'a whole number' : 'a number'}`);
  return x;
}

function col(header: string[], names: string[]): number {
  for (const n of names) {
    const i = header.findIndex((h) => lower(h) === n);
    if (i >= 0) return i;
  }
  return -1;
}

function checkRange(where: string, start: number, end: number): void {
  if (start < 1) throw new InputError(where, `start: ${start} is before the contig start`);
  if (end < start) throw new InputError(where, `end: ${end} is before start ${start}`);
}

function parseTable(lines: string[], name: string, opts: CopyNumberReadOptions): CopyNumberData {
  let h = 0;
  while (h < lines.length && ((lines[h] ?? missingValue('lines[h]')).startsWith('#') || (lines[h] ?? missingValue('lines[h]')).trim() === '')) h++;
  if (h >= lines.length) throw new InputError(name, 'no header line: not a copy-number file');
  const header = (lines[h] ?? missingValue('lines[h]')).split('\t');
  const has = (n: string[]) => col(header, n) >= 0;
  let format: CnFormat;
  if (has(['log2']) && has(['chromosome'])) format = 'cnvkit';
  else if (has(['nmajor']) && has(['nminor'])) format = 'pcgr';
  else if (has(['seg.mean', 'segment_mean', 'mean', 'log2ratio', 'seg_mean'])) format = 'seg';
  else throw new InputError(`${name}:${h + 1}`, `header: not a copy-number table (expected CNVkit .cns columns chromosome/start/end/log2, SEG columns ID/chrom/loc.start/loc.end/seg.mean, or PCGR Chromosome/Start/End/nMajor/nMinor); got '${header.join(' ')}'`);
  const cChrom = col(header, ['chromosome', 'chrom', 'chr', 'contig']);
  const cStart = col(header, ['start', 'loc.start', 'startpos', 'start_position']);
  const cEnd = col(header, ['end', 'loc.end', 'endpos', 'end_position']);
  for (const [c, f] of [[cChrom, 'chromosome'], [cStart, 'start'], [cEnd, 'end']] as const) {
    if (c < 0) throw new InputError(`${name}:${h + 1}`, `header: no ${f} column`);
  }
  const cLog2 = format === 'cnvkit' ? col(header, ['log2']) : format === 'seg' ? col(header, ['seg.mean', 'segment_mean', 'mean', 'log2ratio', 'seg_mean']) : -1;
  const cCn = format === 'cnvkit' ? col(header, ['cn']) : -1;
  const cMaj = col(header, ['nmajor']);
  const cMin = col(header, ['nminor']);
  const cId = format === 'seg' ? col(header, ['id', 'sample', 'sample_id', 'id_sample']) : -1;
  const segments: CnSegment[] = [];
  const ids = new Set<string>();
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i] ?? missingValue('lines[i]');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const where = `${name}:${i + 1}`;
    const f = line.split('\t');
    if (f.length < header.length && f.length <= Math.max(cChrom, cStart, cEnd, cLog2, cCn, cMaj, cMin)) throw new InputError(where, `has ${f.length} fields, the header has ${header.length}`);
    if (cId >= 0) {
      const id = (f[cId] ?? missingValue('f[cId]')).trim();
      ids.add(id);
      if (opts.sample !== undefined && id !== opts.sample) continue;
    }
    const chrom = (f[cChrom] ?? missingValue('f[cChrom]')).trim();
    if (!chrom) throw new InputError(where, 'chromosome: is empty');
    let start = (num(f[cStart], where, header[cStart] ?? missingValue('header[cStart]'), { int: true }) ?? missingValue('num(f[cStart], where, header[cStart], { int: true })'));
    const end = (num(f[cEnd], where, header[cEnd] ?? missingValue('header[cEnd]'), { int: true }) ?? missingValue('num(f[cEnd], where, header[cEnd], { int: true })'));
    if (format === 'cnvkit') start += 1;
    checkRange(where, start, end);
    const seg: CnSegment = { chrom, start, end };
    if (cLog2 >= 0) seg.log2 = num(f[cLog2], where, header[cLog2] ?? missingValue('header[cLog2]'), { allowNa: true });
    if (cCn >= 0) seg.copyNumber = num(f[cCn], where, 'cn', { allowNa: true });
    if (format === 'pcgr') {
      const maj = (num(f[cMaj], where, 'nMajor', { int: true }) ?? missingValue('num(f[cMaj], where, \'nMajor\', { int: true })'));
      const min = (num(f[cMin], where, 'nMinor', { int: true }) ?? missingValue('num(f[cMin], where, \'nMinor\', { int: true })'));
      if (maj < 0 || min < 0) throw new InputError(where, `nMajor/nMinor: copy numbers cannot be negative (${maj}, ${min})`);
      seg.copyNumber = maj + min;
    }
    segments.push(seg);
  }
  if (format === 'seg') {
    if (opts.sample === undefined && ids.size > 1) throw new InputError(name, `holds ${ids.size} samples (${[...ids].slice(0, 5).join(', ')}${ids.size > 5 ? ', …' : ''}): say which with copyNumber.sample`);
    if (opts.sample !== undefined && !ids.has(opts.sample)) throw new InputError(name, `sample '${opts.sample}' is not in the file (IDs: ${[...ids].slice(0, 5).join(', ')})`);
  }
  const sample = format === 'seg' ? (opts.sample ?? (ids.size === 1 ? [...ids][0] ?? missingValue('[...ids][0]') : null)) : null;
  return { format, sample, segments };
}

const SV_ALTS = new Set(['<DEL>', '<DUP>', '<AMP>', '<CNV>', '<DUP:TANDEM>', '<DEL:ME>']);

function parseVcf(lines: string[], name: string, opts: CopyNumberReadOptions): CopyNumberData {
  const hi = lines.findIndex((l) => l.startsWith('#CHROM'));
  if (hi < 0) throw new InputError(name, 'VCF without a #CHROM header line');
  const header = (lines[hi] ?? missingValue('lines[hi]')).split('\t');
  const samples = header.slice(9);
  let si = -1;
  if (opts.sample !== undefined) {
    si = samples.indexOf(opts.sample);
    if (si < 0) throw new InputError(`${name}:${hi + 1}`, `sample '${opts.sample}' is not in the VCF (samples: ${samples.join(', ') || 'none'})`);
  } else if (samples.length === 1) si = 0;
  const segments: CnSegment[] = [];
  for (let i = hi + 1; i < lines.length; i++) {
    const line = lines[i] ?? missingValue('lines[i]');
    if (!line.trim()) continue;
    const where = `${name}:${i + 1}`;
    const f = line.split('\t');
    if (f.length < 8) throw new InputError(where, `has ${f.length} fields, a VCF record needs at least 8`);
    const alts = (f[4] ?? missingValue('f[4]')).split(',');
    if (!alts.some((a) => SV_ALTS.has(a.toUpperCase()))) continue;
    if (f[6] !== 'PASS' && f[6] !== '.') continue;
    const info = new Map((f[7] ?? missingValue('f[7]')).split(';').map((kv) => { const j = kv.indexOf('='); return j < 0 ? [kv, ''] : [kv.slice(0, j), kv.slice(j + 1)]; }));
    const pos = (num(f[1], where, 'POS', { int: true }) ?? missingValue('num(f[1], where, \'POS\', { int: true })'));
    if (!info.has('END')) throw new InputError(where, `INFO/END: missing for the symbolic allele ${f[4]}`);
    const end = (num(info.get('END'), where, 'INFO/END', { int: true }) ?? missingValue('num(info.get(\'END\'), where, \'INFO/END\', { int: true })'));
    // The symbolic allele's span starts after the padding base at POS (VCF 4.3 §5.3).
    const start = pos + 1;
    checkRange(where, start, end);
    let cn: number | null = null;
    if (si >= 0 && f.length > 9 + si) {
      const keys = (f[8] ?? '').split(':');
      const k = keys.indexOf('CN');
      if (k >= 0) cn = num((f[9 + si] ?? missingValue('f[9 + si]')).split(':')[k], where, 'FORMAT/CN', { allowNa: true });
    }
    if (cn === null && info.has('CN')) cn = num(info.get('CN'), where, 'INFO/CN', { allowNa: true });
    if (cn === null) throw new InputError(where, `CN: the ${f[4]} record has no copy number (FORMAT/CN or INFO/CN)`);
    if (cn < 0) throw new InputError(where, `CN: ${cn} is negative`);
    segments.push({ chrom: f[0] ?? missingValue('f[0]'), start, end, copyNumber: cn });
  }
  return { format: 'vcf', sample: si >= 0 ? samples[si] ?? missingValue('samples[si]') : null, segments };
}

/** Parse copy-number text (already decompressed). `name` is how messages name the file. */
export function parseCopyNumber(text: string, name: string, opts: CopyNumberReadOptions = {}): CopyNumberData {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.startsWith('##fileformat=VCF')) return parseVcf(lines, name, opts);
  return parseTable(lines, name, opts);
}

/** Read a copy-number file (plain or gzip) and parse it. */
export async function readCopyNumber(path: string, opts: CopyNumberReadOptions = {}): Promise<CopyNumberData> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, `cannot open: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch {
      throw new InputError(path, 'is gzip-compressed but does not decompress (truncated or corrupt)');
    }
  }
  if (buf.includes(0)) throw new InputError(path, 'is a binary file, not a copy-number table or VCF');
  return parseCopyNumber(buf.toString('utf8'), path, opts);
}
