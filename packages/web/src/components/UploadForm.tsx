import { useState, type FormEvent } from 'react';
import { ApiError, uploadFile } from '../api.ts';
import { formatBytes } from '../format.ts';

const KINDS: Array<[string, string]> = [
  ['variants', 'Variants (annotated VCF / VCF.gz / MAF)'],
  ['regions', 'Sequenced regions (BED)'],
  ['cytometry', 'Cytometry (FCS or per-cell CSV/TSV)'],
  ['cytometry-panel', 'Cytometry panel (YAML)'],
  ['cytometry-control', 'Cytometry control (FMO / isotype)'],
  ['gates', 'Gating-ML gates (XML)'],
  ['flowjo-workspace', 'FlowJo 10 workspace (.wsp)'],
];

/** File upload with a progress bar (the server streams it to disk and checks it can be read). */
export function UploadForm({ sampleId, sampleLabel, onUploaded }: { sampleId: string; sampleLabel: string; onUploaded: () => Promise<void> }) {
  const [kind, setKind] = useState('variants');
  const [tumor, setTumor] = useState('');
  const [normal, setNormal] = useState('');
  const [meanDepth, setMeanDepth] = useState('');
  const [group, setGroup] = useState('');
  const [wsSample, setWsSample] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const idp = `up-${sampleId}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setStatus(`Uploading ${file.name}…`);
    setProgress(0);
    try {
      const stored = await uploadFile(sampleId, file, { kind, tumor, normal, meanDepth, group, sample: wsSample }, setProgress);
      setStatus(`Uploaded ${stored.originalName} (${formatBytes(stored.size)}).`);
      setFile(null);
      (e.target as HTMLFormElement).reset();
      await onUploaded();
    } catch (err) {
      setStatus(null);
      setError(err instanceof ApiError ? err.message : 'upload failed');
    } finally {
      setProgress(null);
    }
  }

  return (
    <form className="upload" onSubmit={submit} aria-label={`Upload a file for sample ${sampleLabel}`}>
      <div className="grid">
        <div>
          <label htmlFor={`${idp}-kind`}>File type</label>
          <select id={`${idp}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {kind === 'variants' && (
          <>
            <div>
              <label htmlFor={`${idp}-tumor`}>Tumour sample name (optional)</label>
              <input id={`${idp}-tumor`} value={tumor} onChange={(e) => setTumor(e.target.value)} />
            </div>
            <div>
              <label htmlFor={`${idp}-normal`}>Normal sample name (optional)</label>
              <input id={`${idp}-normal`} value={normal} onChange={(e) => setNormal(e.target.value)} />
            </div>
            <div>
              <label htmlFor={`${idp}-depth`}>Mean depth (optional)</label>
              <input id={`${idp}-depth`} inputMode="numeric" value={meanDepth} onChange={(e) => setMeanDepth(e.target.value)} />
            </div>
          </>
        )}
        {kind === 'flowjo-workspace' && (
          <>
            <div>
              <label htmlFor={`${idp}-group`}>Workspace group (optional)</label>
              <input id={`${idp}-group`} value={group} onChange={(e) => setGroup(e.target.value)} />
            </div>
            <div>
              <label htmlFor={`${idp}-sample`}>Workspace sample (optional; default: matched by the FCS file name)</label>
              <input id={`${idp}-sample`} value={wsSample} onChange={(e) => setWsSample(e.target.value)} />
            </div>
          </>
        )}
        <div>
          <label htmlFor={`${idp}-file`}>File</label>
          <input id={`${idp}-file`} type="file" accept={kind === 'flowjo-workspace' ? '.wsp' : undefined} onChange={(e) => setFile(e.target.files?.[0] ?? null)} required />
        </div>
      </div>
      {progress !== null && <progress max={1} value={progress} aria-label="Upload progress" />}
      <p role="status" aria-live="polite">
        {status}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={!file || progress !== null}>
        Upload
      </button>
    </form>
  );
}
