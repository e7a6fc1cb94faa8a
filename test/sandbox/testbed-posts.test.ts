// Testbed posts: asynchronous publishing, failure behaviour, ids beyond JS safe integers, lookups by client_ref,
// media checks, rate limiting, and the webhooks that announce the outcome.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { api, startReceiver, startSandbox, waitFor, type RunningSandbox } from './helpers.js';

const TOKEN = 'testbed-acct-1';
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ testbed: { processingMs: 300 } });
});
afterAll(async () => sb.close());
beforeEach(async () => sb.control.reset());

const post = (json: Record<string, unknown>, token = TOKEN) => api(sb.testbedUrl, 'POST', '/v1/posts', { token, json: { account_id: 'acct-1', ...json } });
const get = (path: string) => api(sb.testbedUrl, 'GET', path, { token: TOKEN });

test('a post is processing, then published with a permalink', async () => {
  const created = await post({ text: 'hello world', client_ref: 'target-1' });
  expect(created.status).toBe(200);
  expect(created.body).toEqual({ id: expect.stringMatching(/^\d{19}$/), status: 'processing' });
  const id: string = created.body.id;
  // The id does not survive a round trip through a JS number.
  expect(String(Number(id))).not.toBe(id);
  expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);

  expect((await get(`/v1/posts/${id}`)).body).toMatchObject({ id, status: 'processing', client_ref: 'target-1' });
  const done = await waitFor(async () => {
    const r = await get(`/v1/posts/${id}`);
    return r.body.status === 'published' ? r.body : undefined;
  }, 3000, 'publication');
  expect(done).toMatchObject({ id, status: 'published', permalink: `https://testbed.example/p/${id}`, client_ref: 'target-1' });
  expect(done.fail_reason).toBeUndefined();
  expect((await get('/v1/posts/1')).status).toBe(404);
});

test('posts are found by client_ref, and the platform does not deduplicate', async () => {
  const a = await post({ text: 'one', client_ref: 'dup' });
  const b = await post({ text: 'one', client_ref: 'dup' });
  await post({ text: 'other', client_ref: 'other' });
  const found = await get('/v1/posts?client_ref=dup');
  expect(found.body.data.map((p: { id: string }) => p.id)).toEqual([a.body.id, b.body.id]);
  expect((await get('/v1/posts?client_ref=none')).body).toEqual({ data: [] });
});

describe('failures', () => {
  test('the [[fail]] marker fails the post with the default or the given reason', async () => {
    const a = await post({ text: 'please [[fail]]' });
    const b = await post({ text: 'please [[fail:spam_detected]]' });
    const [fa, fb] = await Promise.all([a, b].map((p) => waitFor(async () => {
      const r = await get(`/v1/posts/${p.body.id}`);
      return r.body.status !== 'processing' ? r.body : undefined;
    }, 3000, 'processing to end')));
    expect(fa).toMatchObject({ status: 'failed', fail_reason: 'content_rejected' });
    expect(fa.permalink).toBeUndefined();
    expect(fb).toMatchObject({ status: 'failed', fail_reason: 'spam_detected' });
  });

  test('failAllPosts fails everything with failReason', async () => {
    const other = await startSandbox({ testbed: { processingMs: 10, failAllPosts: true, failReason: 'account_suspended' } });
    try {
      const p = await api(other.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'a', text: 'fine text' } });
      const r = await waitFor(async () => {
        const g = await api(other.testbedUrl, 'GET', `/v1/posts/${p.body.id}`, { token: TOKEN });
        return g.body.status === 'failed' ? g.body : undefined;
      }, 3000, 'failure');
      expect(r.fail_reason).toBe('account_suspended');
    } finally {
      await other.close();
    }
  });
});

