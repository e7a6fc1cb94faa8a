// Everything the simulated TikTok remembers: users, OAuth codes, grants and tokens, publishes (with their upload or
// download progress). In memory only; a reset forgets it all. `snapshot()` is the control API's view and leaves out
// every credential (tokens, codes, upload tokens).
import { createHash, randomBytes, randomUUID, type Hash } from 'node:crypto';
import type { PrivacyLevel, ResolvedTiktokOptions, TiktokSandboxUser } from './options.js';

export interface AuthCode {
  clientKey: string;
  redirectUri: string;
  scopes: string[];
  openId: string;
  /** The PKCE challenge as sent (hex or base64url, per the pkce option); undefined when PKCE is off. */
  codeChallenge?: string;
  expiresAt: number;
  used: boolean;
}

export interface Grant {
  id: string;
  openId: string;
  scopes: string[];
  createdAt: number;
  /** When the current refresh-token chain dies (initial issuance + lifetime, unless refreshes restart the clock). */
  refreshDeadline: number;
  revoked: boolean;
  refreshes: number;
}

export interface IssuedToken {
  kind: 'access' | 'refresh';
  grantId: string;
  expiresAt: number;
  /** A refresh token replaced by rotation (when the old one is invalidated). */
  retired: boolean;
}

export type PublishStatus = 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';

export interface UploadTask {
  /** Query parameters of the upload_url; the token is the capability (no Authorization header on PUT). */
  uploadId: string;
  uploadToken: string;
  videoSize: number;
  chunkSize: number;
  totalChunkCount: number;
  /** Bytes of completed chunks; a chunk counts only once all of it has arrived. */
  receivedBytes: number;
  nextChunk: number;
  hash: Hash;
  sha256?: string;
  busy: boolean;
  inFlightBytes: number;
  expiresAt: number;
}

export interface PullTask {
  urls: string[];
  sizeBytes: number;
  startedAt: number;
  durationMs: number;
  done: boolean;
  /** Set when a cancel stopped the download part-way. */
  stoppedAtBytes?: number;
}

export interface Publish {
  id: string;
  openId: string;
  mode: 'direct' | 'inbox';
  mediaType: 'VIDEO' | 'PHOTO';
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  status: PublishStatus;
  failReason?: string;
  title?: string;
  description?: string;
  privacyLevel?: PrivacyLevel;
  /** Fail reason decided at init (title marker, armed failure); applied when processing ends. */
  failAs?: string;
  upload?: UploadTask;
  pull?: PullTask;
  /** Public post ids as decimal strings (int64, beyond 2^53): serialized as raw JSON numbers. */
  postIds: string[];
  createdAt: number;
  updatedAt: number;
}

/** A public video for the Display API: published through the sandbox, or created with the control API. */
export interface SandboxVideo {
  id: string;
  openId: string;
  createdAt: number;
  /** Counts set through the control API (view_count, like_count, comment_count, share_count). */
  counts: Partial<Record<string, number>>;
}

export const newSecret = (bytes = 24): string => randomBytes(bytes).toString('base64url');

/** A log_id like TikTok's: UTC timestamp then 18 upper-case hex characters. */
export function newLogId(now = new Date()): string {
  const ts = now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `${ts}${randomBytes(9).toString('hex').toUpperCase()}`;
}

/**
 * A 19-digit public post id (7.0e18..7.9e18: int64, far beyond Number.MAX_SAFE_INTEGER), so precision bugs show.
 * Always odd: doubles this large are multiples of 1024, so no id survives a trip through a JS number (an even one
 * could, about once in a thousand, and hide the bug).
 */
export function newPostId(): string {
  return ((7n * 10n ** 18n + (randomBytes(8).readBigUInt64BE() % 10n ** 18n)) | 1n).toString();
}

const publishIdPrefix = (p: Pick<Publish, 'mode' | 'mediaType' | 'source'>): string => {
  const kind = p.mediaType === 'PHOTO' ? 'p' : 'v';
  const mode = p.mode === 'direct' ? 'pub' : 'inbox';
  const src = p.source === 'FILE_UPLOAD' ? 'file' : 'url';
  return `${kind}_${mode}_${src}~v2`;
};

export function newPublishId(p: Pick<Publish, 'mode' | 'mediaType' | 'source'>): string {
  const digits = (randomBytes(8).readBigUInt64BE() % 10n ** 15n).toString().padStart(15, '0');
  return `${publishIdPrefix(p)}.${digits}`;
}

const DAY_MS = 24 * 3_600_000;

export class TiktokStore {
  users = new Map<string, TiktokSandboxUser>();
  codes = new Map<string, AuthCode>();
  grants = new Map<string, Grant>();
  tokens = new Map<string, IssuedToken>();
  publishes = new Map<string, Publish>();
  /** upload_id -> publish id. */
  uploads = new Map<string, string>();
  /** Publishing users of the client with their first post time, for the active-user cap. */
  activeUsers = new Map<string, number>();
  /** Videos by public post id (video-routes.ts registers published ones on first sight). */
  videos = new Map<string, SandboxVideo>();

  constructor(private readonly options: ResolvedTiktokOptions) {
    this.seedUsers();
  }

  private seedUsers(): void {
    for (const u of this.options.users) this.users.set(u.openId, { ...u });
  }

  /** The default authorizing user (the first configured one). */
  defaultUser(): TiktokSandboxUser {
    return this.users.values().next().value ?? this.options.users[0]!;
  }

