/**
 * Loads a case file (YAML or JSON) and everything it references — variant files (VCF/MAF), sequenced-region BEDs,
 * cytometry files — into the core's `CaseData`. Relative paths resolve against the case file's folder. Errors name
 * the case file and the path inside it (`samples[1].variants.file`), or the referenced file, line and field.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { classifyPathology, parseCaseFile, InputError, isoDay, timelineIssues, type CaseData, type CaseFile, type CaseSample, type CytometrySummary, type SampleData } from '@her2scope/core';
import { LineCounter, parseDocument } from 'yaml';
import { readBed } from '../bed/index.ts';
import { readVariantCalls } from '../variants/index.ts';

export interface LoadCaseOptions {
  /** Called with a short message before each referenced file is read. */
  onProgress?: (message: string) => void;
}

/**
 * Parse a case file's text (YAML or JSON); errors carry the file and line. The dates are checked too (core
 * timelineIssues: none after `today`, none before the birth year, end >= start); `today` defaults to the clock.
 */
export function parseCaseText(text: string, path: string, today: string = isoDay(new Date())) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    throw new InputError(`${path}${line ? `:${line}` : ''}`, `not valid YAML/JSON: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  let parsed: ReturnType<typeof parseCaseFile>;
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
  return { case: caseFile, samples };
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
  return { sample, variants, regions, cytometry };
}
