// The X provider's one way to call X: fetch with a timeout (combined with the activity's signal), Bearer tokens in
// the header only (never in messages), and X's answers mapped to errors (§1.0.3, §1.0.4):
//   401                      -> auth
//   429                      -> rate_limited, waiting until x-rate-limit-reset (usage-capped: the same, code usage_capped)
//   403 duplicate content    -> permanent `duplicate_content` (the create step decides what it means)
//   other 4xx                -> permanent, code from the problem `type` (or `http_<status>`)
//   5xx, network, timeout    -> transient, or ambiguous on the commit call (unless the connection was never made)
// The token and revoke endpoints answer OAuth-style bodies: those failures become OAuthError.
import { OAuthError, PublishError } from '../provider.js';
import { sendOAuthForm, sendPlatformCall } from '../shared/http-failure.js';
import type { ResolvedXOptions } from './options.js';

export interface XCall {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  token: string;
  json?: unknown;
  form?: FormData;
  commit?: boolean;
  signal?: AbortSignal;
  what: string;
}

const DUPLICATE = /duplicate content/i;

function problemOf(body: unknown): { type?: string; detail?: string; title?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const legacy = Array.isArray(b.errors) ? (b.errors[0] as { message?: unknown } | undefined)?.message : undefined;
  return {
    ...(typeof b.type === 'string' ? { type: b.type } : {}),
    ...(typeof b.detail === 'string' ? { detail: b.detail } : typeof legacy === 'string' ? { detail: legacy } : {}),
    ...(typeof b.title === 'string' ? { title: b.title } : {}),
  };
}

/** Milliseconds until `x-rate-limit-reset` (epoch seconds); undefined when absent. */
export function resetWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const reset = Number(headers.get('x-rate-limit-reset') ?? headers.get('x-user-limit-24hour-reset') ?? Number.NaN);
  return Number.isFinite(reset) ? Math.max(1000, reset * 1000 - now) : undefined;
}

export class XHttp {
  constructor(private readonly o: ResolvedXOptions) {}

  private signal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.o.requestTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  async api<T>(c: XCall): Promise<T> {
    const { res, body } = await sendPlatformCall(`${this.o.apiBaseUrl}${c.path}`, {
      method: c.method,
      headers: { authorization: `Bearer ${c.token}`, ...(c.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(c.json !== undefined ? { body: JSON.stringify(c.json) } : c.form ? { body: c.form } : {}),
      signal: this.signal(c.signal),
    }, c);
    if (res.ok) return (body ?? {}) as T;
    const p = problemOf(body);
    const message = `${c.what} answered ${res.status}${p.detail ? `: ${p.detail}` : p.title ? `: ${p.title}` : ''}`;
    if (res.status === 401) throw new PublishError('auth', 'unauthorized', message);
    if (res.status === 429) {
      const capped = p.type?.endsWith('/usage-capped') ?? false;
      const wait = resetWaitMs(res.headers) ?? this.o.rateLimitWaitMs;
      if (capped) {
        throw new PublishError('rate_limited', 'usage_capped', message, wait,
          `X reports the plan's post cap reached (${p.detail ?? 'usage capped'}); posts wait and are tried again until it resets`);
      }
      throw new PublishError('rate_limited', 'rate_limit_exceeded', message, wait);
    }
    if (res.status >= 500) throw new PublishError(c.commit ? 'ambiguous' : 'transient', `http_${res.status}`, message);
    if (res.status === 403 && DUPLICATE.test(p.detail ?? '')) throw new PublishError('permanent', 'duplicate_content', message);
    const code = p.type && p.type !== 'about:blank' ? p.type.split('/').pop()! : `http_${res.status}`;
    throw new PublishError('permanent', code, message);
  }

  /** The token and revoke endpoints: form body, HTTP Basic client authentication (confidential client). */
  async oauth(path: string, form: Record<string, string>, what: string): Promise<Record<string, unknown>> {
    const { res, body } = await sendOAuthForm(`${this.o.apiBaseUrl}${path}`, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${this.o.clientId}:${this.o.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(this.o.requestTimeoutMs),
    }, what);
    if (res.ok) return body;
    const code = typeof body.error === 'string' ? body.error : `http_${res.status}`;
    const message = `${what} answered ${res.status} ${code}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`;
    if (res.status === 429) throw new OAuthError('transient', code, message, resetWaitMs(res.headers) ?? this.o.rateLimitWaitMs);
    if (res.status >= 500) throw new OAuthError('transient', code, message);
    // §1.3: a spent, revoked or unknown refresh token (or code) is `invalid_request` "Value passed ... was invalid".
    if (code === 'invalid_grant' || (code === 'invalid_request' && /was invalid/i.test(String(body.error_description)))) throw new OAuthError('invalid_grant', code, message);
    throw new OAuthError('permanent', code, message);
  }
}
