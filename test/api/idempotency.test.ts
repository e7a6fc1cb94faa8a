// Idempotency-Key through the API, on the real Postgres and Temporal client: a retried request gets the first answer
// and does nothing again; a reused key with another request, or while the first still runs, is a 409; answers of
// 5xx are not kept; every POST route that creates or acts honours the header.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { idempotencyRecords, media, posts } from '../../src/db/schema.js';
import { unavailable } from '../../src/api/errors.js';
import { testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { fakeProvider } from './support/fake-provider.js';
import { createTestAccount, createTestApi, createTestUser, errorOf, type TestApi, type TestUser } from './support/test-api.js';
import { multipart, sampleFiles } from './support/multipart.js';

let t: TestApi;
/** Gate of the slow test route: the first request waits on it while the test retries. */
let releaseSlow: () => void = () => {};
const slowStarted: string[] = [];
let flakyCalls = 0;

let tw: TestWorker;
const workerDeps = testDeps(inject('databaseUrl'), [fakeProvider()]);

beforeAll(async () => {
  t = await createTestApi({
    extend: (app) => {
      // Two routes opted in like the real ones, to hold a request in flight and to fail once with a 503.
      app.post('/api/test/slow', { config: { idempotent: true } }, async (request) => {
        slowStarted.push(request.id);
        await new Promise<void>((resolve) => { releaseSlow = resolve; });
        return { done: slowStarted.length };
      });
      app.post('/api/test/flaky', { config: { idempotent: true } }, async () => {
        flakyCalls++;
        if (flakyCalls === 1) throw unavailable('not this time');
        return { calls: flakyCalls };
      });
    },
  });
  // Publishing is answered by the post's workflow (update-with-start): a worker serves the suite's queue.
  tw = await startTestWorker(workerDeps, { taskQueue: t.taskQueue });
});
afterAll(async () => {
  await tw?.close();
  await t?.close();
  await workerDeps.database.close();
});

const withKey = (user: TestUser, key: string) => ({ ...user.headers, 'idempotency-key': key });

async function userWithAccount() {
  const user = await createTestUser(t.database.db);
  const account = await createTestAccount(t.database.db, { userId: user.id });
  return { user, account };
}

const postsOf = (userId: string) => t.database.db.select().from(posts).where(eq(posts.userId, userId));

describe('Idempotency-Key on POST /api/social/posts', () => {
  test('a retry with the same key answers the first post again and creates no second one', async () => {
    const { user, account } = await userWithAccount();
    const key = randomUUID();
    const payload = { content: 'once only', targets: [{ accountId: account.id }] };
    const first = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, key), payload });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // Same request, keys of the body in another order: the same request.
    const retry = await t.app.inject({
      method: 'POST', url: '/api/social/posts', headers: withKey(user, key), payload: { targets: payload.targets, content: payload.content },
    });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['content-type']).toMatch(/^application\/json/);
    expect(retry.json()).toEqual(first.json());
    expect((await postsOf(user.id)).map((p) => p.id)).toEqual([first.json().id]);
  });

  test('the same key with a different body is a 409 naming the header, and nothing is created', async () => {
    const { user, account } = await userWithAccount();
    const key = randomUUID();
    const first = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, key), payload: { content: 'A', targets: [{ accountId: account.id }] } });
    expect(first.statusCode).toBe(201);
    const other = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, key), payload: { content: 'B', targets: [{ accountId: account.id }] } });
    expect(other.statusCode).toBe(409);
    expect(errorOf(other)).toMatchObject({ code: 'conflict', details: [{ field: 'Idempotency-Key', rule: 'reused_with_different_request' }] });
    expect(await postsOf(user.id)).toHaveLength(1);
  });

  test('the same key on another route is a different request (409), not a replay', async () => {
    const { user, account } = await userWithAccount();
    const key = randomUUID();
    const created = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, key), payload: { content: 'x', targets: [{ accountId: account.id }] } });
    const cancel = await t.app.inject({ method: 'POST', url: `/api/social/posts/${created.json().id}/cancel`, headers: withKey(user, key) });
    expect(cancel.statusCode).toBe(409);
    expect(errorOf(cancel).details[0]).toMatchObject({ field: 'Idempotency-Key', rule: 'reused_with_different_request' });
  });

  test('keys are per user: another user\'s same key creates their own post', async () => {
    const a = await userWithAccount();
    const b = await userWithAccount();
    const key = randomUUID();
    const resA = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(a.user, key), payload: { content: 'same', targets: [{ accountId: a.account.id }] } });
    const resB = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(b.user, key), payload: { content: 'same', targets: [{ accountId: b.account.id }] } });
    expect([resA.statusCode, resB.statusCode]).toEqual([201, 201]);
    expect(resB.headers['idempotent-replayed']).toBeUndefined();
    expect(resB.json().id).not.toBe(resA.json().id);
  });

  test('without a key every request acts (the header is opt-in)', async () => {
    const { user, account } = await userWithAccount();
    const payload = { content: 'twice', targets: [{ accountId: account.id }] };
    for (let i = 0; i < 2; i++) expect((await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload })).statusCode).toBe(201);
    expect(await postsOf(user.id)).toHaveLength(2);
  });

  test('a malformed key is a 400 naming the header', async () => {
    const { user, account } = await userWithAccount();
    for (const bad of ['has space', 'x'.repeat(256), 'naïve', '']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, bad), payload: { content: 'x', targets: [{ accountId: account.id }] } });
      expect(res.statusCode, bad).toBe(400);
      expect(errorOf(res).details, bad).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'pattern' })]);
    }
    expect(await postsOf(user.id)).toHaveLength(0);
    const longest = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, 'k'.repeat(255)), payload: { content: 'x', targets: [{ accountId: account.id }] } });
    expect(longest.statusCode).toBe(201);
  });

  test('the record expires after IDEMPOTENCY_KEY_TTL_HOURS: the key then acts again', async () => {
    const { user, account } = await userWithAccount();
    const key = randomUUID();
    const payload = { content: 'old key', targets: [{ accountId: account.id }] };
    const first = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, key), payload });
    const [record] = await t.database.db.select().from(idempotencyRecords).where(eq(idempotencyRecords.key, key));
    const hours = (record!.expiresAt.getTime() - record!.createdAt.getTime()) / 3_600_000;
    expect(hours).toBeCloseTo(t.config.IDEMPOTENCY_KEY_TTL_HOURS, 3);
    // As if 24 h had passed.
    await t.database.db.update(idempotencyRecords).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(idempotencyRecords.key, key));
    const later = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: withKey(user, key), payload });
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.json().id).not.toBe(first.json().id);
  });
});

