// Every /__sandbox endpoint, including input validation.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { api, startReceiver, startSandbox, waitFor, type RunningSandbox } from './helpers.js';

const TOKEN = 'testbed-acct-1';
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ testbed: { processingMs: 30 }, webhookRetry: { backoffMs: 10 } });
});
afterAll(async () => sb.close());
beforeEach(async () => sb.control.reset());

describe('requests', () => {
  test('records platform traffic with masked credentials, filters, and clears', async () => {
    await api(sb.testbedUrl, 'GET', '/v1/me', { token: TOKEN });
    await api(sb.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size: 5, content_type: 'video/mp4' } });
    await fetch(`${sb.testbedUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'c', refresh_token: 'testbed-rt-secret' }),
    });

    const all = await sb.control.requests();
    expect(all.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /testbed/v1/me 200', 'POST /testbed/v1/uploads 200', 'POST /testbed/oauth/token 400',
    ]);
    expect(all[0]).toMatchObject({ platform: 'testbed', outcome: 'answered', headers: { authorization: '[present]' } });
    expect(all[1].body).toEqual({ size: 5, content_type: 'video/mp4' });
    expect(all[2].body).toEqual({ grant_type: 'refresh_token', client_id: 'c', refresh_token: '[present]' });
    expect(JSON.stringify(all)).not.toContain(TOKEN);
    expect(JSON.stringify(all)).not.toContain('testbed-rt-secret');

    expect(await sb.control.requests('?path=/testbed/v1/*')).toHaveLength(2);
    expect(await sb.control.requests('?path=/testbed/v1/me')).toHaveLength(1);
    expect(await sb.control.requests('?platform=tiktok')).toHaveLength(0);

    expect((await sb.control.call('DELETE', '/requests')).status).toBe(204);
    expect(await sb.control.requests()).toEqual([]);
  });

  test('binary bodies are recorded as a byte count', async () => {
    const { body: up } = await api(sb.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size: 1000, content_type: 'video/mp4' } });
    const res = await fetch(up.upload_url, {
      method: 'PUT', body: Buffer.alloc(1000, 1), headers: { 'content-range': 'bytes 0-999/1000', 'content-type': 'video/mp4' },
    });
    expect(res.status).toBe(201);
    const [put] = await sb.control.requests('?method=PUT');
    expect(put.body).toEqual({ bytes: 1000 });
  });
});

describe('faults', () => {
  test('add, list, delete one, delete all', async () => {
    const a = await sb.control.call('POST', '/faults', { match: { path: '/testbed/v1/me' }, action: { type: 'delay', ms: 1 } });
    expect(a.status).toBe(201);
    expect(a.body.id).toEqual(expect.any(String));
    const b = await sb.control.call('POST', '/faults', { id: 'mine', match: { path: '/testbed/*', method: 'get' }, action: { type: 'status', status: 500 }, times: 3 });
    expect(b.body).toMatchObject({ id: 'mine', times: 3, hits: 0, match: { method: 'GET' } });
    expect((await sb.control.call('POST', '/faults', { id: 'mine', match: { path: '/x' }, action: { type: 'delay', ms: 1 } })).status).toBe(409);

    expect((await sb.control.call('GET', '/faults')).body.data.map((f: { id: string }) => f.id)).toEqual([a.body.id, 'mine']);
    expect((await sb.control.call('DELETE', '/faults/mine')).status).toBe(204);
    expect((await sb.control.call('DELETE', '/faults/mine')).status).toBe(404);
    expect((await sb.control.call('GET', '/faults')).body.data).toHaveLength(1);
    expect((await sb.control.call('DELETE', '/faults')).status).toBe(204);
    expect((await sb.control.call('GET', '/faults')).body.data).toEqual([]);
  });

  test.each([
    [{ match: { path: 'no-slash' }, action: { type: 'delay', ms: 1 } }, 'match.path'],
    [{ match: { path: '/x' }, action: { type: 'explode' } }, 'action.type'],
    [{ match: { path: '/x' }, action: { type: 'status', status: 99 } }, 'action.status'],
    [{ match: { path: '/x' }, action: { type: 'drop_after_effect', mode: 'sometimes' } }, 'action.mode'],
    [{ match: { path: '/x' }, action: { type: 'delay', ms: 1 }, times: -1 }, 'times'],
    [{ action: { type: 'delay', ms: 1 } }, 'match'],
  ])('rejects an invalid rule with 400 (%j)', async (rule, field) => {
    const r = await sb.control.call('POST', '/faults', rule);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_request');
    expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  test('a body that is not JSON is a 400 in the same shape', async () => {
    const res = await fetch(`${sb.baseUrl}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('invalid_request');
  });
});

