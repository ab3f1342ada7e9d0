/**
 * SVG plots of a cohort: an oncoprint (genes x samples) and a lollipop plot of one gene's mutations along the
 * protein. Pure string building; every text is XML-escaped. Colours are her2scope's choice (not a standard).
 */
import type { CnaState, MutationClass } from './alteration.ts';

import { RESEARCH_USE_NOTICE as RESEARCH_USE_NOTE } from '../notice.ts';
import { missingValue } from '../errors.ts';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? missingValue('({ \'&\': \'&amp;\', \'<\': \'&lt;\', \'>\': \'&gt;\', \'"\': \'&quot;\', "\'": \'&ap...'));
}

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

export const CNA_COLOURS: Record<CnaState, string> = { amp: '#d62728', gain: '#f4a3a3', hetloss: '#9ecae1', homdel: '#1f4fbf' };
export const MUTATION_COLOURS: Record<MutationClass, string> = { missense: '#2ca02c', inframe: '#8c564b', truncating: '#111111', splice: '#ff7f0e', other: '#9467bd' };

export interface OncoprintCell {
  cna?: CnaState;
  mutations: MutationClass[];
}

/**
 * What the oncoprint counts as altered, as cBioPortal's default query (`MUT FUSION AMP HOMDEL`; docs
 * Onco-Query-Language.md, "Basic Usage"): any imported mutation, amplification (2) and deep deletion (-2). Gains and
 * shallow deletions are not drawn or counted. Structural variants are not imported by her2scope.
 */
export const ONCOPRINT_CNA_STATES: readonly CnaState[] = ['amp', 'homdel'];

export const NOT_PROFILED_FILL = '#ffffff';
export const UNALTERED_FILL = '#d9d9d9';

export interface OncoprintInput {
  title: string;
  genes: ReadonlyArray<string>;
  /** Samples drawn (the profiled samples of the study's mutation profile, or its copy-number profile). */
  samples: ReadonlyArray<string>;
  /** Keyed `${gene}\t${sampleId}`; absent = unaltered. */
  cells: ReadonlyMap<string, OncoprintCell>;
  /** Keys `${gene}\t${sampleId}` of samples not profiled for the gene (their panel lacks it): drawn apart, not counted. */
  notProfiled?: ReadonlySet<string>;
  /** How the samples and denominators were chosen, printed under the title. */
  denominator?: string;
  /** Draw at most this many sample columns (altered ones first). Default 1000. */
  maxColumns?: number;
}

export interface OncoprintLayout {
  /** Samples in drawing order (altered first, by gene order, as cBioPortal's OncoPrint sorts; not profiled last). */
  order: string[];
  /** Altered samples per gene (profiled samples only). */
  altered: Record<string, number>;
  /** Samples profiled for each gene: the denominator of its percentage. */
  profiled: Record<string, number>;
  /** Samples with any counted alteration in the genes. */
  anyAltered: number;
}

const isAltered = (c: OncoprintCell | undefined) => c !== undefined && ((c.cna !== undefined && ONCOPRINT_CNA_STATES.includes(c.cna)) || c.mutations.length > 0);

/** Sort samples so that those altered in the first gene come first, then the second gene, and so on. */
export function oncoprintLayout(input: OncoprintInput): OncoprintLayout {
  const altered: Record<string, number> = {};
  const profiled: Record<string, number> = {};
  for (const g of input.genes) {
    altered[g] = 0;
    profiled[g] = 0;
  }
  const keyOf = new Map<string, string>();
  let anyAltered = 0;
  for (const s of input.samples) {
    let key = '';
    let any = false;
    for (const g of input.genes) {
      const k = `${g}\t${s}`;
      if (input.notProfiled?.has(k)) {
        key += '2';
        continue;
      }
      profiled[g] = (profiled[g] ?? missingValue('profiled[g]')) + 1;
      const hit = isAltered(input.cells.get(k));
      if (hit) {
        altered[g] = (altered[g] ?? missingValue('altered[g]')) + 1;
        any = true;
      }
      key += hit ? '0' : '1';
    }
    if (any) anyAltered++;
    keyOf.set(s, key);
  }
  const order = [...input.samples].sort((a, b) => (keyOf.get(a) ?? missingValue('keyOf.get(a)')).localeCompare(keyOf.get(b) ?? missingValue('keyOf.get(b)')) || a.localeCompare(b));
  return { order, altered, profiled, anyAltered };
}

