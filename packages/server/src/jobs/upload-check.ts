/**
 * Re-read A13: an upload read whole into memory and parsed synchronously (a FlowJo workspace of up to 64 MiB of XML,
 * a FASTA index) would block the HTTP event loop for every user while it is parsed. It is parsed in a worker thread
 * instead, as analyses are (runner.ts), at most `concurrency` at a time (the others wait their turn without blocking).
 * A file that is not readable comes back as the InputError the parser threw, so the route answers 400 naming it.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '@her2scope/core';

/** The kinds checked in a worker thread. */
export type WorkerCheckedKind = 'flowjo-workspace' | 'reference-index';

/** What the check worker gets. */
export interface CheckData {
  kind: WorkerCheckedKind;
  /** The uploaded file (in the data folder's tmp/). */
  path: string;
  /** Its name as uploaded (error messages name it). */
  name: string;
}

/** What the check worker posts back. */
export type CheckMessage = { ok: true } | { ok: false; field: string; detail: string } | { ok: false; message: string };

export class UploadChecker {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly workers = new Set<Worker>();
  private stopped = false;
  /** Told when a check's worker starts and when its answer is in (tests: the event loop answers meanwhile). */
  readonly listeners = new Set<(event: 'start' | 'end', kind: WorkerCheckedKind) => void>();

  constructor(
    private readonly concurrency = 2,
    private readonly timeoutMs = 5 * 60 * 1000,
  ) {}

  /** Parse `path` in a worker thread; resolves when readable, rejects with the parser's InputError otherwise. */
  async check(kind: WorkerCheckedKind, path: string, name: string): Promise<void> {
    await this.slot();
    try {
      const m = await this.run({ kind, path, name });
      if (m.ok) return;
      if ('field' in m) throw new InputError(m.field, m.detail);
      throw new Error(m.message);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Stop every running check (server close): their uploads fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }

  private async slot(): Promise<void> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private run(data: CheckData): Promise<CheckMessage> {
    if (this.stopped) return Promise.reject(new Error('the server is stopping'));
    const worker = new Worker(new URL('./upload-check.mjs', import.meta.url), { workerData: data });
    this.workers.add(worker);
    for (const l of this.listeners) l('start', data.kind);
    return new Promise<CheckMessage>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.workers.delete(worker);
        for (const l of this.listeners) l('end', data.kind);
        f();
        void worker.terminate();
      };
      const timer = setTimeout(() => settle(() => reject(new InputError(data.name, `not checked within ${Math.round(this.timeoutMs / 1000)} s`))), this.timeoutMs);
      worker.once('message', (m: CheckMessage) => settle(() => resolve(m)));
      worker.once('error', (e) => settle(() => reject(e)));
      worker.once('exit', (code) => settle(() => reject(new Error(`upload check worker exited (code ${code}) without an answer`))));
    });
  }
}
