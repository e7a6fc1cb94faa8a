// At worker start: nudge webhook ingestion for every platform with stored, unprocessed events. The API nudges after
// each delivery, but an API that died between storing rows and nudging (or a Temporal outage outlasting its retries)
// would otherwise leave those rows until the platform's next delivery.
import { and, inArray, isNull } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { webhookEvents } from '../db/schema.js';
import { WebhookIngestNudger, type NudgeLogger } from '../temporal/webhook-dispatch.js';

/** `platforms`: the ones this worker has providers with webhooks for (it could not process the others). */
export async function nudgeStoredWebhooks(db: Db, client: Client, taskQueue: string, log: NudgeLogger, platforms: string[]): Promise<string[]> {
  if (platforms.length === 0) return [];
  const rows = await db.selectDistinct({ provider: webhookEvents.provider }).from(webhookEvents)
    .where(and(isNull(webhookEvents.processedAt), inArray(webhookEvents.provider, platforms)));
  const nudger = new WebhookIngestNudger(client, taskQueue, log);
  for (const { provider } of rows) nudger.nudge(provider);
  await nudger.close();
  return rows.map((r) => r.provider);
}
