// Incoming TikTok webhooks (§1.17).
// verify: header `TikTok-Signature: t=<unix s>,s=<hex>`, s = HMAC-SHA256(client secret, "<t>.<raw body bytes>"),
//         compared in constant time; `t` must be within `toleranceSeconds` of now (TikTok sets no tolerance).
// parse:  envelope `{ client_key, event, create_time, user_openid, content }` where `content` is the event data as a
//         JSON *string*: both levels are parsed int64-safe (post ids stay exact strings). TikTok sends no event id,
//         so the deduplication key is a SHA-256 of the event's own fields: a redelivery of the same event (same
//         bytes) maps to the same id, two different events never do.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Json, ParsedWebhookEvent, WebhookEventKind, WebhookProvider } from '../provider.js';
import { parseTimestampedSignature, singleHeader } from '../shared/webhook-signature.js';
import { idString, parseTiktokJson } from './json.js';

export interface TiktokWebhookConfig {
  clientSecret: string;
  toleranceSeconds: number;
}

const HEADER = 'tiktok-signature';

/** What each TikTok event means for Herald. Both spellings of the "no longer public" event are accepted. */
const eventKinds: Record<string, WebhookEventKind> = {
  'post.publish.complete': 'publish_completed',
  'post.publish.failed': 'publish_failed',
  'post.publish.inbox_delivered': 'publish_progress',
  'post.publish.publicly_available': 'publish_progress',
  'post.publish.no_longer_publicaly_available': 'publish_progress',
  'post.publish.no_longer_publicly_available': 'publish_progress',
  'authorization.removed': 'access_revoked',
};

const removalReasons: Record<number, string> = {
  0: 'unknown',
  1: 'user disconnected the app in TikTok',
  2: 'account deleted',
  3: 'age changed',
  4: 'account banned',
  5: 'developer revoked authorization',
};


function asObject(v: Json | undefined): Record<string, Json> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

export function createTiktokWebhooks(config: TiktokWebhookConfig): WebhookProvider {
  return {
    verify(req, now) {
      if (!config.clientSecret) return { ok: false, reason: 'no TikTok client secret configured' };
      const value = singleHeader(req.headers, HEADER);
      if (!value) return { ok: false, reason: 'missing TikTok-Signature header' };
      const sig = parseTimestampedSignature(value);
      if (!sig) return { ok: false, reason: 'malformed TikTok-Signature header' };
      const expected = createHmac('sha256', config.clientSecret).update(`${sig.t}.`).update(req.rawBody).digest();
      if (!timingSafeEqual(expected, sig.s)) return { ok: false, reason: 'signature mismatch' };
      if (Math.abs(now.getTime() / 1000 - sig.t) > config.toleranceSeconds) {
        return { ok: false, reason: `signature timestamp is more than ${config.toleranceSeconds}s away from now` };
      }
      return { ok: true };
    },

    parse(req): ParsedWebhookEvent[] {
      let envelope: Record<string, Json> | undefined;
      try {
        envelope = asObject(parseTiktokJson(req.rawBody.toString('utf8')));
      } catch {
        throw new Error('TikTok webhook body is not JSON');
      }
      if (!envelope || typeof envelope.event !== 'string' || envelope.event === '') throw new Error('TikTok webhook body lacks an event');
      const event = envelope.event;
      const openId = typeof envelope.user_openid === 'string' && envelope.user_openid !== '' ? envelope.user_openid : undefined;
      const rawContent = typeof envelope.content === 'string' ? envelope.content : '';
      let content: Record<string, Json> = {};
      if (rawContent !== '') {
        try {
          content = asObject(parseTiktokJson(rawContent)) ?? {};
        } catch {
          throw new Error(`TikTok webhook ${event} has a content string that is not JSON`);
        }
      }
      const createTime = idString(envelope.create_time) ?? '';
      const externalId = createHash('sha256').update([event, openId ?? '', createTime, rawContent].join('\n')).digest('hex');
      const kind = eventKinds[event] ?? 'other';
      const publishId = idString(content.publish_id);
      const postId = idString(content.post_id);
      let reason: string | undefined;
      if (event === 'authorization.removed') {
        const code = typeof content.reason === 'number' ? content.reason : undefined;
        reason = code === undefined ? 'unknown' : `${code}: ${removalReasons[code] ?? 'unknown'}`;
      } else if (typeof content.reason === 'string' && content.reason !== '') {
        reason = content.reason;
      }
      return [{
        externalId,
        eventType: event,
        kind,
        payload: { ...envelope, content },
        ...(publishId ? { publishId } : {}),
        ...(openId ? { platformAccountId: openId } : {}),
        ...(postId && event === 'post.publish.publicly_available' ? { platformPostId: postId } : {}),
        ...(reason ? { reason } : {}),
      }];
    },
  };
}
