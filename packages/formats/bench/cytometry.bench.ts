/**
 * Cytometry benchmark (`npm run bench`). Generates a SYNTHETIC FCS 3.1 file with 1,000,000 events × 16 float
 * parameters and an 11-detector $SPILLOVER into bench-data/ (git-ignored; reused when present), then times, in the
 * same run:
 *
 *   numpy      the same pipeline in numpy, in a python3 child process (when python3 + numpy exist): fromfile +
 *              float64 columns, matmul with the 11 × 11 compensation matrix, the gates as a crossing-number
 *              polygon and vectorised thresholds on the compensated values against the logicle thresholds moved to
 *              data units once (what a numpy user writes; exact for threshold gates on a monotone transform),
 *              counts; its own peak RSS. The reference of the issue's target (pipeline <= 1.0x numpy). For scale
 *              it also runs the variant that logicle-scales all 11 channels (np.interp on a 65,537-point table).
 *   pipeline   read (HEADER/TEXT/DATA) + decode and compensate all 11 fluorescence detectors in one fused pass
 *              (FcsFile.compensatedColumns) + gate (Gating-ML: polygon, rectangles, quadrant, boolean, parents, on
 *              the logicle scale of the compensated values: each event is decided in data units against the
 *              thresholds' brackets, and the few within 1e-9 of a threshold get the exact logicle) + stats
 *              (stem-cell populations with Wilson CIs)
 *   product    analyzeCytometryFile(file, panel + Gating-ML with compensation and logicle refs): what
 *              `her2scope cytometry` runs; it compensates only the channels the gates and panel use
 *   reference  a bare fs read of the DATA segment and numpy.fromfile, for scale
 *
 * and prints the ratios and the peak RSS of both processes. Median of 5 runs after a warm-up.
 * Run: `npm run bench -- cytometry` or `node --import tsx packages/formats/bench/cytometry.bench.ts`.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeStemCells, compensationMatrix, createTransform, evaluateGates, CompensationCache, Logicle } from '@her2scope/core/cytometry';
import { fcsEventSource } from '../src/cytometry/source.ts';
import { readFcsFile, writeFcs } from '../src/fcs/index.ts';
import { parseGatingML } from '../src/gatingml/index.ts';
import { analyzeCytometryFile } from '../src/cytometry/index.ts';
import { seededRandom as prng } from '@her2scope/core';

const GENERATOR = 'her2scope-cytometry-bench v1';
const EVENTS = Number(process.env.CYTO_BENCH_EVENTS ?? 1_000_000);
const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const outDir = join(repoRoot, 'bench-data');
const fcsPath = join(outDir, `cytometry-${EVENTS}.fcs`);

const FLUOR = ['FITC-A', 'PE-A', 'APC-A', 'DAPI-A', 'BV605-A', 'PE-Cy7-A', 'APC-Cy7-A', 'BV421-A', 'BV510-A', 'PerCP-A', 'BUV395-A'];
const LABELS: Record<string, string> = { 'FITC-A': 'CD44', 'PE-A': 'HER2', 'APC-A': 'CD24', 'DAPI-A': 'Viability', 'BV605-A': 'EpCAM' };


function spillMatrix(): number[][] {
  const n = FLUOR.length;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : j === i + 1 ? 0.15 : j === i + 2 ? 0.04 : j === i - 1 ? 0.02 : 0)));
}

function generate(): void {
  if (existsSync(fcsPath)) {
    const fd = openSync(fcsPath, 'r');
    const head = Buffer.alloc(4000);
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    if (head.toString('latin1').includes(GENERATOR)) return;
  }
  mkdirSync(outDir, { recursive: true });
  const t0 = performance.now();
  const rnd = prng(42);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const n = EVENTS;
  const cols = Array.from({ length: 16 }, () => new Float64Array(n));
  const S = spillMatrix();
  const truth = new Float64Array(FLUOR.length);
  for (let e = 0; e < n; e++) {
    const u = rnd();
    const dead = u < 0.04;
    const stroma = !dead && u < 0.07;
    const stem = !dead && !stroma && u < 0.075; // 0.5% stem cells, of which 40% HER2+
    const her2 = (stem && rnd() < 0.4) || (!stem && rnd() < 0.05);
    const pos = () => 8000 * Math.exp(0.35 * gauss());
    const neg = () => 100 + 90 * gauss();
    truth[0] = stem || rnd() < 0.1 ? pos() : neg(); // CD44
    truth[1] = her2 ? pos() : neg(); // HER2
    truth[2] = stem ? neg() : pos(); // CD24
    truth[3] = dead ? 20000 * Math.exp(0.3 * gauss()) : neg(); // viability
    truth[4] = stroma ? neg() : pos(); // EpCAM
    for (let k = 5; k < FLUOR.length; k++) truth[k] = rnd() < 0.3 ? pos() : neg();
    for (let j = 0; j < FLUOR.length; j++) {
      let s = 0;
      for (let i = 0; i < FLUOR.length; i++) s += truth[i]! * S[i]![j]!;
      cols[5 + j]![e] = s;
    }
    const fsc = 60000 + 25000 * gauss();
    cols[0]![e] = fsc; // FSC-A
    cols[1]![e] = fsc * (0.8 + 0.05 * gauss()); // FSC-H
    cols[2]![e] = 30000 + 12000 * gauss(); // SSC-A
    cols[3]![e] = cols[2]![e]! * 0.85; // SSC-H
    cols[4]![e] = e / 1000; // Time
  }
  const spill = [String(FLUOR.length), ...FLUOR, ...S.flat().map(String)].join(',');
  const buf = writeFcs({
    version: '3.1',
    dataType: 'F',
    parameters: ['FSC-A', 'FSC-H', 'SSC-A', 'SSC-H', 'Time', ...FLUOR].map((name) => ({ name, range: 262144, ...(LABELS[name] ? { label: LABELS[name] } : {}) })),
    columns: cols,
    keywords: { $SPILLOVER: spill, $CYT: 'SYNTHETIC', GENERATOR },
  });
  const tmp = `${fcsPath}.${process.pid}.tmp`;
  writeFileSync(tmp, buf);
  renameSync(tmp, fcsPath);
  console.log(`generated ${fcsPath} (${(buf.length / 1e6).toFixed(1)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Bare read of the DATA segment (offsets from the HEADER) into a fresh buffer. */
