/**
 * Read events (patient views, report and file downloads) and refusals without a session or CSRF token are written
 * to the audit log in batches and COALESCED, so that one client's repeated reads cannot grow the log without
 * bound (issue 12):
 *
 * - The first event of a kind (same user, address, action, record and outcome) is written at once: one INSERT of up
 *   to 200 lines at most 50 ms after the request.
 * - Repeats of it within the window (default 15 min) are only counted; when the window closes (or the server stops,
 *   or an admin reads the log) they are written as ONE line whose `count` is the number of repeats.
 * So a viewer reloading a patient page 100 000 times in 15 minutes adds two lines, not 100 000.
 *
 * Changes are never batched or coalesced: each is audited in the transaction that makes it. A hard kill can lose
 * the last 50 ms of first events and the repeat counts of open windows, never a change's audit line.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Actor, AuditInput, ClinicalStore } from '@her2scope/storage/clinical';

interface Line {
  actor: Actor;
  entry: AuditInput;
  at: string;
  count: number;
}

interface Window {
  actor: Actor;
  entry: AuditInput;
  /** Repeats counted since the first event (not yet written). */
  repeats: number;
  lastAt: string;
  until: number;
}

export class AuditQueue {
  private pending: Line[] = [];
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | null = null;
  private readonly sweeper: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ClinicalStore,
    private readonly log: FastifyBaseLogger,
    private readonly options: { delayMs?: number; maxBatch?: number; windowMs?: number; maxWindows?: number } = {},
  ) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), Math.min(this.windowMs, 60_000));
    this.sweeper.unref();
  }

  private get windowMs() {
    return this.options.windowMs ?? 15 * 60 * 1000;
  }

  push(actor: Actor, entry: AuditInput): void {
    const t = Date.now();
    const at = new Date(t).toISOString();
    const key = JSON.stringify([actor.userId, actor.username, actor.ip, entry.action, entry.entityType ?? null, entry.entityId ?? null, entry.outcome ?? 'ok']);
    const w = this.windows.get(key);
    if (w && w.until > t) {
      w.repeats++;
      w.lastAt = at;
      return;
    }
    if (w) this.closeWindow(key, w);
    if (this.windows.size >= (this.options.maxWindows ?? 10_000)) for (const [k, v] of this.windows) this.closeWindow(k, v);
    this.windows.set(key, { actor, entry, repeats: 0, lastAt: at, until: t + this.windowMs });
    this.add({ actor, entry, at, count: 1 });
  }

  /** Write what is pending; with `all`, also the repeat counts of open windows (server stop, audit log reads). */
  flush(options: { all?: boolean } = {}): Promise<void> {
    if (options.all) for (const [k, v] of this.windows) this.closeWindow(k, v);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.store.recordAuditMany(batch)).catch((e) => this.log.error({ err: e }, `cannot write ${batch.length} audit events`));
    return this.flushing;
  }

  /** Stop the sweeper and write everything. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.flush({ all: true });
  }

  private sweep(t: number): void {
    for (const [k, v] of this.windows) if (v.until <= t) this.closeWindow(k, v);
  }

  private closeWindow(key: string, w: Window): void {
    this.windows.delete(key);
    if (w.repeats > 0) this.add({ actor: w.actor, entry: w.entry, at: w.lastAt, count: w.repeats });
  }

  private add(line: Line): void {
    this.pending.push(line);
    if (this.pending.length >= (this.options.maxBatch ?? 200)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.delayMs ?? 50);
  }
}
