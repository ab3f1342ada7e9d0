import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CN_GENES,
  absoluteCopyNumber,
  categoryCutoff,
  sizeText,
  cnCategory,
  cnvkitThresholdCall,
  copyNumberChanges,
  geneCopyNumber,
  reconcileErbb2,
} from '../../src/copynumber/index.ts';

const ERBB2 = CN_GENES.find((g) => g.gene === 'ERBB2')!;

test('ABSOLUTE / CNVkit rescaling', () => {
  assert.equal(absoluteCopyNumber(0), 2);
  assert.equal(absoluteCopyNumber(1), 4);
  // CNVkit: n = (r * 2^v - x * (1 - p)) / p, r = x = 2
  assert.ok(Math.abs(absoluteCopyNumber(1, { purity: 0.4 }) - (2 * 2 - 2 * 0.6) / 0.4) < 1e-12);
  // ABSOLUTE with ploidy 3: q = (R * (p*t + 2(1-p)) - 2(1-p)) / p
  assert.ok(Math.abs(absoluteCopyNumber(0.5, { purity: 0.7, ploidy: 3 }) - (2 ** 0.5 * (0.7 * 3 + 0.6) - 0.6) / 0.7) < 1e-12);
  // log2 = 0 is the ploidy at any purity
  assert.ok(Math.abs(absoluteCopyNumber(0, { purity: 0.3, ploidy: 3 }) - 3) < 1e-12);
  assert.equal(absoluteCopyNumber(-5, { purity: 0.5 }), 0); // below the normal-cell floor: 0, not negative
  assert.throws(() => absoluteCopyNumber(0, { purity: 1.2 }), /purity must be in \(0, 1\]/);
  assert.throws(() => absoluteCopyNumber(0, { ploidy: 0 }), /ploidy/);
});

test('CNVkit threshold call and GDC categories, at the boundaries', () => {
  assert.deepEqual([-1.1, -1.0999, -0.25, -0.2499, 0.2, 0.2001, 0.7, 0.7001, 2].map((v) => cnvkitThresholdCall(v)), [0, 1, 1, 2, 2, 3, 3, 4, 8]);
  assert.deepEqual([0, 0.4, 1, 1.6, 2, 3, 3.6, 4, 9].map((c) => cnCategory(c)), ['deep-deletion', 'deep-deletion', 'loss', 'neutral', 'neutral', 'gain', 'amplification', 'amplification', 'amplification']);
  // ploidy 3: neutral 3, gain 4-5, amplification >= 6
  assert.deepEqual([2, 3, 5, 6].map((c) => cnCategory(c, 3)), ['loss', 'neutral', 'gain', 'amplification']);
});

test('gene call: overlap-weighted across segments; partial coverage said; chr prefix ignored; no overlap -> null', () => {
  const mid = Math.floor((ERBB2.start + ERBB2.end) / 2);
  const g = geneCopyNumber(
    [
      { chrom: '17', start: ERBB2.start - 1000, end: mid, log2: 2 },
      { chrom: '17', start: mid + 1, end: ERBB2.end - 10000, log2: 1 },
    ],
    ERBB2,
  )!;
  const w1 = mid - ERBB2.start + 1;
  const w2 = ERBB2.end - 10000 - mid;
  assert.ok(Math.abs(g.log2! - Number(((2 * w1 + 1 * w2) / (w1 + w2)).toFixed(4))) < 1e-12);
  assert.equal(g.status, 'amplification');
  assert.equal(g.coverage, (w1 + w2) / (ERBB2.end - ERBB2.start + 1));
  assert.match(g.text, /; segments cover 76% of the gene\)$/);
  assert.equal(geneCopyNumber([{ chrom: 'chr1', start: 1, end: 100, log2: 3 }], ERBB2), null);
  assert.equal(geneCopyNumber([{ chrom: 'chr17', start: 1, end: 83257441, log2: null }], ERBB2), null);
});