function rawRead(): number {
  const fd = openSync(fcsPath, 'r');
  try {
    const h = Buffer.alloc(58);
    readSync(fd, h, 0, 58, 0);
    const start = Number(h.toString('latin1', 26, 34).trim());
    const end = Number(h.toString('latin1', 34, 42).trim());
    const buf = Buffer.allocUnsafe(end - start + 1);
    let done = 0;
    while (done < buf.length) done += readSync(fd, buf, done, buf.length - done, start + done);
    return buf[buf.length - 1]!;
  } finally {
    closeSync(fd);
  }
}

function numpyRead(): number | null {
  const py = `
import numpy, time
f = ${JSON.stringify(fcsPath)}
h = open(f, 'rb').read(58)
start, end = int(h[26:34]), int(h[34:42])
best = []
for _ in range(6):
    t = time.perf_counter()
    a = numpy.fromfile(f, dtype='<f4', count=(end - start + 1) // 4, offset=start)
    best.append(time.perf_counter() - t)
best.sort()
print(best[len(best) // 2] * 1000)
`;
  const r = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const v = Number(r.stdout.trim());
  return Number.isFinite(v) ? v : null;
}

/** The pipeline in numpy (see the header); prints one JSON line: median stage times, counts, peak RSS. */
type NumpyResult = { stages: Record<string, number>; total: number; counts: number[]; interpTotal: number; interpStages: Record<string, number>; interpCounts: number[]; rssMb: number };
function numpyPipeline(K: number[][], tablePath: string): NumpyResult | null {
  const py = `
import json, resource, sys, time
import numpy as np
f, table, K, thr = sys.argv[1], sys.argv[2], np.array(json.loads(sys.argv[3])), float(sys.argv[4])
h = open(f, 'rb').read(58)
start, end = int(h[26:34]), int(h[34:42])
n = (end - start + 1) // 64
tab = np.fromfile(table, dtype='<f8').reshape(2, -1)
tx, ty = tab[0], tab[1]
poly = [(10000.0, 0.0), (200000.0, 0.0), (200000.0, 90000.0), (10000.0, 60000.0)]
def clock():
    st = {}
    t = [time.perf_counter()]
    def lap(name):
        now = time.perf_counter(); st[name] = (now - t[0]) * 1000; t[0] = now
    return st, lap
def polygon(x, y):
    cells = np.zeros(x.shape[0], dtype=bool)
    with np.errstate(divide='ignore', invalid='ignore'):
        for (ax, ay), (bx, by) in zip(poly, poly[1:] + poly[:1]):
            cells ^= ((ay <= y) != (by <= y)) & (x < ax + (y - ay) * (bx - ax) / (by - ay))
    return cells
def counts_of(cells, live, tumour, c44, c24, her2):
    stem = tumour & c44 & ~c24
    both = tumour & c44 & c24
    h = tumour & her2
    return [int(np.count_nonzero(a)) for a in (cells, live, tumour, stem, both, h, stem & h)]
# The reference: thresholds moved to data units (thr), compared on the compensated values.
def run():
    st, lap = clock()
    raw = np.fromfile(f, dtype='<f4', count=n * 16, offset=start).reshape(n, 16).astype(np.float64)
    lap('read+decode')
    comp = raw[:, 5:16] @ K
    lap('compensate(11)')
    cells = polygon(raw[:, 0], raw[:, 2])
    live = cells & (comp[:, 3] < thr)
    tumour = live & (comp[:, 4] >= thr)
    masks = (cells, live, tumour, comp[:, 0] >= thr, comp[:, 2] >= thr, comp[:, 1] >= thr)
    lap('gate')
    counts = counts_of(*masks)
    lap('stats')
    return st, counts
# For scale: every channel logicle-scaled (np.interp in the table), thresholds at 0.5 on that scale.
def run_interp():
    st, lap = clock()
    raw = np.fromfile(f, dtype='<f4', count=n * 16, offset=start).reshape(n, 16).astype(np.float64)
    comp = raw[:, 5:16] @ K
    lap('read+compensate')
    scaled = np.interp(comp, tx, ty)
    lap('logicle(11)')
    cells = polygon(raw[:, 0], raw[:, 2])
    live = cells & (scaled[:, 3] < 0.5)
    tumour = live & (scaled[:, 4] >= 0.5)
    counts = counts_of(cells, live, tumour, scaled[:, 0] >= 0.5, scaled[:, 2] >= 0.5, scaled[:, 1] >= 0.5)
    lap('gate+stats')
    return st, counts
def median_run(fn, times):
    fn()
    runs = []
    for _ in range(times):
        t0 = time.perf_counter(); st, counts = fn(); runs.append(((time.perf_counter() - t0) * 1000, st, counts))
    runs.sort(key=lambda r: r[0])
    total, st, counts = runs[len(runs) // 2]
    return total, {k: sorted(r[1][k] for r in runs)[len(runs) // 2] for k in st}, counts
total, stages, counts = median_run(run, 5)
interp_total, interp_stages, interp_counts = median_run(run_interp, 3)
print(json.dumps({'total': total, 'stages': stages, 'counts': counts, 'interpTotal': interp_total, 'interpStages': interp_stages, 'interpCounts': interp_counts, 'rssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;
  // OpenBLAS kernel overrides (set on some machines for old OpenBLAS builds) slow a current numpy: not for this run.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['-c', py, fcsPath, tablePath, JSON.stringify(K), String(THRESHOLD)], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    if (!/No module named .?numpy/.test(r.stderr)) console.log(`  numpy pipeline failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim()) as NumpyResult;
}

