/**
 * Read events (patient views, report and file downloads) are written to the audit log in batches: one INSERT of up
 * to 200 rows at most 50 ms after the read, instead of one write per request (the single largest cost of serving
 * a report under load). Changes are never batched: each is audited in the transaction that makes it. The queue is
 * flushed on close; a hard kill can lose at most the last 50 ms of read events, never a change's audit line.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Actor, AuditInput, ClinicalStore } from '@her2scope/storage/clinical';

export class AuditQueue {
  private pending: Array<{ actor: Actor; entry: AuditInput; at: string }> = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ClinicalStore,
    private readonly log: FastifyBaseLogger,
    private readonly delayMs = 50,
    private readonly maxBatch = 200,
  ) {}

  push(actor: Actor, entry: AuditInput): void {
    this.pending.push({ actor, entry, at: new Date().toISOString() });
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.store.recordAuditMany(batch)).catch((e) => this.log.error({ err: e }, `cannot write ${batch.length} audit events`));
    return this.flushing;
  }
}
