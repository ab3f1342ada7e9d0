/**
 * The patient summary: the same findings as the clinician report in plain language, aimed at a 6th-8th-grade
 * reading level (the tests measure it with the Flesch-Kincaid grade formula). Short sentences, everyday words, every
 * technical word explained in "Words used here"; no read counts or allele fractions by name (the share of tumour DNA
 * with a change is said as "about N in 100"). Every value from the analysis is escaped.
 *
 * Facts behind the wording: HER2 categories follow ASCO/CAP 2018/2023 (Wolff AC et al., J Clin Oncol
 * 2018;36:2105-2122 and 2023;41:3867-3872) and the HER2-low / -ultralow eligibility groupings of DESTINY-Breast04/06
 * (shared/reference/her2-testing.md); ER/PR follow ASCO/CAP 2020 (Allison KH et al., J Clin Oncol 2020;38:1346-1366;
 * shared/reference/er-pr-testing.md); the hidden HER2+ stem-cell finding follows Ithimakin S et al., Cancer Res
 * 2013;73:1635-1646 (PMID 23442322), and is described as still being studied.
 */
import { optionWarnings, type AnalysisResult, type Change, type Finding, type SampleAnalysis, type TherapyOption, type WarningKind } from '@her2scope/core';
import type { RenderOptions } from './clinician.ts';
import { ctdnaFigureSvg, patientLongitudinalSentences, patientReadEvidenceSentences } from './longitudinal.ts';
import { CSP } from './clinician.ts';
import { esc, utcDate } from './common.ts';

const PATIENT_CSS = `
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:16px;line-height:1.6;color:#222;margin:0 auto;max-width:760px;padding:16px 22px}
h1{font-size:26px;margin:8px 0}h2{font-size:20px;margin:24px 0 8px;color:#2166ac}
li{margin:4px 0}.box{background:#f4f8fb;border-left:5px solid #2166ac;padding:8px 14px;margin:10px 0}
.notice{background:#fff4e5;border:1px solid #f0a030;padding:8px 12px;font-weight:bold;margin:10px 0}
.synthetic{background:#fde0ef;border:1px solid #c51b7d;padding:8px 12px;font-weight:bold;margin:10px 0}
dt{font-weight:bold;margin-top:8px}dd{margin:0 0 6px 0}
figure{margin:10px 0}figcaption{font-size:15px}svg{max-width:100%;height:auto}
@page{size:A4;margin:16mm}
`;

/** What each gene in the knowledge base is, in a few plain words. Genes not listed get a general sentence. */
const GENE_WORDS: Record<string, string> = {
  ERBB2: 'the gene for HER2',
  ESR1: 'the gene for ER',
  PIK3CA: 'a gene that helps control how cells grow',
  AKT1: 'a gene that helps control how cells grow',
  PTEN: 'a gene that helps keep cell growth in check',
  MTOR: 'a gene that helps control how cells grow',
  PIK3R1: 'a gene that helps control how cells grow',
  TP53: 'a gene that helps stop damaged cells from growing',
  BRCA1: 'a gene that helps fix damaged DNA',
  BRCA2: 'a gene that helps fix damaged DNA',
};

const SITE_WORDS: Record<string, string> = { 'lymph node': 'a lymph node', other: 'another part of the body' };
const siteWords = (site: string) => SITE_WORDS[site] ?? `the ${site}`;

const TYPE_WORDS: Record<string, string> = { primary: 'the first tumor', recurrence: 'cancer that came back', metastasis: 'a place the cancer spread to', plasma: 'a blood test for tumor DNA' };

function dateWords(iso: string): string {
  return utcDate(iso).toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
}

function her2Words(s: SampleAnalysis): string {
  const h = s.classification?.her2;
  if (!s.classification || !h) return 'HER2 was not tested.';
  switch (h.category) {
    case 'HER2-positive':
      return 'HER2-positive. This means the cancer cells have a lot of HER2 on their surface.';
    case 'HER2-low':
      return 'HER2-low. This means the cancer cells have a small amount of HER2 on their surface.';
    case 'HER2-ultralow':
      return 'HER2-ultralow. This means the cancer cells have a very small amount of HER2 on their surface.';
    case 'HER2-null':
      return 'HER2-zero. This means the test found no HER2 on the cancer cells.';
    case 'HER2-0':
      return 'HER2-zero. This means the test found little or no HER2 on the cancer cells.';
    case 'HER2-negative':
      return 'HER2-negative. This means the cancer cells do not have a lot of HER2.';
    default:
      return 'Not clear yet. The test did not give a clear answer, so more testing is needed.';
  }
}

