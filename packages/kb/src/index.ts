/**
 * Loads the knowledge base from its versioned data files (data/manifest.json lists them) and validates it with the
 * core schema. The version reported with every analysis is the manifest's version.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KbEntrySchema, KnowledgeBaseSchema, zodToInputError, type KnowledgeBase } from '@her2scope/core';
import { z } from 'zod';

export const KB_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');

const ManifestSchema = z.object({
  version: z.string(),
  files: z.array(z.string()),
  sources: KnowledgeBaseSchema.shape.sources,
});

const FileSchema = z.object({ entries: z.array(KbEntrySchema) }).passthrough();

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
  const entries: KnowledgeBase['entries'] = [];
  for (const file of manifest.files) {
    const parsed = FileSchema.safeParse(readJson(file));
    if (!parsed.success) throw new Error(`${join(dir, file)}: ${zodToInputError(parsed.error).message}`);
    entries.push(...parsed.data.entries);
  }
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) throw new Error(`${dir}: duplicate KB entry id ${e.id}`);
    ids.add(e.id);
  }
  const kb = KnowledgeBaseSchema.parse({ version: manifest.version, sources: manifest.sources, entries });
  cache.set(dir, kb);
  return kb;
}

export { importCivicFile, readOncotreeNames } from './civic-import.ts';