describe('webhooks', () => {
  test('set a callback, see deliveries with their attempts (retrying non-2xx)', async () => {
    const receiver = await startReceiver([500]);
    try {
      const bad = await sb.control.call('POST', '/webhooks', { platform: 'testbed', url: 'not a url' });
      expect(bad.status).toBe(400);
      expect((await sb.control.call('POST', '/webhooks', { platform: 'nope', url: receiver.url })).status).toBe(404);
      const ok = await sb.control.call('POST', '/webhooks', { platform: 'testbed', url: receiver.url, secret: 'abc' });
      expect(ok).toEqual({ status: 200, body: { platform: 'testbed', url: receiver.url } });
      expect((await sb.control.call('GET', '/webhooks')).body.data).toEqual(expect.arrayContaining([{ platform: 'testbed', url: receiver.url }, { platform: 'tiktok', url: null }]));

      const post = await api(sb.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'acct-1', text: 'hi', client_ref: 'r' } });
      const [delivery] = await waitFor(async () => {
        const d = await sb.control.deliveries();
        return d[0]?.status === 'delivered' ? d : undefined;
      }, 3000, 'delivery');
      expect(delivery).toMatchObject({ platform: 'testbed', type: 'post.published', url: receiver.url, copy: 0, body: { post_id: post.body.id } });
      expect(delivery.attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);
      expect(receiver.received).toHaveLength(2);
      expect((await sb.control.call('GET', '/webhooks/deliveries?platform=other')).body.data).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  test('a delivery that never succeeds is marked failed after the configured attempts', async () => {
    const receiver = await startReceiver([500, 502, 503, 500, 500]);
    try {
      await sb.control.call('POST', '/webhooks', { platform: 'testbed', url: receiver.url });
      await api(sb.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'acct-1', text: 'hi' } });
      const [d] = await waitFor(async () => {
        const list = await sb.control.deliveries();
        return list[0]?.status === 'failed' ? list : undefined;
      }, 3000, 'failed delivery');
      expect(d.attempts).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });
});

test('state and reset', async () => {
  const receiver = await startReceiver();
  try {
    await sb.control.call('POST', '/webhooks', { platform: 'testbed', url: receiver.url });
    await sb.control.addFault({ match: { path: '/x' }, action: { type: 'delay', ms: 1 } });
    const post = await api(sb.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'acct-1', text: 'hi', client_ref: 'r' } });
    const state = await sb.control.state();
    expect(state.posts).toEqual([expect.objectContaining({ id: post.body.id, account_id: 'acct-1', text: 'hi', client_ref: 'r', media: [] })]);
    expect((await sb.control.call('GET', '/state/unknown')).status).toBe(404);
    await waitFor(async () => (await sb.control.deliveries()).length > 0 || undefined, 3000, 'delivery');

    expect((await sb.control.call('POST', '/reset')).status).toBe(204);
    expect((await sb.control.state()).posts).toEqual([]);
    expect(await sb.control.requests()).toEqual([]);
    expect((await sb.control.call('GET', '/faults')).body.data).toEqual([]);
    expect(await sb.control.deliveries()).toEqual([]);
    // The start-up configuration had no callback.
    expect((await sb.control.call('GET', '/webhooks')).body.data).toEqual(expect.arrayContaining([{ platform: 'testbed', url: null }, { platform: 'tiktok', url: null }]));
  } finally {
    await receiver.close();
  }
});

test('unknown paths answer 404 in the error shape', async () => {
  const r = await api(sb.baseUrl, 'GET', '/__sandbox/nope');
  expect(r.status).toBe(404);
  expect(r.body.error.code).toBe('not_found');
  const p = await api(sb.testbedUrl, 'GET', '/v2/nothing');
  expect(p.status).toBe(404);
  expect((await sb.control.requests())[0]).toMatchObject({ path: '/testbed/v2/nothing', status: 404 });
});