test('ERBB2 by NGS reconciled with IHC/ISH', () => {
  const t = (ngs: Parameters<typeof reconcileErbb2>[0], her2: Parameters<typeof reconcileErbb2>[1]) => {
    const r = reconcileErbb2(ngs, her2);
    return `${r.concordance}: ${r.text}`;
  };
  assert.equal(t('amplification', { ihc: '1+' }), 'discordant: NGS amplified but IHC 1+ — discordant: consider ISH / heterogeneity');
  assert.equal(t('amplification', { ihc: '0' }), 'discordant: NGS amplified but IHC 0 — discordant: consider ISH / heterogeneity');
  assert.equal(t('neutral', { ihc: '3+' }), 'discordant: IHC 3+ but NGS neutral — discordant: check tumour content (purity) of the sequenced sample and heterogeneity');
  assert.equal(t('gain', { ihc: '2+', ishAmplified: true }), 'discordant: ISH amplified but NGS gain — discordant: check tumour content (purity) of the sequenced sample and heterogeneity');
  assert.equal(t('amplification', { ihc: '3+' }), 'concordant: ERBB2 amplified by NGS, concordant with IHC 3+');
  assert.equal(t('amplification', { ihc: '2+', ishAmplified: true }), 'concordant: ERBB2 amplified by NGS, concordant with ISH amplified');
  assert.equal(t('amplification', { ihc: '2+' }), 'supportive: NGS amplified, IHC 2+ (equivocal) — ISH decides; NGS supports amplification');
  assert.equal(t('amplification', { ihc: '2+', ishAmplified: false }), 'discordant: NGS amplified but ISH not amplified (IHC 2+) — discordant: review tumour content and heterogeneity; consider repeat ISH');
  assert.equal(t('neutral', { ihc: '1+' }), 'concordant: NGS neutral, concordant with IHC 1+');
  assert.equal(t('deep-deletion', { status: 'negative' }), 'concordant: NGS deep deletion, concordant with HER2 negative');
  assert.equal(t(null, { ihc: '3+' }), 'not-assessable: ERBB2 copy number not available from sequencing');
  assert.equal(t('amplification', {}), 'not-assessable: ERBB2 amplification by NGS; no IHC/ISH in this sample to compare');
  assert.match(reconcileErbb2('amplification', { ihc: '1+' }).source, /^ASCO\/CAP HER2 testing/);
});

test('copy-number changes between samples', () => {
  const call = (gene: string, status: 'gain' | 'amplification' | 'neutral', copyNumber: number) => ({ gene, status, copyNumber, log2: null, method: 'stated' as const, coverage: 1, text: '', sources: [] });
  assert.deepEqual(copyNumberChanges([call('ERBB2', 'neutral', 2), call('MYC', 'gain', 3)], [call('ERBB2', 'amplification', 12), call('MYC', 'gain', 3), call('FGFR1', 'gain', 3)]), [
    { gene: 'ERBB2', from: 'neutral', to: 'amplification', detail: 'ERBB2: neutral (copy number 2) -> amplification (copy number 12)' },
  ]);
});

test('item 3: each call names its rule with the numbers, the purity used and the segment it rests on', () => {
  // the e-ctdna liver segment (CNVkit 0-based start 39500000 -> 1-based 39,500,001), log2 2.31 at purity 70%
  const seg = { chrom: 'chr17', start: 39500001, end: 39900000, log2: 2.31 };
  const g = geneCopyNumber([seg], ERBB2, { purity: 0.7, ploidy: 2 })!;
  assert.deepEqual(g.segment, { chrom: 'chr17', start: 39500001, end: 39900000, size: 400000, count: 1 });
  assert.equal(g.rule, 'copy number 13.3 (rounded 13) ≥ 4 (2 × ploidy 2): amplification (NCI GDC); from log2 2.31 at purity 70%, ploidy 2 (ABSOLUTE); segment chr17:39,500,001-39,900,000 (400 kb)');
  // without purity: CNVkit's thresholds, said with the assumption
  const t = geneCopyNumber([{ ...seg, log2: 0.5 }], ERBB2)!;
  assert.equal(t.rule, "copy number 3 > 2 and < 4 (ploidy 2 to 2 × ploidy): gain (NCI GDC); from log2 0.5 by CNVkit's thresholds -1.1/-0.25/0.2/0.7 (no purity given; they assume about 50% tumour content); segment chr17:39,500,001-39,900,000 (400 kb)");
  // stated copy number over two segments
  const two = geneCopyNumber(
    [
      { chrom: 'chr17', start: 39000000, end: 39700000, copyNumber: 1 },
      { chrom: 'chr17', start: 39700001, end: 41250000, copyNumber: 1 },
    ],
    ERBB2,
  )!;
  assert.deepEqual(two.segment, { chrom: 'chr17', start: 39000000, end: 41250000, size: 2250001, count: 2 });
  assert.equal(two.rule, 'copy number 1 > 0 and < ploidy 2: loss (NCI GDC); as stated by the caller; 2 segments spanning chr17:39,000,000-41,250,000 (2.25 Mb)');
  assert.deepEqual(
    (['amplification', 'gain', 'neutral', 'loss', 'deep-deletion'] as const).map((s) => categoryCutoff(s, 3)),
    ['≥ 6 (2 × ploidy 3): amplification', '> 3 and < 6 (ploidy 3 to 2 × ploidy): gain', '= ploidy 3: neutral', '> 0 and < ploidy 3: loss', '0: deep deletion'],
  );
  assert.deepEqual([950, 1000, 400000, 1234567].map(sizeText), ['950 bp', '1 kb', '400 kb', '1.23 Mb']);
});
