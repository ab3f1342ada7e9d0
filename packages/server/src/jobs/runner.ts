/**
 * Runs queued analyses, each in its own worker thread (so a large VCF never blocks the HTTP event loop), a few at a
 * time. Progress goes to the analysis row (the web app polls it). The result and its reports are stored in one
 * transaction when the worker finishes; a failure marks the row failed with the message.
 *
 * After a crash or kill, `recover()` (called on start) puts runs that were `running` back in the queue once
 * ("resumed after a server restart"); a run interrupted again is marked failed, so a run that kills the server
 * cannot loop forever. Nothing half-written can exist: until the final transaction a run has no result.
 */
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import type { ClinicalStore } from '@her2scope/storage/clinical';
import type { AnalysisInput } from '../analysis/input.ts';
import type { FileStore } from '../files.ts';
import type { JobData, WorkerMessage } from './messages.ts';

export interface RunnerOptions {
  concurrency: number;
  /** Attempts before an interrupted run is marked failed (default 2: the first run and one resume). */
  maxAttempts: number;
  /** A run taking longer is stopped and marked failed. */
  timeoutMs: number;
  minDepth?: number;
  /** Print the clinician PDF when a run finishes (issue 17; default true). */
  prerenderPdf?: boolean;
  /** Code version printed on the reports. */
  codeVersion?: string;
  /** Runs one user may have queued or running at once (default 5); more answer 429. */
  perUserLimit?: number;
  /** Runs queued or running in all (default 100); more answer 429. */
  queueLimit?: number;
}

/** Why a new run was refused (the route answers 429 with this). */
export class QueueFullError extends Error {
  constructor(
    readonly code: 'analysis-quota' | 'analysis-queue-full',
    message: string,
  ) {
    super(message);
  }
}

