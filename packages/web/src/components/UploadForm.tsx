import { useState, type FormEvent } from 'react';
import { ApiError, uploadFile, type UploadParams } from '../api.ts';
import { formatBytes } from '../format.ts';
import { readsPairing, type PairingFile } from '../pairing.ts';
import type { FieldError } from '../validation.ts';
import { FieldMessage, invalidProps } from './FieldError.tsx';

/** Upload kinds (server FILE_KINDS), their labels, the file chooser's hint and what the kind needs beside it. */
const KINDS: Array<{ kind: string; label: string; accept?: string; note?: string }> = [
  { kind: 'variants', label: 'Variants (annotated VCF / VCF.gz / MAF)' },
  { kind: 'regions', label: 'Sequenced regions (BED)' },
  { kind: 'reads', label: 'Aligned reads (BAM or CRAM)', accept: '.bam,.cram', note: 'For the read-level look-back. Upload its index too (Reads index); a CRAM also needs its reference FASTA and the FASTA index.' },
  { kind: 'reads-index', label: 'Reads index (.bai / .csi for BAM, .crai for CRAM)', accept: '.bai,.csi,.crai', note: 'The index of this sample\'s BAM or CRAM.' },
  { kind: 'reference', label: 'Reference FASTA of a CRAM (uncompressed)', accept: '.fa,.fasta,.fna', note: 'The FASTA the CRAM was written against; upload its .fai too (Reference index).' },
  { kind: 'reference-index', label: 'Reference index (.fai)', accept: '.fai', note: 'samtools faidx of the reference FASTA.' },
  { kind: 'copy-number', label: 'Copy number (CNVkit .cns / .call.cns, SEG, PCGR CNA TSV, VCF with CN)', accept: '.cns,.seg,.tsv,.txt,.vcf,.gz', note: 'Segments from sequencing: gene-level status for ERBB2 and the knowledge base\'s copy-number genes.' },
  { kind: 'cytometry', label: 'Cytometry (FCS or per-cell CSV/TSV)' },
  { kind: 'cytometry-panel', label: 'Cytometry panel (YAML)' },
  { kind: 'cytometry-control', label: 'Cytometry control (FMO / isotype)' },
  { kind: 'gates', label: 'Gating-ML gates (XML)' },
  { kind: 'flowjo-workspace', label: 'FlowJo 10 workspace (.wsp)', accept: '.wsp' },
];

/** The fields of this form an API error can name (query parameters), and the one file errors belong to. */
const FORM_FIELDS = ['kind', 'tumor', 'normal', 'meanDepth', 'group', 'sample', 'purity', 'ploidy', 'file'] as const;

/** The API's error as messages next to this form's fields: `querystring.purity` / `purity` -> purity; a file content error -> file. */
export function uploadErrors(err: unknown): FieldError[] {
  if (!(err instanceof ApiError)) return [{ field: 'file', message: 'upload failed' }];
  const raw = err.fields.length > 0 ? err.fields : [{ field: err.field ?? null, message: err.message }];
  return raw.map((r: { field: string | null; message: string }) => {
    const key = r.field?.replace(/^(querystring|query|body)\./, '') ?? null;
    return { field: key !== null && (FORM_FIELDS as readonly string[]).includes(key) ? key : 'file', message: r.message };
  });
}

