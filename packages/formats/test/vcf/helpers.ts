import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { VariantCall } from '@her2scope/core';
import { bufferSource } from '../../src/vcf/io.ts';
import { openVariantFile, openVariantSource, type VariantFile, type VariantReadOptions } from '../../src/variants/index.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const fixture = (name: string) => join(repoRoot, 'packages', 'formats', 'test', 'fixtures', 'variants', name);
/** /work/shared beside the clone; tests that need it skip when it is absent. */
export const shared = path_(resolve(repoRoot, '..', 'shared', 'data'));
function path_(p: string) {
  return existsSync(p) ? p : null;
}
export const sharedFile = (rel: string) => (shared && existsSync(join(shared, rel)) ? join(shared, rel) : null);

export interface Result {
  calls: VariantCall[];
  file: VariantFile;
}

export async function readPath(path: string, opts: VariantReadOptions = {}): Promise<Result> {
  const file = await openVariantFile(path, opts);
  const calls: VariantCall[] = [];
  for await (const c of file) calls.push(c);
  return { calls, file };
}

export async function readBuffer(data: Buffer | string, name: string, opts: VariantReadOptions = {}, index: Buffer | null = null): Promise<Result> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const file = await openVariantSource(bufferSource(buf, name), opts, index ? bufferSource(index, `${name}.tbi`) : null);
  const calls: VariantCall[] = [];
  for await (const c of file) calls.push(c);
  return { calls, file };
}

/** The error message a read fails with (the test fails when it does not fail). */
export async function errorOf(run: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await run();
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected an error, but the read succeeded');
}

export const text = (name: string) => readFileSync(fixture(name), 'utf8');
export const bytes = (name: string) => readFileSync(fixture(name));
export const gzip = (s: string | Buffer) => gzipSync(typeof s === 'string' ? Buffer.from(s) : s);

/** Short summary of calls for exact comparisons. */
export const brief = (calls: VariantCall[]) => calls.map((c) => `${c.gene} ${c.hgvsp ?? c.hgvsc ?? '-'} ${c.consequence} ${c.chrom}:${c.pos} ${c.ref}>${c.alt} ${c.vaf} ${c.depth} ${c.altCount} ${c.filter} ${c.sample}`);

/** Replace one tab-separated field of the data line starting with `chrom\tpos\t`. */
export function editField(vcf: string, chromPos: string, column: number, value: string | ((old: string) => string)): string {
  const lines = vcf.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${chromPos.replace(':', '\t')}\t`));
  if (i < 0) throw new Error(`no line ${chromPos}`);
  const f = lines[i]!.split('\t');
  f[column] = typeof value === 'function' ? value(f[column]!) : value;
  lines[i] = f.join('\t');
  return lines.join('\n');
}

/** 1-based line number of the data line at chrom:pos. */
export function lineOf(vcf: string, chromPos: string): number {
  return vcf.split('\n').findIndex((l) => l.startsWith(`${chromPos.replace(':', '\t')}\t`)) + 1;
}
