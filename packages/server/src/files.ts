/**
 * The server's file area (`dataDir`): uploaded files, content-addressed by SHA-256 (`files/ab/<sha256><ext>`), and
 * cached PDF reports. An upload streams to `tmp/<uuid>.part` while it is hashed and counted (never buffered in
 * memory), is flushed to disk, then renamed into place; only then is its database row written. A crash at any
 * point leaves either nothing or an unreferenced blob, which `init()` removes on the next start.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http-error.ts';

/** Extensions kept on stored files so that readers can use them as a hint; anything else is stored without one. */
const EXTENSIONS = ['.call.cns', '.cns', '.seg', '.bam', '.cram', '.bai', '.csi', '.crai', '.fai', '.fa', '.fasta', '.vcf.gz', '.vcf.bgz', '.maf.gz', '.bed.gz', '.vcf', '.maf', '.txt', '.tsv', '.csv', '.bed', '.fcs', '.lmd', '.yaml', '.yml', '.json', '.xml', '.wsp'];

export function storedExtension(originalName: string): string {
  const lower = originalName.toLowerCase();
  return EXTENSIONS.find((e) => lower.endsWith(e)) ?? '';
}

export interface ReceivedFile {
  tmpPath: string;
  size: number;
  sha256: string;
}

export class FileStore {
  readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  private get tmpDir() {
    return join(this.dataDir, 'tmp');
  }

  /**
   * Prepare the folders and clean up after a crash: delete partial uploads and blobs no database row refers to
   * (an upload killed between its rename and its row).
   */
  async init(referenced: Set<string>): Promise<{ partials: number; orphans: number }> {
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(join(this.dataDir, 'files'), { recursive: true });
    const reportsDir = join(this.dataDir, 'reports');
    await mkdir(reportsDir, { recursive: true });
    let partials = 0;
    for (const name of await readdir(this.tmpDir)) {
      await rm(join(this.tmpDir, name), { force: true, recursive: true });
      partials++;
    }
    // A report being written when the server stopped (storeReport's partial file).
    for (const name of await readdir(reportsDir)) {
      if (!name.startsWith('.') || !name.endsWith('.part')) continue;
      await rm(join(reportsDir, name), { force: true });
      partials++;
    }
    let orphans = 0;
    const filesDir = join(this.dataDir, 'files');
    for (const sub of await readdir(filesDir)) {
      const dir = join(filesDir, sub);
      if (!(await stat(dir)).isDirectory()) continue;
      for (const name of await readdir(dir)) {
        const rel = relative(this.dataDir, join(dir, name)).split(sep).join('/');
        if (!referenced.has(rel)) {
          await rm(join(dir, name), { force: true });
          orphans++;
        }
      }
    }
    return { partials, orphans };
  }

  absolute(storagePath: string): string {
    if (storagePath.includes('..') || storagePath.startsWith('/')) throw new Error('bad storage path');
    return join(this.dataDir, ...storagePath.split('/'));
  }

  /** Stream `source` to a temp file, hashing and counting it; more than `limitBytes` is a 413 and leaves nothing. */
  async receive(source: Readable, limitBytes: number): Promise<ReceivedFile> {
    const tmpPath = join(this.tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > limitBytes) throw new HttpError(413, 'too-large', `file is larger than the upload limit (${limitBytes} bytes)`);
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(tmpPath, { flags: 'wx' }),
      );
      const fh = await open(tmpPath, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      await rm(tmpPath, { force: true });
      throw e;
    }
    return { tmpPath, size, sha256: hash.digest('hex') };
  }

  /**
   * Move a received file to its content address (an identical blob already there is reused). `extension` (e.g.
   * `.bam`, from the file's content) overrides the one taken from the name.
   */
  async commit(received: ReceivedFile, originalName: string, extension?: string): Promise<string> {
    if (extension !== undefined && !/^\.[a-z]+$/.test(extension)) throw new Error('bad stored extension');
    const storagePath = `files/${received.sha256.slice(0, 2)}/${received.sha256}${extension ?? storedExtension(originalName)}`;
    const abs = this.absolute(storagePath);
    await mkdir(join(abs, '..'), { recursive: true });
    await rename(received.tmpPath, abs);
    return storagePath;
  }

  async discard(received: ReceivedFile): Promise<void> {
    await rm(received.tmpPath, { force: true });
  }

  /** Copy a local file into the store (used to load the bundled examples). */
  async importLocal(path: string, originalName: string): Promise<{ storagePath: string; size: number; sha256: string }> {
    const received = await this.receive(createReadStream(path), Number.MAX_SAFE_INTEGER);
    const storagePath = await this.commit(received, originalName);
    return { storagePath, size: received.size, sha256: received.sha256 };
  }

  reportPath(analysisId: string, format: string): string {
    if (!/^[0-9a-f-]{36}$/.test(analysisId) || !/^[a-z]+$/.test(format)) throw new Error('bad report id');
    return join(this.dataDir, 'reports', `${analysisId}.${format}`);
  }

  /**
   * Keep a rendered report (`reports/<analysisId>.<format>`) atomically: the partial file sits beside its final name
   * (same file system, atomic rename), never in the shared tmp/, and is removed if the rename fails.
   */
  async storeReport(analysisId: string, format: string, bytes: Uint8Array): Promise<void> {
    const path = this.reportPath(analysisId, format);
    const tmp = join(this.dataDir, 'reports', `.${randomUUID()}.${format}.part`);
    await writeFile(tmp, bytes);
    await rename(tmp, path).catch(async (e: unknown) => {
      await rm(tmp, { force: true });
      throw e;
    });
  }
}
