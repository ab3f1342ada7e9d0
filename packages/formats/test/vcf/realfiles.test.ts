// Real caller output compared record by record with bcftools (issue 15): every record htslib reads is read here
// too (AD declared Number=. with any count, multi-allelic sites), allele depths agree with bcftools query, and the
// reported transcript is VEP's PICK (then MANE Select, canonical protein-coding, most severe protein-coding).
// Files: fixtures copied from /work/shared/data/vcf (licences in fixtures/variants/LICENSES.md) and, when the shared
// data is present, the larger ones read from there. (input_dash_csq_allele.vcf, whose #CHROM line is space-separated,
// is read by her2scope but not by htslib, so it has no bcftools reference here.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VariantCall } from '@her2scope/core';
import { consequenceRank } from '@her2scope/core';
import { bcftools, indexedCopy, rows } from './biotools.ts';
import { fixture, readPath, sharedFile } from './helpers.ts';

interface Case {
  path: string | null;
  tumor?: string;
}
const CASES: Case[] = [
  { path: fixture('pvactools_input_multi_sample.vcf'), tumor: 'H_NJ-HCC1395-HCC1395' },
  { path: fixture('vcf2maf_test_pindel.vep.vcf'), tumor: 'TUMOR' },
  { path: fixture('hom_ref.vcf'), tumor: 'TUMOR' },
  { path: fixture('af_number_1.vcf'), tumor: 'TUMOR' },
  { path: fixture('input.protein_coding.vcf'), tumor: 'Tumor-666' },
  { path: sharedFile('vcf/annotated.expression.vcf.gz'), tumor: 'HCC1395_TUMOR_DNA' },
  { path: sharedFile('vcf/input.vcf.gz') },
  { path: sharedFile('vcf/input_short.vcf') },
];

const key = (c: { chrom: string; pos: number | string; ref: string; alt: string }) => `${c.chrom}:${c.pos}:${c.ref}>${c.alt}`;

async function ours(c: Case): Promise<VariantCall[]> {
  const opts: { allFilters: boolean; tumor?: string } = { allFilters: true };
  if (c.tumor) opts.tumor = c.tumor;
  return (await readPath(c.path!, opts)).calls;
}

test('every record bcftools reads is read, with the allele depths bcftools query gives (AD by allele index, else a note)', async () => {
  let checkedAd = 0;
  let noted = 0;
  let alleles = 0;
  for (const c of CASES) {
    if (!c.path) continue;
    const samples = rows(bcftools(['query', '-l', c.path])).map((r) => r[0]!);
    const tumor = c.tumor ?? samples[0]!;
    const calls = await ours(c);
    const byKey = new Map(calls.map((v) => [key(v), v]));
    assert.equal(byKey.size, calls.length, `${c.path}: one call per allele`);
    const seen = new Set<string>();
    for (const [chrom, pos, ref, altText, gt, ad] of rows(bcftools(['query', '-s', tumor, '-f', '%CHROM\t%POS\t%REF\t%ALT[\t%GT\t%AD]\n', c.path]))) {
      if (altText === '.') continue;
      const alts = altText!.split(',');
      const gtAlleles = gt!.split(/[/|]/).filter((a) => a !== '.').map(Number);
      const adv = ad === '.' ? [] : ad!.split(',');
      for (let k = 1; k <= alts.length; k++) {
        const id = key({ chrom: chrom!, pos: pos!, ref: ref!, alt: alts[k - 1]! });
        seen.add(id);
        const v = byKey.get(id);
        // A called allele (in the tumour's GT) is never dropped.
        if (gtAlleles.includes(k)) assert.ok(v, `${c.path}: ${id} (GT ${gt}) is missing`);
        if (!v) continue;
        alleles++;
        if (adv.length === alts.length + 1 && adv.every((x) => x !== '.')) {
          const depths = adv.map(Number);
          assert.equal(v.altCount, depths[k], `${c.path}: ${id} altCount`);
          const sum = depths.reduce((s, x) => s + x, 0);
          if (sum > 0) assert.equal(v.vaf, Math.round((depths[k]! / sum) * 1e6) / 1e6, `${c.path}: ${id} vaf`);
          checkedAd++;
        } else if (adv.length > 1 && adv.length !== alts.length + 1) {
          assert.match(v.notes?.[0] ?? '', new RegExp(`^AD has ${adv.length} values for ${alts.length + 1} alleles; (VAF from .+|no VAF)$`), `${c.path}: ${id}`);
          noted++;
        }
      }
    }
    for (const v of calls) assert.ok(seen.has(key(v)), `${c.path}: ${key(v)} is not a record bcftools reads`);
  }
  assert.ok(checkedAd > 1000 || !sharedFile('vcf/annotated.expression.vcf.gz'), `AD compared for ${checkedAd} alleles`);
  assert.ok(checkedAd >= 300, `AD compared for ${checkedAd} alleles`);
  assert.ok(noted >= 2, `notes checked: ${noted}`);
  assert.ok(alleles > 0);
});

