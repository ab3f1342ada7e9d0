/**
 * Streaming MAF reader (GDC MAF and cBioPortal `data_mutations*`), plain or gzip, -> VariantCalls.
 *
 * Columns are found by header name, case-insensitively (cBioPortal and maftools files differ in case, e.g.
 * `End_position`); column order is not fixed (reference/standards.md section 2). Used columns: Hugo_Symbol,
 * Chromosome, Start_Position, End_Position, Reference_Allele, Tumor_Seq_Allele2 (Tumor_Seq_Allele1 when Allele2
 * is empty or equals the reference), Variant_Classification (mapped to SO by core `mafClassificationToSo`),
 * Tumor_Sample_Barcode, Matched_Norm_Sample_Barcode, HGVSp_Short (else HGVSp, else maftools' Protein_Change),
 * HGVSc, t_alt_count, t_ref_count, t_depth, FILTER.
 * Positions and alleles are the MAF's own: 1-based Start_Position with `-` for the missing allele of an indel,
 * no VCF padding base (a MAF carries no reference sequence to add one).
 * VAF = t_alt_count / t_depth (or / (t_ref_count + t_alt_count) without t_depth); depth = t_depth or that sum.
 */
import { InputError, mafClassificationToSo, MAF_VARIANT_CLASSIFICATIONS, shortProteinChange, type VariantCall } from '@her2scope/core';
import { decompressedChunks, forEachLine, lineChunks, type ByteSource, type Compression } from '../vcf/io.ts';
import type { Region } from '../vcf/record.ts';
import { flatten } from '../vcf/reader.ts';
import { missingValue } from '@her2scope/core/errors';

export interface MafReadOptions {
  /** Keep rows of this Tumor_Sample_Barcode only. */
  tumor?: string;
  /** Keep rows of this Matched_Norm_Sample_Barcode only. */
  normal?: string;
  region?: Region | null;
  genes?: readonly string[] | null;
  allFilters?: boolean;
  skipBadRecords?: boolean;
  onProgress?: (p: { bytesRead: number; totalBytes: number; records: number }) => void;
}