export class JobRunner {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Worker>();
  /** Who asked for each queued or running run (null: the server itself, e.g. examples). */
  private readonly owners = new Map<string, string | null>();
  /** Slots taken by requests that are still creating their run. */
  private readonly reserved = new Map<string | null, number>();
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly store: ClinicalStore,
    private readonly files: FileStore,
    private readonly log: FastifyBaseLogger,
    private readonly options: RunnerOptions,
  ) {}

  /** Resume or fail runs interrupted by a restart, then queue everything waiting. */
  async recover(): Promise<{ resumed: number; failed: number }> {
    let resumed = 0;
    let failed = 0;
    for (const a of await this.store.listAnalysesByStatus(['running'])) {
      if (a.attempts >= this.options.maxAttempts) {
        await this.store.failAnalysis(a.id, `interrupted ${a.attempts} times by a server restart; not retried`);
        failed++;
      } else {
        await this.store.requeueAnalysis(a.id);
        resumed++;
      }
    }
    for (const a of await this.store.listAnalysesByStatus(['queued'])) this.enqueue(a.id, a.requestedBy);
    return { resumed, failed };
  }

  /** Runs queued or running for `owner`, plus its reservations. */
  activeFor(owner: string | null): number {
    let n = this.reserved.get(owner) ?? 0;
    for (const o of this.owners.values()) if (o === owner) n++;
    return n;
  }

  /**
   * Take a slot for a new run (synchronously, so parallel requests cannot all pass the check), or throw
   * QueueFullError. Call `release()` if the run is not created; `enqueue` takes the slot over.
   */
  reserve(owner: string | null): { release(): void } {
    const perUser = this.options.perUserLimit ?? 5;
    const total = this.options.queueLimit ?? 100;
    let reservedAll = 0;
    for (const n of this.reserved.values()) reservedAll += n;
    if (this.owners.size + reservedAll >= total) throw new QueueFullError('analysis-queue-full', `the analysis queue is full (${total} runs queued or running); try again later`);
    if (owner !== null && this.activeFor(owner) >= perUser) throw new QueueFullError('analysis-quota', `you have ${perUser} analyses queued or running; wait for one to finish`);
    this.reserved.set(owner, (this.reserved.get(owner) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const n = (this.reserved.get(owner) ?? 1) - 1;
        if (n > 0) this.reserved.set(owner, n);
        else this.reserved.delete(owner);
      },
    };
  }

  enqueue(id: string, owner: string | null = null, slot?: { release(): void }): void {
    slot?.release();
    if (this.stopped || this.queue.includes(id) || this.running.has(id)) return;
    this.owners.set(id, owner);
    this.queue.push(id);
    this.pump();
  }

  /** Resolves when no run is queued or running (tests). */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop all workers. Their rows stay `running` and are recovered by the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.owners.clear();
    // A slot reserved for a run that has not created its worker yet holds null; that run sees `stopped` and returns.
    await Promise.all([...this.running.values()].filter((w): w is Worker => w !== null).map((w) => w.terminate()));
    this.running.clear();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.queue.length === 0 && this.running.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.options.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      // Reserve the slot before the first await so that pump() never starts more than `concurrency`.
      this.running.set(id, null as unknown as Worker);
      this.runOne(id)
        .catch((e) => this.log.error({ err: e, analysis: id }, 'analysis runner error'))
        .finally(() => {
          this.running.delete(id);
          this.owners.delete(id);
          this.notifyIdle();
          this.pump();
        });
    }
  }

  /** Write a run's printed PDF where the report route looks first (reports/<id>.pdf), atomically. */
  private async runOne(id: string): Promise<void> {
    if (!(await this.store.startAnalysis(id))) return;
    const input = (await this.store.getAnalysisInput(id)) as AnalysisInput;
    const run = await this.store.getAnalysis(id);
    const data: JobData = {
      analysisId: id,
      input,
      dataDir: this.files.dataDir,
      ...(this.options.minDepth ? { minDepth: this.options.minDepth } : {}),
      ...(run ? { analysisVersion: `run ${run.version}` } : {}),
      ...(this.options.codeVersion ? { codeVersion: this.options.codeVersion } : {}),
      prerenderPdf: this.options.prerenderPdf ?? true,
    };
    if (this.stopped) return;
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: data });
    this.running.set(id, worker);
    let lastProgress = 0;
    let pending: Promise<void> = Promise.resolve();
    await new Promise<void>((resolve) => {
      let settled = false;
      const finish = (work: () => Promise<void>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        pending = pending.then(work).catch((e) => this.log.error({ err: e, analysis: id }, 'cannot store analysis outcome'));
        void pending.then(() => worker.terminate()).finally(resolve);
      };
      const timer = setTimeout(() => finish(() => this.store.failAnalysis(id, `stopped after ${Math.round(this.options.timeoutMs / 1000)} s`)), this.options.timeoutMs);
      worker.on('message', (m: WorkerMessage) => {
        if (this.stopped) return;
        if (m.type === 'progress') {
          const t = Date.now();
          if (t - lastProgress < 150) return;
          lastProgress = t;
          pending = pending.then(() => this.store.setAnalysisProgress(id, m.progress, m.message)).catch(() => undefined);
        } else if (m.type === 'done') {
          const pdf = m.pdf;
          // The printed PDF goes into place before the run is marked done, so a download never waits for it.
          finish(async () => {
            if (pdf) await this.files.storeReport(id, 'pdf', pdf);
            await this.store.completeAnalysis(id, m.result, m.reports);
          });
        } else {
          finish(() => this.store.failAnalysis(id, m.message));
        }
      });
      worker.on('error', (e) => {
        if (this.stopped) return resolve();
        finish(() => this.store.failAnalysis(id, `analysis crashed: ${e.message}`));
      });
      worker.on('exit', (code) => {
        if (this.stopped) return resolve();
        finish(() => this.store.failAnalysis(id, `analysis worker exited (code ${code}) without a result`));
      });
    });
  }
}
