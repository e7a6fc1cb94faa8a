// Meta webhooks for Instagram (contract §2.4, §4.12). `verify` and `handshake` are Meta's shared signature and
// subscription check (shared/meta-webhook-signature.ts). `parse` flattens the
// batched `entry[].changes[]`; `comments` and `mentions` changes that name a comment become kind `comment` (a mention
// in a caption, with only a media id, stays `other`). Each change gets an id
// stable across Meta's retries (the comment/media id, field and entry time), so redeliveries deduplicate.
import { createHash } from 'node:crypto';
import type { Json, ParsedWebhookEvent, WebhookComment, WebhookProvider } from '../provider.js';
import { metaWebhookVerification } from '../shared/meta-webhook-signature.js';

const idOf = (x: unknown): string | undefined =>
  (typeof x === 'string' && x ? x : typeof x === 'number' && Number.isSafeInteger(x) ? String(x) : undefined);
const strOf = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/**
 * The comment a `comments` or `mentions` change is about (§4.12): comments carry `id` (or `comment_id` in newer
 * examples), `from`, `text`, `media.id`, `parent_id` for replies; mentions carry `comment_id` and `media_id` only.
 */
function commentOf(field: string, v: Record<string, unknown>, time: unknown): WebhookComment | undefined {
  if (field !== 'comments' && field !== 'mentions') return undefined;
  const commentId = idOf(v.id) ?? idOf(v.comment_id);
  const media = (v.media && typeof v.media === 'object' ? v.media : {}) as Record<string, unknown>;
  const mediaId = idOf(media.id) ?? idOf(v.media_id);
  if (!commentId || !mediaId) return undefined;
  const from = (v.from && typeof v.from === 'object' ? v.from : {}) as Record<string, unknown>;
  const parent = idOf(v.parent_id);
  const username = strOf(from.username);
  const authorId = idOf(from.id);
  const text = strOf(v.text);
  const at = strOf(v.timestamp) ? new Date(strOf(v.timestamp)!.replace(/\+0000$/, 'Z'))
    : typeof time === 'number' ? new Date(time * 1000) : undefined;
  return {
    commentId, mediaId,
    ...(parent ? { parentCommentId: parent } : {}),
    ...(username !== undefined ? { authorUsername: username } : {}),
    ...(authorId ? { authorPlatformId: authorId } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(at && !Number.isNaN(at.getTime()) ? { commentedAt: at.toISOString() } : {}),
  };
}

export function createInstagramWebhooks(o: { appSecret: string; verifyToken: string | undefined }): WebhookProvider {
  return {
    ...metaWebhookVerification(o),

    parse(req) {
      let body: unknown;
      try { body = JSON.parse(req.rawBody.toString('utf8')); } catch { return []; }
      const entries = body && typeof body === 'object' ? (body as { entry?: unknown }).entry : undefined;
      if (!Array.isArray(entries)) return [];
      const events: ParsedWebhookEvent[] = [];
      for (const entry of entries) {
        if (!entry || typeof entry !== 'object') continue;
        const { id, time, changes } = entry as { id?: unknown; time?: unknown; changes?: unknown };
        const accountId = typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
        for (const change of Array.isArray(changes) ? changes : []) {
          if (!change || typeof change !== 'object') continue;
          const { field, value } = change as { field?: unknown; value?: unknown };
          const f = typeof field === 'string' ? field : 'unknown';
          const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
          const subject = [v.id, v.comment_id, v.media_id].find((x) => typeof x === 'string');
          const key = subject ? `${subject}` : createHash('sha256').update(JSON.stringify(change)).digest('hex').slice(0, 32);
          const comment = commentOf(f, v, time);
          events.push({
            externalId: `${f}:${key}:${String(time ?? '')}`,
            eventType: f,
            kind: comment ? 'comment' : 'other',
            ...(comment ? { comment } : {}),
            payload: { object: 'instagram', entryId: accountId ?? null, time: typeof time === 'number' ? time : null, change: change as Json },
            ...(accountId ? { platformAccountId: accountId } : {}),
          });
        }
      }
      return events;
    },
  };
}
