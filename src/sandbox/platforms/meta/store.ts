// State of the simulated Meta: login codes, user tokens, media containers, published media, publish log (for the
// content_publishing_limit window). Ids are numeric strings, as Graph returns them.
import { randomBytes, type Hash } from 'node:crypto';
import type { ResolvedMetaOptions } from './options.js';

export interface CodeGrant { code: string; redirectUri: string; scopes: string[]; expiresAt: number; used: boolean }
export interface UserToken {
  token: string; userId: string; scopes: string[]; longLived: boolean; expiresAt: number; revoked: boolean;
  /** Set by the control API: the token answers 190 with this subcode (459 checkpoint, 460 password changed, ...). */
  invalidSubcode?: number;
}
export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';
export interface Container {
  id: string;
  igUserId: string;
  mediaType: 'IMAGE' | 'REELS' | 'VIDEO' | 'CAROUSEL';
  isCarouselItem: boolean;
  caption?: string;
  url?: string;
  children: string[];
  createdAt: number;
  readyAt: number;
  outcome: 'FINISHED' | 'ERROR' | 'EXPIRED';
  publishedMediaId?: string;
  /** What the sandbox fetched from image_url (fetchImageUrls on). */
  fetched?: { bytes: number; sha256: string };
  /** Set when created with upload_type=resumable (§4.4): the container waits for its bytes at rupload. */
  upload?: ResumableUpload;
}
/**
 * The bytes of a resumable container as rupload received them. Bytes count as they arrive (a cut connection keeps
 * what got through, which is what an `offset` header can resume from); processing starts once all arrived.
 */
export interface ResumableUpload {
  /** Declared by the upload request that started at offset 0 (`file_size` header). */
  fileSize?: number;
  receivedBytes: number;
  /** Running sha256 of the bytes in order; `sha256` is its digest once complete. */
  hash?: Hash;
  sha256?: string;
  /** An upload request is still streaming into this container. */
  busy: boolean;
  /** When all bytes arrived (or the `file_url` pull was accepted); undefined while waiting. */
  completedAt?: number;
  fileUrl?: string;
  /** Upload requests accepted for this container (restarts included). */
  requests: number;
}
export interface Media { id: string; igUserId: string; containerId: string; caption: string; mediaType: string; productType: string; timestamp: number; permalink: string }
export interface Comment {
  id: string;
  mediaId: string;
  text: string;
  from: { id: string; username: string };
  /** Set on replies. */
  parentId?: string;
  hidden?: boolean;
  timestamp?: number;
}

/** Insights numbers set through the control API; unset ones are derived (insights-data.ts). */
export interface MediaInsightsOverride {
  metrics: Partial<Record<string, number>>;
  /** Answer "(#10) Not enough viewers" (privacy threshold). */
  notEnoughViewers?: boolean;
  /** Answer an empty data array (Meta has no data yet). */
  noData?: boolean;
}
export interface AccountInsightsOverride {
  followersCount?: number;
  /** Per UTC day (YYYY-MM-DD): new followers (`follower_count`), reach, views. */
  days: Record<string, Partial<Record<'follower_count' | 'reach' | 'views', number>>>;
}

/** A Page access token from /me/accounts (§3.4): valid while the user token it came from is (it does not expire itself). */
export interface PageToken { token: string; pageId: string; userToken: string }
/** A post on a Page's feed (§5.1), a photo post (§5.2) or a multi-photo post (/feed with attached_media). */
export interface PagePost { id: string; pageId: string; message?: string; link?: string; photoIds: string[]; createdAt: number }
/** A photo uploaded to a Page; unpublished (published=false) until a /feed post attaches it. */
export interface PagePhoto { id: string; pageId: string; published: boolean; postId?: string; source: { url: string } | { bytes: number; sha256: string }; createdAt: number }
/**
 * A Page video (Video API) or Reel (video_reels): bytes first, then the finish call publishes it; processed after
 * videoProcessingMs.
 */
export interface PageVideo {
  id: string; pageId: string; kind: 'video' | 'reel'; createdAt: number;
  upload: { complete: boolean; bytes: number; sha256?: string; fileUrl?: string; requests: number };
  finishedAt?: number; description?: string; failed?: boolean;
}
/** A Video API chunked upload session (graph-video /{page-id}/videos upload_phase=start|transfer|finish). */
export interface VideoUploadSession { id: string; videoId: string; fileSize: number; received: number; hash: Hash }
/** A comment on a Page post (the feed webhook reports it). */
export interface PageComment { id: string; postId: string; message: string; from: { id: string; name: string }; parentId?: string; hidden: boolean; createdAt: number }

let idSeq = 0;
/** A 17-digit numeric string, like Instagram ids. */
export function newGraphId(): string {
  idSeq = (idSeq + 1) % 1000;
  return `17${String(Date.now()).slice(-12)}${String(idSeq).padStart(3, '0')}`;
}

export class MetaStore {
  codes = new Map<string, CodeGrant>();
  tokens = new Map<string, UserToken>();
  containers = new Map<string, Container>();
  media = new Map<string, Media>();
  comments: Comment[] = [];
  /** Publish times per IG user, for the moving 24 h publishing window. */
  publishes = new Map<string, number[]>();
  /** Control-API insights overrides, per media id and per IG user id. */
  mediaInsights = new Map<string, MediaInsightsOverride>();
  accountInsights = new Map<string, AccountInsightsOverride>();
  /** Facebook Pages (pages-routes.ts). */
  pageTokens = new Map<string, PageToken>();
  pagePosts = new Map<string, PagePost>();
  pagePhotos = new Map<string, PagePhoto>();
  pageVideos = new Map<string, PageVideo>();
  videoSessions = new Map<string, VideoUploadSession>();
  pageComments: PageComment[] = [];

