// Storage of verified webhook deliveries. The unique (provider, external_id) index is the deduplication:
// platforms deliver at least once, so the same event may come several times and is stored the first time only.
import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { sql as drizzleSql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { webhookEvents } from '../../../db/schema.js';
import type { ParsedWebhookEvent } from '../../../platforms/provider.js';

/**
 * Postgres text and jsonb cannot hold U+0000. No legitimate JSON body carries one, but a signed body that did must
 * not fail the insert and have the platform retry it forever: the stored copies replace it with U+FFFD.
 */
const NUL = '\u0000';
const ESCAPED_NUL = '\\u0000';

function storable(rawBody: Buffer): { text: string; clean: boolean } {
  const text = rawBody.toString('utf8');
  const clean = !text.includes(NUL) && !text.includes(ESCAPED_NUL);
  return { text: clean ? text : text.replaceAll(NUL, '\uFFFD'), clean };
}

function storablePayload(payload: ParsedWebhookEvent['payload']): ParsedWebhookEvent['payload'] {
  return JSON.parse(JSON.stringify(payload).replaceAll(ESCAPED_NUL, '\\ufffd'));
}

/**
 * Inserts the events of one delivery; returns how many were new (the others were already stored). On the
 * acknowledgement path of every delivery, so written for postgres.js directly rather than through Drizzle's query
 * builder, whose per-query cost shows at hundreds of deliveries a second.
 */
export async function storeWebhookEvents(sql: postgres.Sql, provider: string, rawBody: Buffer, events: ParsedWebhookEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const body = storable(rawBody);
  const rows = events.map((e) => ({
    provider,
    event_type: e.eventType,
    external_id: e.externalId,
    raw_body: body.text,
    // Sent as JSON text for the jsonb column. It comes from the body: only a body with a NUL can give one a NUL.
    payload: JSON.stringify(body.clean ? e.payload : storablePayload(e.payload)),
  }));
  const inserted = await sql`
    insert into webhook_events ${sql(rows, 'provider', 'event_type', 'external_id', 'raw_body', 'payload')}
    on conflict (provider, external_id) do nothing
    returning id`;
  return inserted.length;
}

/**
 * A correctly signed body the provider cannot read: kept for inspection, already settled (processed_at with its
 * error) so ingestion leaves it alone. Keyed by the body's hash, so the platform's retries store it once.
 * Returns whether it was new.
 */
export async function storeUnreadableWebhook(db: Db, provider: string, rawBody: Buffer, reason: string): Promise<boolean> {
  const inserted = await db.insert(webhookEvents).values({
    provider,
    eventType: 'unreadable',
    externalId: `unreadable:${createHash('sha256').update(rawBody).digest('hex')}`,
    rawBody: storable(rawBody).text,
    payload: null,
    processedAt: drizzleSql`now()`,
    error: `unreadable body: ${reason}`.slice(0, 2000),
  }).onConflictDoNothing({ target: [webhookEvents.provider, webhookEvents.externalId] }).returning({ id: webhookEvents.id });
  return inserted.length > 0;
}
