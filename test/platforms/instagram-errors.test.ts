// How Graph errors become PublishError / OAuthError kinds (contract §2.2, §2.3, §4.8), from the table and from real
// sandbox answers (throttling with X-Business-Use-Case-Usage, 2207xxx publish errors).
import { describe, expect, test } from 'vitest';
import { oauthErrorFrom, publishErrorFrom, regainWaitMs } from '../../src/platforms/instagram/errors.js';
import type { PublishContext } from '../../src/platforms/provider.js';
import { DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/index.js';
import { startSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';
import { instagramAt } from '../support/instagram.js';

const waits = { rateLimitWaitMs: 1000, publishingWindowMs: 86_400_000 };
const env = (code: number, subcode?: number, extra: Record<string, unknown> = {}) =>
  ({ error: { message: 'm', type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}), ...extra } });

describe('publishErrorFrom', () => {
  test.each([
    [190, 463, false, 'auth'],
    [102, undefined, false, 'auth'],
    [4, undefined, false, 'rate_limited'],
    [17, undefined, false, 'rate_limited'],
    [32, undefined, false, 'rate_limited'],
    [613, undefined, false, 'rate_limited'],
    [80001, undefined, false, 'rate_limited'],
    [80002, undefined, false, 'rate_limited'],
    [9, 2207042, true, 'rate_limited'],
    [1, undefined, false, 'transient'],
    [2, undefined, false, 'transient'],
    [1, undefined, true, 'ambiguous'],
    [2, undefined, true, 'ambiguous'],
    [-1, 2207001, false, 'transient'],
    [-2, 2207003, false, 'transient'],
    [24, 2207008, false, 'transient'],
    [9007, 2207027, true, 'transient'],
    [9004, 2207052, false, 'transient'],
    [-2, 2207020, false, 'permanent'],
    [4, 2207051, false, 'permanent'],
    [25, 2207050, false, 'permanent'],
    [100, 2207028, false, 'permanent'],
    [36001, 2207005, false, 'permanent'],
    [36004, 2207010, false, 'permanent'],
    [352, 2207026, false, 'permanent'],
    [10, undefined, false, 'permanent'],
    [200, undefined, false, 'permanent'],
    [506, undefined, true, 'permanent'],
  ] as const)('code %s subcode %s (commit %s) → %s', (code, subcode, commit, kind) => {
    const e = publishErrorFrom(400, env(code, subcode), null, commit, 'call', waits);
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(subcode ? `${code}/${subcode}` : String(code));
  });

  test('is_transient and 5xx: transient on reads, ambiguous on commit; an unreadable body is not success', () => {
    expect(publishErrorFrom(400, env(999, undefined, { is_transient: true }), null, false, 'c', waits).kind).toBe('transient');
    expect(publishErrorFrom(500, undefined, null, true, 'c', waits)).toMatchObject({ kind: 'ambiguous', code: 'http_500' });
    expect(publishErrorFrom(503, 'oops', null, false, 'c', waits).kind).toBe('transient');
  });

  test('throttle waits come from estimated_time_to_regain_access (minutes), else the default; the daily limit waits the window', () => {
    const header = JSON.stringify({ '1': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 3 }], '2': [{ estimated_time_to_regain_access: 9 }] });
    expect(regainWaitMs(header)).toBe(9 * 60_000);
    expect(regainWaitMs('not json')).toBeUndefined();
    expect(publishErrorFrom(400, env(80002), header, false, 'c', waits).retryAfterMs).toBe(9 * 60_000);
    expect(publishErrorFrom(400, env(17), null, false, 'c', waits).retryAfterMs).toBe(1000);
    expect(publishErrorFrom(400, env(9, 2207042), null, true, 'c', waits).retryAfterMs).toBe(86_400_000);
  });
});

test('oauthErrorFrom: token errors and used codes are invalid_grant, throttles transient, the rest permanent', () => {
  expect(oauthErrorFrom(400, env(190, 463), 'x').kind).toBe('invalid_grant');
  expect(oauthErrorFrom(400, env(100, 36009), 'x').kind).toBe('invalid_grant');
  expect(oauthErrorFrom(400, env(4), 'x').kind).toBe('transient');
  expect(oauthErrorFrom(502, undefined, 'x').kind).toBe('transient');
  expect(oauthErrorFrom(400, env(101), 'x').kind).toBe('permanent');
});

test('a real 80002 from the sandbox becomes rate_limited with the BUC wait', async () => {
  const sb = await startSandbox({ meta: { rateLimit: { limit: 1, windowMs: 60_000, code: 80002, regainMinutes: 4 } } });
  try {
    const p = instagramAt(sb.baseUrl);
    const res = await fetch(p.oauth!.authorizeUrl({ state: 's', redirectUri: 'https://h.example/cb' }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tokens = await p.oauth!.exchangeCode({ code, redirectUri: 'https://h.example/cb' });
    const ctx: PublishContext = {
      targetId: 't', postId: 'p', account: { id: 'a', platformAccountId: DEFAULT_META_USER.pages[0]!.instagram!.id, accessToken: tokens.accessToken, metadata: {} },
      text: 'x', hashtags: [], media: [], options: {}, state: { data: {} }, progress: undefined, heartbeat: () => {},
      signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    };
    // exchangeCode's /me/permissions used the one allowed call.
    const err = await p.publish.runStep('limit', ctx).catch((e) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', code: '80002', retryAfterMs: 4 * 60_000 });
  } finally { await sb.close(); }
});
