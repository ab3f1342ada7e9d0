/**
 * Issue 16 on the patient page: read-level look-back per finding, the copy-number track and serial ctDNA (figure
 * and trajectories). Projections of the analysis result: every judgement is the core's. Typed structurally (the
 * fields are optional), so the page works with results that do not carry them. React escapes all text.
 */
import { formatVaf } from '../format.ts';
import { ColumnHeads } from './RecordFields.tsx';

interface ReadEvidenceView {
  sample: string;
  when: string;
  text: string;
}
interface PlasmaView {
  origin: string;
  text: string;
}
interface GeneCnView {
  gene: string;
  status: string;
  copyNumber: number;
  text: string;
}
interface SampleCnView {
  file: string;
  genes: GeneCnView[];
  erbb2: { concordance: string; text: string } | null;
}
interface CtdnaPointView {
  sample: string;
  date: string;
  vaf: number | null;
  detectionLimit: number | null;
}
interface CtdnaView {
  draws: Array<{ sample: string; collected: string; tumorFraction: number | null; detectionLimit: { text: string } | null }>;
  variants: Array<{ key: string; gene: string; alteration: string; origin: string; originText: string; trajectory: { trend: string; text: string }; points: CtdnaPointView[] }>;
}

export interface LongitudinalResult {
  samples: Array<{ id: string; collected: string; copyNumber?: SampleCnView | null }>;
  ctdna?: CtdnaView | null;
}

const NOT_TUMOUR = new Set(['chip', 'possible-chip', 'germline']);

/** Under a finding's origin: its plasma origin and the reads in the other samples. */
export function ReadEvidenceNote({ finding }: { finding: { readEvidence?: ReadEvidenceView[]; plasma?: PlasmaView | null } }) {
  const ev = finding.readEvidence ?? [];
  const plasma = finding.plasma ?? null;
  if (ev.length === 0 && !plasma) return null;
  return (
    <div className="sub read-evidence">
      {plasma && <div className={NOT_TUMOUR.has(plasma.origin) ? 'warn' : undefined}>{plasma.text}</div>}
      {ev.map((e) => (
        <div key={e.sample}>
          reads: {e.text}
          {e.when === 'earlier' ? '' : ` (${e.when})`}
        </div>
      ))}
    </div>
  );
}