/** File upload with a progress bar (the server streams it to disk and checks by content that it can be read). */
export function UploadForm({ sampleId, sampleLabel, files = [], onUploaded }: { sampleId: string; sampleLabel: string; files?: readonly PairingFile[]; onUploaded: () => Promise<void> }) {
  const [kind, setKind] = useState('variants');
  const [tumor, setTumor] = useState('');
  const [normal, setNormal] = useState('');
  const [meanDepth, setMeanDepth] = useState('');
  const [group, setGroup] = useState('');
  const [wsSample, setWsSample] = useState('');
  const [purity, setPurity] = useState('');
  const [ploidy, setPloidy] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const idp = `up-${sampleId}`;
  const spec = KINDS.find((k) => k.kind === kind);
  const pairing = readsPairing(files);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setErrors([]);
    setStatus(`Uploading ${file.name}…`);
    setProgress(0);
    // Only the options of the chosen kind are sent (values typed for another kind are left out).
    const params: UploadParams = { kind };
    if (kind === 'variants') Object.assign(params, { tumor, normal, meanDepth });
    if (kind === 'flowjo-workspace') Object.assign(params, { group, sample: wsSample });
    if (kind === 'copy-number') Object.assign(params, { purity, ploidy, sample: wsSample });
    try {
      const stored = await uploadFile(sampleId, file, params, setProgress);
      setStatus(`Uploaded ${stored.originalName} (${formatBytes(stored.size)}).`);
      setFile(null);
      (e.target as HTMLFormElement).reset();
      await onUploaded();
    } catch (err) {
      setStatus(null);
      setErrors(uploadErrors(err));
    } finally {
      setProgress(null);
    }
  }

  const text = (field: string, label: string, value: string, set: (v: string) => void, extra: { inputMode?: 'numeric' | 'decimal'; placeholder?: string } = {}) => (
    <div>
      <label htmlFor={`${idp}-${field}`}>{label}</label>
      <input id={`${idp}-${field}`} value={value} onChange={(e) => set(e.target.value)} {...extra} {...invalidProps(errors, field, `${idp}-${field}`)} />
      <FieldMessage errors={errors} field={field} id={`${idp}-${field}`} />
    </div>
  );

  return (
    <form className="upload" onSubmit={submit} aria-label={`Upload a file for sample ${sampleLabel}`} noValidate>
      {pairing.reads && (
        <p className={pairing.missing.length ? 'pairing incomplete' : 'pairing'}>
          Reads {pairing.reads.name} ({pairing.reads.format.toUpperCase()}): {pairing.missing.length ? `still needs ${pairing.missing.join('; ')}` : 'index and reference complete'}.
        </p>
      )}
      {!pairing.reads && pairing.missing.length > 0 && <p className="pairing incomplete">Still needs {pairing.missing.join('; ')}.</p>}
      <div className="grid">
        <div>
          <label htmlFor={`${idp}-kind`}>File type</label>
          <select id={`${idp}-kind`} value={kind} onChange={(e) => setKind(e.target.value)} aria-describedby={spec?.note ? `${idp}-note` : undefined} {...invalidProps(errors, 'kind', `${idp}-kind`)}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
          <FieldMessage errors={errors} field="kind" id={`${idp}-kind`} />
          {spec?.note && (
            <p className="hint" id={`${idp}-note`}>
              {spec.note}
            </p>
          )}
        </div>
        {kind === 'variants' && (
          <>
            {text('tumor', 'Tumour sample name (optional)', tumor, setTumor)}
            {text('normal', 'Normal sample name (optional)', normal, setNormal)}
            {text('meanDepth', 'Mean depth (optional)', meanDepth, setMeanDepth, { inputMode: 'numeric' })}
          </>
        )}
        {kind === 'flowjo-workspace' && (
          <>
            {text('group', 'Workspace group (optional)', group, setGroup)}
            {text('sample', 'Workspace sample (optional; default: matched by the FCS file name)', wsSample, setWsSample)}
          </>
        )}
        {kind === 'copy-number' && (
          <>
            {text('purity', 'Purity for log2 ratios (optional, 0-1; default: the sample\'s)', purity, setPurity, { inputMode: 'decimal', placeholder: 'e.g. 0.7' })}
            {text('ploidy', 'Ploidy (optional; default 2)', ploidy, setPloidy, { inputMode: 'decimal' })}
            {text('sample', 'Sample in a SEG / multi-sample VCF (optional)', wsSample, setWsSample)}
          </>
        )}
        <div>
          <label htmlFor={`${idp}-file`}>File</label>
          <input id={`${idp}-file`} type="file" accept={spec?.accept} onChange={(e) => setFile(e.target.files?.[0] ?? null)} required {...invalidProps(errors, 'file', `${idp}-file`)} />
          <FieldMessage errors={errors} field="file" id={`${idp}-file`} />
        </div>
      </div>
      {progress !== null && <progress max={1} value={progress} aria-label="Upload progress" />}
      <p role="status" aria-live="polite">
        {status}
      </p>
      <button type="submit" disabled={!file || progress !== null}>
        Upload
      </button>
    </form>
  );
}
