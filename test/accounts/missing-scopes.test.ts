// An Instagram account connected without a publishing permission: connected, with a `missing_scopes` warning the
// user can see, and publishing to it refused with that reason — at post creation (400) and, for posts made before
// the permission was lost, by the publish activity (target failed, nothing sent to the platform).
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { TokenCrypto } from '../../src/crypto/envelope.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { postTargets, socialAccounts } from '../../src/db/schema.js';
import { createInstagramProvider } from '../../src/platforms/instagram/index.js';
import { DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/options.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestApi, createTestUser, type TestApi } from '../api/support/test-api.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { createScheduledPost, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;
let deps: ReturnType<typeof testDeps>;

beforeAll(async () => {
  const granted = ['instagram_basic', 'instagram_manage_insights', 'instagram_manage_comments', 'pages_show_list', 'pages_read_engagement'];
  sandbox = await startSandbox({ meta: { appId: 'ms-meta', appSecret: 'ms-meta-secret', user: { ...DEFAULT_META_USER, grantedScopes: granted } } });
  const provider = () => createInstagramProvider({ appId: 'ms-meta', appSecret: 'ms-meta-secret', dialogBaseUrl: `${sandbox.baseUrl}/meta`, graphBaseUrl: `${sandbox.baseUrl}/meta` });
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

test('connected with a missing_scopes warning; publishing refused with that reason', async () => {
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');
  const listed = (await api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data[0];
  expect(listed).toMatchObject({ status: 'active', statusReason: expect.stringMatching(/^missing_scopes: instagram_content_publish not granted/) });

  const refused = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: 'hi', media: [{ url: 'https://media.herald.test/a.jpg' }], targets: [{ accountId }] },
  });
  expect(refused.statusCode).toBe(400);
  expect(refused.json().error.details).toEqual([expect.objectContaining({ field: 'targets.0.accountId', rule: 'missing_scopes' })]);

  // A post that was already scheduled (written directly, as before the permission went missing).
  const [account] = await api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  const { post } = await createScheduledPost(api.database.db, { userId: user.id, accounts: [account!], scheduledAt: new Date() });
  await worker.commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
  await worker.client.workflow.getHandle(publishPostWorkflowId(post.id)).result();
  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, post.id));
  expect(target).toMatchObject({ status: 'failed', errorCode: 'missing_scopes' });
  expect(await sandbox.control.requests('?method=POST&path=/meta/*')).toEqual([]);
});