  newGrant(openId: string, scopes: string[], now = Date.now()): Grant {
    const grant: Grant = {
      id: randomUUID(), openId, scopes, createdAt: now, refreshDeadline: now + this.options.refreshTokenTtlSeconds * 1000, revoked: false, refreshes: 0,
    };
    this.grants.set(grant.id, grant);
    return grant;
  }

  newPublish(p: Omit<Publish, 'id' | 'postIds' | 'createdAt' | 'updatedAt'>, now = Date.now()): Publish {
    let id = newPublishId(p);
    while (this.publishes.has(id)) id = newPublishId(p);
    const publish: Publish = { ...p, id, postIds: [], createdAt: now, updatedAt: now };
    this.publishes.set(id, publish);
    if (publish.upload) this.uploads.set(publish.upload.uploadId, id);
    return publish;
  }

  newUploadTask(videoSize: number, chunkSize: number, totalChunkCount: number, now = Date.now()): UploadTask {
    return {
      uploadId: (randomBytes(8).readBigUInt64BE() % 10n ** 16n).toString(), uploadToken: newSecret(18),
      videoSize, chunkSize, totalChunkCount, receivedBytes: 0, nextChunk: 0, hash: createHash('sha256'), busy: false, inFlightBytes: 0,
      expiresAt: now + this.options.uploadUrlTtlMs,
    };
  }

  /** Direct posts this creator made through the API in the last 24 h (init accepted, not failed). */
  directPostsToday(openId: string, now = Date.now()): number {
    return [...this.publishes.values()].filter((p) => p.openId === openId && p.mode === 'direct' && p.status !== 'FAILED' && p.createdAt > now - DAY_MS).length;
  }

  /**
   * Inbox shares of this creator from the last 24 h the creator has not posted yet (the cap's counting is
   * UNCONFIRMED; the contract suggests this). Failed shares do not count, nor FILE_UPLOAD tasks whose upload_url
   * expired before all bytes arrived: such a task can never reach the creator's inbox.
   */
  pendingInboxShares(openId: string, now = Date.now()): number {
    return [...this.publishes.values()].filter((p) =>
      p.openId === openId && p.mode === 'inbox' && p.createdAt > now - DAY_MS
      && p.status !== 'PUBLISH_COMPLETE' && p.status !== 'FAILED'
      && !(p.upload && !p.upload.sha256 && p.upload.expiresAt <= now)).length;
  }

  /**
   * Whether this user may post under the client's cap of distinct posting users per 24 h (0 = no cap); with
   * `record`, a newly admitted user is counted.
   */
  admitActiveUser(openId: string, cap: number, record: boolean, now = Date.now()): boolean {
    for (const [id, at] of this.activeUsers) if (at <= now - DAY_MS) this.activeUsers.delete(id);
    if (this.activeUsers.has(openId)) return true;
    if (cap > 0 && this.activeUsers.size >= cap) return false;
    if (record) this.activeUsers.set(openId, now);
    return true;
  }

  snapshot(): Record<string, unknown> {
    const now = Date.now();
    return {
      users: [...this.users.values()].map((u) => ({
        open_id: u.openId, display_name: u.displayName, username: u.username, private_account: u.privateAccount ?? false,
        posting_block: u.postingBlock ?? null, pending_inbox_shares: this.pendingInboxShares(u.openId, now),
        direct_posts_today: this.directPostsToday(u.openId, now),
      })),
      grants: [...this.grants.values()].map((g) => ({
        id: g.id, open_id: g.openId, scopes: g.scopes, revoked: g.revoked, refreshes: g.refreshes,
        created_at: new Date(g.createdAt).toISOString(), refresh_deadline: new Date(g.refreshDeadline).toISOString(),
      })),
      publishes: [...this.publishes.values()].map((p) => ({
        publish_id: p.id,
        open_id: p.openId,
        mode: p.mode,
        media_type: p.mediaType,
        source: p.source,
        status: p.status,
        fail_reason: p.failReason ?? null,
        title: p.title ?? null,
        privacy_level: p.privacyLevel ?? null,
        ...(p.upload ? {
          video_size: p.upload.videoSize, chunk_size: p.upload.chunkSize, total_chunk_count: p.upload.totalChunkCount,
          uploaded_bytes: p.upload.receivedBytes, chunk_bytes_in_flight: p.upload.inFlightBytes, sha256: p.upload.sha256 ?? null,
          upload_expires_at: new Date(p.upload.expiresAt).toISOString(),
        } : {}),
        ...(p.pull ? { urls: p.pull.urls, downloaded_bytes: downloadedBytes(p, now), size_bytes: p.pull.sizeBytes } : {}),
        post_ids: p.postIds,
        created_at: new Date(p.createdAt).toISOString(),
        updated_at: new Date(p.updatedAt).toISOString(),
      })),
    };
  }

  clear(): void {
    this.users.clear();
    this.seedUsers();
    this.codes.clear();
    this.grants.clear();
    this.tokens.clear();
    this.publishes.clear();
    this.uploads.clear();
    this.activeUsers.clear();
    this.videos.clear();
  }
}

/** Bytes a PULL_FROM_URL task has downloaded by `now` (linear at the configured speed). */
export function downloadedBytes(p: Publish, now = Date.now()): number {
  const pull = p.pull;
  if (!pull) return 0;
  if (pull.stoppedAtBytes !== undefined) return pull.stoppedAtBytes;
  if (pull.done || pull.durationMs <= 0) return pull.sizeBytes;
  return Math.min(pull.sizeBytes, Math.floor((pull.sizeBytes * (now - pull.startedAt)) / pull.durationMs));
}
