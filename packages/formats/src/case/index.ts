/**
 * Case files: parse a case (YAML or JSON) and read every file it names — variant files (VCF/BCF/MAF),
 * sequenced-region BEDs, cytometry files — into the core's `CaseData`. Parsing only: nothing here classifies
 * pathology or interprets a result (the core does, once, in `interpretCase`; `analyzeCase` in ../analyze runs both).
 *
 * Where a named file is comes from a resolver (`ResolveFile`): for a case file on disk, `directoryResolver` (relative
 * paths against the case file's folder); the server passes one backed by its database records of stored files, so a
 * case never has to be written to disk. Which reader reads which sample field is the registry `SAMPLE_INPUTS`
 * (CONTRIBUTING.md, "How to add a file format"). Errors name the case and the path inside it
 * (`samples[1].variants.file`), or the referenced file, line and field.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { genomicKey, parseCaseFile, InputError, isoDay, timelineIssues, type CaseData, type CaseFile, type CaseSample, type SampleData } from '@her2scope/core';
import { LineCounter, parseDocument } from 'yaml';
import { readBed } from '../bed/index.ts';
import type { AlleleQuery, ReadFileSpec } from '../reads/index.ts';
import { readVariantCalls } from '../variants/index.ts';

/**
 * Where a file the case names is on disk: `ref` as the case writes it, `field` its place in the case
 * (`samples[0].variants.file`). Returns a readable path; throws InputError (naming the field) when there is none.
 */
export type ResolveFile = (ref: string, field: string) => string | Promise<string>;

export interface LoadCaseOptions {
  /** Called with a short message before each referenced file is read. */
  onProgress?: (message: string) => void;
  /**
   * Names the user knows the referenced files by, keyed by absolute path (the server stores uploads under their
   * SHA-256): an FCS file is matched to its FlowJo workspace sample by this name.
   */
  fileNames?: ReadonlyMap<string, string>;
}

/**
 * Parse a case file's text (YAML or JSON); errors carry the file and line. The dates are checked too (core
 * timelineIssues: none after `today`, none before the birth year, end >= start); `today` defaults to the clock.
 */
export function parseCaseText(text: string, path: string, today: string = isoDay(new Date())): CaseFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    const first = err.message.split('\n')[0] ?? err.message;
    throw new InputError(`${path}${line ? `:${line}` : ''}`, `not valid YAML/JSON: ${first.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  let parsed: CaseFile;
  try {
    parsed = parseCaseFile(doc.toJS({ maxAliasCount: 100 }));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${path}: ${e.field}`, e.detail);
    throw e;
  }
  const problem = timelineIssues({ birthYear: parsed.patient.birthYear, samples: parsed.samples, treatments: parsed.treatments }, today)[0];
  if (problem) {
    const node = doc.getIn(problem.path, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : null;
    throw new InputError(`${path}${line ? `:${line}` : ''}: ${problem.field}`, problem.message);
  }
  return parsed;
}

/** Read and parse a case file on disk. */
export async function readCaseFile(path: string): Promise<CaseFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, `cannot read case file (${code === 'ENOENT' ? 'no such file' : code})`);
  }
  return parseCaseText(text, path);
}

/** Files named relative to `base` (a case file's folder); a missing file is an InputError naming `caseName: field`. */
export function directoryResolver(base: string, caseName: string): ResolveFile {
  return async (ref, field) => {
    const abs = resolve(base, ref);
    try {
      await access(abs);
    } catch {
      throw new InputError(`${caseName}: ${field}`, `file not found: ${abs}`);
    }
    return abs;
  };
}

/** Read a case file on disk and every file it names (relative paths against its folder). */
export async function loadCase(path: string, options: LoadCaseOptions = {}): Promise<CaseData> {
  return loadCaseData(await readCaseFile(path), directoryResolver(dirname(resolve(path)), path), options);
}

/** What one sample field needs read: `open(field, ref)` resolves a file the field names, with progress. */
interface InputContext {
  sample: CaseSample;
  open: (field: string, ref: string) => Promise<string>;
  /**
   * A companion file the resolver knows for `ref` (e.g. `<ref>.fai`), or undefined: a directory has it beside the
   * file (the readers look there themselves); the server's resolver maps it to the stored index.
   */
  companion: (field: string, ref: string) => Promise<string | undefined>;
  /** The name the user knows a resolved file by (LoadCaseOptions.fileNames), if it differs from its path's. */
  nameOf: (path: string) => string | undefined;
}

/** Alignment files resolved by the `reads` input, counted once every sample's variants are known (countCaseReads). */
const pendingReads = new WeakMap<SampleData, { spec: ReadFileSpec; file: string }>();

/**
 * The reader registry: for each optional input of a case sample, the sample field that names it and the reader
 * that turns it into `SampleData`. Adding an input kind = one entry here (and its field in the case schema, core
 * case/schema.ts); adding a format of an existing kind = its reader's own registry (variants: VARIANT_FORMATS).
 */
