// Fault injection through the control API, applied to testbed routes.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { api, startReceiver, startSandbox, waitFor, type RunningSandbox } from './helpers.js';

const TOKEN = 'testbed-acct-1';
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ testbed: { processingMs: 50 }, webhookRetry: { backoffMs: 20 } });
});
afterAll(async () => sb.close());
beforeEach(async () => sb.control.reset());

const createPost = (clientRef: string, extra: Record<string, unknown> = {}) =>
  api(sb.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'acct-1', text: 'hello', client_ref: clientRef, ...extra } });

describe('status fault', () => {
  test('answers the injected status and headers without applying the effect, then expires', async () => {
    await sb.control.addFault({
      match: { method: 'POST', path: '/testbed/v1/posts' },
      action: { type: 'status', status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'rate_limit_exceeded', message: 'slow down' } } },
    });
    const first = await createPost('ref-429');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.body).toEqual({ error: { code: 'rate_limit_exceeded', message: 'slow down' } });
    expect((await sb.control.state()).posts).toHaveLength(0);

    // times defaults to 1: the next request goes through.
    const second = await createPost('ref-429');
    expect(second.status).toBe(200);
    expect((await sb.control.state()).posts).toHaveLength(1);

    const [rule] = (await sb.control.call('GET', '/faults')).body.data;
    expect(rule.hits).toBe(1);
    const recorded = await sb.control.requests('?path=/testbed/v1/posts');
    expect(recorded.map((r) => [r.status, r.faults.length])).toEqual([[429, 1], [200, 0]]);
  });

  test('5xx with the default body; times: 0 fires every time', async () => {
    await sb.control.addFault({ match: { path: '/testbed/v1/me' }, action: { type: 'status', status: 503 }, times: 0 });
    for (let i = 0; i < 3; i++) {
      const r = await api(sb.testbedUrl, 'GET', '/v1/me', { token: TOKEN });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('injected_fault');
    }
  });

  test('matches on method, path prefix, header and body text', async () => {
    await sb.control.addFault({
      match: { method: 'POST', path: '/testbed/v1/*', bodyIncludes: '"client_ref":"only-me"', header: { name: 'X-Test', value: 'yes' } },
      action: { type: 'status', status: 500 },
      times: 0,
    });
    // Each request below misses exactly one condition.
    expect((await createPost('other')).status).toBe(200);
    expect((await api(sb.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'a', text: 't', client_ref: 'only-me' } })).status).toBe(200);
    expect((await api(sb.testbedUrl, 'GET', '/v1/posts?client_ref=only-me', { token: TOKEN, headers: { 'x-test': 'yes' } })).status).toBe(200);
    // All conditions met.
    const hit = await api(sb.testbedUrl, 'POST', '/v1/posts', {
      token: TOKEN, headers: { 'x-test': 'yes' }, json: { account_id: 'a', text: 't', client_ref: 'only-me' },
    });
    expect(hit.status).toBe(500);
  });
});

test('a status fault on an upload leaves the unread body drained, so the connection keeps working', async () => {
  const up = (await api(sb.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size: 2_000_000, content_type: 'video/mp4' } })).body;
  await sb.control.addFault({ match: { method: 'PUT', path: '/testbed/upload/*' }, action: { type: 'status', status: 503 } });
  const send = () => fetch(up.upload_url, {
    method: 'PUT', body: Buffer.alloc(2_000_000), headers: { 'content-range': 'bytes 0-1999999/2000000', 'content-type': 'video/mp4' },
  });
  expect((await send()).status).toBe(503);
  expect((await api(sb.testbedUrl, 'GET', `/v1/uploads/${up.upload_id}`, { token: TOKEN })).body.received_bytes).toBe(0);
  const ok = await send();
  expect(ok.status).toBe(201);
  const [faulted] = await sb.control.requests('?method=PUT');
  expect(faulted).toMatchObject({ status: 503, faults: [expect.any(String)] });
});

