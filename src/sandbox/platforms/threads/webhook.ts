// Threads webhooks (§6.9): signed like every Meta webhook (X-Hub-Signature-256 with the app secret, meta/webhook.ts),
// flat payload `{ app_id, topic, target_id, time, subscription_id, has_uid_field, values: { value, field } }`.
import { randomUUID } from 'node:crypto';
import type { PlatformServices } from '../../platform.js';

export class ThreadsWebhooks {
  constructor(private readonly services: PlatformServices, private readonly appId: string) {}

  emit(topic: string, targetId: string, field: string, value: Record<string, unknown>): void {
    const body = {
      app_id: this.appId, topic, target_id: targetId, time: Math.floor(Date.now() / 1000), subscription_id: '234567',
      has_uid_field: false, values: { value, field },
    };
    this.services.emitWebhook({ eventId: `threads_evt_${randomUUID()}`, type: field, body });
  }
}
