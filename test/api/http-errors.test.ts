// Requests refused before a route runs (an over-long path parameter, oversized headers, a method the path does not
// serve) answer in the API's error shape like every other failure; a known path with another method is a 405 that
// lists the methods it serves.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createTestApi, createTestUser, errorOf, type TestApi, type TestUser } from './support/test-api.js';

let t: TestApi;
let user: TestUser;
let url: string;

beforeAll(async () => {
  t = await createTestApi();
  user = await createTestUser(t.database.db);
  // Over real HTTP: header limits are enforced by Node's parser, which app.inject bypasses.
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => { await t?.close(); });

/** A raw GET over HTTP/1.1 with the given headers (fetch would refuse some of them itself). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('errors raised before routing', () => {
  test('an over-long path parameter is 414 uri_too_long in the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/social/media/${'a'.repeat(500)}`, headers: user.headers });
    expect(res.statusCode).toBe(414);
    expect(errorOf(res)).toEqual({
      code: 'uri_too_long', message: expect.any(String), details: [{ field: 'path', rule: 'max_length', message: expect.any(String) }],
    });
  });

  test('headers over Node\'s size limit are 431 in the error shape, over real HTTP', async () => {
    const res = await rawGet('/health', { 'x-padding': 'a'.repeat(64 * 1024) });
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'request_header_fields_too_large', message: expect.any(String), details: [] } });
    // The server is unharmed.
    expect((await rawGet('/health', {})).status).toBe(200);
  });
});

describe('405 Method Not Allowed', () => {
  test('a served path with another method is 405 with Allow listing the path\'s methods', async () => {
    const post = await t.app.inject({ method: 'PATCH', url: `/api/social/posts/${randomUUID()}`, headers: user.headers });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
    expect(errorOf(post)).toMatchObject({ code: 'method_not_allowed', details: [] });
    expect(errorOf(post).message).toContain('PATCH');

    const collection = await t.app.inject({ method: 'DELETE', url: '/api/social/posts', headers: user.headers });
    expect(collection.statusCode).toBe(405);
    expect(collection.headers.allow).toBe('GET, HEAD, OPTIONS, POST');

    // Like any unmatched request, with a key: a route's `public` flag cannot apply to a method it does not serve.
    const health = await t.app.inject({ method: 'POST', url: '/health', headers: user.headers });
    expect(health.statusCode).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  test('an unknown path stays 404, and a key is asked for before answering 405', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/social/nothing-here', headers: user.headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers.allow).toBeUndefined();
    const anonymous = await t.app.inject({ method: 'PATCH', url: `/api/social/posts/${randomUUID()}` });
    expect(anonymous.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/health' })).statusCode).toBe(401);
  });
});
