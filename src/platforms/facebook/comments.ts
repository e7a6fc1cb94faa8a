// Comment moderation on a Page's posts (Pages API, comments): reply `POST /{comment-id}/comments` with `message`,
// hide/unhide `POST /{comment-id}` with `is_hidden=true|false`, with the Page token. Failures are PublishErrors
// classified like publishing's (instagram/http.ts).
import type { CommentsProvider } from '../provider.js';
import type { MetaGraph } from '../instagram/http.js';

export function createFacebookComments(graph: MetaGraph): CommentsProvider {
  return {
    async reply(ctx, commentId, text) {
      const res = await graph.call<{ id?: unknown }>(`/${encodeURIComponent(commentId)}/comments`, {
        method: 'POST', token: ctx.accessToken, params: { message: text }, what: 'reply to comment',
        // Sending a reply twice posts it twice: a lost answer is not retried blindly.
        commit: true,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      return { id: typeof res.id === 'string' ? res.id : typeof res.id === 'number' ? String(res.id) : '' };
    },

    async setHidden(ctx, commentId, hidden) {
      await graph.call<{ success?: boolean }>(`/${encodeURIComponent(commentId)}`, {
        method: 'POST', token: ctx.accessToken, params: { is_hidden: hidden ? 'true' : 'false' }, what: hidden ? 'hide comment' : 'unhide comment',
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
    },
  };
}
