// The Instagram provider's one way to call the Graph API. The token goes in `Authorization: Bearer` (never a URL),
// parameters as a form body (POST/DELETE) or query (GET). Failures become PublishError/OAuthError (errors.ts).
import { OAuthError, PublishError } from '../provider.js';
import { graphErrorOf, oauthErrorFrom, publishErrorFrom, type GraphErrorBody, type Waits } from './errors.js';

export interface GraphCall {
  method?: 'GET' | 'POST' | 'DELETE';
  token?: string;
  params?: Record<string, string>;
  /** The irreversible call: a lost or server-side-failed answer is ambiguous, not transient. */
  commit?: boolean;
  /** Names the call in error messages. */
  what: string;
  signal?: AbortSignal;
}

type Answer = { status: number; body: unknown; usage: string | null; appUsage: string | null };

/** Meta's usage headers (§2.3), raw: `X-App-Usage` and `X-Business-Use-Case-Usage`. */
export interface UsageHeaders {
  app: string | null;
  business: string | null;
}

/** A read whose caller needs the usage headers, and on failure the Graph error itself (insights branch on its code). */
export type GraphRead<T> =
  | { ok: true; body: T; usage: UsageHeaders }
  | { ok: false; error: PublishError; graph: GraphErrorBody | undefined; usage: UsageHeaders };

export class MetaGraph {
  constructor(private readonly baseUrl: string, private readonly version: string, private readonly waits: Waits, private readonly timeoutMs: number) {}

  url(path: string): string {
    // An empty version reaches unversioned routes (Threads' token endpoints live outside /v1.0).
    const rel = path.startsWith('/') ? path : `/${path}`;
    return this.version ? `${this.baseUrl}/${this.version}${rel}` : `${this.baseUrl}${rel}`;
  }

  private async send(path: string, c: GraphCall): Promise<Answer | { error: unknown; sent: boolean }> {
    const method = c.method ?? 'GET';
    const url = new URL(this.url(path));
    const headers: Record<string, string> = {};
    if (c.token) headers.authorization = `Bearer ${c.token}`;
    let body: string | undefined;
    if (method === 'GET') {
      for (const [k, v] of Object.entries(c.params ?? {})) url.searchParams.set(k, v);
    } else if (c.params) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(c.params).toString();
    }
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(c.signal ? [c.signal] : [])];
    try {
      const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.any(signals) });
      const text = await res.text();
      let parsed: unknown;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
      return { status: res.status, body: parsed, usage: res.headers.get('x-business-use-case-usage'), appUsage: res.headers.get('x-app-usage') };
    } catch (error) {
      // Connection refused: the request provably never left.
      const sent = !(error instanceof Error && /ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? '')));
      return { error, sent };
    }
  }

  /** A publishing-side call; throws PublishError. */
  async call<T>(path: string, c: GraphCall): Promise<T> {
    const a = await this.send(path, c);
    if ('error' in a) {
      const kind = c.commit && a.sent ? 'ambiguous' : 'transient';
      throw new PublishError(kind, 'network_error', `${c.what} failed: ${a.error instanceof Error ? a.error.message : 'network error'}`);
    }
    if (a.status >= 200 && a.status < 300 && a.body !== undefined && !(a.body as { error?: unknown }).error) return a.body as T;
    throw publishErrorFrom(a.status, a.body, a.usage, c.commit ?? false, c.what, this.waits);
  }

  /** A read-only call answering the usage headers too; only a network failure throws (transient PublishError). */
  async read<T>(path: string, c: Omit<GraphCall, 'method' | 'commit'>): Promise<GraphRead<T>> {
    const a = await this.send(path, c);
    if ('error' in a) throw new PublishError('transient', 'network_error', `${c.what} failed: ${a.error instanceof Error ? a.error.message : 'network error'}`);
    const usage = { app: a.appUsage, business: a.usage };
    if (a.status >= 200 && a.status < 300 && a.body !== undefined && !(a.body as { error?: unknown }).error) return { ok: true, body: a.body as T, usage };
    return { ok: false, error: publishErrorFrom(a.status, a.body, a.usage, false, c.what, this.waits), graph: graphErrorOf(a.body), usage };
  }

  /** A login-side call; throws OAuthError. */
  async oauthCall<T>(path: string, c: GraphCall): Promise<T> {
    const a = await this.send(path, c);
    if ('error' in a) throw new OAuthError('transient', 'network_error', `${c.what} failed: ${a.error instanceof Error ? a.error.message : 'network error'}`);
    if (a.status >= 200 && a.status < 300 && a.body !== undefined && !(a.body as { error?: unknown }).error) return a.body as T;
    throw oauthErrorFrom(a.status, a.body, c.what);
  }
}