  constructor(private readonly options: ResolvedMetaOptions) {}

  newCode(redirectUri: string, scopes: string[]): string {
    const code = `AQ${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { code, redirectUri, scopes, expiresAt: Date.now() + this.options.codeTtlSeconds * 1000, used: false });
    return code;
  }

  newToken(userId: string, scopes: string[], longLived: boolean, expiresAt?: number): UserToken {
    const token = `EAA${randomBytes(32).toString('base64url')}`;
    const life = longLived ? this.options.longLivedTokenSeconds : this.options.shortLivedTokenSeconds;
    const t = { token, userId, scopes, longLived, expiresAt: expiresAt ?? Date.now() + life * 1000, revoked: false };
    this.tokens.set(token, t);
    return t;
  }

  /** The container's status now (derived lazily from its timestamps, no timers). */
  statusOf(c: Container, now = Date.now()): ContainerStatus {
    if (c.publishedMediaId) return 'PUBLISHED';
    // A resumable container without all its bytes never processes; like any container it expires unpublished.
    if (c.upload && c.upload.completedAt === undefined) return now - c.createdAt >= this.options.containerTtlMs ? 'EXPIRED' : 'IN_PROGRESS';
    if (now < c.readyAt) return 'IN_PROGRESS';
    if (c.outcome !== 'FINISHED') return c.outcome;
    if (now - c.createdAt >= this.options.containerTtlMs) return 'EXPIRED';
    return 'FINISHED';
  }

  publishedInWindow(igUserId: string, now = Date.now()): number {
    const since = now - this.options.publishingWindowSeconds * 1000;
    const list = (this.publishes.get(igUserId) ?? []).filter((t) => t > since);
    this.publishes.set(igUserId, list);
    return list.length;
  }

  clear(): void {
    this.codes.clear();
    this.tokens.clear();
    this.containers.clear();
    this.media.clear();
    this.comments = [];
    this.publishes.clear();
    this.mediaInsights.clear();
    this.accountInsights.clear();
    this.pageTokens.clear();
    this.pagePosts.clear();
    this.pagePhotos.clear();
    this.pageVideos.clear();
    this.videoSessions.clear();
    this.pageComments = [];
  }

  /** A Reel's status as Graph's VideoStatus reports it, derived from its timestamps. */
  videoStatus(v: PageVideo, now = Date.now()) {
    const processed = v.finishedAt !== undefined && now >= v.finishedAt + this.options.videoProcessingMs;
    const processing = v.finishedAt === undefined ? 'not_started' : v.failed && processed ? 'error' : processed ? 'complete' : 'in_progress';
    const publishing = v.finishedAt === undefined ? 'not_started' : processing === 'complete' ? 'complete' : processing === 'error' ? 'not_started' : 'in_progress';
    return {
      video_status: processing === 'error' ? 'error' : processing === 'complete' ? 'ready' : v.upload.complete ? 'upload_complete' : 'processing',
      uploading_phase: { status: v.upload.complete ? 'complete' : v.upload.requests > 0 ? 'in_progress' : 'not_started', bytes_transferred: v.upload.bytes },
      processing_phase: { status: processing },
      publishing_phase: { status: publishing },
    };
  }

  /** The Page token a user token gets for a Page: one per (user token, Page), so /me/accounts answers the same. */
  pageTokenFor(userToken: string, pageId: string): PageToken {
    for (const t of this.pageTokens.values()) if (t.userToken === userToken && t.pageId === pageId) return t;
    const t = { token: `EAAP${randomBytes(32).toString('base64url')}`, pageId, userToken };
    this.pageTokens.set(t.token, t);
    return t;
  }

  /** For the control API: no tokens, no codes. */
  snapshot(now = Date.now()): unknown {
    return {
      grants: [...this.tokens.values()].map((t) => ({ userId: t.userId, scopes: t.scopes, longLived: t.longLived, expiresAt: new Date(t.expiresAt).toISOString(), revoked: t.revoked })),
      containers: [...this.containers.values()].map((c) => ({
        id: c.id, igUserId: c.igUserId, mediaType: c.mediaType, isCarouselItem: c.isCarouselItem, children: c.children,
        caption: c.caption ?? null, statusCode: this.statusOf(c, now), publishedMediaId: c.publishedMediaId ?? null,
        fetched: c.fetched ?? null,
        upload: c.upload ? {
          fileSize: c.upload.fileSize ?? null, receivedBytes: c.upload.receivedBytes, sha256: c.upload.sha256 ?? null,
          complete: c.upload.completedAt !== undefined, fileUrl: c.upload.fileUrl ?? null, requests: c.upload.requests,
        } : null,
      })),
      media: [...this.media.values()].map((m) => ({ ...m, timestamp: new Date(m.timestamp).toISOString() })),
      comments: this.comments,
      pagePosts: [...this.pagePosts.values()].map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() })),
      pagePhotos: [...this.pagePhotos.values()].map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() })),
      pageVideos: [...this.pageVideos.values()].map((v) => ({ ...v, createdAt: new Date(v.createdAt).toISOString(), status: this.videoStatus(v, now) })),
      pageComments: this.pageComments,
    };
  }
}
