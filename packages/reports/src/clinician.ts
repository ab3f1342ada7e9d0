/**
 * The clinician report: one self-contained HTML page (inline CSS and SVG, no script, no external resource; a
 * Content-Security-Policy forbids both), printable to PDF. Every value from the analysis is escaped with `esc`.
 */
import type { AnalysisResult, Citation, EvidenceRef, Finding, ReceptorResult, SampleAnalysis } from '@her2scope/core';
import { citationUrl, erLabel, esc, her2Label, LEVEL_MEANING, ORIGIN_LABEL, percentText, prLabel, SEX_LABEL, vafText } from './common.ts';
import { renderCytometryBarsSvg, renderTimelineSvg } from './plots.ts';
import { copyNumberHtml, ctdnaHtml, readEvidenceHtml } from './longitudinal.ts';

export interface RenderOptions {
  /** When the report was generated; left out of the output when not given (renderers stay deterministic). */
  generatedAt?: Date;
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
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 30)).replace(/[\s,;:.]+$/, '')}… (full text in the source)`;
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
        `<tr><td class="${c.kind === 'acquired-variant' || c.kind === 'her2-conversion' || c.kind === 'emerging-variant' ? 'acquired' : ''}">${esc(c.kind)}</td><td>${esc(c.detail)}</td><td>${
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
            `<tr class="keep" data-option="${esc(o.id)}"><td><b>${esc(o.level)}</b></td><td><b>${esc(o.therapy)}</b><br><span class="small muted">${esc(o.drugs.join(', '))}</span>${o.setting ? `<br><span class="small">${esc(o.setting)}</span>` : ''}${o.context === 'unknown' ? '<br><span class="small warn">context unknown</span>' : ''}</td><td><ul class="small">${o.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>${o.warnings.length ? `<ul class="small">${o.warnings.map((w) => `<li class="warn">Warning: ${esc(w)}</li>`).join('')}</ul>` : ''}</td><td>${citationsList(o.citations)}</td></tr>`,
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
  const excluded = r.excludedOptions.length
    ? `<h3>Not applicable to this patient (excluded; not options)</h3><table><thead><tr><th>Level</th><th>Therapy</th><th>Why not</th></tr></thead><tbody>${r.excludedOptions
        .map((x) => `<tr data-excluded="${esc(x.therapy)}"><td>${esc(x.level)}</td><td>${esc(x.therapy)}</td><td class="small">${esc(x.reason)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const levels = `<p class="small muted">Evidence levels (CIViC scale; Griffith M et al., Nat Genet 2017;49:170-174, <a href="https://pubmed.ncbi.nlm.nih.gov/28138153/">PMID 28138153</a>): ${Object.entries(LEVEL_MEANING)
    .map(([k, v]) => `<b>${k}</b> ${esc(v)}`)
    .join('; ')}.</p>`;
  return `${opts}${levels}${res}${contrary}${excluded}`;
}

function treatmentsTable(r: AnalysisResult): string {
  if (r.treatments.length === 0) return '<p class="muted">No treatment recorded.</p>';
  return `<table><thead><tr><th>Drug</th><th>Start</th><th>End</th><th>Response</th></tr></thead><tbody>${r.treatments
    .map((t) => `<tr><td>${esc(t.drug)}</td><td>${esc(t.start)}</td><td>${esc(t.end ?? 'ongoing')}</td><td>${esc(t.response ?? '—')}</td></tr>`)
    .join('')}</tbody></table>`;
}

export function methodsHtml(r: AnalysisResult): string {
  return `<ul>
<li>HER2 by the ASCO/CAP 2018 HER2 testing guideline, affirmed 2023 (Wolff AC et al., J Clin Oncol 2018;36:2105-2122, <a href="https://doi.org/10.1200/JCO.2018.77.8738">doi:10.1200/JCO.2018.77.8738</a>; J Clin Oncol 2023;41:3867-3872, <a href="https://doi.org/10.1200/JCO.22.02864">doi:10.1200/JCO.22.02864</a>). HER2-low / HER2-ultralow / HER2-null are eligibility groupings (DESTINY-Breast04/06), not ASCO/CAP result categories.</li>
<li>ER and PR by the ASCO/CAP 2020 ER/PgR guideline (Allison KH et al., J Clin Oncol 2020;38:1346-1366): ER 1-10% is reported as ER Low Positive.</li>
<li>Variant origin: a variant is <i>acquired</i> when an earlier sample did not carry it although it had at least a 95% probability of showing the minimum number of alt reads at its depth and the later VAF (binomial; purity-adjusted when given); <i>pre-existing</i> when an earlier sample carried it; <i>not evaluable earlier</i> when no earlier sample could have detected it; <i>germline</i> when the matched normal carries it. Samples are ordered by collection date.</li>
<li>Findings and therapy options come from the her2scope knowledge base, version <b>${esc(r.kbVersion)}</b> (curated entries with their citations, and CIViC clinical evidence, CC0). Only genes in the knowledge base are listed; other variants are counted.</li>
<li>Therapy options are judged on the patient's state now (latest evaluable HER2 and HR results, setting, line of therapy, prior treatments) and ranked by guideline line of therapy, then evidence level; options with resistance or discordance warnings are never ranked as clean; preclinical (D/E) evidence is hidden unless asked for. They are evidence to discuss, not recommendations.</li>
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
  const patientRows = [
    ['Patient', esc(p.id)],
    ['Sex', esc(p.sex ? (SEX_LABEL[p.sex] ?? p.sex) : 'not given')],
    ['Birth year', esc(p.birthYear ?? 'not given')],
    ['Samples', esc(r.samples.length)],
    ['Latest sample', esc(r.latestSample)],
    ['Knowledge base', esc(r.kbVersion)],
    ...(options.generatedAt ? [['Generated', esc(options.generatedAt.toISOString())]] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>her2scope report: ${esc(p.id)}</title>
<style>${BASE_CSS}</style>
</head>
<body>
<header>
<h1>HER2-centred precision oncology report</h1>
<div class="notice">${esc(r.notice)}</div>
${(r.kbNotices ?? []).map((n) => `<div class="notice">${esc(n)}</div>`).join('')}
${synthetic}
<table class="keep"><tbody>${patientRows.map(([k, v]) => `<tr><th style="width:160px">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>
</header>
<section id="samples"><h2>Samples</h2>${samplesTable(r)}</section>
<section id="timeline"><h2>HER2 timeline</h2><figure class="keep">${renderTimelineSvg(r)}<figcaption>Samples on a time axis: HER2 category (circle), ER status (square) and treatments (bars). Hover for details.</figcaption></figure></section>
${copyNumberHtml(r) ? `<section id="copy-number"><h2>Copy-number track (sequencing)</h2>${copyNumberHtml(r)}</section>` : ''}
<section id="changes"><h2>Changes over time</h2>${changesSection(r)}</section>
${r.ctdna ? `<section id="ctdna"><h2>Serial ctDNA (plasma)</h2>${ctdnaHtml(r)}</section>` : ''}
<section id="classification"><h2>HER2 / ER / PR per sample, with the rule trail</h2>${r.samples.map(classificationBlock).join('')}</section>
<section id="findings"><h2>Findings, origin and evidence</h2>${findingsSection(r)}</section>
${r.samples.some((s) => s.cytometry) ? `<section id="cytometry"><h2>Cytometry</h2>${cytometrySection(r)}</section>` : ''}
<section id="therapy"><h2>Therapy options for ${esc(r.latestSample)}</h2>${therapySection(r)}</section>
<section id="treatments"><h2>Treatments</h2>${treatmentsTable(r)}</section>
<section id="methods"><h2>Methods</h2>${methodsHtml(r)}</section>
<footer><p class="notice">${esc(r.notice)}</p><p class="small muted">Generated by her2scope; knowledge base ${esc(r.kbVersion)}.</p></footer>
</body>
</html>
`;
}
