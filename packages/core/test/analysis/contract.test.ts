// The analysis contract carries what renderers need as fields, so that no adapter parses prose (re-read B2, B3):
// every change names its finding (`findingId`, `gene`, `alteration`), and the HER2 result names the IHC score it
// used (`ihc`). SYNTHETIC data.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnalysisResultSchema, classifyPathology, interpretCase, type VariantCall } from '../../src/index.ts';
import { call, caseOf, KB, L755S, sample } from './fixtures.ts';

const fields = (r: ReturnType<typeof interpretCase>) => r.changes.map((c) => [c.kind, c.findingId, c.gene, c.alteration]);
const findingIds = (r: ReturnType<typeof interpretCase>) => new Set(r.samples.flatMap((s) => s.findings.map((f) => f.id)));

describe('changes name their finding (findingId, gene, alteration)', () => {
  test('acquired: the later sample\'s finding; lost: the earlier sample\'s finding', () => {
    const t798i = call('ERBB2', 'p.T798I', 37881064, 0.2, { ref: 'C', alt: 'T' });
    const r = interpretCase(
      caseOf([sample({ id: 'S1', type: 'primary', site: 'breast', collected: '2016-03-02' }, [t798i]), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31)])], [{ drug: 'letrozole', start: '2016-04-01' }]),
      KB,
    );
    assert.deepEqual(fields(r), [
      ['acquired-variant', 'S2:variant:chr17:37880220:T:C', 'ERBB2', 'p.L755S'],
      ['lost-variant', 'S1:variant:chr17:37881064:C:T', 'ERBB2', 'p.T798I'],
    ]);
    for (const c of r.changes) assert.ok(findingIds(r).has(c.findingId ?? ''), `${c.findingId} names a finding`);
    AnalysisResultSchema.parse(JSON.parse(JSON.stringify(r)));
  });

  test('a repeated call in one sample: the change names the call it is about (#2)', () => {
    const again = { ...L755S(0.2), pos: 37880220 };
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, []), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31), again])]), KB);
    assert.deepEqual(r.samples[1]?.findings.map((f) => f.id), ['S2:variant:chr17:37880220:T:C', 'S2:variant:chr17:37880220:T:C#2']);
    // each call's change names that call's finding (the detail with VAF 20% sorts first)
    assert.deepEqual(fields(r), [
      ['acquired-variant', 'S2:variant:chr17:37880220:T:C#2', 'ERBB2', 'p.L755S'],
      ['acquired-variant', 'S2:variant:chr17:37880220:T:C', 'ERBB2', 'p.L755S'],
    ]);
    assert.deepEqual(r.changes.map((c) => c.to), ['VAF 20%', 'VAF 31%']);
  });

  test('a variant without protein change: the alteration is the finding\'s `chrom:pos ref>alt`', () => {
    const noProtein: VariantCall = { ...L755S(0.31), hgvsp: null };
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, []), sample({ id: 'S2', collected: '2019-02-01' }, [noProtein])]), KB);
    assert.deepEqual(fields(r), [['acquired-variant', 'S2:variant:chr17:37880220:T:C', 'ERBB2', 'chr17:37880220 T>C']]);
    assert.equal(r.samples[1]?.findings[0]?.alteration, r.changes[0]?.alteration);
  });

  test('emerging-variant: the finding in the last draw that detected it', () => {
    const esr1 = (vaf: number, alt: number) => call('ESR1', 'p.D538G', 152098791, vaf, { chrom: 'chr6', ref: 'A', alt: 'G', depth: 5000, altCount: alt, normalAltCount: 0, normalDepth: 2000, normalVaf: 0 });
    const draw = (id: string, collected: string, v: VariantCall[]) => sample({ id, type: 'plasma', site: undefined, collected }, v, null, 5000);
    const r = interpretCase(caseOf([draw('P1', '2021-03-02', []), draw('P2', '2021-09-07', [esr1(0.015, 75)]), draw('P3', '2022-03-08', [esr1(0.06, 300)])], [{ drug: 'letrozole', start: '2019-02-01' }]), KB);
    assert.deepEqual(fields(r), [['emerging-variant', 'P3:variant:chr6:152098791:A:G', 'ESR1', 'p.D538G']]);
  });

  test('cn-change: the gene, no finding; receptor conversions: none of the three', () => {
    const seg = (log2: number) => ({ chrom: 'chr17', start: 39600000, end: 39800000, log2 });
    const cn = (id: string, collected: string, log2: number, ihc: '0' | '3+') => ({
      ...sample({ id, collected, pathology: { her2: { ihc }, er: { percent: 90 } } }, []),
      copyNumber: { file: `${id}.cns`, format: 'cnvkit', segments: [seg(log2)], purity: 0.7, ploidy: 2 },
    });
    const r = interpretCase(caseOf([cn('S1', '2016-03-02', 0, '0'), cn('S2', '2019-02-01', 2, '3+')]), KB);
    assert.deepEqual(fields(r), [
      ['her2-conversion', null, null, null],
      ['cn-change', null, 'ERBB2', null],
    ]);
    AnalysisResultSchema.parse(JSON.parse(JSON.stringify(r)));
  });

  test('the contract refuses a change without the fields, or with a finding id that is not text', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02' }, []), sample({ id: 'S2', collected: '2019-02-01' }, [L755S(0.31)])]), KB);
    const json = JSON.parse(JSON.stringify(r)) as { changes: Array<Record<string, unknown>> };
    const without = structuredClone(json);
    delete without.changes[0]?.findingId;
    assert.deepEqual(
      AnalysisResultSchema.safeParse(without).error?.issues.map((i) => i.path.join('.')),
      ['changes.0.findingId'],
    );
    const wrong = structuredClone(json);
    if (wrong.changes[0]) wrong.changes[0].gene = 17;
    assert.deepEqual(AnalysisResultSchema.safeParse(wrong).error?.issues.map((i) => i.path.join('.')), ['changes.0.gene']);
  });
});

