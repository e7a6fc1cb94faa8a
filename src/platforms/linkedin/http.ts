// The LinkedIn provider's one way to call LinkedIn, and the mapping of its answers to Herald's error kinds (§2.0):
// every /rest call carries `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`; errors answer
// `{ message, serviceErrorCode?, code?, status }` (§2.0.1):
//   401                        -> auth (expired, revoked or invalid token)
//   426 (NONEXISTENT_VERSION)  -> permanent `linkedin_version_inactive`: an operator must set LINKEDIN_VERSION to an
//                                 active version; retrying the same call can never succeed
//   429                        -> rate_limited after `rateLimitWaitMs` (LinkedIn sends no Retry-After, §2.0.2)
//   5xx, network, timeout      -> transient, or ambiguous on the commit call unless it provably never left
//   other 4xx                  -> permanent with LinkedIn's message
// OAuth token calls map to OAuthError. Tokens travel in headers and form bodies only; messages name paths, never
// upload URLs (capabilities).
import type { Readable } from 'node:stream';
import { OAuthError, PublishError, type PublishErrorKind } from '../provider.js';
import { describeNetworkFailure } from '../shared/http-failure.js';
import type { ResolvedLinkedinOptions } from './options.js';

/** A PublishError that remembers the HTTP status, for callers that branch on it. */
export class LinkedinHttpError extends PublishError {
  constructor(kind: PublishErrorKind, code: string, message: string, readonly status: number | undefined, retryAfterMs?: number) {
    super(kind, code, message, retryAfterMs);
  }
}

export interface LinkedinAnswer<T> { status: number; body: T; headers: Headers }

export interface RestCall {
  method?: 'GET' | 'POST' | 'DELETE';
  token: string;
  query?: Record<string, string>;
  json?: unknown;
  /** The irreversible call: failures after the request may have reached LinkedIn are `ambiguous`. */
  commit?: boolean;
  signal?: AbortSignal | undefined;
  what: string;
}

function errorText(body: unknown): { code?: string; message?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as { code?: unknown; message?: unknown; serviceErrorCode?: unknown };
  const code = typeof b.code === 'string' ? b.code : typeof b.serviceErrorCode === 'number' ? String(b.serviceErrorCode) : undefined;
  return { ...(code ? { code } : {}), ...(typeof b.message === 'string' ? { message: b.message.trim() } : {}) };
}

export class LinkedinHttp {
  constructor(readonly options: ResolvedLinkedinOptions) {}

  /** The failure an answer means, or undefined on success. */
  failure(status: number, body: unknown, what: string, commit: boolean): LinkedinHttpError | undefined {
    if (status < 400) return undefined;
    const { code, message } = errorText(body);
    const text = `LinkedIn ${what} answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
    if (status === 401) return new LinkedinHttpError('auth', code ?? 'invalid_token', text, status);
    if (status === 426) {
      return new LinkedinHttpError('permanent', 'linkedin_version_inactive',
        `LinkedIn no longer serves API version ${this.options.version} (${message ?? 'NONEXISTENT_VERSION'}): an operator must set LINKEDIN_VERSION to an active YYYYMM version`, status);
    }
    if (status === 429) return new LinkedinHttpError('rate_limited', 'rate_limited', text, status, this.options.rateLimitWaitMs);
    if (status >= 500) return new LinkedinHttpError(commit ? 'ambiguous' : 'transient', code ?? `http_${status}`, text, status);
    return new LinkedinHttpError('permanent', code ?? `http_${status}`, text, status);
  }

  private async send(url: string, init: RequestInit, what: string, commit: boolean, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await fetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (err) {
      const f = describeNetworkFailure(err);
      throw new LinkedinHttpError(commit && !f.notSent ? 'ambiguous' : 'transient', f.code, `LinkedIn ${what} failed: ${f.message}`, undefined);
    }
  }

  /** A versioned (/rest/...) or unversioned (/v2/...) API call; the body is parsed when there is one. */
  async rest<T>(path: string, c: RestCall): Promise<LinkedinAnswer<T>> {
    const url = new URL(`${this.options.apiBaseUrl}${path}`);
    for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, v);
    // Rest.li reads List(...) and URNs in the query literally: keep `(`, `)`, `,` and `:` unencoded there.
    const href = url.toString().replace(/%28/g, '(').replace(/%29/g, ')').replace(/%2C/g, ',');
    const res = await this.send(href, {
      method: c.method ?? 'GET',
      headers: {
        authorization: `Bearer ${c.token}`,
        'linkedin-version': this.options.version,
        'x-restli-protocol-version': '2.0.0',
        ...(c.json !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(c.json !== undefined ? { body: JSON.stringify(c.json) } : {}),
    }, c.what, c.commit ?? false, this.options.requestTimeoutMs, c.signal);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const f = describeNetworkFailure(err);
      throw new LinkedinHttpError(c.commit ? 'ambiguous' : 'transient', f.code, `LinkedIn ${c.what} failed reading the answer: ${f.message}`, res.status);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
      if (res.status < 400) throw new LinkedinHttpError(c.commit ? 'ambiguous' : 'transient', 'invalid_response', `LinkedIn ${c.what} answered ${res.status} with a body that is not JSON`, res.status);
    }
    const failed = this.failure(res.status, body, c.what, c.commit ?? false);
    if (failed) throw failed;
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** PUTs upload bytes to an upload URL (a capability: never in messages); answers the response's ETag. */
  async put(uploadUrl: string, body: Readable, length: number, what: string, token: string, signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.send(uploadUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(length) },
      body: body as unknown as ReadableStream, duplex: 'half',
    } as RequestInit, what, false, this.options.partTimeoutMs, signal);
    const text = await res.text().catch(() => '');
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    const failed = this.failure(res.status, parsed, what, false);
    if (failed) throw failed;
    return res.headers.get('etag') ?? undefined;
  }

  /** A form POST to the OAuth host (accessToken, revoke); errors become OAuthErrors. */
  async oauth<T>(path: string, form: Record<string, string>, what: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.options.authBaseUrl}${path}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, client_id: this.options.clientId, client_secret: this.options.clientSecret }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
    } catch (err) {
      const f = describeNetworkFailure(err);
      throw new OAuthError('transient', f.code, `LinkedIn ${what} failed: ${f.message}`);
    }
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try { body = text ? JSON.parse(text) : {}; } catch { /* not JSON: judged by status below */ }
    if (res.ok) return body as T;
    const error = typeof body.error === 'string' ? body.error : `http_${res.status}`;
    const message = `LinkedIn ${what} answered ${res.status} ${error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`;
    if (res.status >= 500 || res.status === 429) throw new OAuthError('transient', error, message);
    // §2.3: an invalid, expired or revoked refresh token (or code) answers invalid_grant / invalid_request.
    if (error === 'invalid_grant' || (what === 'token refresh' && error === 'invalid_request')) throw new OAuthError('invalid_grant', error, message);
    throw new OAuthError('permanent', error, message);
  }
}
