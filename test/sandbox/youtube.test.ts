// The YouTube simulator on its own, through plain HTTP as a client of Google OAuth and the YouTube Data API v3 would
// call it: offline access with refresh tokens that do not rotate, revocation and a Testing app's 7-day expiry as
// invalid_grant, the channel, the resumable upload (session URI, 256 KiB chunks with exact Content-Range, 308 and
// Range, the status question, a chunk cut short, an expired session), processing outcomes, statistics as strings,
// publishAt, and the project's quota per Pacific day with Google's quotaExceeded error.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DEFAULT_YOUTUBE_CHANNEL, YOUTUBE_SANDBOX_CLIENT_ID, YOUTUBE_SANDBOX_CLIENT_SECRET } from '../../src/sandbox/platforms/youtube/index.js';
import { readJson, type RunningSandbox, startSandbox, withSandbox } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:3000/api/social/connect/youtube/callback';
const SCOPE = 'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly';
const KIB256 = 256 * 1024;
let sb: RunningSandbox;

beforeAll(async () => { sb = await startSandbox(); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

const json = readJson;

const token = (on: RunningSandbox, form: Record<string, string>) => fetch(`${on.baseUrl}/youtube/token`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ client_id: YOUTUBE_SANDBOX_CLIENT_ID, client_secret: YOUTUBE_SANDBOX_CLIENT_SECRET, ...form }),
}).then(json);

async function login(on: RunningSandbox = sb, extra: Record<string, string> = { access_type: 'offline', prompt: 'consent' }) {
  const u = new URL(`${on.baseUrl}/youtube/o/oauth2/v2/auth`);
  for (const [k, v] of Object.entries({ client_id: YOUTUBE_SANDBOX_CLIENT_ID, redirect_uri: REDIRECT, response_type: 'code', scope: SCOPE, state: 'st', ...extra })) u.searchParams.set(k, v);
  const back = await fetch(u, { redirect: 'manual' });
  expect(back.status).toBe(302);
  const location = new URL(back.headers.get('location')!);
  expect(location.searchParams.get('state')).toBe('st');
  const answer = await token(on, { grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: REDIRECT });
  expect(answer.status).toBe(200);
  return { access: answer.body.access_token as string, refresh: answer.body.refresh_token as string | undefined, body: answer.body };
}

const api = (access: string, method: string, path: string, body?: unknown, on: RunningSandbox = sb) => fetch(`${on.baseUrl}/youtube${path}`, {
  method, headers: { authorization: `Bearer ${access}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
}).then(json);

const metadata = (title: string, status: Record<string, unknown> = { privacyStatus: 'public' }) => ({ snippet: { title, description: 'made in the sandbox', tags: ['herald', 'two words'], categoryId: '22' }, status });

async function openSession(access: string, total: number, meta: unknown = metadata('A video'), on: RunningSandbox = sb) {
  const res = await fetch(`${on.baseUrl}/youtube/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`, {
    method: 'POST', headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-length': String(total), 'x-upload-content-type': 'video/mp4' },
    body: JSON.stringify(meta),
  });
  return { ...(await json(res)), location: res.headers.get('location') };
}

const put = (uri: string, range: string, bytes?: Buffer) => fetch(uri, {
  method: 'PUT', headers: { 'content-range': range, 'content-type': 'video/mp4', 'content-length': String(bytes?.length ?? 0) }, ...(bytes ? { body: bytes } : {}), redirect: 'manual',
}).then(json);

test('offline access yields a refresh token that does not rotate; without it there is none; revoking ends the grant with invalid_grant', async () => {
  const { access, refresh, body } = await login();
  expect(body).toEqual({ access_token: access, expires_in: 3599, token_type: 'Bearer', scope: SCOPE, refresh_token: expect.any(String) });
  const first = await token(sb, { grant_type: 'refresh_token', refresh_token: refresh! });
  const second = await token(sb, { grant_type: 'refresh_token', refresh_token: refresh! });
  expect(first.status).toBe(200);
  expect(second.status).toBe(200);
  expect(first.body.refresh_token).toBeUndefined();
  expect(second.body.access_token).not.toBe(first.body.access_token);
  expect((await api(first.body.access_token, 'GET', '/youtube/v3/channels?mine=true&part=snippet')).status).toBe(401);
  expect((await login(sb, {})).refresh).toBeUndefined();
  expect((await fetch(`${sb.baseUrl}/youtube/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: second.body.access_token }) })).status).toBe(200);
  expect(await token(sb, { grant_type: 'refresh_token', refresh_token: refresh! })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
  expect((await api(second.body.access_token, 'GET', '/youtube/v3/channels?mine=true&part=snippet')).status).toBe(401);
});

