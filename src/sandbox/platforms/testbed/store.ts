// Everything the simulated testbed remembers: OAuth grants and tokens, uploads, posts. In memory only; a reset or
// restart forgets it all. `snapshot()` is the control API's view and leaves out every credential.
import { createHash, randomBytes, randomUUID, type Hash } from 'node:crypto';

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  user: { id: string; displayName: string };
  expiresAt: number;
  used: boolean;
}

export interface Grant {
  id: string;
  clientId: string;
  user: { id: string; displayName: string };
  scope: string;
  createdAt: number;
  revoked: boolean;
  /** When each refresh_token grant on this grant was answered with new tokens (ms), for tests to observe refreshes. */
  refreshedAt: number[];
}

export interface IssuedToken {
  kind: 'access' | 'refresh';
  grantId: string;
  expiresAt: number;
  /** Refresh tokens are single-use: rotation retires the old one. */
  retired: boolean;
}

export interface Upload {
  id: string;
  size: number;
  contentType: string;
  receivedBytes: number;
  /** SHA-256 of the bytes received so far; only replaced once a whole chunk has arrived. */
  hash: Hash;
  sha256?: string;
  complete: boolean;
  /** A chunk is streaming in right now. */
  busy: boolean;
  /** Bytes of the chunk streaming in right now (not yet counted in receivedBytes). Shows that bodies stream. */
  inFlightBytes: number;
  createdAt: number;
  expiresAt: number;
  usedByPostId?: string;
}

export type PostStatus = 'processing' | 'published' | 'failed';

export type PostMedia = { upload_id: string } | { url: string };

export interface Post {
  id: string;
  accountId: string;
  text: string;
  media: PostMedia[];
  clientRef: string | null;
  status: PostStatus;
  permalink?: string;
  failReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** A large numeric id beyond Number.MAX_SAFE_INTEGER (19 digits, like TikTok's), so precision bugs show. */
export function newPostId(): string {
  const n = 7n * 10n ** 18n + (randomBytes(8).readBigUInt64BE() % 10n ** 18n);
  return n.toString();
}

export const newUploadId = (): string => `upl_${randomBytes(12).toString('hex')}`;
export const newEventId = (): string => `evt_${randomUUID()}`;
export const newSecretToken = (prefix: string): string => `${prefix}${randomBytes(24).toString('hex')}`;

export function publicPost(p: Post): Record<string, unknown> {
  return {
    id: p.id,
    status: p.status,
    ...(p.permalink ? { permalink: p.permalink } : {}),
    ...(p.failReason ? { fail_reason: p.failReason } : {}),
    client_ref: p.clientRef,
    created_at: p.createdAt,
  };
}

export function publicUpload(u: Upload): Record<string, unknown> {
  return {
    upload_id: u.id,
    received_bytes: u.receivedBytes,
    size: u.size,
    complete: u.complete,
    content_type: u.contentType,
    expires_at: new Date(u.expiresAt).toISOString(),
    ...(u.sha256 ? { sha256: u.sha256 } : {}),
  };
}

export class TestbedStore {
  codes = new Map<string, AuthCode>();
  grants = new Map<string, Grant>();
  tokens = new Map<string, IssuedToken>();
  /** Seeded (never issued) tokens that were revoked. */
  revokedSeeded = new Set<string>();
  uploads = new Map<string, Upload>();
  posts = new Map<string, Post>();

  newUpload(size: number, contentType: string, ttlMs: number): Upload {
    const now = Date.now();
    const upload: Upload = {
      id: newUploadId(), size, contentType, receivedBytes: 0, hash: createHash('sha256'), complete: false, busy: false, inFlightBytes: 0,
      createdAt: now, expiresAt: now + ttlMs,
    };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  postsByClientRef(clientRef: string): Post[] {
    return [...this.posts.values()].filter((p) => p.clientRef === clientRef);
  }

  snapshot(): Record<string, unknown> {
    return {
      posts: [...this.posts.values()].map((p) => ({
        ...publicPost(p), account_id: p.accountId, text: p.text, media: p.media, updated_at: p.updatedAt,
      })),
      uploads: [...this.uploads.values()].map((u) => ({ ...publicUpload(u), chunk_bytes_in_flight: u.inFlightBytes, used_by_post_id: u.usedByPostId ?? null })),
      grants: [...this.grants.values()].map((g) => ({
        id: g.id, client_id: g.clientId, open_id: g.user.id, scope: g.scope, revoked: g.revoked, created_at: new Date(g.createdAt).toISOString(),
        refreshed_at: g.refreshedAt.map((t) => new Date(t).toISOString()),
      })),
      revoked_seeded_tokens: this.revokedSeeded.size,
    };
  }

  clear(): void {
    this.codes.clear();
    this.grants.clear();
    this.tokens.clear();
    this.revokedSeeded.clear();
    this.uploads.clear();
    this.posts.clear();
  }
}
