// The generic connect, refresh and disconnect code with TikTok's provider against the sandbox's TikTok simulator:
// nothing in it knows TikTok, yet the hex PKCE challenge, comma-separated scopes, rotating refresh tokens and
// revocation all work through it.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { TokenCrypto } from '../../src/crypto/envelope.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { accountTokens } from '../support/account-tokens.js';
import { socialAccounts } from '../../src/db/schema.js';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import { accountWorkflowId } from '../../src/workflows/account-messages.js';
import { createTestApi, createTestUser, type TestApi } from '../api/support/test-api.js';
import { startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { historyText } from './support/accounts-harness.js';

const CLIENT_KEY = 'herald-tiktok-accounts-key';
const CLIENT_SECRET = 'herald-tiktok-accounts-secret';
// TikTok's sandbox, like TikTok for desktop apps, accepts http redirect URIs on loopback hosts only.
const PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;
let deps: ReturnType<typeof testDeps>;
let crypto: TokenCrypto;

interface TiktokGrant { open_id: string; revoked: boolean; refreshes: number }

beforeAll(async () => {
  sandbox = await startSandbox({ tiktok: { clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, pkce: 'hex', accessTokenTtlSeconds: 6 } });
  const provider = () => createTiktokProvider({
    clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, pkce: 'hex',
    authBaseUrl: `${sandbox.baseUrl}/tiktok`, apiBaseUrl: `${sandbox.baseUrl}/tiktok`,
  });
  api = await createTestApi({ env: { TOKEN_KEYS: `t1:${randomBytes(32).toString('base64')}`, PUBLIC_BASE_URL }, providers: [provider()] });
  crypto = new TokenCrypto(KeyRing.fromConfig(api.config));
  deps = { ...testDeps(inject('databaseUrl'), [provider()]), crypto };
  worker = await startTestWorker(deps, { taskQueue: api.taskQueue });
});

afterAll(async () => {
  await worker?.close();
  await deps?.database.close();
  await api?.close();
  await sandbox?.close();
});

const grants = async () => (await sandbox.control.state('tiktok')).grants as TiktokGrant[];

test('a TikTok account connects, is refreshed before expiry by its workflow, and disconnects with a revoke', async () => {
  const user = await createTestUser(api.database.db);
  const started = await api.app.inject({ method: 'GET', url: '/api/social/connect/tiktok', headers: user.headers });
  expect(started.statusCode, started.body).toBe(200);
  const authorizeUrl = new URL(started.json().authorizeUrl);
  expect(authorizeUrl.searchParams.get('code_challenge')).toMatch(/^[0-9a-f]{64}$/);

  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(back.searchParams.get('error')).toBeNull();
  const res = await api.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { accept: 'application/json' } });
  expect(res.statusCode, res.body).toBe(200);
  const [account] = res.json().accounts;
  expect(account).toMatchObject({ platform: 'tiktok', status: 'active' });
  const openId = account.platformAccountId as string;

  const row = async () => (await api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id)))[0]!;
  const first = await row();
  const firstTokens = await accountTokens(api.database.db, crypto, account.id);
  await waitFor(async () => (await grants()).find((g) => g.open_id === openId && g.refreshes >= 1), 10_000, 'a TikTok refresh');
  const refreshed = await waitFor(async () => {
    const r = await row();
    return r.expiresAt!.getTime() > first.expiresAt!.getTime() ? r : undefined;
  }, 5_000, 'the new expiry');
  expect(refreshed.status).toBe('active');
  expect((await accountTokens(api.database.db, crypto, account.id)).refreshToken).not.toBe(firstTokens.refreshToken);

  const off = await api.app.inject({ method: 'POST', url: '/api/social/disconnect/tiktok', headers: user.headers, payload: { accountId: account.id } });
  expect(off.statusCode, off.body).toBe(200);
  expect(off.json()).toMatchObject({ status: 'disconnected' });
  expect((await grants()).find((g) => g.open_id === openId)!.revoked).toBe(true);
  const handle = worker.client.workflow.getHandle(accountWorkflowId(account.id));
  expect(await handle.result()).toMatchObject({ phase: 'disconnected' });
  const history = await historyText(handle);
  expect(history).not.toContain(firstTokens.accessToken);
  expect(history).not.toContain(firstTokens.refreshToken!);
});

test('a renewal whose first write fails keeps the tokens TikTok gave: the spent refresh token is never asked for again', async () => {
  const user = await createTestUser(api.database.db);
  const started = await api.app.inject({ method: 'GET', url: '/api/social/connect/tiktok', headers: user.headers });
  const consent = await fetch(started.json().authorizeUrl, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const res = await api.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { accept: 'application/json' } });
  const [account] = res.json().accounts;
  const { grantId, platformAccountId: openId } = account as { grantId: string; platformAccountId: string };

  // The database refuses the first token write to this grant, as a failed commit would, after TikTok has already
  // rotated the refresh token (the sandbox's old refresh tokens stop working). A sequence is not transactional, so
  // the refusal happens once.
  const seq = `fail_grant_write_${grantId.replaceAll('-', '')}`;
  await api.database.db.execute(sql.raw(`create sequence ${seq}`));
  await api.database.db.execute(sql.raw(`
    create function ${seq}_fn() returns trigger language plpgsql as $$
    begin
      if new.id = '${grantId}' and new.tokens_issued_at is distinct from old.tokens_issued_at and nextval('${seq}') = 1 then
        raise exception 'simulated failure writing refreshed tokens';
      end if;
      return new;
    end $$;
    create trigger ${seq}_trg before update on platform_grants for each row execute function ${seq}_fn();`));
  try {
    const before = await accountTokens(api.database.db, crypto, account.id);
    // The workflow renews on its own (6 s tokens): the first renewal's write fails, then its retry stores the tokens.
    await waitFor(async () => (await grants()).find((g) => g.open_id === openId && g.refreshes >= 2), 20_000, 'a second TikTok refresh');
    const [{ value }] = await api.database.db.execute(sql.raw(`select last_value as value from ${seq}`)) as unknown as [{ value: string }];
    expect(Number(value)).toBeGreaterThanOrEqual(1);
    const after = await accountTokens(api.database.db, crypto, account.id);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    const [row] = await api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
    // Without the retry the spent token would have been sent again, refused, and the account would need reconnecting.
    expect(row).toMatchObject({ status: 'active', statusReason: null });
  } finally {
    await api.database.db.execute(sql.raw(`drop trigger ${seq}_trg on platform_grants; drop function ${seq}_fn(); drop sequence ${seq};`));
  }
});
