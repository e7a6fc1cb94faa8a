// Incoming testbed webhooks. Signature header: `Testbed-Signature: t=<unix seconds>,s=<hex HMAC-SHA256 of
// "<t>.<raw body>">` keyed with the webhook secret. The timestamp bounds replays (default tolerance 300 s); the
// comparison is constant-time. Events: `{ event_id, type, post_id, client_ref, occurred_at }`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Json, ParsedWebhookEvent, WebhookEventKind, WebhookProvider } from '../provider.js';
import { parseTimestampedSignature, singleHeader } from '../shared/webhook-signature.js';

export interface TestbedWebhookConfig {
  secret: string | undefined;
  toleranceSeconds?: number;
}

const HEADER = 'testbed-signature';


/** What each testbed event means for Herald (see WebhookEventKind). */
const eventKinds: Record<string, WebhookEventKind> = {
  'post.published': 'publish_completed',
  'post.failed': 'publish_failed',
  'authorization.revoked': 'access_revoked',
};

export function createTestbedWebhooks(config: TestbedWebhookConfig): WebhookProvider {
  const tolerance = config.toleranceSeconds ?? 300;

  return {
    verify(req, now) {
      if (!config.secret) return { ok: false, reason: 'no webhook secret configured for testbed' };
      const value = singleHeader(req.headers, HEADER);
      if (!value) return { ok: false, reason: 'missing Testbed-Signature header' };
      const sig = parseTimestampedSignature(value);
      if (!sig) return { ok: false, reason: 'malformed Testbed-Signature header' };
      if (Math.abs(now.getTime() / 1000 - sig.t) > tolerance) {
        return { ok: false, reason: `signature timestamp is more than ${tolerance}s away from now` };
      }
      const expected = createHmac('sha256', config.secret).update(`${sig.t}.`).update(req.rawBody).digest();
      if (!timingSafeEqual(expected, sig.s)) return { ok: false, reason: 'signature mismatch' };
      return { ok: true };
    },

    parse(req): ParsedWebhookEvent[] {
      let body: unknown;
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new Error('testbed webhook body is not JSON');
      }
      const e = body as { event_id?: unknown; type?: unknown; post_id?: unknown };
      if (!body || typeof body !== 'object' || typeof e.event_id !== 'string' || typeof e.type !== 'string') {
        throw new Error('testbed webhook body lacks event_id or type');
      }
      return [{
        externalId: e.event_id,
        eventType: e.type,
        kind: eventKinds[e.type] ?? 'other',
        payload: body as Json,
        ...(typeof e.post_id === 'string' ? { publishId: e.post_id } : {}),
      }];
    },
  };
}
