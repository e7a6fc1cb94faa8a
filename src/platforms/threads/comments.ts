// Reply moderation on the account's Threads posts (contract §6.4, retrieve-and-manage-replies): a reply is a TEXT
// container with reply_to_id, then its threads_publish (irreversible: a lost answer is not retried blindly); hide
// and unhide are `POST /{reply-id}/manage_reply` with `hide=true|false`.
import { PublishError, type CommentsProvider } from '../provider.js';
import type { ThreadsGraph } from './http.js';

export function createThreadsComments(graph: ThreadsGraph): CommentsProvider {
  return {
    async reply(ctx, commentId, text) {
      const call = { method: 'POST' as const, token: ctx.accessToken, ...(ctx.signal ? { signal: ctx.signal } : {}) };
      const container = await graph.api.call<{ id?: unknown }>(`/${ctx.platformAccountId}/threads`, {
        ...call, params: { media_type: 'TEXT', text, reply_to_id: commentId }, what: 'reply container',
      });
      if (typeof container.id !== 'string') throw new PublishError('transient', 'invalid_response', 'reply container answered without an id');
      const res = await graph.api.call<{ id?: unknown }>(`/${ctx.platformAccountId}/threads_publish`, {
        ...call, params: { creation_id: container.id }, what: 'publish reply', commit: true,
      });
      return { id: typeof res.id === 'string' ? res.id : typeof res.id === 'number' ? String(res.id) : '' };
    },

    async setHidden(ctx, commentId, hidden) {
      await graph.api.call<{ success?: boolean }>(`/${encodeURIComponent(commentId)}/manage_reply`, {
        method: 'POST', token: ctx.accessToken, params: { hide: hidden ? 'true' : 'false' }, what: hidden ? 'hide reply' : 'unhide reply',
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
    },
  };
}
