// The TikTok provider's one way to call TikTok, and the mapping of its answers to Herald's error kinds.
//
// Data APIs (§1.0) answer `{ data, error: { code, message, log_id } }`; only `error.code == "ok"` is success, even
// under HTTP 200 (creator_info reports spam-risk states with 200; url_ownership_unverified was seen with 200):
//   access_token_invalid                               -> auth
//   rate_limit_exceeded (429)                          -> rate_limited, Retry-After if ever sent, else `rateLimitWaitMs`
//   spam_risk_too_many_posts, spam_risk_too_many_pending_share, reached_active_user_cap
//                                                      -> rate_limited after `spamRiskWaitMs` (daily caps that lift)
//   internal_error, 5xx, network failure, timeout      -> transient on reads; ambiguous on the commit call (init),
//                                                         unless the request provably never left (connection refused)
//   any other code (scope_not_authorized, invalid_param(s), privacy_level_option_mismatch, url_ownership_unverified,
//   spam_risk_user_banned_from_posting, unaudited_client_..., ...) -> permanent, with TikTok's code and message
// OAuth endpoints (§1.2-1.5) answer flat `{ error, error_description, log_id }`, possibly with HTTP 200: see
// `oauthErrorFrom`. Upload PUTs (§1.12) answer by HTTP status only: see `put`.
// Tokens travel in headers and form bodies only; messages name the endpoint path, never a URL's query (the
// upload_url's query holds its upload_token).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OAuthError, PublishError, type Json, type PublishErrorKind } from '../provider.js';
import { parseTiktokJson } from './json.js';
import { describeNetworkFailure } from '../shared/http-failure.js';

/** A PublishError that remembers the HTTP status (when there was a response), for callers that branch on it. */
export class TiktokHttpError extends PublishError {
  constructor(kind: PublishErrorKind, code: string, message: string, readonly status: number | undefined, retryAfterMs?: number) {
    super(kind, code, message, retryAfterMs);
  }
}

export interface ErrorWaits {
  rateLimitWaitMs: number;
  spamRiskWaitMs: number;
}

/** Daily caps: not a verdict on the post, they lift with time. */
const SPAM_RISK_CAPS = new Set(['spam_risk_too_many_posts', 'spam_risk_too_many_pending_share', 'reached_active_user_cap']);

/** Retry-After as milliseconds (delta-seconds or HTTP date); undefined when absent (TikTok documents none). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function envelopeError(body: unknown): { code?: string; message?: string } {
  const e = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (!e || typeof e !== 'object') return {};
  const { code, message } = e as { code?: unknown; message?: unknown };
  return { ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' && message !== '' ? { message } : {}) };
}

/**
 * The failure a data-API answer means, or undefined when it is a success. `commit` marks the irreversible call,
 * whose server-side failures may have been applied before failing.
 */
