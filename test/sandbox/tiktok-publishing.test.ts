// After init (§1.12-1.15, §1.17): the strict chunked PUT, the status progression with raw int64 post ids, inbox
// drafts the creator finishes, failures, PULL_FROM_URL downloads and their cancellation, the creator removing the
// app, and the signed webhooks with their double-encoded content.
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startReceiver, startSandbox, waitFor, type RunningSandbox } from './helpers.js';
import { CLIENT_KEY, CLIENT_SECRET, DEFAULT_OPEN_ID, directVideoBody, expectedSignature, fileSource, mintToken, MiB, putChunk, sleep, tiktok } from './tiktok-helpers.js';

const VERIFIED = 'https://media.herald.example/tiktok/';
let sb: RunningSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({
    tiktok: { processingMs: 30, verifiedUrlPrefixes: [VERIFIED], pullVideoSizeBytes: 1_000_000, pullBytesPerSecond: 2_000_000, webhook: { url: receiver.url } },
    webhookRetry: { backoffMs: 20 },
  });
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});
beforeEach(async () => {
  await sb.control.reset();
  receiver.received.length = 0;
});

const status = (token: string, publishId: string) => tiktok(sb, 'POST', '/v2/post/publish/status/fetch/', { token, json: { publish_id: publishId } });

async function init(token: string, body: unknown, path = '/v2/post/publish/video/init/') {
  const r = await tiktok(sb, 'POST', path, { token, json: body });
  expect(r.status).toBe(200);
  return r.body.data as { publish_id: string; upload_url?: string };
}

async function statusUntil(token: string, publishId: string, wanted: string) {
  return waitFor(async () => {
    const r = await status(token, publishId);
    return r.body.data.status === wanted ? r : undefined;
  }, 5000, `status ${wanted}`);
}

function events() {
  return receiver.received.map((r) => JSON.parse(r.rawBody.toString()) as { event: string; content: string; user_openid: string });
}

