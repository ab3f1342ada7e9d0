/**
 * Loads a case file (YAML or JSON) and everything it references — variant files (VCF/MAF), sequenced-region BEDs,
 * cytometry files — into the core's `CaseData`. Relative paths resolve against the case file's folder. Errors name
 * the case file and the path inside it (`samples[1].variants.file`), or the referenced file, line and field.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { classifyPathology, genomicKey, parseCaseFile, InputError, type CaseData, type CaseFile, type CaseSample, type CytometrySummary, type SampleData } from '@her2scope/core';
import { parseDocument } from 'yaml';
import { readBed } from '../bed/index.ts';
import type { AlleleQuery } from '../reads/index.ts';
import { readVariantCalls } from '../variants/index.ts';

export interface LoadCaseOptions {
  /** Called with a short message before each referenced file is read. */
  onProgress?: (message: string) => void;
}

/** Parse a case file's text (YAML or JSON); errors carry the file and line. */
export function parseCaseText(text: string, path: string) {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    throw new InputError(`${path}${line ? `:${line}` : ''}`, `not valid YAML/JSON: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  try {
    return parseCaseFile(doc.toJS({ maxAliasCount: 100 }));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${path}: ${e.field}`, e.detail);
    throw e;
  }
}

export async function loadCase(path: string, options: LoadCaseOptions = {}): Promise<CaseData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, `cannot read case file (${code === 'ENOENT' ? 'no such file' : code})`);
  }
  return loadCaseFile(parseCaseText(text, path), { ...options, base: dirname(resolve(path)), name: path });
}

/**
 * Load an already-parsed case (no case file on disk: the server passes its snapshot in memory, so no patient data is
 * written to a temporary file). `base` resolves relative paths; `name` stands for the case in error messages.
 */
export async function loadCaseFile(caseFile: CaseFile, options: LoadCaseOptions & { base: string; name: string }): Promise<CaseData> {
  const samples: SampleData[] = [];
  for (const [i, sample] of caseFile.samples.entries()) samples.push(await loadSample(sample, i, options.base, options.name, options));
  await countCaseReads(caseFile, samples, options);
  return { case: caseFile, samples };
}

/**
 * Read-level look-back (issue 16): every sample with `reads` is counted at the position of every variant called in
 * any sample of the case (SNVs and left-aligned indels; MAPQ >= 20, base quality >= 20, no duplicate / secondary /
 * supplementary / QC-fail reads: formats/reads).
 */
async function countCaseReads(caseFile: CaseFile, samples: SampleData[], options: LoadCaseOptions & { base: string; name: string }): Promise<void> {
  const withReads = caseFile.samples.map((s, i) => ({ s, i })).filter(({ s }) => s.reads);
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
  for (const { s, i } of withReads) {
    const r = s.reads;
    const data = samples[i];
    if (!r || !data) continue;
    const at = `${options.name}: samples[${i}].reads`;
    const abs = (p: string) => resolve(options.base, p);
    for (const [field, p] of [['file', r.file], ['index', r.index], ['reference', r.reference]] as const) {
      if (p === undefined) continue;
      try {
        await access(abs(p));
      } catch {
        throw new InputError(`${at}.${field}`, `file not found: ${abs(p)}`);
      }
    }
    options.onProgress?.(`sample ${s.id}: counting reads at ${queries.length} position${queries.length === 1 ? '' : 's'} in ${r.file}`);
    const file = await openReads({ file: abs(r.file), ...(r.index ? { index: abs(r.index) } : {}), ...(r.reference ? { reference: abs(r.reference) } : {}) });
    try {
      data.reads = { file: r.file, counts: await file.count(queries) };
    } finally {
      await file.close();
    }
  }
}

/** The sample's bulk HER2 category, for the cytometry hidden-population flag (pending counts as equivocal). */
function bulkHer2(sample: CaseSample): string | undefined {
  if (!sample.pathology?.her2) return undefined;
  try {
    const her2 = classifyPathology({ her2: sample.pathology.her2 }).her2;
    return her2 ? (her2.category === 'pending' ? 'equivocal' : her2.category) : undefined;
  } catch {
    return undefined; // the interpretation reports the pathology error with its path
  }
}

async function loadSample(sample: CaseSample, index: number, base: string, casePath: string, options: LoadCaseOptions): Promise<SampleData> {
  const at = (field: string) => `${casePath}: samples[${index}].${field}`;
  const within = async <T>(field: string, file: string, read: (abs: string) => Promise<T>): Promise<T> => {
    const abs = resolve(base, file);
    options.onProgress?.(`sample ${sample.id}: reading ${file}`);
    try {
      await access(abs);
    } catch {
      throw new InputError(at(field), `file not found: ${abs}`);
    }
    return read(abs);
  };
  let variants: SampleData['variants'] = null;
  let regions: SampleData['regions'] = null;
  if (sample.variants) {
    const v = sample.variants;
    variants = await within('variants.file', v.file, (abs) => readVariantCalls(abs, { tumor: v.tumor, normal: v.normal }));
    if (v.regions) regions = await within('variants.regions', v.regions, (abs) => readBed(abs));
  }
  let cytometry: CytometrySummary | null = null;
  if (sample.cytometry) {
    const c = sample.cytometry;
    // Loaded only for cases with cytometry: the FCS/Gating-ML stack is not needed otherwise (start-up time).
    const { analyzeCytometryFile } = await import('../cytometry/index.ts');
    cytometry = (await within('cytometry.file', c.file, (abs) =>
      analyzeCytometryFile(abs, {
        ...(c.panel ? { panelPath: resolve(base, c.panel) } : {}),
        ...(c.control ? { controlPath: resolve(base, c.control) } : {}),
        ...(c.gates ? { gatesPath: resolve(base, c.gates) } : {}),
        ...(c.workspace ? { workspacePath: resolve(base, c.workspace) } : {}),
        ...(c.group !== undefined ? { group: c.group } : {}),
        ...(c.sample !== undefined ? { sample: c.sample } : {}),
        ...(bulkHer2(sample) ? { bulkHer2: bulkHer2(sample)! } : {}),
      }),
    )) as CytometrySummary;
  }
  let copyNumber: SampleData['copyNumber'] = null;
  if (sample.copyNumber) {
    const c = sample.copyNumber;
    const { readCopyNumber } = await import('../copynumber/index.ts');
    const data = await within('copyNumber.file', c.file, (abs) => readCopyNumber(abs, c.sample !== undefined ? { sample: c.sample } : {}));
    copyNumber = { file: c.file, format: data.format, segments: data.segments, purity: c.purity ?? null, ploidy: c.ploidy ?? null };
  }
  return { sample, variants, regions, cytometry, copyNumber };
}
