/**
 * Loads the knowledge base from its versioned data files (data/manifest.json lists them) and validates it with the
 * core schema. The version reported with every analysis is the manifest's version.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CivicOverrideSchema,
  DrugClassFileSchema,
  KbEntrySchema,
  KnowledgeBaseSchema,
  OncogenicityFileSchema,
  zodToInputError,
  type CivicOverride,
  type KbEntry,
  type KnowledgeBase,
} from '@her2scope/core';
import { z } from 'zod';

export const KB_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');

const ManifestSchema = z.object({
  version: z.string(),
  files: z.array(z.string()),
  sources: KnowledgeBaseSchema.shape.sources,
});

const FileSchema = z.object({ entries: z.array(KbEntrySchema) }).passthrough();

/** data/civic-overrides.json: `{ "overrides": [...] }` (or a bare list). */
const OverrideFileSchema = z.union([z.array(CivicOverrideSchema), z.object({ overrides: z.array(CivicOverrideSchema) }).passthrough().transform((f) => f.overrides)]);

/** Files with a fixed role (whether or not the manifest lists them): the overrides when present; the other two always. */
export const SPECIAL_FILES = { overrides: 'civic-overrides.json', oncogenicity: 'oncogenicity.json', drugClasses: 'drug-classes.json' } as const;

const LEVELS = ['A', 'B', 'C', 'D', 'E'] as const;

/** CIViC release date from the manifest's source version ("01-Aug-2021" -> "2021-08-01"), for items without one. */
export function civicReleaseDate(version: string): string | undefined {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{4})$/.exec(version.trim());
  if (!m) return /^\d{4}-\d{2}-\d{2}$/.test(version.trim()) ? version.trim() : undefined;
  const month = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(m[2]!.toLowerCase()) + 1;
  return month > 0 ? `${m[3]}-${String(month).padStart(2, '0')}-${m[1]}` : undefined;
}

/**
 * Apply curated overrides to the imported CIViC items: `exclude` drops the item; `context` sets its clinical context
 * (replacing what the disease name implied), caps its levels at `maxLevel`, and records the review (reason and
 * citations) on the entry. An override naming an item that is not in the KB is an error (stale data).
 */
export function applyCivicOverrides(entries: KbEntry[], overrides: readonly CivicOverride[], where: string): KbEntry[] {
  const byId = new Map(overrides.map((o) => [`civic:${o.evidenceId}`, o]));
  const seen = new Set<string>();
  const out: KbEntry[] = [];
  for (const e of entries) {
    const o = byId.get(e.id);
    if (!o || e.origin !== 'civic') {
      out.push(e);
      continue;
    }
    seen.add(e.id);
    if (o.action === 'exclude') continue;
    const cap = o.maxLevel;
    const therapies = cap ? e.therapies.map((t) => (LEVELS.indexOf(t.level) < LEVELS.indexOf(cap) ? { ...t, level: cap } : t)) : e.therapies;
    out.push({ ...e, context: o.context ?? e.context, therapies, review: { reason: o.reason, citations: o.citations, ...(cap ? { maxLevel: cap } : {}) } });
  }
  for (const id of byId.keys()) if (!seen.has(id)) throw new Error(`${where}: override for ${id.slice(6)}, which is not a CIViC item of the KB`);
  return out;
}

const cache = new Map<string, KnowledgeBase>();

/** Load and validate the KB in `dir` (default: the bundled data). Errors name the file and the entry path. */
export function loadKnowledgeBase(dir: string = KB_DATA_DIR): KnowledgeBase {
  const cached = cache.get(dir);
  if (cached) return cached;
  const readJson = (file: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      throw new Error(`${join(dir, file)}: ${(e as Error).message}`);
    }
  };
  const manifest = ManifestSchema.parse(readJson('manifest.json'));
  let entries: KnowledgeBase['entries'] = [];
  const special = new Set<string>(Object.values(SPECIAL_FILES));
  const parse = <T>(file: string, schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(readJson(file));
    if (!parsed.success) throw new Error(`${join(dir, file)}: ${zodToInputError(parsed.error).message}`);
    return parsed.data;
  };
  for (const file of manifest.files) {
    if (special.has(file)) continue;
    entries.push(...parse(file, FileSchema).entries);
  }
  // CIViC items carry the release date of the import when the data does not give one.
  const civicSource = manifest.sources.find((s) => /civic/i.test(s.name));
  const civicDate = civicSource ? civicReleaseDate(civicSource.version) : undefined;
  if (civicDate) entries = entries.map((e) => (e.origin === 'civic' && !e.sourceDate ? { ...e, sourceDate: civicDate } : e));
  const has = (file: string) => existsSync(join(dir, file));
  if (has(SPECIAL_FILES.overrides)) entries = applyCivicOverrides(entries, parse(SPECIAL_FILES.overrides, OverrideFileSchema), join(dir, SPECIAL_FILES.overrides));
  // Both are required: without the oncogenicity rules every variant would be a VUS, and without the drug classes the
  // safety gates keyed on them (PARP inhibitors need a germline BRCA; endocrine therapy needs HR-positive disease)
  // would silently stop applying. A knowledge base missing one is refused, never run open.
  for (const f of [SPECIAL_FILES.oncogenicity, SPECIAL_FILES.drugClasses]) if (!has(f)) throw new Error(`${join(dir, f)}: missing; the knowledge base needs it (see CONTRIBUTING.md)`);
  const oncogenicity = parse(SPECIAL_FILES.oncogenicity, OncogenicityFileSchema);
  const drugClasses = parse(SPECIAL_FILES.drugClasses, DrugClassFileSchema);
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) throw new Error(`${dir}: duplicate KB entry id ${e.id}`);
    ids.add(e.id);
  }
  const kb = KnowledgeBaseSchema.parse({ version: manifest.version, sources: manifest.sources, entries, oncogenicity, drugClasses });
  cache.set(dir, kb);
  return kb;
}

export { importCivicFile, readOncotreeNames } from './civic-import.ts';