/** The logicle table numpy interpolates in: 65,537 scale values (uniform) and their data values. */
function writeLogicleTable(path: string): void {
  const t = new Logicle(262144, 0.5, 4.5, 0);
  const lo = t.apply(-20000);
  const hi = 1.0;
  const m = 65537;
  const out = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    const yy = lo + ((hi - lo) * i) / (m - 1);
    out[i] = t.inverse(yy);
    out[m + i] = yy;
  }
  writeFileSync(path, new Uint8Array(out.buffer));
}

const GATES_PIPELINE = `<?xml version="1.0" encoding="UTF-8"?>
<gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
  <gating:PolygonGate gating:id="Cells">
    <gating:dimension gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="FSC-A"/></gating:dimension>
    <gating:dimension gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="SSC-A"/></gating:dimension>
    <gating:vertex><gating:coordinate data-type:value="10000"/><gating:coordinate data-type:value="0"/></gating:vertex>
    <gating:vertex><gating:coordinate data-type:value="200000"/><gating:coordinate data-type:value="0"/></gating:vertex>
    <gating:vertex><gating:coordinate data-type:value="200000"/><gating:coordinate data-type:value="90000"/></gating:vertex>
    <gating:vertex><gating:coordinate data-type:value="10000"/><gating:coordinate data-type:value="60000"/></gating:vertex>
  </gating:PolygonGate>
  <gating:RectangleGate gating:id="Live" gating:parent_id="Cells">
    <gating:dimension gating:compensation-ref="uncompensated" gating:max="0.5"><data-type:fcs-dimension data-type:name="DAPI-A"/></gating:dimension>
  </gating:RectangleGate>
  <gating:RectangleGate gating:id="Tumour" gating:parent_id="Live">
    <gating:dimension gating:compensation-ref="uncompensated" gating:min="0.5"><data-type:fcs-dimension data-type:name="BV605-A"/></gating:dimension>
  </gating:RectangleGate>
  <gating:QuadrantGate gating:id="CD44xCD24" gating:parent_id="Tumour">
    <gating:divider gating:id="CD44" gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="FITC-A"/><gating:value>0.5</gating:value></gating:divider>
    <gating:divider gating:id="CD24" gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="APC-A"/><gating:value>0.5</gating:value></gating:divider>
    <gating:Quadrant gating:id="CD44+CD24-"><gating:position gating:divider_ref="CD44" gating:location="0.9"/><gating:position gating:divider_ref="CD24" gating:location="0.1"/></gating:Quadrant>
    <gating:Quadrant gating:id="CD44+CD24+"><gating:position gating:divider_ref="CD44" gating:location="0.9"/><gating:position gating:divider_ref="CD24" gating:location="0.9"/></gating:Quadrant>
  </gating:QuadrantGate>
  <gating:RectangleGate gating:id="HER2pos" gating:parent_id="Tumour">
    <gating:dimension gating:compensation-ref="uncompensated" gating:min="0.5"><data-type:fcs-dimension data-type:name="PE-A"/></gating:dimension>
  </gating:RectangleGate>
  <gating:BooleanGate gating:id="HER2+Stem">
    <gating:and><gating:gateReference gating:ref="CD44+CD24-"/><gating:gateReference gating:ref="HER2pos"/></gating:and>
  </gating:BooleanGate>
</gating:Gating-ML>`;