test('an app in Testing status: its refresh tokens expire after 7 days (invalid_grant); production ones do not', async () => {
  await withSandbox({ youtube: { publishingStatus: 'testing' } }, async (testing) => {
    const { refresh, body } = await login(testing);
    expect(body.refresh_token_expires_in).toBe(7 * 86_400);
    expect((await token(testing, { grant_type: 'refresh_token', refresh_token: refresh! })).status).toBe(200);
    await testing.control.call('POST', '/youtube/tokens', { refreshExpiresInSeconds: 0 });
    expect(await token(testing, { grant_type: 'refresh_token', refresh_token: refresh! })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
  const { body } = await login();
  expect(body.refresh_token_expires_in).toBeUndefined();
});

test('the consent page, when asked for, names the channel and the scopes before any code is issued', async () => {
  await withSandbox({ consent: 'page' }, async (paged) => {
    const u = new URL(`${paged.baseUrl}/youtube/o/oauth2/v2/auth`);
    for (const [k, v] of Object.entries({ client_id: YOUTUBE_SANDBOX_CLIENT_ID, redirect_uri: REDIRECT, response_type: 'code', scope: SCOPE, state: 'st', access_type: 'offline' })) u.searchParams.set(k, v);
    const page = await fetch(u, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(DEFAULT_YOUTUBE_CHANNEL.title);
    expect(html).toContain('youtube.upload');
    const allowed = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ decision: 'allow' }), redirect: 'manual' });
    expect(new URL(allowed.headers.get('location')!).searchParams.get('code')).toEqual(expect.any(String));
  });
});

test('channels.list mine=true answers the channel with its uploads playlist and subscribers as a string', async () => {
  const { access } = await login();
  const res = await api(access, 'GET', '/youtube/v3/channels?mine=true&part=snippet,statistics,contentDetails');
  expect(res.status).toBe(200);
  expect(res.body.items[0]).toMatchObject({
    id: DEFAULT_YOUTUBE_CHANNEL.id, snippet: { title: DEFAULT_YOUTUBE_CHANNEL.title },
    statistics: { subscriberCount: String(DEFAULT_YOUTUBE_CHANNEL.subscriberCount) },
    contentDetails: { relatedPlaylists: { uploads: `UU${DEFAULT_YOUTUBE_CHANNEL.id.slice(2)}` } },
  });
});