function erWords(s: SampleAnalysis): string {
  const er = s.classification?.er;
  if (!er) return 'ER was not tested.';
  switch (er.status) {
    case 'positive':
      return 'ER-positive. This means the cancer cells have ER, so they may use the hormone estrogen to grow.';
    case 'low-positive':
      return 'ER-low. This means only a few of the cancer cells have ER.';
    case 'negative':
      return 'ER-negative. This means the cancer cells do not have ER.';
    default:
      return 'ER was not tested.';
  }
}

function prWords(s: SampleAnalysis): string {
  const pr = s.classification?.pr;
  if (!pr || pr.status === 'not-tested') return 'PR was not tested.';
  return pr.status === 'positive' ? 'PR-positive. This means the cancer cells have PR.' : 'PR-negative. This means the cancer cells do not have PR.';
}

const STATUS_WORDS: Record<string, string> = {
  'HER2-positive': 'HER2-positive',
  'HER2-low': 'HER2-low',
  'HER2-ultralow': 'HER2-ultralow',
  'HER2-null': 'HER2-zero',
  'HER2-0': 'HER2-zero',
  'HER2-negative': 'HER2-negative',
  pending: 'not clear',
  positive: 'positive',
  'low-positive': 'low',
  negative: 'negative',
};

function sampleName(r: AnalysisResult, id: string): string {
  const s = r.samples.find((x) => x.id === id);
  return s ? `the sample from ${siteWords(s.site)} (${dateWords(s.collected)})` : `sample ${id}`;
}

/**
 * The variant allele fraction in words. In a tissue sample it is a share of the DNA read from the sample; in a blood
 * (plasma) sample it is a share of all DNA floating in the blood, most of which comes from healthy cells, not a
 * share of tumor DNA.
 */
function shareWords(vaf: number | null, plasma: boolean): string {
  if (vaf === null) return '';
  const n = Math.round(vaf * 100);
  const what = plasma ? 'pieces of DNA floating in the blood (most of them come from healthy cells, not from the tumor)' : 'pieces of DNA read from this sample';
  return n < 1 ? ` Fewer than 1 in 100 ${what} had this change.` : ` About ${n} in 100 ${what} had this change.`;
}

function monthsWords(c: Change | undefined): string {
  if (!c || c.afterTreatments.length === 0) return '';
  return ` It showed up after ${c.afterTreatments.map((t) => `${t.months} month${t.months === 1 ? '' : 's'} of ${t.drug}`).join(' and ')}.`;
}

function findingSentence(r: AnalysisResult, s: SampleAnalysis, f: Finding): string {
  const gene = `<b>${esc(f.gene)}</b>`;
  const where = esc(sampleName(r, s.id));
  const share = shareWords(f.vaf, s.type === 'plasma');
  // item 2: what reading an earlier sample again showed at this spot (core's read evidence, in plain words)
  const reads = patientReadEvidenceSentences(f, (id) => sampleName(r, id))
    .map((x) => ` ${esc(x)}`)
    .join('');
  switch (f.origin) {
    case 'acquired': {
      const change = r.changes.find((c) => c.kind === 'acquired-variant' && c.toSample === s.id && c.detail.startsWith(`${f.gene} ${f.alteration} `));
      return `A <b>new</b> change was found in the ${gene} gene in ${where}. It was not in ${esc(sampleName(r, f.originSample ?? ''))}.${reads}${esc(share)}${esc(monthsWords(change))}`;
    }
    case 'pre-existing':
      return `A change in the ${gene} gene was found in ${where}. It was also there before, in ${esc(sampleName(r, f.originSample ?? ''))}.${reads}${esc(share)}`;
    default:
      return `A change in the ${gene} gene was found in ${where}.${esc(share)}`;
  }
}

