// The dashboard's only way to the server: Herald's public HTTP API, authenticated by the session cookie. Unsafe
// methods carry the session's CSRF token (held in memory only: a reload asks GET /api/session for it again). Error
// answers keep the API's shape, so a screen can show each issue next to the field it names.

export interface ApiIssue {
  field: string;
  rule: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }

  /** The issue naming this field (exactly, or a field under it), for showing next to an input. */
  issueFor(field: string): ApiIssue | undefined {
    return this.issues.find((i) => i.field === field || i.field.startsWith(`${field}.`));
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the session ended under the user's feet (expired, revoked key): the app goes back to sign-in. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** Sent as Idempotency-Key: a retry of the same request (after a lost answer) is answered, not done twice. */
  idempotencyKey?: string;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  return url.pathname + url.search;
}

function headersFor(method: string, json: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (json) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  return headers;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = undefined;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's page, say): the status alone says what happened.
  }
  const error = (body as { error?: { code?: string; message?: string; details?: ApiIssue[] } } | undefined)?.error;
  const apiError = new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText, error?.details ?? []);
  if (res.status === 401 && onUnauthorized) onUnauthorized();
  return apiError;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const json = options.body !== undefined;
  const res = await fetch(apiUrl(path, options.query), {
    method,
    credentials: 'same-origin',
    headers: { ...headersFor(method, json), ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}) },
    ...(json ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/**
 * A multipart upload with progress (fetch cannot report upload progress; XMLHttpRequest can). Resolves with the
 * parsed JSON answer.
 */
export function upload<T>(path: string, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path));
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': 'application/json' } });
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as T);
      else void toApiError(res).then(reject);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload could not reach Herald'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
