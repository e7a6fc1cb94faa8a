// The LinkedIn simulator on its own, through plain HTTP as a client of the real LinkedIn would call it: login (60-day
// tokens, refresh tokens only when configured), userinfo and the pages the member administers, the version headers
// (missing → 400, sunset → 426), posts (required fields, little-text escaping, duplicates, x-restli-id, listing by
// author), images and multi-part videos with ETags, engagement numbers, the daily limit, and faults on its routes.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DEFAULT_LINKEDIN_MEMBER, LINKEDIN_SANDBOX_CLIENT_ID, LINKEDIN_SANDBOX_CLIENT_SECRET } from '../../src/sandbox/platforms/linkedin/index.js';
import { readJson, type RunningSandbox, startSandbox, waitFor, withSandbox } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:3000/api/social/connect/linkedin/callback';
const PERSON = `urn:li:person:${DEFAULT_LINKEDIN_MEMBER.sub}`;
const ORG = `urn:li:organization:${DEFAULT_LINKEDIN_MEMBER.organizations[0]!.id}`;
const VERSION = '202611';
let sb: RunningSandbox;

beforeAll(async () => { sb = await startSandbox(); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

const json = readJson;

const tokenRequest = (on: RunningSandbox, form: Record<string, string>) => fetch(`${on.baseUrl}/linkedin/oauth/v2/accessToken`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ client_id: LINKEDIN_SANDBOX_CLIENT_ID, client_secret: LINKEDIN_SANDBOX_CLIENT_SECRET, ...form }),
}).then(json);

/** Window → code → token, as a client does; answers the token response. */
async function login(on: RunningSandbox, scope = 'openid profile w_member_social w_organization_social r_organization_social') {
  const u = new URL(`${on.baseUrl}/linkedin/oauth/v2/authorization`);
  for (const [k, v] of Object.entries({ client_id: LINKEDIN_SANDBOX_CLIENT_ID, redirect_uri: REDIRECT, scope, response_type: 'code', state: 'st' })) u.searchParams.set(k, v);
  const back = await fetch(u, { redirect: 'manual' });
  expect(back.status).toBe(302);
  const location = new URL(back.headers.get('location')!);
  expect(location.searchParams.get('state')).toBe('st');
  const r = await tokenRequest(on, { grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: REDIRECT });
  expect(r.status).toBe(200);
  return r.body;
}