function conversionSentence(r: AnalysisResult, c: Change): string | null {
  const what = c.kind === 'her2-conversion' ? 'HER2' : c.kind === 'er-conversion' ? 'ER' : c.kind === 'pr-conversion' ? 'PR' : null;
  if (!what) return null;
  const word = (x: string) => STATUS_WORDS[x.replace(/ \(.*\)$/, '')] ?? x.replace(/ \(.*\)$/, '');
  return `Your <b>${what}</b> result changed. It was ${esc(word(c.from))} in ${esc(sampleName(r, c.fromSample))}. It was ${esc(word(c.to))} in ${esc(sampleName(r, c.toSample))}. This can change which medicines may help.`;
}

const LEVEL_WORDS: Record<string, string> = {
  A: 'strong: approved for this kind of finding or in treatment guidelines',
  B: 'good: tested in studies with patients',
  C: 'some: seen in a few patients',
  D: 'early: seen in lab studies only',
  E: 'weak: an expert guess from other results',
};

/** What each kind of option warning means, in plain words (a HER2-by-NGS-only warning is said by the pending line). */
const WARNING_WORDS: Record<WarningKind, string | null> = {
  resistance: 'one of your test results may make a medicine in this plan work less well.',
  'her2-discordance': 'your HER2 results differ between samples. Your care team may want to check them again.',
  'her2-ngs-only': null,
  'her2-unresolved': 'your HER2 result is not settled yet. One more HER2 test may change whether this medicine fits.',
  'her2-classification': 'your HER2 result was very close to the line between two groups. Your care team may want to review it.',
  'hr-older-sample': 'your hormone receptor (ER) result comes from an older sample. Your care team may want to test the newest sample.',
  'prior-progression': 'this plan includes a medicine that you have already had, and the cancer grew while you were taking it.',
};

const PENDING_WORDS: Record<NonNullable<TherapyOption['pending']>['kind'], string> = {
  'her2-ish': 'Only if a further HER2 test confirms that the tumor has extra HER2.',
  'hr-status': 'Only if a test of the hormone receptors (ER) shows that it fits.',
};

function optionItem(o: TherapyOption): string {
  const notes = [...new Set(optionWarnings(o).map((w) => WARNING_WORDS[w.kind]).filter((x): x is string => x !== null))];
  const warn = notes.map((n) => ` <i>Note: ${esc(n)}</i>`).join('');
  if (o.pending) return `<li><b>${esc(o.therapy)}</b>. <b>${esc(PENDING_WORDS[o.pending.kind])}</b> How strong the proof would be then: ${esc(LEVEL_WORDS[o.level] ?? o.level)}.${warn}</li>`;
  return `<li><b>${esc(o.therapy)}</b>. How strong the proof is: ${esc(LEVEL_WORDS[o.level] ?? o.level)}.${warn}</li>`;
}

/** Findings that are not tumour changes: clonal haematopoiesis (blood cells) and germline (inherited) variants. */
const NOT_TUMOUR: ReadonlySet<Finding['origin']> = new Set(['clonal-haematopoiesis', 'germline']);

