// TikTok webhooks end to end: deliveries signed by the sandbox verify with the provider's own implementation;
// tampered, wrongly keyed, stale, missing or garbled signatures are refused; events parse (content parsed twice,
// int64-safe) into Herald's kinds with a stable deduplication id.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import type { WebhookProvider, WebhookRequest } from '../../src/platforms/provider.js';
import { startReceiver, startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { CLIENT_KEY, CLIENT_SECRET, DEFAULT_OPEN_ID, directVideoBody, fileSource, mintToken, putChunk, tiktok } from '../sandbox/tiktok-helpers.js';

let sb: RunningSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let deliveries: WebhookRequest[];
let publishId: string;

const hooks = (secret = CLIENT_SECRET, webhookToleranceSeconds?: number): WebhookProvider => createTiktokProvider({
  clientKey: CLIENT_KEY, clientSecret: secret, authBaseUrl: 'https://www.tiktok.example', apiBaseUrl: 'https://open.tiktokapis.example',
  ...(webhookToleranceSeconds !== undefined ? { webhookToleranceSeconds } : {}),
}).webhooks!;

beforeAll(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({ tiktok: { processingMs: 10, webhookPostIdType: 'number', webhook: { url: receiver.url } } });
  const token = (await mintToken(sb)).access_token;
  const init = await tiktok(sb, 'POST', '/v2/post/publish/video/init/', { token, json: directVideoBody(fileSource(1000)) });
  publishId = init.body.data.publish_id;
  await putChunk(init.body.data.upload_url, Buffer.alloc(1000), 'bytes 0-999/1000');
  await waitFor(() => receiver.received.length >= 2 || undefined, 3000, 'webhooks');
  await sb.control.call('POST', `/tiktok/users/${DEFAULT_OPEN_ID}/deauthorize`, { reason: 4 });
  await waitFor(() => receiver.received.length >= 3 || undefined, 3000, 'authorization.removed');
  deliveries = receiver.received.map((r) => ({ rawBody: r.rawBody, headers: r.headers, query: {} }));
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

const signed = (body: string, t: number, secret = CLIENT_SECRET): WebhookRequest => ({
  rawBody: Buffer.from(body),
  headers: { 'tiktok-signature': `t=${t},s=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` },
  query: {},
});
const nowS = () => Math.floor(Date.now() / 1000);

describe('verify', () => {
  test('sandbox deliveries verify', () => {
    for (const d of deliveries) expect(hooks().verify(d, new Date())).toEqual({ ok: true });
  });

  test('a tampered body, a wrong secret, a stale timestamp are refused', () => {
    const d = deliveries[0]!;
    const tampered = { ...d, rawBody: Buffer.from(d.rawBody.toString().replace('DIRECT_PUBLISH', 'INBOX_SHARE')) };
    expect(hooks().verify(tampered, new Date())).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(hooks('another-secret').verify(d, new Date())).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(hooks().verify(d, new Date(Date.now() + 301_000))).toMatchObject({ ok: false, reason: expect.stringContaining('300s') });
    expect(hooks(CLIENT_SECRET, 600).verify(d, new Date(Date.now() + 301_000))).toEqual({ ok: true });
  });

  test('missing or garbled headers are refused with a reason', () => {
    const body = '{"event":"x"}';
    expect(hooks().verify({ rawBody: Buffer.from(body), headers: {}, query: {} }, new Date())).toEqual({ ok: false, reason: 'missing TikTok-Signature header' });
    for (const value of ['garbage', 't=abc,s=00', `t=${nowS()}`, `t=${nowS()},s=zz`]) {
      expect(hooks().verify({ rawBody: Buffer.from(body), headers: { 'TikTok-Signature': value }, query: {} }, new Date())).toEqual({ ok: false, reason: 'malformed TikTok-Signature header' });
    }
    expect(hooks().verify(signed(body, nowS()), new Date())).toEqual({ ok: true });
  });
});

describe('parse', () => {
  test('sandbox events map to Herald kinds, with post ids kept exact', async () => {
    const events = deliveries.map((d) => hooks().parse(d)[0]!);
    expect(events.map((e) => [e.eventType, e.kind])).toEqual([
      ['post.publish.complete', 'publish_completed'],
      ['post.publish.publicly_available', 'publish_progress'],
      ['authorization.removed', 'access_revoked'],
    ]);
    const remoteId = (await sb.control.state('tiktok')).publishes[0].post_ids[0];
    expect(events[1]).toMatchObject({ publishId, platformPostId: remoteId, platformAccountId: DEFAULT_OPEN_ID });
    // The raw delivery carries the id as a 19-digit JSON number inside the content string.
    expect(deliveries[1]!.rawBody.toString()).toContain(`\\"post_id\\":${remoteId}`);
    expect(events[2]).toMatchObject({ platformAccountId: DEFAULT_OPEN_ID, reason: '4: account banned' });
    expect(events[0]!.payload).toMatchObject({ client_key: CLIENT_KEY, event: 'post.publish.complete', content: { publish_id: publishId, publish_type: 'DIRECT_PUBLISH' } });
  });

  test('the deduplication id is stable across redeliveries and differs between events', () => {
    const a = hooks().parse(deliveries[0]!)[0]!.externalId;
    expect(hooks().parse({ ...deliveries[0]!, headers: {} })[0]!.externalId).toBe(a);
    expect(hooks().parse(deliveries[1]!)[0]!.externalId).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  test('failed, inbox and "no longer public" events (both spellings); unknown events are other', () => {
    const parse = (event: string, content: string) => hooks().parse(signed(JSON.stringify({ client_key: CLIENT_KEY, event, create_time: 1700000000, user_openid: 'u1', content }), nowS()))[0]!;
    expect(parse('post.publish.failed', '{"publish_id":"p1","reason":"spam_risk_text","publish_type":"DIRECT_PUBLISH"}'))
      .toMatchObject({ kind: 'publish_failed', publishId: 'p1', reason: 'spam_risk_text' });
    expect(parse('post.publish.inbox_delivered', '{"publish_id":"p2","publish_type":"INBOX_SHARE"}')).toMatchObject({ kind: 'publish_progress', publishId: 'p2' });
    for (const spelling of ['post.publish.no_longer_publicaly_available', 'post.publish.no_longer_publicly_available']) {
      const e = parse(spelling, '{"publish_id":"p3","post_id":7300000000000000001,"publish_type":"DIRECT_PUBLISH"}');
      expect(e).toMatchObject({ kind: 'publish_progress', publishId: 'p3' });
      expect(e.platformPostId).toBeUndefined();
    }
    const available = parse('post.publish.publicly_available', '{"publish_id":"p4","post_id":"7300000000000000001","publish_type":"DIRECT_PUBLISH"}');
    expect(available.platformPostId).toBe('7300000000000000001');
    const big = parse('post.publish.publicly_available', '{"publish_id":"p4","post_id":7300000000000000001}');
    expect(big.platformPostId).toBe('7300000000000000001');
    expect(parse('video.publish.completed', '{"share_id":"video.1.x"}')).toMatchObject({ kind: 'other', eventType: 'video.publish.completed' });
  });

  test('bodies that are not TikTok events throw', () => {
    expect(() => hooks().parse(signed('not json', nowS()))).toThrow(/not JSON/);
    expect(() => hooks().parse(signed('{"content":"{}"}', nowS()))).toThrow(/lacks an event/);
    expect(() => hooks().parse(signed('{"event":"post.publish.complete","content":"{broken"}', nowS()))).toThrow(/content/);
  });
});
