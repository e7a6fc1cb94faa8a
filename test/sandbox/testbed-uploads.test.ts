// Resumable chunked uploads: strict Content-Range, streaming, resume information, expiry.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { api, startSandbox, waitFor, type RunningSandbox } from './helpers.js';

const TOKEN = 'testbed-acct-1';
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => sb.close());
beforeEach(async () => sb.control.reset());

async function newUpload(size: number, contentType = 'video/mp4') {
  const r = await api(sb.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size, content_type: contentType } });
  expect(r.status).toBe(200);
  return r.body as { upload_id: string; upload_url: string; expires_at: string };
}

function put(url: string, body: Buffer, range: string, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'PUT', body, headers: { 'content-range': range, 'content-type': 'video/mp4', ...headers } })
    .then(async (res) => ({ status: res.status, body: await res.json() as any }));
}

const status = (id: string) => api(sb.testbedUrl, 'GET', `/v1/uploads/${id}`, { token: TOKEN });

test('an upload URL is absolute and under the sandbox base URL', async () => {
  const up = await newUpload(10);
  expect(up.upload_url).toBe(`${sb.baseUrl}/testbed/upload/${up.upload_id}`);
  expect(Date.parse(up.expires_at)).toBeGreaterThan(Date.now() + 3_500_000);
});

test('chunks in order complete the upload; the digest covers exactly the bytes sent', async () => {
  const data = randomBytes(300_000);
  const up = await newUpload(data.length);
  const a = await put(up.upload_url, data.subarray(0, 100_000), `bytes 0-99999/${data.length}`);
  expect(a.status).toBe(206);
  expect(a.body).toMatchObject({ received_bytes: 100_000, complete: false });
  expect((await status(up.upload_id)).body).toMatchObject({ upload_id: up.upload_id, received_bytes: 100_000, size: 300_000, complete: false, upload_url: up.upload_url });
  const b = await put(up.upload_url, data.subarray(100_000), `bytes 100000-299999/${data.length}`);
  expect(b.status).toBe(201);
  expect(b.body).toMatchObject({ received_bytes: 300_000, complete: true, sha256: createHash('sha256').update(data).digest('hex') });
});

describe('strict Content-Range', () => {
  test.each([
    ['a gap', 'bytes 60-99/100', 40],
    ['an overlap', 'bytes 40-99/100', 60],
    ['a wrong total', 'bytes 50-99/101', 50],
    ['a range past the end', 'bytes 50-100/100', 51],
    ['a garbled header', 'bytes=50-99/100', 50],
    ['a missing header', '', 50],
  ])('rejects %s with 400 invalid_content_range and changes nothing', async (_what, range, len) => {
    const up = await newUpload(100);
    expect((await put(up.upload_url, Buffer.alloc(50), 'bytes 0-49/100')).status).toBe(206);
    const headers: Record<string, string> = range ? {} : { 'content-range': '' };
    const r = await put(up.upload_url, Buffer.alloc(len), range, headers);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_content_range');
    expect(r.body.error.details).toMatchObject({ expected_start: 50, size: 100 });
    expect((await status(up.upload_id)).body.received_bytes).toBe(50);
  });

  test('Content-Length must match the range', async () => {
    const up = await newUpload(100);
    const r = await put(up.upload_url, Buffer.alloc(40), 'bytes 0-49/100');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_content_range');
    expect((await status(up.upload_id)).body.received_bytes).toBe(0);
  });

  test('a completed upload takes no more bytes; Content-Type must match the declared type', async () => {
    const up = await newUpload(10);
    expect((await put(up.upload_url, Buffer.alloc(10), 'bytes 0-9/10', { 'content-type': 'image/png' })).body.error.code).toBe('invalid_content_type');
    expect((await put(up.upload_url, Buffer.alloc(10), 'bytes 0-9/10')).status).toBe(201);
    expect((await put(up.upload_url, Buffer.alloc(10), 'bytes 0-9/10')).body.error.code).toBe('invalid_content_range');
  });
});

test('a chunk cut off mid-body does not count', async () => {
  const up = await newUpload(1_000_000);
  const { request } = await import('node:http');
  await new Promise<void>((resolve) => {
    const req = request(up.upload_url, {
      method: 'PUT', headers: { 'content-range': 'bytes 0-999999/1000000', 'content-length': '1000000', 'content-type': 'video/mp4' },
    });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(300_000), () => setTimeout(() => { req.destroy(); resolve(); }, 50));
  });
  await new Promise((r) => setTimeout(r, 100));
  expect((await status(up.upload_id)).body).toMatchObject({ received_bytes: 0, complete: false });
  // And the upload is usable again from 0.
  expect((await put(up.upload_url, Buffer.alloc(1_000_000), 'bytes 0-999999/1000000')).status).toBe(201);
});

test('an expired upload answers 410 everywhere; an unknown one 404', async () => {
  const short = await startSandbox({ testbed: { uploadTtlMs: 100 } });
  try {
    const r = await api(short.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size: 10, content_type: 'video/mp4' } });
    await new Promise((res) => setTimeout(res, 150));
    expect((await api(short.testbedUrl, 'GET', `/v1/uploads/${r.body.upload_id}`, { token: TOKEN })).body.error.code).toBe('upload_expired');
    const p = await fetch(r.body.upload_url, { method: 'PUT', body: Buffer.alloc(10), headers: { 'content-range': 'bytes 0-9/10', 'content-type': 'video/mp4' } });
    expect(p.status).toBe(410);
    expect((await api(short.testbedUrl, 'GET', '/v1/uploads/upl_nope', { token: TOKEN })).status).toBe(404);
  } finally {
    await short.close();
  }
});

test('upload creation is validated and needs a token', async () => {
  expect((await api(sb.testbedUrl, 'POST', '/v1/uploads', { json: { size: 1, content_type: 'video/mp4' } })).status).toBe(401);
  const bad = await api(sb.testbedUrl, 'POST', '/v1/uploads', { token: TOKEN, json: { size: 0, content_type: 'mp4' } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['content_type', 'size']);
});

test('a 64 MB chunk is consumed while it is still being sent (streamed, not buffered)', async () => {
  // The client sends 40 MB, then waits until the sandbox reports having consumed them before sending the rest.
  // A sandbox that buffered whole bodies before handling them would never report progress: this would time out.
  const size = 64 * 1024 * 1024;
  const up = await newUpload(size);
  const chunk = Buffer.alloc(1024 * 1024, 7);
  let seenInFlight = 0;
  async function* body() {
    for (let i = 0; i < 64; i++) {
      if (i === 40) {
        seenInFlight = await waitFor(async () => {
          const [u] = (await sb.control.state()).uploads;
          return u.chunk_bytes_in_flight >= 36 * 1024 * 1024 ? u.chunk_bytes_in_flight : undefined;
        }, 10_000, 'the sandbox to consume the first 36 MB');
      }
      yield chunk;
    }
  }
  const res = await fetch(up.upload_url, {
    method: 'PUT', body: body() as unknown as ReadableStream, duplex: 'half',
    headers: { 'content-range': `bytes 0-${size - 1}/${size}`, 'content-length': String(size), 'content-type': 'video/mp4' },
  } as RequestInit);
  expect(res.status).toBe(201);
  expect(((await res.json()) as any).received_bytes).toBe(size);
  expect(seenInFlight).toBeLessThan(size);
  const [recorded] = await sb.control.requests('?method=PUT');
  expect(recorded.body).toEqual({ bytes: size });
});