/** Draw a legend row of swatches; returns the SVG parts. */
function legendRow(y: number, items: ReadonlyArray<{ label: string; svg: (x: number, y: number) => string }>): string[] {
  const parts: string[] = [];
  let x = 10;
  for (const it of items) {
    parts.push(it.svg(x, y));
    parts.push(`<text x="${x + 14}" y="${y + 12}">${escapeXml(it.label)}</text>`);
    x += 24 + it.label.length * 7;
  }
  return parts;
}

const MUTATION_LEGEND: ReadonlyArray<[string, MutationClass]> = [['missense', 'missense'], ['in-frame', 'inframe'], ['truncating', 'truncating'], ['splice', 'splice'], ['other mutation', 'other']];

export function renderOncoprint(input: OncoprintInput): string {
  const layout = oncoprintLayout(input);
  const maxColumns = input.maxColumns ?? 1000;
  const drawn = layout.order.slice(0, maxColumns);
  const hidden = layout.order.length - drawn.length;
  const labelW = 190;
  const cellW = Math.max(2, Math.min(12, Math.floor(900 / Math.max(1, drawn.length))));
  const cellH = 22;
  const gap = 4;
  const top = input.denominator ? 66 : 50;
  const width = Math.max(labelW + drawn.length * cellW + 40, 980);
  const legendY = top + input.genes.length * (cellH + gap) + 20;
  const height = legendY + 110;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>${escapeXml(input.title)}</title>`);
  parts.push(`<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(input.title)}</text>`);
  const n = input.samples.length;
  const note = `${layout.anyAltered} of ${n} samples altered in at least one gene${hidden > 0 ? `; ${hidden} samples not drawn (unaltered and not profiled last)` : ''}`;
  parts.push(`<text x="10" y="38" fill="#555">${escapeXml(note)}</text>`);
  if (input.denominator) parts.push(`<text x="10" y="54" fill="#555">${escapeXml(input.denominator)}</text>`);
  input.genes.forEach((g, gi) => {
    const y = top + gi * (cellH + gap);
    const p = layout.profiled[g] ?? missingValue('layout.profiled[g]');
    const pct = p ? `${((100 * (layout.altered[g] ?? missingValue('layout.altered[g]'))) / p).toFixed(1)}% of ${p}` : 'not profiled';
    parts.push(`<text x="10" y="${y + cellH * 0.7}">${escapeXml(g)}</text>`);
    parts.push(`<text x="${labelW - 8}" y="${y + cellH * 0.7}" text-anchor="end" fill="#555">${escapeXml(pct)}</text>`);
    drawn.forEach((s, si) => {
      const x = labelW + si * cellW;
      const w = Math.max(1, cellW - (cellW > 3 ? 1 : 0));
      const k = `${g}\t${s}`;
      if (input.notProfiled?.has(k)) {
        parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${cellH}" fill="${NOT_PROFILED_FILL}" stroke="#bbbbbb" stroke-width="0.5"><title>${escapeXml(`${s} ${g}: not profiled`)}</title></rect>`);
        return;
      }
      parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${cellH}" fill="${UNALTERED_FILL}"/>`);
      const c = input.cells.get(k);
      if (!c) return;
      if (c.cna && ONCOPRINT_CNA_STATES.includes(c.cna)) parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${cellH}" fill="${CNA_COLOURS[c.cna]}"><title>${escapeXml(`${s} ${g} ${c.cna === 'amp' ? 'amplification' : 'deep deletion'}`)}</title></rect>`);
      if (c.mutations.length) {
        const cls = c.mutations[0] ?? missingValue('c.mutations[0]');
        parts.push(`<rect x="${x}" y="${fmt(y + cellH / 3)}" width="${w}" height="${fmt(cellH / 3)}" fill="${MUTATION_COLOURS[cls]}"><title>${escapeXml(`${s} ${g} ${c.mutations.join(', ')}`)}</title></rect>`);
      }
    });
  });
  const full = (colour: string, stroke = '') => (x: number, y: number) => `<rect x="${x}" y="${y}" width="10" height="14" fill="${colour}"${stroke}/>`;
  const bar = (colour: string) => (x: number, y: number) => `<rect x="${x}" y="${y}" width="10" height="14" fill="${UNALTERED_FILL}"/><rect x="${x}" y="${y + 5}" width="10" height="5" fill="${colour}"/>`;
  parts.push(`<g class="legend">`);
  parts.push(
    ...legendRow(legendY, [
      { label: 'amplification', svg: full(CNA_COLOURS.amp) },
      { label: 'deep deletion', svg: full(CNA_COLOURS.homdel) },
      { label: 'no alteration', svg: full(UNALTERED_FILL) },
      { label: 'not profiled for the gene', svg: full(NOT_PROFILED_FILL, ' stroke="#bbbbbb" stroke-width="0.5"') },
    ]),
  );
  parts.push(...legendRow(legendY + 22, MUTATION_LEGEND.map(([label, cls]) => ({ label, svg: bar(MUTATION_COLOURS[cls]) }))));
  parts.push(`</g>`);
  const rule = 'Altered: any mutation, amplification or deep deletion (cBioPortal default); gains and shallow deletions not counted. % = altered / samples profiled for the gene.';
  parts.push(`<text x="10" y="${legendY + 56}" fill="#555">${escapeXml(rule)}</text>`);
  parts.push(`<text x="10" y="${legendY + 76}" fill="#555">${escapeXml(RESEARCH_USE_NOTE)}</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export interface ProteinDomain {
  name: string;
  start: number;
  end: number;
}

export interface LollipopMutation {
  position: number;
  proteinChange: string;
  mutationClass: MutationClass;
  /** Number of samples with this change. */
  count: number;
}

export interface LollipopInput {
  title: string;
  gene: string;
  /** Protein length in residues, with its source; null = unknown (the axis then ends at the last mutated residue). */
  protein: { length: number; source: string } | null;
  domains: ReadonlyArray<ProteinDomain>;
  mutations: ReadonlyArray<LollipopMutation>;
}

export function renderLollipop(input: LollipopInput): string {
  const maxPos = Math.max(1, ...input.mutations.map((m) => m.position), ...input.domains.map((d) => d.end));
  const length = input.protein ? Math.max(input.protein.length, maxPos) : maxPos;
  const left = 60;
  const plotW = 900;
  const width = left + plotW + 40;
  const baseY = 260;
  const height = 400;
  const x = (pos: number) => left + (pos / length) * plotW;
  // Stack the changes of one residue into one lollipop.
  const byPos = new Map<number, LollipopMutation[]>();
  for (const m of input.mutations) {
    const l = byPos.get(m.position) ?? [];
    l.push(m);
    byPos.set(m.position, l);
  }
  const totals = [...byPos].map(([pos, l]) => ({ pos, count: l.reduce((s, m) => s + m.count, 0), list: l }));
  const maxCount = Math.max(1, ...totals.map((t) => t.count));
  const stemMax = 180;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>${escapeXml(input.title)}</title>`);
  parts.push(`<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(input.title)}</text>`);
  // y axis (sample count)
  parts.push(`<line x1="${left - 10}" y1="${baseY - 10}" x2="${left - 10}" y2="${baseY - 10 - stemMax}" stroke="#999"/>`);
  parts.push(`<text x="${left - 14}" y="${baseY - 10 - stemMax + 4}" text-anchor="end" fill="#555">${maxCount}</text>`);
  parts.push(`<text x="${left - 14}" y="${baseY - 6}" text-anchor="end" fill="#555">0</text>`);
  for (const t of totals.sort((a, b) => a.pos - b.pos)) {
    const h = 10 + (t.count / maxCount) * (stemMax - 10);
    const cx = fmt(x(t.pos));
    const top = fmt(baseY - 10 - h);
    const main = [...t.list].sort((a, b) => b.count - a.count)[0] ?? missingValue('[...t.list].sort((a, b) => b.count - a.count)[0]');
    const label = t.list.map((m) => `${m.proteinChange} (${m.count})`).join(', ');
    parts.push(`<line x1="${cx}" y1="${baseY - 10}" x2="${cx}" y2="${top}" stroke="#888"/>`);
    parts.push(`<circle cx="${cx}" cy="${top}" r="5" fill="${MUTATION_COLOURS[main.mutationClass]}"><title>${escapeXml(`${input.gene} ${label}`)}</title></circle>`);
    if (t.count * 2 >= maxCount) parts.push(`<text x="${cx}" y="${fmt(Number(top) - 9)}" text-anchor="middle" font-size="10">${escapeXml(main.proteinChange)}</text>`);
  }
  // Protein backbone and domains.
  parts.push(`<rect x="${left}" y="${baseY - 6}" width="${plotW}" height="12" fill="#cccccc"/>`);
  const palette = ['#6baed6', '#74c476', '#fd8d3c', '#9e9ac8', '#fdd0a2', '#a1d99b'];
  input.domains.forEach((d, i) => {
    parts.push(`<rect x="${fmt(x(d.start))}" y="${baseY - 10}" width="${fmt(Math.max(1, x(d.end) - x(d.start)))}" height="20" fill="${palette[i % palette.length]}" stroke="#555"><title>${escapeXml(`${d.name} ${d.start}-${d.end}`)}</title></rect>`);
    parts.push(`<text x="${fmt((x(d.start) + x(d.end)) / 2)}" y="${baseY + 4}" text-anchor="middle" font-size="9">${escapeXml(d.name)}</text>`);
  });
  const step = length > 1000 ? 200 : length > 400 ? 100 : length > 100 ? 50 : 10;
  for (let p = 0; p <= length; p += step) {
    parts.push(`<line x1="${fmt(x(p))}" y1="${baseY + 12}" x2="${fmt(x(p))}" y2="${baseY + 17}" stroke="#555"/>`);
    parts.push(`<text x="${fmt(x(p))}" y="${baseY + 30}" text-anchor="middle" fill="#555">${p}</text>`);
  }
  parts.push(`<text x="${fmt(x(length))}" y="${baseY + 44}" text-anchor="end" fill="#555">${length} aa</text>`);
  // Legend: circle colour = class of the most frequent change at the residue; stem height = samples.
  const classes = [...new Set(input.mutations.map((m) => m.mutationClass))];
  const shown = MUTATION_LEGEND.filter(([, cls]) => classes.includes(cls));
  parts.push(`<g class="legend">`);
  parts.push(...legendRow(height - 66, [...shown.map(([label, cls]) => ({ label, svg: (x: number, y: number) => `<circle cx="${x + 5}" cy="${y + 7}" r="5" fill="${MUTATION_COLOURS[cls]}"/>` })), { label: 'stem height: samples with a change at the residue', svg: (x: number, y: number) => `<line x1="${x + 5}" y1="${y}" x2="${x + 5}" y2="${y + 14}" stroke="#888"/>` }]));
  parts.push(`</g>`);
  const sourceNote = input.protein ? `Protein length: ${input.protein.source}.` : 'Protein length unknown: the axis ends at the last mutated residue.';
  const domainNote = input.domains.length ? '' : ' No domain annotation drawn (none supplied).';
  parts.push(`<text x="10" y="${height - 30}" fill="#555">${escapeXml(sourceNote + domainNote)}</text>`);
  parts.push(`<text x="10" y="${height - 12}" fill="#555">${escapeXml(RESEARCH_USE_NOTE)}</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * Protein lengths her2scope knows. ERBB2: UniProt P04626 canonical isoform, 1,255 residues (the accession is the one
 * shared/reference names for HER2; the length is UniProt's). Domain boundaries are not bundled: they could not be
 * checked against UniProt here, so supply them with `--domains` if wanted.
 */
export const PROTEIN_LENGTHS: Readonly<Record<string, { length: number; source: string }>> = {
  ERBB2: { length: 1255, source: 'UniProt P04626 (ERBB2, canonical isoform), 1,255 aa' },
};
