// Shared by the webhook suites. Each suite uses a platform id of its own (the testbed provider under another id),
// so its webhookIngest workflow (`webhook-ingest:<platform>`) and its webhook_events rows never meet another
// suite's on the shared Temporal server and database.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Db } from '../../src/db/client.js';
import { webhookEvents } from '../../src/db/schema.js';
import type { ParsedWebhookEvent, PlatformProvider, WebhookProvider } from '../../src/platforms/provider.js';
import { createTestbedProvider, TESTBED_DEFAULT_WEBHOOK_SECRET, type TestbedProviderOptions } from '../../src/platforms/testbed/index.js';
import { signTestbedWebhook } from '../../src/sandbox/platforms/testbed/signature.js';
import { webhookIngestWorkflowId, type WebhookIngestInput } from '../../src/workflows/webhook-messages.js';

export const WEBHOOK_SECRET = TESTBED_DEFAULT_WEBHOOK_SECRET;

export const uniquePlatform = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * The testbed provider under `id`. Its parse also reads `account_id` (access_revoked events), `public_post_id` and
 * `reason` from the body, which the testbed's own events do not carry, so every event kind can be exercised.
 * `parseFailsOn`: bodies containing this text fail to parse (to make stored events fail at ingestion).
 */
export function webhookTestProvider(id: string, opts: Partial<TestbedProviderOptions> & { parseFailsOn?: string; handshakeToken?: string } = {}): PlatformProvider {
  const base = createTestbedProvider({ baseUrl: 'http://127.0.0.1:9/testbed', ...opts });
  const hooks = base.webhooks!;
  const webhooks: WebhookProvider = {
    verify: (req, now) => hooks.verify(req, now),
    parse(req): ParsedWebhookEvent[] {
      if (opts.parseFailsOn && req.rawBody.toString('utf8').includes(opts.parseFailsOn)) throw new Error('parse refused by the test provider');
      return hooks.parse(req).map((e) => {
        const body = e.payload as Record<string, unknown>;
        return {
          ...e,
          ...(typeof body.account_id === 'string' ? { platformAccountId: body.account_id } : {}),
          ...(typeof body.public_post_id === 'string' ? { platformPostId: body.public_post_id } : {}),
          ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
        };
      });
    },
    ...(opts.handshakeToken ? {
      handshake: (q: Record<string, string | undefined>) =>
        (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === opts.handshakeToken ? q['hub.challenge'] : undefined),
    } : {}),
  };
  return { ...base, id, webhooks };
}

/** Headers of a delivery of `body` signed the testbed way, as the sandbox signs it. */
export function signed(body: string, opts: { secret?: string; at?: Date } = {}): Record<string, string> {
  return { 'content-type': 'application/json', ...signTestbedWebhook(body, opts.secret ?? WEBHOOK_SECRET, opts.at ?? new Date()) };
}

export function eventBody(fields: { type: string; event_id?: string; post_id?: string; [k: string]: unknown }): string {
  return JSON.stringify({ event_id: `evt_${randomUUID()}`, occurred_at: new Date().toISOString(), ...fields });
}

export async function rowsOf(db: Db, platform: string, externalId?: string) {
  return db.select().from(webhookEvents).where(and(
    eq(webhookEvents.provider, platform),
    ...(externalId ? [eq(webhookEvents.externalId, externalId)] : []),
  ));
}

/** Starts the platform's ingestion workflow ahead of the API's first nudge, with a short poll interval. */
export async function startIngest(client: Client, taskQueue: string, input: WebhookIngestInput): Promise<void> {
  await client.workflow.start('webhookIngest', { workflowId: webhookIngestWorkflowId(input.platform), taskQueue, args: [input] });
}

export async function stopIngest(client: Client, platform: string): Promise<void> {
  await client.workflow.getHandle(webhookIngestWorkflowId(platform)).terminate('test finished').catch(() => undefined);
}
