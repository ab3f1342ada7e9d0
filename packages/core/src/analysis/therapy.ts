/**
 * Therapy options for the latest sample, ranked by evidence level (CIViC scale A-E, see kb/schema.ts), with the
 * reasons and citations behind each, and resistance warnings when the same sample carries resistance evidence for
 * one of an option's drugs (e.g. ERBB2 T798I and neratinib).
 */
import type { Citation, EvidenceLevel } from '../kb/schema.ts';
import type { EvidenceRef, Finding, ResistanceWarning, SampleAnalysis, TherapyOption } from './types.ts';

const LEVEL_ORDER: Record<EvidenceLevel, number> = { A: 0, B: 1, C: 2, D: 3, E: 4 };

interface Basis {
  label: string;
  evidence: EvidenceRef[];
}

/** The evidence to act on: the latest sample's, or for a modality it lacks, the most recent sample that has it. */
function basisForLatest(samples: SampleAnalysis[]): Basis[] {
  const latest = samples[samples.length - 1]!;
  const bases: Basis[] = [];
  const sequenced = [...samples].reverse().find((s) => s.sequenced);
  if (sequenced) {
    const note = sequenced.id === latest.id ? '' : ` (latest sequenced sample, ${sequenced.collected})`;
    for (const f of sequenced.findings) bases.push({ label: findingLabel(f) + note, evidence: f.evidence });
  }
  // HER2-category evidence from the latest classified sample; stem-cell evidence from the latest cytometry.
  const classified = [...samples].reverse().find((s) => s.classification !== null);
  const cytometry = [...samples].reverse().find((s) => s.cytometry !== null);
  for (const [source, stemCells] of [[classified, false], [cytometry, true]] as const) {
    if (!source) continue;
    const note = source.id === latest.id ? '' : ` (from ${source.id}, ${source.collected})`;
    for (const e of source.statusEvidence) {
      if ((e.alterationKind === 'her2-stem-cells') !== stemCells) continue;
      bases.push({ label: `${e.alteration}${note}`, evidence: [e] });
    }
  }
  return bases;
}

function findingLabel(f: Finding): string {
  const vaf = f.vaf !== null ? `, VAF ${f.vaf.toFixed(2)}` : '';
  return `${f.gene} ${f.alteration} (${f.origin}${vaf})`;
}

function addCitations(into: Citation[], more: readonly Citation[]): void {
  for (const c of more) if (!into.some((x) => x.type === c.type && x.id === c.id)) into.push(c);
}

export function therapyOptionsFor(samples: SampleAnalysis[]): { options: TherapyOption[]; resistance: ResistanceWarning[] } {
  if (samples.length === 0) return { options: [], resistance: [] };
  const options = new Map<string, TherapyOption>();
  /** Which findings support each option: resistance from the same finding is what a combination overcomes. */
  const supportedBy = new Map<string, Set<string>>();
  const resistance: ResistanceWarning[] = [];
  const resistanceBasis = new Map<ResistanceWarning, string>();
  for (const basis of basisForLatest(samples)) {
    for (const ev of basis.evidence) {
      if (ev.context === 'does-not-fit') continue;
      const caveat = ev.context === 'unknown' ? ' [receptor context not determined for this sample]' : '';
      for (const t of ev.therapies) {
        const cite = `${ev.id}, level ${t.level}`;
        if (t.direction === 'resistance') {
          const w = { therapy: t.name, drugs: t.drugs, level: t.level, reason: `${basis.label}: resistance (${cite})${caveat}`, citations: ev.citations };
          resistance.push(w);
          resistanceBasis.set(w, basis.label);
          continue;
        }
        // One option per drug set, whatever order a source lists the drugs in.
        const key = [...t.drugs].map((d) => d.toLowerCase()).sort().join(' + ');
        let o = options.get(key);
        if (!o) {
          o = { therapy: t.name, drugs: [...t.drugs], level: t.level, reasons: [], citations: [], warnings: [] };
          options.set(key, o);
          supportedBy.set(key, new Set());
        }
        supportedBy.get(key)!.add(basis.label);
        if (LEVEL_ORDER[t.level] < LEVEL_ORDER[o.level]) o.level = t.level;
        const reason = `${basis.label}: ${ev.summary.length > 240 ? `${ev.summary.slice(0, 237)}...` : ev.summary} (${cite})${caveat}`;
        if (!o.reasons.includes(reason)) o.reasons.push(reason);
        addCitations(o.citations, ev.citations);
      }
    }
  }
  for (const [key, o] of options) {
    for (const r of resistance) {
      if (supportedBy.get(key)!.has(resistanceBasis.get(r)!)) continue;
      const shared = r.drugs.filter((d) => o.drugs.includes(d));
      if (shared.length) o.warnings.push(`${shared.join(', ')}: ${r.reason}`);
    }
    o.reasons.sort();
  }
  const ranked = [...options.values()].sort(
    (a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.warnings.length - b.warnings.length || b.reasons.length - a.reasons.length || a.therapy.localeCompare(b.therapy),
  );
  resistance.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.therapy.localeCompare(b.therapy) || a.reason.localeCompare(b.reason));
  return { options: ranked, resistance };
}