describe('PUT upload_url', () => {
  const SIZE = 12 * MiB + 7;
  const CHUNK = 5 * MiB;
  const data = randomBytes(SIZE);

  test('chunks in order: 206 then 201 with Content-Range progress, empty bodies, digest of exactly the bytes', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url, publish_id } = await init(token, directVideoBody(fileSource(SIZE, CHUNK, 2)));
    const answers = [];
    // floor(SIZE / CHUNK) = 2 chunks: the second absorbs the remainder.
    for (const [a, b] of [[0, CHUNK - 1], [CHUNK, SIZE - 1]] as const) answers.push(await putChunk(upload_url!, data.subarray(a, b + 1), `bytes ${a}-${b}/${SIZE}`));
    expect(answers).toEqual([
      { status: 206, contentRange: `bytes 0-${CHUNK - 1}/${SIZE}`, text: '' },
      { status: 201, contentRange: `bytes 0-${SIZE - 1}/${SIZE}`, text: '' },
    ]);
    const st = (await sb.control.state('tiktok')).publishes.find((p: any) => p.publish_id === publish_id);
    expect(st).toMatchObject({ uploaded_bytes: SIZE, sha256: createHash('sha256').update(data).digest('hex') });
  });

  test('416 for a range that is not the next chunk of the plan; nothing changes', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url } = await init(token, directVideoBody(fileSource(SIZE, CHUNK, 2)));
    const skip = await putChunk(upload_url!, data.subarray(CHUNK, 2 * CHUNK), `bytes ${CHUNK}-${2 * CHUNK - 1}/${SIZE}`);
    expect(skip.status).toBe(416);
    expect(skip.contentRange).toBe(`bytes */${SIZE}`);
    const wrongEnd = await putChunk(upload_url!, data.subarray(0, CHUNK - 1), `bytes 0-${CHUNK - 2}/${SIZE}`);
    expect(wrongEnd.status).toBe(416);
    const wrongTotal = await putChunk(upload_url!, data.subarray(0, CHUNK), `bytes 0-${CHUNK - 1}/${SIZE + 1}`);
    expect(wrongTotal.status).toBe(416);
    expect((await putChunk(upload_url!, data.subarray(0, CHUNK), `bytes 0-${CHUNK - 1}/${SIZE}`)).status).toBe(206);
    const again = await putChunk(upload_url!, data.subarray(0, CHUNK), `bytes 0-${CHUNK - 1}/${SIZE}`);
    expect(again).toMatchObject({ status: 416, contentRange: `bytes 0-${CHUNK - 1}/${SIZE}` });
  });

  test('400 for malformed headers or a Content-Length that is not the range length', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url } = await init(token, directVideoBody(fileSource(1000)));
    const body = Buffer.alloc(1000);
    expect((await putChunk(upload_url!, body, 'bytes=0-999/1000')).status).toBe(400);
    expect((await putChunk(upload_url!, body, 'bytes 0-999/1000', { 'content-type': 'application/octet-stream' })).status).toBe(400);
    expect((await putChunk(upload_url!, Buffer.alloc(999), 'bytes 0-999/1000')).status).toBe(400);
    expect((await putChunk(upload_url!, body, 'bytes 0-999/1000')).status).toBe(201);
  });

  test('404 for an unknown task or a wrong upload_token; 403 once the upload_url expired', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url } = await init(token, directVideoBody(fileSource(1000)));
    const forged = new URL(upload_url!);
    forged.searchParams.set('upload_token', 'guess');
    expect((await putChunk(forged.toString(), Buffer.alloc(1000), 'bytes 0-999/1000')).status).toBe(404);
    forged.searchParams.set('upload_id', '1');
    expect((await putChunk(forged.toString(), Buffer.alloc(1000), 'bytes 0-999/1000')).status).toBe(404);

    const short = await startSandbox({ tiktok: { uploadUrlTtlMs: 100 } });
    try {
      const t = (await mintToken(short)).access_token;
      const r = await tiktok(short, 'POST', '/v2/post/publish/video/init/', { token: t, json: directVideoBody(fileSource(1000)) });
      await sleep(150);
      expect((await putChunk(r.body.data.upload_url, Buffer.alloc(1000), 'bytes 0-999/1000')).status).toBe(403);
    } finally {
      await short.close();
    }
  });

  test('a chunk is consumed while it is still being sent (streamed, not buffered)', async () => {
    const { access_token: token } = await mintToken(sb);
    const size = 8 * MiB;
    const { upload_url, publish_id } = await init(token, directVideoBody(fileSource(size, size, 1)));
    const body = new PassThrough();
    const sent = fetch(upload_url!, {
      method: 'PUT', body: body as unknown as ReadableStream, duplex: 'half',
      headers: { 'content-type': 'video/mp4', 'content-range': `bytes 0-${size - 1}/${size}`, 'content-length': String(size) },
    } as RequestInit);
    body.write(Buffer.alloc(4 * MiB));
    const inFlight = await waitFor(async () => {
      const p = (await sb.control.state('tiktok')).publishes.find((x: any) => x.publish_id === publish_id);
      return p.chunk_bytes_in_flight > 0 ? p.chunk_bytes_in_flight : undefined;
    }, 3000, 'bytes in flight');
    expect(inFlight).toBeGreaterThan(0);
    expect(inFlight).toBeLessThan(size);
    body.end(Buffer.alloc(4 * MiB));
    expect((await sent).status).toBe(201);
  });
});

