// Threads webhooks (contract §6.9): signed like every Meta webhook (§2.4, shared/meta-webhook-signature.ts; the
// signing key is the Threads app secret, UNCONFIRMED in the docs). The payload is flat, not Graph's entry/changes:
//   { app_id, topic, target_id, time, subscription_id, values: { field, value: {...} } }
// (`values` may also come as an array; both are read). `replies` (moderate) and `mentions` (interaction) that answer
// a post become kind `comment`: the reply/mention is the comment, `replied_to.id` (else `root_post.id`) the media it
// is on; a mention in a top-level post of someone else's names no media of ours and stays `other`.
// Everything else (publish, delete) is `other`. The id is stable across Meta's retries: field, media id, time.
import { createHash } from 'node:crypto';
import type { Json, ParsedWebhookEvent, WebhookComment, WebhookProvider } from '../provider.js';
import { metaHandshake, verifyMetaSignature } from '../shared/meta-webhook-signature.js';

const idOf = (x: unknown): string | undefined =>
  (typeof x === 'string' && x ? x : typeof x === 'number' && Number.isSafeInteger(x) ? String(x) : undefined);
const objOf = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? x as Record<string, unknown> : {});

function commentOf(field: string, v: Record<string, unknown>, time: unknown): WebhookComment | undefined {
  if (field !== 'replies' && field !== 'mentions') return undefined;
  const commentId = idOf(v.id);
  const mediaId = idOf(objOf(v.replied_to).id) ?? idOf(objOf(v.root_post).id);
  if (!commentId || !mediaId) return undefined;
  const rootId = idOf(objOf(v.root_post).id);
  const at = typeof v.timestamp === 'string' ? new Date(v.timestamp.replace(/\+0000$/, 'Z')) : typeof time === 'number' ? new Date(time * 1000) : undefined;
  return {
    commentId, mediaId,
    // A reply to a reply: the comment it answers, on the thread's root post.
    ...(rootId && rootId !== mediaId ? { parentCommentId: mediaId, mediaId: rootId } : {}),
    ...(typeof v.username === 'string' ? { authorUsername: v.username } : {}),
    ...(typeof v.text === 'string' ? { text: v.text } : {}),
    ...(at && !Number.isNaN(at.getTime()) ? { commentedAt: at.toISOString() } : {}),
  };
}

export function createThreadsWebhooks(o: { appSecret: string; verifyToken: string | undefined }): WebhookProvider {
  return {
    verify: (req) => verifyMetaSignature(req, o.appSecret),
    handshake: (query) => metaHandshake(query, o.verifyToken),
    parse(req) {
      let body: unknown;
      try { body = JSON.parse(req.rawBody.toString('utf8')); } catch { return []; }
      const b = objOf(body);
      const values = Array.isArray(b.values) ? b.values : b.values ? [b.values] : [];
      const target = idOf(b.target_id);
      const events: ParsedWebhookEvent[] = [];
      for (const item of values) {
        const field = typeof objOf(item).field === 'string' ? objOf(item).field as string : 'unknown';
        const v = objOf(objOf(item).value);
        const subject = idOf(v.id) ?? createHash('sha256').update(JSON.stringify(item)).digest('hex').slice(0, 32);
        const comment = commentOf(field, v, b.time);
        events.push({
          externalId: `${field}:${subject}:${String(b.time ?? '')}`,
          eventType: field,
          kind: comment ? 'comment' : 'other',
          ...(comment ? { comment } : {}),
          payload: { topic: typeof b.topic === 'string' ? b.topic : null, targetId: target ?? null, time: typeof b.time === 'number' ? b.time : null, value: item as Json },
          ...(target ? { platformAccountId: target } : {}),
        });
      }
      return events;
    },
  };
}
