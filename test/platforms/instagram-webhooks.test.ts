// Meta webhooks on Herald's side: X-Hub-Signature-256 over the raw bytes, the GET subscription handshake, and parsing
// batched entry[].changes[] into stable, deduplicable events - including a real signed delivery from the sandbox.
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createInstagramProvider } from '../../src/platforms/instagram/index.js';
import type { WebhookRequest } from '../../src/platforms/provider.js';
import { DEFAULT_META_USER, META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/meta/index.js';
import { startReceiver, startSandbox, waitFor } from '../sandbox/helpers.js';
import { instagramAt } from '../support/instagram.js';

const provider = createInstagramProvider({
  appId: META_SANDBOX_APP_ID, appSecret: META_SANDBOX_APP_SECRET, dialogBaseUrl: 'http://x', graphBaseUrl: 'http://x', webhookVerifyToken: 'verify-me',
});
const hooks = provider.webhooks!;
const sign = (raw: Buffer, secret = META_SANDBOX_APP_SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const req = (raw: Buffer, sig?: string): WebhookRequest => ({ rawBody: raw, headers: sig ? { 'x-hub-signature-256': sig } : {}, query: {} });

const payload = {
  object: 'instagram',
  entry: [
    { id: '17841405822304914', time: 1520622968, changes: [
      { field: 'comments', value: { from: { id: '1', username: 'a' }, id: '17919697626119712', text: 'Nice!', media: { id: '18172143295349192', media_product_type: 'FEED' } } },
      { field: 'mentions', value: { comment_id: '17894227972186120', media_id: '17918195224117851' } },
    ] },
    { id: '17841400000000001', time: 1520622969, changes: [{ field: 'mentions', value: { media_id: '17918195224117852' } }] },
  ],
};

describe('verify', () => {
  // Meta signs its escaped-unicode bytes: the raw body must be hashed as received, never re-serialized.
  const raw = Buffer.from('{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{"text":"\\u00e4"}}]}]}');
  test('a good signature over the raw bytes passes; re-serialized bytes would not', () => {
    expect(hooks.verify(req(raw, sign(raw)), new Date())).toEqual({ ok: true });
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(hooks.verify(req(raw, sign(reserialized)), new Date()).ok).toBe(false);
  });
  test('missing, garbled, wrong-secret signatures are refused with a reason', () => {
    expect(hooks.verify(req(raw), new Date())).toEqual({ ok: false, reason: expect.stringMatching(/missing/) });
    expect(hooks.verify(req(raw, 'sha256=zz'), new Date())).toEqual({ ok: false, reason: expect.stringMatching(/malformed/) });
    expect(hooks.verify(req(raw, sign(raw).replace('sha256=', 'sha1=')), new Date()).ok).toBe(false);
    expect(hooks.verify(req(raw, sign(raw, 'other')), new Date())).toEqual({ ok: false, reason: 'signature mismatch' });
  });
});

test('handshake answers hub.challenge only for subscribe with the right verify token', () => {
  expect(hooks.handshake!({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' })).toBe('1158201444');
  expect(hooks.handshake!({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' })).toBeUndefined();
  expect(hooks.handshake!({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1' })).toBeUndefined();
  expect(hooks.handshake!({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me' })).toBeUndefined();
  const noToken = createInstagramProvider({ appId: 'a', appSecret: 's', dialogBaseUrl: 'http://x', graphBaseUrl: 'http://x' });
  expect(noToken.webhooks!.handshake!({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' })).toBeUndefined();
});

test('parse flattens batched entries into stable events, one per change', () => {
  const raw = Buffer.from(JSON.stringify(payload));
  const events = hooks.parse(req(raw));
  expect(events.map((e) => [e.eventType, e.kind, e.platformAccountId])).toEqual([
    ['comments', 'comment', '17841405822304914'], ['mentions', 'comment', '17841405822304914'], ['mentions', 'other', '17841400000000001'],
  ]);
  expect(events[0]!.externalId).toBe('comments:17919697626119712:1520622968');
  expect(events[1]!.externalId).toBe('mentions:17894227972186120:1520622968');
  expect(new Set(events.map((e) => e.externalId)).size).toBe(3);
  // a redelivery yields the same ids
  expect(hooks.parse(req(raw)).map((e) => e.externalId)).toEqual(events.map((e) => e.externalId));
  expect(hooks.parse(req(Buffer.from('not json')))).toEqual([]);
});

test('a real sandbox delivery verifies and parses', async () => {
  const receiver = await startReceiver();
  const sb = await startSandbox({ meta: { webhook: { url: receiver.url } } });
  try {
    const ig = DEFAULT_META_USER.pages[0]!.instagram!.id;
    const p = instagramAt(sb.baseUrl);
    const res = await fetch(p.oauth!.authorizeUrl({ state: 's', redirectUri: 'https://h.example/cb' }), { redirect: 'manual' });
    const tokens = await p.oauth!.exchangeCode({ code: new URL(res.headers.get('location')!).searchParams.get('code')!, redirectUri: 'https://h.example/cb' });
    const auth = { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' };
    const c: any = await (await fetch(`${sb.baseUrl}/meta/v25.0/${ig}/media`, { method: 'POST', headers: auth, body: JSON.stringify({ image_url: 'https://cdn.example/a.jpg' }) })).json();
    const m: any = await (await fetch(`${sb.baseUrl}/meta/v25.0/${ig}/media_publish`, { method: 'POST', headers: auth, body: JSON.stringify({ creation_id: c.id }) })).json();
    await sb.control.call('POST', '/meta/comments', { mediaId: m.id, comments: [{ text: 'ça marche' }, { text: 'two' }] });
    const got = await waitFor(() => receiver.received[0], 3000, 'delivery');
    const r: WebhookRequest = { rawBody: got.rawBody, headers: got.headers, query: {} };
    expect(p.webhooks!.verify(r, new Date())).toEqual({ ok: true });
    const events = p.webhooks!.parse(r);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.platformAccountId === ig && e.eventType === 'comments')).toBe(true);
  } finally {
    await sb.close();
    await receiver.close();
  }
});
