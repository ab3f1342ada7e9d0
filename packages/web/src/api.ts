/**
 * The web app's API client. The session is an HttpOnly cookie the page cannot read; the CSRF token from the login
 * (or GET /api/auth/session) is kept in memory and sent as X-CSRF-Token on every state-changing request.
 */
import type { AnalysisRecord, AnalysisResponse, AuditEntry, CohortComparison, CohortImport, CohortPrevalence, CohortStudyList, PatientDetail, PatientListItem, SessionInfo, StoredFileInfo, UserInfo } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** Every field error the server listed (`fields: [{ field, label, message }]`). */
  readonly fields: Array<{ field: string | null; message: string; label?: string }>;
  constructor(status: number, code: string, message: string, field?: string, fields: Array<{ field: string | null; message: string; label?: string }> = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.fields = fields;
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Turn a non-2xx response body into an ApiError with the server's message. */
export function errorFrom(status: number, body: unknown): ApiError {
  const b = (body !== null && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown; field?: unknown; fields?: unknown };
  const message = typeof b.message === 'string' ? b.message : `request failed (HTTP ${status})`;
  // Issue 17: `fields: [{ field, label, message }]`, every problem of a 400 by the key the client sent.
  const fields = (Array.isArray(b.fields) ? (b.fields as unknown[]) : []).flatMap((e) => {
    const x = (e !== null && typeof e === 'object' ? e : {}) as { field?: unknown; label?: unknown; message?: unknown };
    return typeof x.message === 'string' ? [{ field: typeof x.field === 'string' ? x.field : null, message: x.message, ...(typeof x.label === 'string' ? { label: x.label } : {}) }] : [];
  });
  return new ApiError(status, typeof b.error === 'string' ? b.error : 'error', message, typeof b.field === 'string' ? b.field : undefined, fields);
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return jsonOf<T>(res);
}

/** A response's JSON body, or an ApiError with the server's message (a body that is not JSON becomes the message). */
async function jsonOf<T>(res: Response): Promise<T> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { message: text.slice(0, 200) };
  }
  if (!res.ok) throw errorFrom(res.status, json);
  return json as T;
}

