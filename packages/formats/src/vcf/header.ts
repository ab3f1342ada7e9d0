/**
 * VCF header: line checks (ours, so errors name the line), metadata through @gmod/vcf, the annotation layout
 * (VEP CSQ `Format:` or SnpEff ANN) and the choice of tumour and normal samples.
 */
import VCFParser from '@gmod/vcf';
import { InputError } from '@her2scope/core';
import { missingValue } from '@her2scope/core/errors';

export type AnnotationKind = 'vep' | 'snpeff';

export interface AnnotationLayout {
  kind: AnnotationKind;
  /** INFO key holding it: CSQ (VEP) or ANN (SnpEff). */
  key: 'CSQ' | 'ANN';
  /** Sub-field names in order, from the header. */
  fields: string[];
  /** Indexes of the sub-fields we read (-1 when absent). */
  allele: number;
  consequence: number;
  impact: number;
  symbol: number;
  gene: number;
  hgvsc: number;
  hgvsp: number;
  canonical: number;
  mane: number;
  pick: number;
  alleleNum: number;
  biotype: number;
  /** Highest index among the sub-fields needed to rank an entry (allele, flags, biotype, consequence, gene). */
  rankUpto: number;
  /** Population allele-frequency fields (VEP: gnomAD_AF, gnomADe_AF, gnomADg_AF, MAX_AF, AF), for polymorphism checks. */
  populationAf: number[];
}

export interface VcfHeader {
  /** e.g. `VCFv4.2`; `VCFv4` when the header has no ##fileformat line. */
  fileformat: string;
  samples: string[];
  annotation: AnnotationLayout | null;
  /** Set when the file carries SnpEff's pre-4.1 EFF field and nothing we read. */
  hasEffOnly: boolean;
  /** Contig names declared by ##contig lines (may be empty). */
  contigs: string[];
  meta: { tumorSample: string | null; normalSample: string | null; pedigreeDerived: string | null; pedigreeOriginal: string | null };
  /** Declared Number of each FORMAT field (`R`, `A`, `G`, `.`, or a count as text). */
  formatNumbers: Map<string, string>;
  /** Number of header lines (the #CHROM line is the last). */
  lineCount: number;
}

const FIXED = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];

/**
 * The SnpEff ANN layout (ANN specification v1.0, 16 fields; /work/shared/reference/standards.md section 1), used when
 * the header's own list cannot be read.
 */
export const SNPEFF_ANN_FIELDS = [
  'Allele', 'Annotation', 'Annotation_Impact', 'Gene_Name', 'Gene_ID', 'Feature_Type', 'Feature_ID', 'Transcript_BioType',
  'Rank', 'HGVS.c', 'HGVS.p', 'cDNA.pos / cDNA.length', 'CDS.pos / CDS.length', 'AA.pos / AA.length', 'Distance', 'ERRORS / WARNINGS / INFO',
];

function short(s: string, n = 60): string {
  const t = s.length > n ? `${s.slice(0, n)}…` : s;
  return JSON.stringify(t).slice(1, -1);
}

/**
 * Parse the header lines (everything up to and including `#CHROM`). `lines[0]` is line 1 of the file.
 * Throws InputError naming the file and line.
 */
