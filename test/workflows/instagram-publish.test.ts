// Instagram through Herald's workflows: media_publish is the irreversible step; when its answer is lost after Meta
// applied it, the target reconciles through the container's status and Instagram shows exactly one post.
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { TokenCrypto } from '../../src/crypto/envelope.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { posts, postTargets, socialAccounts } from '../../src/db/schema.js';
import { createInstagramProvider } from '../../src/platforms/instagram/index.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestApi, createTestUser, type TestApi } from '../api/support/test-api.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;
let deps: ReturnType<typeof testDeps>;

beforeAll(async () => {
  sandbox = await startSandbox({ meta: { appId: 'ip-meta', appSecret: 'ip-meta-secret', imageProcessingMs: 100 } });
  const provider = () => createInstagramProvider({
    appId: 'ip-meta', appSecret: 'ip-meta-secret', dialogBaseUrl: `${sandbox.baseUrl}/meta`, graphBaseUrl: `${sandbox.baseUrl}/meta`, pollIntervalMs: 300,
  });
  api = await createTestApi({ env: { TOKEN_KEYS: `t1:${randomBytes(32).toString('base64')}`, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' }, providers: [provider()] });
  deps = { ...testDeps(inject('databaseUrl'), [provider()]), crypto: new TokenCrypto(KeyRing.fromConfig(api.config)) };
  worker = await startTestWorker(deps, { taskQueue: api.taskQueue });
});

afterAll(async () => {
  await worker?.close();
  await deps?.database.close();
  await api?.close();
  await sandbox?.close();
});

test('a media_publish answer lost after Meta published is reconciled: one Instagram post, no resend', async () => {
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');
  const [account] = await api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  const publishPath = `/meta/v25.0/${account!.platformAccountId}/media_publish`;
  await sandbox.control.addFault({ match: { method: 'POST', path: publishPath }, action: { type: 'drop_after_effect', mode: 'reset' } });

  const marker = `ig-lost-${Date.now()}`;
  const created = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: `photo ${marker}`, media: [{ url: 'https://media.herald.test/photo.jpg' }], targets: [{ accountId }], scheduledAt: new Date(Date.now() + 500).toISOString() },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();

  const [post] = await api.database.db.select().from(posts).where(eq(posts.id, postId));
  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  expect(post!.status).toBe('published');
  const media = ((await sandbox.control.state('meta')).media as { id: string; caption?: string }[]).filter((m) => m.caption?.includes(marker));
  expect(media).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: media[0]!.id });
  expect(target!.attempts.map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  const publishCalls = await sandbox.control.requests(`?method=POST&path=${publishPath}`);
  expect(publishCalls).toHaveLength(1);
});
