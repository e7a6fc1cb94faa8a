// The YouTube provider's one way to call Google: fetch with a timeout (combined with the activity's signal), Bearer
// tokens in the header only (never in messages), Google's error bodies (§3.10) mapped to errors:
//   401                                  -> auth
//   403 quotaExceeded                    -> rate_limited until the Pacific midnight the quota resets at
//   403/429 rateLimitExceeded, 429       -> rate_limited (a minute)
//   400 uploadLimitExceeded              -> rate_limited (the channel's 24 h upload cap; look again in an hour)
//   other 4xx                            -> permanent, code = Google's reason
//   5xx, network, timeout                -> transient (the upload session's final chunk decides ambiguity itself)
// The token and revoke endpoints answer OAuth-style bodies: those failures become OAuthError. The session PUTs of
// a resumable upload go through `put` (a stream body; 308 is an answer, not a redirect).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OAuthError, PublishError } from '../provider.js';
import { describeNetworkFailure, sendOAuthForm } from '../shared/http-failure.js';
import { PACIFIC_TIME, zonedDay } from '../shared/zoned-day.js';
import type { ResolvedYoutubeOptions } from './options.js';

export interface GoogleCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the API host, e.g. `/youtube/v3/videos?...`. */
  path: string;
  token: string;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  what: string;
}

export interface PutAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export function googleReason(body: unknown): { reason?: string; message?: string } {
  const e = (body as { error?: { message?: unknown; errors?: { reason?: unknown }[] } } | undefined)?.error;
  if (!e || typeof e !== 'object') return {};
  const reason = e.errors?.[0]?.reason;
  return { ...(typeof reason === 'string' ? { reason } : {}), ...(typeof e.message === 'string' ? { message: e.message.replace(/<[^>]+>/g, '') } : {}) };
}

/** The error a failed Google API answer stands for. */
export function googleError(status: number, body: unknown, what: string, now = Date.now()): PublishError {
  const { reason, message: detail } = googleReason(body);
  const message = `${what} answered ${status}${reason ? ` ${reason}` : ''}${detail ? `: ${detail}` : ''}`;
  if (status === 401) return new PublishError('auth', reason ?? 'unauthorized', message);
  if (reason === 'quotaExceeded') {
    const resetAt = zonedDay(PACIFIC_TIME, now).end;
    return new PublishError('rate_limited', 'quotaExceeded', `YouTube's daily API quota for Herald's project is used up (${message}); it resets at midnight Pacific Time, ${new Date(resetAt).toISOString()}`, Math.max(1000, resetAt - now));
  }
  if (status === 429 || reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded') return new PublishError('rate_limited', reason ?? 'rate_limited', message, 60_000);
  if (reason === 'uploadLimitExceeded') return new PublishError('rate_limited', reason, `${message} (the channel's upload limit for 24 hours)`, 3600_000);
  if (status >= 500) return new PublishError('transient', `http_${status}`, message);
  return new PublishError('permanent', reason ?? `http_${status}`, message);
}

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= 1024 * 1024) chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const parse = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

export class YoutubeHttp {
  constructor(private readonly o: ResolvedYoutubeOptions) {}

  private signal(signal: AbortSignal | undefined, timeoutMs = this.o.requestTimeoutMs): AbortSignal {
    const timeout = AbortSignal.timeout(timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  /** A Data API call; answers the parsed body and the response headers. */
  async call<T>(c: GoogleCall): Promise<{ body: T; headers: Headers }> {
    let res: Response;
    try {
      res = await fetch(`${this.o.apiBaseUrl}${c.path}`, {
        method: c.method,
        headers: {
          authorization: `Bearer ${c.token}`,
          ...(c.json !== undefined ? { 'content-type': 'application/json; charset=UTF-8' } : c.contentType ? { 'content-type': c.contentType } : {}),
          ...c.headers,
        },
        ...(c.json !== undefined ? { body: JSON.stringify(c.json) } : c.body ? { body: c.body } : {}),
        redirect: 'manual',
        signal: this.signal(c.signal),
      });
    } catch (err) {
      const f = describeNetworkFailure(err);
      throw new PublishError('transient', f.code, `${c.what}: ${f.message}`);
    }
    const body = parse(await res.text().catch(() => ''));
    if (res.ok) return { body: (body ?? {}) as T, headers: res.headers };
    throw googleError(res.status, body, c.what);
  }

  async api<T>(c: GoogleCall): Promise<T> {
    return (await this.call<T>(c)).body;
  }

  /**
   * One PUT to a resumable session URI (a capability: it never appears in messages). Network failures throw a
   * transient PublishError marked `sent` unless the request provably never left.
   */
  async put(sessionUri: string, body: Readable | undefined, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<PutAnswer> {
    const url = new URL(sessionUri);
    const combined = this.signal(signal, body ? this.o.chunkTimeoutMs : this.o.requestTimeoutMs);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = send(url, { method: 'PUT', headers, signal: combined }, resolve);
        req.on('error', reject);
        if (body) pipeline(body, req).catch(reject);
        else req.end();
      });
      const text = await readText(res);
      return { status: res.statusCode ?? 0, headers: res.headers, body: parse(text) };
    } catch (err) {
      const f = combined.aborted && (combined.reason as { name?: string } | undefined)?.name === 'TimeoutError'
        ? { code: 'timeout', message: 'request timed out', notSent: false }
        : describeNetworkFailure(err);
      throw Object.assign(new PublishError('transient', f.code, `upload session PUT: ${f.message}`), { notSent: f.notSent });
    } finally {
      body?.destroy();
    }
  }

  /** The token and revoke endpoints: form body with the client's id and secret (§3.2-3.4). */
  async oauth(path: string, form: Record<string, string>, what: string): Promise<Record<string, unknown>> {
    const { res, body } = await sendOAuthForm(`${this.o.tokenBaseUrl}${path}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, ...(path === '/token' ? { client_id: this.o.clientId, client_secret: this.o.clientSecret } : {}) }),
      signal: AbortSignal.timeout(this.o.requestTimeoutMs),
    }, what);
    if (res.ok) return body;
    const code = typeof body.error === 'string' ? body.error : `http_${res.status}`;
    const message = `${what} answered ${res.status} ${code}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`;
    if (res.status === 429 || res.status >= 500) throw new OAuthError('transient', code, message);
    // §3.3: revoked, unused for 6 months, or an app in Testing status whose refresh tokens expire after 7 days.
    if (code === 'invalid_grant') {
      throw new OAuthError('invalid_grant', code, `${message} (Google refuses the refresh token: access was revoked, the token went unused for 6 months, or the Google Cloud app is in Testing status, whose refresh tokens expire after 7 days)`);
    }
    throw new OAuthError('permanent', code, message);
  }
}
