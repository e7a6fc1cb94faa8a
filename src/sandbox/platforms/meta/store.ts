// State of the simulated Meta: login codes, user tokens, media containers, published media, publish log (for the
// content_publishing_limit window). Ids are numeric strings, as Graph returns them.
import { randomBytes } from 'node:crypto';
import type { ResolvedMetaOptions } from './options.js';

export interface CodeGrant { code: string; redirectUri: string; scopes: string[]; expiresAt: number; used: boolean }
export interface UserToken { token: string; userId: string; scopes: string[]; longLived: boolean; expiresAt: number; revoked: boolean }
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

  constructor(private readonly options: ResolvedMetaOptions) {}

  newCode(redirectUri: string, scopes: string[]): string {
    const code = `AQ${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { code, redirectUri, scopes, expiresAt: Date.now() + this.options.codeTtlSeconds * 1000, used: false });
    return code;
  }

  newToken(userId: string, scopes: string[], longLived: boolean): UserToken {
    const token = `EAA${randomBytes(32).toString('base64url')}`;
    const life = longLived ? this.options.longLivedTokenSeconds : this.options.shortLivedTokenSeconds;
    const t = { token, userId, scopes, longLived, expiresAt: Date.now() + life * 1000, revoked: false };
    this.tokens.set(token, t);
    return t;
  }

  /** The container's status now (derived lazily from its timestamps, no timers). */
  statusOf(c: Container, now = Date.now()): ContainerStatus {
    if (c.publishedMediaId) return 'PUBLISHED';
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
  }

  /** For the control API: no tokens, no codes. */
  snapshot(now = Date.now()): unknown {
    return {
      grants: [...this.tokens.values()].map((t) => ({ userId: t.userId, scopes: t.scopes, longLived: t.longLived, expiresAt: new Date(t.expiresAt).toISOString(), revoked: t.revoked })),
      containers: [...this.containers.values()].map((c) => ({
        id: c.id, igUserId: c.igUserId, mediaType: c.mediaType, isCarouselItem: c.isCarouselItem, children: c.children,
        caption: c.caption ?? null, statusCode: this.statusOf(c, now), publishedMediaId: c.publishedMediaId ?? null,
      })),
      media: [...this.media.values()].map((m) => ({ ...m, timestamp: new Date(m.timestamp).toISOString() })),
      comments: this.comments,
    };
  }
}
