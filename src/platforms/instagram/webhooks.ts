// Meta webhooks for Instagram (contract §2.4, §4.12). `verify` checks `X-Hub-Signature-256: sha256=<hex>`, the
// HMAC-SHA256 of the raw request bytes keyed with the app secret (never a re-serialized body: Meta signs its
// escaped-unicode bytes), in constant time. `handshake` answers the GET subscription check. `parse` flattens the
// batched `entry[].changes[]`; comments and mentions are stored as kind `other` for now. Each change gets an id
// stable across Meta's retries (the comment/media id, field and entry time), so redeliveries deduplicate.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Json, ParsedWebhookEvent, WebhookProvider, WebhookRequest } from '../provider.js';

const SIGNATURE_HEADER = 'x-hub-signature-256';

function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name] ?? req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function createInstagramWebhooks(o: { appSecret: string; verifyToken: string | undefined }): WebhookProvider {
  return {
    verify(req) {
      const sig = header(req, SIGNATURE_HEADER);
      if (!sig) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
      const m = /^sha256=([0-9a-f]{64})$/i.exec(sig.trim());
      if (!m) return { ok: false, reason: 'malformed X-Hub-Signature-256 header' };
      const expected = createHmac('sha256', o.appSecret).update(req.rawBody).digest();
      const given = Buffer.from(m[1]!, 'hex');
      return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature mismatch' };
    },

    handshake(query) {
      if (!o.verifyToken) return undefined;
      if (query['hub.mode'] !== 'subscribe' || typeof query['hub.challenge'] !== 'string') return undefined;
      const given = Buffer.from(query['hub.verify_token'] ?? '');
      const want = Buffer.from(o.verifyToken);
      if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
      return query['hub.challenge'];
    },

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
          events.push({
            externalId: `${f}:${key}:${String(time ?? '')}`,
            eventType: f,
            kind: 'other',
            payload: { object: 'instagram', entryId: accountId ?? null, time: typeof time === 'number' ? time : null, change: change as Json },
            ...(accountId ? { platformAccountId: accountId } : {}),
          });
        }
      }
      return events;
    },
  };
}
