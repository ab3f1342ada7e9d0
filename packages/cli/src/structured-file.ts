import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.ts';

/**
 * Read a JSON or YAML file (YAML is a superset of JSON, so one parser serves both). Errors name the file and line.
 */
export async function readStructuredFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read file (${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message})`);
  }
  // Loaded here, not at the top: `classify` with flags only must not pay for the YAML parser at start-up.
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    throw new UsageError(`${path}${line ? `:${line}` : ''}: not valid YAML/JSON: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}
