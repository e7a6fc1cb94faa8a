// TikTok allows 30 status requests per minute per access token. Several targets of one account processing at once
// share that budget across workers (Postgres QuotaGate): with the budget spent a target waits for a slot instead of
// calling TikTok, so the platform never answers 429. Limit and window are scaled down on both sides (the sandbox's
// limiter and Herald's budget) so the budget runs out within seconds.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { posts, postTargets } from '../../src/db/schema.js';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser } from '../api/support/test-api.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';

const CLIENT_KEY = 'herald-tiktok-budget-key';
const CLIENT_SECRET = 'herald-tiktok-budget-secret';
const VERIFIED = 'https://media.herald.test/';
const STATUS_LIMIT = 10;
const WINDOW_MS = 5000;

let stack: PlatformStack;
beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: {
      tiktok: {
        clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, verifiedUrlPrefixes: [VERIFIED],
        // Long enough processing that four targets polling every 200 ms would spend the budget several times over.
        processingMs: 4000, rateLimits: { status: STATUS_LIMIT }, rateLimitWindowMs: WINDOW_MS,
      },
    },
    providers: (base) => [createTiktokProvider({
      clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, authBaseUrl: `${base}/tiktok`, apiBaseUrl: `${base}/tiktok`,
      verifiedUrlPrefixes: [VERIFIED], pollIntervalMs: 200,
      statusBudget: { limit: STATUS_LIMIT, windowMs: WINDOW_MS + 500 },
    })],
  });
});

afterAll(async () => { await stack?.close(); });

test('four targets of one account processing together share the status budget: all published, TikTok never answers 429', { timeout: 90_000 }, async () => {
  const { api, sandbox, worker } = stack;
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'tiktok');
  // Far enough ahead that four creations fit before it on a loaded machine.
  const scheduledAt = new Date(Date.now() + 4000).toISOString();
  const postIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: user.headers,
      payload: { content: `budget ${i}`, media: [{ url: `${VERIFIED}clips/budget-${i}-${Date.now()}.mp4` }], targets: [{ accountId, options: { privacyLevel: 'SELF_ONLY' } }], scheduledAt },
    });
    expect(res.statusCode, res.body).toBe(201);
    postIds.push(res.json().id);
  }
  await Promise.all(postIds.map((id) => worker.client.workflow.getHandle(publishPostWorkflowId(id)).result()));

  const targets = await api.database.db.select().from(postTargets).where(inArray(postTargets.postId, postIds));
  expect(targets.map((t) => t.status)).toEqual(['published', 'published', 'published', 'published']);
  const rows = await api.database.db.select().from(posts).where(inArray(posts.id, postIds));
  expect(rows.every((p) => p.status === 'published')).toBe(true);

  const polls = await sandbox.control.requests('?platform=tiktok&method=POST&path=/tiktok/v2/post/publish/status/fetch/');
  // The budget was under pressure (more polls than one window allows) and TikTok refused none of them.
  expect(polls.length).toBeGreaterThan(STATUS_LIMIT);
  expect(polls.filter((r) => r.status === 429)).toHaveLength(0);
  expect(polls.every((r) => r.status === 200)).toBe(true);
  const [first] = await api.database.db.select().from(postTargets).where(eq(postTargets.id, targets[0]!.id));
  expect(first!.errorCode).toBeNull();
});
