// Webhook ingestion, on behalf of the webhookIngest workflow: claim a batch of a platform's unprocessed
// webhook_events rows, apply each (src/activities/webhook-effects.ts), and mark it.
//
// The batch is one transaction. Rows are claimed with FOR UPDATE SKIP LOCKED, so a second claimer (an activity
// retried while a lost attempt still runs) takes other rows instead of the same ones, and marked in the same
// transaction: an event's database effects, its processed_at and its attempts counter commit together. Temporal
// messages sent meanwhile are idempotent (see webhook-effects.ts), which covers a crash before the commit.
//
// Row states:
//   processed_at null, attempts 0             waiting
//   processed_at null, attempts > 0, error    failed, offered again once per poll interval (see the workflow)
//   processed_at set,  error null             applied
//   processed_at set,  error set              not applied: unreadable body (stored so by the API) or gave up after
//                                             WEBHOOK_EVENT_MAX_ATTEMPTS tries. Kept for inspection.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { postTargets, socialAccounts, webhookEvents } from '../db/schema.js';
import type { ParsedWebhookEvent, WebhookProvider } from '../platforms/provider.js';
import type { ActivityDeps } from './deps.js';
import { applyWebhookEvent, type EffectContext, type TargetRow } from './webhook-effects.js';

/** Tries per event before it is set aside with its error. */
export const WEBHOOK_EVENT_MAX_ATTEMPTS = 5;

export interface IngestBatchInput {
  platform: string;
  limit: number;
  /** Also claim events that failed before (otherwise only fresh ones), so failures are not retried in a tight loop. */
  includeRetries: boolean;
}

export interface IngestBatchResult {
  claimed: number;
  applied: number;
  failed: number;
  /** Of the failed: events that used their last try. */
  gaveUp: number;
  /** A full batch was claimed: there are probably more waiting. */
  more: boolean;
}

type ClaimedRow = { id: string; externalId: string; eventType: string; rawBody: string; attempts: number };
type Item = { row: ClaimedRow; event: ParsedWebhookEvent } | { row: ClaimedRow; error: string };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000);

/**
 * The event a stored row holds, read again from its raw body with the provider's own `parse`, so ids are read the
 * way the provider reads them (e.g. int64 ids kept as strings, which the jsonb payload would not guarantee). Parsing
 * sees the body alone: providers parse from the body, and headers are not stored. One body may carry several
 * events (one row each): it is parsed once per batch.
 */
