// Comment moderation on the Instagram account's media (contract §4.11): reply `POST /{ig-comment-id}/replies` with
// `message`, hide/unhide `POST /{ig-comment-id}` with `hide=true|false`. The token goes in the Authorization header
// (http.ts), never a URL; failures are PublishErrors classified like publishing's.
import type { CommentsProvider } from '../provider.js';
import type { MetaGraph } from './http.js';

export function createInstagramComments(graph: MetaGraph): CommentsProvider {
  return {
    async reply(ctx, commentId, text) {
      const res = await graph.call<{ id?: unknown }>(`/${encodeURIComponent(commentId)}/replies`, {
        method: 'POST', token: ctx.accessToken, params: { message: text }, what: 'reply to comment',
        // Sending a reply twice posts it twice: a lost answer is not retried blindly.
        commit: true,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const id = typeof res.id === 'string' ? res.id : typeof res.id === 'number' ? String(res.id) : '';
      return { id };
    },

    async setHidden(ctx, commentId, hidden) {
      await graph.call<{ success?: boolean }>(`/${encodeURIComponent(commentId)}`, {
        method: 'POST', token: ctx.accessToken, params: { hide: hidden ? 'true' : 'false' }, what: hidden ? 'hide comment' : 'unhide comment',
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
    },
  };
}
