// Connects an account the way a user does: ask Herald for the authorize URL, follow it at the sandbox (which
// approves and redirects back), then hand the callback to Herald. One login may yield several accounts. Platforms
// that connect with credentials (a handle and an app password) take them in one request instead.
import { expect } from 'vitest';
import type { TestApi, TestUser } from '../api/support/test-api.js';

export interface ConnectedAccountView { id: string; platformAccountId: string; grantId: string; status: string; statusReason: string | null }

/** Every account the login yielded, as the callback answers them. */
export async function connectAllThroughApi(api: TestApi, user: TestUser, platform: string): Promise<ConnectedAccountView[]> {
  const started = await api.app.inject({ method: 'GET', url: `/api/social/connect/${platform}`, headers: user.headers });
  expect(started.statusCode, started.body).toBe(200);
  const consent = await fetch(started.json().authorizeUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  const res = await api.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { accept: 'application/json' } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().accounts;
}

/** The first connected account's id. */
export async function connectThroughApi(api: TestApi, user: TestUser, platform: string): Promise<string> {
  return (await connectAllThroughApi(api, user, platform))[0]!.id;
}

/** Connects with the credential fields the platform lists (e.g. identifier and appPassword); the first account's id. */
export async function connectWithCredentialsThroughApi(api: TestApi, user: TestUser, platform: string, values: Record<string, string>): Promise<string> {
  const res = await api.app.inject({ method: 'POST', url: `/api/social/connect/${platform}/credentials`, headers: user.headers, payload: values });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().accounts[0].id;
}