function CopyNumberTrack({ samples }: { samples: LongitudinalResult['samples'] }) {
  const withCn = samples.filter((s) => s.copyNumber && s.copyNumber.genes.length > 0);
  if (withCn.length === 0) return null;
  const genes = [...new Set(withCn.flatMap((s) => s.copyNumber?.genes.map((g) => g.gene) ?? []))];
  return (
    <>
      <h3>Copy-number track (sequencing)</h3>
      <div className="table-wrap">
        <table className="copy-number">
          <thead>
            <tr>
              <th scope="col">Gene</th>
              {withCn.map((s) => (
                <th scope="col" key={s.id}>
                  {s.id} <span className="sub">{s.collected}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {genes.map((gene) => (
              <tr key={gene}>
                <th scope="row">{gene}</th>
                {withCn.map((s) => {
                  const g = s.copyNumber?.genes.find((x) => x.gene === gene);
                  return (
                    <td key={s.id} title={g?.text}>
                      {g ? `${g.status.replace('-', ' ')} (CN ${g.copyNumber})` : '—'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="cn-notes">
        {withCn.map((s) =>
          s.copyNumber?.erbb2 ? (
            <li key={s.id} className={s.copyNumber.erbb2.concordance === 'discordant' ? 'warn' : undefined}>
              {s.id}: {s.copyNumber.erbb2.text}
            </li>
          ) : null,
        )}
      </ul>
    </>
  );
}

const W = 640;
const H = 220;
const M = { left: 56, right: 12, top: 12, bottom: 28 };
const DAY = 86_400_000;

/** VAF per draw on a log axis, one line per variant (CH lines dashed; not detected: open circle at the limit). */
function CtdnaChart({ ctdna }: { ctdna: CtdnaView }) {
  const t = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const pts = ctdna.variants.flatMap((v) => v.points.map((p) => ({ v, p, y: p.vaf !== null && p.vaf > 0 ? p.vaf : p.detectionLimit })));
  const ys = pts.map((x) => x.y).filter((y): y is number => y !== null && y > 0);
  const dates = ctdna.draws.map((d) => t(d.collected));
  if (ys.length === 0 || dates.length === 0) return null;
  const lo = Math.log10(Math.min(...ys) / 2);
  const hi = Math.log10(Math.min(1, Math.max(...ys) * 2));
  const d0 = Math.min(...dates) - 30 * DAY;
  const d1 = Math.max(...dates) + 30 * DAY;
  const x = (d: string) => M.left + ((t(d) - d0) / (d1 - d0)) * (W - M.left - M.right);
  const y = (v: number) => M.top + (1 - (Math.log10(v) - lo) / (hi - lo || 1)) * (H - M.top - M.bottom);
  const ticks = [0.001, 0.01, 0.1, 1].filter((v) => Math.log10(v) >= lo && Math.log10(v) <= hi);
  const colours = ['#b2182b', '#2166ac', '#1b7837', '#762a83', '#e08214'];
  return (
    <svg className="ctdna-chart" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label="VAF in plasma per draw">
      {ticks.map((v) => (
        <g key={v}>
          <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} stroke="#ddd" />
          <text x={M.left - 6} y={y(v) + 4} textAnchor="end" fontSize="11">{`${v * 100}%`}</text>
        </g>
      ))}
      {ctdna.draws.map((d) => (
        <text key={d.sample} x={x(d.collected)} y={H - 8} textAnchor="middle" fontSize="11">
          {d.collected}
        </text>
      ))}
      {ctdna.variants.map((v, i) => {
        const colour = colours[i % colours.length];
        const line = v.points.filter((p) => p.vaf !== null && p.vaf > 0);
        return (
          <g key={v.key}>
            <polyline fill="none" stroke={colour} strokeWidth={2} strokeDasharray={NOT_TUMOUR.has(v.origin) ? '5 4' : undefined} points={line.map((p) => `${x(p.date)},${y(p.vaf ?? 1)}`).join(' ')} />
            {v.points.map((p) => {
              const det = p.vaf !== null && p.vaf > 0;
              const val = det ? p.vaf : p.detectionLimit;
              if (val === null || val <= 0) return null;
              return (
                <circle key={p.sample} cx={x(p.date)} cy={y(val)} r={4} fill={det ? colour : 'white'} stroke={colour}>
                  <title>{`${v.gene} ${v.alteration}, ${p.date}: ${det ? `VAF ${formatVaf(val)}` : 'not detected'}`}</title>
                </circle>
              );
            })}
            {line.length > 0 && (
              <text x={x(line[line.length - 1]?.date ?? '') + 6} y={y(line[line.length - 1]?.vaf ?? 1) + 4} fontSize="11" fill={colour}>
                {v.gene}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function Ctdna({ ctdna }: { ctdna: CtdnaView }) {
  return (
    <>
      <h3>Serial ctDNA (plasma)</h3>
      <CtdnaChart ctdna={ctdna} />
      <div className="table-wrap">
        <table className="ctdna">
          <ColumnHeads columns={['Variant', 'Origin', 'Trajectory']} />
          <tbody>
            {ctdna.variants.map((v) => (
              <tr key={v.key}>
                <th scope="row">
                  {v.gene} {v.alteration}
                </th>
                <td className={NOT_TUMOUR.has(v.origin) ? 'warn' : undefined}>{v.originText}</td>
                <td>{v.trajectory.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="sub">
        Detection limits: {ctdna.draws.map((d) => `${d.sample} ${d.detectionLimit?.text ?? 'depth unknown'}`).join('; ')}. CHIP and germline variants in plasma never support a therapy option.
      </p>
    </>
  );
}

/** The copy-number track and serial ctDNA, when the result has them. */
export function LongitudinalPanels({ result }: { result: LongitudinalResult }) {
  return (
    <>
      <CopyNumberTrack samples={result.samples} />
      {result.ctdna ? <Ctdna ctdna={result.ctdna} /> : null}
    </>
  );
}
