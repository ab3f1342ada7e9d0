import type { VariantCall } from '@her2scope/core';
import { openVariantFile, parseGeneList, parseRegion, type VariantFile } from '@her2scope/formats/variants';
import { parseFlags, type Command, type Io } from '../command.ts';
import { UsageError } from '../errors.ts';
import { RESEARCH_USE } from '../notice.ts';

const help = `Usage:
  her2scope variants <file.vcf[.gz]|file.bcf|file.maf[.gz]> [--tumor S] [--normal S]
                     [--region chr17:39687914-39730426] [--genes ERBB2,ESR1,PIK3CA]
                     [--all-filters] [--skip-bad-records] [--json|--tsv]

List the somatic variants of a VEP- or SnpEff-annotated VCF (plain, gzip or bgzip; tumour/normal or single
sample), its BCF, or a MAF (GDC / cBioPortal), with gene, protein change, consequence, VAF and depth of the tumour.

Options:
  --tumor S            tumour sample: a VCF sample column, or a MAF Tumor_Sample_Barcode (default for a VCF: the
                       ##tumor_sample header line, SnpEff's ##PEDIGREE, the only sample, or a sample named TUMOR;
                       for a MAF: every sample)
  --normal S           matched normal sample (VCF column / MAF Matched_Norm_Sample_Barcode)
  --region R           contig:start-end, 1-based and inclusive (or a whole contig); a bgzip VCF with a .tbi or
                       .csi index beside it (a BCF with a .csi) is queried through the index, other files are
                       scanned
  --genes LIST         comma-separated HGNC symbols, matched exactly (case-sensitive)
  --all-filters        keep records whose FILTER is not PASS (default: PASS or '.' only)
  --skip-bad-records   skip malformed records (counted in "skipped") instead of stopping at the first
  --json               print { "variants": [ … ], "skipped": n }; absent values are null; a call has "notes"
                       when its record was read unusually (e.g. an AD that does not give one depth per allele)
  --tsv                print a tab-separated table with a header row
  -h, --help           show this help

The consequence reported for each variant is that of VEP's PICK, else MANE Select, else the canonical
protein-coding transcript, else the most severe protein-coding one (SnpEff: the first ANN entry). Protein changes are short HGVS (p.L755S).
A VCF without VEP (CSQ) or SnpEff (ANN) annotation is refused with the commands to annotate it.

Exit codes: 0 listed (possibly none), 2 bad input (one line on stderr naming file, line and field).
${RESEARCH_USE}`;

/** JSON / TSV field order: the \`--json\` contract. */
const FIELDS = ['gene', 'hgvsp', 'hgvsc', 'consequence', 'chrom', 'pos', 'ref', 'alt', 'vaf', 'depth', 'altCount', 'filter', 'sample'] as const;

/** Show progress only for inputs that take longer than this. */
const PROGRESS_AFTER_MS = 2000;

