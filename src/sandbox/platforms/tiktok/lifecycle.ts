// What happens to a publish once TikTok has its bytes (§1.13 status progression, §1.17 webhooks):
//   FILE_UPLOAD: PROCESSING_UPLOAD while chunks arrive and for `processingMs` after the last one;
//   PULL_FROM_URL: PROCESSING_DOWNLOAD while the (simulated) download runs at `pullBytesPerSecond`, then `processingMs`;
//   then inbox shares go to SEND_TO_USER_INBOX (webhook post.publish.inbox_delivered) and wait for the creator (the
//   control route `POST /__sandbox/tiktok/inbox/:publishId/complete`); direct posts go to PUBLISH_COMPLETE
//   (post.publish.complete) and, when public, get their post id after `moderationMs`
//   (post.publish.publicly_available). A publish marked to fail (title marker, armed failure, failAllPublishes)
//   goes to FAILED with its fail_reason instead (post.publish.failed).
import type { PrivacyLevel, ResolvedTiktokOptions } from './options.js';
import { newPostId, type Publish, type TiktokStore } from './store.js';
import type { TiktokWebhooks } from './webhook.js';

const FINAL = new Set(['PUBLISH_COMPLETE', 'FAILED']);

export class PublishLifecycle {
  private readonly timers = new Map<string, Set<NodeJS.Timeout>>();
  /** Reasons armed by the control API for the next publishes, first in first out. */
  private armedFailures: string[] = [];

  constructor(
    private readonly options: ResolvedTiktokOptions,
    private readonly store: TiktokStore,
    private readonly webhooks: TiktokWebhooks,
  ) {}

  armFailures(reason: string, count: number): void {
    for (let i = 0; i < count; i++) this.armedFailures.push(reason);
  }

  /** The fail reason a new publish is bound to, if any (decided at init, applied when processing ends). */
  failureForNewPublish(markerReason: string | undefined): string | undefined {
    return markerReason ?? this.armedFailures.shift() ?? (this.options.failAllPublishes ? this.options.failReason : undefined);
  }

  /** PULL_FROM_URL: the download starts at init. */
  startDownload(p: Publish): void {
    const pull = p.pull!;
    this.after(p, pull.durationMs, () => {
      pull.done = true;
      this.bytesReceived(p);
    });
  }

  /** All bytes are there (last chunk uploaded or download finished): processing, then the next status. */
  bytesReceived(p: Publish): void {
    this.after(p, this.options.processingMs, () => {
      if (p.failAs) return this.fail(p, p.failAs);
      if (p.mode === 'inbox') {
        this.set(p, 'SEND_TO_USER_INBOX');
        this.webhooks.publishEvent('post.publish.inbox_delivered', p);
        return;
      }
      this.complete(p, p.privacyLevel ?? 'SELF_ONLY');
    });
  }

  /** The creator posted (direct post done, or an inbox draft finished in the app with `privacy`). */
  complete(p: Publish, privacy: PrivacyLevel): void {
    p.privacyLevel = privacy;
    this.set(p, 'PUBLISH_COMPLETE');
    this.webhooks.publishEvent('post.publish.complete', p);
    // Only public posts get a public id, after moderation; private ones never fire publicly_available (§1.17).
    if (privacy !== 'PUBLIC_TO_EVERYONE') return;
    const publish = () => {
      const postId = newPostId();
      p.postIds.push(postId);
      p.updatedAt = Date.now();
      this.webhooks.publishEvent('post.publish.publicly_available', p, { post_id: this.webhooks.postIdValue(postId) });
    };
    if (this.options.moderationMs <= 0) publish();
    else this.after(p, this.options.moderationMs, publish);
  }

  fail(p: Publish, reason: string): void {
    if (FINAL.has(p.status)) return;
    this.cancelTimers(p);
    p.failReason = reason;
    this.set(p, 'FAILED');
    this.webhooks.publishEvent('post.publish.failed', p, { reason });
  }

  /** §1.14: only a download still running can be cancelled. */
  cancelDownload(p: Publish): boolean {
    if (p.source !== 'PULL_FROM_URL' || p.status !== 'PROCESSING_DOWNLOAD' || !p.pull || p.pull.done) return false;
    p.pull.stoppedAtBytes = Math.min(p.pull.sizeBytes, Math.floor((p.pull.sizeBytes * (Date.now() - p.pull.startedAt)) / Math.max(1, p.pull.durationMs)));
    this.fail(p, 'publish_cancelled');
    return true;
  }

  /** The creator's authorization ended: every publish still in progress fails with auth_removed (§1.15). */
  authorizationRemoved(openId: string): void {
    for (const p of this.store.publishes.values()) {
      if (p.openId === openId && !FINAL.has(p.status) && p.status !== 'SEND_TO_USER_INBOX') this.fail(p, 'auth_removed');
    }
  }

  /** A public post stopped being public (taken down or made private by the creator). */
  takeDown(p: Publish): void {
    const postId = p.postIds[0];
    if (!postId) return;
    this.webhooks.publishEvent(this.options.noLongerPublicEventName, p, { post_id: this.webhooks.postIdValue(postId) });
  }

  private set(p: Publish, status: Publish['status']): void {
    p.status = status;
    p.updatedAt = Date.now();
  }

  private after(p: Publish, ms: number, fn: () => void): void {
    const set = this.timers.get(p.id) ?? new Set();
    this.timers.set(p.id, set);
    const t = setTimeout(() => {
      set.delete(t);
      fn();
    }, Math.max(0, ms));
    set.add(t);
  }

  private cancelTimers(p: Publish): void {
    for (const t of this.timers.get(p.id) ?? []) clearTimeout(t);
    this.timers.delete(p.id);
  }

  /** Reset/close: pending transitions are dropped (those publishes stay where they are). */
  cancelAll(): void {
    for (const set of this.timers.values()) for (const t of set) clearTimeout(t);
    this.timers.clear();
    this.armedFailures = [];
  }
}
