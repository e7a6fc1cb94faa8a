// State of the simulated LinkedIn: login codes, access and refresh tokens, images, videos (with their parts and
// ETags), posts, engagement numbers set through the control API, and the per-day call counters (§2.0.2).
import { randomBytes, randomInt } from 'node:crypto';
import type { ResolvedLinkedinSandboxOptions } from './options.js';

export interface CodeGrant { redirectUri: string; scopes: string[]; expiresAt: number; used: boolean }
export interface LinkedinToken { token: string; sub: string; scopes: string[]; expiresAt: number; revoked: boolean }
/** §2.3: the refresh horizon is fixed at the original consent. */
export interface LinkedinRefreshToken { token: string; sub: string; scopes: string[]; expiresAt: number }
export type AssetStatus = 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';
export interface ImageAsset { urn: string; owner: string; uploadedBytes?: number; readyAt?: number }
export interface VideoPart { firstByte: number; lastByte: number; etag?: string }
export interface VideoAsset { urn: string; owner: string; fileSizeBytes: number; parts: VideoPart[]; finalizedAt?: number; readyAt?: number }
export interface LinkedinPost {
  urn: string;
  author: string;
  /** As sent (escaped little text). */
  commentary: string;
  /** As published: escapes removed, possibly truncated (§2.7). */
  text: string;
  visibility: string;
  content?: Record<string, unknown>;
  createdAt: number;
}
export interface Engagement { likes: number; comments: number; impressions: number; clicks: number; shares: number }

const digits = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join('');
const assetId = (prefix: string) => `${prefix}${randomBytes(12).toString('base64url')}`;

export class LinkedinStore {
  codes = new Map<string, CodeGrant>();
  tokens = new Map<string, LinkedinToken>();
  refreshTokens = new Map<string, LinkedinRefreshToken>();
  images = new Map<string, ImageAsset>();
  videos = new Map<string, VideoAsset>();
  posts = new Map<string, LinkedinPost>();
  engagement = new Map<string, Engagement>();
  /** Calls per key (`app`, `member:<sub>`) on the UTC day `day`. */
  calls = { day: '', counts: new Map<string, number>() };

  constructor(private readonly options: ResolvedLinkedinSandboxOptions) {}

  newCode(redirectUri: string, scopes: string[]): string {
    const code = `AQ${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { redirectUri, scopes, expiresAt: Date.now() + this.options.codeTtlSeconds * 1000, used: false });
    return code;
  }

  newToken(sub: string, scopes: string[]): LinkedinToken {
    const t = { token: `AQV${randomBytes(48).toString('base64url')}`, sub, scopes, expiresAt: Date.now() + this.options.accessTokenSeconds * 1000, revoked: false };
    this.tokens.set(t.token, t);
    return t;
  }

  newRefreshToken(sub: string, scopes: string[]): LinkedinRefreshToken {
    const r = { token: `AQX${randomBytes(48).toString('base64url')}`, sub, scopes, expiresAt: Date.now() + this.options.refreshTokenSeconds * 1000 };
    this.refreshTokens.set(r.token, r);
    return r;
  }

  newImage(owner: string): ImageAsset {
    const image = { urn: `urn:li:image:${assetId('D4D10AQ')}`, owner };
    this.images.set(image.urn, image);
    return image;
  }

  newVideo(owner: string, fileSizeBytes: number): VideoAsset {
    const parts: VideoPart[] = [];
    for (let first = 0; first < fileSizeBytes; first += this.options.videoPartBytes) {
      parts.push({ firstByte: first, lastByte: Math.min(fileSizeBytes, first + this.options.videoPartBytes) - 1 });
    }
    const video = { urn: `urn:li:video:${assetId('C5F10AQ')}`, owner, fileSizeBytes, parts };
    this.videos.set(video.urn, video);
    return video;
  }

  newPostUrn(): string {
    return `urn:li:share:${digits(19)}`;
  }

  imageStatus(i: ImageAsset, now = Date.now()): AssetStatus {
    if (i.readyAt === undefined) return 'WAITING_UPLOAD';
    return now < i.readyAt ? 'PROCESSING' : 'AVAILABLE';
  }

  videoStatus(v: VideoAsset, now = Date.now()): AssetStatus {
    if (v.readyAt === undefined) return 'WAITING_UPLOAD';
    return now < v.readyAt ? 'PROCESSING' : 'AVAILABLE';
  }

  /** Counts one call; answers which daily limit it exceeds, if any (§2.0.2: the day ends at 00:00 UTC). */
  countCall(sub: string, now = Date.now()): 'APPLICATION' | 'MEMBER' | undefined {
    const day = new Date(now).toISOString().slice(0, 10);
    if (this.calls.day !== day) this.calls = { day, counts: new Map() };
    const bump = (key: string) => {
      const n = (this.calls.counts.get(key) ?? 0) + 1;
      this.calls.counts.set(key, n);
      return n;
    };
    if (bump('app') > this.options.appDailyLimit) return 'APPLICATION';
    if (bump(`member:${sub}`) > this.options.memberDailyLimit) return 'MEMBER';
    return undefined;
  }

  clear(): void {
    this.codes.clear();
    this.tokens.clear();
    this.refreshTokens.clear();
    this.images.clear();
    this.videos.clear();
    this.posts.clear();
    this.engagement.clear();
    this.calls = { day: '', counts: new Map() };
  }

  /** For the control API: no tokens, no codes. */
  snapshot(now = Date.now()): unknown {
    return {
      grants: [...this.tokens.values()].map((t) => ({ sub: t.sub, scopes: t.scopes, expiresAt: new Date(t.expiresAt).toISOString(), revoked: t.revoked })),
      refreshGrants: [...this.refreshTokens.values()].map((r) => ({ sub: r.sub, expiresAt: new Date(r.expiresAt).toISOString() })),
      images: [...this.images.values()].map((i) => ({ urn: i.urn, owner: i.owner, uploadedBytes: i.uploadedBytes ?? null, status: this.imageStatus(i, now) })),
      videos: [...this.videos.values()].map((v) => ({
        urn: v.urn, owner: v.owner, fileSizeBytes: v.fileSizeBytes, status: this.videoStatus(v, now),
        parts: v.parts.map((p) => ({ firstByte: p.firstByte, lastByte: p.lastByte, uploaded: p.etag !== undefined })),
      })),
      posts: [...this.posts.values()].map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() })),
      calls: Object.fromEntries(this.calls.counts),
    };
  }
}