export const variantsCommand: Command = {
  name: 'variants',
  summary: 'list the variants of an annotated VCF or a MAF (gene, HGVS, VAF, depth)',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags(
      'variants',
      args,
      {
        tumor: { type: 'string' },
        normal: { type: 'string' },
        region: { type: 'string' },
        genes: { type: 'string' },
        'all-filters': { type: 'boolean' },
        'skip-bad-records': { type: 'boolean' },
        json: { type: 'boolean' },
        tsv: { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.stdout(help + '\n');
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(`give one VCF or MAF file${positionals.length > 1 ? ` (got ${positionals.length})` : ''} (see 'her2scope variants --help')`);
    }
    if (values.json && values.tsv) throw new UsageError('--json and --tsv cannot be combined');
    const path = positionals[0]!;
    const genes = values.genes !== undefined ? parseGeneList(values.genes) : null;
    const region = values.region !== undefined ? parseRegion(values.region) : null;
    for (const flag of ['tumor', 'normal'] as const) {
      if (values[flag] !== undefined && values[flag].trim() === '') throw new UsageError(`--${flag}: give a sample name`);
    }

    const progress = makeProgress(io);
    const file = await openVariantFile(path, {
      ...(values.tumor !== undefined ? { tumor: values.tumor } : {}),
      ...(values.normal !== undefined ? { normal: values.normal } : {}),
      region,
      genes,
      allFilters: Boolean(values['all-filters']),
      skipBadRecords: Boolean(values['skip-bad-records']),
      onProgress: progress.update,
    });
    const mode = values.json ? 'json' : values.tsv ? 'tsv' : 'text';
    let count = 0;
    // Output is gathered into ~64 KiB writes (one write per variant costs more than parsing it), and each write
    // waits for stdout to drain: the reader is pulled only as fast as the consumer reads, so memory stays flat
    // however slow the pipe (issue 15).
    const write = io.stdoutAsync ?? ((t: string) => Promise.resolve(io.stdout(t)));
    let pending = '';
    try {
      // Nothing is printed before the first variant (or the end), so a file that fails part-way through its
      // first records leaves stdout empty rather than a half-written table or JSON.
      const out = writer(mode, file, path);
      for await (const batch of file.batches()) {
        if (count === 0) {
          progress.done();
          pending += out.begin();
        }
        for (const v of batch) {
          pending += out.row(v, count);
          count++;
          if (pending.length > 65536) {
            const chunk = pending;
            pending = '';
            await write(chunk);
          }
        }
      }
      progress.done();
      if (count === 0) pending += out.begin();
      pending += out.end(count);
    } finally {
      if (pending) await write(pending);
      progress.done();
      await file.close();
    }
    for (const p of file.problems.slice(0, 5)) io.stderr(`her2scope variants: skipped ${p}\n`);
    if (file.skipped > 5) io.stderr(`her2scope variants: … ${file.skipped - 5} more malformed records skipped\n`);
    if (count === 0 && genes && genes.some((g) => g !== g.toUpperCase())) {
      io.stderr('her2scope variants: note: gene symbols are matched exactly; human HGNC symbols are upper case (ERBB2)\n');
    }
    return 0;
  },
};

/** JSON string, or null for an absent ('' or null) value: absent values are null in the output, never "". */
function jstr(x: string | null): string {
  if (x === null || x === '') return 'null';
  return NEEDS_ESCAPE.test(x) ? JSON.stringify(x) : `"${x}"`;
}
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;
const jnum = (x: number | null) => (x === null ? 'null' : String(x));

/** One variant as a JSON object, fields in the `--json` contract order (hand-written: the hot path of output). */
export function variantJson(v: VariantCall): string {
  const notes = v.notes && v.notes.length ? `,"notes":[${v.notes.map((n) => JSON.stringify(n)).join(',')}]` : '';
  return (
    `{"gene":${jstr(v.gene)},"hgvsp":${jstr(v.hgvsp)},"hgvsc":${jstr(v.hgvsc)},"consequence":${jstr(v.consequence)},` +
    `"chrom":${jstr(v.chrom)},"pos":${v.pos},"ref":${jstr(v.ref)},"alt":${jstr(v.alt)},"vaf":${jnum(v.vaf)},` +
    `"depth":${jnum(v.depth)},"altCount":${jnum(v.altCount)},"filter":${jstr(v.filter)},"sample":${jstr(v.sample)}${notes}}`
  );
}

function writer(mode: 'json' | 'tsv' | 'text', file: VariantFile, path: string) {
  if (mode === 'json') {
    return {
      begin: () => '{\n  "variants": [',
      row: (v: VariantCall, i: number) => `${i ? ',' : ''}\n    ${variantJson(v)}`,
      end: (n: number) => `${n ? '\n  ' : ''}],\n  "skipped": ${file.skipped}\n}\n`,
    };
  }
  if (mode === 'tsv') {
    return {
      begin: () => `# ${RESEARCH_USE}\n${[...FIELDS, 'notes'].join('\t')}\n`,
      row: (v: VariantCall) => FIELDS.map((f) => cell(v[f])).join('\t') + '\t' + cell(v.notes?.join('; ') ?? null) + '\n',
      end: () => '',
    };
  }
  const widths = [8, 14, 26, 28, 16, 8, 7, 10];
  const maf = file.format === 'maf';
  const line = (cols: string[]) => cols.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join(' ').trimEnd() + '\n';
  const samples = [file.tumor ? `tumour ${file.tumor}` : null, file.normal ? `normal ${file.normal}` : null].filter(Boolean).join(', ');
  const source = file.annotation === 'vep' ? 'Ensembl VEP (CSQ)' : file.annotation === 'snpeff' ? 'SnpEff (ANN)' : file.annotation === 'maf' ? 'MAF' : file.annotation;
  return {
    begin: () =>
      `${path}: ${source}${samples ? `; ${samples}` : ''}\n` + line(['GENE', 'PROTEIN', 'CONSEQUENCE', 'LOCUS', 'CHANGE', 'VAF', 'DEPTH', 'FILTER', ...(maf ? ['SAMPLE'] : [])]),
    row: (v: VariantCall) => {
      const change = `${short(v.ref)}>${short(v.alt)}`;
      const vaf = v.vaf === null ? '-' : `${(v.vaf * 100).toFixed(1)}%`;
      const cols = [v.gene || '-', v.hgvsp ?? v.hgvsc ?? '-', v.consequence || '-', `${v.chrom}:${v.pos}`, change, vaf, v.depth === null ? '-' : String(v.depth), v.filter];
      const noted = v.notes?.length ? `  [${v.notes.join('; ')}]` : '';
      return line(maf ? [...cols, v.sample] : cols).replace(/\n$/, `${noted}\n`);
    },
    end: (n: number) => {
      const skipped = file.skipped ? `; ${file.skipped} malformed record${file.skipped === 1 ? '' : 's'} skipped` : '';
      return `${n} variant${n === 1 ? '' : 's'}${skipped}\n${RESEARCH_USE}\n`;
    },
  };
}


function short(allele: string): string {
  return allele.length > 12 ? `${allele.slice(0, 10)}…(${allele.length})` : allele;
}

/** TSV cell: empty for null; tabs and line breaks (never expected) become spaces so columns stay aligned. */
function cell(x: string | number | null): string {
  return x === null ? '' : String(x).replace(/[\t\r\n]/g, ' ');
}

/** A one-line progress indicator on stderr, only on a terminal and only once the read has lasted a while. */
export function makeProgress(io: Io, clock: () => number = Date.now) {
  const start = clock();
  let shown = false;
  let last = 0;
  return {
    update: (p: { bytesRead: number; totalBytes: number; records: number }) => {
      if (!io.stderrIsTTY) return;
      const now = clock();
      if (now - start < PROGRESS_AFTER_MS || now - last < 200) return;
      last = now;
      shown = true;
      const pct = p.totalBytes ? Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100)) : 0;
      io.stderr(`\rher2scope variants: ${pct}% (${(p.bytesRead / 1048576).toFixed(0)} of ${(p.totalBytes / 1048576).toFixed(0)} MiB, ${p.records.toLocaleString('en-US')} records)`);
    },
    done: () => {
      if (shown) io.stderr('\r\x1b[K');
      shown = false;
    },
  };
}