/** Inherited changes worth naming (classified oncogenic or likely oncogenic), once per gene and change. */
function inheritedSentences(r: AnalysisResult): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of r.samples) {
    for (const f of s.findings) {
      if (f.origin !== 'germline' || (f.oncogenicity !== 'oncogenic' && f.oncogenicity !== 'likely-oncogenic')) continue;
      const key = `${f.gene} ${f.alteration}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(`A change in the <b>${esc(f.gene)}</b> gene was found that you were most likely born with (it was also found in your normal cells). It is not a change of the tumor. Your care team can explain what it means for you.`);
    }
  }
  return out;
}

export function renderPatientSummaryHtml(result: AnalysisResult, options: RenderOptions = {}): string {
  const r = result;
  const p = r.patient;
  const genes = [...new Set(r.samples.flatMap((s) => s.findings.map((f) => f.gene)))].sort();
  const acquired = r.samples.flatMap((s) => s.findings.filter((f) => f.origin === 'acquired').map((f) => findingSentence(r, s, f)));
  const findings = r.samples.flatMap((s) => s.findings.filter((f) => f.origin !== 'acquired' && !NOT_TUMOUR.has(f.origin)).map((f) => findingSentence(r, s, f)));
  const inherited = inheritedSentences(r);
  // Resistance about a medicine the patient takes now (therapy.ts rules 7-8), said once per medicine.
  const onNow = [...new Set(r.resistance.flatMap((w) => w.ongoing ?? []))].map((d) => `One of your results suggests that a medicine you are taking now (<b>${esc(d)}</b>) may work less well. Please ask your care team about it.`);
  const conversions = [...r.changes.map((c) => conversionSentence(r, c)).filter((x): x is string => x !== null), ...patientLongitudinalSentences(r), ...onNow];
  const lost = r.changes.filter((c) => c.kind === 'lost-variant');
  const cyto = r.samples.filter((s) => s.cytometry?.hiddenHer2StemCells);
  const top = r.therapyOptions.slice(0, 5);

  const sampleItems = r.samples.map(
    (s) =>
      `<li><b>${esc(dateWords(s.collected))}</b>: a sample from ${esc(siteWords(s.site))} (${esc(TYPE_WORDS[s.type] ?? s.type)}).<ul><li>HER2: ${esc(her2Words(s))}</li><li>ER: ${esc(erWords(s))}</li><li>PR: ${esc(prWords(s))}</li></ul></li>`,
  );

  const questions = [
    'What do these results mean for my treatment?',
    ...(conversions.length || acquired.length ? ['My test results changed over time. Does that change my choices?'] : []),
    ...top.slice(0, 2).map((o) => `Is ${esc(o.therapy)} a choice for me? Why or why not?`),
    ...(r.resistance.length || top.some((o) => optionWarnings(o).some((w) => w.kind === 'resistance')) ? ['Could any of my results make a medicine work less well?'] : []),
    ...(r.therapyOptions.some((o) => o.pending?.kind === 'her2-ish') ? ['Do I need one more HER2 test before choosing a medicine?'] : []),
    'Is there a research study (a clinical trial) that fits my results?',
    'Should any test be done again, or on a new sample?',
    'What side effects should I watch for?',
  ];

  const glossary: Array<[string, string]> = [
    ['HER2', 'HER2 is a protein found on the outside of some breast cancer cells, where it can help the cancer grow. Some medicines are made to find and attack cells that have HER2.'],
    ['ER (estrogen receptor)', 'ER is a part of the cell that reacts to the hormone estrogen. If a cancer has ER, medicines that lower or block hormones may help slow it down.'],
    ['PR (progesterone receptor)', 'PR works like ER, but it reacts to a different hormone called progesterone.'],
    ['Sample', 'A sample is a small piece of tumor that a doctor takes out so it can be tested in a lab. Doctors call this a biopsy.'],
    ['Gene', 'A gene is a piece of DNA, the set of instructions inside every cell. Each gene tells the cell how to make a protein.'],
    ['Mutation (change)', 'A mutation is a change in a gene. Some changes in tumor cells help the cancer grow, and some can stop a medicine from working as well as it should.'],
    ...genes.map((g): [string, string] => [g, `${GENE_WORDS[g] ?? 'a gene that can play a part in cancer'}.`.replace(/^./, (c) => c.toUpperCase())]),
    ['Lymph node', 'A lymph node is a small, bean-shaped part of the body that helps fight germs. Cancer cells can sometimes spread to lymph nodes.'],
  ];

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Your test results: a summary</title>
<style>${PATIENT_CSS}</style>
</head>
<body><main>
<h1>Your test results: a summary</h1>
<div class="notice">${esc(r.notice)}</div>
${p.synthetic ? '<div class="synthetic">This is a made-up example. It is not a real person.</div>' : ''}
<p>Name or number on file: <b>${esc(p.id)}</b>${options.generatedAt ? `. Made on ${esc(dateWords(options.generatedAt.toISOString().slice(0, 10)))}` : ''}.</p>
<p class="box">This page tells you what your tumor tests found, in plain words. It does not replace a talk with your care team. Please bring it to your next visit.</p>

<h2>What was tested</h2>
<p>Your care team tested ${sampleCountText(r.samples)}.</p>
<ul>${sampleItems.join('')}</ul>

<h2>What changed over time</h2>
${conversions.length || acquired.length || lost.length ? '' : r.samples.length === 1 ? '<p>Only one sample was tested, so changes over time cannot be seen yet.</p>' : '<p>No change was found between your samples.</p>'}
${conversions.length || acquired.length ? `<ul>${[...conversions, ...acquired].map((c) => `<li>${c}</li>`).join('')}</ul>` : ''}
${lost.length ? `<p>${lost.length === 1 ? 'One gene change' : `${lost.length} gene changes`} found in an earlier sample ${lost.length === 1 ? 'was' : 'were'} not found in a later one.</p>` : ''}

${bloodFigure(r)}
<h2>Other changes found in tumor genes</h2>
${findings.length ? `<ul>${findings.map((f) => `<li>${f}</li>`).join('')}</ul>` : acquired.length ? '<p>No other change was found in the genes this tool looks at.</p>' : '<p>No change was found in the genes this tool looks at.</p>'}
${inherited.length ? `<h2>Inherited changes</h2><ul>${inherited.map((x) => `<li>${x}</li>`).join('')}</ul>` : ''}
${
  cyto.length
    ? `<p>A special test looked at single cells in ${cyto.map((s) => esc(sampleName(r, s.id))).join(' and ')}. It found a small group of cells with HER2 that the main HER2 test did not show. Scientists are still studying what this means.</p>`
    : ''
}

<h2>Medicines to ask about</h2>
${
  top.length
    ? `<p>Based on the latest results, these medicines have some proof of helping people with results like yours. This list is not a plan. Your care team will look at your whole health.</p><ul>${top.map(optionItem).join('')}</ul>${r.therapyOptions.length > top.length ? `<p>Your doctor can see ${r.therapyOptions.length - top.length} more in the full report.</p>` : ''}`
    : '<p>This tool did not find a medicine linked to these results. Your care team may still have good choices for you.</p>'
}

<h2>Questions to ask your care team</h2>
<ul>${questions.map((q) => `<li>${q}</li>`).join('')}</ul>

<h2>Words used here</h2>
<dl>${glossary.map(([t, d]) => `<dt>${esc(t)}</dt><dd>${esc(d)}</dd>`).join('')}</dl>

<h2>Where this comes from</h2>
<p>The HER2, ER and PR results follow the rules that doctors use for these tests. The list of medicines comes from a list of published studies and drug labels. The list was last updated in version ${esc(r.kbVersion)}.</p>
<p class="notice">${esc(r.notice)}</p>
</main></body>
</html>
`;
}

/**
 * The ctDNA figure (item 1): the clinician report's drawing (ctdnaFigureSvg, plain-words labels) with a caption in
 * plain words. Empty without blood draws.
 */
function bloodFigure(r: AnalysisResult): string {
  const svg = ctdnaFigureSvg(r, 'patient');
  if (!svg) return '';
  const chip = (r.ctdna?.variants ?? []).some((v) => v.origin === 'chip' || v.origin === 'possible-chip');
  const caption = [
    'Each line is one gene change found in your blood tests. A dot higher up means more of the change in that test.',
    'An open dot means that test did not find the change.',
    ...(chip ? ['A dashed line is a change that comes from blood cells, not from the cancer.'] : []),
    'The bars at the bottom show when you took each medicine.',
  ];
  return `<h2>Your blood tests over time</h2>
<figure class="blood">${svg}<figcaption>${caption.map((c) => esc(c)).join(' ')}</figcaption></figure>`;
}

/** "3 samples of your tumor", or "5 samples (2 of your tumor, 3 blood draws)": a plasma draw is not tumour tissue. */
function sampleCountText(samples: ReadonlyArray<{ type: string }>): string {
  const blood = samples.filter((x) => x.type === 'plasma').length;
  const tissue = samples.length - blood;
  const n = (k: number, one: string, many: string) => (k === 1 ? `one ${one}` : `${k} ${many}`);
  if (blood === 0) return `${n(tissue, 'sample', 'samples')} of your tumor`;
  if (tissue === 0) return n(blood, 'blood draw', 'blood draws');
  return `${samples.length} samples (${tissue} of your tumor, ${n(blood, 'blood draw', 'blood draws')})`;
}
