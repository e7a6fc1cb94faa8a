// A post created through the API, due half a second later, and its outcome once its publishPost workflow ended:
// what the platform suites schedule and read back.
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { posts, postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import type { TestUser } from '../api/support/test-api.js';
import type { PlatformStack } from './platform-stack.js';

/** Creates the post (the payload's fields win over the default due time); answers its id. */
export async function scheduleSoon(s: PlatformStack, user: TestUser, payload: Record<string, unknown>): Promise<string> {
  const created = await s.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { scheduledAt: new Date(Date.now() + 500).toISOString(), ...payload },
  });
  expect(created.statusCode, created.body).toBe(201);
  return created.json().id as string;
}

/** Waits for the post's workflow to end; the post and its targets as stored then. */
export async function settledPost(s: PlatformStack, postId: string) {
  await s.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [post] = await s.api.database.db.select().from(posts).where(eq(posts.id, postId));
  const targets = await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  return { post: post!, targets };
}