test('cut_body drops the connection mid-upload after the given bytes; the platform saw only those', async () => {
  const up = (await api(sb.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size: 3_000_000, content_type: 'video/mp4' } })).body;
  await sb.control.addFault({ match: { method: 'PUT', path: '/testbed/upload/*' }, action: { type: 'cut_body', afterBytes: 1_000_000 } });
  const send = () => fetch(up.upload_url, {
    method: 'PUT', body: Buffer.alloc(3_000_000), headers: { 'content-range': 'bytes 0-2999999/3000000', 'content-type': 'video/mp4' },
  });
  await expect(send()).rejects.toThrow(TypeError); // undici's "fetch failed": the connection was cut
  // The testbed keeps nothing of an incomplete chunk; the connection died under the client.
  expect((await api(sb.testbedUrl, 'GET', `/v1/uploads/${up.upload_id}`, { token: TOKEN })).body.received_bytes).toBe(0);
  const [cut] = await sb.control.requests('?method=PUT');
  expect(cut).toMatchObject({ outcome: 'reset', faults: [expect.any(String)] });
  expect(cut.body.bytes).toBeLessThanOrEqual(1_000_000);
  expect(cut.body.bytes).toBeGreaterThan(0);
  expect((await send()).status).toBe(201);
});

test('delay fault holds the request, then it proceeds normally', async () => {
  await sb.control.addFault({ match: { method: 'GET', path: '/testbed/v1/me' }, action: { type: 'delay', ms: 400 } });
  const t0 = performance.now();
  const r = await api(sb.testbedUrl, 'GET', '/v1/me', { token: TOKEN });
  expect(performance.now() - t0).toBeGreaterThanOrEqual(380);
  expect(r.status).toBe(200);
  expect(r.body.id).toBe('acct-1');
  const t1 = performance.now();
  await api(sb.testbedUrl, 'GET', '/v1/me', { token: TOKEN });
  expect(performance.now() - t1).toBeLessThan(300);
});

describe('drop_after_effect', () => {
  test('reset: the post is created although the client only sees its connection die', async () => {
    await sb.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts' }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const err = await createPost('ref-reset').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError); // fetch failed: socket closed
    const posts = (await sb.control.state()).posts;
    expect(posts).toHaveLength(1);
    expect(posts[0].client_ref).toBe('ref-reset');
    const [rec] = await sb.control.requests('?path=/testbed/v1/posts');
    expect(rec).toMatchObject({ outcome: 'reset', status: null });
    // The post goes on to be published: the effect was fully applied.
    await waitFor(async () => (await sb.control.state()).posts[0].status === 'published', 3000, 'post to publish');
  });

  test('status: the post is created although the client sees the injected status', async () => {
    await sb.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts' }, action: { type: 'drop_after_effect', mode: 'status', status: 504 } });
    const r = await createPost('ref-504');
    expect(r.status).toBe(504);
    expect(r.body.error.code).toBe('injected_fault');
    expect(r.body.id).toBeUndefined();
    const lookup = await api(sb.testbedUrl, 'GET', '/v1/posts?client_ref=ref-504', { token: TOKEN });
    expect(lookup.body.data).toHaveLength(1);
  });
});

test('duplicate_webhook delivers the next event copies+1 times with the same event id', async () => {
  const receiver = await startReceiver();
  try {
    await sb.control.call('POST', '/webhooks', { platform: 'testbed', url: receiver.url, secret: 's3cret' });
    await sb.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts' }, action: { type: 'duplicate_webhook', copies: 1 } });
    const created = await createPost('ref-dup');
    expect(created.status).toBe(200);
    await waitFor(() => receiver.received.length >= 2 || undefined, 3000, 'two deliveries');
    const bodies = receiver.received.map((r) => JSON.parse(r.rawBody.toString()));
    expect(bodies[0].event_id).toBe(bodies[1].event_id);
    expect(bodies[0].post_id).toBe(created.body.id);
    const deliveries = await sb.control.deliveries();
    expect(deliveries.map((d) => d.copy)).toEqual([0, 1]);

    // Only the next event is duplicated.
    await createPost('ref-single');
    await waitFor(() => receiver.received.length >= 3 || undefined, 3000, 'third delivery');
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(3);
  } finally {
    await receiver.close();
  }
});

test('the control API itself is never faulted nor recorded', async () => {
  await sb.control.addFault({ match: { path: '/__sandbox*' }, action: { type: 'status', status: 500 }, times: 0 });
  expect((await sb.control.call('GET', '/faults')).status).toBe(200);
  expect(await sb.control.requests()).toEqual([]);
});
