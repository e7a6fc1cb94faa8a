// Health, readiness, metrics, the error shape of every kind of failure, rate limiting and security headers.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { posts, postTargets } from '../../src/db/schema.js';
import { createTestAccount, createTestApi, createTestUser, errorOf, rulesOf, type TestApi } from './support/test-api.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi({
    extend: (app) => {
      app.get('/api/test/boom', async () => { throw new Error('connection string postgres://secret@db leaked'); });
    },
  });
});
afterAll(async () => { await t?.close(); });

describe('health and readiness', () => {
  test('/health answers without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  test('/ready reports each component when Postgres and Temporal answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', components: { postgres: { status: 'ok' }, temporal: { status: 'ok' } } });
  });

  test('/ready is 503 naming Temporal when it does not answer within 2 s', async () => {
    const silent = { workflowService: { getSystemInfo: () => new Promise(() => {}) } } as unknown as Client;
    const stuck = await createTestApi({ temporalClient: silent });
    try {
      const started = Date.now();
      const res = await stuck.app.inject({ method: 'GET', url: '/ready' });
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'unavailable',
        components: { postgres: { status: 'ok' }, temporal: { status: 'error', error: 'timeout' } },
      });
    } finally {
      await stuck.close();
    }
  });

  test('/ready is 503 naming Postgres when its pool is gone', async () => {
    const broken = await createTestApi();
    await broken.database.close();
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ components: { postgres: { status: 'error' }, temporal: { status: 'ok' } } });
    } finally {
      await broken.close().catch(() => {});
    }
  });
});

describe('/metrics', () => {
  test('serves Prometheus text with request durations by route pattern and target counts from Postgres', async () => {
    const user = await createTestUser(t.database.db);
    const account = await createTestAccount(t.database.db, { userId: user.id, platform: 'metricsbook' });
    const [post] = await t.database.db.insert(posts).values({ userId: user.id, content: 'x' }).returning();
    await t.database.db.insert(postTargets).values({ postId: post!.id, socialAccountId: account.id, platform: 'metricsbook', status: 'failed' });
    await t.app.inject({ method: 'GET', url: `/api/social/posts/${post!.id}`, headers: user.headers });

    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/social\/posts\/:id",status_code="200"\} 1/);
    expect(text).not.toContain(post!.id);
    expect(text).toMatch(/herald_post_targets\{platform="metricsbook",status="failed"\} 1/);
    expect(text).toContain('# TYPE herald_webhooks_received_total counter');
  });

  test('the webhook counter is exposed for webhook routes to increment', async () => {
    t.app.metrics.webhooksReceived.inc({ provider: 'testbed', outcome: 'accepted' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(/herald_webhooks_received_total\{provider="testbed",outcome="accepted"\} 1/);
  });
});

describe('error shape', () => {
  test('unknown routes are 404 not_found (to a caller with a key; others get 401 first)', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({ method: 'GET', url: '/nope?token=abc', headers: user.headers });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toEqual({ code: 'not_found', message: 'route GET /nope not found', details: [] });
  });

  test('an unexpected error is a generic 500 that reveals nothing', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({ method: 'GET', url: '/api/test/boom', headers: user.headers });
    expect(res.statusCode).toBe(500);
    expect(errorOf(res)).toEqual({ code: 'internal_error', message: 'internal server error', details: [] });
    expect(res.body).not.toContain('secret');
  });

  test('malformed JSON is a 400 naming the body', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({
      method: 'POST', url: '/api/social/posts', headers: { ...user.headers, 'content-type': 'application/json' }, payload: '{"content":',
    });
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['body:json']);
  });

  test('a missing body is a 400 naming the body', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers });
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['body:type']);
  });

  test('an unsupported content type is 415', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({
      method: 'POST', url: '/api/social/posts', headers: { ...user.headers, 'content-type': 'application/xml' }, payload: '<post/>',
    });
    expect(res.statusCode).toBe(415);
    expect(errorOf(res).code).toBe('unsupported_media_type');
  });

  test('a body over the limit is 413', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({
      method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'x'.repeat(1024 * 1024 + 1), targets: [] },
    });
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('payload_too_large');
  });
});

describe('dependencies down', () => {
  test('Temporal unreachable: workflow commands answer 503 unavailable, a new scheduled post is kept as a draft', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection });
    await connection.close();
    const down = await createTestApi({ temporalClient: client });
    try {
      const user = await createTestUser(down.database.db);
      const account = await createTestAccount(down.database.db, { userId: user.id });
      const [post] = await down.database.db.insert(posts).values({
        userId: user.id, content: 'x', status: 'scheduled', scheduledAt: new Date(Date.now() + 3_600_000),
      }).returning();
      const cancel = await down.app.inject({ method: 'POST', url: `/api/social/posts/${post!.id}/cancel`, headers: user.headers });
      expect(cancel.statusCode).toBe(503);
      expect(errorOf(cancel)).toMatchObject({ code: 'unavailable', details: [] });

      const create = await down.app.inject({
        method: 'POST', url: '/api/social/posts', headers: user.headers,
        payload: { content: 'x', targets: [{ accountId: account.id }], scheduledAt: new Date(Date.now() + 3_600_000).toISOString() },
      });
      expect(create.statusCode).toBe(503);
      expect(rulesOf(create)).toEqual(['id:saved_as_draft']);
    } finally {
      await down.close();
    }
  });

  test('Postgres gone: requests answer 503 unavailable, not 500', async () => {
    const down = await createTestApi();
    const user = await createTestUser(down.database.db);
    await down.database.close();
    try {
      const res = await down.app.inject({ method: 'GET', url: '/api/me', headers: user.headers });
      expect(res.statusCode).toBe(503);
      expect(errorOf(res)).toEqual({ code: 'unavailable', message: 'the database is unavailable, try again later', details: [] });
    } finally {
      await down.close().catch(() => {});
    }
  });
});

describe('rate limit', () => {
  test('limits each API key per minute, answering 429 rate_limited; probes are never limited', async () => {
    const limited = await createTestApi({ env: { API_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const a = await createTestUser(limited.database.db);
      const b = await createTestUser(limited.database.db);
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.app.inject({ method: 'GET', url: '/api/me', headers: a.headers })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const res = await limited.app.inject({ method: 'GET', url: '/api/me', headers: a.headers });
      expect(errorOf(res).code).toBe('rate_limited');
      expect(res.headers['retry-after']).toBeDefined();
      // Another key has its own budget.
      expect((await limited.app.inject({ method: 'GET', url: '/api/me', headers: b.headers })).statusCode).toBe(200);
      for (let i = 0; i < 6; i++) {
        expect((await limited.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
        expect((await limited.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
        expect((await limited.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      }
    } finally {
      await limited.close();
    }
  });
});

describe('security headers', () => {
  test('helmet headers on API responses; Swagger UI is served under its own CSP', async () => {
    const api = await t.app.inject({ method: 'GET', url: '/health' });
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['content-security-policy']).toContain("default-src 'self'");
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-initializer.js');
    const csp = String(ui.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('validator.swagger.io');
    // PUBLIC_BASE_URL is http in tests: no directive may send the browser to https for the UI's assets.
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(String(api.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
  });

  test('over https, the upgrade directive stays', async () => {
    const secure = await createTestApi({ env: { PUBLIC_BASE_URL: 'https://herald.example' } });
    try {
      const api = await secure.app.inject({ method: 'GET', url: '/health' });
      expect(api.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      await secure.close();
    }
  });
});
