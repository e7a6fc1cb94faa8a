// Text the database cannot store or that is not text at all (U+0000, lone surrogates, invalid UTF-8, broken
// percent-encoding) is refused with a 400 naming the field, in every part of every request, before anything is
// stored; valid non-ASCII text (emoji, i.e. surrogate pairs) still goes through unchanged.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts, users } from '../../src/db/schema.js';
import { ADMIN_TOKEN, createTestAccount, createTestApi, createTestUser, errorOf, rulesOf, type TestApi, type TestUser } from './support/test-api.js';

let t: TestApi;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  t = await createTestApi();
  user = await createTestUser(t.database.db);
  accountId = (await createTestAccount(t.database.db, { userId: user.id })).id;
});
afterAll(async () => { await t?.close(); });

const postsOf = (userId: string) => t.database.db.select().from(posts).where(eq(posts.userId, userId));

function createPost(payload: unknown) {
  return t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: payload as Record<string, unknown> });
}

/** A JSON body sent as exactly these bytes. */
function createPostRaw(body: Buffer | string) {
  return t.app.inject({
    method: 'POST', url: '/api/social/posts', headers: { ...user.headers, 'content-type': 'application/json' }, payload: body,
  });
}

describe('U+0000 and lone surrogates', () => {
  test('in content, a hashtag, a target\'s text or its options: 400 naming the field, and no post stored', async () => {
    const base = { content: 'hello', targets: [{ accountId }] };
    const cases: [unknown, string][] = [
      [{ ...base, content: 'hel\u0000lo' }, 'content:no_nul_character'],
      [{ ...base, hashtags: ['ok', 'b\u0000d'] }, 'hashtags.1:no_nul_character'],
      [{ ...base, targets: [{ accountId, text: 'x\u0000' }] }, 'targets.0.text:no_nul_character'],
      [{ ...base, targets: [{ accountId, options: { note: 'a\u0000b' } }] }, 'targets.0.options.note:no_nul_character'],
      [{ ...base, targets: [{ accountId, options: { 'k\u0000': 1 } }] }, 'targets.0.options.k\u0000:no_nul_character'],
      [{ ...base, content: 'lone \ud800 high' }, 'content:lone_surrogate'],
      [{ ...base, hashtags: ['\udc00'] }, 'hashtags.0:lone_surrogate'],
      [{ ...base, targets: [{ accountId, text: 'ends with \ud83d' }] }, 'targets.0.text:lone_surrogate'],
    ];
    for (const [payload, expected] of cases) {
      // JSON.stringify writes lone surrogates as \\uXXXX escapes: what a client sends, and valid JSON.
      const res = await createPostRaw(JSON.stringify(payload));
      expect(res.statusCode, expected).toBe(400);
      expect(errorOf(res).code, expected).toBe('validation_failed');
      expect(rulesOf(res), expected).toEqual([expected]);
    }
    expect(await postsOf(user.id)).toEqual([]);
  });

  test('emoji (surrogate pairs) and other non-ASCII text are stored unchanged', async () => {
    const res = await createPost({ content: 'caf\u00e9 \ud83d\ude80 \u4f60\u597d', hashtags: ['\ud83c\udf89'], targets: [{ accountId }] });
    expect(res.statusCode).toBe(201);
    const [row] = await t.database.db.select().from(posts).where(eq(posts.id, res.json().id));
    expect(row!.content).toBe('caf\u00e9 \ud83d\ude80 \u4f60\u597d');
    expect(row!.hashtags).toEqual(['\ud83c\udf89']);
    await t.database.db.delete(posts).where(eq(posts.id, row!.id));
  });

  test('in a user\'s name (admin API): 400 name:no_nul_character, no user created', async () => {
    const email = `nul-${Date.now()}@example.test`;
    const res = await t.app.inject({
      method: 'POST', url: '/api/admin/users', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { email, name: 'Ada\u0000' },
    });
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['name:no_nul_character']);
    expect(await t.database.db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  test('in the query string or a path parameter: 400 naming it', async () => {
    const query = await t.app.inject({ method: 'GET', url: '/api/social/posts?platform=fake%00book', headers: user.headers });
    expect(query.statusCode).toBe(400);
    expect(rulesOf(query)).toEqual(['platform:no_nul_character']);
    const cursor = await t.app.inject({ method: 'GET', url: '/api/social/posts?cursor=%ED%A0%80', headers: user.headers });
    expect(cursor.statusCode).toBe(400);
    expect(rulesOf(cursor)).toEqual(['cursor:percent_encoding']);
    const param = await t.app.inject({ method: 'GET', url: '/api/social/stats/fake%00book', headers: user.headers });
    expect(param.statusCode).toBe(400);
    expect(rulesOf(param)).toEqual(['platform:no_nul_character']);
  });
});

describe('invalid UTF-8 and broken percent-encoding', () => {
  test('a JSON body that is not valid UTF-8 is 400 body:invalid_utf8, not text with U+FFFD; no post stored', async () => {
    const prefix = Buffer.from(`{"content":"caf`);
    const suffix = Buffer.from(`","targets":[{"accountId":"${accountId}"}]}`);
    for (const bad of [[0xe9], [0xff, 0xfe], [0xed, 0xa0, 0x80] /* UTF-8 of a lone surrogate */, [0xc3] /* cut short */]) {
      const res = await createPostRaw(Buffer.concat([prefix, Buffer.from(bad), suffix]));
      expect(res.statusCode, String(bad)).toBe(400);
      expect(errorOf(res).details, String(bad)).toEqual([{ field: 'body', rule: 'invalid_utf8', message: expect.stringContaining('UTF-8') }]);
    }
    expect(await postsOf(user.id)).toEqual([]);
    // The same request in valid UTF-8 goes through.
    const ok = await createPostRaw(Buffer.concat([prefix, Buffer.from('\u00e9'), suffix]));
    expect(ok.statusCode).toBe(201);
    expect(ok.json().content).toBe('caf\u00e9');
    await t.database.db.delete(posts).where(eq(posts.id, ok.json().id));
  });

  test('a query value that is not validly percent-encoded UTF-8 is 400 naming the parameter', async () => {
    for (const url of ['/api/social/posts?platform=%ff', '/api/social/posts?platform=%zz', '/api/social/posts?limit=5&platform=a%e9b']) {
      const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
      expect(res.statusCode, url).toBe(400);
      expect(rulesOf(res), url).toEqual(['platform:percent_encoding']);
    }
    const ok = await t.app.inject({ method: 'GET', url: '/api/social/posts?platform=caf%C3%A9+x', headers: user.headers });
    expect(ok.statusCode).toBe(200);
  });

  test('a path with broken percent-encoding is 400 in the API\'s error shape', async () => {
    for (const url of ['/api/social/media/%zz', '/api/social/stats/%ff']) {
      const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
      expect(res.statusCode, url).toBe(400);
      expect(errorOf(res), url).toMatchObject({ code: 'validation_failed', details: [{ field: 'path', rule: 'percent_encoding' }] });
    }
  });
});
