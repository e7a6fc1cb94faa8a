// State of the simulated Google OAuth + YouTube: grants (refresh tokens that never rotate), resumable upload
// sessions, videos, and the project's quota use per Pacific day.
import { randomBytes } from 'node:crypto';
import { PACIFIC_TIME, zonedDay } from '../../../platforms/shared/zoned-day.js';
import type { ResolvedYoutubeSandboxOptions, YoutubeMethod } from './options.js';

export interface CodeGrant { redirectUri: string; scopes: string[]; offline: boolean; expiresAt: number; used: boolean }
export interface Grant {
  id: string;
  scopes: string[];
  accessToken: string;
  accessExpiresAt: number;
  refreshToken?: string;
  /** Testing apps: when the refresh token stops working (undefined: never on its own). */
  refreshExpiresAt?: number;
  refreshes: number;
  revoked: boolean;
}
export type UploadStatus = 'uploaded' | 'processed' | 'failed' | 'rejected' | 'deleted';
export interface ProcessingOutcome { uploadStatus: 'failed' | 'rejected'; reason: string; titleIncludes?: string }
export interface Video {
  id: string;
  channelId: string;
  title: string;
  description: string;
  tags: string[];
  categoryId: string;
  privacyStatus: 'public' | 'unlisted' | 'private';
  publishAt?: string;
  madeForKids: boolean;
  uploadedAt: number;
  /** What processing ends in (default processed). */
  outcome?: ProcessingOutcome;
  statistics: { viewCount: number; likeCount: number; commentCount: number; favoriteCount: number };
  thumbnailSet: boolean;
  deleted: boolean;
  sizeBytes: number;
}
export interface Session {
  id: string;
  grantId: string;
  metadata: Omit<Video, 'id' | 'channelId' | 'uploadedAt' | 'statistics' | 'thumbnailSet' | 'deleted' | 'sizeBytes' | 'outcome'>;
  contentType: string;
  totalBytes?: number;
  received: number;
  /** Byte ranges accepted, in order (the control API shows them: each range once). */
  accepted: [number, number][];
  busy: boolean;
  expiresAt: number;
  videoId?: string;
}

export const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const videoId = () => Array.from(randomBytes(11), (b) => ID_CHARS[b % 64]).join('');

export class YoutubeStore {
  codes = new Map<string, CodeGrant>();
  grants = new Map<string, Grant>();
  sessions = new Map<string, Session>();
  videos = new Map<string, Video>();
  /** Outcomes the next completed uploads process into (first match by title). */
  outcomes: ProcessingOutcome[] = [];
  /** Quota use of the current Pacific day. */
  quota = { dayStart: 0, units: 0, uploads: 0 };

  constructor(private readonly options: ResolvedYoutubeSandboxOptions) {}

  newCode(c: Omit<CodeGrant, 'expiresAt' | 'used'>): string {
    const code = secret('4/0A');
    this.codes.set(code, { ...c, expiresAt: Date.now() + this.options.codeTtlSeconds * 1000, used: false });
    return code;
  }

  newGrant(scopes: string[], offline: boolean): Grant {
    const grant: Grant = {
      id: secret('g'), scopes, accessToken: secret('ya29.'), accessExpiresAt: Date.now() + this.options.accessTokenSeconds * 1000,
      ...(offline ? { refreshToken: secret('1//0') } : {}),
      ...(offline && this.options.publishingStatus === 'testing' ? { refreshExpiresAt: Date.now() + this.options.testingRefreshTokenSeconds * 1000 } : {}),
      refreshes: 0, revoked: false,
    };
    this.grants.set(grant.id, grant);
    return grant;
  }

  /** §3.3: a refresh gives a new access token; the refresh token stays the same. */
  renew(grant: Grant): void {
    grant.accessToken = secret('ya29.');
    grant.accessExpiresAt = Date.now() + this.options.accessTokenSeconds * 1000;
    grant.refreshes += 1;
  }

  byAccessToken(token: string): Grant | undefined {
    for (const g of this.grants.values()) if (!g.revoked && g.accessToken === token) return g;
    return undefined;
  }

