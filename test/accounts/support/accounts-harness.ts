// Everything the account suites run on: an in-process platform sandbox (testbed OAuth with short-lived tokens when
// asked), the real API (app.inject) and a real worker on the API's task queue, sharing one token key ring, so what
// the callback seals the worker can open. `connect` walks the whole OAuth flow the way a browser would.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { expect, inject } from 'vitest';
import { TokenCrypto } from '../../../src/crypto/envelope.js';
import { KeyRing } from '../../../src/crypto/key-ring.js';
import { accountTokens } from '../../support/account-tokens.js';
import { socialAccounts, type SocialAccount } from '../../../src/db/schema.js';
import type { PlatformProvider } from '../../../src/platforms/provider.js';
import { createTestbedProvider } from '../../../src/platforms/testbed/index.js';
import type { TestbedOptions } from '../../../src/sandbox/platforms/testbed/options.js';
import { AccountCommands, type AccountCommandOptions } from '../../../src/temporal/account-commands.js';
import { accountWorkflowId } from '../../../src/workflows/account-messages.js';
import { createTestApi, createTestUser, type TestApi, type TestUser } from '../../api/support/test-api.js';
import { fakeProvider } from '../../api/support/fake-provider.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/helpers.js';
import { testDeps } from '../../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../../support/test-worker.js';

export const CLIENT_ID = 'herald-accounts-test';
export const CLIENT_SECRET = 'herald-accounts-test-secret';
export const PUBLIC_BASE_URL = 'http://herald.test';
export const DASHBOARD_URL = 'http://dashboard.test/app';

export interface Grant {
  id: string;
  open_id: string;
  revoked: boolean;
  refreshed_at: string[];
}

export interface Connected {
  accountId: string;
  /** The testbed user behind the account (login_hint), whose grants the sandbox lists. */
  platformUser: string;
  account: SocialAccount;
}

export interface AccountsHarness {
  sandbox: RunningSandbox;
  api: TestApi;
  worker: TestWorker;
  deps: ReturnType<typeof testDeps>;
  crypto: TokenCrypto;
  commands(options?: AccountCommandOptions): AccountCommands;
  /**
   * Starts a connection: the authorize URL (with `login_hint` picking the testbed user), its state, and the cookie
   * (`name=value`) binding it to the browser that began it.
   */
  begin(user: TestUser, opts?: { platformUser?: string; deny?: boolean }): Promise<{ authorizeUrl: URL; state: string; cookie: string }>;
  /** Follows the authorize URL at the sandbox; returns the callback path (and query) it redirects to. */
  authorize(authorizeUrl: URL): Promise<string>;
  /** The platform's redirect back, as an API client asking for JSON (default) or a browser; `cookie` as a browser keeps it. */
  callback(path: string, opts?: { json?: boolean; cookie?: string }): Promise<LightMyRequestResponse>;
  /** The whole flow for `user`; asserts success and returns the one account connected. */
  connect(user: TestUser, opts?: { platformUser?: string }): Promise<Connected>;
  account(accountId: string): Promise<SocialAccount>;
  tokens(accountId: string): Promise<{ accessToken: string; refreshToken: string | null }>;
  grants(platformUser: string): Promise<Grant[]>;
  refreshesOf(platformUser: string): Promise<number>;
  workflow(accountId: string, runId?: string): ReturnType<TestWorker['client']['workflow']['getHandle']>;
  newUser(): Promise<TestUser>;
  close(): Promise<void>;
}

export interface AccountsHarnessOptions {
  testbed?: TestbedOptions;
  /** More providers for the API, built from the sandbox's testbed URL. */
  extraProviders?: ((testbedUrl: string) => PlatformProvider)[];
}

export async function startAccountsHarness(opts: AccountsHarnessOptions = {}): Promise<AccountsHarness> {
  const sandbox = await startSandbox({ testbed: { clientSecret: CLIENT_SECRET, ...opts.testbed } });
  const provider = () => createTestbedProvider({ baseUrl: sandbox.testbedUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const api = await createTestApi({
    env: { TOKEN_KEYS: `t1:${randomBytes(32).toString('base64')}`, PUBLIC_BASE_URL, DASHBOARD_URL },
    providers: [provider(), fakeProvider(), ...(opts.extraProviders ?? []).map((make) => make(sandbox.testbedUrl))],
  });
  const crypto = new TokenCrypto(KeyRing.fromConfig(api.config));
  const deps = { ...testDeps(inject('databaseUrl'), [provider()]), crypto };
  const worker = await startTestWorker(deps, { taskQueue: api.taskQueue });
  const db = api.database.db;

  const h: AccountsHarness = {
    sandbox, api, worker, deps, crypto,
    commands: (options = {}) => new AccountCommands(worker.client, api.taskQueue, options),

    async begin(user, o = {}) {
      const res = await api.app.inject({ method: 'GET', url: '/api/social/connect/testbed', headers: user.headers });
      expect(res.statusCode, res.body).toBe(200);
      const authorizeUrl = new URL(res.json().authorizeUrl);
      authorizeUrl.searchParams.set('login_hint', o.platformUser ?? `tb-${randomUUID()}`);
      if (o.deny) authorizeUrl.searchParams.set('deny', '1');
      const setCookie = String(res.headers['set-cookie']);
      return { authorizeUrl, state: authorizeUrl.searchParams.get('state')!, cookie: setCookie.split(';')[0]! };
    },

    async authorize(authorizeUrl) {
      const res = await fetch(authorizeUrl, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(`${PUBLIC_BASE_URL}/api/social/callback/testbed`);
      return `${back.pathname}${back.search}`;
    },

    callback(path, o = {}) {
      return api.app.inject({
        method: 'GET', url: path,
        headers: { accept: o.json === false ? 'text/html' : 'application/json', ...(o.cookie ? { cookie: o.cookie } : {}) },
      });
    },

    async connect(user, o = {}) {
      const platformUser = o.platformUser ?? `tb-${randomUUID()}`;
      const { authorizeUrl } = await h.begin(user, { platformUser });
      const res = await h.callback(await h.authorize(authorizeUrl));
      expect(res.statusCode, res.body).toBe(200);
      const { accounts } = res.json();
      expect(accounts).toHaveLength(1);
      return { accountId: accounts[0].id, platformUser, account: await h.account(accounts[0].id) };
    },

    async account(accountId) {
      const [row] = await db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
      return row!;
    },

    async tokens(accountId) {
      return accountTokens(db, crypto, accountId);
    },

    async grants(platformUser) {
      return ((await sandbox.control.state()).grants as Grant[]).filter((g) => g.open_id === platformUser);
    },

    async refreshesOf(platformUser) {
      return (await h.grants(platformUser)).reduce((n, g) => n + g.refreshed_at.length, 0);
    },

    workflow: (accountId, runId) => worker.client.workflow.getHandle(accountWorkflowId(accountId), runId),
    newUser: () => createTestUser(db),

    async close() {
      await worker.close();
      await deps.database.close();
      await api.close();
      await sandbox.close();
    },
  };
  return h;
}

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** A workflow history as text, payloads decoded, for "no secret in here" assertions. */
export { historyTextOf as historyText } from '../../support/workflow-history.js';
