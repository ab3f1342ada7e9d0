/**
 * The patient summary card's content, derived from one stored analysis (pure, tested). Everything shown comes from
 * the analysis result; nothing is recomputed here: HER2/ER/PR per sample with the IHC score and ISH group/ratio the
 * classification used, receptor conversions and variant events (acquired, lost, emerging) as the analysis reported
 * them with VAF and the treatments given before, and the first three ranked options. Only the result's fields are
 * read (a change's `gene` / `alteration` / `findingId`, the HER2 result's `ihc`), never its prose.
 */
import type { AnalysisResult, Change, ClassificationResult, TherapyOption } from '@her2scope/core';
import type { AnalysisRecord } from './types.ts';
import { levelText } from './format.ts';

export interface SummarySample {
  id: string;
  type: string;
  site: string;
  collected: string;
  /** HER2 category, or "not tested" / "no pathology". */
  her2: string;
  her2Category: string | null;
  /** "IHC 1+" (the HER2 result's `ihc`), else null. */
  ihc: string | null;
  /** "ISH group 4, ratio 1.77" (dual probe), else null. */
  ish: string | null;
  er: string;
  pr: string;
}

export type EventKind = 'acquired' | 'lost' | 'emerging';

export interface SummaryEvent {
  kind: EventKind;
  /** "ERBB2 p.L755S" (the change's gene and alteration). */
  label: string;
  /** The finding the change is about (its evidence opens in the drawer); null when the analysis names none. */
  findingId: string | null;
  /** The sample where it was found (acquired, emerging) or where it was no longer found (lost). */
  sample: string;
  /** The sample it is compared with. */
  versus: string;
  /** "VAF 0.31" (acquired/emerging: the later VAF; lost: the earlier VAF). */
  vaf: string;
  /** Treatments between the two samples: "letrozole, 33 months". */
  exposure: string[];
  detail: string;
}

export interface SummaryConversion {
  marker: 'HER2' | 'ER' | 'PR';
  from: string;
  to: string;
  fromSample: string;
  toSample: string;
  exposure: string[];
  detail: string;
}

export interface SummaryOption {
  rank: number;
  therapy: string;
  level: string;
  /** The level as shown: "A", or "A if ISH confirms" for an option pending confirmation (core analysis/display.ts). */
  levelText: string;
  setting: string | null;
  context: TherapyOption['context'];
  warnings: string[];
}

export interface PatientSummary {
  samples: SummarySample[];
  conversions: SummaryConversion[];
  events: SummaryEvent[];
  options: SummaryOption[];
  moreOptions: number;
  analysis: { version: number; date: string; kbVersion: string; codeVersion: string };
}

/** `IHC 2+` from the HER2 result's `ihc`; null when IHC was not given (or an analysis older than the field). */
export function ihcScore(c: ClassificationResult | null): string | null {
  const ihc = c?.her2?.ihc;
  return ihc ? `IHC ${ihc}` : null;
}

function receptor(r: { status: string; percent: number | null } | undefined): string {
  if (!r) return 'no pathology';
  if (r.status === 'not-tested') return 'not tested';
  return `${r.status}${r.percent !== null ? ` (${r.percent}%)` : ''}`;
}

function exposureText(c: Change): string[] {
  return c.afterTreatments.map((t) => `${t.drug}, ${t.months} month${t.months === 1 ? '' : 's'}`);
}

const EVENT_KIND: Record<string, EventKind> = { 'acquired-variant': 'acquired', 'lost-variant': 'lost', 'emerging-variant': 'emerging' };
const CONVERSION: Record<string, SummaryConversion['marker']> = { 'her2-conversion': 'HER2', 'er-conversion': 'ER', 'pr-conversion': 'PR' };

/** "ERBB2 p.L755S": the change's gene and alteration; "variant" when it names neither (an analysis older than the fields). */
export function eventLabel(c: Pick<Change, 'gene' | 'alteration'>): string {
  return [c.gene, c.alteration].filter((x) => typeof x === 'string' && x !== '').join(' ') || 'variant';
}

export function buildSummary(result: AnalysisResult, analysis: Pick<AnalysisRecord, 'version' | 'createdAt' | 'finishedAt' | 'kbVersion' | 'codeVersion'>, top = 3): PatientSummary {
  const samples = result.samples.map((s): SummarySample => {
    const c = s.classification;
    const h = c?.her2 ?? null;
    return {
      id: s.id,
      type: s.type,
      site: s.site,
      collected: s.collected,
      her2: !c ? 'no pathology' : h ? h.category : 'not tested',
      her2Category: h?.category ?? null,
      ihc: ihcScore(c),
      ish: h && h.ishGroup !== null ? `ISH group ${h.ishGroup}${h.ishRatioText ? `, ratio ${h.ishRatioText}` : ''}` : h?.ishRatioText ? `ISH ratio ${h.ishRatioText}` : null,
      er: c ? receptor(c.er) : 'no pathology',
      pr: c ? receptor(c.pr) : 'no pathology',
    };
  });
  // The change kinds are read as strings: a newer analysis may report kinds (e.g. `emerging-variant`) this build
  // does not know as types.
  const changes = result.changes as Array<Change & { kind: string }>;
  const events: SummaryEvent[] = [];
  const conversions: SummaryConversion[] = [];
  for (const c of changes) {
    const kind = EVENT_KIND[c.kind];
    const marker = CONVERSION[c.kind];
    if (kind) {
      events.push({
        kind,
        label: eventLabel(c),
        findingId: c.findingId ?? null,
        sample: c.toSample,
        versus: c.fromSample,
        vaf: kind === 'lost' ? c.from : c.to,
        exposure: exposureText(c),
        detail: c.detail,
      });
    } else if (marker) {
      conversions.push({ marker, from: c.from, to: c.to, fromSample: c.fromSample, toSample: c.toSample, exposure: exposureText(c), detail: c.detail });
    }
  }
  const order: Record<EventKind, number> = { acquired: 0, emerging: 1, lost: 2 };
  events.sort((a, b) => order[a.kind] - order[b.kind]);
  const options = result.therapyOptions.slice(0, top).map((o, i): SummaryOption => ({ rank: i + 1, therapy: o.therapy, level: o.level, levelText: levelText(o), setting: o.setting, context: o.context, warnings: o.warnings }));
  return {
    samples,
    conversions,
    events,
    options,
    moreOptions: Math.max(0, result.therapyOptions.length - options.length),
    analysis: { version: analysis.version, date: humanDateTime(analysis.finishedAt ?? analysis.createdAt), kbVersion: analysis.kbVersion, codeVersion: analysis.codeVersion },
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2 Dec 2026, 01:16 UTC" from an ISO timestamp; the input unchanged when it is not one. */
export function humanDateTime(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  if (!month) return iso;
  const date = `${Number(m[3])} ${month} ${m[1]}`;
  return m[4] !== undefined ? `${date}, ${m[4]}:${m[5]} UTC` : date;
}
