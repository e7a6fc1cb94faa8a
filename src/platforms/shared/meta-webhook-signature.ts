// Meta's webhook signature and subscription handshake (contract §2.4), shared by every Meta platform (Instagram,
// Facebook Pages): `verify` checks `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw request bytes keyed
// with the app secret (never a re-serialized body: Meta signs its escaped-unicode bytes), in constant time;
// `handshake` answers the GET subscription check with hub.challenge when hub.verify_token matches.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookProvider, WebhookRequest } from '../provider.js';
import { singleHeader } from './webhook-signature.js';

const SIGNATURE_HEADER = 'x-hub-signature-256';

export function metaWebhookVerification(o: { appSecret: string; verifyToken: string | undefined }): Pick<WebhookProvider, 'verify' | 'handshake'> {
  return {
    verify(req: WebhookRequest) {
      const sig = singleHeader(req.headers, SIGNATURE_HEADER);
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
  };
}
