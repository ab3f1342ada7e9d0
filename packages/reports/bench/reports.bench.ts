/**
 * Reports benchmark (`npm run bench -- reports`): how long a report takes. For the bundled SYNTHETIC example (a)
 * and a larger SYNTHETIC case (12 samples, 40 knowledge-base variants each, 8 treatments; generated in memory), times
 * in the same run (median of 5 after a warm-up):
 *
 *   html      renderClinicianHtml (incl. the Plot timeline)
 *   patient   renderPatientSummaryHtml
 *   fhir      toFhirBundle + JSON.stringify
 *   pdf       renderPdf: chromium started through playwright-core, page printed, chromium closed
 *   all       writeReports with all five formats (what `her2scope analyze --out` adds to the analysis)
 *   reference chromium's own `--headless --print-to-pdf` of the same report.html (a fresh chromium process, as
 *             renderPdf does), timed with /usr/bin/time -v for wall time and peak RSS
 *
 * and prints pdf / reference and the peak RSS of this process and of the reference chromium.
 * Needs chromium (scripts/ensure-chromium.sh installs it) and /usr/bin/time (Debian package `time`, installed here
 * with apt-get when missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interpretCase, type AnalysisResult, type CaseData, type SampleData, type VariantCall } from '@her2scope/core';
import { loadCase } from '@her2scope/formats/case';
import { loadKnowledgeBase } from '@her2scope/kb';
import { chromiumPath, renderClinicianHtml, renderPatientSummaryHtml, renderPdf, toFhirBundle, writeReports } from '../src/index.ts';
import { CHROMIUM_ARGS } from '../src/pdf.ts';
import { seededRandom as prng } from '@her2scope/core';

const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');
execFileSync('bash', [join(repoRoot, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
if (!existsSync('/usr/bin/time')) {
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'inherit' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    install();
  }
}

const kb = loadKnowledgeBase();
const tmp = mkdtempSync(join(tmpdir(), 'her2scope-reports-bench-'));


/** A SYNTHETIC larger case: 12 samples over 11 years, 40 variants in KB genes per sample, 8 treatments. */
function largeCase(): CaseData {
  const rnd = prng(7);
  const hotspots: Array<[string, string, string, number]> = [
    ['ERBB2', 'p.L755S', '17', 37880220],
    ['ERBB2', 'p.V777L', '17', 37881000],
    ['PIK3CA', 'p.E545K', '3', 178936091],
    ['PIK3CA', 'p.H1047R', '3', 178952085],
    ['ESR1', 'p.Y537S', '6', 152419923],
    ['ESR1', 'p.D538G', '6', 152419926],
  ];
  const samples: SampleData[] = [];
  for (let i = 0; i < 12; i++) {
    const variants: VariantCall[] = [];
    for (let j = 0; j < 40; j++) {
      const [gene, hgvsp, chrom, pos] = hotspots[j % hotspots.length]!;
      const p = j < hotspots.length ? pos : pos + 1 + Math.floor(rnd() * 100);
      variants.push({ gene, hgvsp: j < hotspots.length ? hgvsp : `p.A${700 + j}T`, hgvsc: null, consequence: 'missense_variant', chrom, pos: p, ref: 'G', alt: 'A', vaf: Math.round(rnd() * 100) / 100, depth: 400, altCount: 100, filter: 'PASS', sample: 'TUMOR' });
    }
    const year = 2014 + i;
    samples.push({
      sample: { id: `L-${i}`, type: i === 0 ? 'primary' : 'metastasis', site: (['breast', 'liver', 'bone', 'lung'] as const)[i % 4], collected: `${year}-0${1 + (i % 9)}-15`, pathology: { her2: { ihc: (['0', '1+', '2+', '3+'] as const)[i % 4], ...(i % 4 === 2 ? { ish: { her2: 3.2, cep17: 2.1 } } : {}) }, er: { percent: 90 - i * 5 }, pr: { percent: 40 - i * 3 } } },
      variants,
      regions: [{ chrom: '17', start: 37880000, end: 37882000, depth: 500 }, { chrom: '3', start: 178935000, end: 178953000, depth: 500 }, { chrom: '6', start: 152419000, end: 152421000, depth: 500 }],
      cytometry: null,
    });
  }
  const drugs = ['letrozole', 'palbociclib', 'fulvestrant', 'capecitabine', 'trastuzumab deruxtecan', 'alpelisib', 'elacestrant', 'neratinib'];
  return {
    case: { patient: { id: 'SYN-LARGE', synthetic: true }, samples: samples.map((s) => s.sample), treatments: drugs.map((drug, k) => ({ drug, start: `${2014 + k}-03-01`, end: `${2015 + k}-02-01` })) },
    samples,
  };
}

async function median(fn: () => unknown, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

function chromiumReference(html: string, name: string): { ms: number; rssMb: number } {
  const file = join(tmp, `${name}.html`);
  writeFileSync(file, html);
  const run = () => {
    const profile = mkdtempSync(join(tmp, 'profile-'));
    const out = join(tmp, `${name}-ref.pdf`);
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-v', chromiumPath(), ...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--no-pdf-header-footer', `--print-to-pdf=${out}`, `file://${file}`], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    rmSync(profile, { recursive: true, force: true });
    if (r.status !== 0 || !existsSync(out)) throw new Error(`chromium --print-to-pdf failed: ${r.stderr.slice(-400)}`);
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
    return { ms, rssMb: kb / 1024 };
  };
  run();
  const all = Array.from({ length: 5 }, run).sort((a, b) => a.ms - b.ms);
  return all[2]!;
}

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

async function bench(name: string, r: AnalysisResult): Promise<void> {
  const html = renderClinicianHtml(r);
  const tHtml = await median(() => renderClinicianHtml(r));
  const tPatient = await median(() => renderPatientSummaryHtml(r));
  const tFhir = await median(() => JSON.stringify(toFhirBundle(r)));
  const tPdf = await median(() => renderPdf(html));
  const tAll = await median(() => writeReports(r, join(tmp, name), ['html', 'pdf', 'patient', 'fhir', 'json']));
  const ref = chromiumReference(html, name);
  const samples = r.samples.length;
  const findings = r.samples.reduce((n, s) => n + s.findings.length, 0);
  console.log(`\n${name}: ${samples} samples, ${findings} findings, ${r.therapyOptions.length} options, report.html ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`);
  console.log(`  html       ${fmt(tHtml)}`);
  console.log(`  patient    ${fmt(tPatient)}`);
  console.log(`  fhir       ${fmt(tFhir)}`);
  console.log(`  pdf        ${fmt(tPdf)}   (playwright-core + Debian chromium, fresh browser per call)`);
  console.log(`  all five   ${fmt(tAll)}   (writeReports)`);
  console.log(`  reference  ${fmt(ref.ms)}   chromium --headless --print-to-pdf of the same HTML; peak RSS ${ref.rssMb.toFixed(0)} MB (browser process)`);
  console.log(`  ratio      pdf / reference = ${(tPdf / ref.ms).toFixed(2)}x; all five / reference = ${(tAll / ref.ms).toFixed(2)}x`);
}

try {
  const a = interpretCase(await loadCase(join(repoRoot, 'examples', 'cases', 'a-erbb2-acquired.yaml')), kb);
  await bench('example-a', a);
  await bench('large-synthetic', interpretCase(largeCase(), kb));
  console.log(`\npeak RSS of this process (node, excluding chromium): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log('For research use; not a medical device.');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