test('pVACtools multi-sample VCF (AD Number=.): the record the issue names, and no record lost', async () => {
  const calls = await ours(CASES[0]!);
  // All 477 records; 4 multi-allelic sites give a call for each ALT (the tumour has reads for both).
  assert.equal(calls.length, 481);
  assert.equal(new Set(calls.map((v) => `${v.chrom}:${v.pos}`)).size, 477);
  assert.equal(calls.filter((v) => v.notes?.length).length, 40);
  // The issue's record: 22 21273168 A G,T, AD=0,2 (2 values for 3 alleles), GT 1/1, FA=1, DP=4.
  const c = calls.find((v) => v.pos === 21273168)!;
  assert.deepEqual(c, {
    gene: 'CRKL',
    hgvsp: null,
    hgvsc: 'c.311+635A>G',
    consequence: 'intron_variant',
    chrom: '22',
    pos: 21273168,
    ref: 'A',
    alt: 'G',
    vaf: 1,
    depth: 4,
    altCount: 4,
    filter: '.',
    sample: 'H_NJ-HCC1395-HCC1395',
    notes: ['AD has 2 values for 3 alleles; VAF from FA'],
    // The second column is taken as the normal (two samples, no ##normal_sample=); it is '.' here: no reads known.
    normalDepth: null,
    normalAltCount: null,
    normalVaf: null,
  });
  // A single AD value for two alleles (Strelka indel columns): the TIR/TAR tier-1 counts, with a note.
  const ins = calls.find((v) => v.pos === 217498305)!;
  assert.deepEqual([ins.altCount, ins.vaf, ins.depth, ins.notes], [4, 0.042553, 101, ['AD has 1 value for 2 alleles; VAF from TIR/TAR']]);
});

/** Entries of every record as bcftools +split-vep splits them (one row per transcript and allele). */
function splitEntries(path: string, fields: string[]): Map<string, Record<string, string>[]> {
  const out = new Map<string, Record<string, string>[]>();
  const fmt = `%CHROM\t%POS\t%REF\t%ALT\t${fields.map((f) => `%${f}`).join('\t')}\n`;
  for (const r of rows(bcftools(['+split-vep', '-d', '-u', '-f', fmt, indexedCopy(path)]))) {
    const id = `${r[0]}:${r[1]}:${r[2]}>${r[3]}`;
    const e: Record<string, string> = {};
    fields.forEach((f, i) => (e[f] = r[4 + i] === '.' ? '' : r[4 + i]!));
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push(e);
  }
  return out;
}

test('the reported transcript is the one VEP flagged PICK (bcftools +split-vep entries), on every real file with PICK', async () => {
  const withPick = [
    { path: fixture('vcf2maf_test_pindel.vep.vcf'), tumor: 'TUMOR' },
    { path: fixture('hom_ref.vcf'), tumor: 'TUMOR' },
    { path: fixture('af_number_1.vcf'), tumor: 'TUMOR' },
    { path: sharedFile('vcf/annotated.expression.vcf.gz'), tumor: 'HCC1395_TUMOR_DNA' },
    { path: sharedFile('vcf/input.vcf.gz') },
  ];
  let compared = 0;
  for (const c of withPick) {
    if (!c.path) continue;
    const entries = splitEntries(c.path, ['SYMBOL', 'Gene', 'Consequence', 'HGVSc', 'PICK']);
    for (const v of await ours(c)) {
      const all = entries.get(`${v.chrom}:${v.pos}:${v.ref}>${v.alt}`);
      if (!all) continue; // multi-allelic sites are keyed by the whole ALT list; covered by the rule test below
      const picked = all.filter((e) => e.PICK === '1');
      if (picked.length !== 1) continue;
      const p = picked[0]!;
      assert.equal(v.gene, p.SYMBOL || p.Gene, `${c.path}: ${v.chrom}:${v.pos} gene`);
      assert.ok(p.Consequence!.split('&').includes(v.consequence), `${c.path}: ${v.chrom}:${v.pos} consequence ${v.consequence} vs ${p.Consequence}`);
      assert.equal(v.hgvsc, p.HGVSc ? p.HGVSc.slice(p.HGVSc.indexOf(':') + 1) : null, `${c.path}: ${v.chrom}:${v.pos} HGVSc`);
      compared++;
    }
  }
  assert.ok(compared >= 30, `compared ${compared}`);
  if (sharedFile('vcf/annotated.expression.vcf.gz')) assert.ok(compared > 1000, `compared ${compared}`);
});

test('without PICK: MANE Select, then canonical protein-coding, then the most severe protein-coding (bcftools split-vep entries)', async () => {
  const files = [{ path: sharedFile('vcf/split-vep.vcf') }, { path: fixture('pvactools_input_multi_sample.vcf'), tumor: 'H_NJ-HCC1395-HCC1395' }];
  let compared = 0;
  for (const c of files) {
    if (!c.path) continue;
    const header = bcftools(['+split-vep', '-l', indexedCopy(c.path)]);
    const has = (f: string) => header.split('\n').some((l) => l.split('\t')[1] === f);
    const fields = ['Allele', 'SYMBOL', 'Gene', 'Consequence', 'IMPACT', 'HGVSc', 'BIOTYPE', ...(has('CANONICAL') ? ['CANONICAL'] : []), ...(has('ALLELE_NUM') ? ['ALLELE_NUM'] : [])];
    const entries = splitEntries(c.path, fields);
    for (const v of await ours(c)) {
      const all = entries.get(`${v.chrom}:${v.pos}:${v.ref}>${v.alt}`);
      if (!all) continue;
      const tier = (e: Record<string, string>) => (e.BIOTYPE === 'protein_coding' ? (e.CANONICAL === 'YES' ? 0 : 1) : 2);
      let best: Record<string, string> | null = null;
      for (const e of all) {
        if (!best || tier(e) < tier(best) || (tier(e) === tier(best) && consequenceRank(e.Consequence!, e.IMPACT) < consequenceRank(best.Consequence!, best.IMPACT))) best = e;
      }
      assert.equal(v.gene, best!.SYMBOL || best!.Gene, `${c.path}: ${v.chrom}:${v.pos}`);
      assert.equal(v.hgvsc, best!.HGVSc ? best!.HGVSc.slice(best!.HGVSc.indexOf(':') + 1) : null, `${c.path}: ${v.chrom}:${v.pos} HGVSc`);
      compared++;
    }
  }
  assert.ok(compared >= 400, `compared ${compared}`);
});
