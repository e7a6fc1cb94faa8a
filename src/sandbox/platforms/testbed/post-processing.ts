// What happens to a post after it is accepted: it stays `processing` for `processingMs`, then becomes `published`
// (with a permalink) or `failed` (see options.ts for when), and a post.published / post.failed webhook is queued.
import type { PlatformServices } from '../../platform.js';
import { failureFor, type ResolvedTestbedOptions } from './options.js';
import { newEventId, type Post } from './store.js';

export const permalinkFor = (postId: string): string => `https://testbed.example/p/${postId}`;

export class PostProcessor {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: ResolvedTestbedOptions, private readonly services: PlatformServices) {}

  schedule(post: Post): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.finish(post);
    }, this.options.processingMs);
    this.timers.add(t);
  }

  private finish(post: Post): void {
    const reason = failureFor(post.text, this.options);
    if (reason) {
      post.status = 'failed';
      post.failReason = reason;
    } else {
      post.status = 'published';
      post.permalink = permalinkFor(post.id);
    }
    const now = new Date().toISOString();
    post.updatedAt = now;
    const eventId = newEventId();
    const type = post.status === 'published' ? 'post.published' : 'post.failed';
    this.services.emitWebhook({
      eventId,
      type,
      body: { event_id: eventId, type, post_id: post.id, client_ref: post.clientRef, occurred_at: now },
    });
  }

  /** Cancels every pending transition (reset/close): those posts stay `processing`. */
  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