function readStoredEvent(hooks: WebhookProvider, row: ClaimedRow, cache: Map<string, ParsedWebhookEvent[] | Error>): ParsedWebhookEvent {
  let parsed = cache.get(row.rawBody);
  if (!parsed) {
    try {
      parsed = hooks.parse({ rawBody: Buffer.from(row.rawBody, 'utf8'), headers: {}, query: {} });
    } catch (err) {
      parsed = err instanceof Error ? err : new Error(String(err));
    }
    cache.set(row.rawBody, parsed);
  }
  if (parsed instanceof Error) throw new Error(`stored body no longer parses: ${parsed.message}`);
  const event = parsed.find((e) => e.externalId === row.externalId);
  if (!event) throw new Error(`stored body has no event ${row.externalId}`);
  return event;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

export function createWebhookActivities({ database: { db }, platforms, temporalClient, logger }: ActivityDeps) {
  return {
    async ingestWebhookBatch(input: IngestBatchInput): Promise<IngestBatchResult> {
      const { platform } = input;
      const hooks = platforms.has(platform) ? platforms.get(platform).webhooks : undefined;
      if (!hooks) {
        // A worker configured without this platform cannot judge its events: leave them for one that can.
        throw ApplicationFailure.retryable(`no webhook provider for platform ${platform} on this worker`, 'platform_unavailable');
      }
      const activity = Context.current();

      return db.transaction(async (tx) => {
        const rows: ClaimedRow[] = await tx.select({
          id: webhookEvents.id, externalId: webhookEvents.externalId, eventType: webhookEvents.eventType,
          rawBody: webhookEvents.rawBody, attempts: webhookEvents.attempts,
        }).from(webhookEvents)
          .where(and(
            eq(webhookEvents.provider, platform),
            isNull(webhookEvents.processedAt),
            input.includeRetries ? undefined : eq(webhookEvents.attempts, 0),
          ))
          .orderBy(asc(webhookEvents.receivedAt))
          .limit(input.limit)
          .for('update', { skipLocked: true });
        if (rows.length === 0) return { claimed: 0, applied: 0, failed: 0, gaveUp: 0, more: false };

        const cache = new Map<string, ParsedWebhookEvent[] | Error>();
        const items: Item[] = rows.map((row) => {
          try {
            return { row, event: readStoredEvent(hooks, row, cache) };
          } catch (err) {
            return { row, error: errorText(err) };
          }
        });
        const events = items.flatMap((i) => ('event' in i ? [i.event] : []));

        // What the events are about, in two queries for the whole batch rather than two per event.
        const publishIds = [...new Set(events.flatMap((e) => (e.publishId ? [e.publishId] : [])))];
        const accountIds = [...new Set(events.flatMap((e) => (e.kind === 'access_revoked' && e.platformAccountId ? [e.platformAccountId] : [])))];
        const targets: TargetRow[] = publishIds.length === 0 ? [] : await tx.select({
          id: postTargets.id, postId: postTargets.postId, status: postTargets.status,
          publishId: postTargets.publishId, platformPostId: postTargets.platformPostId,
        }).from(postTargets).where(and(eq(postTargets.platform, platform), inArray(postTargets.publishId, publishIds)));
        const accounts = accountIds.length === 0 ? [] : await tx.select({ id: socialAccounts.id, platformAccountId: socialAccounts.platformAccountId })
          .from(socialAccounts).where(and(eq(socialAccounts.platform, platform), inArray(socialAccounts.platformAccountId, accountIds)));

        const ctx: EffectContext = {
          platform,
          tx,
          client: temporalClient,
          targetsByPublishId: groupBy(targets, (t) => t.publishId!),
          accountsByPlatformId: new Map([...groupBy(accounts, (a) => a.platformAccountId)].map(([k, v]) => [k, v.map((a) => a.id)])),
          woken: new Set(),
        };

        const applied: string[] = [];
        const failures: { row: ClaimedRow; error: string }[] = [];
        for (const item of items) {
          activity.heartbeat();
          if ('error' in item) {
            failures.push(item);
            continue;
          }
          try {
            const note = await applyWebhookEvent(item.event, ctx);
            applied.push(item.row.id);
            logger.debug({ platform, eventId: item.event.externalId, eventType: item.event.eventType, note }, 'webhook event applied');
          } catch (err) {
            failures.push({ row: item.row, error: errorText(err) });
          }
        }

        if (applied.length > 0) {
          await tx.update(webhookEvents)
            .set({ processedAt: sql`now()`, error: null, attempts: sql`${webhookEvents.attempts} + 1` })
            .where(inArray(webhookEvents.id, applied));
        }
        let gaveUp = 0;
        for (const { row, error } of failures) {
          const attempts = row.attempts + 1;
          const final = attempts >= WEBHOOK_EVENT_MAX_ATTEMPTS;
          if (final) gaveUp++;
          await tx.update(webhookEvents).set({
            attempts,
            error: final ? `gave up after ${attempts} attempts: ${error}` : error,
            processedAt: final ? sql`now()` : null,
          }).where(eq(webhookEvents.id, row.id));
          logger.warn({ platform, eventId: row.externalId, eventType: row.eventType, attempts, final, error }, 'webhook event failed');
        }

        return { claimed: rows.length, applied: applied.length, failed: failures.length, gaveUp, more: rows.length === input.limit };
      });
    },
  };
}
