// The Bluesky provider's one way to call XRPC (§5): fetch with a timeout (combined with the activity's signal), the
// JWT in the Authorization header only (never in messages), and the `{ error, message }` answers mapped to errors:
//   400 ExpiredToken / InvalidToken, 401   -> auth (the account lifecycle refreshes the session)
//   429                                    -> rate_limited, waiting until the reset header (epoch seconds)
//   other 4xx                              -> permanent, code = the XRPC error name (InvalidRequest, ...)
//   5xx, network, timeout                  -> transient, or ambiguous on a commit call (unless never sent)
import { PublishError } from '../provider.js';
import { sendPlatformCall } from '../shared/http-failure.js';
import type { ResolvedBlueskyOptions } from './options.js';

export interface XrpcCall {
  method: 'GET' | 'POST';
  nsid: string;
  token?: string;
  query?: Record<string, string | string[]>;
  json?: unknown;
  bytes?: { data: Buffer; contentType: string };
  commit?: boolean;
  signal?: AbortSignal;
  what: string;
}

/** An XRPC error answer, kept whole so session calls can classify it themselves. */
export class XrpcError extends PublishError {
  constructor(
    kind: ConstructorParameters<typeof PublishError>[0], readonly status: number, readonly error: string, message: string,
    /** The service's own `message`, bounded: what a user may be shown (e.g. "Invalid identifier or password"). */
    readonly detail: string | undefined,
    retryAfterMs?: number,
  ) {
    super(kind, error, message, retryAfterMs);
  }
}

const AUTH_ERRORS = new Set(['ExpiredToken', 'InvalidToken']);

export class BlueskyHttp {
  constructor(private readonly o: ResolvedBlueskyOptions) {}

  private signal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.o.requestTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  private resetWaitMs(headers: Headers, now = Date.now()): number | undefined {
    const reset = Number(headers.get(this.o.rateLimitResetHeader) ?? Number.NaN);
    return Number.isFinite(reset) ? Math.max(1000, reset * 1000 - now) : undefined;
  }

  async xrpc<T>(c: XrpcCall): Promise<T> {
    const url = new URL(`${this.o.serviceUrl}/xrpc/${c.nsid}`);
    for (const [k, v] of Object.entries(c.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
    const headers: Record<string, string> = {
      ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
      ...(c.json !== undefined ? { 'content-type': 'application/json' } : c.bytes ? { 'content-type': c.bytes.contentType } : {}),
    };
    const { res, body } = await sendPlatformCall(url.toString(), {
      method: c.method, headers,
      ...(c.json !== undefined ? { body: JSON.stringify(c.json) } : c.bytes ? { body: c.bytes.data } : {}),
      signal: this.signal(c.signal),
    }, c);
    if (res.ok) return (body ?? {}) as T;
    const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown };
    const error = typeof b.error === 'string' && b.error !== '' ? b.error : `http_${res.status}`;
    // Platform text goes into messages bounded and on one line.
    const detail = typeof b.message === 'string' ? b.message.replace(/\s+/g, ' ').slice(0, 300) : undefined;
    const message = `${c.what} answered ${res.status} ${error}${detail ? `: ${detail}` : ''}`;
    if (res.status === 401 || (res.status === 400 && AUTH_ERRORS.has(error))) throw new XrpcError('auth', res.status, error, message, detail);
    if (res.status === 429) throw new XrpcError('rate_limited', res.status, error, message, detail, this.resetWaitMs(res.headers) ?? this.o.rateLimitWaitMs);
    if (res.status >= 500) throw new XrpcError(c.commit ? 'ambiguous' : 'transient', res.status, error, message, detail);
    throw new XrpcError('permanent', res.status, error, message, detail);
  }
}
