import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertGolden } from '../../../scripts/golden.ts';
import { her2scope, oneLineError, repoRoot } from './helpers.ts';

const CASES = ['a-erbb2-acquired', 'b-her2-conversion', 'c-hidden-stem-cells', 'd-esr1-acquired'];
const casePath = (name: string) => join('examples', 'cases', `${name}.yaml`);
const analyze = (name: string) => {
  const r = her2scope(['analyze', casePath(name), '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

describe('bundled example cases: exact expected JSON', () => {
  for (const name of CASES) {
    test(name, () => {
      const out = analyze(name);
      const expectedPath = join(repoRoot, 'packages', 'cli', 'test', 'expected', `${name}.json`);
      // A missing file fails; UPDATE_EXPECTED=1 regenerates it (review the diff by hand before committing).
      assertGolden(expectedPath, out);
    });
  }
});

test('(a) ERBB2 L755S is acquired after letrozole and neratinib + fulvestrant is an option with its citation', () => {
  const out = analyze('a-erbb2-acquired');
  assert.deepEqual(out.samples.map((s: { id: string }) => s.id), ['A-PRIMARY', 'A-LIVER']);
  const l755s = out.samples[1].findings.find((f: { alteration: string }) => f.alteration === 'p.L755S');
  assert.deepEqual([l755s.gene, l755s.origin, l755s.originSample, l755s.vaf], ['ERBB2', 'acquired', 'A-PRIMARY', 0.31]);
  const pik3ca = out.samples[1].findings.find((f: { gene: string }) => f.gene === 'PIK3CA');
  assert.equal(pik3ca.origin, 'pre-existing');
  const acquired = out.changes.filter((c: { kind: string }) => c.kind === 'acquired-variant');
  assert.equal(acquired.length, 1);
  assert.deepEqual(acquired[0].afterTreatments, [{ drug: 'letrozole', start: '2016-04-01', end: '2019-01-10', months: 33 }]);
  assert.match(acquired[0].detail, /after 33 months of letrozole; detection power in A-PRIMARY: depth 520: VAF 31% gives ~161\.2 reads \(P\(>=3 reads\) = 100%\)$/);
  const nf = out.therapyOptions.find((o: { therapy: string }) => o.therapy === 'neratinib + fulvestrant');
  assert.equal(nf.level, 'B');
  // Citations per regimen (issue 14): SUMMIT/MutHER for neratinib + fulvestrant; the N+F+T paper (PMID:37597578) is not merged in.
  assert.deepEqual(nf.citations.map((c: { id: string }) => c.id), ['PMID:23220880', 'Smyth2020', 'Ma2022']);
  // HR+ HER2-low, relapse on adjuvant letrozole, first metastatic line: PIK3CA-directed endocrine combinations lead.
  assert.deepEqual(out.therapyOptions.map((o: { level: string; therapy: string }) => `${o.level} ${o.therapy}`), [
    'A inavolisib + palbociclib + fulvestrant',
    'A alpelisib + fulvestrant',
    'A capivasertib + fulvestrant',
    'B neratinib',
    'B neratinib + fulvestrant',
  ]);
  // DESTINY-Breast06 needs endocrine therapy in the metastatic setting; adjuvant letrozole alone does not qualify.
  assert.ok(out.excludedOptions.some((x: { therapy: string; reason: string }) => x.therapy === 'trastuzumab deruxtecan' && x.reason.includes('in the metastatic setting')));
  assert.equal(out.kbVersion, '2026.12.4');
  assert.equal(out.notice, 'For research use; not a medical device.');
});

test('(b) HER2-null primary -> HER2-positive bone metastasis', () => {
  const out = analyze('b-her2-conversion');
  const conv = out.changes.find((c: { kind: string }) => c.kind === 'her2-conversion');
  assert.deepEqual([conv.from, conv.to, conv.fromSample, conv.toSample], ['HER2-null (negative)', 'HER2-positive (positive)', 'B-PRIMARY', 'B-BONE']);
  // First-line HER2+ metastatic: the 1L regimens lead (issue 14 ranking); no single-agent trastuzumab first line
  // (Herceptin label: alone only after >=1 chemotherapy regimen for metastatic disease; review-14 P10).
  assert.deepEqual(out.therapyOptions.slice(0, 3).map((o: { therapy: string; level: string }) => `${o.level} ${o.therapy}`), ['A pertuzumab + trastuzumab + docetaxel', 'A trastuzumab deruxtecan + pertuzumab', 'B neratinib']);
  assert.deepEqual(out.context.line, 1);
});

test('(c) hidden HER2+ CD44+ CD24-low population: 60 of 2,000 live cells', () => {
  const out = analyze('c-hidden-stem-cells');
  const cyto = out.samples[0].cytometry;
  assert.equal(cyto.hiddenHer2StemCells, true);
  assert.equal(cyto.events, 2000);
  const pop = (n: string) => cyto.populations.find((p: { name: string }) => p.name === n);
  assert.deepEqual([pop('HER2+').count, pop('CD44+CD24-low').count, pop('HER2+CD44+CD24-low').count], [160, 200, 60]);
  assert.equal(pop('HER2+CD44+CD24-low').fraction, 0.03);
  // The stem-cell trastuzumab evidence is preclinical (D): hidden by default, shown with --include-preclinical,
  // next to the NSABP B-47 contrary evidence.
  assert.equal(out.therapyOptions.some((o: { therapy: string }) => o.therapy === 'trastuzumab'), false);
  assert.ok(out.hiddenPreclinical >= 1);
  assert.ok(out.contraryEvidence.some((c: { therapy: string }) => c.therapy.startsWith('trastuzumab')));
  const r = her2scope(['analyze', casePath('c-hidden-stem-cells'), '--json', '--include-preclinical']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).therapyOptions.some((o: { therapy: string; level: string }) => o.therapy === 'trastuzumab' && o.level === 'D'));
});

test('(d) ESR1 Y537S acquired (MAF) -> elacestrant first', () => {
  const out = analyze('d-esr1-acquired');
  const f = out.samples[1].findings[0];
  assert.deepEqual([f.gene, f.alteration, f.origin, f.vaf], ['ESR1', 'p.Y537S', 'acquired', 0.119512]);
  assert.deepEqual([out.therapyOptions[0].therapy, out.therapyOptions[0].level], ['elacestrant', 'A']);
});

describe('coverage decides acquired vs not-evaluable-earlier', () => {
  const withCase = (yaml: string, fn: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'her2scope-case-'));
    try {
      for (const f of ['a-primary.vcf', 'a-liver.vcf.gz', 'a-liver.vcf.gz.tbi']) copyFileSync(join(repoRoot, 'examples', 'cases', f), join(dir, f));
      writeFileSync(join(dir, 'case.yaml'), yaml);
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const caseYaml = (bed: string | null) => `patient: { id: SYN-T, synthetic: true }
samples:
  - { id: S2, type: metastasis, site: liver, collected: 2019-02-01, variants: { file: a-liver.vcf.gz${bed ? ', regions: panel.bed' : ''} } }
  - { id: S1, type: primary, site: breast, collected: 2016-03-02, variants: { file: a-primary.vcf${bed ? ', regions: panel.bed' : ''} } }
`;
  const origin = (dir: string) => {
    const r = her2scope(['analyze', join(dir, 'case.yaml'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).samples[1].findings.find((f: { gene: string }) => f.gene === 'ERBB2').origin;
  };
  test('the earlier panel did not cover ERBB2: not-evaluable-earlier', () =>
    withCase(caseYaml('x'), (dir) => {
      writeFileSync(join(dir, 'panel.bed'), '3\t178935900\t178936200\tPIK3CA\t480\n');
      assert.equal(origin(dir), 'not-evaluable-earlier');
    }));
  test('covered but too shallow (40 < 50): not-evaluable-earlier', () =>
    withCase(caseYaml('x'), (dir) => {
      writeFileSync(join(dir, 'panel.bed'), '3\t178935900\t178936200\tPIK3CA\t480\n17\t37880100\t37881200\tERBB2\t40\n');
      assert.equal(origin(dir), 'not-evaluable-earlier');
    }));
  test('covered at depth: acquired', () =>
    withCase(caseYaml('x'), (dir) => {
      writeFileSync(join(dir, 'panel.bed'), '3\t178935900\t178936200\tPIK3CA\t480\n17\t37880100\t37881200\tERBB2\t400\n');
      assert.equal(origin(dir), 'acquired');
    }));
  test('no BED: coverage unknown, not-evaluable-earlier', () => withCase(caseYaml(null), (dir) => assert.equal(origin(dir), 'not-evaluable-earlier')));
});

describe('case file errors: exit 2, one line naming the path', () => {
  const errorOf = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'her2scope-case-'));
    try {
      writeFileSync(join(dir, 'case.yaml'), yaml);
      return oneLineError(her2scope(['analyze', join(dir, 'case.yaml')])).replace(dir, 'DIR');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const base = 'patient: { id: SYN-E }\nsamples:\n  - { id: S1, type: primary, site: breast, collected: 2016-03-02 }\n';
  test('bad IHC in the second sample', () => {
    assert.equal(
      errorOf(`${base}  - { id: S2, type: metastasis, site: bone, collected: 2019-01-01, pathology: { her2: { ihc: "4+" } } }\n`),
      'her2scope analyze: DIR/case.yaml: samples[1].pathology.her2.ihc: must be one of "0", "1+", "2+", "3+"',
    );
  });
  test('bad sample type, bad date, duplicate id, missing file', () => {
    assert.match(errorOf(base.replace('primary', 'tertiary')), /samples\[0\]\.type: must be one of primary, recurrence, metastasis/);
    assert.match(errorOf(base.replace('2016-03-02', '2016-02-30')), /samples\[0\]\.collected: is not a real calendar date/);
    assert.match(errorOf(`${base}  - { id: S1, type: primary, site: breast, collected: 2017-03-02 }\n`), /samples\[1\]\.id: duplicate sample id 'S1'/);
    assert.match(errorOf(`${base}  - { id: S2, type: metastasis, site: bone, collected: 2019-01-01, variants: { file: nope.vcf } }\n`), /samples\[1\]\.variants\.file: file not found: .*nope\.vcf/);
    assert.match(errorOf('patient: [\n'), /case\.yaml:\d+: not valid YAML\/JSON/);
  });
  test('contradictory pathology', () => {
    assert.match(errorOf(`${base}  - { id: S2, type: metastasis, site: bone, collected: 2019-01-01, pathology: { her2: { ihc: "3+", stainedPercent: 5 } } }\n`), /samples\[1\]\.pathology\.her2\.stainedPercent: IHC 3\+ requires staining in >10%/);
  });
  test('usage', () => {
    assert.match(oneLineError(her2scope(['analyze'])), /give exactly one case file/);
    assert.match(oneLineError(her2scope(['analyze', casePath('b-her2-conversion'), '--format', 'html'])), /--format needs --out DIR/);
    assert.match(oneLineError(her2scope(['analyze', casePath('b-her2-conversion'), '--out', '/tmp/x', '--format', 'docx'])), /--format: 'docx' is not one of html, pdf, patient, fhir, json/);
  });
});

test('analyze --out: progress steps and a final summary line on stderr (issue 17), reports listed on stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-out-'));
  try {
    const r = her2scope(['analyze', casePath('a-erbb2-acquired'), '--out', dir, '--format', 'json,html']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    const steps = lines.map((l) => l.replace(/ \(\d+\.\d s\)$/, ''));
    assert.deepEqual(steps.slice(0, 6), [
      'analyze: reading the case',
      'analyze: sample A-LIVER: reading a-liver.vcf.gz',
      'analyze: sample A-LIVER: reading panel.bed',
      'analyze: sample A-PRIMARY: reading a-primary.vcf',
      'analyze: sample A-PRIMARY: reading panel.bed',
      'analyze: interpreting with the knowledge base',
    ]);
    assert.ok(lines.slice(0, -1).every((l) => /^analyze: .* \(\d+\.\d s\)$/.test(l)), r.stderr);
    assert.match(lines.at(-1)!, new RegExp(`^analyze: done in \\d+\\.\\d s: 2 samples, 3 findings \\(1 acquired\\), 0 receptor conversions, 5 options \\(top: [^)]+, level A\\); 2 reports in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('\x1b'), 'no terminal control codes when stderr is not a terminal');
    assert.match(r.stdout, /^html {5}.*report\.html\njson {5}.*analysis\.json\nwritten in \d+ ms\. For research use; not a medical device\.\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze refuses impossible dates with file, line and field (issue 17)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'her2scope-dates-'));
  try {
    writeFileSync(join(dir, 'case.yaml'), 'patient: { id: SYN-D, birthYear: 1964, synthetic: true }\nsamples:\n  - { id: S1, type: primary, site: breast, collected: 1950-03-02 }\n');
    const r = her2scope(['analyze', join(dir, 'case.yaml')]);
    oneLineError(r);
    assert.equal(r.stderr, `her2scope analyze: ${join(dir, 'case.yaml')}:3: samples[0].collected: Collection date 1950-03-02 is before the birth year 1964\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
