// webhookIngest: one per platform (id `webhook-ingest:<platform>`), running for as long as the deployment does.
// The API stores every verified delivery in webhook_events and nudges this workflow (signal-with-start); the
// workflow drains the table in batches through one activity that claims rows, applies them and marks them
// processed. The table is the queue and the nudge only says "look now": a lost nudge is made up for by the poll
// timer, so an event can be delayed but never lost.
import {
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import { webhooksArrivedSignal, type WebhookIngestInput } from './webhook-messages.js';

type Activities = ReturnType<typeof createActivities>;

const DEFAULT_POLL_INTERVAL_MS = 30_000;
/** Rows claimed per activity: large enough to keep up with bursts, small enough to finish well inside a timeout. */
const BATCH_SIZE = 200;
/**
 * Batches per run before continuing as new. Each batch adds about a dozen history events (activity, workflow
 * tasks, timer, signals), so this keeps a run's history near 3,000 events.
 */
const MAX_BATCHES_PER_RUN = 250;

// A regular activity (not local): a batch may message many workflows and heartbeats while it does. Its retries are
// bounded so a dead dependency cannot keep the run from continuing as new; the next nudge or poll tries again.
const ingest = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export async function webhookIngest(input: WebhookIngestInput): Promise<void> {
  const pollIntervalMs = input.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let nudged = false;
  setHandler(webhooksArrivedSignal, () => { nudged = true; });

  // Every run, the first included, starts with a batch: rows may have arrived while no run was listening.
  let more = true;
  /** When events that failed before were last offered again: they wait at least one poll interval between tries. */
  let retriesOfferedAt = Number.NEGATIVE_INFINITY;

  for (let batches = 0; batches < MAX_BATCHES_PER_RUN && !workflowInfo().continueAsNewSuggested; batches++) {
    if (!more) await condition(() => nudged, pollIntervalMs);
    nudged = false;
    const includeRetries = Date.now() - retriesOfferedAt >= pollIntervalMs;
    if (includeRetries) retriesOfferedAt = Date.now();
    try {
      const result = await ingest.ingestWebhookBatch({ platform: input.platform, limit: BATCH_SIZE, includeRetries });
      more = result.more;
    } catch (err) {
      // The batch rolled back (its rows are still unprocessed): wait for the next nudge or poll.
      log.warn('webhook batch failed; will try again on the next nudge or poll', { platform: input.platform, error: String(err) });
      more = false;
    }
  }
  // The signal handler is synchronous, but wait anyway so a handler added later cannot be cut off mid-way.
  await condition(allHandlersFinished);
  await continueAsNew<typeof webhookIngest>(input);
}