describe('status and webhooks', () => {
  test('direct FILE_UPLOAD: PROCESSING_UPLOAD with uploaded_bytes, then PUBLISH_COMPLETE with a raw 19-digit post id', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url, publish_id } = await init(token, directVideoBody(fileSource(1000)));
    expect((await status(token, publish_id)).body.data).toEqual({ status: 'PROCESSING_UPLOAD', publicaly_available_post_id: [], uploaded_bytes: 0 });
    await putChunk(upload_url!, Buffer.alloc(1000), 'bytes 0-999/1000');
    const done = await statusUntil(token, publish_id, 'PUBLISH_COMPLETE');
    const raw = /"publicaly_available_post_id":\[(\d+)\]/.exec(done.text)?.[1];
    expect(raw).toMatch(/^7\d{18}$/);
    // Raw JSON numbers: JSON.parse loses the exact id; only an int64-safe parser keeps it.
    expect(String(done.body.data.publicaly_available_post_id[0])).not.toBe(raw);
    expect((await sb.control.state('tiktok')).publishes[0].post_ids).toEqual([raw]);

    await waitFor(() => events().length >= 2 || undefined, 3000, 'webhooks');
    const [complete, available] = events();
    expect(complete).toMatchObject({ event: 'post.publish.complete', user_openid: DEFAULT_OPEN_ID });
    expect(JSON.parse(complete!.content)).toEqual({ publish_id, publish_type: 'DIRECT_PUBLISH' });
    expect(available!.event).toBe('post.publish.publicly_available');
    expect(JSON.parse(available!.content)).toEqual({ publish_id, post_id: raw, publish_type: 'DIRECT_PUBLISH' });
  });

  test('every webhook is signed: t=<unix s>,s=hex HMAC-SHA256(client secret, t + "." + raw body)', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url } = await init(token, directVideoBody(fileSource(1000)));
    await putChunk(upload_url!, Buffer.alloc(1000), 'bytes 0-999/1000');
    const hook = await waitFor(() => receiver.received[0], 3000, 'webhook');
    const m = /^t=(\d+),s=([0-9a-f]{64})$/.exec(String(hook.headers['tiktok-signature']));
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) - Date.now() / 1000)).toBeLessThan(5);
    expect(m![2]).toBe(expectedSignature(CLIENT_SECRET, m![1]!, hook.rawBody));
    expect(m![2]).not.toBe(expectedSignature('another-secret', m![1]!, hook.rawBody));
    const body = JSON.parse(hook.rawBody.toString());
    expect(Object.keys(body)).toEqual(['client_key', 'event', 'create_time', 'user_openid', 'content']);
    expect(body.client_key).toBe(CLIENT_KEY);
    expect(typeof body.content).toBe('string');
  });

  test('private posts complete without a public post id (and no publicly_available event)', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url, publish_id } = await init(token, directVideoBody(fileSource(1000), { privacy_level: 'SELF_ONLY' }));
    await putChunk(upload_url!, Buffer.alloc(1000), 'bytes 0-999/1000');
    const done = await statusUntil(token, publish_id, 'PUBLISH_COMPLETE');
    expect(done.body.data.publicaly_available_post_id).toEqual([]);
    await sleep(100);
    expect(events().map((e) => e.event)).toEqual(['post.publish.complete']);
  });

  test('inbox: SEND_TO_USER_INBOX until the creator posts the draft', async () => {
    const { access_token: token } = await mintToken(sb);
    const { publish_id } = await init(token, { source_info: { source: 'PULL_FROM_URL', video_url: `${VERIFIED}clip.mp4` } }, '/v2/post/publish/inbox/video/init/');
    expect(publish_id).toMatch(/^v_inbox_url~v2\./);
    const downloading = await status(token, publish_id);
    expect(downloading.body.data).toMatchObject({ status: 'PROCESSING_DOWNLOAD', downloaded_bytes: expect.any(Number) });
    await statusUntil(token, publish_id, 'SEND_TO_USER_INBOX');
    expect((await status(token, publish_id)).body.data.downloaded_bytes).toBe(1_000_000);
    await waitFor(() => events()[0], 3000, 'inbox_delivered');
    expect(events()[0]!.event).toBe('post.publish.inbox_delivered');
    expect(JSON.parse(events()[0]!.content)).toEqual({ publish_id, publish_type: 'INBOX_SHARE' });

    const done = await sb.control.call('POST', `/tiktok/inbox/${encodeURIComponent(publish_id)}/complete`, {});
    expect(done.body).toMatchObject({ status: 'PUBLISH_COMPLETE', post_ids: [expect.stringMatching(/^\d{19}$/)] });
    expect((await status(token, publish_id)).body.data.status).toBe('PUBLISH_COMPLETE');
    await waitFor(() => events().length >= 3 || undefined, 3000, 'complete webhooks');
    expect(events().map((e) => e.event)).toEqual(['post.publish.inbox_delivered', 'post.publish.complete', 'post.publish.publicly_available']);
    expect((await sb.control.call('POST', `/tiktok/inbox/${encodeURIComponent(publish_id)}/complete`, {})).status).toBe(409);
  });

  test('a title marker fails the publish with that fail_reason (status and post.publish.failed)', async () => {
    const { access_token: token } = await mintToken(sb);
    const { upload_url, publish_id } = await init(token, directVideoBody(fileSource(1000), { title: 'nope [[fail:spam_risk_text]]' }));
    await putChunk(upload_url!, Buffer.alloc(1000), 'bytes 0-999/1000');
    const failed = await statusUntil(token, publish_id, 'FAILED');
    expect(failed.body.data).toMatchObject({ status: 'FAILED', fail_reason: 'spam_risk_text', publicaly_available_post_id: [] });
    await waitFor(() => events()[0], 3000, 'failed webhook');
    expect(events()[0]!.event).toBe('post.publish.failed');
    expect(JSON.parse(events()[0]!.content)).toEqual({ publish_id, reason: 'spam_risk_text', publish_type: 'DIRECT_PUBLISH' });
  });

  test('armed failures (control API) apply to the next publishes, even inbox ones', async () => {
    expect((await sb.control.call('POST', '/tiktok/failures', { reason: 'video_pull_failed' })).status).toBe(201);
    const { access_token: token } = await mintToken(sb);
    const { publish_id } = await init(token, { source_info: { source: 'PULL_FROM_URL', video_url: `${VERIFIED}a.mp4` } }, '/v2/post/publish/inbox/video/init/');
    expect((await statusUntil(token, publish_id, 'FAILED')).body.data.fail_reason).toBe('video_pull_failed');
  });

  test('invalid_publish_id, another creator\'s publish, 30 status requests per minute', async () => {
    const { access_token: token } = await mintToken(sb);
    const { publish_id } = await init(token, directVideoBody(fileSource(1000)));
    expect((await status(token, 'v_pub_file~v2.nope')).body.error.code).toBe('invalid_publish_id');
    await sb.control.call('PATCH', '/tiktok/users/someone-else', {});
    const other = (await mintToken(sb, { openId: 'someone-else' })).access_token;
    expect((await status(other, publish_id))).toMatchObject({ status: 400, body: { error: { code: 'token_not_authorized_for_specified_publish_id' } } });
    // The invalid_publish_id call above counted too: 29 more make 30.
    for (let i = 0; i < 29; i++) expect((await status(token, publish_id)).status).toBe(200);
    expect((await status(token, publish_id))).toMatchObject({ status: 429, body: { error: { code: 'rate_limit_exceeded' } } });
  });

  test('webhook post_id type and the "no longer public" spelling are configurable', async () => {
    const rec = await startReceiver();
    const other = await startSandbox({ tiktok: { processingMs: 0, webhookPostIdType: 'number', noLongerPublicEventName: 'post.publish.no_longer_publicly_available', webhook: { url: rec.url } } });
    try {
      const t = (await mintToken(other)).access_token;
      const r = await tiktok(other, 'POST', '/v2/post/publish/video/init/', { token: t, json: directVideoBody(fileSource(1000)) });
      await putChunk(r.body.data.upload_url, Buffer.alloc(1000), 'bytes 0-999/1000');
      await waitFor(() => rec.received.length >= 2 || undefined, 3000, 'webhooks');
      const available = JSON.parse(rec.received[1]!.rawBody.toString());
      expect(available.content).toMatch(/"post_id":7\d{18},/);
      await other.control.call('POST', `/tiktok/publishes/${encodeURIComponent(r.body.data.publish_id)}/take-down`);
      await waitFor(() => rec.received[2], 3000, 'take-down webhook');
      expect(JSON.parse(rec.received[2]!.rawBody.toString()).event).toBe('post.publish.no_longer_publicly_available');
    } finally {
      await other.close();
      await rec.close();
    }
  });

  test('webhooks are retried on non-200 and can be duplicated by a fault', async () => {
    const rec = await startReceiver([500]);
    await sb.control.call('POST', '/webhooks', { platform: 'tiktok', url: rec.url });
    try {
      const { access_token: token } = await mintToken(sb);
      await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/' }, action: { type: 'duplicate_webhook', copies: 1 } });
      const { upload_url } = await init(token, directVideoBody(fileSource(1000), { privacy_level: 'SELF_ONLY' }));
      await putChunk(upload_url!, Buffer.alloc(1000), 'bytes 0-999/1000');
      await waitFor(() => rec.received.length >= 3 || undefined, 3000, 'deliveries');
      const bodies = rec.received.map((r) => r.rawBody.toString());
      expect(new Set(bodies).size).toBe(1); // the failed attempt, its retry and the duplicate: the same event
      const deliveries = await sb.control.deliveries('tiktok');
      expect(deliveries.map((d: any) => [d.copy, d.status, d.attempts.length])).toEqual([[0, 'delivered', 2], [1, 'delivered', 1]]);
    } finally {
      await rec.close();
    }
  });
});

