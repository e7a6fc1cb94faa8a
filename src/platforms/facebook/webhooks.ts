// Facebook Page webhooks (contract §2.4, §5.5): object `page`, `entry[].changes[]` with field `feed` and a value
// naming `item` (comment, reaction, status, photo, ...) and `verb` (add, edited, remove). Signature and handshake are
// Meta's shared ones (shared/meta-webhook-signature.ts). A comment being added or edited becomes kind `comment`, its
// media being the Page post (`post_id`); everything else is stored as `other`. Each change gets an id stable across
// Meta's retries (item, verb, subject id and entry time), so redeliveries deduplicate.
import { createHash } from 'node:crypto';
import type { Json, ParsedWebhookEvent, WebhookComment, WebhookProvider } from '../provider.js';
import { metaWebhookVerification } from '../shared/meta-webhook-signature.js';

const idOf = (x: unknown): string | undefined =>
  (typeof x === 'string' && x ? x : typeof x === 'number' && Number.isSafeInteger(x) ? String(x) : undefined);
const strOf = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

function commentOf(v: Record<string, unknown>, time: unknown): WebhookComment | undefined {
  if (v.item !== 'comment' || (v.verb !== 'add' && v.verb !== 'edited')) return undefined;
  const commentId = idOf(v.comment_id);
  const mediaId = idOf(v.post_id);
  if (!commentId || !mediaId) return undefined;
  const from = (v.from && typeof v.from === 'object' ? v.from : {}) as Record<string, unknown>;
  const parent = idOf(v.parent_id);
  const name = strOf(from.name);
  const authorId = idOf(from.id);
  const text = strOf(v.message);
  const at = typeof v.created_time === 'number' ? new Date(v.created_time * 1000) : typeof time === 'number' ? new Date(time * 1000) : undefined;
  return {
    commentId, mediaId,
    // A top-level comment names the post as its parent.
    ...(parent && parent !== mediaId ? { parentCommentId: parent } : {}),
    ...(name !== undefined ? { authorUsername: name } : {}),
    ...(authorId ? { authorPlatformId: authorId } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(at && !Number.isNaN(at.getTime()) ? { commentedAt: at.toISOString() } : {}),
  };
}

export function createFacebookWebhooks(o: { appSecret: string; verifyToken: string | undefined }): WebhookProvider {
  return {
    ...metaWebhookVerification(o),

    parse(req) {
      let body: unknown;
      try { body = JSON.parse(req.rawBody.toString('utf8')); } catch { return []; }
      if (!body || typeof body !== 'object' || (body as { object?: unknown }).object !== 'page') return [];
      const entries = (body as { entry?: unknown }).entry;
      if (!Array.isArray(entries)) return [];
      const events: ParsedWebhookEvent[] = [];
      for (const entry of entries) {
        if (!entry || typeof entry !== 'object') continue;
        const { id, time, changes } = entry as { id?: unknown; time?: unknown; changes?: unknown };
        const pageId = idOf(id);
        for (const change of Array.isArray(changes) ? changes : []) {
          if (!change || typeof change !== 'object') continue;
          const { field, value } = change as { field?: unknown; value?: unknown };
          const f = typeof field === 'string' ? field : 'unknown';
          const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
          const subject = idOf(v.comment_id) ?? idOf(v.post_id) ?? idOf(v.photo_id) ?? idOf(v.video_id);
          const key = subject ?? createHash('sha256').update(JSON.stringify(change)).digest('hex').slice(0, 32);
          const comment = f === 'feed' ? commentOf(v, time) : undefined;
          const what = [f, strOf(v.item), strOf(v.verb)].filter(Boolean).join('.');
          events.push({
            externalId: `${what}:${key}:${String(time ?? '')}`,
            eventType: what,
            kind: comment ? 'comment' : 'other',
            ...(comment ? { comment } : {}),
            payload: { object: 'page', entryId: pageId ?? null, time: typeof time === 'number' ? time : null, change: change as Json },
            ...(pageId ? { platformAccountId: pageId } : {}),
          });
        }
      }
      return events;
    },
  };
}