export interface SessionEntry {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export const api = {
  session: () => request<SessionInfo>('GET', '/api/auth/session'),
  login: (username: string, password: string) => request<SessionInfo>('POST', '/api/auth/login', { username, password }),
  logout: () => request<{ ok: boolean }>('POST', '/api/auth/logout'),
  patients: (q: string) => request<{ patients: PatientListItem[] }>('GET', `/api/patients${q ? `?q=${encodeURIComponent(q)}` : ''}`),
  createPatient: (body: { label: string; sex?: string; birthYear?: number; synthetic?: boolean; setting?: string }) => request<{ patient: { id: string } }>('POST', '/api/patients', body),
  patient: (id: string, includeEnteredInError = false) => request<PatientDetail>('GET', `/api/patients/${encodeURIComponent(id)}${includeEnteredInError ? '?includeEnteredInError=1' : ''}`),
  editPatient: (id: string, body: { label?: string; sex?: string | null; birthYear?: number | null; setting?: string | null; revision?: number }) => request<unknown>('PATCH', `/api/patients/${encodeURIComponent(id)}`, body),
  editSample: (id: string, body: { label?: string; type?: string; site?: string; collected?: string; purity?: number | null; tumorFraction?: number | null; revision?: number }) => request<unknown>('PATCH', `/api/samples/${encodeURIComponent(id)}`, body),
  editTreatment: (id: string, body: { drug?: string; start?: string; end?: string | null; response?: string | null; setting?: string | null; line?: number | null; revision?: number }) => request<unknown>('PATCH', `/api/treatments/${encodeURIComponent(id)}`, body),
  enteredInError: (kind: 'patient' | 'sample' | 'treatment' | 'file', id: string, reason: string) => request<unknown>('POST', `/api/${kind}s/${encodeURIComponent(id)}/entered-in-error`, { reason }),
  addSample: (patientId: string, body: { label: string; type: string; site?: string; collected: string; purity?: number; tumorFraction?: number }) => request<{ sample: { id: string } }>('POST', `/api/patients/${encodeURIComponent(patientId)}/samples`, body),
  enterPathology: (sampleId: string, body: unknown) => request<unknown>('PUT', `/api/samples/${encodeURIComponent(sampleId)}/pathology`, body),
  signPathology: (sampleId: string) => request<unknown>('POST', `/api/samples/${encodeURIComponent(sampleId)}/pathology/sign`),
  addTreatment: (patientId: string, body: { drug: string; start: string; end?: string; response?: string; setting?: string; line?: number }) => request<unknown>('POST', `/api/patients/${encodeURIComponent(patientId)}/treatments`, body),
  addComment: (patientId: string, body: string) => request<unknown>('POST', `/api/patients/${encodeURIComponent(patientId)}/comments`, { body }),
  runAnalysis: (patientId: string) => request<{ analysis: AnalysisRecord }>('POST', `/api/patients/${encodeURIComponent(patientId)}/analyses`),
  analysis: (id: string) => request<AnalysisResponse>('GET', `/api/analyses/${encodeURIComponent(id)}`),
  users: () => request<{ users: UserInfo[]; roles: string[] }>('GET', '/api/users'),
  createUser: (body: { username: string; role: string; password: string }) => request<unknown>('POST', '/api/users', body),
  setUserDisabled: (id: string, disabled: boolean) => request<unknown>('PATCH', `/api/users/${encodeURIComponent(id)}`, { disabled }),
  changePassword: (currentPassword: string, newPassword: string) => request<{ ok: boolean }>('POST', '/api/auth/password', { currentPassword, newPassword }),
  sessions: () => request<{ sessions: SessionEntry[] }>('GET', '/api/auth/sessions'),
  endSession: (id: string) => request<{ ok: boolean; current: boolean }>('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`),
  cohortStudies: () => request<CohortStudyList>('GET', '/api/cohort/studies'),
  audit: (before?: number) => request<{ entries: AuditEntry[] }>('GET', `/api/audit?limit=200${before ? `&before=${before}` : ''}`),
};

export function reportUrl(analysisId: string, format: string, download = false): string {
  return `/api/analyses/${encodeURIComponent(analysisId)}/reports/${encodeURIComponent(format)}${download ? '?download=1' : ''}`;
}

export interface UploadParams {
  kind: string;
  tumor?: string;
  normal?: string;
  meanDepth?: string;
  /** FlowJo workspace uploads: the sample group and the sample to use (optional); copy-number: the SEG / VCF sample. */
  group?: string;
  sample?: string;
  /** Copy-number uploads: purity (0-1) and ploidy for converting log2 ratios to copies (optional). */
  purity?: string;
  ploidy?: string;
}

/** The upload query string (empty values left out). */
export function uploadQuery(p: UploadParams): string {
  const q = new URLSearchParams({ kind: p.kind });
  if (p.tumor?.trim()) q.set('tumor', p.tumor.trim());
  if (p.normal?.trim()) q.set('normal', p.normal.trim());
  if (p.meanDepth?.trim()) q.set('meanDepth', p.meanDepth.trim());
  if (p.kind === 'flowjo-workspace') {
    if (p.group?.trim()) q.set('group', p.group.trim());
    if (p.sample?.trim()) q.set('sample', p.sample.trim());
  }
  if (p.kind === 'copy-number') {
    if (p.purity?.trim()) q.set('purity', p.purity.trim());
    if (p.ploidy?.trim()) q.set('ploidy', p.ploidy.trim());
    if (p.sample?.trim()) q.set('sample', p.sample.trim());
  }
  return q.toString();
}

/** Upload with progress (fetch has no upload progress; XMLHttpRequest does). */
export function uploadFile(sampleId: string, file: File, params: UploadParams, onProgress: (fraction: number) => void): Promise<StoredFileInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/samples/${encodeURIComponent(sampleId)}/files?${uploadQuery(params)}`);
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve((body as { file: StoredFileInfo }).file);
      else reject(errorFrom(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload failed (network error)'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

// ---- cohorts (issue 17) -------------------------------------------------------------------------------------------

// The answers' shapes are the contract's (`@her2scope/core/api` CohortStudy, CohortPrevalence, CohortComparison,
// CohortImport: the zod schemas the cohort routes declare).

export function cohortQuery<K extends 'prevalence' | 'compare'>(kind: K, params: Record<string, string>): Promise<K extends 'prevalence' ? CohortPrevalence : CohortComparison> {
  return request('GET', `/api/cohort/${kind}?${new URLSearchParams(params).toString()}`);
}

/** An oncoprint or lollipop as an SVG blob (shown through an object URL); an error answer becomes an ApiError. */
export async function cohortSvg(kind: 'oncoprint' | 'lollipop', params: Record<string, string>): Promise<Blob> {
  const res = await fetch(`/api/cohort/${kind}?${new URLSearchParams({ ...params, format: 'svg' }).toString()}`, { credentials: 'same-origin' });
  if (res.ok && (res.headers.get('content-type') ?? '').startsWith('image/svg+xml')) return res.blob();
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  throw errorFrom(res.status, json);
}

/** Upload a study folder: one part per file, named by its path in the folder (as a folder picker gives it). */
export async function importStudy(files: File[]): Promise<CohortImport> {
  const form = new FormData();
  for (const f of files) form.append('file', f, f.webkitRelativePath || f.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch('/api/cohort/studies', { method: 'POST', headers, body: form, credentials: 'same-origin' });
  return jsonOf<CohortImport>(res);
}
