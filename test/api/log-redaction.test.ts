// Secrets never reach the API's logs: request URLs are logged with OAuth codes and states, media signatures and
// similar query parameters censored, and the Authorization header is redacted. Checked on the production logger
// options, writing to a captured stream.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redactUrl } from '../../src/logger.js';
import { createTestApi, createTestUser, type TestApi } from './support/test-api.js';

describe('redactUrl', () => {
  test('censors secret query values, keeps the path and the other parameters', () => {
    expect(redactUrl('/api/social/callback/tiktok?code=abc123&state=s3cr3t&scopes=user.info.basic'))
      .toBe('/api/social/callback/tiktok?code=[redacted]&state=[redacted]&scopes=user.info.basic');
    expect(redactUrl('/media/x.jpg?expires=1700000000&signature=deadbeef')).toBe('/media/x.jpg?expires=1700000000&signature=[redacted]');
    expect(redactUrl('/api/webhooks/instagram?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42'))
      .toBe('/api/webhooks/instagram?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42');
    expect(redactUrl('/x?hub%2Everify_token=tok')).toBe('/x?hub%2Everify_token=[redacted]');
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/a?flag&CODE=1')).toBe('/a?flag&CODE=[redacted]');
  });
});

describe('API request logs', () => {
  const lines: string[] = [];
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi({ logStream: { write: (line) => { lines.push(line); } }, env: { MEDIA_URL_SECRET: randomBytes(32).toString('hex') } });
  });
  afterAll(async () => { await t?.close(); });

  test('no OAuth code, state, media signature or API key in any line', async () => {
    const user = await createTestUser(t.database.db);
    const code = `code-${randomBytes(8).toString('hex')}`;
    const state = `state-${randomBytes(8).toString('hex')}`;
    const signature = randomBytes(32).toString('hex');
    await t.app.inject({ method: 'GET', url: `/api/social/callback/fakebook?code=${code}&state=${state}` });
    await t.app.inject({ method: 'GET', url: `/media/00000000-0000-4000-8000-000000000000.jpg?expires=9999999999&signature=${signature}` });
    const verifyToken = `verify-${randomBytes(8).toString('hex')}`;
    await t.app.inject({ method: 'GET', url: `/api/webhooks/fakebook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=7` });
    await t.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
    const text = lines.join('');
    // The callback route logs below info anyway; the others are logged with the values censored.
    expect(text).toContain('hub.verify_token=[redacted]&hub.challenge=7');
    expect(text).toContain('signature=[redacted]');
    for (const secret of [code, state, signature, verifyToken, user.key]) expect(text).not.toContain(secret);
  });
});
