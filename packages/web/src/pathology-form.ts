/**
 * The pathology form's values -> the API's pathology object, and the live classification shown while typing. The
 * classification is the core engine itself (bundled into the app), so what the form shows is what the server
 * stores; the server validates again on save.
 */
import { classifyPathology, parsePathologyInput, type ClassificationResult, type PathologyInput } from '@her2scope/core/classification';

export interface PathologyFormValues {
  ihc: string;
  stainedPercent: string;
  ishProbe: string;
  ishHer2: string;
  ishCep17: string;
  ishRatio: string;
  erPercent: string;
  prPercent: string;
  ki67: string;
}

export const EMPTY_PATHOLOGY_FORM: PathologyFormValues = { ihc: '', stainedPercent: '', ishProbe: '', ishHer2: '', ishCep17: '', ishRatio: '', erPercent: '', prPercent: '', ki67: '' };

/** A typed number, or undefined when empty; text that is not a number stays as text so the validator names it. */
function num(v: string): number | string | undefined {
  const s = v.trim();
  if (s === '') return undefined;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : s;
}

export function formToPathology(v: PathologyFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const her2: Record<string, unknown> = {};
  if (v.ihc) her2.ihc = v.ihc;
  const sp = num(v.stainedPercent);
  if (sp !== undefined) her2.stainedPercent = sp;
  const ish: Record<string, unknown> = {};
  if (v.ishProbe) ish.probe = v.ishProbe;
  for (const [k, raw] of [['her2', v.ishHer2], ['cep17', v.ishCep17], ['ratio', v.ishRatio]] as const) {
    const n = num(raw);
    if (n !== undefined) ish[k] = n;
  }
  if (Object.keys(ish).length) her2.ish = ish;
  if (Object.keys(her2).length) out.her2 = her2;
  const er = num(v.erPercent);
  if (er !== undefined) out.er = { percent: er };
  const pr = num(v.prPercent);
  if (pr !== undefined) out.pr = { percent: pr };
  const ki = num(v.ki67);
  if (ki !== undefined) out.ki67 = ki;
  return out;
}

/** The saved pathology object back into form values (percent forms only; Allred / H-score are shown as entered). */
export function pathologyToForm(p: Record<string, unknown> | null | undefined): PathologyFormValues {
  const v = { ...EMPTY_PATHOLOGY_FORM };
  if (!p) return v;
  const her2 = (p.her2 ?? {}) as Record<string, unknown>;
  const ish = (her2.ish ?? {}) as Record<string, unknown>;
  const s = (x: unknown): string => {
    const text: unknown = x ?? '';
    return String(text);
  };
  v.ihc = s(her2.ihc);
  v.stainedPercent = s(her2.stainedPercent);
  v.ishProbe = s(ish.probe);
  v.ishHer2 = s(ish.her2);
  v.ishCep17 = s(ish.cep17);
  v.ishRatio = s(ish.ratio);
  v.erPercent = s((p.er as Record<string, unknown> | undefined)?.percent);
  v.prPercent = s((p.pr as Record<string, unknown> | undefined)?.percent);
  v.ki67 = s(p.ki67);
  return v;
}

export type LiveClassification = { ok: true; input: PathologyInput; result: ClassificationResult } | { ok: false; field: string; message: string } | { ok: 'empty' };

export function classifyForm(v: PathologyFormValues): LiveClassification {
  const obj = formToPathology(v);
  if (Object.keys(obj).length === 0) return { ok: 'empty' };
  try {
    const input = parsePathologyInput(obj);
    return { ok: true, input, result: classifyPathology(input) };
  } catch (e) {
    // The core's InputError (checked by name: importing the core's root would bundle all of it).
    const err = e as Error & { field?: string };
    if (err.name === 'InputError') return { ok: false, field: err.field ?? '', message: err.message };
    throw e;
  }
}
