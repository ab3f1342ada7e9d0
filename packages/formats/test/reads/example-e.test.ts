// The SYNTHETIC example case e (examples/cases/e-ctdna, made by scripts/make-example-ctdna.mjs), taken through the
// issue-16 building blocks the interpretation will call: read look-back in the primary's BAM, plasma origin with
// the white-cell sample, VAF trajectories, ERBB2 copy number in the liver and its reconciliation with IHC 1+.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CN_GENES, geneCopyNumber, reconcileErbb2 } from '@her2scope/core/copynumber';
import { classifyPlasmaVariant, classifyTrajectory, emergingDuringTherapy } from '@her2scope/core/ctdna';
import { assessReadEvidence } from '@her2scope/core/reads';
import { readCopyNumber } from '../../src/copynumber/index.ts';
import { countAlleles } from '../../src/reads/index.ts';
import { readVariantCalls } from '../../src/variants/index.ts';

const dir = resolve(fileURLToPath(import.meta.url), '../../../../../examples/cases/e-ctdna');
const DRAWS = [
  { file: 'e-plasma-1.vcf', date: '2021-03-02' },
  { file: 'e-plasma-2.vcf', date: '2021-09-07' },
  { file: 'e-plasma-3.vcf', date: '2022-03-08' },
];
const TREATMENTS = [{ drug: 'letrozole', start: '2019-02-01' }];

/** The white-cell (normal) AD of a record, read from the VCF text (the variant reader reports the tumour column). */
function wbcReads(file: string, pos: number): { altReads: number; depth: number } {
  const line = readFileSync(join(dir, file), 'utf8').split('\n').find((l) => l.split('\t')[1] === String(pos))!;
  const f = line.split('\t');
  const keys = f[8]!.split(':');
  const ad = f[9]!.split(':')[keys.indexOf('AD')]!.split(',').map(Number);
  return { altReads: ad[1]!, depth: ad[0]! + ad[1]! };
}

test('example e: primary look-back, plasma origin, trajectories, liver ERBB2', async () => {
  const draws = await Promise.all(DRAWS.map(async (d) => ({ ...d, calls: await readVariantCalls(join(dir, d.file)) })));
  const esr1 = draws.map((d) => d.calls.find((c) => c.gene === 'ESR1')!);
  const dnmt3a = draws.map((d) => d.calls.find((c) => c.gene === 'DNMT3A')!);
  assert.deepEqual(esr1.map((c) => [c.hgvsp, c.vaf, c.altCount, c.depth]), [['p.D538G', 0.002, 10, 5000], ['p.D538G', 0.015, 75, 5000], ['p.D538G', 0.06, 300, 5000]]);
  assert.deepEqual(dnmt3a.map((c) => c.vaf), [0.02, 0.021, 0.0196]);

  // read look-back in the primary (2019): ESR1 D538G absent with power; PIK3CA H1047R clonal at purity 60%
  const [e, d, p] = await countAlleles({ file: join(dir, 'e-primary.bam') }, [esr1[0]!, dnmt3a[0]!, { chrom: 'chr3', pos: 179234297, ref: 'A', alt: 'G' }]);
  assert.equal(assessReadEvidence({ sample: 'E-PRIMARY', altReads: e!.altReads, depth: e!.depth }).text, 'absent: 0/812 reads in E-PRIMARY (VAF < 0.37%, 95% upper bound); ≥95% power for VAF ≥ 0.77% (a call needs ≥3 alt reads)');
  assert.equal(assessReadEvidence({ sample: 'E-PRIMARY', altReads: d!.altReads, depth: d!.depth }).text, 'absent: 0/640 reads in E-PRIMARY (VAF < 0.47%, 95% upper bound); ≥95% power for VAF ≥ 0.98% (a call needs ≥3 alt reads)');
  const pik = assessReadEvidence({ sample: 'E-PRIMARY', altReads: p!.altReads, depth: p!.depth, purityModel: { purity: 0.6 } });
  assert.deepEqual([pik.status, pik.clonality, p!.altReads, p!.depth], ['present', 'clonal', 160, 500]);

  // plasma: DNMT3A in the white cells too (CHIP), ESR1 absent from them: tumour-derived at 1.5% (draw 2); at 0.2%
  // (draw 1) 0/2000 white-cell reads bound the VAF below 0.15% but a call there needs 6 reads (95% power at 0.52%), so
  // that draw alone only presumes it tumour-derived
  const dnmtOrigin = classifyPlasmaVariant({ gene: 'DNMT3A', proteinChange: 'p.R882H', plasmaVaf: 0.02, wbc: wbcReads('e-plasma-1.vcf', 25234373) });
  assert.equal(dnmtOrigin.origin, 'chip');
  assert.match(dnmtOrigin.text, /^CHIP: also in the white-cell sample, 40\/2000 reads in white cells \(VAF 2%; binomial p = /);
  const esrOrigin = classifyPlasmaVariant({ gene: 'ESR1', proteinChange: 'p.D538G', plasmaVaf: 0.015, wbc: wbcReads('e-plasma-2.vcf', 152098791) });
  assert.equal(esrOrigin.text, 'tumour-derived: absent from white cells, 0/2000 reads in white cells (VAF < 0.15%, 95% upper bound); ≥95% power for VAF ≥ 0.52% (a call needs ≥6 alt reads)');
  assert.equal(classifyPlasmaVariant({ gene: 'ESR1', proteinChange: 'p.D538G', plasmaVaf: 0.002, wbc: wbcReads('e-plasma-1.vcf', 152098791) }).origin, 'presumed-tumour');

  // trajectories across the three draws under letrozole
  const traj = (calls: typeof esr1) => classifyTrajectory(calls.map((c, i) => ({ sample: `E-PLASMA-${i + 1}`, date: DRAWS[i]!.date, vaf: c.vaf, altReads: c.altCount, depth: c.depth })));
  const te = traj(esr1);
  assert.equal(te.text, 'rising: 0.2% → 1.5% → 6% (first detected 2021-03-02, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error)');
  assert.equal(traj(dnmt3a).trend, 'steady');
  assert.equal(emergingDuringTherapy('ESR1 p.D538G', te, TREATMENTS)!.detail, 'ESR1 p.D538G first seen in plasma on 2021-03-02 during letrozole; rising: 0.2% → 1.5% → 6% (first detected 2021-03-02, at the detection limit: 10/5000 reads, binomial p = 0.032 vs 0.1% error)');

  // liver metastasis: ERBB2 amplified by NGS, IHC 1+
  const cns = await readCopyNumber(join(dir, 'e-liver.cns'));
  const erbb2 = geneCopyNumber(cns.segments, CN_GENES.find((g) => g.gene === 'ERBB2')!, { purity: 0.7 })!;
  assert.equal(erbb2.text, 'ERBB2 amplification (copy number 13.3; log2 2.31; purity 70%; ploidy 2)');
  assert.equal(reconcileErbb2(erbb2.status, { ihc: '1+' }).text, 'NGS amplified but IHC 1+ — discordant: consider ISH / heterogeneity');
});
