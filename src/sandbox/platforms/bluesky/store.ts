// State of the simulated PDS: sessions (an access JWT and a refresh JWT each, both rotated by refreshSession and the
// spent refresh JWT remembered as revoked), blobs, records of every repo, engagement counts set through the control
// API, and the rate windows (session creation, write points). Tokens are JWT-shaped (header.payload.signature) with
// the `exp` a client may read; the signature is random, nothing verifies it but this store.
import { randomBytes } from 'node:crypto';
import type { BlueskySandboxAccount, ResolvedBlueskySandboxOptions } from './options.js';

export interface Session {
  id: string;
  did: string;
  accessJwt: string;
  accessExpiresAt: number;
  refreshJwt: string;
  refreshExpiresAt: number;
  /** Refresh JWTs spent by a refreshSession: presenting one again is refused as revoked. */
  spentRefreshJwts: Set<string>;
  refreshes: number;
  deleted: boolean;
}

export interface Blob { cid: string; did: string; mimeType: string; size: number; createdAt: number }

export interface StoredRecord {
  uri: string;
  cid: string;
  did: string;
  collection: string;
  rkey: string;
  value: Record<string, unknown>;
  createdAt: number;
}

export interface EngagementCounts { likeCount?: number; repostCount?: number; replyCount?: number; quoteCount?: number }
interface Window { start: number; used: number }

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
const SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';
const randomBase32 = (n: number) => Array.from(randomBytes(n), (b) => B32[b % 32]).join('');
export const newCid = (prefix = 'bafyrei') => `${prefix}${randomBase32(52)}`;

let lastTid = 0;
/** A record key in the TID format: 13 sortable base32 characters from a microsecond clock (later keys sort later). */
export function newTid(now = Date.now()): string {
  let micros = now * 1000;
  if (micros <= lastTid) micros = lastTid + 1;
  lastTid = micros;
  let n = BigInt(micros) << 10n;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = SORTABLE[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ typ: 'at+jwt', alg: 'ES256K' })}.${part({ ...claims, jti: randomBytes(12).toString('base64url') })}.${randomBytes(32).toString('base64url')}`;
}

export class BlueskyStore {
  sessions = new Map<string, Session>();
  blobs = new Map<string, Blob>();
  /** By uri. */
  records = new Map<string, StoredRecord>();
  engagement = new Map<string, EngagementCounts>();
  windows = new Map<string, Window>();
  /** Changes made through the control API (a revoked app password, followers), by DID; forgotten on reset. */
  appPasswords = new Map<string, string>();
  followers = new Map<string, number>();

  constructor(private readonly options: ResolvedBlueskySandboxOptions) {}

  account(identifier: string): BlueskySandboxAccount | undefined {
    const id = identifier.toLowerCase().replace(/^@/, '');
    return this.options.accounts.find((a) => a.handle === id || a.did === identifier || a.email?.toLowerCase() === id);
  }

  accountByDid(did: string): BlueskySandboxAccount | undefined {
    return this.options.accounts.find((a) => a.did === did);
  }

  appPasswordOf(account: BlueskySandboxAccount): string {
    return this.appPasswords.get(account.did) ?? account.appPassword;
  }

  followersOf(account: BlueskySandboxAccount): number {
    return this.followers.get(account.did) ?? account.followersCount ?? 0;
  }

  private issue(session: Pick<Session, 'did'>, now: number): Pick<Session, 'accessJwt' | 'accessExpiresAt' | 'refreshJwt' | 'refreshExpiresAt'> {
    const accessExpiresAt = now + this.options.accessJwtSeconds * 1000;
    const refreshExpiresAt = now + this.options.refreshJwtSeconds * 1000;
    return {
      accessJwt: jwt({ scope: 'com.atproto.appPass', sub: session.did, iat: Math.floor(now / 1000), exp: Math.floor(accessExpiresAt / 1000) }),
      accessExpiresAt,
      refreshJwt: jwt({ scope: 'com.atproto.refresh', sub: session.did, iat: Math.floor(now / 1000), exp: Math.floor(refreshExpiresAt / 1000) }),
      refreshExpiresAt,
    };
  }

  newSession(did: string, now = Date.now()): Session {
    const session: Session = { id: randomBytes(8).toString('hex'), did, ...this.issue({ did }, now), spentRefreshJwts: new Set(), refreshes: 0, deleted: false };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Spends the session's refresh JWT: both tokens are new, the old refresh JWT is revoked. */
  rotate(session: Session, now = Date.now()): void {
    session.spentRefreshJwts.add(session.refreshJwt);
    Object.assign(session, this.issue(session, now));
    session.refreshes += 1;
  }

  byAccessJwt(token: string): Session | undefined {
    for (const s of this.sessions.values()) if (!s.deleted && s.accessJwt === token) return s;
    return undefined;
  }

  /** The session whose refresh JWT this is, now or before (`spent`). */
  byRefreshJwt(token: string): { session: Session; spent: boolean } | undefined {
    for (const s of this.sessions.values()) {
      if (s.refreshJwt === token) return { session: s, spent: false };
      if (s.spentRefreshJwts.has(token)) return { session: s, spent: true };
    }
    return undefined;
  }

  /** Spends `cost` of a fixed window's `limit`; answers whether it fit and when the window resets. */
  spend(key: string, cost: number, limit: number, windowMs: number, now = Date.now()): { ok: boolean; remaining: number; resetAt: number } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const resetAt = w.start + windowMs;
    if (w.used + cost > limit) return { ok: false, remaining: Math.max(0, limit - w.used), resetAt };
    w.used += cost;
    return { ok: true, remaining: limit - w.used, resetAt };
  }

  /** A blob still kept: referenced by a record, or younger than the unreferenced-blob window. */
  liveBlob(cid: string, now = Date.now()): Blob | undefined {
    const blob = this.blobs.get(cid);
    if (!blob) return undefined;
    if (now - blob.createdAt <= this.options.blobTtlSeconds * 1000 || this.referenced(cid)) return blob;
    this.blobs.delete(cid);
    return undefined;
  }

  private referenced(cid: string): boolean {
    for (const r of this.records.values()) if (JSON.stringify(r.value.embed ?? null).includes(cid)) return true;
    return false;
  }

  clear(): void {
    this.sessions.clear();
    this.blobs.clear();
    this.records.clear();
    this.engagement.clear();
    this.windows.clear();
    this.appPasswords.clear();
    this.followers.clear();
  }

  /** For the control API: no tokens. */
  snapshot(): unknown {
    return {
      sessions: [...this.sessions.values()].map((s) => ({
        id: s.id, did: s.did, refreshes: s.refreshes, deleted: s.deleted,
        accessExpiresAt: new Date(s.accessExpiresAt).toISOString(), refreshExpiresAt: new Date(s.refreshExpiresAt).toISOString(),
      })),
      blobs: [...this.blobs.values()].map((b) => ({ ...b, createdAt: new Date(b.createdAt).toISOString() })),
      records: [...this.records.values()].map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })),
      rateWindows: Object.fromEntries([...this.windows].map(([k, w]) => [k, { used: w.used, start: new Date(w.start).toISOString() }])),
    };
  }
}
