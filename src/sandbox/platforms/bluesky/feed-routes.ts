// The app view's reads a client of the PDS makes (proxied by the PDS in production): app.bsky.feed.getPosts (up to
// 25 uris; each post with its likeCount, repostCount, replyCount and quoteCount) and app.bsky.actor.getProfile
// (followersCount, followsCount, postsCount). Both take the caller's access JWT.
import type { FastifyPluginAsync } from 'fastify';
import type { BlueskyStore } from './store.js';
import { authenticate, invalidRequest } from './xrpc.js';

export function feedRoutes(store: BlueskyStore): FastifyPluginAsync {
  return async (app) => {
    app.get('/xrpc/app.bsky.feed.getPosts', async (request, reply) => {
      if (!authenticate(store, request, reply)) return reply;
      const raw = (request.query as { uris?: string | string[] }).uris;
      const uris = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      if (uris.length === 0 || uris.length > 25) return invalidRequest(reply, 'Error: uris must name 1 to 25 posts');
      const posts = uris.flatMap((uri) => {
        const r = store.records.get(uri);
        if (!r) return [];
        const account = store.accountByDid(r.did)!;
        const counts = store.engagement.get(uri) ?? {};
        const replies = [...store.records.values()].filter((x) => (x.value.reply as { parent?: { uri?: string } } | undefined)?.parent?.uri === uri).length;
        return [{
          uri: r.uri, cid: r.cid, author: { did: account.did, handle: account.handle, displayName: account.displayName ?? account.handle },
          record: r.value, indexedAt: new Date(r.createdAt).toISOString(),
          likeCount: counts.likeCount ?? 0, repostCount: counts.repostCount ?? 0, replyCount: counts.replyCount ?? replies, quoteCount: counts.quoteCount ?? 0,
        }];
      });
      return { posts };
    });

    app.get('/xrpc/app.bsky.actor.getProfile', async (request, reply) => {
      if (!authenticate(store, request, reply)) return reply;
      const actor = (request.query as { actor?: string }).actor;
      const account = actor ? store.account(actor) : undefined;
      if (!account) return invalidRequest(reply, 'Profile not found');
      return {
        did: account.did, handle: account.handle, displayName: account.displayName ?? account.handle,
        followersCount: store.followersOf(account), followsCount: 0,
        postsCount: [...store.records.values()].filter((r) => r.did === account.did).length,
      };
    });
  };
}
