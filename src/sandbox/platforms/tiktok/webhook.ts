// TikTok's webhooks (§1.17): envelope `{ client_key, event, create_time, user_openid, content }` where `content` is
// the event data serialized as a JSON *string*; header `TikTok-Signature: t=<unix s>,s=<hex HMAC-SHA256 of
// "<t>.<raw body>" keyed with the client secret>`. Delivery (retries on non-200, duplicates) is the frame's.
import { createHmac, randomUUID } from 'node:crypto';
import { stringify } from 'lossless-json';
import type { PlatformServices } from '../../platform.js';
import type { ResolvedTiktokOptions } from './options.js';
import type { Publish } from './store.js';

export const SIGNATURE_HEADER = 'TikTok-Signature';

export function signTiktokWebhook(rawBody: string, secret: string, now: Date): Record<string, string> {
  const t = Math.floor(now.getTime() / 1000);
  const s = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return { [SIGNATURE_HEADER]: `t=${t},s=${s}` };
}

export class TiktokWebhooks {
  constructor(private readonly options: ResolvedTiktokOptions, private readonly services: PlatformServices) {}

  /** Queues one event. `content` may hold bigint values (written as JSON numbers inside the content string). */
  emit(event: string, userOpenId: string, content: Record<string, unknown>): void {
    const body = {
      client_key: this.options.clientKey,
      event,
      create_time: Math.floor(Date.now() / 1000),
      user_openid: userOpenId,
      content: stringify(content) ?? '{}',
    };
    // TikTok sends no event id; this one only names the delivery in the control API.
    this.services.emitWebhook({ eventId: `tt_evt_${randomUUID()}`, type: event, body });
  }

  publishEvent(event: string, p: Publish, extra: Record<string, unknown> = {}): void {
    this.emit(event, p.openId, { publish_id: p.id, ...extra, publish_type: p.mode === 'direct' ? 'DIRECT_PUBLISH' : 'INBOX_SHARE' });
  }

  /** `post_id` in content: a string by default (the doc's example), or a raw number when configured. */
  postIdValue(postId: string): string | bigint {
    return this.options.webhookPostIdType === 'number' ? BigInt(postId) : postId;
  }
}