describe('Idempotency-Key on actions', () => {
  test('a retried cancel answers the first 200 instead of 409 "already cancelled"', async () => {
    const { user, account } = await userWithAccount();
    const created = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'x', targets: [{ accountId: account.id }] } });
    const url = `/api/social/posts/${created.json().id}/cancel`;
    const key = randomUUID();
    const first = await t.app.inject({ method: 'POST', url, headers: withKey(user, key) });
    expect(first.statusCode).toBe(200);
    const retry = await t.app.inject({ method: 'POST', url, headers: withKey(user, key) });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    // Without the key, the same action is refused: it really was not carried out again above.
    expect((await t.app.inject({ method: 'POST', url, headers: user.headers })).statusCode).toBe(409);
  });

  test('a retried publish starts one workflow and answers the first 202', async () => {
    const { user, account } = await userWithAccount();
    const created = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'x', targets: [{ accountId: account.id }] } });
    const url = `/api/social/posts/${created.json().id}/publish`;
    const key = randomUUID();
    const first = await t.app.inject({ method: 'POST', url, headers: withKey(user, key) });
    expect(first.statusCode, first.body).toBe(202);
    const retry = await t.app.inject({ method: 'POST', url, headers: withKey(user, key) });
    expect(retry.statusCode).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
  });

  test('a retry while the first request is still running is a 409 in_progress; afterwards it is replayed', async () => {
    const user = await createTestUser(t.database.db);
    const key = randomUUID();
    const running = t.app.inject({ method: 'POST', url: '/api/test/slow', headers: withKey(user, key), payload: {} });
    await expect.poll(() => slowStarted.length).toBe(1);
    const meanwhile = await t.app.inject({ method: 'POST', url: '/api/test/slow', headers: withKey(user, key), payload: {} });
    expect(meanwhile.statusCode).toBe(409);
    expect(errorOf(meanwhile).details).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'in_progress' })]);
    releaseSlow();
    const first = await running;
    expect(first.json()).toEqual({ done: 1 });
    const after = await t.app.inject({ method: 'POST', url: '/api/test/slow', headers: withKey(user, key), payload: {} });
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(after.json()).toEqual({ done: 1 });
    expect(slowStarted).toHaveLength(1);
  });

  test('a 5xx answer is not kept: the retry acts, and its answer is the one replayed', async () => {
    const user = await createTestUser(t.database.db);
    const key = randomUUID();
    const failed = await t.app.inject({ method: 'POST', url: '/api/test/flaky', headers: withKey(user, key), payload: {} });
    expect(failed.statusCode).toBe(503);
    const retried = await t.app.inject({ method: 'POST', url: '/api/test/flaky', headers: withKey(user, key), payload: {} });
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const again = await t.app.inject({ method: 'POST', url: '/api/test/flaky', headers: withKey(user, key), payload: {} });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual({ calls: 2 });
    expect(flakyCalls).toBe(2);
  });
});

