// Database rows to the posts API's response shape.
import type { PostTarget } from '../../../../db/schema.js';
import type { PostWithTargets } from './post-repository.js';
import { publishTargetWorkflowId } from '../../../../workflows/messages.js';
import type { PostDetailView, PostView } from './post-schemas.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function presentTarget(t: PostTarget): PostView['targets'][number] {
  return {
    id: t.id,
    accountId: t.socialAccountId,
    platform: t.platform,
    status: t.status,
    text: t.textOverride,
    options: t.options,
    publishId: t.publishId,
    containerId: t.containerId,
    platformPostId: t.platformPostId,
    permalink: t.permalink,
    error: t.errorCode !== null || t.errorMessage !== null ? { code: t.errorCode ?? 'unknown', message: t.errorMessage ?? '' } : null,
    attempts: t.attempts,
    publishedAt: iso(t.publishedAt),
  };
}

export function presentPost({ post, targets }: PostWithTargets): PostView {
  return {
    id: post.id,
    status: post.status,
    content: post.content,
    hashtags: post.hashtags,
    media: post.media,
    scheduledAt: iso(post.scheduledAt),
    timezone: post.timezone,
    createdAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
    publishedAt: iso(post.publishedAt),
    cancelledAt: iso(post.cancelledAt),
    attentionReason: post.status === 'needs_attention' ? post.attentionReason : null,
    targets: targets.map(presentTarget),
  };
}

/** Where operators find each target's workflow: its id, and its page in the Temporal Web UI when one is configured. */
export function withWorkflowLinks(view: PostView, temporalUi: { url?: string | undefined; namespace: string }): PostDetailView {
  const base = temporalUi.url?.replace(/\/$/, '');
  return {
    ...view,
    targets: view.targets.map((t) => {
      const workflowId = publishTargetWorkflowId(view.id, t.id);
      const workflowUrl = base
        ? `${base}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(workflowId)}`
        : null;
      return { ...t, workflowId, workflowUrl };
    }),
  };
}