/** The product path's gates: the same hierarchy, compensated with the file's $SPILLOVER and logicle-scaled. */
const GATES_PRODUCT = GATES_PIPELINE.replace(/<gating:Gating-ML ([^>]*)>/, '<gating:Gating-ML $1 xmlns:transforms="http://www.isac-net.org/std/Gating-ML/v2.0/transformations">\n  <transforms:transformation transforms:id="L"><transforms:logicle transforms:T="262144" transforms:W="0.5" transforms:M="4.5" transforms:A="0"/></transforms:transformation>')
  .replace(/(<gating:(?:dimension|divider)[^>]*?)gating:compensation-ref="uncompensated"([^>]*>\s*<data-type:fcs-dimension data-type:name="(?:DAPI-A|BV605-A|FITC-A|APC-A|PE-A)")/g, '$1gating:compensation-ref="FCS" gating:transformation-ref="L"$2');

function pipeline(): { stages: Record<string, number>; counts: number[] } {
  const stages: Record<string, number> = {};
  const strategy = parseGatingML(GATES_PRODUCT, 'bench.xml');
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    stages[name] = now - t;
    t = now;
  };
  const f = readFcsFile(fcsPath);
  lap('read');
  const spill = f.spillover()!;
  const detectorIdx = spill.detectors.map((d) => f.channelIndex(d));
  const all = spill.detectors.map((_, j) => j);
  const comp = f.compensatedColumns(detectorIdx, compensationMatrix(spill), all) as Float64Array[];
  lap('decode+compensate(11)');
  // The gates read the compensated columns computed above (shared through the compensation cache) and decide each
  // event exactly on the logicle scale (data-unit brackets; the exact logicle for events near a threshold).
  const cache = new CompensationCache();
  comp.forEach((c, j) => cache.set(spill, j, c));
  const gates = evaluateGates(strategy, { ...fcsEventSource(f, spill), compensation: cache });
  lap('gate');
  const tumour = gates.find((g) => g.id === 'Tumour')!;
  const at = (name: string) => comp[spill.detectors.indexOf(name)]!;
  const r = analyzeStemCells({
    eventCount: f.eventCount,
    markers: {
      HER2: { channel: 'PE-A', values: at('PE-A'), threshold: { value: THRESHOLD, source: 'panel' } },
      CD44: { channel: 'FITC-A', values: at('FITC-A'), threshold: { value: THRESHOLD, source: 'panel' } },
      CD24: { channel: 'APC-A', values: at('APC-A'), threshold: { value: THRESHOLD, source: 'panel' } },
    },
    gate: { membership: tumour.membership, name: 'Tumour' },
    bulkHer2: 'IHC 1+',
  });
  lap('stats');
  const stemGate = gates.find((g) => g.id === 'HER2+Stem')!.count;
  const gateCounts = ['Cells', 'Live', 'Tumour', 'CD44+CD24-', 'CD44+CD24+', 'HER2pos', 'HER2+Stem'].map((id) => gates.find((g) => g.id === id)!.count);
  return { stages, counts: [r.populations[2]!.count, stemGate, ...gateCounts] };
}