describe('the HER2 result names its IHC score (ihc)', () => {
  const her2 = (h: Parameters<typeof classifyPathology>[0]['her2']) => classifyPathology({ her2: h }).her2;
  test('each IHC score, alone and with ISH; ISH alone: null', () => {
    assert.deepEqual(
      (['0', '1+', '2+', '3+'] as const).map((ihc) => [ihc, her2({ ihc })?.ihc, her2({ ihc })?.category]),
      [
        ['0', '0', 'HER2-0'],
        ['1+', '1+', 'HER2-low'],
        ['2+', '2+', 'pending'],
        ['3+', '3+', 'HER2-positive'],
      ],
    );
    assert.deepEqual([her2({ ihc: '2+', ish: { probe: 'dual', her2: 4.6, cep17: 2.6 } })?.ihc, her2({ ihc: '2+', ish: { probe: 'dual', her2: 4.6, cep17: 2.6 } })?.category], ['2+', 'HER2-low']);
    assert.deepEqual([her2({ ish: { probe: 'dual', her2: 8, cep17: 2 } })?.ihc, her2({ ish: { probe: 'dual', her2: 8, cep17: 2 } })?.category], [null, 'HER2-positive']);
    assert.deepEqual([her2({ ihc: '1+', ish: { probe: 'single', her2: 5 } })?.ihc, her2({ ish: { probe: 'single', her2: 7 } })?.ihc], ['1+', null]);
  });

  test('the analysis carries it per sample; the contract refuses an IHC score outside 0, 1+, 2+, 3+', () => {
    const r = interpretCase(caseOf([sample({ id: 'S1', collected: '2016-03-02', pathology: { her2: { ihc: '1+' }, er: { percent: 90 } } }, null)]), KB);
    assert.equal(r.samples[0]?.classification?.her2?.ihc, '1+');
    const json = JSON.parse(JSON.stringify(r)) as { samples: Array<{ classification: { her2: Record<string, unknown> } }> };
    const bad = structuredClone(json);
    if (bad.samples[0]) bad.samples[0].classification.her2.ihc = '4+';
    assert.deepEqual(AnalysisResultSchema.safeParse(bad).error?.issues.map((i) => i.path.join('.')), ['samples.0.classification.her2.ihc']);
  });
});
