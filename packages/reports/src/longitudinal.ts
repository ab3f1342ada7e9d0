/**
 * Report parts for issue 16 (read-level look-back, copy number from sequencing, serial ctDNA), shared by the
 * clinician report, the patient summary and the FHIR bundle. Projections of the analysis result only: every
 * judgement (origin, CHIP, trend, discordance) is the core's (core/src/analysis/longitudinal.ts). Every value is
 * escaped with `esc`.
 */
import type { AnalysisResult, Finding, SampleAnalysis } from '@her2scope/core';
import { sizeText } from '@her2scope/core/copynumber';
import { esc } from './common.ts';
import { renderCtdnaSvg, type CtdnaSeries } from './ctdna-plot.ts';

/** The rule behind a sample's ERBB2 call by NGS (core/copynumber `rule`: cut-off, purity used, segment), or null. */
export function erbb2Rule(s: SampleAnalysis): string | null {
  return s.copyNumber?.genes.find((g) => g.gene === 'ERBB2')?.rule ?? null;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${Number((x * 100).toPrecision(2))}%`);

/** The read evidence of one finding, for the origin cell: one line per other sample with reads. */
export function readEvidenceHtml(f: Finding): string {
  const ev = f.readEvidence ?? [];
  const plasma = f.plasma ? `<div class="small${f.plasma.origin === 'chip' || f.plasma.origin === 'possible-chip' || f.plasma.origin === 'germline' ? ' warn' : ''}">${esc(f.plasma.text)}</div>` : '';
  if (ev.length === 0) return plasma;
  return `${plasma}<div class="small"><b>Reads:</b> ${ev.map((e) => `${esc(e.text)}${e.when === 'earlier' ? '' : ` <span class="muted">(${esc(e.when)})</span>`}`).join('<br>')}</div>`;
}

/** Samples with copy number by sequencing, in collection order. */
function cnSamples(r: AnalysisResult): SampleAnalysis[] {
  return r.samples.filter((s) => s.copyNumber && s.copyNumber.genes.length > 0);
}

/**
 * The copy-number track: one row per gene, one column per sample with copy number (the timeline's order), each
 * cell the status and copy number; then ERBB2 by NGS against the sample's IHC/ISH.
 */
export function copyNumberHtml(r: AnalysisResult): string {
  const samples = cnSamples(r);
  if (samples.length === 0) return '';
  const genes = [...new Set(samples.flatMap((s) => s.copyNumber?.genes.map((g) => g.gene) ?? []))];
  const head = samples.map((s) => `<th>${esc(s.id)}<br><span class="small muted">${esc(s.collected)}</span></th>`).join('');
  const rows = genes.map((gene) => {
    const cells = samples.map((s) => {
      const g = s.copyNumber?.genes.find((x) => x.gene === gene);
      if (!g) return '<td class="muted">—</td>';
      const cls = g.status === 'amplification' || g.status === 'deep-deletion' ? ' class="acquired"' : '';
      const size = g.segment ? `, ${esc(sizeText(g.segment.size))} segment${g.segment.count === 1 ? '' : 's'}` : '';
      return `<td${cls} title="${esc(g.rule ?? g.text)}">${esc(g.status.replace('-', ' '))}<br><span class="small muted">CN ${esc(g.copyNumber)}${g.log2 !== null ? `, log2 ${esc(g.log2.toFixed(2))}` : ''}${size}</span></td>`;
    });
    return `<tr><td><b>${esc(gene)}</b></td>${cells.join('')}</tr>`;
  });
  const notes = samples
    .map((s) => {
      const cn = s.copyNumber;
      if (!cn) return '';
      const rec = cn.erbb2;
      const how = `${esc(cn.file)} (${esc(cn.format)}; ${cn.purity !== null ? `purity ${esc(Math.round(cn.purity * 100))}%` : 'purity not given'}, ploidy ${esc(cn.ploidy)})`;
      // item 3: the ERBB2 call's rule (cut-off, purity used, segment) stands next to the IHC/NGS comparison
      const rule = erbb2Rule(s);
      return `<li><b>${esc(s.id)}</b>: ${how}${rec ? `. ERBB2 vs IHC/ISH: <span class="${rec.concordance === 'discordant' ? 'warn' : ''}">${esc(rec.text)}</span>${rule ? ` <span data-cn-rule="ERBB2">(ERBB2 by NGS: ${esc(rule)})</span>` : ''} <span class="small muted">(${esc(rec.source)})</span>` : ''}</li>`;
    })
    .join('');
  return `<table><thead><tr><th>Gene</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table><ul class="small">${notes}</ul><p class="small muted">Copy number from sequencing, purity/ploidy-adjusted (ABSOLUTE; CNVkit thresholds without purity); categories after the NCI GDC rule. HER2 status itself is set by IHC/ISH (ASCO/CAP); NGS is shown beside it, never instead.</p>`;
}

/** Series for the ctDNA figure (one per variant; not-detected draws at their detection limit). */
export function ctdnaSeries(r: AnalysisResult): CtdnaSeries[] {
  return (r.ctdna?.variants ?? []).map((v) => ({ label: `${v.gene} ${v.alteration}`, origin: v.origin, points: v.points.map((p) => ({ date: p.date, vaf: p.vaf, detectionLimit: p.detectionLimit, sample: p.sample })) }));
}

const PLASMA_ORIGIN_LABEL: Record<string, string> = {
  tumour: 'tumour-derived',
  'presumed-tumour': 'presumed tumour-derived',
  'possible-chip': 'possible clonal haematopoiesis',
  chip: 'clonal haematopoiesis (CHIP)',
  germline: 'germline',
};

/** The serial ctDNA section: figure, draws and trajectories. Empty without plasma draws. */
/**
 * The ctDNA figure, one drawing for every projection (renderCtdnaSvg): the clinician report and the FHIR Media use
 * the technical labels; the patient summary the same figure with plain-words title, axis and labels.
 */
export function ctdnaFigureSvg(r: AnalysisResult, audience: 'clinician' | 'patient' = 'clinician'): string | null {
  if (!r.ctdna) return null;
  const treatments = r.treatments.map((t) => ({ drug: t.drug, start: t.start, end: t.end ?? null }));
  if (audience === 'clinician') return renderCtdnaSvg({ series: ctdnaSeries(r), treatments, notice: r.notice });
  const series = (r.ctdna.variants ?? []).map((v) => ({ label: `${v.gene} change`, origin: v.origin, points: v.points.map((p) => ({ date: p.date, vaf: p.vaf, detectionLimit: p.detectionLimit, sample: p.sample })) }));
  return renderCtdnaSvg({ series, treatments, notice: r.notice, title: 'Changes found in your blood, test by test', yLabel: 'Share of DNA in the blood', chipSuffix: ' (blood cells)' });
}

export function ctdnaHtml(r: AnalysisResult): string {
  const c = r.ctdna;
  if (!c) return '';
  const svg = ctdnaFigureSvg(r);
  const draws = c.draws
    .map((d) => `<tr><td class="nw">${esc(d.collected)}</td><td>${esc(d.sample)}</td><td>${d.tumorFraction !== null ? esc(pct(d.tumorFraction)) : '<span class="muted">not given</span>'}</td><td>${d.detectionLimit ? esc(d.detectionLimit.text) : '<span class="muted">depth unknown</span>'}</td></tr>`)
    .join('');
  const variants = c.variants
    .map(
      (v) =>
        `<tr><td><b>${esc(v.gene)}</b> ${esc(v.alteration)}</td><td class="${v.origin === 'tumour' || v.origin === 'presumed-tumour' ? '' : 'warn'}">${esc(PLASMA_ORIGIN_LABEL[v.origin] ?? v.origin)}<br><span class="small muted">${esc(v.originText)}</span></td><td class="${v.trajectory.trend === 'rising' || v.trajectory.trend === 'emerging' ? 'acquired' : ''}">${esc(v.trajectory.text)}</td><td class="small" data-ctdna-share="${esc(v.gene)}">${(v.fractions ?? []).map((f) => esc(f.text)).join('<br>') || '<span class="muted">no tumour fraction given for the draws where it was seen</span>'}</td></tr>`,
    )
    .join('');
  const notes = (c.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
  return `${svg ? `<figure class="keep">${svg}<figcaption>VAF in plasma per draw (log scale); one line per variant, clonal-haematopoiesis lines dashed; open circles: not detected, drawn at the draw's detection limit; treatments beneath.</figcaption></figure>` : ''}<table><thead><tr><th>Draw</th><th>Sample</th><th>Tumour fraction</th><th>Detection limit</th></tr></thead><tbody>${draws}</tbody></table><table><thead><tr><th>Variant</th><th>Origin</th><th>Trajectory</th><th>Share of ctDNA (tumour-derived)</th></tr></thead><tbody>${variants}</tbody></table><p class="small muted">CHIP and germline variants found in plasma never support a therapy option. Detection limit: the alt reads needed for a call significant against a 0.1% per-base error rate (binomial, alpha 0.05), reached with 95% power.</p>${notes ? `<ul class="small" id="ctdna-notes">${notes}</ul>` : ''}`;
}

/**
 * The read evidence of a finding in plain words for the patient summary (item 2): for each earlier sample whose reads
 * were counted again at the finding's spot and gave an answer (present / absent), one sentence, e.g. "The earlier
 * sample from the breast (January 15, 2019) was read again: 0 of 812 pieces of DNA at this spot had the change."
 * Projects core's status and counts only; `place` words the sample ("the sample from the breast (date)").
 */
export function patientReadEvidenceSentences(f: Finding, place: (sampleId: string) => string): string[] {
  return (f.readEvidence ?? [])
    .filter((e) => e.when === 'earlier' && (e.status === 'absent' || e.status === 'present'))
    .map((e) =>
      e.status === 'absent'
        ? `The earlier ${place(e.sample).replace(/^the /, '')} was read again: ${e.altReads} of ${e.depth} pieces of DNA at this spot had the change.`
        : `The earlier ${place(e.sample).replace(/^the /, '')} was read again: the change was found there in ${e.altReads} of ${e.depth} pieces of DNA at this spot.`,
    );
}

/** Plain-language sentences for the patient summary (short, no jargon beyond the glossary). */
export function patientLongitudinalSentences(r: AnalysisResult): string[] {
  const out: string[] = [];
  for (const c of r.changes) {
    if (c.kind !== 'emerging-variant') continue;
    const gene = c.gene ?? '';
    const during = c.afterTreatments.map((t) => t.drug).join(' and ');
    out.push(`A change in the ${esc(gene)} gene was first found in your blood on ${esc(c.firstDetected ?? '')}${during ? `, while you were taking ${esc(during)}` : ''}. Since then, the amount has ${c.trend === 'rising' ? 'gone up' : c.trend === 'falling' ? 'gone down' : 'stayed about the same'}.`);
  }
  for (const v of r.ctdna?.variants ?? []) {
    if (v.origin === 'chip' || v.origin === 'possible-chip') out.push(`A change in the ${esc(v.gene)} gene in your blood ${v.origin === 'chip' ? 'comes from blood cells' : 'may come from blood cells'}, not from the cancer. This is common with age. It is not used to choose a cancer medicine.`);
  }
  for (const s of r.samples) {
    const rec = s.copyNumber?.erbb2;
    if (rec?.concordance === 'discordant') out.push(`The gene test of the sample from ${esc(s.collected)} and the HER2 protein test do not agree. Your care team may do one more test (ISH) before choosing a HER2 medicine.`);
  }
  return out;
}
