// The Bluesky PDS simulator on its own, through plain XRPC as a client of a real PDS would call it: sessions from an
// app password (401 on a wrong one, the per-account createSession limit), refreshSession rotating both JWTs and
// revoking the spent refresh JWT, ExpiredToken on an old access JWT, handles resolved to DIDs, blobs, post records
// checked against their text (grapheme and byte limits, facets' byte ranges and what they claim, images with alt, a
// video, reply references), listRecords newest first, getPosts counts, and write points answered 429 with the headers.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DEFAULT_BLUESKY_ACCOUNT as ALICE, SECOND_BLUESKY_ACCOUNT as BOB } from '../../src/sandbox/platforms/bluesky/index.js';
import { startSandbox, withSandbox, type RunningSandbox } from './helpers.js';

let sb: RunningSandbox;

beforeAll(async () => { sb = await startSandbox(); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

interface Answer { status: number; headers: Headers; body: any }
async function xrpc(on: RunningSandbox, method: 'GET' | 'POST', nsid: string, o: { token?: string; json?: unknown; query?: Record<string, string | string[]>; bytes?: { data: Buffer; type: string } } = {}): Promise<Answer> {
  const url = new URL(`${on.baseUrl}/bluesky/xrpc/${nsid}`);
  for (const [k, v] of Object.entries(o.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
  const res = await fetch(url, {
    method,
    headers: {
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.json !== undefined ? { 'content-type': 'application/json' } : o.bytes ? { 'content-type': o.bytes.type } : {}),
    },
    ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : o.bytes ? { body: o.bytes.data } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const login = async (on = sb, identifier = ALICE.handle, password = ALICE.appPassword) =>
  xrpc(on, 'POST', 'com.atproto.server.createSession', { json: { identifier, password } });

const post = (token: string, record: Record<string, unknown>, repo = ALICE.did) =>
  xrpc(sb, 'POST', 'com.atproto.repo.createRecord', { token, json: { repo, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', createdAt: new Date().toISOString(), ...record } } });

const bytesOf = (text: string, part: string) => {
  const start = Buffer.byteLength(text.slice(0, text.indexOf(part)));
  return { byteStart: start, byteEnd: start + Buffer.byteLength(part) };
};

test('createSession takes the handle or email with the app password; a wrong one is 401; refreshSession rotates both JWTs and revokes the spent one', async () => {
  const wrong = await login(sb, ALICE.handle, 'not-the-password');
  expect(wrong).toMatchObject({ status: 401, body: { error: 'AuthenticationRequired', message: 'Invalid identifier or password' } });
  const byEmail = await login(sb, ALICE.email!);
  expect(byEmail.status).toBe(200);
  const s = await login();
  expect(s.body).toMatchObject({ did: ALICE.did, handle: ALICE.handle, accessJwt: expect.any(String), refreshJwt: expect.any(String) });
  const exp = JSON.parse(Buffer.from(s.body.accessJwt.split('.')[1], 'base64url').toString()).exp;
  expect(exp * 1000 - Date.now()).toBeGreaterThan(7000 * 1000);

  // The access JWT is not a refresh JWT, and vice versa.
  expect((await xrpc(sb, 'POST', 'com.atproto.server.refreshSession', { token: s.body.accessJwt })).body.error).toBe('InvalidToken');
  expect((await xrpc(sb, 'GET', 'com.atproto.server.getSession', { token: s.body.refreshJwt })).body.error).toBe('InvalidToken');

  const r = await xrpc(sb, 'POST', 'com.atproto.server.refreshSession', { token: s.body.refreshJwt });
  expect(r.status).toBe(200);
  expect(r.body.accessJwt).not.toBe(s.body.accessJwt);
  expect(r.body.refreshJwt).not.toBe(s.body.refreshJwt);
  expect(await xrpc(sb, 'POST', 'com.atproto.server.refreshSession', { token: s.body.refreshJwt })).toMatchObject({ status: 400, body: { error: 'ExpiredToken' } });
  expect((await xrpc(sb, 'GET', 'com.atproto.server.getSession', { token: s.body.accessJwt })).body.error).toBe('InvalidToken');
  expect(await xrpc(sb, 'GET', 'com.atproto.server.getSession', { token: r.body.accessJwt })).toMatchObject({ status: 200, body: { did: ALICE.did } });
  expect((await xrpc(sb, 'GET', 'com.atproto.server.getSession')).status).toBe(401);

  // Time passing for the access JWT: ExpiredToken, and a refresh gets a working one.
  await sb.control.call('POST', '/bluesky/sessions/expire', { accessExpiresInSeconds: 0 });
  expect(await xrpc(sb, 'GET', 'com.atproto.server.getSession', { token: r.body.accessJwt })).toMatchObject({ status: 400, body: { error: 'ExpiredToken', message: 'Token has expired' } });
  const again = await xrpc(sb, 'POST', 'com.atproto.server.refreshSession', { token: r.body.refreshJwt });
  expect((await xrpc(sb, 'GET', 'com.atproto.server.getSession', { token: again.body.accessJwt })).status).toBe(200);
  // A snapshot shows sessions, never their tokens.
  expect(JSON.stringify(await sb.control.state('bluesky'))).not.toContain(again.body.accessJwt);
});

test('createSession per account: the 4th login of a 3-per-5-minutes window is 429 with the rate-limit headers; wrong passwords count too', async () => {
  await withSandbox({ bluesky: { sessionsPer5Min: 3 } }, async (other) => {
    expect((await login(other, ALICE.handle, 'wrong')).status).toBe(401);
    expect((await login(other)).status).toBe(200);
    expect((await login(other)).status).toBe(200);
    const limited = await login(other);
    expect(limited).toMatchObject({ status: 429, body: { error: 'RateLimitExceeded' } });
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset')) * 1000).toBeGreaterThan(Date.now());
    expect(limited.headers.get('ratelimit-policy')).toBe('3;w=300');
    // Another account has its own window.
    expect((await login(other, BOB.handle, BOB.appPassword)).status).toBe(200);
  });
});

test('a post record is checked against its text: graphemes and bytes, facets on the right bytes and resolving, images with alt and known blobs, a video', async () => {
  const { accessJwt: token } = (await login()).body;
  expect(await xrpc(sb, 'GET', 'com.atproto.identity.resolveHandle', { query: { handle: BOB.handle } })).toMatchObject({ status: 200, body: { did: BOB.did } });
  expect((await xrpc(sb, 'GET', 'com.atproto.identity.resolveHandle', { query: { handle: 'nobody.sandbox.test' } })).status).toBe(400);

  // 300 emoji are 300 graphemes (1,200 bytes): accepted; 301 are not; 300 family emoji are 7,500 bytes: refused.
  expect((await post(token, { text: '😀'.repeat(300) })).status).toBe(200);
  expect(await post(token, { text: '😀'.repeat(301) })).toMatchObject({ status: 400, body: { error: 'InvalidRequest', message: expect.stringContaining('300 graphemes') } });
  expect((await post(token, { text: '👨‍👩‍👧‍👦'.repeat(300) })).body.message).toContain('3000');

  const text = `Café 🎉 voilà https://example.com/x?y=1 hi @${BOB.handle} #Grüße`;
  const link = { index: bytesOf(text, 'https://example.com/x?y=1'), features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/x?y=1' }] };
  const mention = { index: bytesOf(text, `@${BOB.handle}`), features: [{ $type: 'app.bsky.richtext.facet#mention', did: BOB.did }] };
  const tag = { index: bytesOf(text, '#Grüße'), features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Grüße' }] };
  const ok = await post(token, { text, facets: [link, mention, tag] });
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  expect(ok.body.uri).toMatch(new RegExp(`^at://${ALICE.did}/app\\.bsky\\.feed\\.post/[a-z2-7]{13}$`));

  // Offsets counted in UTF-16 code units (what JS string indexes give) are off by the accents' and emoji's bytes.
  const utf16 = { index: { byteStart: text.indexOf('https'), byteEnd: text.indexOf('https') + 25 }, features: link.features };
  expect((await post(token, { text, facets: [utf16] })).body.message).toMatch(/link facet covers/);
  const wrongDid = { ...mention, features: [{ $type: 'app.bsky.richtext.facet#mention', did: ALICE.did }] };
  expect((await post(token, { text, facets: [wrongDid] })).body.message).toMatch(/resolves to did:plc:sandboxbob/);
  const wrongTag = { ...tag, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Gruesse' }] };
  expect((await post(token, { text, facets: [wrongTag] })).body.message).toMatch(/tag facet covers "#Grüße"/);
  const split = { index: { byteStart: bytesOf(text, 'é').byteStart + 1, byteEnd: bytesOf(text, ' 🎉').byteStart }, features: tag.features };
  expect((await post(token, { text, facets: [split] })).body.message).toMatch(/splits a UTF-8 character/);
  const beyond = { index: { byteStart: 0, byteEnd: Buffer.byteLength(text) + 1 }, features: link.features };
  expect((await post(token, { text, facets: [beyond] })).body.message).toMatch(/not within the text/);

  // Images: blobs of this account, alt required, at most 4, each within the size limit.
  const blob = async (size: number, type = 'image/png') => (await xrpc(sb, 'POST', 'com.atproto.repo.uploadBlob', { token, bytes: { data: Buffer.alloc(size, 7), type } })).body.blob;
  const small = await blob(2000);
  expect(small).toMatchObject({ $type: 'blob', ref: { $link: expect.stringMatching(/^bafkrei/) }, mimeType: 'image/png', size: 2000 });
  const images = (n: number, b = small, alt: string | null = 'a cat') => ({ $type: 'app.bsky.embed.images', images: Array.from({ length: n }, () => ({ image: b, ...(alt !== null ? { alt } : {}) })) });
  expect((await post(token, { text: 'four', embed: images(4) })).status).toBe(200);
  expect((await post(token, { text: 'five', embed: images(5) })).body.message).toMatch(/1 to 4/);
  expect((await post(token, { text: 'no alt', embed: images(1, small, null) })).body.message).toMatch(/"alt"/);
  expect((await post(token, { text: 'big', embed: images(1, await blob(1_000_001)) })).body.message).toMatch(/too large/);
  expect((await post(token, { text: 'unknown', embed: images(1, { ...small, ref: { $link: 'bafkreinothere' } }) })).body.message).toMatch(/Could not find blob/);
  // A video: one video/mp4 blob, alt optional.
  const clip = await blob(5000, 'video/mp4');
  expect((await post(token, { text: 'video', embed: { $type: 'app.bsky.embed.video', video: clip, alt: 'waves' } })).status).toBe(200);
  expect((await post(token, { text: 'png as video', embed: { $type: 'app.bsky.embed.video', video: small } })).body.message).toMatch(/mimeType \(image\/png\) not accepted/);
  expect((await post(token, { text: 'video as image', embed: images(1, clip) })).body.message).toMatch(/mimeType \(video\/mp4\) not accepted/);
  const bobs = (await login(sb, BOB.handle, BOB.appPassword)).body.accessJwt;
  expect((await post(bobs, { text: 'not mine', embed: images(1) }, BOB.did)).body.message).toMatch(/Could not find blob/);
  expect((await post(token, { text: 'other repo' }, BOB.did)).body.message).toMatch(/authenticated account/);
});

test('replies need existing root and parent with their cids; listRecords lists newest first; getPosts answers the counts; deleteRecord removes', async () => {
  const { accessJwt: token } = (await login()).body;
  const root = (await post(token, { text: 'root' })).body;
  const reply = await post(token, { text: 'part 2', reply: { root, parent: root } });
  expect(reply.status).toBe(200);
  expect((await post(token, { text: 'x', reply: { root, parent: { uri: root.uri, cid: 'bafyreiwrong' } } })).body.message).toMatch(/has cid/);
  expect((await post(token, { text: 'x', reply: { root, parent: { uri: `${root.uri}zz`, cid: root.cid } } })).body.message).toMatch(/could not find/);

  const listed = await xrpc(sb, 'GET', 'com.atproto.repo.listRecords', { query: { repo: ALICE.did, collection: 'app.bsky.feed.post', limit: '1' } });
  expect(listed.body.records.map((r: any) => r.value.text)).toEqual(['part 2']);
  const next = await xrpc(sb, 'GET', 'com.atproto.repo.listRecords', { query: { repo: ALICE.handle, collection: 'app.bsky.feed.post', cursor: listed.body.cursor } });
  expect(next.body.records.map((r: any) => r.value.text)).toEqual(['root']);

  await sb.control.call('PUT', '/bluesky/engagement', { uri: root.uri, likeCount: 5, repostCount: 2, quoteCount: 1 });
  const got = await xrpc(sb, 'GET', 'app.bsky.feed.getPosts', { token, query: { uris: [root.uri, reply.body.uri] } });
  expect(got.body.posts.map((p: any) => [p.likeCount, p.repostCount, p.replyCount, p.quoteCount])).toEqual([[5, 2, 1, 1], [0, 0, 0, 0]]);
  expect((await xrpc(sb, 'GET', 'app.bsky.actor.getProfile', { token, query: { actor: ALICE.handle } })).body).toMatchObject({ followersCount: ALICE.followersCount, postsCount: 2 });

  const rkey = reply.body.uri.split('/').pop();
  expect((await xrpc(sb, 'POST', 'com.atproto.repo.deleteRecord', { token, json: { repo: ALICE.did, collection: 'app.bsky.feed.post', rkey } })).status).toBe(200);
  expect((await xrpc(sb, 'GET', 'app.bsky.feed.getPosts', { token, query: { uris: reply.body.uri } })).body.posts).toEqual([]);
});

test('write points: creates cost 3 of the hour\'s points; one past them is 429 RateLimitExceeded with its headers', async () => {
  await withSandbox({ bluesky: { writePoints: { perHour: 7 } } }, async (other) => {
    const { accessJwt: token } = (await login(other)).body;
    const create = (text: string) => xrpc(other, 'POST', 'com.atproto.repo.createRecord', { token, json: { repo: ALICE.did, collection: 'app.bsky.feed.post', record: { text, createdAt: new Date().toISOString() } } });
    expect((await create('one')).headers.get('ratelimit-remaining')).toBe('4');
    expect((await create('two')).status).toBe(200);
    const third = await create('three');
    expect(third).toMatchObject({ status: 429, body: { error: 'RateLimitExceeded' } });
    expect(third.headers.get('ratelimit-limit')).toBe('7');
    expect(third.headers.get('ratelimit-policy')).toBe('7;w=3600');
    expect((await other.control.state('bluesky')).records).toHaveLength(2);
  });
});
