// The simulated rupload endpoint for Instagram resumable video upload (§4.4): OAuth token that reaches the
// container, required offset/file_size headers, bytes counted as they stream (never buffered), resume at the
// received offset or restart at 0, the file_url pull variant, processing only once every byte arrived, the
// optional offset lookup, and faults/recording like every platform route.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/index.js';
import { api, startSandbox, waitFor, type RunningSandbox } from './helpers.js';
import { metaLongLivedToken } from './meta-helpers.js';

const V = 'v25.0';
const IG = DEFAULT_META_USER.pages[0]!.instagram!.id;
const SCOPES = 'instagram_basic,instagram_content_publish,pages_show_list,pages_read_engagement';

const longLivedToken = (sb: RunningSandbox, scope = SCOPES) => metaLongLivedToken(sb, scope);

const graph = (sb: RunningSandbox, method: string, path: string, token: string, params: Record<string, string> = {}) =>
  method === 'GET'
    ? api(sb.baseUrl, 'GET', `/meta/${V}${path}?${new URLSearchParams(params)}`, { token })
    : api(sb.baseUrl, method, `/meta/${V}${path}`, { token, json: params });

const ruploadPath = (containerId: string) => `/meta/rupload/ig-api-upload/${V}/${containerId}`;

async function rupload(sb: RunningSandbox, containerId: string, headers: Record<string, string>, body?: Buffer) {
  const res = await fetch(`${sb.baseUrl}${ruploadPath(containerId)}`, {
    method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers }, ...(body ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const statusCode = async (sb: RunningSandbox, token: string, id: string) =>
  (await graph(sb, 'GET', `/${id}`, token, { fields: 'status_code' })).body.status_code as string;
const containerSnap = async (sb: RunningSandbox, id: string) =>
  ((await sb.control.state('meta')).containers as any[]).find((c) => c.id === id);
const innerMessage = (body: any) => JSON.parse(body.debug_info.message).error.message as string;

let sb: RunningSandbox;
let token: string;
beforeAll(async () => { sb = await startSandbox({ meta: { videoProcessingMs: 100 } }); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => {
  await sb.control.reset();
  token = await longLivedToken(sb);
});

async function resumableReel(caption = 'Uploaded reel'): Promise<string> {
  const c = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'REELS', upload_type: 'resumable', caption });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  return c.body.id;
}

describe('containers for resumable upload', () => {
  test('REELS and VIDEO items accept upload_type=resumable without video_url; images and other values are refused', async () => {
    const reel = await resumableReel();
    expect(await statusCode(sb, token, reel)).toBe('IN_PROGRESS');
    const item = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'VIDEO', is_carousel_item: 'true', upload_type: 'resumable' });
    expect(item.status).toBe(200);
    const image = await graph(sb, 'POST', `/${IG}/media`, token, { upload_type: 'resumable' });
    expect(image.body.error).toMatchObject({ code: 100 });
    const odd = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'REELS', upload_type: 'chunked' });
    expect(odd.body.error).toMatchObject({ code: 100 });
    const both = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'REELS', upload_type: 'resumable', video_url: 'https://cdn.example/v.mp4' });
    expect(both.body.error).toMatchObject({ code: 100 });
    expect((await containerSnap(sb, reel)).upload).toEqual({ fileSize: null, receivedBytes: 0, sha256: null, complete: false, fileUrl: null, requests: 0 });
  });

  test('a resumable container never uploaded stays IN_PROGRESS (never FINISHED) and cannot be published', async () => {
    const reel = await resumableReel();
    await new Promise((r) => setTimeout(r, 300)); // three times videoProcessingMs
    expect(await statusCode(sb, token, reel)).toBe('IN_PROGRESS');
    const early = await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: reel });
    expect(early.body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
  });
});

