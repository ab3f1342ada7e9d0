/**
 * The web app's API client. The session is an HttpOnly cookie the page cannot read; the CSRF token from the login
 * (or GET /api/auth/session) is kept in memory and sent as X-CSRF-Token on every state-changing request.
 */
import type { AnalysisRecord, PatientDetail, PatientListItem, SessionInfo, StoredFileInfo, AuditEntry, UserInfo } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** Every field error the server listed (`errors: [{ field, message }]`), when it listed several. */
  readonly fields: Array<{ field: string | null; message: string }>;
  constructor(status: number, code: string, message: string, field?: string, fields: Array<{ field: string | null; message: string }> = []) {
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
  const b = (body !== null && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown; field?: unknown; errors?: unknown };
  const message = typeof b.message === 'string' ? b.message : `request failed (HTTP ${status})`;
  const fields = (Array.isArray(b.errors) ? (b.errors as unknown[]) : []).flatMap((e) => {
    const x = (e !== null && typeof e === 'object' ? e : {}) as { field?: unknown; message?: unknown };
    return typeof x.message === 'string' ? [{ field: typeof x.field === 'string' ? x.field : null, message: x.message }] : [];
  });
  return new ApiError(status, typeof b.error === 'string' ? b.error : 'error', message, typeof b.field === 'string' ? b.field : undefined, fields);
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
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
  createPatient: (body: { label: string; sex?: string; birthYear?: number; synthetic?: boolean }) => request<{ patient: { id: string } }>('POST', '/api/patients', body),
  patient: (id: string) => request<PatientDetail>('GET', `/api/patients/${encodeURIComponent(id)}`),
  addSample: (patientId: string, body: { label: string; type: string; site: string; collected: string }) => request<{ sample: { id: string } }>('POST', `/api/patients/${encodeURIComponent(patientId)}/samples`, body),
  enterPathology: (sampleId: string, body: unknown) => request<unknown>('PUT', `/api/samples/${encodeURIComponent(sampleId)}/pathology`, body),
  signPathology: (sampleId: string) => request<unknown>('POST', `/api/samples/${encodeURIComponent(sampleId)}/pathology/sign`),
  addTreatment: (patientId: string, body: { drug: string; start: string; end?: string; response?: string }) => request<unknown>('POST', `/api/patients/${encodeURIComponent(patientId)}/treatments`, body),
  addComment: (patientId: string, body: string) => request<unknown>('POST', `/api/patients/${encodeURIComponent(patientId)}/comments`, { body }),
  runAnalysis: (patientId: string) => request<{ analysis: AnalysisRecord }>('POST', `/api/patients/${encodeURIComponent(patientId)}/analyses`),
  analysis: (id: string) => request<{ analysis: AnalysisRecord }>('GET', `/api/analyses/${encodeURIComponent(id)}`),
  users: () => request<{ users: UserInfo[]; roles: string[] }>('GET', '/api/users'),
  createUser: (body: { username: string; role: string; password: string }) => request<unknown>('POST', '/api/users', body),
  setUserDisabled: (id: string, disabled: boolean) => request<unknown>('PATCH', `/api/users/${encodeURIComponent(id)}`, { disabled }),
  changePassword: (currentPassword: string, newPassword: string) => request<{ ok: boolean }>('POST', '/api/auth/password', { currentPassword, newPassword }),
  sessions: () => request<{ sessions: SessionEntry[] }>('GET', '/api/auth/sessions'),
  endSession: (id: string) => request<{ ok: boolean; current: boolean }>('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`),
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
}

/** The upload query string (empty values left out). */
export function uploadQuery(p: UploadParams): string {
  const q = new URLSearchParams({ kind: p.kind });
  if (p.tumor?.trim()) q.set('tumor', p.tumor.trim());
  if (p.normal?.trim()) q.set('normal', p.normal.trim());
  if (p.meanDepth?.trim()) q.set('meanDepth', p.meanDepth.trim());
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
