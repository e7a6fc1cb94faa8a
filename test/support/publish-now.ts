// A post written straight to the database (as one scheduled earlier would be) and published now by the worker: the
// target as the workflow left it.
import { eq } from 'drizzle-orm';
import { posts, postTargets, type MediaRef } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import type { PlatformStack } from './platform-stack.js';

export async function publishNow(s: PlatformStack, o: { userId: string; accountId: string; platform: string; content: string; media?: MediaRef[] }) {
  const db = s.api.database.db;
  const [post] = await db.insert(posts).values({
    userId: o.userId, content: o.content, status: 'scheduled', scheduledAt: new Date(), ...(o.media ? { media: o.media } : {}),
  }).returning();
  await db.insert(postTargets).values({ postId: post!.id, socialAccountId: o.accountId, platform: o.platform });
  await s.worker.commands.start({ postId: post!.id, userId: o.userId, scheduledAt: new Date().toISOString() });
  await s.worker.client.workflow.getHandle(publishPostWorkflowId(post!.id)).result();
  const [target] = await db.select().from(postTargets).where(eq(postTargets.postId, post!.id));
  return target!;
}