  byRefreshToken(token: string): Grant | undefined {
    for (const g of this.grants.values()) if (g.refreshToken === token) return g;
    return undefined;
  }

  /**
   * Charges a call to the project's quota of the current Pacific day (§3.9): videos.insert to its own bucket
   * (or, in the legacy model, its units to the pool), everything else to the unit pool. False when exhausted.
   */
  charge(method: YoutubeMethod, now = Date.now()): boolean {
    const { start } = zonedDay(PACIFIC_TIME, now);
    if (this.quota.dayStart !== start) this.quota = { dayStart: start, units: 0, uploads: 0 };
    if (method === 'videos.insert' && this.options.dailyUploads !== null) {
      if (this.quota.uploads + 1 > this.options.dailyUploads) return false;
      this.quota.uploads += 1;
      return true;
    }
    const cost = this.options.costs[method];
    if (this.quota.units + cost > this.options.dailyQuotaUnits) return false;
    this.quota.units += cost;
    return true;
  }

  /** Makes the video a completed upload (its session's metadata), processing from now. */
  complete(session: Session): Video {
    const m = session.metadata;
    const outcomeIndex = this.outcomes.findIndex((o) => o.titleIncludes === undefined || m.title.includes(o.titleIncludes));
    const outcome = outcomeIndex >= 0 ? this.outcomes.splice(outcomeIndex, 1)[0] : undefined;
    const video: Video = {
      ...m, id: videoId(), channelId: this.options.channel.id, uploadedAt: Date.now(), ...(outcome ? { outcome } : {}),
      statistics: { viewCount: 0, likeCount: 0, commentCount: 0, favoriteCount: 0 }, thumbnailSet: false, deleted: false, sizeBytes: session.received,
    };
    this.videos.set(video.id, video);
    session.videoId = video.id;
    return video;
  }

  uploadStatus(v: Video, now = Date.now()): UploadStatus {
    if (v.deleted) return 'deleted';
    if (now - v.uploadedAt < this.options.processingMs) return 'uploaded';
    return v.outcome?.uploadStatus ?? 'processed';
  }

  /** §3.6: a private video with publishAt becomes public at that time (checked whenever it is read). */
  settlePublishAt(v: Video, now = Date.now()): void {
    if (v.privacyStatus === 'private' && v.publishAt && Date.parse(v.publishAt) <= now && this.uploadStatus(v, now) === 'processed') {
      v.privacyStatus = 'public';
      delete v.publishAt;
    }
  }

  clear(): void {
    this.codes.clear();
    this.grants.clear();
    this.sessions.clear();
    this.videos.clear();
    this.outcomes = [];
    this.quota = { dayStart: 0, units: 0, uploads: 0 };
  }

  /** For the control API: no tokens, no codes, no session URIs (upload ids are capabilities). */
  snapshot(now = Date.now()): unknown {
    return {
      grants: [...this.grants.values()].map((g) => ({
        scopes: g.scopes, refreshes: g.refreshes, revoked: g.revoked, canRefresh: g.refreshToken !== undefined,
        accessExpiresAt: new Date(g.accessExpiresAt).toISOString(), refreshExpiresAt: g.refreshExpiresAt ? new Date(g.refreshExpiresAt).toISOString() : null,
      })),
      sessions: [...this.sessions.values()].map((s) => ({
        title: s.metadata.title, totalBytes: s.totalBytes ?? null, received: s.received, accepted: s.accepted,
        expired: s.expiresAt <= now, videoId: s.videoId ?? null,
      })),
      videos: [...this.videos.values()].map((v) => {
        this.settlePublishAt(v, now);
        return {
          id: v.id, title: v.title, description: v.description, tags: v.tags, categoryId: v.categoryId, privacyStatus: v.privacyStatus,
          publishAt: v.publishAt ?? null, madeForKids: v.madeForKids, uploadStatus: this.uploadStatus(v, now), sizeBytes: v.sizeBytes,
          thumbnailSet: v.thumbnailSet, deleted: v.deleted,
        };
      }),
      quota: { day: new Date(this.quota.dayStart).toISOString(), units: this.quota.units, uploads: this.quota.uploads },
    };
  }
}