describe('validation', () => {
  test('text, media and body shape', async () => {
    expect((await post({ text: 'x'.repeat(2201) })).body.error.code).toBe('text_too_long');
    expect((await post({ text: '😀'.repeat(2200) })).status).toBe(200); // counted in code points
    expect((await post({ text: '  ' })).body.error.code).toBe('empty_post');
    const bad = await post({ text: 'x', media: [{ nope: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect((await post({ text: 'x', media: Array.from({ length: 11 }, () => ({ url: 'https://cdn.example/a.jpg' })) })).status).toBe(400);
    expect((await post({ text: 'x', media: [{ url: 'https://cdn.example/a.jpg' }] })).status).toBe(200);
    expect((await api(sb.testbedUrl, 'POST', '/v1/posts', { json: { account_id: 'a', text: 'x' } })).status).toBe(401);
  });

  test('only complete, unused uploads can be attached', async () => {
    const up = (await api(sb.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size: 4, content_type: 'image/png' } })).body;
    const incomplete = await post({ text: 'x', media: [{ upload_id: up.upload_id }] });
    expect(incomplete.body.error).toMatchObject({ code: 'upload_incomplete', details: { field: 'media.0.upload_id' } });
    await fetch(up.upload_url, { method: 'PUT', body: Buffer.from('abcd'), headers: { 'content-range': 'bytes 0-3/4', 'content-type': 'image/png' } });
    const ok = await post({ text: 'x', media: [{ upload_id: up.upload_id }] });
    expect(ok.status).toBe(200);
    expect((await post({ text: 'x', media: [{ upload_id: up.upload_id }] })).body.error.code).toBe('upload_already_used');
    expect((await post({ text: 'x', media: [{ upload_id: 'upl_missing' }] })).body.error.code).toBe('upload_not_found');
    const state = await sb.control.state();
    expect(state.uploads[0].used_by_post_id).toBe(ok.body.id);
  });
});

test('rate limit per token per minute answers 429 with Retry-After', async () => {
  const limited = await startSandbox({ testbed: { rateLimitPerMinute: 3 } });
  try {
    for (let i = 0; i < 3; i++) expect((await api(limited.testbedUrl, 'GET', '/v1/me', { token: TOKEN })).status).toBe(200);
    const r = await api(limited.testbedUrl, 'GET', '/v1/me', { token: TOKEN });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('rate_limit_exceeded');
    const retryAfter = Number(r.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another token has its own budget.
    expect((await api(limited.testbedUrl, 'GET', '/v1/me', { token: 'testbed-acct-2' })).status).toBe(200);
  } finally {
    await limited.close();
  }
});

test('outcome webhooks are signed: t=<seconds>,s=HMAC-SHA256("<t>.<body>")', async () => {
  const receiver = await startReceiver();
  const configured = await startSandbox({ testbed: { processingMs: 20, webhook: { url: receiver.url, secret: 'whsec-1' } } });
  try {
    const ok = await api(configured.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'a', text: 'fine', client_ref: 'c-ok' } });
    const bad = await api(configured.testbedUrl, 'POST', '/v1/posts', { token: TOKEN, json: { account_id: 'a', text: '[[fail:nope]]', client_ref: 'c-bad' } });
    await waitFor(() => receiver.received.length >= 2 || undefined, 3000, 'two webhooks');
    const events = receiver.received.map((r) => {
      const sig = String(r.headers['testbed-signature']);
      const m = /^t=(\d+),s=([0-9a-f]{64})$/.exec(sig);
      expect(m).not.toBeNull();
      expect(Math.abs(Number(m![1]) - Date.now() / 1000)).toBeLessThan(10);
      expect(createHmac('sha256', 'whsec-1').update(`${m![1]}.${r.rawBody.toString()}`).digest('hex')).toBe(m![2]);
      return JSON.parse(r.rawBody.toString());
    });
    const byRef = Object.fromEntries(events.map((e) => [e.client_ref, e]));
    expect(byRef['c-ok']).toEqual({ event_id: expect.stringMatching(/^evt_/), type: 'post.published', post_id: ok.body.id, client_ref: 'c-ok', occurred_at: expect.any(String) });
    expect(byRef['c-bad']).toMatchObject({ type: 'post.failed', post_id: bad.body.id });
    expect(byRef['c-ok'].event_id).not.toBe(byRef['c-bad'].event_id);
  } finally {
    await configured.close();
    await receiver.close();
  }
});
