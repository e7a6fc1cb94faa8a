// How TikTok's answers map to Herald's error kinds (http.ts): the data-API envelope decides, not the HTTP status.
import { describe, expect, test } from 'vitest';
import { dataApiFailure, oauthErrorFrom } from '../../src/platforms/tiktok/http.js';

const waits = { rateLimitWaitMs: 60_000, spamRiskWaitMs: 3_600_000 };
const env = (code: string, message = '') => ({ data: {}, error: { code, message, log_id: 'L' } });
const fail = (status: number, body: unknown, commit = false, retryAfter: string | null = null) =>
  dataApiFailure(status, body, retryAfter, commit, 'POST /v2/post/publish/video/init/', waits);

describe('data APIs', () => {
  test('ok is success; anything else is a failure even with HTTP 200', () => {
    expect(fail(200, env('ok'))).toBeUndefined();
    expect(fail(200, env('spam_risk_too_many_posts'))).toMatchObject({ kind: 'rate_limited', code: 'spam_risk_too_many_posts', retryAfterMs: 3_600_000 });
    expect(fail(200, env('url_ownership_unverified', 'not verified'))).toMatchObject({ kind: 'permanent', code: 'url_ownership_unverified', message: expect.stringContaining('not verified') });
  });

  test.each([
    [401, 'access_token_invalid', 'auth', undefined],
    [429, 'rate_limit_exceeded', 'rate_limited', 60_000],
    [403, 'spam_risk_too_many_pending_share', 'rate_limited', 3_600_000],
    [403, 'reached_active_user_cap', 'rate_limited', 3_600_000],
    [403, 'spam_risk_user_banned_from_posting', 'permanent', undefined],
    [401, 'scope_not_authorized', 'permanent', undefined],
    [403, 'privacy_level_option_mismatch', 'permanent', undefined],
    [400, 'invalid_param', 'permanent', undefined],
    [400, 'invalid_params', 'permanent', undefined],
    [403, 'unaudited_client_can_only_post_to_private_accounts', 'permanent', undefined],
    [400, 'invalid_publish_id', 'permanent', undefined],
  ])('%i %s → %s', (status, code, kind, wait) => {
    const e = fail(status, env(code, 'why'))!;
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(code);
    expect(e.retryAfterMs).toBe(wait);
    expect(e.status).toBe(status);
  });

  test('server errors: transient on reads, ambiguous on the commit', () => {
    expect(fail(500, env('internal_error'))).toMatchObject({ kind: 'transient', code: 'internal_error' });
    expect(fail(500, env('internal_error'), true)).toMatchObject({ kind: 'ambiguous', code: 'internal_error' });
    expect(fail(502, undefined)).toMatchObject({ kind: 'transient', code: 'http_502' });
    expect(fail(503, undefined, true)).toMatchObject({ kind: 'ambiguous', code: 'http_503' });
  });

  test('without an envelope: by status; a 2xx without one proves nothing', () => {
    expect(fail(401, undefined)).toMatchObject({ kind: 'auth' });
    expect(fail(429, undefined, false, '7')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(fail(404, undefined)).toMatchObject({ kind: 'permanent', code: 'http_404' });
    expect(fail(200, { hello: 1 }, true)).toMatchObject({ kind: 'ambiguous', code: 'invalid_response' });
  });
});

describe('OAuth endpoints', () => {
  const oauth = (status: number, body: unknown) => oauthErrorFrom(status, body, null, 'POST /v2/oauth/token/');
  test('the body decides, also under HTTP 200', () => {
    expect(oauth(200, { access_token: 'act.x' })).toBeUndefined();
    expect(oauth(200, { error: 'invalid_grant', error_description: 'expired' })).toMatchObject({ kind: 'invalid_grant', code: 'invalid_grant' });
    expect(oauth(400, { error: 'invalid_grant' })).toMatchObject({ kind: 'invalid_grant' });
  });
  test.each([
    ['server_error', 'transient'], ['temporarily_unavailable', 'transient'], ['invalid_client', 'permanent'],
    ['invalid_request', 'permanent'], ['invalid_scope', 'permanent'], ['unsupported_grant_type', 'permanent'],
  ])('%s → %s', (error, kind) => {
    expect(oauth(400, { error, error_description: 'd', log_id: 'L' })).toMatchObject({ kind, code: error });
  });
  test('5xx or 429 without a body are transient', () => {
    expect(oauth(503, {})).toMatchObject({ kind: 'transient', code: 'http_503' });
    expect(oauth(429, undefined)).toMatchObject({ kind: 'transient' });
    expect(oauth(400, {})).toMatchObject({ kind: 'permanent' });
  });
});
