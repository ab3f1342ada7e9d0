/**
 * The patient page (`GET /api/patients/:id`) as ready-to-send JSON, per patient. Building it takes seven queries,
 * the classification of every sample and the parse and re-serialisation of the latest result (tens of KB), which
 * made it the slowest read under load (p95 540 ms at 64 connections). Every committed change that can alter a page
 * is reported by the store (`ClinicalStore.onChange`), which drops that patient's page; a page built while any
 * change happened is not kept (a global generation counter), so a cached page is never older than the last change
 * made through this process. One server process per database (docs/server.md), so no change bypasses it; entries
 * also expire after `ttlMs` as a backstop.
 */
import type { ClinicalChange, ClinicalStore } from '@her2scope/storage/clinical';

export class PatientPageCache {
  private readonly pages = new Map<string, { body: string; until: number; entities: string[] }>();
  /** Sample and analysis ids -> their patient, for changes that name only those. */
  private readonly owner = new Map<string, string>();
  private generation = 0;
  private bytes = 0;

  constructor(
    store: ClinicalStore,
    private readonly ttlMs = 60_000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {
    store.onChange((c) => this.invalidate(c));
  }

  /** The current generation: pass it to `set` so that a page built across a change is not kept. */
  get gen(): number {
    return this.generation;
  }

  get(patientId: string): string | null {
    const hit = this.pages.get(patientId);
    if (!hit) return null;
    if (hit.until <= Date.now()) {
      this.drop(patientId);
      return null;
    }
    return hit.body;
  }

  set(patientId: string, body: string, entities: string[], builtAtGen: number): void {
    if (builtAtGen !== this.generation) return;
    this.drop(patientId);
    this.pages.set(patientId, { body, until: Date.now() + this.ttlMs, entities });
    for (const e of entities) this.owner.set(e, patientId);
    this.bytes += body.length;
    for (const key of this.pages.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(key);
    }
  }

  private invalidate(c: ClinicalChange): void {
    this.generation++;
    const patientId = c.patientId ?? (c.type === 'patient' ? c.id : this.owner.get(c.id));
    if (patientId) this.drop(patientId);
  }

  private drop(patientId: string): void {
    const hit = this.pages.get(patientId);
    if (!hit) return;
    this.pages.delete(patientId);
    this.bytes -= hit.body.length;
    for (const e of hit.entities) this.owner.delete(e);
  }
}
