// Incoming testbed webhooks. Signature header: `Testbed-Signature: t=<unix seconds>,s=<hex HMAC-SHA256 of
// "<t>.<raw body>">` keyed with the webhook secret. The timestamp bounds replays (default tolerance 300 s); the
// comparison is constant-time. Events: `{ event_id, type, post_id, client_ref, occurred_at }`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Json, ParsedWebhookEvent, WebhookEventKind, WebhookProvider, WebhookRequest } from '../provider.js';

export interface TestbedWebhookConfig {
  secret: string | undefined;
  toleranceSeconds?: number;
}

const HEADER = 'testbed-signature';

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
  }
  return undefined;
}

function parseSignature(value: string): { t: number; s: Buffer } | undefined {
  const parts = new Map<string, string>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const t = parts.get('t');
  const s = parts.get('s');
  if (!t || !/^\d{1,12}$/.test(t) || !s || !/^[0-9a-f]{64}$/i.test(s)) return undefined;
  return { t: Number(t), s: Buffer.from(s, 'hex') };
}

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
      const value = header(req.headers, HEADER);
      if (!value) return { ok: false, reason: 'missing Testbed-Signature header' };
      const sig = parseSignature(value);
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