describe('PULL_FROM_URL and cancel', () => {
  test('downloaded_bytes grows; cancelling a running download fails it with publish_cancelled', async () => {
    const slow = await startSandbox({ tiktok: { verifiedUrlPrefixes: [VERIFIED], pullVideoSizeBytes: 10_000_000, pullBytesPerSecond: 10_000_000 } });
    try {
      const t = (await mintToken(slow)).access_token;
      const r = await tiktok(slow, 'POST', '/v2/post/publish/video/init/', { token: t, json: directVideoBody({ source: 'PULL_FROM_URL', video_url: `${VERIFIED}a.mp4` }) });
      const id = r.body.data.publish_id;
      await sleep(150);
      const mid = await tiktok(slow, 'POST', '/v2/post/publish/status/fetch/', { token: t, json: { publish_id: id } });
      expect(mid.body.data.status).toBe('PROCESSING_DOWNLOAD');
      expect(mid.body.data.downloaded_bytes).toBeGreaterThan(0);
      expect(mid.body.data.downloaded_bytes).toBeLessThan(10_000_000);
      const cancel = await tiktok(slow, 'POST', '/v2/post/publish/cancel/', { token: t, json: { publish_id: id } });
      expect(cancel.status).toBe(200);
      expect(cancel.body).toEqual({ error: { code: 'ok', message: '', log_id: expect.any(String) } });
      const after = await tiktok(slow, 'POST', '/v2/post/publish/status/fetch/', { token: t, json: { publish_id: id } });
      expect(after.body.data).toMatchObject({ status: 'FAILED', fail_reason: 'publish_cancelled' });
      expect((await tiktok(slow, 'POST', '/v2/post/publish/cancel/', { token: t, json: { publish_id: id } })).body.error.code).toBe('publish_not_cancellable');
    } finally {
      await slow.close();
    }
  });

  test('a FILE_UPLOAD publish is not cancellable', async () => {
    const { access_token: token } = await mintToken(sb);
    const { publish_id } = await init(token, directVideoBody(fileSource(1000)));
    expect((await tiktok(sb, 'POST', '/v2/post/publish/cancel/', { token, json: { publish_id } })).body.error.code).toBe('publish_not_cancellable');
  });
});

