// Round trip: webhooks signed by the sandbox are verified by the provider (its own implementation), and
// tampered, wrongly keyed, stale or garbled ones are rejected.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestbedProvider } from '../../src/platforms/testbed/index.js';
import type { WebhookRequest } from '../../src/platforms/provider.js';
import { api, startReceiver, startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';

const SECRET = 'whsec-roundtrip';
let sb: RunningSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let delivered: WebhookRequest;
let postId: string;

beforeAll(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({ testbed: { processingMs: 20, webhook: { url: receiver.url, secret: SECRET } } });
  const created = await api(sb.testbedUrl, 'POST', '/v1/posts', { token: 'testbed-acct-1', json: { account_id: 'acct-1', text: 'hi', client_ref: 'target-9' } });
  postId = created.body.id;
  const got = await waitFor(() => receiver.received[0], 3000, 'webhook');
  delivered = { rawBody: got.rawBody, headers: got.headers, query: {} };
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

const verifier = (secret = SECRET) => createTestbedProvider({ baseUrl: sb.testbedUrl, webhookSecret: secret }).webhooks!;

test('a sandbox delivery verifies and parses', () => {
  const hooks = verifier();
  expect(hooks.verify(delivered, new Date())).toEqual({ ok: true });
  const [event] = hooks.parse(delivered);
  expect(event).toEqual({
    externalId: expect.stringMatching(/^evt_/),
    eventType: 'post.published',
    kind: 'publish_completed',
    publishId: postId,
    payload: expect.objectContaining({ post_id: postId, client_ref: 'target-9', type: 'post.published' }),
  });
});

test('a tampered body is rejected', () => {
  const tampered = Buffer.from(delivered.rawBody.toString().replace('post.published', 'post.failed'));
  const r = verifier().verify({ ...delivered, rawBody: tampered }, new Date());
  expect(r).toEqual({ ok: false, reason: 'signature mismatch' });
});

test('a wrong secret is rejected', () => {
  expect(verifier('another-secret').verify(delivered, new Date())).toMatchObject({ ok: false, reason: 'signature mismatch' });
});

test('a stale (or far-future) timestamp is rejected; within tolerance it passes', () => {
  const t = Number(/t=(\d+)/.exec(String(delivered.headers['testbed-signature']))![1]) * 1000;
  expect(verifier().verify(delivered, new Date(t + 301_000)).ok).toBe(false);
  expect(verifier().verify(delivered, new Date(t - 301_000)).ok).toBe(false);
  expect(verifier().verify(delivered, new Date(t + 299_000)).ok).toBe(true);
  const strict = createTestbedProvider({ baseUrl: sb.testbedUrl, webhookSecret: SECRET, webhookToleranceSeconds: 10 }).webhooks!;
  expect(strict.verify(delivered, new Date(t + 11_000))).toMatchObject({ ok: false, reason: expect.stringContaining('10s') });
});

test('missing or garbled signature headers are rejected with a reason', () => {
  const hooks = verifier();
  const sig = String(delivered.headers['testbed-signature']);
  const withHeader = (v: string | string[] | undefined) => ({ ...delivered, headers: { ...delivered.headers, 'testbed-signature': v } });
  expect(hooks.verify(withHeader(undefined), new Date())).toEqual({ ok: false, reason: 'missing Testbed-Signature header' });
  for (const bad of ['garbage', 't=abc,s=00', sig.replace(/s=[0-9a-f]+/, 's=zz'), sig.replace(/t=\d+,/, ''), [sig, sig]]) {
    const r = hooks.verify(withHeader(bad), new Date());
    expect(r.ok).toBe(false);
  }
  expect(hooks.verify(withHeader('garbage'), new Date())).toEqual({ ok: false, reason: 'malformed Testbed-Signature header' });
});

test('parse rejects bodies that are not testbed events', () => {
  expect(() => verifier().parse({ ...delivered, rawBody: Buffer.from('not json') })).toThrow();
  expect(() => verifier().parse({ ...delivered, rawBody: Buffer.from('{"hello":1}') })).toThrow();
});

test('out of the box, sandbox and provider agree on the default secret', async () => {
  const rx = await startReceiver();
  const plain = await startSandbox({ testbed: { processingMs: 10 } });
  try {
    await plain.control.call('POST', '/webhooks', { platform: 'testbed', url: rx.url });
    await api(plain.testbedUrl, 'POST', '/v1/posts', { token: 'testbed-acct-1', json: { account_id: 'acct-1', text: 'hi' } });
    const got = await waitFor(() => rx.received[0], 3000, 'webhook');
    const hooks = createTestbedProvider({ baseUrl: plain.testbedUrl }).webhooks!;
    expect(hooks.verify({ rawBody: got.rawBody, headers: got.headers, query: {} }, new Date())).toEqual({ ok: true });
  } finally {
    await plain.close();
    await rx.close();
  }
});