test('a resumable upload: 200 + Location, 256 KiB chunks with exact ranges (308 + Range), wrong ranges refused, 201 with the video, the status question', async () => {
  const { access } = await login();
  const total = KIB256 * 2 + 1000;
  expect((await openSession(access, total, metadata('a <b> title'))).body.error.errors[0].reason).toBe('invalidTitle');
  const session = await openSession(access, total);
  expect(session.status).toBe(200);
  const uri = session.location!;
  expect(uri).toMatch(/\/youtube\/upload\/youtube\/v3\/videos\?uploadType=resumable&upload_id=/);
  const file = Buffer.alloc(total, 7);
  const asked = await put(uri, `bytes */${total}`);
  expect(asked.status).toBe(308);
  expect(asked.headers.get('range')).toBeNull();
  // Not a multiple of 256 KiB, not the last chunk: refused; so is a chunk that does not start where the session is.
  expect((await put(uri, `bytes 0-999/${total}`, file.subarray(0, 1000))).status).toBe(400);
  expect((await put(uri, `bytes ${KIB256}-${2 * KIB256 - 1}/${total}`, file.subarray(KIB256, 2 * KIB256))).status).toBe(400);
  const one = await put(uri, `bytes 0-${KIB256 - 1}/${total}`, file.subarray(0, KIB256));
  expect(one.status).toBe(308);
  expect(one.headers.get('range')).toBe(`bytes=0-${KIB256 - 1}`);
  expect((await put(uri, `bytes */${total}`)).headers.get('range')).toBe(`bytes=0-${KIB256 - 1}`);
  expect((await put(uri, `bytes ${KIB256}-${total - 1}/${total}`, file.subarray(KIB256))).status).toBe(201);
  const state = await sb.control.state('youtube');
  expect(state.videos).toEqual([expect.objectContaining({ title: 'A video', uploadStatus: 'uploaded', sizeBytes: total, tags: ['herald', 'two words'] })]);
  expect(state.sessions[0].accepted).toEqual([[0, KIB256 - 1], [KIB256, total - 1]]);
  const again = await put(uri, `bytes */${total}`);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ kind: 'youtube#video', id: state.videos[0].id, status: { uploadStatus: 'uploaded', privacyStatus: 'public' } });
  // The session URI is the capability: the state shows none.
  expect(JSON.stringify(state)).not.toContain(new URL(uri).searchParams.get('upload_id')!);
});

test('a chunk cut short keeps its whole 256 KiB pieces; an expired session answers 404', async () => {
  const { access } = await login();
  const total = KIB256 * 4;
  const uri = (await openSession(access, total)).location!;
  await sb.control.addFault({ match: { method: 'PUT', path: '/youtube/upload/youtube/v3/videos' }, action: { type: 'cut_body', afterBytes: KIB256 + 5000 } });
  await expect(put(uri, `bytes 0-${3 * KIB256 - 1}/${total}`, Buffer.alloc(3 * KIB256))).rejects.toThrow();
  const asked = await put(uri, `bytes */${total}`);
  expect(asked.status).toBe(308);
  expect(asked.headers.get('range')).toBe(`bytes=0-${KIB256 - 1}`);
  await sb.control.call('POST', '/youtube/sessions/expire');
  const gone = await put(uri, `bytes */${total}`);
  expect(gone.status).toBe(404);
  expect((await put(uri, `bytes ${KIB256}-${total - 1}/${total}`, Buffer.alloc(3 * KIB256))).status).toBe(404);
});

test('processing ends processed, or failed / rejected with the reason queued; statistics read as strings; publishAt only while private, public once it passed', async () => {
  await withSandbox({ youtube: { processingMs: 300 } }, async (on) => {
    const { access } = await login(on);
    await on.control.call('POST', '/youtube/processing-outcomes', { uploadStatus: 'failed', failureReason: 'codec', titleIncludes: 'broken' });
    await on.control.call('POST', '/youtube/processing-outcomes', { uploadStatus: 'rejected', rejectionReason: 'duplicate', titleIncludes: 'copy' });
    const upload = async (title: string, status?: Record<string, unknown>) => {
      const uri = (await openSession(access, 1000, metadata(title, status), on)).location!;
      return (await put(uri, 'bytes 0-999/1000', Buffer.alloc(1000))).body.id as string;
    };
    const ok = await upload('fine');
    const broken = await upload('broken one');
    const copy = await upload('a copy');
    const scheduled = await upload('later', { privacyStatus: 'private', publishAt: new Date(Date.now() + 500).toISOString() });
    const list = async () => (await api(access, 'GET', `/youtube/v3/videos?id=${[ok, broken, copy, scheduled].join(',')}&part=status,processingDetails,statistics`, undefined, on)).body.items;
    expect((await list()).map((v: any) => v.status.uploadStatus)).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);
    await new Promise((r) => setTimeout(r, 600));
    const [a, b, c, d] = await list();
    expect(a.status.uploadStatus).toBe('processed');
    expect(a.processingDetails.processingStatus).toBe('succeeded');
    expect(b.status).toMatchObject({ uploadStatus: 'failed', failureReason: 'codec' });
    expect(c.status).toMatchObject({ uploadStatus: 'rejected', rejectionReason: 'duplicate' });
    expect(d.status.privacyStatus).toBe('public');
    expect(d.status.publishAt).toBeUndefined();
    await on.control.call('PUT', `/youtube/videos/${ok}/statistics`, { viewCount: 1500, likeCount: 21, commentCount: 4 });
    expect((await list())[0].statistics).toEqual({ viewCount: '1500', likeCount: '21', favoriteCount: '0', commentCount: '4' });
  });
});