async function product(gmlPath: string): Promise<number> {
  const r = await analyzeCytometryFile(fcsPath, {
    panel: {
      markers: { HER2: 'PE-A', CD44: 'FITC-A', CD24: 'APC-A' },
      thresholds: { HER2: THRESHOLD, CD44: THRESHOLD, CD24: THRESHOLD },
      gate: 'Tumour',
      bulkHer2: 'IHC 1+',
    },
    gatesPath: gmlPath,
  });
  return r.populations.find((p) => p.name === 'HER2+CD44+CD24-low')!.count;
}

/** The gates split at 0.5 on the logicle scale; the same threshold in data units for the stem-cell statistics. */
const THRESHOLD = createTransform({ kind: 'logicle', T: 262144, W: 0.5, M: 4.5, A: 0 }).inverse(0.5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

generate();
const size = statSync(fcsPath).size;
const gmlPath = join(outDir, 'cytometry-bench-gates.xml');
writeFileSync(gmlPath, GATES_PRODUCT);
const tablePath = join(outDir, 'cytometry-logicle-table.f64');
writeLogicleTable(tablePath);
const benchSpill = readFcsFile(fcsPath).spillover()!;

// warm-up
rawRead();
pipeline();
await product(gmlPath);

const raws: number[] = [];
const totals: number[] = [];
const products: number[] = [];
const stageRuns: Array<Record<string, number>> = [];
let counts: number[] = [];
let productCount = 0;
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  rawRead();
  raws.push(performance.now() - t);
  t = performance.now();
  const p = pipeline();
  totals.push(performance.now() - t);
  stageRuns.push(p.stages);
  counts = p.counts;
  t = performance.now();
  productCount = await product(gmlPath);
  products.push(performance.now() - t);
}
const raw = median(raws);
const total = median(totals);
const prod = median(products);
const np = numpyRead();
const npp = numpyPipeline(compensationMatrix(benchSpill), tablePath);
const stageNames = Object.keys(stageRuns[0]!);
console.log(`cytometry: ${EVENTS.toLocaleString('en-US')} events x 16 float parameters, ${(size / 1e6).toFixed(1)} MB (SYNTHETIC; ${fcsPath})`);
console.log(`  reference: bare fs read of the DATA segment      ${raw.toFixed(1)} ms`);
if (np !== null) console.log(`  reference: numpy.fromfile of the DATA segment    ${np.toFixed(1)} ms`);
else console.log('  reference: numpy.fromfile not available (python3 with numpy not found)');
console.log(`  pipeline (median of 5): ${stageNames.map((s) => `${s} ${median(stageRuns.map((r) => r[s]!)).toFixed(0)} ms`).join(', ')}`);
if (npp) console.log(`  numpy pipeline (median of 5): ${Object.entries(npp.stages).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')}`);
console.log(`  pipeline total                                    ${total.toFixed(1)} ms  -> ${(total / raw).toFixed(1)}x the fs read${np !== null ? `, ${(total / np).toFixed(1)}x numpy.fromfile` : ''}`);
if (npp) {
  console.log(`  numpy pipeline total                              ${npp.total.toFixed(1)} ms`);
  console.log(`  RATIO pipeline / numpy pipeline                   ${(total / npp.total).toFixed(2)}x (target <= 1.0x)`);
  console.log(`  numpy counts cells, live, tumour, CD44+CD24-, CD44+CD24+, HER2+, HER2+Stem: ${npp.counts.join(', ')}`);
  console.log(`  numpy with all 11 channels logicle-scaled (np.interp, median of 3): ${npp.interpTotal.toFixed(1)} ms (${Object.entries(npp.interpStages).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}); counts ${npp.interpCounts.join(', ')} (table interpolation: approximate near thresholds)`);
} else console.log('  numpy pipeline not run (python3 with numpy not found)');
console.log(`  her2scope cytometry path (analyzeCytometryFile)   ${prod.toFixed(1)} ms  -> ${(prod / raw).toFixed(1)}x the fs read${np !== null ? `, ${(prod / np).toFixed(1)}x numpy.fromfile` : ''}${npp ? `; RATIO ${(prod / npp.total).toFixed(2)}x the numpy pipeline` : ''}`);
console.log(`  HER2+CD44+CD24-low: pipeline ${counts[0]} (gate HER2+Stem ${counts[1]}), product path ${productCount}`);
console.log(`  pipeline counts cells, live, tumour, CD44+CD24-, CD44+CD24+, HER2+, HER2+Stem: ${counts.slice(2).join(', ')} (exact)`);
console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process: pipeline + product path)${npp ? `; numpy process ${npp.rssMb.toFixed(0)} MB` : ''}`);
