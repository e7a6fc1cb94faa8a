// POST /api/webhooks/:platform and its GET handshake, through app.inject on the real app, Postgres and Temporal
// (with a worker, so accepted events are also seen processed).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApi, errorOf, type TestApi } from '../api/support/test-api.js';
import { fakeProvider } from '../api/support/fake-provider.js';
import { waitFor } from '../sandbox/helpers.js';
import { testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { eventBody, rowsOf, signed, startIngest, stopIngest, uniquePlatform, webhookTestProvider } from './support.js';

const platform = uniquePlatform('wh-receive');
const noHooks = uniquePlatform('wh-nohooks');
let t: TestApi;
let tw: TestWorker;
let deps: ReturnType<typeof testDeps>;

beforeAll(async () => {
  deps = testDeps(inject('databaseUrl'), [webhookTestProvider(platform)]);
  tw = await startTestWorker(deps);
  await startIngest(tw.client, tw.taskQueue, { platform, pollIntervalMs: 2_000 });
  t = await createTestApi({
    taskQueue: tw.taskQueue,
    providers: [webhookTestProvider(platform, { handshakeToken: 'verify-me' }), fakeProvider(noHooks)],
  });
});

afterAll(async () => {
  await stopIngest(tw.client, platform);
  await t?.close();
  await tw?.close();
  await deps?.database.close();
});

const post = (body: string, headers: Record<string, string>, path = `/api/webhooks/${platform}`) =>
  t.app.inject({ method: 'POST', url: path, headers, payload: body });

describe('signature', () => {
  test.each([
    ['missing', (body: string) => ({ 'content-type': 'application/json' }), /missing Testbed-Signature/],
    ['signed with another secret', (body: string) => signed(body, { secret: 'not-the-secret' }), /signature mismatch/],
    ['of another body (tampered)', (body: string) => signed(body.replace('post.published', 'post.failed')), /signature mismatch/],
    ['stale (10 minutes old)', (body: string) => signed(body, { at: new Date(Date.now() - 600_000) }), /away from now/],
    ['garbled', () => ({ 'content-type': 'application/json', 'testbed-signature': 't=abc,s=zz' }), /malformed/],
  ])('%s: 401 in the error shape, nothing stored', async (_case, headersFor, reason) => {
    const eventId = `evt_${randomUUID()}`;
    const body = eventBody({ event_id: eventId, type: 'post.published', post_id: '1' });
    const res = await post(body, headersFor(body));
    expect(res.statusCode).toBe(401);
    const error = errorOf(res);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(reason);
    expect(await rowsOf(t.database.db, platform, eventId)).toHaveLength(0);
  });
});

describe('a verified delivery', () => {
  test('is answered 200 without an API key and stored once, with the exact bytes received', async () => {
    const eventId = `evt_${randomUUID()}`;
    // Whitespace, key order and a number beyond 2^53: anything re-serialised would differ (and fail the signature).
    const body = `{ "type":"post.published",\n  "event_id": "${eventId}", "post_id":"7", "big": 12345678901234567890 }`;
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 1, duplicates: 0 });
    const [row, ...others] = await rowsOf(t.database.db, platform, eventId);
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({ eventType: 'post.published', rawBody: body, error: null });
    expect(row!.payload).toMatchObject({ event_id: eventId, post_id: '7' });
  });

  test('a redelivery of the same event is acknowledged 200 and still stored once', async () => {
    const eventId = `evt_${randomUUID()}`;
    const body = eventBody({ event_id: eventId, type: 'post.published', post_id: '8' });
    expect((await post(body, signed(body))).json()).toEqual({ received: 1, duplicates: 0 });
    // Re-signed a second later, the way a platform's retry is: same event id.
    const again = await post(body, signed(body, { at: new Date(Date.now() + 1000) }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: 1, duplicates: 1 });
    expect(await rowsOf(t.database.db, platform, eventId)).toHaveLength(1);
  });

  test('whatever the content type (or none), the raw body is what is verified', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const eventId = `evt_${randomUUID()}`;
      const body = eventBody({ event_id: eventId, type: 'post.published', post_id: '9' });
      const headers = signed(body);
      if (contentType) headers['content-type'] = contentType;
      else delete headers['content-type'];
      const res = await post(body, headers);
      expect(res.statusCode, String(contentType)).toBe(200);
      expect(await rowsOf(t.database.db, platform, eventId)).toHaveLength(1);
    }
  });

  test('an event type the provider does not know is stored, acknowledged and processed as nothing to do', async () => {
    const eventId = `evt_${randomUUID()}`;
    const body = eventBody({ event_id: eventId, type: 'account.profile_updated' });
    expect((await post(body, signed(body))).statusCode).toBe(200);
    const row = await waitFor(async () => {
      const [r] = await rowsOf(t.database.db, platform, eventId);
      return r?.processedAt ? r : undefined;
    }, 15_000, 'the event processed');
    expect(row).toMatchObject({ eventType: 'account.profile_updated', error: null, attempts: 1 });
  });

  test('a correctly signed body the provider cannot read is stored for inspection, settled, and answered 200 once', async () => {
    const body = `not json ${randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      const res = await post(body, signed(body));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: 0, duplicates: 0 });
    }
    const rows = (await rowsOf(t.database.db, platform)).filter((r) => r.rawBody === body);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventType: 'unreadable', payload: null, externalId: expect.stringMatching(/^unreadable:[0-9a-f]{64}$/) });
    expect(rows[0]!.error).toMatch(/^unreadable body: .*not JSON/);
    // Settled at once: ingestion never picks it up.
    expect(rows[0]!.processedAt).toBeInstanceOf(Date);
    expect(rows[0]!.attempts).toBe(0);
  });
});

test('a NUL, escaped or raw, cannot make a signed delivery fail to store (and be redelivered forever)', async () => {
  const eventId = `evt_${randomUUID()}`;
  const escaped = `{"event_id":"${eventId}","type":"post.published","note":"a\\u0000b"}`;
  expect((await post(escaped, signed(escaped))).statusCode).toBe(200);
  const [row] = await rowsOf(t.database.db, platform, eventId);
  expect(row!.rawBody).toBe(escaped);
  expect(row!.payload).toMatchObject({ note: 'a\uFFFDb' });

  const raw = `{"event_id":"evt_${randomUUID()}","type":"post.published","note":"a\u0000b"}`;
  expect((await post(raw, signed(raw))).statusCode).toBe(200);
  const stored = (await rowsOf(t.database.db, platform)).find((r) => r.rawBody === raw.replace('\u0000', '\uFFFD'));
  expect(stored).toMatchObject({ eventType: 'unreadable' });
});

describe('routing', () => {
  test('an unknown platform, or one without webhooks, is 404', async () => {
    const body = eventBody({ type: 'post.published' });
    for (const path of ['/api/webhooks/no-such-platform', `/api/webhooks/${noHooks}`]) {
      const res = await post(body, signed(body), path);
      expect(res.statusCode, path).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
      expect((await t.app.inject({ method: 'GET', url: `${path}?hub.mode=subscribe` })).statusCode).toBe(404);
    }
  });

  test('GET answers a valid handshake with the challenge as text, anything else with 400', async () => {
    const ok = await t.app.inject({ method: 'GET', url: `/api/webhooks/${platform}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444` });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.body).toBe('1158201444');
    const bad = await t.app.inject({ method: 'GET', url: `/api/webhooks/${platform}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1` });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).code).toBe('validation_failed');
  });
});

test('deliveries are counted by provider and outcome', async () => {
  const counter = async (outcome: string) => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`herald_webhooks_received_total{provider="${platform}",outcome="${outcome}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const before = { accepted: await counter('accepted'), duplicate: await counter('duplicate'), rejected: await counter('rejected') };
  const body = eventBody({ type: 'post.published', post_id: '10' });
  await post(body, signed(body));
  await post(body, signed(body));
  await post(body, signed(body, { secret: 'wrong' }));
  expect(await counter('accepted')).toBe(before.accepted + 1);
  expect(await counter('duplicate')).toBe(before.duplicate + 1);
  expect(await counter('rejected')).toBe(before.rejected + 1);
});