function rest(on: RunningSandbox, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${on.baseUrl}/linkedin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`, 'linkedin-version': VERSION, 'x-restli-protocol-version': '2.0.0',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  }).then(json);
}

const post = (author: string, commentary: string, extra: Record<string, unknown> = {}) => ({
  author, commentary, visibility: 'PUBLIC', distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
  lifecycleState: 'PUBLISHED', isReshareDisabledByAuthor: false, ...extra,
});

test('login gives a 60-day token without a refresh token; userinfo names the member; organizationAcls lists the page', async () => {
  const t = await login(sb);
  expect(t).toEqual({ access_token: expect.any(String), expires_in: 5_184_000, scope: 'openid,profile,w_member_social,w_organization_social,r_organization_social', token_type: 'Bearer', id_token: expect.any(String) });
  const me = await rest(sb, t.access_token, 'GET', '/v2/userinfo');
  expect(me.body).toMatchObject({ sub: DEFAULT_LINKEDIN_MEMBER.sub, name: DEFAULT_LINKEDIN_MEMBER.name });
  const acls = await rest(sb, t.access_token, 'GET', '/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED');
  expect(acls.body.elements).toEqual([{ roleAssignee: PERSON, role: 'ADMINISTRATOR', state: 'APPROVED', organization: ORG }]);
  expect((await rest(sb, t.access_token, 'GET', `/rest/organizations/${DEFAULT_LINKEDIN_MEMBER.organizations[0]!.id}`)).body).toMatchObject({ localizedName: 'Sandbox Org' });
  expect((await tokenRequest(sb, { grant_type: 'refresh_token', refresh_token: 'anything' })).status).toBe(400);
  // The code is single use, and a revoked token answers 401 65600.
  await sb.control.call('POST', '/linkedin/tokens', { revoke: true });
  expect(await rest(sb, t.access_token, 'GET', '/v2/userinfo')).toMatchObject({ status: 401, body: { serviceErrorCode: 65600, status: 401 } });
});

test('an app configured for refresh tokens gets one; refreshing keeps its fixed horizon', async () => {
  await withSandbox({ linkedin: { refreshTokens: true } }, async (other) => {
    const t = await login(other);
    expect(t).toMatchObject({ refresh_token: expect.any(String), refresh_token_expires_in: 31_536_000 });
    const fresh = await tokenRequest(other, { grant_type: 'refresh_token', refresh_token: t.refresh_token });
    expect(fresh.body).toEqual({ access_token: expect.any(String), expires_in: 5_184_000, refresh_token: t.refresh_token, refresh_token_expires_in: expect.any(Number) });
    expect(fresh.body.refresh_token_expires_in).toBeLessThanOrEqual(31_536_000);
    expect(fresh.body.access_token).not.toBe(t.access_token);
  });
});

test('the consent page and a cancelled login redirect with user_cancelled_authorize and the state', async () => {
  await withSandbox({ consent: 'page' }, async (other) => {
    const u = `${other.baseUrl}/linkedin/oauth/v2/authorization?${new URLSearchParams({ client_id: LINKEDIN_SANDBOX_CLIENT_ID, redirect_uri: REDIRECT, scope: 'openid w_member_social w_organization_social', response_type: 'code', state: 's1' })}`;
    const page = await fetch(u);
    const html = await page.text();
    expect(html).toContain('LinkedIn page Sandbox Org');
    const denied = await fetch(u, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=deny' });
    const location = new URL(denied.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'user_cancelled_authorize', state: 's1' });
  });
});

test('/rest calls need LinkedIn-Version (missing 400, sunset or unknown 426) and X-Restli-Protocol-Version 2.0.0', async () => {
  const { access_token: token } = await login(sb);
  const path = '/rest/organizationAcls?q=roleAssignee';
  expect(await rest(sb, token, 'GET', path, undefined, { 'linkedin-version': '' })).toMatchObject({ status: 400, body: { code: 'VERSION_MISSING' } });
  expect(await rest(sb, token, 'GET', path, undefined, { 'linkedin-version': '202401' })).toMatchObject({ status: 426, body: { status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version 202401 is not active' } });
  expect((await rest(sb, token, 'GET', path, undefined, { 'linkedin-version': '209912' })).status).toBe(426);
  expect(await rest(sb, token, 'GET', path, undefined, { 'x-restli-protocol-version': '1.0.0' })).toMatchObject({ status: 400, body: { code: 'ILLEGAL_ARGUMENT' } });
  expect((await rest(sb, token, 'GET', path, undefined, { 'linkedin-version': '202512.01' })).status).toBe(200);
});

test('posts: required fields answer 422 listing them; the URN comes in x-restli-id; commentary is little text; duplicates 422; the author lists them newest first', async () => {
  const { access_token: token } = await login(sb);
  const missing = await rest(sb, token, 'POST', '/rest/posts', { author: PERSON });
  expect(missing.status).toBe(422);
  expect(missing.body.message).toBe(['commentary', 'visibility', 'distribution', 'lifecycleState'].map((f) => `ERROR :: /${f} :: field is required but not found and has no default value\n`).join(''));

  const escaped = 'Price \\(50% off\\) \\@ \\<shop\\> \\*now\\* \\_fast\\_ \\~ \\| \\{x\\} \\[y\\] \\\\ \\#1 #launch @[Sandbox Org](urn:li:organization:2414183)';
  const created = await rest(sb, token, 'POST', '/rest/posts', post(PERSON, escaped));
  expect(created.status).toBe(201);
  expect(created.body).toBeUndefined();
  const urn = created.headers.get('x-restli-id')!;
  expect(urn).toMatch(/^urn:li:share:\d{19}$/);
  const raw = await rest(sb, token, 'POST', '/rest/posts', post(ORG, 'Ends here (not escaped) and the rest is lost'));
  expect(raw.status).toBe(201);
  const state = await sb.control.state('linkedin');
  const byUrn = Object.fromEntries(state.posts.map((p: any) => [p.urn, p]));
  expect(byUrn[urn].text).toBe('Price (50% off) @ <shop> *now* _fast_ ~ | {x} [y] \\ #1 #launch @[Sandbox Org](urn:li:organization:2414183)');
  expect(byUrn[raw.headers.get('x-restli-id')!].text).toBe('Ends here ');

  const dup = await rest(sb, token, 'POST', '/rest/posts', post(PERSON, escaped));
  expect(dup).toMatchObject({ status: 422, body: { message: `Content is a duplicate of ${urn}` } });
  await rest(sb, token, 'POST', '/rest/posts', post(PERSON, 'second'));
  const listed = await rest(sb, token, 'GET', `/rest/posts?q=author&author=${encodeURIComponent(PERSON)}&count=10&sortBy=LAST_MODIFIED`);
  expect(listed.body.elements.map((p: any) => p.commentary)).toEqual(['second', escaped]);
  expect((await rest(sb, token, 'GET', `/rest/posts/${encodeURIComponent(urn)}`)).body).toMatchObject({ id: urn, author: PERSON, commentary: escaped });
  expect((await rest(sb, token, 'GET', `/rest/posts?q=author&author=${encodeURIComponent('urn:li:organization:1')}`)).status).toBe(403);

  await withSandbox({ linkedin: { unescapedCommentary: 'reject' } }, async (other) => {
    const t = await login(other);
    const refused = await rest(other, t.access_token, 'POST', '/rest/posts', post(PERSON, 'a (b)'));
    expect(refused).toMatchObject({ status: 422, body: { message: "ERROR :: /commentary :: reserved character '(' at 2 must be escaped\n" } });
  });
});

test('a page post needs w_organization_social; a member-only grant posts only as the member', async () => {
  const { access_token: token } = await login(sb, 'openid profile w_member_social');
  expect((await rest(sb, token, 'POST', '/rest/posts', post(ORG, 'page'))).status).toBe(403);
  expect((await rest(sb, token, 'GET', '/rest/organizationAcls?q=roleAssignee')).status).toBe(200);
  expect((await rest(sb, token, 'POST', '/rest/posts', post(PERSON, 'me'))).status).toBe(201);
});

test('an image: initializeUpload, one PUT, AVAILABLE, then usable in a post (not before)', async () => {
  await withSandbox({ linkedin: { imageProcessingMs: 300 } }, async (other) => {
    const { access_token: token } = await login(other);
    const init = await rest(other, token, 'POST', '/rest/images?action=initializeUpload', { initializeUploadRequest: { owner: ORG } });
    const { uploadUrl, image } = init.body.value;
    expect(image).toMatch(/^urn:li:image:/);
    const early = await rest(other, token, 'POST', '/rest/posts', post(ORG, 'pic', { content: { media: { id: image } } }));
    expect(early.body.message).toContain('MEDIA_ASSET_WAITING_UPLOAD');
    const put = await fetch(uploadUrl, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(1234, 7) });
    expect(put.status).toBe(201);
    expect((await rest(other, token, 'GET', `/rest/images/${encodeURIComponent(image)}`)).body.status).toBe('PROCESSING');
    await waitFor(async () => (await rest(other, token, 'GET', `/rest/images/${encodeURIComponent(image)}`)).body.status === 'AVAILABLE', 5000, 'image AVAILABLE');
    expect((await rest(other, token, 'POST', '/rest/posts', post(ORG, 'pic', { content: { media: { id: image, altText: 'a' } } }))).status).toBe(201);
    expect((await rest(other, token, 'POST', '/rest/posts', post(PERSON, 'not mine', { content: { media: { id: image } } }))).status).toBe(422);
  });
});

test('a video: parts of the configured size, an ETag per PUT, finalize wants every ETag in order, then AVAILABLE', async () => {
  await withSandbox({ linkedin: { videoPartBytes: 1000 } }, async (other) => {
    const { access_token: token } = await login(other);
    const init = await rest(other, token, 'POST', '/rest/videos?action=initializeUpload', { initializeUploadRequest: { owner: PERSON, fileSizeBytes: 2500, uploadCaptions: false, uploadThumbnail: false } });
    const { video, uploadInstructions } = init.body.value;
    expect(uploadInstructions.map((i: any) => [i.firstByte, i.lastByte])).toEqual([[0, 999], [1000, 1999], [2000, 2499]]);
    const putPart = (i: number, bytes: number) => fetch(uploadInstructions[i].uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(bytes, i) });
    expect((await putPart(0, 999)).status).toBe(400);
    const etags = [];
    for (const [i, size] of [1000, 1000, 500].entries()) {
      const r = await putPart(i, size);
      expect(r.status).toBe(200);
      etags.push(r.headers.get('etag')!);
    }
    const finalize = (ids: string[]) => rest(other, token, 'POST', '/rest/videos?action=finalizeUpload', { finalizeUploadRequest: { video, uploadToken: '', uploadedPartIds: ids } });
    expect((await finalize([etags[1]!, etags[0]!, etags[2]!])).status).toBe(400);
    expect((await finalize(etags.slice(0, 2) as string[])).status).toBe(400);
    // A part sent again gets a new ETag; only the newest counts.
    const again = (await putPart(2, 500)).headers.get('etag')!;
    expect(again).not.toBe(etags[2]);
    expect((await finalize(etags as string[])).body.message).toMatch(/ETags of all 3 parts, in order/);
    expect((await finalize([etags[0]!, etags[1]!, again])).status).toBe(200);
    await waitFor(async () => (await rest(other, token, 'GET', `/rest/videos/${encodeURIComponent(video)}`)).body.status === 'AVAILABLE', 5000, 'video AVAILABLE');
    expect((await rest(other, token, 'POST', '/rest/posts', post(PERSON, 'clip', { content: { media: { id: video, title: 'Clip' } } }))).status).toBe(201);
  });
});

test('engagement set on the sandbox side is what socialActions and the share statistics answer', async () => {
  const { access_token: token } = await login(sb);
  const urn = (await rest(sb, token, 'POST', '/rest/posts', post(ORG, 'numbers'))).headers.get('x-restli-id')!;
  expect((await sb.control.call('PUT', `/linkedin/posts/${encodeURIComponent(urn)}/engagement`, { likes: 4, comments: 2, impressions: 100, clicks: 3 })).status).toBe(200);
  const actions = await rest(sb, token, 'GET', `/v2/socialActions/${encodeURIComponent(urn)}`);
  expect(actions.body).toMatchObject({ likesSummary: { totalLikes: 4 }, commentsSummary: { totalFirstLevelComments: 2 } });
  const stats = await rest(sb, token, 'GET', `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${encodeURIComponent(ORG)}&shares=List(${encodeURIComponent(urn)})`);
  expect(stats.body.elements).toEqual([{ organizationalEntity: ORG, share: urn, totalShareStatistics: { impressionCount: 100, uniqueImpressionsCount: 100, clickCount: 3, likeCount: 4, commentCount: 2, shareCount: 0, engagement: 0.09 } }]);
});

test('beyond the member daily limit calls answer 429 without Retry-After; faults apply to LinkedIn routes', async () => {
  await withSandbox({ linkedin: { memberDailyLimit: 2 } }, async (other) => {
    const { access_token: token } = await login(other);
    expect((await rest(other, token, 'GET', '/v2/userinfo')).status).toBe(200);
    expect((await rest(other, token, 'GET', '/v2/userinfo')).status).toBe(200);
    const over = await rest(other, token, 'GET', '/v2/userinfo');
    expect(over).toMatchObject({ status: 429, body: { status: 429, message: 'Resource level throttle MEMBER DAY limit for calls to this resource is reached.' } });
    expect(over.headers.get('retry-after')).toBeNull();
  });
  const { access_token: token } = await login(sb);
  await sb.control.addFault({ match: { method: 'POST', path: '/linkedin/rest/posts' }, action: { type: 'drop_after_effect', mode: 'status', status: 504 } });
  expect((await rest(sb, token, 'POST', '/rest/posts', post(PERSON, 'lost answer'))).status).toBe(504);
  expect((await sb.control.state('linkedin')).posts.map((p: any) => p.commentary)).toEqual(['lost answer']);
});
