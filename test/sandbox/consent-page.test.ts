// The consent pages of the sandbox's authorize endpoints (`consent: 'page'`), for every platform: the page for a valid
// request, its Allow (the code auto mode issues, exchanged at the platform's token endpoint) and Deny (the
// platform's user-denied redirect), the checks that still answer before any page, and escaping of reflected values.
// The form is submitted as a browser would: its hidden fields as the page wrote them, plus the clicked button.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_META_USER, META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/meta/index.js';
import { DEFAULT_THREADS_USER, THREADS_SANDBOX_APP_ID, THREADS_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/threads/index.js';
import { api, startSandbox, withSandbox, type RunningSandbox } from './helpers.js';
import { CLIENT_KEY, CLIENT_SECRET, tiktok } from './tiktok-helpers.js';

/** A state a hostile page could try to smuggle markup through; it must come back byte for byte. */
const STATE = `st-1"><script>alert('x')</script>&amp;`;
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
const json = async (res: Response) => ({ status: res.status, body: await res.json() as any });

interface PlatformCase {
  name: string;
  path: string;
  params: Record<string, string>;
  title: string;
  accounts: string[];
  scopes: string[];
  /** Exchanges an issued code at the platform's token endpoint. */
  exchange(sb: RunningSandbox, code: string): Promise<{ status: number; body: any }>;
  /** The callback's parameters when the user denies (besides state). */
  denied: Record<string, string>;
  /** Parameter changes that leave nowhere safe to redirect to: answered before any page, as in auto mode. */
  invalid: Record<string, string>[];
}

const META_REDIRECT = 'https://herald.example/api/social/connect/instagram/callback';
const THREADS_REDIRECT = 'http://127.0.0.1:3000/api/social/connect/threads/callback';
const TIKTOK_REDIRECT = 'https://herald.example/api/oauth/callback/tiktok';
const TESTBED_REDIRECT = 'http://127.0.0.1:3000/oauth/callback/testbed';
const metaPage = DEFAULT_META_USER.pages[0]!;

const platforms: PlatformCase[] = [
  {
    name: 'tiktok',
    path: '/tiktok/v2/auth/authorize/',
    params: { client_key: CLIENT_KEY, response_type: 'code', scope: 'user.info.basic,video.publish', redirect_uri: TIKTOK_REDIRECT, state: STATE },
    title: 'TikTok sandbox — authorize Herald',
    accounts: ['Sandbox Creator (@sandbox.creator)'],
    scopes: ['user.info.basic', 'video.publish'],
    exchange: async (sb, code) => tiktok(sb, 'POST', '/v2/oauth/token/', {
      form: { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: TIKTOK_REDIRECT },
    }),
    denied: { error: 'access_denied', error_description: 'The user denied the authorization request.' },
    invalid: [{ client_key: 'someone-else' }, { redirect_uri: 'http://herald.example/cb' }],
  },
  {
    name: 'meta',
    path: '/meta/v25.0/dialog/oauth',
    params: {
      client_id: META_SANDBOX_APP_ID, response_type: 'code', state: STATE,
      // Meta does not check scope names: a hostile one reaches the page.
      scope: 'instagram_basic,<img src=x onerror=alert(1)>',
      // Nor the query of the redirect URI, which the page shows.
      redirect_uri: `${META_REDIRECT}?next="><script>alert(2)</script>`,
    },
    title: 'Meta sandbox — authorize Herald',
    accounts: [`Facebook user ${DEFAULT_META_USER.name}`, `Facebook Page ${metaPage.name}`, `Instagram account @${metaPage.instagram!.username} (via ${metaPage.name})`],
    scopes: ['instagram_basic', '<img src=x onerror=alert(1)>'],
    exchange: async (sb, code) => api(sb.baseUrl, 'GET', `/meta/v25.0/oauth/access_token?${new URLSearchParams({
      client_id: META_SANDBOX_APP_ID, client_secret: META_SANDBOX_APP_SECRET, code, redirect_uri: `${META_REDIRECT}?next="><script>alert(2)</script>`,
    })}`),
    denied: { error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied' },
    invalid: [{ client_id: 'someone-else' }, { redirect_uri: 'javascript:alert(1)' }],
  },
  {
    name: 'threads',
    path: '/threads/oauth/authorize',
    params: { client_id: THREADS_SANDBOX_APP_ID, response_type: 'code', scope: 'threads_basic,threads_content_publish', redirect_uri: THREADS_REDIRECT, state: STATE },
    title: 'Threads sandbox — authorize Herald',
    accounts: [`Threads profile @${DEFAULT_THREADS_USER.username}`],
    scopes: ['threads_basic', 'threads_content_publish'],
    exchange: async (sb, code) => json(await fetch(`${sb.baseUrl}/threads/oauth/access_token`, form({
      client_id: THREADS_SANDBOX_APP_ID, client_secret: THREADS_SANDBOX_APP_SECRET, grant_type: 'authorization_code', redirect_uri: THREADS_REDIRECT, code,
    }))),
    denied: { error: 'access_denied', error_reason: 'user_denied', error_description: 'Permissions error' },
    invalid: [{ client_id: 'someone-else' }, { scope: 'threads_content_publish' }],
  },
  {
    name: 'testbed',
    path: '/testbed/oauth/authorize',
    params: {
      client_id: 'herald', redirect_uri: TESTBED_REDIRECT, state: STATE, code_challenge: challenge, code_challenge_method: 'S256', scope: 'profile posts.write',
    },
    title: 'Testbed sandbox — authorize Herald',
    accounts: ['Testbed User (tb-user-1)'],
    scopes: ['profile', 'posts.write'],
    exchange: async (sb, code) => json(await fetch(`${sb.testbedUrl}/oauth/token`, form({
      grant_type: 'authorization_code', client_id: 'herald', code, redirect_uri: TESTBED_REDIRECT, code_verifier: verifier,
    }))),
    denied: { error: 'access_denied', error_description: 'The user denied the authorization request.' },
    invalid: [{ client_id: '' }, { redirect_uri: 'ftp://herald.example/cb' }],
  },
];

let paged: RunningSandbox;
let auto: RunningSandbox;
beforeAll(async () => {
  [paged, auto] = await Promise.all([startSandbox({ consent: 'page' }), startSandbox()]);
});
afterAll(async () => {
  await Promise.all([paged.close(), auto.close()]);
});
beforeEach(async () => {
  await paged.control.reset();
});

function authorizeUrl(sb: RunningSandbox, c: PlatformCase, params: Record<string, string> = c.params): URL {
  const url = new URL(`${sb.baseUrl}${c.path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

const decodeHtml = (s: string) => s
  .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
  .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
  .replace(/&(quot|lt|gt|apos|amp);/g, (_, e: string) => ({ quot: '"', lt: '<', gt: '>', apos: "'", amp: '&' })[e]!);

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decodeHtml(m[1]!) : undefined;
};

/** What a browser posts when the button named `label` is clicked: the form's fields plus that button's name=value. */
function submission(html: string, label: 'Allow' | 'Deny'): Record<string, string> {
  const formHtml = /<form method="post"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  expect(formHtml, 'the page has a POST form').toBeDefined();
  const fields: Record<string, string> = {};
  for (const [tag] of formHtml!.matchAll(/<input\b[^>]*>/g)) fields[attr(tag, 'name')!] = attr(tag, 'value') ?? '';
  const button = [...formHtml!.matchAll(/<button\b([^>]*)>([^<]*)<\/button>/g)].find((b) => b[2] === label);
  expect(button, `a button named ${label}`).toBeDefined();
  fields[attr(button![1]!, 'name')!] = attr(button![1]!, 'value')!;
  return fields;
}

/** Loads the consent page and checks what every page must show and how it is served. */
async function consentPage(sb: RunningSandbox, c: PlatformCase, url = authorizeUrl(sb, c)): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  // No script can run on it: the page must work without one.
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  const html = await res.text();
  expect(html).toContain(`<title>${c.title}</title>`);
  expect(html).toMatch(/Simulator: this is Herald's platform sandbox/);
  return html;
}

async function decide(sb: RunningSandbox, c: PlatformCase, html: string, label: 'Allow' | 'Deny'): Promise<URL> {
  // No action attribute: the form posts to the page's own URL.
  const res = await fetch(authorizeUrl(sb, c), { ...form(submission(html, label)), redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const redirectOf = (c: PlatformCase) => c.params.redirect_uri!;
const sameTarget = (back: URL, c: PlatformCase) => expect(`${back.origin}${back.pathname}`).toBe(new URL(redirectOf(c)).origin + new URL(redirectOf(c)).pathname);

describe.each(platforms)('$name consent page', (c) => {
  test('names the app, the account and the scopes, escapes what it reflects; Allow issues a code the token endpoint exchanges', async () => {
    const html = await consentPage(paged, c);
    const clientId = c.params.client_key ?? c.params.client_id!;
    expect(html).toContain(`<strong>${clientId}</strong>`);
    const listed = (label: string) => [.../<li>([^<]*)<\/li>/g[Symbol.matchAll](html.split(label)[1]!.split('</ul>')[0]!)].map((m) => decodeHtml(m[1]!));
    expect(listed('aria-label="Accounts to connect"')).toEqual(c.accounts);
    expect(listed('aria-labelledby="scopes-heading"')).toEqual(c.scopes);
    // Every reflected value is escaped: the only markup is the page's own (no script element at all) ...
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;');
    // ... and the hidden fields carry every original parameter back unchanged.
    const allow = submission(html, 'Allow');
    expect(allow).toEqual({ ...c.params, decision: 'allow' });
    expect(submission(html, 'Deny').decision).toBe('deny');

    // A decision in the query does not skip the page: only the page's POST carries one.
    const skip = authorizeUrl(paged, c, { ...c.params, decision: 'allow' });
    expect(await consentPage(paged, c, skip)).toContain('>Allow</button>');

    const back = await decide(paged, c, html, 'Allow');
    sameTarget(back, c);
    expect(back.searchParams.get('state')).toBe(STATE);
    const code = back.searchParams.get('code');
    expect(code).toBeTruthy();
    const exchanged = await c.exchange(paged, code!);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.access_token).toEqual(expect.any(String));
    // Same code issuance as auto mode: single use.
    expect((await c.exchange(paged, code!)).status).toBeGreaterThanOrEqual(400);
  });

  test('Deny redirects back with the platform’s user-denied error and the state, and no code', async () => {
    const back = await decide(paged, c, await consentPage(paged, c), 'Deny');
    sameTarget(back, c);
    const denied = { ...Object.fromEntries(new URL(redirectOf(c)).searchParams), ...c.denied, state: STATE };
    expect(Object.fromEntries(back.searchParams)).toEqual(denied);
    // Without a browser: the decision alone, posted to the authorize URL, decides the same way.
    const bare = await fetch(authorizeUrl(paged, c), { ...form({ decision: 'deny' }), redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(Object.fromEntries(new URL(bare.headers.get('location')!).searchParams)).toEqual(denied);
  });

  test('a request with no safe way back gets the same answer as in auto mode, also when the form is tampered with', async () => {
    const answer = async (res: Response) => {
      const text = await res.text();
      const type = res.headers.get('content-type');
      // TikTok's error bodies carry a fresh log_id each time.
      const body = type?.startsWith('application/json') ? { ...JSON.parse(text), log_id: undefined } : text;
      return { status: res.status, type, location: res.headers.get('location'), body };
    };
    for (const change of c.invalid) {
      const params = { ...c.params, ...change };
      const expected = await answer(await fetch(authorizeUrl(auto, c, params), { redirect: 'manual' }));
      expect(expected.status, JSON.stringify(change)).toBe(400);
      expect(await answer(await fetch(authorizeUrl(paged, c, params), { redirect: 'manual' })), JSON.stringify(change)).toEqual(expected);
      const tampered = await fetch(`${paged.baseUrl}${c.path}`, { ...form({ ...params, decision: 'allow' }), redirect: 'manual' });
      expect(await answer(tampered), JSON.stringify(change)).toEqual(expected);
    }
  });
});

test('a platform’s own consent setting overrides the sandbox-wide one', async () => {
  const [tiktokCase, , , testbedCase] = platforms;
  await withSandbox({ consent: 'page', testbed: { consent: 'auto' } }, async (other) => {
    expect((await fetch(authorizeUrl(other, testbedCase!), { redirect: 'manual' })).status).toBe(302);
    await consentPage(other, tiktokCase!);
  });
  await withSandbox({ tiktok: { consent: 'page' } }, async (other) => {
    await consentPage(other, tiktokCase!);
    expect((await fetch(authorizeUrl(other, testbedCase!), { redirect: 'manual' })).status).toBe(302);
  });
});