export const SAMPLE_INPUTS: ReadonlyArray<{ field: keyof CaseSample; read: (c: InputContext, data: SampleData) => Promise<void> }> = [
  {
    field: 'variants',
    read: async ({ sample, open }, data) => {
      const v = sample.variants;
      if (!v) return;
      data.variants = await readVariantCalls(await open('variants.file', v.file), { ...(v.tumor !== undefined ? { tumor: v.tumor } : {}), ...(v.normal !== undefined ? { normal: v.normal } : {}) });
      if (v.regions) data.regions = await readBed(await open('variants.regions', v.regions));
    },
  },
  {
    field: 'cytometry',
    read: async ({ sample, open, nameOf }, data) => {
      const c = sample.cytometry;
      if (!c) return;
      const workspacePath = c.workspace ? await open('cytometry.workspace', c.workspace) : undefined;
      const workspaceName = workspacePath !== undefined ? nameOf(workspacePath) : undefined;
      // Loaded only for cases with cytometry: the FCS/Gating-ML stack is not needed otherwise (start-up time).
      const { analyzeCytometryFile } = await import('../cytometry/index.ts');
      const file = await open('cytometry.file', c.file);
      const fileName = nameOf(file);
      data.cytometry = await analyzeCytometryFile(file, {
        ...(c.panel ? { panelPath: await open('cytometry.panel', c.panel) } : {}),
        ...(c.control ? { controlPath: await open('cytometry.control', c.control) } : {}),
        ...(c.gates ? { gatesPath: await open('cytometry.gates', c.gates) } : {}),
        ...(c.group !== undefined ? { group: c.group } : {}),
        ...(c.sample !== undefined ? { sample: c.sample } : {}),
        // Stored uploads: match the workspace sample by the names the files were uploaded under.
        ...(fileName !== undefined ? { fileName } : {}),
        ...(workspacePath !== undefined ? { workspacePath } : {}),
        ...(workspaceName !== undefined ? { workspaceName } : {}),
        // The bulk HER2 result of a sample with pathology is the core's classification of it (interpretCase).
        ...(sample.pathology?.her2 ? { deferBulkHer2: true } : {}),
      });
    },
  },
  {
    // Copy-number segments (CNVkit .cns/.call.cns, SEG, PCGR CNA TSV, VCF <DEL>/<DUP>/<AMP>): formats/copynumber.
    field: 'copyNumber',
    read: async ({ sample, open, nameOf }, data) => {
      const c = sample.copyNumber;
      if (!c) return;
      const { readCopyNumber } = await import('../copynumber/index.ts');
      const path = await open('copyNumber.file', c.file);
      const cn = await readCopyNumber(path, c.sample !== undefined ? { sample: c.sample } : {});
      // Named as the user knows it (a stored upload's original name, not its id).
      data.copyNumber = { file: nameOf(path) ?? c.file, format: cn.format, segments: cn.segments, purity: c.purity ?? null, ploidy: c.ploidy ?? null };
    },
  },
  {
    // BAM / CRAM for the read-level look-back: the files are resolved here and counted after every sample is read.
    field: 'reads',
    read: async ({ sample, open, companion, nameOf }, data) => {
      const r = sample.reads;
      if (!r) return;
      const spec: ReadFileSpec = { file: await open('reads.file', r.file) };
      if (r.index !== undefined) spec.index = await open('reads.index', r.index);
      if (r.reference !== undefined) {
        spec.reference = await open('reads.reference', r.reference);
        const fai = await companion('reads.reference', `${r.reference}.fai`);
        if (fai !== undefined) spec.referenceIndex = fai;
      }
      pendingReads.set(data, { spec, file: nameOf(spec.file) ?? r.file });
    },
  },
];

/**
 * Read-level look-back (issue 16): every sample with `reads` is counted at the position of every variant called in
 * any sample of the case (SNVs and left-aligned indels; MAPQ >= 20, base quality >= 20, no duplicate / secondary /
 * supplementary / QC-fail reads: formats/reads).
 */
async function countCaseReads(samples: SampleData[], options: LoadCaseOptions): Promise<void> {
  const withReads = samples.filter((d) => pendingReads.has(d));
  if (withReads.length === 0) return;
  const queries: AlleleQuery[] = [];
  const seen = new Set<string>();
  for (const d of samples) {
    for (const v of d.variants ?? []) {
      const key = genomicKey(v);
      if (seen.has(key) || !/^[ACGTN]+$/i.test(v.ref) || !/^[ACGTN]+$/i.test(v.alt)) continue;
      seen.add(key);
      queries.push({ chrom: v.chrom, pos: v.pos, ref: v.ref, alt: v.alt });
    }
  }
  const { openReads } = await import('../reads/index.ts');
  for (const d of withReads) {
    const pending = pendingReads.get(d);
    if (!pending) continue;
    options.onProgress?.(`sample ${d.sample.id}: counting reads at ${queries.length} position${queries.length === 1 ? '' : 's'} in ${pending.file}`);
    const file = await openReads(pending.spec);
    try {
      d.reads = { file: pending.file, counts: await file.count(queries) };
    } finally {
      await file.close();
    }
  }
}

/**
 * Read every file an already-parsed case names, through `resolveFile`. The server passes its snapshot in memory
 * with a resolver backed by its stored-file records: no patient data is written to a temporary file.
 */
export async function loadCaseData(caseFile: CaseFile, resolveFile: ResolveFile, options: LoadCaseOptions = {}): Promise<CaseData> {
  const samples: SampleData[] = [];
  for (const [i, sample] of caseFile.samples.entries()) {
    const data: SampleData = { sample, variants: null, regions: null, cytometry: null };
    const open = async (field: string, ref: string) => {
      const path = await resolveFile(ref, `samples[${i}].${field}`);
      options.onProgress?.(`sample ${sample.id}: reading ${ref}`);
      return path;
    };
    const companion = async (field: string, ref: string) => {
      try {
        return await resolveFile(ref, `samples[${i}].${field}`);
      } catch (e) {
        if (e instanceof InputError) return undefined;
        throw e;
      }
    };
    const nameOf = (path: string) => options.fileNames?.get(path);
    for (const input of SAMPLE_INPUTS) if (sample[input.field] !== undefined) await input.read({ sample, open, companion, nameOf }, data);
    samples.push(data);
  }
  await countCaseReads(samples, options);
  return { case: caseFile, samples };
}