describe('the creator removes the app', () => {
  test('authorization.removed (reason 1), tokens dead, processing publishes fail with auth_removed', async () => {
    const { access_token: token } = await mintToken(sb);
    const { publish_id } = await init(token, directVideoBody(fileSource(1000)));
    const r = await sb.control.call('POST', `/tiktok/users/${DEFAULT_OPEN_ID}/deauthorize`, {});
    expect(r.body).toEqual({ open_id: DEFAULT_OPEN_ID, grants_ended: 1 });
    expect((await status(token, publish_id)).status).toBe(401);
    expect((await sb.control.state('tiktok')).publishes[0]).toMatchObject({ status: 'FAILED', fail_reason: 'auth_removed' });
    await waitFor(() => events().length >= 2 || undefined, 3000, 'webhooks');
    const byEvent = Object.fromEntries(events().map((e) => [e.event, JSON.parse(e.content)]));
    expect(byEvent['authorization.removed']).toEqual({ reason: 1 });
    expect(byEvent['post.publish.failed']).toEqual({ publish_id, reason: 'auth_removed', publish_type: 'DIRECT_PUBLISH' });
  });

  test('the state snapshot holds no credentials', async () => {
    const { access_token, refresh_token } = await mintToken(sb);
    const { upload_url } = await init(access_token, directVideoBody(fileSource(1000)));
    const text = JSON.stringify(await sb.control.state('tiktok'));
    const uploadToken = new URL(upload_url!).searchParams.get('upload_token')!;
    for (const secret of [access_token, refresh_token, uploadToken, CLIENT_SECRET]) expect(text).not.toContain(secret);
  });
});
