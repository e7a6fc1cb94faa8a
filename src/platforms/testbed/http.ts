// The testbed provider's one way to call the platform: fetch with a timeout (combined with the activity's
// cancellation signal) and the mapping from HTTP outcomes to PublishError kinds:
//   401                    -> auth (access_token_invalid)
//   429                    -> rate_limited, retryAfterMs from Retry-After
//   other 4xx              -> permanent, with the platform's error code
//   5xx                    -> transient, or ambiguous on the commit call (it may have been applied before failing)
//   network error/timeout  -> transient, or ambiguous on the commit call (unless the connection was never made)
// Tokens go in the Authorization header only and never into error messages.
import type { Readable } from 'node:stream';
import { PublishError, type PublishErrorKind } from '../provider.js';
import { describeNetworkFailure } from '../shared/http-failure.js';

/** A PublishError that remembers the HTTP status (when there was a response), for callers that branch on it. */
export class TestbedHttpError extends PublishError {
  constructor(kind: PublishErrorKind, code: string, message: string, readonly status: number | undefined, retryAfterMs?: number) {
    super(kind, code, message, retryAfterMs);
  }
}

export interface TestbedCall {
  method: 'GET' | 'POST' | 'PUT';
  /** A path under the base URL (`/v1/me`) or an absolute URL (an upload_url). */
  path: string;
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  /** Streamed binary body; `headers` must then carry Content-Length and Content-Type. */
  stream?: Readable;
  headers?: Record<string, string>;
  /** The irreversible call: a failure after the request may have reached the platform is `ambiguous`. */
  commit?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface TestbedResponse<T> {
  status: number;
  body: T;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY_AFTER_MS = 30_000;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The platform's error code and message from either `{ error: { code, message } }` or OAuth's `{ error, error_description }`. */
export function platformError(body: unknown): { code?: string; message?: string } {
  if (!body || typeof body !== 'object') return {};
  const e = (body as { error?: unknown; error_description?: unknown }).error;
  if (typeof e === 'string') {
    const d = (body as { error_description?: unknown }).error_description;
    return { code: e, ...(typeof d === 'string' ? { message: d } : {}) };
  }
  if (e && typeof e === 'object') {
    const { code, message } = e as { code?: unknown; message?: unknown };
    return { ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) };
  }
  return {};
}

export function errorFromResponse(status: number, body: unknown, retryAfter: string | null, commit: boolean, what: string): TestbedHttpError {
  const { code, message } = platformError(body);
  const text = `${what} answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (status === 401) return new TestbedHttpError('auth', code ?? 'access_token_invalid', text, status);
  if (status === 429) {
    return new TestbedHttpError('rate_limited', code ?? 'rate_limit_exceeded', text, status, parseRetryAfter(retryAfter) ?? DEFAULT_RETRY_AFTER_MS);
  }
  if (status >= 500) return new TestbedHttpError(commit ? 'ambiguous' : 'transient', code ?? `http_${status}`, text, status);
  return new TestbedHttpError('permanent', code ?? `http_${status}`, text, status);
}


export class TestbedHttp {
  private readonly baseUrl: string;

  constructor(baseUrl: string, private readonly defaultTimeoutMs = DEFAULT_TIMEOUT_MS) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`;
  }

  async call<T>(c: TestbedCall): Promise<TestbedResponse<T>> {
    const url = this.url(c.path);
    const what = `${c.method} ${new URL(url).pathname}`;
    const timeout = AbortSignal.timeout(c.timeoutMs ?? this.defaultTimeoutMs);
    const signal = c.signal ? AbortSignal.any([c.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...c.headers };
    if (c.token) headers.authorization = `Bearer ${c.token}`;
    let body: RequestInit['body'];
    if (c.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(c.json);
    } else if (c.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(c.form).toString();
    } else if (c.stream) {
      // undici streams any async iterable of bytes; Content-Length from `headers` is sent as given.
      body = c.stream as unknown as ReadableStream<Uint8Array>;
    }
    const commit = c.commit ?? false;
    try {
      const res = await fetch(url, { method: c.method, headers, body, signal, redirect: 'manual', ...(c.stream ? { duplex: 'half' } : {}) } as RequestInit);
      const text = await res.text();
      let parsed: unknown = undefined;
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
      }
      if (!res.ok) throw errorFromResponse(res.status, parsed, res.headers.get('retry-after'), commit, what);
      if (text !== '' && parsed === undefined) {
        throw new TestbedHttpError(commit ? 'ambiguous' : 'transient', 'invalid_response', `${what} answered ${res.status} with a body that is not JSON`, res.status);
      }
      return { status: res.status, body: parsed as T };
    } catch (err) {
      if (err instanceof PublishError) throw err;
      const { code, message, notSent } = describeNetworkFailure(err);
      throw new TestbedHttpError(commit && !notSent ? 'ambiguous' : 'transient', code, `${what}: ${message}`, undefined);
    } finally {
      c.stream?.destroy();
    }
  }
}
