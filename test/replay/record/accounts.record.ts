// Records accountLifecycle histories: refreshing on its own, refreshed on a publisher's request, waiting for the user
// in reauth_required, a run that continued as new and the run after it, and a disconnected account. Tokens live six
// seconds so the refresh loop turns quickly; the account is connected through the API as a user does.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { accountWorkflowId } from '../../../src/workflows/account-messages.js';
import { waitFor } from '../../sandbox/helpers.js';
import { CLIENT_ID, CLIENT_SECRET, startAccountsHarness, type AccountsHarness } from '../../accounts/support/accounts-harness.js';
import { recordHistory } from '../support/history-fixtures.js';

let h: AccountsHarness;
beforeAll(async () => { h = await startAccountsHarness({ testbed: { accessTokenTtlSeconds: 6 } }); });
afterAll(async () => { await h?.close(); });

const ref = (accountId: string, userId: string) => ({ accountId, userId, platform: 'testbed' });

test('an account refreshed on schedule and on a publisher\'s request', async () => {
  const user = await h.newUser();
  const { accountId, platformUser } = await h.connect(user);
  await waitFor(async () => (await h.refreshesOf(platformUser)) >= 1, 15_000, 'a scheduled refresh');
  expect(await h.commands().refresh(ref(accountId, user.id), { reason: 'publish rejected the token' })).toMatchObject({ status: expect.stringMatching(/refreshed|already_fresh/) });
  await recordHistory(h.worker.client, 'account-refreshing', accountWorkflowId(accountId));
  await h.commands().disconnect(ref(accountId, user.id), { reason: 'fixture recorded', revoke: false });
  await h.workflow(accountId).result();
  await recordHistory(h.worker.client, 'account-disconnected', accountWorkflowId(accountId));
});

test('an account waiting for the user in reauth_required', async () => {
  const user = await h.newUser();
  const { accountId } = await h.connect(user, { platformUser: `tb-reauth-${randomUUID()}` });
  const { accessToken } = await h.tokens(accountId);
  const revoked = await fetch(`${h.sandbox.testbedUrl}/oauth/revoke`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: accessToken }),
  });
  expect(revoked.status).toBe(200);
  await waitFor(async () => (await h.commands().state(accountId))?.phase === 'reauth_required', 15_000, 'reauth_required');
  await recordHistory(h.worker.client, 'account-reauth-wait', accountWorkflowId(accountId));
  await h.workflow(accountId).terminate('fixture recorded');
});

test('an account workflow that continued as new, and the run after it', async () => {
  const user = await h.newUser();
  const { accountId, platformUser } = await h.connect(user);
  await h.workflow(accountId).terminate('restart with a small continue-as-new threshold');
  await h.commands({ turnsBeforeContinueAsNew: 1 }).connected(ref(accountId, user.id));
  const firstRunId = (await h.workflow(accountId).describe()).runId;
  await waitFor(async () => (await h.refreshesOf(platformUser)) >= 2, 20_000, 'two refreshes');
  await waitFor(async () => (await h.workflow(accountId).describe()).runId !== firstRunId, 5_000, 'a new run');
  await recordHistory(h.worker.client, 'account-continued-as-new', accountWorkflowId(accountId), firstRunId);
  await recordHistory(h.worker.client, 'account-after-continue-as-new', accountWorkflowId(accountId));
  await h.workflow(accountId).terminate('fixture recorded');
});
