// Keeps a bounded log of every platform request the sandbox served, for tests and the demo to inspect through
// GET /__sandbox/requests. Entries are appended when a request arrives and completed in place when its response
// ends (or its connection is torn down), so a client that has just seen an answer always finds its request here.
// Upload bodies are never kept: binary bodies are recorded as `{ bytes: n }` (counted while streaming by the frame).
// Secrets are not kept either: credentials in headers and in form/JSON bodies are replaced by `[present]`.
import { matchesPathPattern } from './path-pattern.js';

export interface RecordedRequest {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  platform: string;
  headers: Record<string, string | string[]>;
  /** Parsed JSON/form body (credentials masked), `{ bytes: n }` for binary bodies, undefined when there was none. */
  body?: unknown;
  /** Status the client received; null while in flight or when the connection was reset instead of answered. */
  status: number | null;
  /** `answered`, `reset` (socket destroyed by a fault) or `aborted` (the client went away first). */
  outcome: 'in_flight' | 'answered' | 'reset' | 'aborted';
  /** Ids of the fault rules that fired on this request. */
  faults: string[];
  durationMs: number | null;
}

export interface RequestFilter {
  platform?: string;
  /** Exact path, or a prefix ending in `*`. */
  path?: string;
  method?: string;
}

const MASK = '[present]';
const secretHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);
const secretBodyKeys = new Set([
  'access_token', 'refresh_token', 'token', 'code', 'code_verifier', 'client_secret', 'password', 'secret',
]);

export function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = secretHeaders.has(name.toLowerCase()) ? MASK : value;
  }
  return out;
}

export function maskBody(body: unknown, depth = 0): unknown {
  if (depth > 6 || body === null || typeof body !== 'object') return body;
  if (Array.isArray(body)) return body.map((v) => maskBody(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    out[k] = secretBodyKeys.has(k.toLowerCase()) && v !== undefined && v !== '' ? MASK : maskBody(v, depth + 1);
  }
  return out;
}

export class RequestRecorder {
  private entries: RecordedRequest[] = [];
  private seq = 0;
  private readonly started = new WeakMap<RecordedRequest, number>();

  /** @param capacity oldest entries are dropped beyond this many, so a long demo cannot exhaust memory. */
  constructor(private readonly capacity = 10_000) {}

  begin(r: { method: string; url: string; platform: string; headers: Record<string, string | string[] | undefined> }): RecordedRequest {
    const entry: RecordedRequest = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      method: r.method,
      url: r.url,
      path: r.url.split('?')[0] ?? r.url,
      platform: r.platform,
      headers: maskHeaders(r.headers),
      status: null,
      outcome: 'in_flight',
      faults: [],
      durationMs: null,
    };
    this.started.set(entry, performance.now());
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  setBody(entry: RecordedRequest, body: unknown): void {
    entry.body = maskBody(body);
  }

  /** Completes an entry once; later calls (e.g. `close` after `finish`) are ignored. */
  finish(entry: RecordedRequest, outcome: Exclude<RecordedRequest['outcome'], 'in_flight'>, status: number | null): void {
    if (entry.outcome !== 'in_flight') return;
    entry.outcome = outcome;
    entry.status = status;
    const t0 = this.started.get(entry);
    entry.durationMs = t0 === undefined ? null : Math.round(performance.now() - t0);
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries.filter((e) =>
      (!filter.platform || e.platform === filter.platform)
      && (!filter.method || e.method === filter.method.toUpperCase())
      && (!filter.path || matchesPathPattern(filter.path, e.path)));
  }

  clear(): void {
    this.entries = [];
  }
}
