/**
 * The clinician report: one self-contained HTML page (inline CSS and SVG, no script, no external resource; a
 * Content-Security-Policy forbids both), printable to PDF. Every value from the analysis is escaped with `esc`.
 */
import { excludedItemText, notApplicable, optionLevelText, type AnalysisResult, type Citation, type EvidenceRef, type Finding, type ReceptorResult, type SampleAnalysis } from '@her2scope/core';
import { citationUrl, erLabel, esc, her2Label, latestSample, LEVEL_MEANING, ORIGIN_LABEL, percentText, prLabel, SEX_LABEL, vafText } from './common.ts';
import { renderCytometryBarsSvg, renderTimelineSvg } from './plots.ts';
import { copyNumberHtml, ctdnaHtml, readEvidenceHtml } from './longitudinal.ts';

export interface RenderOptions {
  /** When the report was generated; left out of the output when not given (renderers stay deterministic). */
  generatedAt?: Date;
  /** The analysis run (server: "run 3 of patient"), printed with the versions. */
  analysisVersion?: string;
  /** Code version that made the analysis. */
  codeVersion?: string;
  /** Pathology sign-off per sample id ("signed by dr-x on 2 Dec 2026", "not signed"); absent: not recorded. */
  signOff?: Record<string, string>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A date as people read it: `2 Mar 2016` (from YYYY-MM-DD or an ISO timestamp; UTC). */
export function humanDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export const BASE_CSS = `
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:13px;line-height:1.45;color:#222;margin:0 auto;max-width:1000px;padding:16px 24px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:2px solid #2166ac;padding-bottom:3px}
h3{font-size:14px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eef3f8}tr{break-inside:avoid;page-break-inside:avoid}
.notice{background:#fff4e5;border:1px solid #f0a030;padding:6px 10px;font-weight:bold;margin:8px 0}
.synthetic{background:#fde0ef;border:1px solid #c51b7d;padding:6px 10px;font-weight:bold;margin:8px 0}
.muted{color:#666}.small{font-size:11px}.warn{color:#b2182b;font-weight:bold}
.acquired{color:#b2182b;font-weight:bold}.nw{white-space:nowrap}
figure{margin:8px 0;break-inside:avoid;page-break-inside:avoid}figcaption{font-size:11px;color:#555}
svg{max-width:100%;height:auto}
ul{margin:4px 0 8px;padding-left:20px}
a{color:#08519c}
section{break-inside:auto}
.keep{break-inside:avoid;page-break-inside:avoid}
@page{size:A4;margin:14mm 12mm 16mm 12mm}
@media print{body{max-width:none;padding:0}a{text-decoration:none}h2{break-after:avoid;page-break-after:avoid}}
`;

/**
 * The clinician report's own layout (issue 17): a summary card first; the printed PDF holds the card and the compact
 * tables only (at most two pages for up to 3 samples and 10 findings: small type, rows never split, no forced page
 * breaks so no half-empty pages); the appendix (rule trails, full evidence, cytometry, methods) is on screen only and
 * the print says where to find it. Screen-only hints (e.g. "Hover for details") are not printed.
 */
const CLINICIAN_CSS = `
.card{border:2px solid #2166ac;border-radius:6px;padding:6px 10px;margin:8px 0}
.card h2{margin:4px 0 6px;border:none;font-size:16px}
.card h3{margin:8px 0 4px}
.compact td,.compact th{padding:2px 5px}
.conv{color:#b2182b;font-weight:bold}
.meta{font-size:11px;color:#444}
.print-only{display:none}
@media print{
  body{font-size:9.5px;line-height:1.3}
  h1{font-size:15px;margin:0 0 2px}h2{font-size:12px;margin:8px 0 4px}h3{font-size:10.5px;margin:6px 0 3px}
  table{margin:3px 0 5px}th,td{padding:2px 4px}
  .notice,.synthetic{padding:3px 6px;margin:3px 0}
  .card{padding:4px 8px;margin:4px 0}.card h2{font-size:13px}
  .screen-only,.appendix{display:none}
  .print-only{display:block}
  tr,li,.keep,figure{break-inside:avoid;page-break-inside:avoid}
  #timeline svg{max-height:48mm}
  .small{font-size:8.5px}
}
`;

/** HER2 with the values behind it: category, IHC score (the result's `ihc`) and ISH group / ratio. */
function her2Values(s: SampleAnalysis): string {
  const h = s.classification?.her2;
  if (!s.classification) return 'no pathology';
  if (!h) return 'not tested';
  const parts = [h.ihc !== null ? `IHC ${h.ihc}` : null, h.ishGroup !== null ? `ISH group ${h.ishGroup}` : null, h.ishRatioText !== null ? `ratio ${h.ishRatioText}` : null].filter(Boolean);
  return `<b>${esc(h.category)}</b>${parts.length ? ` <span class="small">(${esc(parts.join(', '))})</span>` : ''}`;
}

function receptorValue(rec: ReceptorResult<string> | undefined): string {
  if (!rec) return 'no pathology';
  return `${esc(rec.status)}${rec.percent !== null ? ` <span class="small">(${esc(rec.percent)}%)</span>` : ''}`;
}

/** Which samples a receptor conversion ends at, per marker (the card marks them). */
function conversionsAt(r: AnalysisResult): Map<string, string[]> {
  const at = new Map<string, string[]>();
  for (const c of r.changes) {
    if (!c.kind.endsWith('-conversion')) continue;
    const marker = c.kind.replace('-conversion', '').toUpperCase();
    at.set(c.toSample, [...(at.get(c.toSample) ?? []), `${marker}: ${c.from} → ${c.to}`]);
  }
  return at;
}

/** At most two warnings, each cut to one line's length; the rest are counted (all of them are in the appendix). */
function warningsText(ws: readonly string[]): string {
  if (!ws.length) return 'none';
  const shown = ws.slice(0, 2).map((w) => `<span class="warn">${esc(shorten(w, 110))}</span>`);
  return `${shown.join('<br>')}${ws.length > 2 ? `<br><span class="muted">and ${ws.length - 2} more (appendix)</span>` : ''}`;
}

const exposureText = (c: AnalysisResult['changes'][number]) =>
  c.afterTreatments.length ? c.afterTreatments.map((t) => `${esc(t.drug)} ${esc(t.months)} mo`).join(', ') : '<span class="muted">no treatment recorded between</span>';

/** Page 1: receptors per sample, acquired / lost / emerging findings, the top three options, versions and sign-off. */
function summaryCard(r: AnalysisResult, o: RenderOptions): string {
  const conv = conversionsAt(r);
  const receptors = `<table class="compact"><thead><tr><th>Collected</th><th>Sample</th><th>HER2</th><th>ER</th><th>PR</th><th>Change</th>${o.signOff ? '<th>Pathology sign-off</th>' : ''}</tr></thead><tbody>${r.samples
    .map(
      (s) =>
        `<tr><td class="nw">${esc(humanDate(s.collected))}</td><td><b>${esc(s.id)}</b> <span class="small">${esc(s.type)}, ${esc(s.site)}</span></td><td>${her2Values(s)}</td><td>${receptorValue(s.classification?.er)}</td><td>${receptorValue(s.classification?.pr)}</td><td>${(conv.get(s.id) ?? []).map((x) => `<span class="conv">${esc(x)}</span>`).join('<br>') || '<span class="muted">—</span>'}</td>${o.signOff ? `<td class="small">${esc(o.signOff[s.id] ?? 'not recorded')}</td>` : ''}</tr>`,
    )
    .join('')}</tbody></table>`;
  const latest = latestSample(r);
  const emerging = (latest?.findings ?? []).filter((f) => f.origin === 'not-evaluable-earlier');
  const variantChanges = r.changes.filter((c) => c.kind === 'acquired-variant' || c.kind === 'lost-variant');
  const vafOf = (c: AnalysisResult['changes'][number]) => {
    const sample = r.samples.find((s) => s.id === (c.kind === 'lost-variant' ? c.fromSample : c.toSample));
    const f = sample?.findings.find((x) => x.id === c.findingId);
    return f ? `VAF ${esc(vafText(f.vaf))}` : '';
  };
  const changeRows = [
    ...variantChanges.map((c) => `<tr><td class="${c.kind === 'acquired-variant' ? 'acquired' : ''}">${c.kind === 'acquired-variant' ? 'acquired' : 'lost'}</td><td>${esc(c.gene ?? '')} ${esc(c.alteration ?? '')}</td><td class="nw">${vafOf(c)}</td><td>${esc(c.fromSample)} → ${esc(c.toSample)}</td><td class="small">${exposureText(c)}</td></tr>`),
    ...emerging.map((f) => `<tr><td>emerging</td><td>${esc(f.gene)} ${esc(f.alteration)}</td><td class="nw">VAF ${esc(vafText(f.vaf))}</td><td>${esc(latest?.id ?? '')}</td><td class="small">not evaluable earlier (no earlier sample could have detected it)</td></tr>`),
  ];
  // Resistance about a drug the patient is on now leads the page (therapy.ts rules 7-8).
  const current = r.resistance.filter((w) => w.ongoing?.length);
  const onNow = current.length ? `<ul class="small">${current.map((w) => `<li class="warn" data-ongoing="${esc((w.ongoing ?? []).join(' '))}">Current treatment: ${esc(shorten(w.reason, 220))}</li>`).join('')}</ul>` : '';
  const findings = `${onNow}${
    changeRows.length
      ? `<table class="compact"><thead><tr><th>Finding</th><th>Alteration</th><th>VAF</th><th>Samples</th><th>Prior exposure</th></tr></thead><tbody>${changeRows.join('')}</tbody></table>`
      : '<p class="muted">No acquired, lost or emerging finding.</p>'
  }`;
  const top = r.therapyOptions.slice(0, 3);
  const options = top.length
    ? `<table class="compact"><thead><tr><th>#</th><th>Option</th><th>Level</th><th>Setting</th><th>Warnings</th></tr></thead><tbody>${top
        .map((t, i) => `<tr><td>${i + 1}</td><td><b>${esc(t.therapy)}</b></td><td><b>${esc(optionLevelText(t))}</b></td><td>${esc(t.setting ?? '—')}</td><td class="small">${warningsText(t.warnings)}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="muted">No therapy option from the knowledge base.</p>';
  const versions = [
    `Analysis${o.analysisVersion ? ` ${esc(o.analysisVersion)}` : ''}${o.generatedAt ? ` of ${esc(humanDate(o.generatedAt.toISOString()))}` : ''}`,
    `knowledge base ${esc(r.kbVersion)}`,
    o.codeVersion ? `code ${esc(o.codeVersion)}` : null,
  ].filter(Boolean);
  return `<section id="summary" class="card keep"><h2>Summary</h2>
<h3>HER2 / ER / PR per sample</h3>${receptors}
<h3>Acquired, lost and emerging findings</h3>${findings}
<h3>Top options for ${esc(r.latestSample)}</h3>${options}
<p class="meta">${versions.join(', ')}. Evidence to discuss, not recommendations.</p></section>`;
}

/** All findings, one row each, without the evidence texts (those are in the appendix). */
function findingsCompact(r: AnalysisResult): string {
  const rows = r.samples.flatMap((s) =>
    s.findings.map((f) => {
      const levels = [...new Set(f.evidence.flatMap((e) => e.therapies.map((t) => t.level)))].sort();
      return `<tr><td>${esc(s.id)}</td><td><b>${esc(f.gene)}</b> ${esc(f.alteration)}</td><td class="${f.origin === 'acquired' ? 'acquired' : ''}">${esc(f.origin)}</td><td class="nw">${esc(vafText(f.vaf))}${f.depth !== null ? ` <span class="small muted">(${esc(f.depth)}×)</span>` : ''}</td><td>${esc(f.oncogenicity ?? '')}</td><td class="small">${f.evidence.length ? `${esc(f.evidence.length)} KB entr${f.evidence.length === 1 ? 'y' : 'ies'}${levels.length ? `, levels ${esc(levels.join(', '))}` : ''}` : 'no KB entry'}</td></tr>`;
    }),
  );
  return rows.length ? `<table class="compact"><thead><tr><th>Sample</th><th>Finding</th><th>Origin</th><th>VAF</th><th>Oncogenicity</th><th>Evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p class="muted">No variant in a knowledge-base gene.</p>';
}

/** Options after the top three, one row each (reasons and citations in the appendix). */
function otherOptions(r: AnalysisResult): string {
  const rest = r.therapyOptions.slice(3);
  if (!rest.length) return '';
  return `<h3>Other options</h3><table class="compact"><thead><tr><th>Level</th><th>Option</th><th>Setting</th><th>Warnings</th></tr></thead><tbody>${rest
    .map((t) => `<tr><td>${esc(optionLevelText(t))}</td><td>${esc(t.therapy)}</td><td>${esc(t.setting ?? '—')}</td><td class="small">${warningsText(t.warnings)}</td></tr>`)
    .join('')}</tbody></table>`;
}

export function citationHtml(c: Citation): string {
  const url = citationUrl(c);
  const id = url ? `<a href="${esc(url)}" rel="noreferrer noopener">${esc(c.id)}</a>` : esc(c.id);
  return `${id}: ${esc(c.text)}`;
}

function citationsList(cs: readonly Citation[]): string {
  if (cs.length === 0) return '';
  return `<ul class="small">${cs.map((c) => `<li>${citationHtml(c)}</li>`).join('')}</ul>`;
}

function ruleTrail(rules: ReceptorResult<string>['rules']): string {
  return rules.length ? rules.map((r) => `${esc(r.id)} <span class="muted">(${esc(r.source)})</span>`).join('; ') : '<span class="muted">none</span>';
}

function samplesTable(r: AnalysisResult): string {
  const rows = r.samples.map((s) => {
    const ki67 = s.classification?.ki67;
    const cyto = s.cytometry;
    return `<tr><td class="nw">${esc(s.collected)}</td><td class="nw">${esc(s.id)}</td><td>${esc(s.type)}</td><td>${esc(s.site)}</td><td>${esc(her2Label(s))}</td><td>${esc(erLabel(s))}</td><td>${esc(prLabel(s))}</td><td>${ki67 !== null && ki67 !== undefined ? `${esc(ki67)}%` : '—'}</td><td>${s.sequenced ? `yes (${s.findings.length} KB finding${s.findings.length === 1 ? '' : 's'}, ${s.otherVariants} other)` : 'no'}</td><td>${cyto ? (cyto.hiddenHer2StemCells ? '<span class="warn">hidden HER2+ stem cells</span>' : 'no hidden HER2+ population') : '—'}</td></tr>`;
  });
  return `<table><thead><tr><th>Collected</th><th>Sample</th><th>Type</th><th>Site</th><th>HER2</th><th>ER</th><th>PR</th><th>Ki-67</th><th>Sequenced</th><th>Cytometry</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function classificationBlock(s: SampleAnalysis): string {
  const c = s.classification;
  if (!c) return `<div class="keep"><h3>${esc(s.id)} <span class="muted">(${esc(s.collected)})</span></h3><p class="muted">No pathology given for this sample.</p></div>`;
  const rows: string[] = [];
  const h = c.her2;
  if (h) {
    const ish = h.ishGroup !== null || h.ishRatio !== null ? `; ISH group ${h.ishGroup ?? '—'}, HER2/CEP17 ratio ${h.ishRatio ?? '—'}` : '';
    rows.push(`<tr><th>HER2</th><td>${esc(h.category)} (${esc(h.status)})${esc(ish)}${h.comments.length ? `<ul class="small">${h.comments.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}</td><td class="small">${ruleTrail(h.rules)}</td></tr>`);
  } else {
    rows.push(`<tr><th>HER2</th><td>not tested</td><td></td></tr>`);
  }
  for (const [name, rec] of [['ER', c.er], ['PR', c.pr]] as const) {
    rows.push(`<tr><th>${name}</th><td>${esc(rec.status)}${rec.percent !== null ? ` (${esc(rec.percent)}% of nuclei)` : ''}${rec.comments.length ? `<ul class="small">${rec.comments.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}</td><td class="small">${ruleTrail(rec.rules)}</td></tr>`);
  }
  if (c.subtype) rows.push(`<tr><th>Subtype</th><td>${esc(c.subtype)}</td><td></td></tr>`);
  return `<div class="keep"><h3>${esc(s.id)} <span class="muted">(${esc(s.type)}, ${esc(s.site)}, ${esc(s.collected)})</span></h3><table><thead><tr><th style="width:70px">Marker</th><th>Result</th><th style="width:45%">Rule trail (rule id, source)</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** Imported (CIViC) summaries can run to a page: cut at a word near `max` characters; the citation links the rest. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 30)).replace(/[\s,;:.]+$/, '')}…${max >= 150 ? ' (full text in the source)' : ''}`;
}

function evidenceHtml(e: EvidenceRef): string {
  const ctx = e.context === 'fits' ? '' : e.context === 'does-not-fit' ? ' <span class="warn">[sample context does not fit this entry]</span>' : ' <span class="muted">[receptor context not determined]</span>';
  const therapies = e.therapies.length ? ` Therapies: ${e.therapies.map((t) => `${esc(t.name)} (${esc(t.direction)}, level ${esc(t.level)})`).join('; ')}.` : '';
  return `<li><b>${esc(e.alteration)}</b> — ${esc(e.effect)}${ctx} <span class="muted small">[${esc(e.id)}]</span><br>${esc(e.id.startsWith('curated:') ? e.summary : shorten(e.summary, 220))}${therapies}${citationsList(e.citations)}</li>`;
}

/** Levels A-B and curated entries in full; C-E imported entries as one line each (id, therapies, citations). */
function evidenceList(list: readonly EvidenceRef[]): string {
  const full = (e: EvidenceRef) => e.id.startsWith('curated:') || e.therapies.length === 0 || e.therapies.some((t) => t.level === 'A' || t.level === 'B');
  const main = list.filter(full);
  const rest = list.filter((e) => !full(e));
  const compact = rest.length
    ? `<li class="small">Lower-level evidence (case studies, preclinical, inferential):<ul>${rest
        .map((e) => `<li>${e.therapies.map((t) => `${esc(t.name)} (${esc(t.direction)}, level ${esc(t.level)})`).join('; ')} — ${e.citations.map(citationHtml).join('; ')}${e.context === 'does-not-fit' ? ' <span class="warn">[context does not fit]</span>' : ''}</li>`)
        .join('')}</ul></li>`
    : '';
  return `<ul>${main.map(evidenceHtml).join('')}${compact}</ul>`;
}

const sameFinding = (a: Finding, b: Finding) => a.gene === b.gene && a.chrom === b.chrom && a.pos === b.pos && a.ref === b.ref && a.alt === b.alt;

function findingRow(f: Finding, laterWith: SampleAnalysis | undefined): string {
  const origin = `${esc(ORIGIN_LABEL[f.origin] ?? f.origin)}${f.originSample ? ` <span class="muted">(vs ${esc(f.originSample)})</span>` : ''}`;
  const evidence = !f.evidence.length ? '<span class="muted">no KB entry for this alteration</span>' : laterWith ? `<span class="muted">${esc(f.evidence.length)} KB entries: see ${esc(laterWith.id)} below.</span>` : evidenceList(f.evidence);
  return `<tr><td><b>${esc(f.gene)}</b></td><td>${esc(f.alteration)}${f.hgvsc ? `<br><span class="small muted">${esc(f.hgvsc)}</span>` : ''}</td><td class="small">${esc(f.consequence)}<br>${esc(f.chrom)}:${esc(f.pos)} ${esc(f.ref)}&gt;${esc(f.alt)}</td><td class="${f.origin === 'acquired' ? 'acquired' : ''}">${origin}${readEvidenceHtml(f)}</td><td class="nw">VAF ${esc(vafText(f.vaf))}${f.depth !== null ? `<br><span class="small muted">depth ${esc(f.depth)}</span>` : ''}</td><td>${evidence}</td></tr>`;
}

function findingsSection(r: AnalysisResult): string {
  const parts: string[] = [];
  for (const s of r.samples) {
    if (!s.sequenced && s.statusEvidence.length === 0) continue;
    parts.push(`<h3>${esc(s.id)} <span class="muted">(${esc(s.collected)})</span></h3>`);
    if (s.sequenced) {
      parts.push(
        s.findings.length
          ? `<table><thead><tr><th>Gene</th><th>Alteration</th><th>Consequence / position</th><th>Origin</th><th>VAF</th><th style="width:42%">Evidence</th></tr></thead><tbody>${s.findings.map((f) => findingRow(f, r.samples.slice(r.samples.indexOf(s) + 1).filter((o) => o.findings.some((g) => sameFinding(f, g))).pop())).join('')}</tbody></table>`
          : '<p class="muted">No variant in a knowledge-base gene.</p>',
      );
      if (s.otherVariants) parts.push(`<p class="small muted">${esc(s.otherVariants)} other variant${s.otherVariants === 1 ? '' : 's'} in genes the knowledge base does not cover (counted, not listed).</p>`);
    } else {
      parts.push('<p class="muted small">Not sequenced.</p>');
    }
    if (s.statusEvidence.length) parts.push(`<p><b>Evidence from HER2 status / cytometry:</b></p>${evidenceList(s.statusEvidence)}`);
  }
  return parts.length ? parts.join('') : '<p class="muted">No sequenced sample and no status evidence.</p>';
}

function changesSection(r: AnalysisResult): string {
  if (r.changes.length === 0) return '<p class="muted">No change between samples.</p>';
  return `<table><thead><tr><th>Change</th><th>Detail</th><th>Treatments before it</th></tr></thead><tbody>${r.changes
    .map(
      (c) =>
        `<tr><td class="${c.kind === 'acquired-variant' || c.kind === 'her2-conversion' || c.kind === 'emerging-variant' ? 'acquired' : ''}">${esc(c.kind)}</td><td>${esc(c.detail)}${(c.warnings ?? []).map((w) => `<br><span class="warn">Warning: ${esc(w)}</span>`).join('')}</td><td>${
          c.afterTreatments.length ? c.afterTreatments.map((t) => `${esc(t.drug)}: ${esc(t.months)} month${t.months === 1 ? '' : 's'} (${esc(t.start)} to ${esc(t.end ?? 'ongoing')})`).join('<br>') : '<span class="muted">none recorded</span>'
        }</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function cytometrySection(r: AnalysisResult): string {
  const parts: string[] = [];
  for (const s of r.samples) {
    const c = s.cytometry;
    if (!c) continue;
    const svg = renderCytometryBarsSvg(s);
    parts.push(
      `<figure class="keep"><h3>${esc(s.id)} <span class="muted">(${esc(s.collected)})</span>: ${c.hiddenHer2StemCells ? '<span class="warn">hidden HER2+ CD44+ CD24-low population detected</span>' : 'no hidden HER2+ stem-cell population'}</h3>${svg ?? ''}<figcaption>${esc(c.events ?? 'n/a')} analysed events; detection limit ${esc(percentText(c.detectionLimit))} (smallest fraction detectable with 95% confidence); bulk HER2 ${esc(c.bulkHer2 ?? 'not given')}. Bars: percent of the parent population; black lines: Wilson score 95% intervals; dashed red line: detection limit.</figcaption></figure>`,
    );
    parts.push(`<table><thead><tr><th>Population</th><th>Count</th><th>Of</th><th>Fraction</th><th>95% CI</th></tr></thead><tbody>${c.populations.map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.count)}</td><td>${esc(p.parent)}</td><td>${esc(percentText(p.fraction))}</td><td>${p.ci95 ? `${esc(percentText(p.ci95[0]))} – ${esc(percentText(p.ci95[1]))}` : '—'}</td></tr>`).join('')}</tbody></table>`);
    if (c.notes.length) parts.push(`<ul class="small">${c.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  }
  return parts.join('');
}

function therapySection(r: AnalysisResult): string {
  const opts = r.therapyOptions.length
    ? `<table><thead><tr><th>Level</th><th>Therapy</th><th>Why (finding: evidence)</th><th style="width:32%">Citations</th></tr></thead><tbody>${r.therapyOptions
        .map(
          (o) =>
            `<tr class="keep" data-option="${esc(o.id)}"><td><b>${esc(optionLevelText(o))}</b></td><td><b>${esc(o.therapy)}</b><br><span class="small muted">${esc(o.drugs.join(', '))}</span>${o.setting ? `<br><span class="small">${esc(o.setting)}</span>` : ''}${o.context === 'unknown' ? '<br><span class="small warn">context unknown</span>' : ''}${o.pending ? `<br><span class="small warn" data-pending="${esc(o.pending.kind)}">Pending: ${esc(o.pending.text)}</span>` : ''}</td><td><ul class="small">${o.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>${o.warnings.length ? `<ul class="small">${o.warnings.map((w) => `<li class="warn">Warning: ${esc(w)}</li>`).join('')}</ul>` : ''}</td><td>${citationsList(o.citations)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No therapy option from the knowledge base.</p>';
  const res = r.resistance.length
    ? `<h3>Resistance evidence</h3><table><thead><tr><th>Level</th><th>Therapy</th><th>Reason</th><th>Citations</th></tr></thead><tbody>${r.resistance
        .map((w) => `<tr><td>${esc(w.level)}</td><td>${esc(w.therapy)}</td><td class="small">${esc(w.reason)}</td><td>${citationsList(w.citations)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const contrary = (r.contraryEvidence ?? []).length
    ? `<h3>Contrary evidence (negative trials; not options)</h3><table><thead><tr><th>Level</th><th>Therapy</th><th>Reason</th><th>Citations</th></tr></thead><tbody>${r.contraryEvidence
        .map((w) => `<tr><td>${esc(w.level)}</td><td>${esc(w.therapy)}</td><td class="small">${esc(w.reason)}</td><td>${citationsList(w.citations)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  // Excluded by the interpretation (wrong receptor status, setting, line, prior therapy, resistance): shown as such.
  // An item whose regimen is an option through another item is named by the item, never as a regimen that does not apply.
  const na = notApplicable(r);
  const excluded = na.regimens.length
    ? `<h3>Not applicable to this patient (excluded; not options)</h3><table><thead><tr><th>Level</th><th>Therapy</th><th>Why not</th></tr></thead><tbody>${na.regimens
        .map((x) => `<tr data-excluded="${esc(x.therapy)}"><td>${esc(x.level)}</td><td>${esc(x.therapy)}</td><td class="small">${esc(x.reason)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const items = na.items.length
    ? `<h3>Knowledge-base items not applicable for regimens listed above as options</h3><table><thead><tr><th>Level</th><th>Item</th><th>Why not</th></tr></thead><tbody>${na.items
        .map((x) => `<tr data-excluded-item="${esc((x.items ?? []).join(' '))}"><td>${esc(x.level)}</td><td>${esc(excludedItemText(x))}</td><td class="small">${esc(x.reason)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const levels = `<p class="small muted">Evidence levels (CIViC scale; Griffith M et al., Nat Genet 2017;49:170-174, <a href="https://pubmed.ncbi.nlm.nih.gov/28138153/">PMID 28138153</a>): ${Object.entries(LEVEL_MEANING)
    .map(([k, v]) => `<b>${k}</b> ${esc(v)}`)
    .join('; ')}.</p>`;
  return `${opts}${levels}${res}${contrary}${excluded}${items}`;
}

function treatmentsTable(r: AnalysisResult): string {
  if (r.treatments.length === 0) return '<p class="muted">No treatment recorded.</p>';
  return `<table class="compact"><thead><tr><th>Drug</th><th>Start</th><th>End</th><th>Response</th></tr></thead><tbody>${r.treatments
    .map((t) => `<tr><td>${esc(t.drug)}</td><td class="nw">${esc(humanDate(t.start))}</td><td class="nw">${esc(t.end ? humanDate(t.end) : 'ongoing')}</td><td>${esc(t.response ?? '—')}</td></tr>`)
    .join('')}</tbody></table>`;
}

export function methodsHtml(r: AnalysisResult): string {
  return `<ul>
<li>HER2 by the ASCO/CAP 2018 HER2 testing guideline, affirmed 2023 (Wolff AC et al., J Clin Oncol 2018;36:2105-2122, <a href="https://doi.org/10.1200/JCO.2018.77.8738">doi:10.1200/JCO.2018.77.8738</a>; J Clin Oncol 2023;41:3867-3872, <a href="https://doi.org/10.1200/JCO.22.02864">doi:10.1200/JCO.22.02864</a>). HER2-low / HER2-ultralow / HER2-null are eligibility groupings (DESTINY-Breast04/06), not ASCO/CAP result categories.</li>
<li>ER and PR by the ASCO/CAP 2020 ER/PgR guideline (Allison KH et al., J Clin Oncol 2020;38:1346-1366): ER 1-10% is reported as ER Low Positive.</li>
<li>Variant origin: a variant is <i>acquired</i> when an earlier sample did not carry it although it had at least a 95% probability of showing the minimum number of alt reads at its depth and the later VAF (binomial; purity-adjusted when given); from a VCF and a BED that minimum is the caller's reporting threshold (<code>--min-alt-reads</code>, default 3), not the significant-count rule of the read look-back below; <i>pre-existing</i> when an earlier sample carried it; <i>not evaluable earlier</i> when no earlier sample could have detected it; <i>germline</i> when the matched normal carries it. With an earlier sample's reads: alt reads significant against a 0.1% per-base error (one-sided binomial) make it pre-existing; absence counts only with at least 95% power to reach that significant count at the expected VAF (0 reads are also given as a 95% upper bound of the VAF). Samples are ordered by collection date.</li>
<li>Findings and therapy options come from the her2scope knowledge base, version <b>${esc(r.kbVersion)}</b> (curated entries with their citations, and CIViC clinical evidence, CC0). Only genes in the knowledge base are listed; other variants are counted.</li>
<li>Therapy options are judged on the patient's state now (latest evaluable HER2 and HR results, setting, line of therapy, prior treatments) and ranked by guideline line of therapy, then evidence level; options with resistance or discordance warnings are never ranked as clean; preclinical (D/E) items are hidden as options unless asked for (<code>--include-preclinical</code>); resistance about a drug the patient is taking now (or its specific class) is listed at any level, D included, as a statement that never removes an option. They are evidence to discuss, not recommendations.</li>
</ul>
<h3>Limitations</h3>
<ul>
<li>${esc(r.notice)} Results must be confirmed by a qualified laboratory and interpreted by the treating team.</li>
<li>The knowledge base is a snapshot: drug approvals, labels and guidelines change and differ between countries.</li>
<li>Variant calls, read depth and sequenced regions are taken as given; absence of a variant is meaningful only where the region was covered.</li>
<li>Receptor status can differ between sites of the same tumour and between assays; a single biopsy may not represent the whole disease.</li>
</ul>`;
}

export function renderClinicianHtml(result: AnalysisResult, options: RenderOptions = {}): string {
  const r = result;
  const p = r.patient;
  const synthetic = p.synthetic ? '<div class="synthetic">SYNTHETIC PATIENT: example data, not a real person.</div>' : '';
  const patientLine = [
    `<b>${esc(p.id)}</b>`,
    esc(p.sex ? (SEX_LABEL[p.sex] ?? p.sex) : 'sex not given'),
    `born ${esc(p.birthYear ?? 'not given')}`,
    `${esc(r.samples.length)} sample${r.samples.length === 1 ? '' : 's'}, latest ${esc(r.latestSample)}`,
    ...(options.generatedAt ? [`generated ${esc(humanDate(options.generatedAt.toISOString()))} ${esc(options.generatedAt.toISOString().slice(11, 16))} UTC`] : []),
  ];
  const hasCytometry = r.samples.some((s) => s.cytometry);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>her2scope report: ${esc(p.id)}</title>
<style>${BASE_CSS}${CLINICIAN_CSS}</style>
</head>
<body>
<header>
<h1>HER2-centred precision oncology report</h1>
<div class="notice">${esc(r.notice)}</div>
${(r.kbNotices ?? []).map((n) => `<div class="notice">${esc(n)}</div>`).join('')}
${synthetic}
<p class="meta">${patientLine.join(' · ')}</p>
</header>
<main>
${summaryCard(r, options)}
<section id="findings-summary"><h2>Findings</h2>${findingsCompact(r)}</section>
${otherOptions(r)}
<section id="treatments"><h2>Treatments</h2>${treatmentsTable(r)}</section>
<section id="timeline"><h2>HER2 timeline</h2><figure class="keep">${renderTimelineSvg(r)}<figcaption>Samples on a time axis: HER2 category (circle), ER status (square) and treatments (bars).<span class="screen-only"> Hover for details.</span></figcaption></figure></section>
<p class="print-only small">Details (rule trails, every evidence entry with its citations, ${hasCytometry ? 'cytometry, ' : ''}excluded options, methods and limitations): appendix of the HTML report (report.html) of this analysis. Knowledge base ${esc(r.kbVersion)}. ${esc(r.notice)} Results must be confirmed by a qualified laboratory and interpreted by the treating team.</p>
</main>
<section class="appendix" id="appendix" aria-labelledby="appendix-h"><h2 id="appendix-h">Appendix</h2>
<section id="samples"><h3>Samples</h3>${samplesTable(r)}</section>
${copyNumberHtml(r) ? `<section id="copy-number"><h3>Copy-number track (sequencing)</h3>${copyNumberHtml(r)}</section>` : ''}
<section id="changes"><h3>Changes over time</h3>${changesSection(r)}</section>
${r.ctdna ? `<section id="ctdna"><h3>Serial ctDNA (plasma)</h3>${ctdnaHtml(r)}</section>` : ''}
<section id="classification"><h3>HER2 / ER / PR per sample, with the rule trail</h3>${r.samples.map(classificationBlock).join('')}</section>
<section id="findings"><h3>Findings, origin and evidence</h3>${findingsSection(r)}</section>
${hasCytometry ? `<section id="cytometry"><h3>Cytometry</h3>${cytometrySection(r)}</section>` : ''}
<section id="therapy"><h3>Therapy options for ${esc(r.latestSample)}</h3>${therapySection(r)}</section>
<section id="methods"><h3>Methods</h3>${methodsHtml(r)}</section>
</section>
<footer><p class="notice">${esc(r.notice)}</p><p class="small muted">Generated by her2scope; knowledge base ${esc(r.kbVersion)}.</p></footer>
</body>
</html>
`;
}
