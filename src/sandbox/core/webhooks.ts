// Outgoing webhooks, the way platforms send them: each event is signed by the platform's own signer, POSTed to the
// callback URL configured for that platform, and retried with exponential backoff while the receiver answers
// non-2xx (or cannot be reached). A `duplicate_webhook` fault arms the platform's next event to be delivered
// extra times (same event id, same body, each copy signed afresh, one after the other) - the at-least-once
// delivery receivers must deduplicate. Every delivery and attempt is kept for GET /__sandbox/webhooks/deliveries.
import type { FastifyBaseLogger } from 'fastify';

/** Returns the headers that carry the signature of `rawBody`. */
export type WebhookSigner = (rawBody: string, secret: string, now: Date) => Record<string, string>;

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface WebhookEvent {
  eventId: string;
  type: string;
  body: Record<string, unknown>;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
}

export interface WebhookDelivery {
  id: string;
  platform: string;
  eventId: string;
  type: string;
  url: string;
  /** 0 for the original, 1.. for copies made by a duplicate_webhook fault. */
  copy: number;
  body: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
}

export interface WebhookRetryPolicy {
  /** Total attempts per delivery, including the first. */
  attempts: number;
  /** Wait before the 2nd attempt; doubled for each later one. */
  backoffMs: number;
  /** Per-attempt request timeout. */
  timeoutMs: number;
}

export const defaultWebhookRetry: WebhookRetryPolicy = { attempts: 4, backoffMs: 500, timeoutMs: 5_000 };

interface PlatformWebhooks {
  signer: WebhookSigner;
  initial: Partial<WebhookTarget> & { secret: string };
  current: Partial<WebhookTarget> & { secret: string };
  extraCopies: number;
}

export class UnknownWebhookPlatformError extends Error {}

export class WebhookDispatcher {
  private readonly platforms = new Map<string, PlatformWebhooks>();
  private deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Pending retry waits, with the function that ends each wait early (on reset/close). */
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  /** Bumped on reset/close so work started before it neither records nor retries. */
  private generation = 0;
  private seq = 0;

  constructor(
    private readonly retry: WebhookRetryPolicy,
    private readonly log: FastifyBaseLogger,
    private readonly capacity = 5_000,
  ) {}

  registerPlatform(name: string, signer: WebhookSigner, initial: { url?: string | undefined; secret: string }): void {
    const start = { ...(initial.url ? { url: initial.url } : {}), secret: initial.secret };
    this.platforms.set(name, { signer, initial: start, current: { ...start }, extraCopies: 0 });
  }

  /** Sets a platform's callback; without `secret` the current one is kept. */
  configure(platform: string, target: { url: string; secret?: string | undefined }): void {
    const p = this.require(platform);
    p.current = { url: target.url, secret: target.secret ?? p.current.secret };
  }

  /** The configured callbacks, without secrets. */
  targets(): { platform: string; url: string | null }[] {
    return [...this.platforms].map(([platform, p]) => ({ platform, url: p.current.url ?? null }));
  }

  armDuplicate(platform: string, copies: number): void {
    const p = this.require(platform);
    p.extraCopies = Math.max(p.extraCopies, copies);
  }

  /** Queues an event; a no-op when the platform has no callback configured (nothing is armed or consumed). */
  enqueue(platform: string, event: WebhookEvent): void {
    const p = this.require(platform);
    const url = p.current.url;
    if (!url) return;
    const copies = 1 + p.extraCopies;
    p.extraCopies = 0;
    const secret = p.current.secret;
    const generation = this.generation;
    const run = (async () => {
      for (let copy = 0; copy < copies; copy++) {
        if (generation !== this.generation) return;
        const delivery: WebhookDelivery = {
          id: `dlv_${++this.seq}`, platform, eventId: event.eventId, type: event.type, url, copy,
          body: event.body, status: 'pending', attempts: [],
        };
        this.deliveries.push(delivery);
        if (this.deliveries.length > this.capacity) this.deliveries.splice(0, this.deliveries.length - this.capacity);
        await this.deliver(delivery, p.signer, secret, generation);
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  list(platform?: string): WebhookDelivery[] {
    return platform ? this.deliveries.filter((d) => d.platform === platform) : this.deliveries;
  }

  /** Resolves once every queued delivery has finished (delivered or out of attempts). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Forgets deliveries, cancels retries and restores every platform's initial callback. */
  reset(): void {
    this.stopAll();
    this.deliveries = [];
    for (const p of this.platforms.values()) {
      p.current = { ...p.initial };
      p.extraCopies = 0;
    }
  }

  close(): void {
    this.stopAll();
  }

  private stopAll(): void {
    this.generation += 1;
    for (const [t, wake] of this.waits) { clearTimeout(t); wake(); }
    this.waits.clear();
  }

  private require(platform: string): PlatformWebhooks {
    const p = this.platforms.get(platform);
    if (!p) throw new UnknownWebhookPlatformError(`unknown platform ${platform}`);
    return p;
  }

  private async deliver(delivery: WebhookDelivery, signer: WebhookSigner, secret: string, generation: number): Promise<void> {
    const rawBody = JSON.stringify(delivery.body);
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (generation !== this.generation) return;
      const record: DeliveryAttempt = { at: new Date().toISOString() };
      try {
        const res = await fetch(delivery.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'herald-sandbox-webhooks', ...signer(rawBody, secret, new Date()) },
          body: rawBody,
          signal: AbortSignal.timeout(this.retry.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.status = res.status;
        delivery.attempts.push(record);
        if (res.ok) {
          delivery.status = 'delivered';
          return;
        }
      } catch (err) {
        record.error = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
        delivery.attempts.push(record);
      }
      if (attempt < this.retry.attempts) {
        const wait = this.retry.backoffMs * 2 ** (attempt - 1);
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { this.waits.delete(t); resolve(); }, wait);
          this.waits.set(t, resolve);
        });
      }
    }
    delivery.status = 'failed';
    this.log.warn({ platform: delivery.platform, eventId: delivery.eventId, url: delivery.url }, 'webhook delivery failed after all attempts');
  }
}
