// State of the simulated X: login codes, grants (an access token and a single-use refresh token each, rotated on
// every refresh), posts, media uploads, public metrics overrides and the rate-limit windows. Ids are numeric
// strings of up to 19 digits, as X's snowflakes.
import { randomBytes } from 'node:crypto';
import type { ResolvedXSandboxOptions, XEndpoint } from './options.js';

export interface CodeGrant { redirectUri: string; scopes: string[]; challenge: string; method: 'S256' | 'plain'; expiresAt: number; used: boolean }
export interface Grant {
  id: string;
  userId: string;
  scopes: string[];
  accessToken: string;
  accessExpiresAt: number;
  /** The one refresh token that can still be spent (undefined without offline.access). */
  refreshToken?: string;
  /** How many refreshes succeeded; spent tokens are forgotten (a spent token is simply unknown). */
  refreshes: number;
  revoked: boolean;
}
export interface Post {
  id: string;
  authorId: string;
  text: string;
  mediaIds: string[];
  inReplyToId?: string;
  createdAt: number;
  deleted: boolean;
}
export type MediaState = 'uploading' | 'pending' | 'in_progress' | 'succeeded' | 'failed';
export interface Media {
  id: string;
  ownerId: string;
  mediaType: string;
  category: string;
  totalBytes: number;
  /** Bytes received per segment index (a re-sent segment replaces the earlier one). */
  segments: Map<number, number>;
  finalizedAt?: number;
  processingMs: number;
  failed: boolean;
  expiresAt: number;
}
export interface RateWindow { start: number; count: number }

let idSeq = 0;
export function newXId(): string {
  idSeq = (idSeq + 1) % 1000;
  return `19${String(Date.now()).slice(-13)}${String(idSeq).padStart(3, '0')}`;
}
const secret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

export class XStore {
  codes = new Map<string, CodeGrant>();
  grants = new Map<string, Grant>();
  posts = new Map<string, Post>();
  media = new Map<string, Media>();
  metrics = new Map<string, Partial<Record<string, number>>>();
  windows = new Map<string, RateWindow>();
  /** Post creations per user with their times (for the monthly cap). */
  postLog = new Map<string, number[]>();

  constructor(private readonly options: ResolvedXSandboxOptions) {}

  newCode(c: Omit<CodeGrant, 'expiresAt' | 'used'>): string {
    const code = secret('XC');
    this.codes.set(code, { ...c, expiresAt: Date.now() + this.options.codeTtlSeconds * 1000, used: false });
    return code;
  }

  newGrant(userId: string, scopes: string[]): Grant {
    const grant: Grant = {
      id: newXId(), userId, scopes, accessToken: secret('XA'), accessExpiresAt: Date.now() + this.options.accessTokenSeconds * 1000,
      ...(scopes.includes('offline.access') ? { refreshToken: secret('XR') } : {}), refreshes: 0, revoked: false,
    };
    this.grants.set(grant.id, grant);
    return grant;
  }

  /** Spends the refresh token: the grant gets a new access token and a new refresh token; the old one is gone. */
  rotate(grant: Grant): void {
    grant.accessToken = secret('XA');
    grant.accessExpiresAt = Date.now() + this.options.accessTokenSeconds * 1000;
    grant.refreshToken = secret('XR');
    grant.refreshes += 1;
  }

  byAccessToken(token: string): Grant | undefined {
    for (const g of this.grants.values()) if (!g.revoked && g.accessToken === token) return g;
    return undefined;
  }

  byRefreshToken(token: string): Grant | undefined {
    for (const g of this.grants.values()) if (!g.revoked && g.refreshToken === token) return g;
    return undefined;
  }

  /** Counts a call in the endpoint's window for `key`; answers the window's state after the call. */
  take(endpoint: XEndpoint, key: string, limit: number, now = Date.now()): { allowed: boolean; remaining: number; resetAt: number } {
    const id = `${endpoint}:${key}`;
    const windowMs = this.options.rateWindowSeconds * 1000;
    let w = this.windows.get(id);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(id, w);
    }
    const resetAt = w.start + windowMs;
    if (w.count >= limit) return { allowed: false, remaining: 0, resetAt };
    w.count += 1;
    return { allowed: true, remaining: limit - w.count, resetAt };
  }

  mediaState(m: Media, now = Date.now()): MediaState {
    if (m.finalizedAt === undefined) return 'uploading';
    const elapsed = now - m.finalizedAt;
    if (elapsed < m.processingMs / 4) return 'pending';
    if (elapsed < m.processingMs) return 'in_progress';
    return m.failed ? 'failed' : 'succeeded';
  }

  receivedBytes(m: Media): number {
    let sum = 0;
    for (const n of m.segments.values()) sum += n;
    return sum;
  }

  clear(): void {
    this.codes.clear();
    this.grants.clear();
    this.posts.clear();
    this.media.clear();
    this.metrics.clear();
    this.windows.clear();
    this.postLog.clear();
  }

  /** For the control API: no tokens, no codes. */
  snapshot(now = Date.now()): unknown {
    return {
      grants: [...this.grants.values()].map((g) => ({
        id: g.id, userId: g.userId, scopes: g.scopes, refreshes: g.refreshes, revoked: g.revoked, canRefresh: g.refreshToken !== undefined,
        accessExpiresAt: new Date(g.accessExpiresAt).toISOString(),
      })),
      posts: [...this.posts.values()].map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() })),
      media: [...this.media.values()].map((m) => ({
        id: m.id, ownerId: m.ownerId, mediaType: m.mediaType, category: m.category, totalBytes: m.totalBytes,
        receivedBytes: this.receivedBytes(m), segments: [...m.segments.keys()].sort((a, b) => a - b), state: this.mediaState(m, now),
      })),
      rateWindows: Object.fromEntries([...this.windows].map(([k, w]) => [k, { count: w.count, start: new Date(w.start).toISOString() }])),
    };
  }
}