export function parseVcfHeader(lines: string[], name: string): VcfHeader {
  const first = lines[0] ?? '';
  if (first.startsWith('BCF')) throw new InputError(`${name}:1`, 'BCF binary data where VCF text was expected (open BCF files with openVariantFile, which decodes them)');
  if (!first.startsWith('##')) throw new InputError(`${name}:1`, `not a VCF header: expected '##fileformat=VCFv4.x' as the first line, found '${short(first)}'`);
  // The spec puts ##fileformat first; some tools (SnpEff in cancer mode) write other lines first or none at all.
  // A header without it is read as VCF 4.x when the rest of it is well formed.
  let fileformat = 'VCFv4';
  const ffLine = lines.findIndex((l) => l.startsWith('##fileformat='));
  if (ffLine >= 0) {
    const m = /^##fileformat=(\S+)\s*$/.exec(lines[ffLine] ?? missingValue('lines[ffLine]'));
    fileformat = m?.[1] ?? '';
    if (!/^VCFv4\.\d$/.test(fileformat)) throw new InputError(`${name}:${ffLine + 1}`, `unsupported format '${short((lines[ffLine] ?? missingValue('lines[ffLine]')).slice(13))}' (her2scope reads VCF 4.0-4.4)`);
  }
  const last = lines.length - 1;
  const chromLine = lines[last] ?? '';
  if (!chromLine.startsWith('#CHROM')) throw new InputError(name, "no '#CHROM' column header line before the records");
  const metaLines: string[] = [];
  for (let i = 0; i < last; i++) {
    const line = lines[i] ?? missingValue('lines[i]');
    if (line === '' || line.startsWith('##fileformat=')) continue;
    if (!line.startsWith('##')) throw new InputError(`${name}:${i + 1}`, `header lines must start with '##' (found '${short(line)}'); is the '#CHROM' line missing?`);
    // Lines without key=value carry nothing we read; @gmod/vcf rejects them, so they are left out.
    if (/^##[^=]+=/.test(line)) metaLines.push(line);
  }
  // The column line: tab-separated by the spec; some tools write it with spaces (accepted when tabs give too few).
  let cols = chromLine.split('\t');
  if (cols.length < 8) cols = chromLine.trim().split(/\s+/);
  if (cols.length < 8 || FIXED.some((c, i) => cols[i] !== c)) {
    throw new InputError(`${name}:${last + 1}`, `the column header must start #CHROM POS ID REF ALT QUAL FILTER INFO (tab-separated), found '${short(chromLine, 80)}'`);
  }
  if (cols.length > 8 && cols[8] !== 'FORMAT') throw new InputError(`${name}:${last + 1}`, `the 9th column header must be FORMAT, found '${short(cols[8] ?? '')}'`);
  const samples = cols.slice(9);
  if (cols.length === 9) throw new InputError(`${name}:${last + 1}`, 'a FORMAT column without any sample column');
  const seen = new Set<string>();
  for (const s of samples) {
    if (s === '') throw new InputError(`${name}:${last + 1}`, 'empty sample name in the column header');
    if (seen.has(s)) throw new InputError(`${name}:${last + 1}`, `sample '${short(s)}' appears twice in the column header`);
    seen.add(s);
  }

  let parser: VCFParser;
  try {
    parser = new VCFParser({ header: [...metaLines, [...FIXED, ...(samples.length ? ['FORMAT', ...samples] : [])].join('\t')].join('\n'), strict: false });
  } catch (e) {
    throw new InputError(`${name}: header`, (e as Error).message.split('\n')[0] ?? 'unreadable');
  }
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const info = (id: string) => parser.getMetadata('INFO', id) as Record<string, unknown> | undefined;
  const pedigree = parser.getMetadata('PEDIGREE') as Record<string, unknown> | string | undefined;
  const contigMeta = parser.getMetadata('contig');
  const contigs = contigMeta && typeof contigMeta === 'object' ? Object.keys(contigMeta) : [];

  let annotation: AnnotationLayout | null = null;
  const csq = info('CSQ');
  const ann = info('ANN');
  if (csq) {
    const desc = str(csq.Description) ?? '';
    const at = desc.indexOf('Format:');
    if (at < 0) throw new InputError(`${name}: ##INFO=<ID=CSQ>`, "the CSQ description has no 'Format: Allele|Consequence|…' list, so its fields cannot be read");
    const fields = desc.slice(at + 7).trim().replace(/["']+$/, '').split('|').map((f) => f.trim());
    annotation = layout('vep', 'CSQ', fields, name);
  } else if (ann) {
    const desc = str(ann.Description) ?? '';
    const q = /'([^']*)'/.exec(desc);
    let fields = q ? (q[1] ?? missingValue('q[1]')).split('|').map((f) => f.trim()) : [];
    if (fields[0] !== 'Allele' || fields.length < 11) fields = SNPEFF_ANN_FIELDS;
    annotation = layout('snpeff', 'ANN', fields, name);
  }
  const formatNumbers = new Map<string, string>();
  const fmtMeta = parser.getMetadata('FORMAT') as Record<string, { Number?: unknown }> | undefined;
  if (fmtMeta && typeof fmtMeta === 'object') {
    for (const [id, m] of Object.entries(fmtMeta)) {
      if (!m || m.Number === undefined) continue;
      const number: unknown = m.Number;
      formatNumbers.set(id, String(number));
    }
  }
  return {
    fileformat,
    samples,
    formatNumbers,
    annotation,
    hasEffOnly: !annotation && Boolean(info('EFF')),
    contigs,
    meta: {
      tumorSample: str(parser.getMetadata('tumor_sample')),
      normalSample: str(parser.getMetadata('normal_sample')),
      pedigreeDerived: pedigree && typeof pedigree === 'object' ? str(pedigree.Derived) : null,
      pedigreeOriginal: pedigree && typeof pedigree === 'object' ? str(pedigree.Original) : null,
    },
    lineCount: lines.length,
  };
}

/** VEP CSQ fields that carry a population allele frequency (Ensembl VEP documentation, "Frequency data"). */
export const POPULATION_AF_FIELDS = ['gnomAD_AF', 'gnomADe_AF', 'gnomADg_AF', 'MAX_AF', 'AF'];

function layout(kind: AnnotationKind, key: 'CSQ' | 'ANN', fields: string[], name: string): AnnotationLayout {
  const find = (...names: string[]) => {
    for (const n of names) {
      const i = fields.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const l: AnnotationLayout = {
    kind,
    key,
    fields,
    allele: find('Allele'),
    consequence: kind === 'vep' ? find('Consequence') : find('Annotation'),
    impact: kind === 'vep' ? find('IMPACT') : find('Annotation_Impact'),
    symbol: kind === 'vep' ? find('SYMBOL') : find('Gene_Name'),
    gene: kind === 'vep' ? find('Gene') : find('Gene_ID'),
    hgvsc: kind === 'vep' ? find('HGVSc') : find('HGVS.c'),
    hgvsp: kind === 'vep' ? find('HGVSp') : find('HGVS.p'),
    canonical: kind === 'vep' ? find('CANONICAL') : -1,
    mane: kind === 'vep' ? find('MANE_SELECT', 'MANE') : -1,
    pick: kind === 'vep' ? find('PICK') : -1,
    alleleNum: kind === 'vep' ? find('ALLELE_NUM') : -1,
    biotype: kind === 'vep' ? find('BIOTYPE') : find('Transcript_BioType'),
    rankUpto: 0,
    // VEP --af_gnomade / --af_gnomadg / --af_gnomad (older releases) / --max_af / --af (1000 Genomes global).
    populationAf: kind === 'vep' ? POPULATION_AF_FIELDS.map((n) => fields.indexOf(n)).filter((i) => i >= 0) : [],
  };
  l.rankUpto = Math.max(l.allele, l.consequence, l.impact, l.symbol, l.gene, l.canonical, l.mane, l.pick, l.alleleNum, l.biotype);
  const tag = `${name}: ##INFO=<ID=${key}>`;
  if (l.allele < 0) throw new InputError(tag, `the ${key} field list has no Allele field`);
  if (l.consequence < 0) throw new InputError(tag, `the ${key} field list has no ${kind === 'vep' ? 'Consequence' : 'Annotation'} field`);
  if (l.symbol < 0 && l.gene < 0) throw new InputError(tag, `the ${key} field list names no gene (${kind === 'vep' ? 'SYMBOL or Gene: run VEP with --symbol' : 'Gene_Name'})`);
  return l;
}

/** How to annotate a VCF, for the messages below. */
export const HOW_TO_ANNOTATE =
  'annotate it first with Ensembl VEP (vep --vcf --symbol --hgvs --canonical --mane, or --everything) ' +
  "or SnpEff (snpEff ann <genome> in.vcf > out.vcf), then run 'her2scope variants' on the annotated file";

/** The error for a VCF without CSQ/ANN: tells the user how to annotate it. */
export function notAnnotatedError(name: string, effOnly: boolean): InputError {
  if (effOnly) return new InputError(name, `the VCF is annotated with SnpEff's old EFF field, which her2scope does not read: ${HOW_TO_ANNOTATE}`);
  return new InputError(name, `the VCF has no variant annotation (no INFO/CSQ from Ensembl VEP, no INFO/ANN from SnpEff): ${HOW_TO_ANNOTATE}`);
}

export interface SampleChoice {
  /** Column index among the samples (0-based), or -1 for a sites-only VCF. */
  tumorIndex: number;
  tumor: string | null;
  normalIndex: number;
  normal: string | null;
  /** How the tumour was chosen, for the report. */
  reason: 'option' | 'header' | 'pedigree' | 'only sample' | 'name' | 'other than normal' | 'none';
}

/**
 * Choose the tumour and normal sample columns: `--tumor`/`--normal`, else `##tumor_sample=`/`##normal_sample=`,
 * else SnpEff's `##PEDIGREE=<Derived=…,Original=…>`, else the only sample, else the one that is not the normal
 * in a pair, else a sample literally named TUMOR/TUMOUR (Strelka, MuTect, VarScan and vcf2maf defaults).
 */
export function chooseSamples(header: VcfHeader, opts: { tumor?: string; normal?: string }, name: string): SampleChoice {
  const samples = header.samples;
  const list = () => (samples.length ? samples.map((s) => `'${short(s, 40)}'`).join(', ') : 'none: the VCF has no sample columns');
  const must = (flag: string, s: string) => {
    const i = samples.indexOf(s);
    if (i < 0) throw new InputError(flag, `sample '${short(s, 40)}' is not in ${name} (samples: ${list()})`);
    return i;
  };
  let normalIndex = -1;
  if (opts.normal !== undefined) normalIndex = must('--normal', opts.normal);
  else if (header.meta.normalSample && samples.includes(header.meta.normalSample)) normalIndex = samples.indexOf(header.meta.normalSample);
  else if (header.meta.pedigreeOriginal && samples.includes(header.meta.pedigreeOriginal)) normalIndex = samples.indexOf(header.meta.pedigreeOriginal);

  let tumorIndex = -1;
  let reason: SampleChoice['reason'] = 'none';
  if (opts.tumor !== undefined) {
    tumorIndex = must('--tumor', opts.tumor);
    reason = 'option';
  } else if (header.meta.tumorSample) {
    if (!samples.includes(header.meta.tumorSample)) {
      throw new InputError(`${name}: ##tumor_sample`, `names '${short(header.meta.tumorSample, 40)}', which is not a sample column (samples: ${list()}); choose with --tumor`);
    }
    tumorIndex = samples.indexOf(header.meta.tumorSample);
    reason = 'header';
  } else if (header.meta.pedigreeDerived && samples.includes(header.meta.pedigreeDerived)) {
    tumorIndex = samples.indexOf(header.meta.pedigreeDerived);
    reason = 'pedigree';
  } else if (samples.length === 1) {
    tumorIndex = 0;
    reason = 'only sample';
  } else if (samples.length === 2 && normalIndex >= 0) {
    tumorIndex = 1 - normalIndex;
    reason = 'other than normal';
  } else if (samples.length > 1) {
    const named = samples.filter((s) => /^tumou?r$/i.test(s));
    if (named.length !== 1) throw new InputError(name, `${samples.length} samples (${list()}): choose the tumour sample with --tumor`);
    tumorIndex = samples.indexOf(named[0] ?? missingValue('named[0]'));
    reason = 'name';
  }
  if (normalIndex >= 0 && normalIndex === tumorIndex) {
    if (opts.normal !== undefined) throw new InputError('--normal', `'${short(opts.normal, 40)}' is also the tumour sample`);
    normalIndex = -1;
  }
  if (normalIndex < 0 && tumorIndex >= 0 && samples.length === 2) normalIndex = 1 - tumorIndex;
  return {
    tumorIndex,
    tumor: tumorIndex >= 0 ? samples[tumorIndex] ?? missingValue('samples[tumorIndex]') : null,
    normalIndex,
    normal: normalIndex >= 0 ? samples[normalIndex] ?? missingValue('samples[normalIndex]') : null,
    reason,
  };
}