describe('Idempotency-Key on POST /api/social/media', () => {
  const filesOnDisk = async () => (await readdir(t.mediaDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
  const upload = (user: TestUser, key: string, file: Buffer, filename = 'cat.png') => {
    // A fresh boundary each time, as a retrying client would send.
    const form = multipart([{ name: 'file', filename, contentType: 'image/png', value: file }]);
    return t.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...withKey(user, key), ...form.headers }, payload: form.payload });
  };

  test('a retried upload stores one file and one row and answers the first', async () => {
    const user = await createTestUser(t.database.db);
    const key = randomUUID();
    const file = sampleFiles.png(500);
    const before = await filesOnDisk();
    const first = await upload(user, key, file);
    expect(first.statusCode, first.body).toBe(201);
    const retry = await upload(user, key, file);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await t.database.db.select().from(media).where(eq(media.userId, user.id))).toHaveLength(1);
    expect(await filesOnDisk()).toBe(before + 1);
  });

  test('another file (or name) under the same key is a 409 and leaves nothing behind', async () => {
    const user = await createTestUser(t.database.db);
    const key = randomUUID();
    const before = await filesOnDisk();
    expect((await upload(user, key, sampleFiles.png(500))).statusCode).toBe(201);
    for (const res of [await upload(user, key, sampleFiles.png(500)), await upload(user, key, sampleFiles.png(500), 'dog.png')]) {
      expect(res.statusCode).toBe(409);
      expect(errorOf(res).details[0]).toMatchObject({ field: 'Idempotency-Key', rule: 'reused_with_different_request' });
    }
    expect(await t.database.db.select().from(media).where(eq(media.userId, user.id))).toHaveLength(1);
    expect(await filesOnDisk()).toBe(before + 1);
  });
});

describe('coverage', () => {
  /** Exempt: admin routes (the admin token has no user to scope a key to) and platform webhooks (deduplicated by event id). */
  // Signing in makes a new session each time on purpose: a retried sign-in simply signs in again. Validating a draft
  // stores nothing: a repeat simply checks again. Suggesting times only reads: a repeat simply computes again. Writing
  // help (generate, analyze) stores nothing either: a repeat simply writes again.
  // Bodies holding a secret (an API key, an app password) are never fingerprinted into an idempotency record.
  const exempt = (path: string) => path.startsWith('/api/admin/') || path.startsWith('/api/webhooks/') || path.startsWith('/api/test/')
    || path === '/api/session' || path === '/api/social/connect/{platform}/credentials' || path === '/api/social/posts/validate' || path === '/api/social/suggest/times'
    || path.startsWith('/api/social/generate/') || path.startsWith('/api/social/analyze/');

  test('every authenticated POST route under /api documents the header and refuses a malformed key', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const postPaths = Object.entries(doc.paths as Record<string, Record<string, any>>)
      .filter(([path, ops]) => path.startsWith('/api/') && ops.post && !exempt(path))
      .map(([path]) => path);
    expect(postPaths.length).toBeGreaterThanOrEqual(10);
    const { user } = await userWithAccount();
    for (const path of postPaths) {
      const op = doc.paths[path].post;
      const header = (op.parameters as { in: string; name: string; description?: string }[]).find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
      expect(header, path).toBeDefined();
      expect(header!.description, path).toMatch(/24 h/);
      expect(Object.keys(op.responses), path).toContain('409');

      const url = path.replace('{id}', randomUUID()).replace('{platform}', 'fakebook');
      const res = await t.app.inject({ method: 'POST', url, headers: withKey(user, 'not a key'), payload: {} });
      expect(res.statusCode, path).toBe(400);
      expect(errorOf(res).details, path).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
  });

});
