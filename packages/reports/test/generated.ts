/**
 * SYNTHETIC cases generated from a seed (core `seededRandom`: the same cases on every machine), drawn from the
 * contract's vocabulary: sample types and sites of the case schema, IHC scores and ER/PR percentages, the knowledge
 * base's own protein alterations (so findings meet evidence), its drug names for treatments, treatment settings and
 * responses, and cytometry results with or without a hidden population. Not real patients.
 */
import { SAMPLE_TYPES, SITES, seededRandom, summarizeStemCells, type CaseData, type KnowledgeBase, type SampleData, type Treatment, type VariantCall } from '@her2scope/core';

const IHC = ['0', '1+', '2+', '3+'] as const;
const RESPONSES = ['complete-response', 'partial-response', 'stable', 'progression', 'unknown'] as const;

export function generatedCase(seed: number, kb: KnowledgeBase): CaseData {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[Math.floor(rnd() * xs.length)];
    if (x === undefined) throw new Error('empty vocabulary');
    return x;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const alterations = [...new Map(kb.entries.flatMap((e) => (e.alteration.kind === 'protein' ? [[`${e.gene} ${e.alteration.hgvsp}`, { gene: e.gene, hgvsp: e.alteration.hgvsp }] as const] : []))).values()];
  const drugs = (kb.drugClasses?.drugs ?? []).map((d) => d.name);
  // A fixed made-up locus per alteration, so the same alteration is the same variant in every sample.
  const locus = (i: number) => ({ chrom: String(1 + (i % 22)), pos: 1_000_000 + i * 101, ref: 'C', alt: 'T' });

  const n = int(1, 3);
  const start = 2014 + int(0, 3);
  const samples: SampleData[] = [];
  for (let i = 0; i < n; i++) {
    const id = `G${seed}-S${i + 1}`;
    const collected = `${start + i * 2}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
    const ihc = pick(IHC);
    const pathology =
      rnd() < 0.85
        ? {
            her2: ihc === '2+' ? { ihc, ish: { probe: 'dual' as const, her2: rnd() < 0.5 ? 3.1 : 7.2, cep17: 2.0 } } : ihc === '0' && rnd() < 0.6 ? { ihc, stainedPercent: pick([0, 5, 10]) } : { ihc },
            er: { percent: pick([0, 0.5, 5, 40, 95]) },
            pr: { percent: pick([0, 10, 60]) },
          }
        : undefined;
    let variants: VariantCall[] | null = null;
    if (rnd() < 0.7) {
      variants = [];
      for (let k = int(0, 3); k > 0; k--) {
        const j = Math.floor(rnd() * alterations.length);
        const a = alterations[j];
        if (!a || variants.some((v) => v.hgvsp === a.hgvsp && v.gene === a.gene)) continue;
        const vaf = Math.round((0.05 + rnd() * 0.5) * 100) / 100;
        variants.push({ gene: a.gene, hgvsp: a.hgvsp, hgvsc: null, consequence: 'missense_variant', ...locus(j), vaf, depth: 400, altCount: Math.round(400 * vaf), filter: 'PASS', sample: 'TUMOR' });
      }
    }
    const cytometry =
      rnd() < 0.3
        ? summarizeStemCells({ totalEvents: 5000, analysed: 4000, her2: 300, stem: 400, both: pick([0, 2, 120]), analysedText: 'live events', thresholds: {}, notes: [], bulkHer2: null, deferBulkHer2: pathology !== undefined })
        : null;
    samples.push({
      sample: {
        id,
        type: i === 0 ? 'primary' : pick(SAMPLE_TYPES),
        site: i === 0 ? 'breast' : pick(SITES),
        collected,
        ...(pathology ? { pathology } : {}),
        ...(variants ? { variants: { file: `${id}.vcf`, regions: 'panel.bed' } } : {}),
        ...(cytometry ? { cytometry: { file: `${id}.fcs` } } : {}),
      },
      variants,
      regions: variants ? alterations.map((_, j) => ({ chrom: locus(j).chrom, start: locus(j).pos - 10, end: locus(j).pos + 10, depth: 400 })) : null,
      cytometry,
    });
  }
  const treatments: Treatment[] = [];
  for (let k = int(0, 4); k > 0; k--) {
    const y = start + int(0, 2 * n);
    const t: Treatment = { drug: pick(drugs), start: `${y}-${String(int(1, 12)).padStart(2, '0')}-01` };
    if (rnd() < 0.7) t.end = `${y + 1}-06-30`;
    if (rnd() < 0.7) t.response = pick(RESPONSES);
    if (rnd() < 0.4) t.setting = rnd() < 0.5 ? 'early' : 'metastatic';
    treatments.push(t);
  }
  return { case: { patient: { id: `SYN-GEN-${seed}`, synthetic: true }, samples: samples.map((s) => s.sample), treatments }, samples };
}
