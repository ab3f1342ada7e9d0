import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { civicAlteration, KbEntrySchema } from '@her2scope/core';
import { importCivicFile, KB_DATA_DIR, loadKnowledgeBase } from '../src/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shared = resolve(repoRoot, '..', 'shared');
const civicTsv = join(shared, 'data/kb/civic/civic-server_01-Aug-2021/01-Aug-2021-ClinicalEvidenceSummaries.tsv');

test('the bundled KB loads, validates and has a version', () => {
  const kb = loadKnowledgeBase();
  assert.equal(kb.version, JSON.parse(readFileSync(join(KB_DATA_DIR, 'manifest.json'), 'utf8')).version);
  assert.ok(kb.entries.length >= 100);
  for (const e of kb.entries) {
    assert.ok(e.citations.length >= 1, `${e.id} has a citation`);
    assert.ok(e.therapies.length >= 1, `${e.id} has a therapy`);
    KbEntrySchema.parse(e);
  }
});

test('an entry without a citation is rejected by the schema', () => {
  const kb = loadKnowledgeBase();
  const bad = { ...kb.entries[0]!, citations: [] };
  assert.throws(() => KbEntrySchema.parse(bad), /every KB entry needs at least one citation/);
});

test('the KB covers what the issue asks for', () => {
  const kb = loadKnowledgeBase();
  const drugsFor = (pred: (e: (typeof kb.entries)[number]) => boolean, direction = 'sensitivity') =>
    new Set(kb.entries.filter(pred).flatMap((e) => e.therapies.filter((t) => t.direction === direction).map((t) => t.name)));
  const cat = (c: string) => (e: (typeof kb.entries)[number]) => e.alteration.kind === 'her2-category' && e.alteration.categories.includes(c);
  const prot = (gene: string, p: string) => (e: (typeof kb.entries)[number]) => e.gene === gene && e.alteration.kind === 'protein' && e.alteration.hgvsp === p;
  const pos = drugsFor(cat('HER2-positive'));
  for (const d of ['trastuzumab', 'pertuzumab + trastuzumab + docetaxel', 'trastuzumab emtansine', 'trastuzumab deruxtecan', 'tucatinib + trastuzumab + capecitabine', 'lapatinib + capecitabine', 'neratinib + capecitabine']) assert.ok(pos.has(d), d);
  assert.ok(drugsFor(cat('HER2-low')).has('trastuzumab deruxtecan'));
  assert.ok(drugsFor(cat('HER2-ultralow')).has('trastuzumab deruxtecan'));
  for (const p of ['p.S310F', 'p.L755S', 'p.V777L', 'p.D769H', 'p.D769Y', 'p.L869R', 'p.V842I']) {
    const d = drugsFor(prot('ERBB2', p));
    for (const r of ['neratinib', 'neratinib + fulvestrant', 'neratinib + fulvestrant + trastuzumab']) assert.ok(d.has(r), `${p} ${r}`);
  }
  assert.ok(kb.entries.some((e) => e.gene === 'ERBB2' && e.alteration.kind === 'range' && e.alteration.consequences.includes('inframe_insertion')));
  assert.ok(drugsFor(prot('ERBB2', 'p.T798I'), 'resistance').has('neratinib'));
  assert.ok(drugsFor(prot('ERBB2', 'p.L755S'), 'resistance').has('lapatinib'), 'CIViC EID241');
  for (const p of ['p.Y537S', 'p.D538G']) {
    assert.ok(drugsFor(prot('ESR1', p)).has('elacestrant'));
    assert.ok(drugsFor(prot('ESR1', p), 'resistance').has('aromatase inhibitor'));
  }
  for (const p of ['p.E542K', 'p.E545K', 'p.H1047R']) {
    const d = drugsFor(prot('PIK3CA', p));
    for (const r of ['alpelisib + fulvestrant', 'capivasertib + fulvestrant', 'inavolisib + palbociclib + fulvestrant']) assert.ok(d.has(r), `${p} ${r}`);
  }
  assert.ok(drugsFor(prot('AKT1', 'p.E17K')).has('capivasertib + fulvestrant'));
  assert.ok(drugsFor((e) => e.gene === 'PTEN' && e.alteration.kind === 'consequence').has('capivasertib + fulvestrant'));
});

test('CIViC variant names map to alterations or say why not', () => {
  assert.deepEqual(civicAlteration('ERBB2', 'L755S'), { kind: 'protein', hgvsp: 'p.L755S', label: 'L755S' });
  assert.deepEqual(civicAlteration('ERBB2', 'L755_T759del'), { kind: 'protein', hgvsp: 'p.L755_T759del', label: 'L755_T759del' });
  assert.deepEqual(civicAlteration('ERBB2', 'P780INS'), { kind: 'range', label: 'P780INS', start: 780, end: 780, consequences: ['inframe_insertion'] });
  assert.equal((civicAlteration('ERBB2', 'AMPLIFICATION') as { kind: string }).kind, 'her2-category');
  assert.equal((civicAlteration('PTEN', 'LOSS') as { kind: string }).kind, 'consequence');
  assert.equal(civicAlteration('ERBB2', 'SERUM LEVELS'), "variant 'SERUM LEVELS' is not matchable from variant calls or HER2 status");
});

