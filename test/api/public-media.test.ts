// Uploaded files at signed, expiring URLs (GET /media/<id>.<ext>?expires&signature, no API key), and what that
// changes for post validation: with MEDIA_URL_SECRET an uploaded JPEG may target Instagram; without it the route does
// not exist and the target is refused with public_url_required.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInstagramProvider } from '../../src/platforms/instagram/index.js';
import { SignedMediaUrls, redactMediaSignatures } from '../../src/storage/signed-media-urls.js';
import { extensionForContentType } from '../../src/storage/media-types.js';
import { createTestAccount, createTestApi, createTestUser, rulesOf, type TestApi, type TestUser } from './support/test-api.js';
import { multipart, sampleFiles } from './support/multipart.js';

const SECRET = randomBytes(32).toString('hex');
const instagram = () => createInstagramProvider({ appId: 'pm', appSecret: 'pm-secret', dialogBaseUrl: 'http://127.0.0.1:9', graphBaseUrl: 'http://127.0.0.1:9' });
const pathOf = (url: string) => { const u = new URL(url); return `${u.pathname}${u.search}`; };

async function upload(t: TestApi, user: TestUser, bytes: Buffer, contentType: string): Promise<string> {
  const form = multipart([{ name: 'file', value: bytes, filename: 'f', contentType }]);
  const res = await t.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('SignedMediaUrls', () => {
  const urls = new SignedMediaUrls({ baseUrl: 'https://herald.example/', secret: SECRET, ttlSeconds: 60 });
  const id = '6f1c1f3e-2a4b-4c59-9d2e-0e5a1b2c3d4e';
  const parse = (url: string) => { const u = new URL(url); return [u.pathname.slice('/media/'.length), u.searchParams.get('expires') ?? undefined, u.searchParams.get('signature') ?? undefined] as const; };

  test('a URL verifies until it expires, for its own file only', () => {
    const now = Date.parse('2026-11-21T00:00:00Z');
    const url = urls.urlFor({ id, contentType: 'image/jpeg' }, now);
    expect(url).toMatch(new RegExp(`^https://herald\\.example/media/${id}\\.jpg\\?expires=\\d+&signature=[0-9a-f]{64}$`));
    const [file, expires, signature] = parse(url);
    expect(urls.verify(file, expires, signature, now + 59_000)).toEqual({ ok: true, mediaId: id, extension: 'jpg' });
    expect(urls.verify(file, expires, signature, now + 60_000)).toEqual({ ok: false, reason: 'expired' });
    expect(urls.verify(file.replace('.jpg', '.mp4'), expires, signature, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(urls.verify(file, String(Number(expires) + 3600), signature, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(urls.verify('../etc/passwd', expires, signature, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(urls.verify(file, expires, undefined, now)).toEqual({ ok: false, reason: 'malformed' });
    const other = new SignedMediaUrls({ baseUrl: 'https://herald.example', secret: `${SECRET}x`, ttlSeconds: 60 });
    expect(other.verify(file, expires, signature, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('signatures are redacted from platform error text; extensions follow the type', () => {
    expect(redactMediaSignatures('could not be fetched from this uri: https://h/media/x.jpg?expires=1&signature=abcdef01'))
      .toBe('could not be fetched from this uri: https://h/media/x.jpg?expires=1&signature=[redacted]');
    expect(extensionForContentType('image/jpeg')).toBe('jpg');
    expect(extensionForContentType('video/quicktime')).toBe('mov');
    expect(extensionForContentType('image/png')).toBe('png');
    expect(extensionForContentType('application/x-unknown')).toBe('bin');
  });
});

describe('GET /media/:file with MEDIA_URL_SECRET', () => {
  let t: TestApi;
  let user: TestUser;
  let urls: SignedMediaUrls;
  beforeAll(async () => {
    t = await createTestApi({ env: { MEDIA_URL_SECRET: SECRET }, providers: [instagram()] });
    user = await createTestUser(t.database.db);
    urls = new SignedMediaUrls({ baseUrl: t.config.PUBLIC_BASE_URL, secret: SECRET, ttlSeconds: 60 });
  });
  afterAll(async () => { await t?.close(); });

  test('serves the exact bytes with their type, without an API key', async () => {
    const bytes = sampleFiles.jpeg(5000);
    const id = await upload(t, user, bytes, 'image/jpeg');
    const res = await t.app.inject({ method: 'GET', url: pathOf(urls.urlFor({ id, contentType: 'image/jpeg' })) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-length']).toBe('5000');
    expect(res.rawPayload.equals(bytes)).toBe(true);
  });

  test('expired, tampered, wrong-extension, unknown and unsigned URLs are refused', async () => {
    const id = await upload(t, user, sampleFiles.jpeg(100), 'image/jpeg');
    const expired = urls.urlFor({ id, contentType: 'image/jpeg' }, Date.now() - 120_000);
    expect((await t.app.inject({ method: 'GET', url: pathOf(expired) })).statusCode).toBe(403);
    // Change the signature's first character to a different one (a fixed replacement would be a no-op 1 time in 16).
    const tampered = urls.urlFor({ id, contentType: 'image/jpeg' }).replace(/signature=(.)/, (_, first: string) => `signature=${first === '0' ? '1' : '0'}`);
    const refused = await t.app.inject({ method: 'GET', url: pathOf(tampered) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    // A valid signature for an extension the file does not have.
    expect((await t.app.inject({ method: 'GET', url: pathOf(urls.urlFor({ id, contentType: 'video/mp4' })) })).statusCode).toBe(404);
    const unknown = urls.urlFor({ id: '00000000-0000-4000-8000-000000000000', contentType: 'image/jpeg' });
    expect((await t.app.inject({ method: 'GET', url: pathOf(unknown) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/media/${id}.jpg` })).statusCode).toBe(404);
  });

  test('an uploaded JPEG may target Instagram', async () => {
    const account = await createTestAccount(t.database.db, { userId: user.id, platform: 'instagram' });
    const id = await upload(t, user, sampleFiles.jpeg(100), 'image/jpeg');
    const res = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'hi', media: [{ mediaId: id }], targets: [{ accountId: account.id }] } });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('without MEDIA_URL_SECRET', () => {
  let t: TestApi;
  beforeAll(async () => { t = await createTestApi({ providers: [instagram()] }); });
  afterAll(async () => { await t?.close(); });

  test('no public media route, and an uploaded JPEG for Instagram is refused naming the rule', async () => {
    const user = await createTestUser(t.database.db);
    const id = await upload(t, user, sampleFiles.jpeg(100), 'image/jpeg');
    const signed = new SignedMediaUrls({ baseUrl: t.config.PUBLIC_BASE_URL, secret: SECRET, ttlSeconds: 60 }).urlFor({ id, contentType: 'image/jpeg' });
    // Not mounted: like any unknown path, 401 without a key and 404 with one.
    expect((await t.app.inject({ method: 'GET', url: pathOf(signed) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: pathOf(signed), headers: user.headers })).statusCode).toBe(404);
    const account = await createTestAccount(t.database.db, { userId: user.id, platform: 'instagram' });
    const res = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'hi', media: [{ mediaId: id }], targets: [{ accountId: account.id }] } });
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['targets.0.media.0:public_url_required']);
  });
});
