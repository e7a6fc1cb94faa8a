// State of the simulated Threads: login codes, tokens, media containers, published posts (and replies), the publish
// logs behind threads_publishing_limit, and insights overrides. Ids are numeric strings, as Graph returns them.
import { randomBytes } from 'node:crypto';
import type { ResolvedThreadsSandboxOptions } from './options.js';

export interface CodeGrant { code: string; redirectUri: string; scopes: string[]; expiresAt: number; used: boolean }
export interface ThreadsToken { token: string; userId: string; scopes: string[]; longLived: boolean; issuedAt: number; expiresAt: number }
export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';
export interface Container {
  id: string;
  userId: string;
  mediaType: 'TEXT' | 'IMAGE' | 'VIDEO' | 'CAROUSEL';
  isCarouselItem: boolean;
  text?: string;
  url?: string;
  linkAttachment?: string;
  replyToId?: string;
  children: string[];
  createdAt: number;
  readyAt: number;
  outcome: 'FINISHED' | 'ERROR';
  publishedPostId?: string;
}
export interface Post {
  id: string;
  userId: string;
  username: string;
  containerId?: string;
  text: string;
  /** Read values (§6.8): TEXT_POST, IMAGE, VIDEO, CAROUSEL_ALBUM. */
  mediaType: string;
  replyToId?: string;
  rootId?: string;
  timestamp: number;
  permalink: string;
  hidden: boolean;
}

let idSeq = 0;
export function newThreadsId(): string {
  idSeq = (idSeq + 1) % 1000;
  return `18${String(Date.now()).slice(-12)}${String(idSeq).padStart(3, '0')}`;
}

export class ThreadsStore {
  codes = new Map<string, CodeGrant>();
  tokens = new Map<string, ThreadsToken>();
  containers = new Map<string, Container>();
  posts = new Map<string, Post>();
  /** Publish times per user: posts and replies count against separate limits (§6.7). */
  postLog = new Map<string, number[]>();
  replyLog = new Map<string, number[]>();
  insights = new Map<string, Partial<Record<string, number>>>();

  constructor(private readonly options: ResolvedThreadsSandboxOptions) {}

  newCode(redirectUri: string, scopes: string[]): string {
    const code = `AQ${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { code, redirectUri, scopes, expiresAt: Date.now() + this.options.codeTtlSeconds * 1000, used: false });
    return code;
  }

  newToken(userId: string, scopes: string[], longLived: boolean): ThreadsToken {
    const token = `TH${randomBytes(32).toString('base64url')}`;
    const now = Date.now();
    const life = longLived ? this.options.longLivedTokenSeconds : this.options.shortLivedTokenSeconds;
    const t = { token, userId, scopes, longLived, issuedAt: now, expiresAt: now + life * 1000 };
    this.tokens.set(token, t);
    return t;
  }

  statusOf(c: Container, now = Date.now()): ContainerStatus {
    if (c.publishedPostId) return 'PUBLISHED';
    if (now < c.readyAt) return 'IN_PROGRESS';
    if (c.outcome === 'ERROR') return 'ERROR';
    if (now - c.createdAt >= this.options.containerTtlMs) return 'EXPIRED';
    return 'FINISHED';
  }

  /** Publishes in the moving window (and forgets older ones). */
  inWindow(log: Map<string, number[]>, userId: string, now = Date.now()): number {
    const since = now - this.options.publishingWindowSeconds * 1000;
    const list = (log.get(userId) ?? []).filter((t) => t > since);
    log.set(userId, list);
    return list.length;
  }

  clear(): void {
    this.codes.clear();
    this.tokens.clear();
    this.containers.clear();
    this.posts.clear();
    this.postLog.clear();
    this.replyLog.clear();
    this.insights.clear();
  }

  /** For the control API: no tokens, no codes. */
  snapshot(now = Date.now()): unknown {
    return {
      grants: [...this.tokens.values()].map((t) => ({ userId: t.userId, scopes: t.scopes, longLived: t.longLived, issuedAt: new Date(t.issuedAt).toISOString(), expiresAt: new Date(t.expiresAt).toISOString() })),
      containers: [...this.containers.values()].map((c) => ({
        id: c.id, userId: c.userId, mediaType: c.mediaType, isCarouselItem: c.isCarouselItem, children: c.children, text: c.text ?? null,
        url: c.url ?? null, replyToId: c.replyToId ?? null, status: this.statusOf(c, now), publishedPostId: c.publishedPostId ?? null,
      })),
      posts: [...this.posts.values()].map((p) => ({ ...p, timestamp: new Date(p.timestamp).toISOString() })),
    };
  }
}