test('videos.update and videos.delete need the full youtube scope; publishAt on a public video is invalidPublishAt', async () => {
  const full = `${SCOPE} https://www.googleapis.com/auth/youtube`;
  const u = new URL(`${sb.baseUrl}/youtube/o/oauth2/v2/auth`);
  for (const [k, v] of Object.entries({ client_id: YOUTUBE_SANDBOX_CLIENT_ID, redirect_uri: REDIRECT, response_type: 'code', scope: full, state: 'st' })) u.searchParams.set(k, v);
  const code = new URL((await fetch(u, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const access = (await token(sb, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body.access_token as string;
  const narrow = (await login()).access;
  const uri = (await openSession(access, 1000, metadata('to edit', { privacyStatus: 'private' }))).location!;
  const id = (await put(uri, 'bytes 0-999/1000', Buffer.alloc(1000))).body.id as string;
  const at = new Date(Date.now() + 86_400_000).toISOString();
  expect((await api(narrow, 'PUT', '/youtube/v3/videos?part=status', { id, status: { privacyStatus: 'private', publishAt: at } })).body.error.errors[0].reason).toBe('insufficientPermissions');
  expect((await api(access, 'PUT', '/youtube/v3/videos?part=status', { id, status: { privacyStatus: 'public', publishAt: at } })).body.error.errors[0].reason).toBe('invalidPublishAt');
  const updated = await api(access, 'PUT', '/youtube/v3/videos?part=status', { id, status: { privacyStatus: 'private', publishAt: at } });
  expect(updated.body.status).toMatchObject({ privacyStatus: 'private', publishAt: at });
  expect((await api(access, 'DELETE', `/youtube/v3/videos?id=${id}`)).status).toBe(204);
  expect((await api(access, 'GET', `/youtube/v3/videos?id=${id}&part=status`)).body.items).toEqual([]);
});

test('quota: the videos.insert bucket and the unit pool run out per Pacific day with Google\'s 403 quotaExceeded', async () => {
  await withSandbox({ youtube: { dailyUploads: 1, dailyQuotaUnits: 3 } }, async (on) => {
    const { access } = await login(on);
    expect((await openSession(access, 1000, metadata('first'), on)).status).toBe(200);
    const refused = await openSession(access, 1000, metadata('second'), on);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 403, errors: [{ domain: 'youtube.quota', reason: 'quotaExceeded' }] });
    for (let i = 0; i < 3; i++) expect((await api(access, 'GET', '/youtube/v3/channels?mine=true&part=snippet', undefined, on)).status).toBe(200);
    expect((await api(access, 'GET', '/youtube/v3/channels?mine=true&part=snippet', undefined, on)).body.error.errors[0].reason).toBe('quotaExceeded');
    const state = await on.control.state('youtube');
    expect(state.quota).toMatchObject({ units: 3, uploads: 1 });
    // The day is the Pacific one: it starts at 07:00 or 08:00 UTC.
    expect([7, 8]).toContain(new Date(state.quota.day).getUTCHours());
  });
  // The legacy model: an insert costs 1,600 units of the one pool.
  await withSandbox({ youtube: { dailyUploads: null, dailyQuotaUnits: 2000 } }, async (on) => {
    const { access } = await login(on);
    expect((await openSession(access, 1000, metadata('legacy'), on)).status).toBe(200);
    expect((await on.control.state('youtube')).quota.units).toBe(1600);
    expect((await openSession(access, 1000, metadata('legacy 2'), on)).status).toBe(403);
  });
});