export function dataApiFailure(
  status: number, body: unknown, retryAfter: string | null, commit: boolean, what: string, waits: ErrorWaits,
): TiktokHttpError | undefined {
  const { code, message } = envelopeError(body);
  if (code === 'ok' && status < 400) return undefined;
  const text = `${what} answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  const serverSide = (c: string) => new TiktokHttpError(commit ? 'ambiguous' : 'transient', c, text, status);
  if (code && code !== 'ok') {
    if (code === 'access_token_invalid') return new TiktokHttpError('auth', code, text, status);
    if (code === 'rate_limit_exceeded') return new TiktokHttpError('rate_limited', code, text, status, parseRetryAfter(retryAfter) ?? waits.rateLimitWaitMs);
    if (SPAM_RISK_CAPS.has(code)) return new TiktokHttpError('rate_limited', code, text, status, waits.spamRiskWaitMs);
    if (code === 'internal_error' || status >= 500) return serverSide(code);
    return new TiktokHttpError('permanent', code, text, status);
  }
  if (status === 401) return new TiktokHttpError('auth', 'access_token_invalid', text, status);
  if (status === 429) return new TiktokHttpError('rate_limited', 'rate_limit_exceeded', text, status, parseRetryAfter(retryAfter) ?? waits.rateLimitWaitMs);
  if (status >= 500) return serverSide(`http_${status}`);
  if (status >= 400) return new TiktokHttpError('permanent', `http_${status}`, text, status);
  // 2xx without an `error` object: not the documented envelope, so nothing proves success.
  return serverSide('invalid_response');
}

/**
 * The OAuthError a token/revoke answer means, or undefined when it carries no error. The body decides first:
 * TikTok may report OAuth errors with HTTP 200.
 */
export function oauthErrorFrom(status: number, body: unknown, retryAfter: string | null, what: string): OAuthError | undefined {
  const b = body && typeof body === 'object' ? body as { error?: unknown; error_description?: unknown } : {};
  const error = typeof b.error === 'string' && b.error !== '' ? b.error : undefined;
  const description = typeof b.error_description === 'string' ? b.error_description : '';
  const text = `${what} answered ${status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`;
  const wait = parseRetryAfter(retryAfter);
  if (error) {
    if (error === 'invalid_grant') return new OAuthError('invalid_grant', error, text);
    if (error === 'server_error' || error === 'temporarily_unavailable' || status >= 500 || status === 429) return new OAuthError('transient', error, text, wait);
    return new OAuthError('permanent', error, text);
  }
  if (status >= 500 || status === 429) return new OAuthError('transient', `http_${status}`, text, wait);
  if (status >= 400) return new OAuthError('permanent', `http_${status}`, text);
  return undefined;
}


export interface ApiCall {
  method: 'GET' | 'POST';
  /** Path under the API base URL, e.g. `/v2/post/publish/video/init/`. */
  path: string;
  token: string;
  json?: unknown;
  /** The irreversible call: failures after the request may have reached TikTok are `ambiguous`. */
  commit?: boolean;
  signal?: AbortSignal;
}

export interface PutResult {
  status: number;
  contentRange: string | null;
}

export class TiktokHttp {
  constructor(
    private readonly apiBaseUrl: string,
    private readonly waits: ErrorWaits,
    private readonly timeoutMs: number,
  ) {}

  private signal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
    const timeout = AbortSignal.timeout(timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  /** A data-API call; answers `data` (int64-safe) or throws a TiktokHttpError. */
  async api<T = Record<string, Json>>(c: ApiCall): Promise<T> {
    const what = `${c.method} ${c.path.split('?')[0]}`;
    const commit = c.commit ?? false;
    const headers: Record<string, string> = { authorization: `Bearer ${c.token}`, accept: 'application/json' };
    if (c.method === 'POST') headers['content-type'] = 'application/json; charset=UTF-8';
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.apiBaseUrl}${c.path}`, {
        method: c.method, headers, redirect: 'manual', signal: this.signal(c.signal, this.timeoutMs),
        ...(c.json !== undefined ? { body: JSON.stringify(c.json) } : {}),
      });
      text = await res.text();
    } catch (err) {
      const f = describeNetworkFailure(err);
      throw new TiktokHttpError(commit && !f.notSent ? 'ambiguous' : 'transient', f.code, `${what}: ${f.message}`, undefined);
    }
    let body: Json | undefined;
    try {
      body = text === '' ? undefined : parseTiktokJson(text);
    } catch {
      body = undefined;
    }
    const failure = dataApiFailure(res.status, body, res.headers.get('retry-after'), commit, what, this.waits);
    if (failure) throw failure;
    const data = (body as { data?: unknown }).data;
    return (data && typeof data === 'object' ? data : {}) as T;
  }

  /** An OAuth endpoint call (form body, flat answer); throws OAuthError. Answers the parsed body (or {} when empty). */
  async oauth(url: string, form: Record<string, string>, signal?: AbortSignal): Promise<Record<string, Json>> {
    const what = `POST ${new URL(url).pathname}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
        signal: this.signal(signal, this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const f = describeNetworkFailure(err);
      throw new OAuthError('transient', f.code, `${what}: ${f.message}`);
    }
    let body: Json | undefined;
    try {
      body = text === '' ? {} : parseTiktokJson(text);
    } catch {
      body = undefined;
    }
    const failure = oauthErrorFrom(res.status, body, res.headers.get('retry-after'), what);
    if (failure) throw failure;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new OAuthError('transient', 'invalid_response', `${what} answered ${res.status} with a body that is not a JSON object`);
    }
    return body;
  }

  /**
   * One chunk to an upload_url. Resolves on 206/201; any other answer throws a TiktokHttpError carrying the
   * status (403 expired, 404 unknown task, 416 out of step, 400 malformed) for the caller to act on.
   * Sent with node:http rather than fetch: the file stream is piped into the socket with plain backpressure,
   * where fetch would copy every block into a web stream (measurably more memory churn on gigabyte uploads).
   */
  async put(uploadUrl: string, body: Readable, headers: Record<string, string>, signal: AbortSignal | undefined, timeoutMs: number): Promise<PutResult> {
    const url = new URL(uploadUrl);
    const what = `PUT ${url.pathname}`;
    const combined = this.signal(signal, timeoutMs);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = send(url, { method: 'PUT', headers, signal: combined }, resolve);
        req.on('error', reject);
        // A server may answer (403, 416) before reading the whole body; the answer then wins over the broken pipe.
        pipeline(body, req).catch(reject);
      });
      const text = await readLimited(res, 64 * 1024);
      if (res.statusCode === 201 || res.statusCode === 206) {
        return { status: res.statusCode, contentRange: typeof res.headers['content-range'] === 'string' ? res.headers['content-range'] : null };
      }
      const status = res.statusCode ?? 0;
      let code = `http_${status}`;
      try {
        code = envelopeError(parseTiktokJson(text)).code ?? code;
      } catch {
        // the upload host's error bodies are undocumented
      }
      const message = `${what} answered ${status} (${code})`;
      const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null;
      if (status === 429) throw new TiktokHttpError('rate_limited', code, message, status, parseRetryAfter(retryAfter) ?? this.waits.rateLimitWaitMs);
      throw new TiktokHttpError(status >= 500 ? 'transient' : 'permanent', code, message, status);
    } catch (err) {
      if (err instanceof PublishError) throw err;
      const f = combined.aborted && (combined.reason as { name?: string } | undefined)?.name === 'TimeoutError'
        ? { code: 'timeout', message: 'request timed out' }
        : describeNetworkFailure(err);
      throw new TiktokHttpError('transient', f.code, `${what}: ${f.message}`, undefined);
    } finally {
      body.destroy();
    }
  }
}

/** The response body as text, at most `limit` bytes kept (error bodies are small; anything beyond is drained). */
async function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let kept = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (kept < limit) {
      parts.push(chunk.subarray(0, limit - kept));
      kept += Math.min(chunk.length, limit - kept);
    }
  }
  return Buffer.concat(parts).toString('utf8');
}
