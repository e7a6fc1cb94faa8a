// Threads renews a long-lived token with th_refresh_token only once it is old enough (24 h in production; here the
// sandbox and the provider agree on 8 s with 12-second tokens). The account lifecycle would renew at half the token's
// life (6 s); it must wait for the platform's minimum age instead, so the first renewal is never refused and lands
// after 8 s, and the account stays active across renewals. Real Temporal, Postgres, API and the sandbox's Threads.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { socialAccounts } from '../../src/db/schema.js';
import { accountStateQuery, accountWorkflowId } from '../../src/workflows/account-messages.js';
import { createTestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { threadsAt } from '../support/threads.js';

const MIN_AGE_SECONDS = 8;
let s: PlatformStack;
beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { threads: { longLivedTokenSeconds: 12, minRefreshAgeSeconds: MIN_AGE_SECONDS } },
    providers: (base) => [threadsAt(base, { minTokenAgeBeforeRefreshMs: MIN_AGE_SECONDS * 1000 })],
  });
});
afterAll(async () => { await s?.close(); });

test('a Threads token is renewed on its schedule, never before the platform allows it', async () => {
  const user = await createTestUser(s.api.database.db);
  const accountId = await connectThroughApi(s.api, user, 'threads');
  const [connected] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  const issuedAt = connected!.updatedAt.getTime();

  const state = await s.worker.client.workflow.getHandle(accountWorkflowId(accountId)).query(accountStateQuery);
  // Half the token's life would be 6 s after issue; the plan waits for the minimum age.
  expect(Date.parse(state.nextRefreshAt!) - issuedAt).toBeGreaterThanOrEqual(MIN_AGE_SECONDS * 1000 - 1000);

  const refreshes = () => s.sandbox.control.requests('?path=/threads/refresh_access_token');
  const [first] = await waitFor(async () => {
    const r = await refreshes();
    return r.length >= 1 && r[0]!.status !== null ? r : undefined;
  }, 20_000, 'the first renewal');
  expect(first!.status).toBe(200);
  expect(Date.parse(first!.at) - issuedAt).toBeGreaterThanOrEqual(MIN_AGE_SECONDS * 1000 - 1000);

  const renewed = await waitFor(async () => {
    const [row] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
    return row!.expiresAt!.getTime() > connected!.expiresAt!.getTime() ? row : undefined;
  }, 5_000, 'the renewed token stored');
  expect(renewed!.status).toBe('active');
  // No renewal was ever refused for being early.
  expect((await refreshes()).every((r) => r.status === 200 || r.status === null)).toBe(true);
}, 40_000);