test('civic-breast.json is exactly what import-civic makes from the CIViC 01-Aug-2021 export', { skip: !existsSync(civicTsv) && 'needs ../shared' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'her2scope-kb-'));
  try {
    const report = importCivicFile(civicTsv, join(KB_DATA_DIR, 'oncotree-breast.tsv'), out, '01-Aug-2021');
    assert.equal(report.entries.length, 102);
    assert.equal(report.skipped.length, 131);
    assert.equal(readFileSync(join(out, 'civic-breast.json'), 'utf8'), readFileSync(join(KB_DATA_DIR, 'civic-breast.json'), 'utf8'));
    const eid283 = report.entries.find((e) => e.id === 'civic:EID283')!;
    assert.deepEqual(eid283.therapies, [{ name: 'neratinib', drugs: ['neratinib'], direction: 'sensitivity', level: 'D' }]);
    assert.deepEqual(eid283.citations.map((c) => c.id), ['EID283', 'PMID:23220880']);
    const eid7313 = report.entries.find((e) => e.id === 'civic:EID7313')!;
    assert.deepEqual(eid7313.therapies.map((t) => [t.name, t.level]), [['fulvestrant + alpelisib', 'A']]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('import-civic errors name the file and line', () => {
  const out = mkdtempSync(join(tmpdir(), 'her2scope-kb-'));
  try {
    const bad = join(out, 'bad.tsv');
    const header = 'gene\tvariant\tdisease\tdrugs\tevidence_type\tevidence_direction\tevidence_level\tclinical_significance\tevidence_statement\tcitation_id\tsource_type\tevidence_id';
    writeFileSync(bad, `${header}\nERBB2\tL755S\tBreast Cancer\n`);
    assert.throws(() => importCivicFile(bad, join(KB_DATA_DIR, 'oncotree-breast.tsv'), out, 'x'), /bad\.tsv:2: 3 fields, expected 12/);
    writeFileSync(bad, 'gene\tvariant\n');
    assert.throws(() => importCivicFile(bad, join(KB_DATA_DIR, 'oncotree-breast.tsv'), out, 'x'), /bad\.tsv:1: missing column 'disease'/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('cross-check against MOAlmanac (GPL-2.0, read from ../shared only): FDA-approved breast biomarker drugs agree', { skip: !existsSync(join(shared, 'data/kb/moalmanac/current/molecular-oncology-almanac.json')) && 'needs ../shared' }, () => {
  const moa = JSON.parse(readFileSync(join(shared, 'data/kb/moalmanac/current/molecular-oncology-almanac.json'), 'utf8')) as Array<Record<string, unknown>>;
  const breast = moa.filter((r) => typeof r.disease === 'string' && /breast/i.test(r.disease) && r.predictive_implication === 'FDA-Approved');
  const moaDrugs = (gene: string) => new Set(breast.filter((r) => r.gene === gene || r.gene1 === gene).map((r) => String(r.therapy_name).toLowerCase()));
  const ours = loadKnowledgeBase();
  const ourA = (gene: string) => ours.entries.filter((e) => e.gene === gene).flatMap((e) => e.therapies.filter((t) => t.level === 'A' && t.direction === 'sensitivity').flatMap((t) => t.drugs));
  for (const [gene, drug] of [['PIK3CA', 'alpelisib'], ['ESR1', 'elacestrant'], ['AKT1', 'capivasertib']] as const) {
    const theirs = [...moaDrugs(gene)].join(' | ');
    assert.ok(theirs.includes(drug), `MOAlmanac lists ${drug} for ${gene} in breast (FDA-approved): ${theirs}`);
    assert.ok(ourA(gene).includes(drug), `our KB lists ${drug} at level A for ${gene}`);
  }
});

test('a knowledge base without its drug classes or oncogenicity rules is refused (the safety gates never run open)', () => {
  for (const missing of ['drug-classes.json', 'oncogenicity.json']) {
    const dir = mkdtempSync(join(tmpdir(), 'her2scope-kb-'));
    try {
      cpSync(KB_DATA_DIR, dir, { recursive: true });
      rmSync(join(dir, missing));
      assert.throws(() => loadKnowledgeBase(dir), { message: `${join(dir, missing)}: missing; the knowledge base needs it (see CONTRIBUTING.md)` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('drug classes (re-read E7): each cites its WHO ATC group or says it is a her2scope grouping; member drugs fall in the cited group except the noted ones', () => {
  const classes = loadKnowledgeBase().drugClasses;
  assert.ok(classes);
  const grouped: string[] = [];
  const outside: Array<[string, string, string]> = [];
  for (const c of classes.classes) {
    const atc = (c.citations ?? []).filter((x) => x.id.startsWith('ATC:'));
    if (atc.length === 0) {
      assert.match(c.note ?? '', /^her2scope grouping with no (single )?ATC group/, `${c.id}: no ATC group, and the note says so`);
      grouped.push(c.id);
      continue;
    }
    for (const a of atc) assert.match(a.id, /^ATC:L0[12]([A-Z]{2})?$/, `${c.id}: an ATC group code`);
    const codes = atc.map((a) => a.id);
    for (const d of classes.drugs.filter((x) => x.classes.includes(c.id))) {
      for (const code of d.citations.map((x) => x.id).filter((x) => x.startsWith('ATC:'))) {
        if (!codes.some((g) => code.startsWith(g))) outside.push([c.id, d.name, code]);
      }
    }
  }
  assert.deepEqual(grouped.sort(), ['akt-inhibitor', 'anti-her2', 'chemotherapy', 'immunotherapy', 'pi3k-akt-mtor-inhibitor', 'protac-er-degrader', 'trop2-adc']);
  // The two members outside their class's ATC group, each named in the class's note.
  assert.deepEqual(outside, [
    ['anti-her2-tki', 'afatinib', 'ATC:L01EB03'],
    ['mtor-inhibitor', 'sirolimus', 'ATC:L04AH01'],
  ]);
  for (const [id, drug] of outside) assert.match(classes.classes.find((c) => c.id === id)?.note ?? '', new RegExp(drug));
});
