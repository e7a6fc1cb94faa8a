// The API's nudge of webhook ingestion: after storing deliveries, signal-with-start the platform's webhookIngest
// workflow so it looks at the table now. Never on the request path (the platform has its 200 already), and
// coalesced per platform: at most one nudge in flight, deliveries arriving meanwhile make one more nudge after it,
// and nudges are spaced by `minIntervalMs`. 500 deliveries a second become a handful of Temporal calls, while the
// first delivery after a quiet spell is nudged at once.
//
// A nudge that fails (Temporal unreachable) is tried again with backoff for as long as this process runs. Rows
// are safe in Postgres whatever happens here: a running workflow also polls the table on its own timer.
import type { Client } from '@temporalio/client';
import { webhookIngestWorkflowId, webhooksArrivedSignal, type WebhookIngestInput } from '../workflows/webhook-messages.js';

export interface NudgeLogger {
  warn(obj: object, msg: string): void;
}

export interface WebhookIngestNudgerOptions {
  /** Least time between two nudges of one platform (default 200 ms). */
  minIntervalMs?: number;
  /** First wait after a failed nudge, doubled each time up to `maxRetryDelayMs` (defaults 1 s and 60 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

interface PlatformState {
  /** Deliveries stored since the last nudge was sent. */
  pending: boolean;
  sending: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
  /** No nudge before this time: the spacing after a nudge, or the backoff after a failed one. */
  notBefore: number;
  failures: number;
}

export class WebhookIngestNudger {
  private readonly platforms = new Map<string, PlatformState>();
  private readonly minIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private closed = false;

  constructor(
    private readonly client: Pick<Client, 'workflow'>,
    private readonly taskQueue: string,
    private readonly log: NudgeLogger,
    opts: WebhookIngestNudgerOptions = {},
  ) {
    this.minIntervalMs = opts.minIntervalMs ?? 200;
    this.retryDelayMs = opts.retryDelayMs ?? 1_000;
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 60_000;
  }

  /** Records that `platform` has new rows and makes sure a nudge follows. Returns at once. */
  nudge(platform: string): void {
    if (this.closed) return;
    let s = this.platforms.get(platform);
    if (!s) {
      s = { pending: false, sending: undefined, timer: undefined, notBefore: 0, failures: 0 };
      this.platforms.set(platform, s);
    }
    s.pending = true;
    this.pump(platform, s);
  }

  /** Stops retries and waits for nudges in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.platforms.values()) {
      clearTimeout(s.timer);
      s.timer = undefined;
    }
    await Promise.allSettled([...this.platforms.values()].map((s) => s.sending));
  }

  private pump(platform: string, s: PlatformState): void {
    // A nudge in flight or one already scheduled will pick `pending` up when it is due.
    if (this.closed || !s.pending || s.sending || s.timer) return;
    const wait = s.notBefore - Date.now();
    if (wait > 0) {
      s.timer = setTimeout(() => { s.timer = undefined; this.pump(platform, s); }, wait);
      s.timer.unref();
      return;
    }
    s.pending = false;
    s.notBefore = Date.now() + this.minIntervalMs;
    s.sending = this.send(platform).then(
      () => { s.failures = 0; },
      (err: unknown) => {
        s.failures += 1;
        s.pending = true;
        s.notBefore = Date.now() + Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** (s.failures - 1));
        this.log.warn({ platform, failures: s.failures, err: err instanceof Error ? err.message : String(err) },
          'could not nudge webhook ingestion; will try again');
      },
    ).finally(() => {
      s.sending = undefined;
      this.pump(platform, s);
    });
  }

  private async send(platform: string): Promise<void> {
    const input: WebhookIngestInput = { platform };
    await this.client.workflow.signalWithStart('webhookIngest', {
      workflowId: webhookIngestWorkflowId(platform),
      taskQueue: this.taskQueue,
      args: [input],
      signal: webhooksArrivedSignal,
      signalArgs: [],
    });
  }
}
