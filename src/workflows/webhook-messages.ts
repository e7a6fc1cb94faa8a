// The contract of webhookIngest, one long-running workflow per platform (id `webhook-ingest:<platform>`) that turns
// stored webhook_events rows into effects. Shared by the API (which nudges it after storing deliveries) and the
// workflow itself.
import { defineSignal } from '@temporalio/workflow';

export const webhookIngestWorkflowId = (platform: string) => `webhook-ingest:${platform}`;

export interface WebhookIngestInput {
  platform: string;
  /**
   * Longest wait between two looks at the table without a nudge (default 30 s): a lost nudge delays ingestion by
   * at most this much, never loses an event. Also the pause before a failed event is tried again.
   */
  pollIntervalMs?: number;
}

/** New rows are waiting in webhook_events for this platform. Carries nothing: the table is the queue. */
export const webhooksArrivedSignal = defineSignal<[]>('webhooksArrived');