describe('POST rupload', () => {
  test('the whole file in one request: success body, bytes and sha256 recorded, processing, then publishable', async () => {
    const reel = await resumableReel();
    const data = randomBytes(300_000);
    const res = await rupload(sb, reel, { authorization: `OAuth ${token}`, offset: '0', file_size: String(data.length) }, data);
    expect(res).toEqual({ status: 200, body: { success: true, message: 'Upload successful.' } });
    expect((await containerSnap(sb, reel)).upload).toMatchObject({
      fileSize: data.length, receivedBytes: data.length, complete: true, requests: 1, sha256: createHash('sha256').update(data).digest('hex'),
    });
    // Processing starts once the bytes are in (videoProcessingMs 100).
    expect(await statusCode(sb, token, reel)).toBe('IN_PROGRESS');
    await waitFor(async () => (await statusCode(sb, token, reel)) === 'FINISHED', 3000, 'FINISHED');
    expect((await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: reel })).status).toBe(200);
    // The request is recorded with its byte count, not its bytes.
    const [recorded] = await sb.control.requests(`?method=POST&path=${ruploadPath(reel)}`);
    expect(recorded).toMatchObject({ status: 200, body: { bytes: data.length } });
  });

  test('authorization: missing, no scheme, unknown, wrong scope, Bearer, unknown container, revoked → unauthorized user request', async () => {
    const reel = await resumableReel();
    const headers = { offset: '0', file_size: '10' };
    const body = Buffer.alloc(10);
    for (const authorization of [undefined, token, 'OAuth EAAnope']) {
      const res = await rupload(sb, reel, { ...headers, ...(authorization ? { authorization } : {}) }, body);
      expect(res.status).toBe(401);
      expect(res.body.debug_info).toMatchObject({ retriable: false, type: 'ProcessingFailedError' });
      expect(JSON.parse(res.body.debug_info.message)).toEqual({ success: false, error: { message: 'unauthorized user request' } });
    }
    // A valid token without instagram_content_publish; a Bearer header instead of OAuth; a container id nobody owns.
    const readOnly = await longLivedToken(sb, 'instagram_basic,pages_show_list');
    expect(innerMessage((await rupload(sb, reel, { ...headers, authorization: `OAuth ${readOnly}` }, body)).body)).toBe('unauthorized user request');
    expect(innerMessage((await rupload(sb, reel, { ...headers, authorization: `Bearer ${token}` }, body)).body)).toBe('unauthorized user request');
    expect(innerMessage((await rupload(sb, '17000000000000000', { ...headers, authorization: `OAuth ${token}` }, body)).body)).toBe('unauthorized user request');
    // Revoked: DELETE /me/permissions revokes the login.
    await graph(sb, 'DELETE', '/me/permissions', token);
    const revoked = await rupload(sb, reel, { ...headers, authorization: `OAuth ${token}` }, body);
    expect(innerMessage(revoked.body)).toBe('unauthorized user request');
    expect((await containerSnap(sb, reel)).upload.receivedBytes).toBe(0);
  });

  test('offset and file_size headers are required; a container not created resumable is refused', async () => {
    const reel = await resumableReel();
    const auth = { authorization: `OAuth ${token}` };
    const noOffset = await rupload(sb, reel, { ...auth, file_size: '4' }, Buffer.alloc(4));
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.debug_info).toMatchObject({ retriable: false, type: 'ParameterValidationError' });
    expect(innerMessage(noOffset.body)).toMatch(/Offset/);
    const badSize = await rupload(sb, reel, { ...auth, offset: '0', file_size: 'lots' }, Buffer.alloc(4));
    expect(innerMessage(badSize.body)).toMatch(/file_size/);
    const byUrl = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'REELS', video_url: 'https://cdn.example/v.mp4' });
    const notResumable = await rupload(sb, byUrl.body.id, { ...auth, offset: '0', file_size: '4' }, Buffer.alloc(4));
    expect(notResumable.status).toBe(400);
    expect(innerMessage(notResumable.body)).toMatch(/upload_type=resumable/);
    expect((await containerSnap(sb, reel)).upload.receivedBytes).toBe(0);
  });

  test('partial bodies are kept; the next request must continue at the received offset; offset 0 restarts; too many bytes are refused', async () => {
    const reel = await resumableReel();
    const data = randomBytes(100_000);
    const auth = { authorization: `OAuth ${token}`, file_size: String(data.length) };
    expect((await rupload(sb, reel, { ...auth, offset: '0' }, data.subarray(0, 40_000))).body.success).toBe(true);
    expect((await containerSnap(sb, reel)).upload).toMatchObject({ receivedBytes: 40_000, complete: false });
    expect(await statusCode(sb, token, reel)).toBe('IN_PROGRESS');

    const gap = await rupload(sb, reel, { ...auth, offset: '50000' }, data.subarray(50_000));
    expect(gap.status).toBe(400);
    expect(gap.body.debug_info.retriable).toBe(false);
    expect(innerMessage(gap.body)).toMatch(/40000 of 100000/);
    const resized = await rupload(sb, reel, { ...auth, offset: '40000', file_size: '100001' }, data.subarray(40_000));
    expect(resized.status).toBe(400);

    expect((await rupload(sb, reel, { ...auth, offset: '40000' }, data.subarray(40_000))).body.success).toBe(true);
    expect((await containerSnap(sb, reel)).upload).toMatchObject({ receivedBytes: 100_000, complete: true, sha256: createHash('sha256').update(data).digest('hex') });
    const after = await rupload(sb, reel, { ...auth, offset: '100000' }, Buffer.alloc(1));
    expect(innerMessage(after.body)).toBe('all bytes were already received');

    // Restart from 0 with other bytes: the count and hash start over.
    const other = randomBytes(100_000);
    await rupload(sb, reel, { ...auth, offset: '0' }, other.subarray(0, 10));
    expect((await containerSnap(sb, reel)).upload).toMatchObject({ receivedBytes: 10, complete: false, sha256: null });
    const tooMany = await rupload(sb, reel, { ...auth, offset: '10' }, Buffer.concat([other.subarray(10), Buffer.alloc(5)]));
    expect(tooMany.status).toBe(400);
    expect(innerMessage(tooMany.body)).toMatch(/more than file_size/);
    expect(await statusCode(sb, token, reel)).toBe('IN_PROGRESS');
  });

  test('a connection cut mid-body keeps the bytes that arrived; GET answers that offset; the rest completes the upload', async () => {
    const reel = await resumableReel();
    const data = randomBytes(4 * 1024 * 1024);
    const aborter = new AbortController();
    let pushed = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pushed >= 1024 * 1024) {
          // Hold the request open mid-file, then cut it like a dying worker.
          setTimeout(() => aborter.abort(), 100);
          return new Promise(() => undefined);
        }
        controller.enqueue(data.subarray(pushed, pushed + 64 * 1024));
        pushed += 64 * 1024;
        return undefined;
      },
    });
    const cut = await fetch(`${sb.baseUrl}${ruploadPath(reel)}`, {
      method: 'POST', body: stream, duplex: 'half', signal: aborter.signal,
      headers: { authorization: `OAuth ${token}`, offset: '0', file_size: String(data.length), 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
    } as RequestInit).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(Error);
    const received = await waitFor(async () => {
      const u = (await containerSnap(sb, reel)).upload;
      return u.receivedBytes > 0 ? u.receivedBytes as number : undefined;
    }, 3000, 'bytes');
    expect(received).toBeLessThanOrEqual(1024 * 1024);
    const recorded = await waitFor(async () => {
      const [r] = await sb.control.requests(`?method=POST&path=${ruploadPath(reel)}`);
      return r && r.outcome !== 'in_flight' ? r : undefined;
    }, 3000, 'request end');
    expect(recorded.outcome).toBe('aborted');
    expect((await containerSnap(sb, reel)).upload.receivedBytes).toBe(received);

    const lookup = await api(sb.baseUrl, 'GET', ruploadPath(reel), { headers: { authorization: `OAuth ${token}` } });
    expect(lookup).toMatchObject({ status: 200, body: { offset: received } });
    const unauthorizedLookup = await api(sb.baseUrl, 'GET', ruploadPath(reel), { headers: { authorization: 'OAuth EAAnope' } });
    expect(unauthorizedLookup.status).toBe(401);

    const rest = await rupload(sb, reel, { authorization: `OAuth ${token}`, offset: String(received), file_size: String(data.length) }, data.subarray(received));
    expect(rest.body.success).toBe(true);
    expect((await containerSnap(sb, reel)).upload).toMatchObject({ complete: true, sha256: createHash('sha256').update(data).digest('hex') });
    await waitFor(async () => (await statusCode(sb, token, reel)) === 'FINISHED', 3000, 'FINISHED');
  });

  test('file_url pull variant: no body, offset 0; the container processes as for video_url', async () => {
    const reel = await resumableReel();
    const auth = { authorization: `OAuth ${token}`, offset: '0', file_size: '5000' };
    const bad = await rupload(sb, reel, { ...auth, file_url: 'ftp://example/v.mp4' });
    expect(bad.status).toBe(400);
    const ok = await rupload(sb, reel, { ...auth, file_url: 'https://example_hosted_video.com/v.mp4' });
    expect(ok.body).toEqual({ success: true, message: 'Upload successful.' });
    expect((await containerSnap(sb, reel)).upload).toMatchObject({ complete: true, fileUrl: 'https://example_hosted_video.com/v.mp4', receivedBytes: 5000 });
    await waitFor(async () => (await statusCode(sb, token, reel)) === 'FINISHED', 3000, 'FINISHED');
  });

  test('faults apply to rupload like any platform route; a lost answer still keeps the bytes', async () => {
    const reel = await resumableReel();
    await sb.control.addFault({
      match: { method: 'POST', path: ruploadPath(reel) },
      action: { type: 'status', status: 503, body: { debug_info: { retriable: true, type: 'TransientError', message: 'try later' } } },
    });
    const data = randomBytes(50_000);
    const headers = { authorization: `OAuth ${token}`, offset: '0', file_size: String(data.length) };
    const first = await rupload(sb, reel, headers, data);
    expect(first).toMatchObject({ status: 503, body: { debug_info: { retriable: true } } });
    expect((await containerSnap(sb, reel)).upload.receivedBytes).toBe(0);
    await sb.control.addFault({ match: { method: 'POST', path: ruploadPath(reel) }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const lost = await rupload(sb, reel, headers, data).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Error);
    expect((await containerSnap(sb, reel)).upload).toMatchObject({ receivedBytes: data.length, complete: true });
  });

  test('with ruploadOffsetLookup off, GET on the upload URL does not exist', async () => {
    const off = await startSandbox({ meta: { ruploadOffsetLookup: false } });
    try {
      const t = await longLivedToken(off);
      const c = await graph(off, 'POST', `/${IG}/media`, t, { media_type: 'REELS', upload_type: 'resumable' });
      const lookup = await api(off.baseUrl, 'GET', ruploadPath(c.body.id), { headers: { authorization: `OAuth ${t}` } });
      expect(lookup.status).toBe(404);
    } finally { await off.close(); }
  });
});
