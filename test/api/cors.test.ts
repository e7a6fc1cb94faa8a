// A browser dashboard on another origin may call the API only when its origin is configured.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApi, type TestApi } from './support/test-api.js';

let open: TestApi;
let closed: TestApi;
beforeAll(async () => {
  open = await createTestApi({ env: { CORS_ORIGINS: 'https://dash.example.com' } });
  closed = await createTestApi();
});
afterAll(async () => { await open?.close(); await closed?.close(); });

const preflight = (t: TestApi, origin: string) => t.app.inject({
  method: 'OPTIONS', url: '/api/social/posts',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
});

describe('CORS', () => {
  test('a configured origin gets a preflight answer allowing the API key header', async () => {
    const res = await preflight(open, 'https://dash.example.com');
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://dash.example.com');
    expect(String(res.headers['access-control-allow-headers'])).toContain('authorization');
  });

  test('another origin gets no CORS headers', async () => {
    const res = await preflight(open, 'https://evil.example.com');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('without CORS_ORIGINS no origin is allowed', async () => {
    const res = await preflight(closed, 'https://dash.example.com');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
