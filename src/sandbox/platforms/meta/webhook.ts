// Meta webhooks (§2.4, §4.12): `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256 of the raw body keyed with
// the app secret>` (plus the legacy sha1 header), envelope `{ object: "instagram", entry: [{ id, time, changes }] }`.
import { createHmac, randomUUID } from 'node:crypto';
import type { PlatformServices } from '../../platform.js';

export function signMetaWebhook(rawBody: string, secret: string): Record<string, string> {
  return {
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`,
    'X-Hub-Signature': `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`,
  };
}

export interface WebhookChange {
  field: string;
  value: Record<string, unknown>;
}

export class MetaWebhooks {
  constructor(private readonly services: PlatformServices) {}

  /** One delivery carrying a batch of entries (Meta batches up to 1000 updates per POST). */
  emit(entries: { id: string; changes: WebhookChange[] }[], object: 'instagram' | 'page' = 'instagram'): void {
    const time = Math.floor(Date.now() / 1000);
    const body = { object, entry: entries.map((e) => ({ id: e.id, time, changes: e.changes })) };
    this.services.emitWebhook({ eventId: `meta_evt_${randomUUID()}`, type: entries[0]?.changes[0]?.field ?? object, body });
  }
}