class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const REQUIRED = ['Hugo_Symbol', 'Chromosome', 'Start_Position', 'Reference_Allele', 'Variant_Classification', 'Tumor_Sample_Barcode'];
const INT = /^\d+$/;
const MISSING = new Set(['', '.', 'NA', 'N/A', 'NaN', 'nan', 'NULL', 'null']);
const quote = (s: string) => `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
const noChr = (c: string) => (c.toLowerCase().startsWith('chr') ? c.slice(3) : c);

export class MafVariantFile implements AsyncIterable<VariantCall> {
  readonly format = 'maf' as const;
  readonly annotation = 'maf' as const;
  skipped = 0;
  readonly problems: string[] = [];
  records = 0;
  private used = false;
  private closed = false;
  private readonly col: Map<string, number>;
  private readonly width: number;
  private readonly minWidth: number;
  private readonly genes: ReadonlySet<string> | null;

  private constructor(
    private readonly src: ByteSource,
    private readonly opts: MafReadOptions,
    private readonly it: AsyncIterator<Buffer>,
    private readonly first: Buffer | null,
    private readonly headerLine: number,
    columns: string[],
    private readonly meter: { bytesRead: number },
  ) {
    this.col = new Map();
    columns.forEach((c, i) => {
      const key = c.trim().toLowerCase();
      if (key && !this.col.has(key)) this.col.set(key, i);
    });
    this.width = columns.length;
    let w = columns.length;
    while (w > 0 && (columns[w - 1] ?? missingValue('columns[w - 1]')).trim() === '') w--;
    this.minWidth = w;
    this.genes = opts.genes && opts.genes.length ? new Set(opts.genes) : null;
  }

  get tumor(): string | null {
    return this.opts.tumor ?? null;
  }
  get normal(): string | null {
    return this.opts.normal ?? null;
  }

  static async open(src: ByteSource, compression: Compression, opts: MafReadOptions): Promise<MafVariantFile> {
    const meter = { bytesRead: 0 };
    const it = lineChunks(decompressedChunks(src, compression, (p) => (meter.bytesRead = p.bytesRead)), src.name)[Symbol.asyncIterator]();
    let lineNo = 0;
    let header: string[] | null = null;
    let first: Buffer | null = null;
    while (!header) {
      const r = await it.next();
      if (r.done) break;
      const buf = r.value;
      forEachLine(buf, (s, e) => {
        lineNo++;
        const line = buf.toString('utf8', s, e);
        if (line.startsWith('#') || line.trim() === '') return;
        header = line.split('\t');
        const nl = buf.indexOf(10, e);
        first = nl !== -1 && nl + 1 < buf.length ? buf.subarray(nl + 1) : null;
        return false;
      });
    }
    if (!header) throw new InputError(src.name, 'no MAF column header line (Hugo_Symbol, Chromosome, …)');
    const cols = (header as string[]).map((c) => c.trim().toLowerCase());
    const missing = REQUIRED.filter((r) => !cols.includes(r.toLowerCase()));
    if (!cols.includes('tumor_seq_allele2') && !cols.includes('tumor_seq_allele1')) missing.push('Tumor_Seq_Allele2');
    if (missing.length) {
      await it.return?.(undefined);
      throw new InputError(`${src.name}:${lineNo}`, `not a MAF header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    }
    if (opts.normal !== undefined && !cols.includes('matched_norm_sample_barcode')) {
      await it.return?.(undefined);
      throw new InputError('--normal', `${src.name} has no Matched_Norm_Sample_Barcode column`);
    }
    return new MafVariantFile(src, opts, it, first, lineNo, header, meter);
  }

  [Symbol.asyncIterator](): AsyncIterator<VariantCall> {
    return flatten(this.batches())[Symbol.asyncIterator]();
  }

  /** The calls in batches, one per piece of the file read (see VcfVariantFile.batches). */
  batches(): AsyncIterable<VariantCall[]> {
    if (this.used) throw new Error('a VariantFile can be read only once');
    this.used = true;
    return this.rows();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.it.return?.(undefined);
    await this.src.close();
  }

  private async *rows(): AsyncGenerator<VariantCall[]> {
    const st = { lineNo: this.headerLine, matched: 0, seenSamples: new Set<string>() };
    try {
      if (this.first) {
        const rows = this.rowsOf(this.first, st);
        if (rows.length) yield rows;
      }
      for (;;) {
        const r = await this.it.next();
        if (r.done) break;
        const rows = this.rowsOf(r.value, st);
        if (rows.length) yield rows;
      }
      if ((this.opts.tumor !== undefined || this.opts.normal !== undefined) && st.matched === 0 && st.seenSamples.size > 0) {
        const flag = this.opts.tumor !== undefined ? '--tumor' : '--normal';
        const which = this.opts.tumor ?? (this.opts.normal ?? missingValue('this.opts.normal'));
        const some = [...st.seenSamples].slice(0, 10).map((x) => `'${x}'`).join(', ');
        throw new InputError(flag, `sample '${which}' has no rows in ${this.src.name} (samples: ${some}${st.seenSamples.size > 10 ? ', …' : ''})`);
      }
    } finally {
      await this.close();
    }
  }

  private rowsOf(buf: Buffer, st: { lineNo: number; matched: number; seenSamples: Set<string> }): VariantCall[] {
    const out: VariantCall[] = [];
    forEachLine(buf, (s, e) => {
      st.lineNo++;
      if (e === s) return;
      const line = buf.toString('utf8', s, e);
      if (line.startsWith('#')) return;
      this.records++;
      try {
        const call = this.row(line.split('\t'), st.seenSamples);
        if (call === 'other-sample') return;
        st.matched++;
        if (call) out.push(call);
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        const where = `${this.src.name}:${st.lineNo}: ${err.field}`;
        if (!this.opts.skipBadRecords) throw new InputError(where, err.message);
        this.skipped++;
        if (this.problems.length < 50) this.problems.push(`${where}: ${err.message}`);
      }
    });
    this.opts.onProgress?.({ bytesRead: this.meter.bytesRead, totalBytes: this.src.size, records: this.records });
    return out;
  }

  private get(f: string[], name: string): string {
    const i = this.col.get(name.toLowerCase());
    return i === undefined ? '' : (f[i] ?? '').trim();
  }

  private count(f: string[], name: string): number | null {
    const v = this.get(f, name);
    if (MISSING.has(v)) return null;
    if (!INT.test(v) || !Number.isSafeInteger(Number(v))) throw new RowError(name, `${quote(v)} is not a whole number`);
    return Number(v);
  }

  /** One data row -> a call, null when filtered out, 'other-sample' when it belongs to another sample. */
  private row(f: string[], seenSamples: Set<string>): VariantCall | null | 'other-sample' {
    if (f.length !== this.width && f.length !== this.minWidth) {
      throw new RowError('columns', `expected ${this.minWidth} tab-separated columns (as in the header), found ${f.length}`);
    }
    const sample = this.get(f, 'Tumor_Sample_Barcode');
    if (seenSamples.size < 1000) seenSamples.add(sample);
    if (this.opts.tumor !== undefined && sample !== this.opts.tumor) return 'other-sample';
    if (this.opts.normal !== undefined && this.get(f, 'Matched_Norm_Sample_Barcode') !== this.opts.normal) return 'other-sample';
    const gene = this.get(f, 'Hugo_Symbol');
    if (this.genes && !this.genes.has(gene)) return null;
    const chrom = this.get(f, 'Chromosome');
    if (chrom === '' || /\s/.test(chrom)) throw new RowError('Chromosome', `${quote(chrom)} is not a chromosome name`);
    const startText = this.get(f, 'Start_Position');
    if (!INT.test(startText) || Number(startText) < 1 || !Number.isSafeInteger(Number(startText))) {
      throw new RowError('Start_Position', `${quote(startText)} is not a position (a whole number from 1)`);
    }
    const pos = Number(startText);
    const endText = this.get(f, 'End_Position');
    if (endText !== '' && (!INT.test(endText) || !Number.isSafeInteger(Number(endText)))) throw new RowError('End_Position', `${quote(endText)} is not a whole number`);
    const ref = this.get(f, 'Reference_Allele');
    if (!/^([ACGTNacgtn]+|-)$/.test(ref)) throw new RowError('Reference_Allele', `${quote(ref)} is not an allele (bases or '-')`);
    const a2 = this.get(f, 'Tumor_Seq_Allele2');
    const a1 = this.get(f, 'Tumor_Seq_Allele1');
    const alt = a2 !== '' && a2 !== ref ? a2 : a1 !== '' && a1 !== ref ? a1 : a2;
    if (!/^([ACGTNacgtn]+|-)$/.test(alt)) throw new RowError('Tumor_Seq_Allele2', `${quote(alt)} is not an allele (bases or '-')`);
    const region = this.opts.region;
    if (region) {
      const end = endText !== '' ? Math.max(pos, Number(endText)) : pos + Math.max(ref.length, 1) - 1;
      if (noChr(chrom) !== noChr(region.chrom) || end < region.start || pos > region.end) return null;
    }
    const vc = this.get(f, 'Variant_Classification');
    const consequence = mafClassificationToSo(vc);
    if (consequence === null) throw new RowError('Variant_Classification', `${quote(vc)} is not a MAF class (${MAF_VARIANT_CLASSIFICATIONS.slice(0, 6).join(', ')}, …)`);
    const filter = this.col.has('filter') ? this.get(f, 'FILTER') || '.' : '.';
    if (!this.opts.allFilters && filter !== 'PASS' && filter !== '.') return null;
    const altCount = this.count(f, 't_alt_count');
    const refCount = this.count(f, 't_ref_count');
    const tDepth = this.count(f, 't_depth');
    if (altCount !== null && tDepth !== null && altCount > tDepth) throw new RowError('t_alt_count', `${altCount} is more than t_depth ${tDepth}`);
    const depth = tDepth ?? (altCount !== null && refCount !== null ? altCount + refCount : null);
    const vaf = altCount !== null && depth !== null && depth > 0 ? Math.round((altCount / depth) * 1e6) / 1e6 : null;
    const protein = this.get(f, 'HGVSp_Short') || this.get(f, 'HGVSp') || this.get(f, 'Protein_Change');
    const hgvscRaw = this.get(f, 'HGVSc');
    const hgvsc = MISSING.has(hgvscRaw) ? null : hgvscRaw.slice(hgvscRaw.search(/[cngmr]\./) >= 0 ? hgvscRaw.search(/[cngmr]\./) : 0);
    // Matched-normal reads (GDC MAF n_alt_count / n_ref_count / n_depth) and population frequency (vcf2maf
    // gnomAD_AF / gnomADe_AF / gnomADg_AF / MAX_AF columns), when present.
    const nAlt = this.count(f, 'n_alt_count');
    const nRef = this.count(f, 'n_ref_count');
    const nDepth = this.count(f, 'n_depth') ?? (nAlt !== null && nRef !== null ? nAlt + nRef : null);
    const normal = nAlt !== null ? { normalAltCount: nAlt, normalDepth: nDepth, normalVaf: nDepth ? Math.round((nAlt / nDepth) * 1e6) / 1e6 : null } : {};
    let popAf: number | null = null;
    for (const col of ['gnomAD_AF', 'gnomADe_AF', 'gnomADg_AF', 'MAX_AF']) {
      const x = Number(this.get(f, col));
      if (this.get(f, col) !== '' && Number.isFinite(x) && x >= 0 && x <= 1 && (popAf === null || x > popAf)) popAf = x;
    }
    return { gene, hgvsp: shortProteinChange(protein), hgvsc, consequence, chrom, pos, ref, alt, vaf, depth, altCount, filter, sample, ...normal, ...(popAf !== null ? { populationAf: popAf } : {}) };
  }
}
