// The listing's posts are rendered by Postgres (post-json.ts); a single post goes through presentPost() and the zod
// response schema. For posts in every state, with every optional field both set and unset, times with microseconds,
// and text that JSON must escape, both must give the same post.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { postStatus, posts, postTargets, type TargetAttempt } from '../../src/db/schema.js';
import { postListSchema } from '../../src/api/routes/social/posts/post-schemas.js';
import { createTestAccount, createTestApi, createTestUser, type TestApi, type TestUser } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => { t = await createTestApi(); });
afterAll(async () => { await t?.close(); });

const awkwardText = 'Quotes " and \\ backslash, a tab\t, a newline\n, a control \u0001 char, </script>, émoji 🎉, RTL עברית';

async function seedEveryShape(user: TestUser) {
  const first = await createTestAccount(t.database.db, { userId: user.id });
  const second = await createTestAccount(t.database.db, { userId: user.id, platform: 'videoland' });
  const attempts: TargetAttempt[] = [
    { at: '2031-05-05T10:00:00.000Z', step: 'upload', outcome: 'intent' },
    { at: '2031-05-05T10:00:01.000Z', step: 'commit', outcome: 'error', code: 'spam', message: awkwardText },
  ];
  const ids: string[] = [];
  for (const [i, status] of postStatus.enumValues.entries()) {
    const [post] = await t.database.db.insert(posts).values({
      userId: user.id,
      status,
      content: i === 0 ? awkwardText : `post ${i}`,
      hashtags: i % 2 === 0 ? ['launch', 'été'] : [],
      media: i % 3 === 0 ? [{ mediaId: '7f1c0f7e-3c55-4b8e-9d43-5a1f2f9d7e10' }] : i % 3 === 1 ? [{ url: 'https://cdn.example.com/a.jpg?x=1&y="2"' }] : [],
      timezone: i % 2 === 0 ? 'Europe/Paris' : 'UTC',
      // Every post has a reason; only needs_attention shows it.
      attentionReason: 'the outcome of a publish is unknown',
    }).returning();
    const postId = post!.id;
    ids.push(postId);
    // Times with microseconds (a JS Date holds milliseconds: both renderings must cut the same way), or none.
    await t.database.db.update(posts).set({
      scheduledAt: i === 0 ? null : sql`'2031-05-05 10:00:00.123999+00'::timestamptz + ${i} * interval '1 hour'`,
      createdAt: sql`'2030-01-01 00:00:00.999999+00'::timestamptz`,
      updatedAt: sql`'2030-01-02 03:04:05.000500+00'::timestamptz`,
      publishedAt: i % 2 === 1 ? sql`'2031-05-05 11:00:00.5+00'::timestamptz` : null,
      cancelledAt: i % 3 === 2 ? sql`'2031-05-04 00:00:00+00'::timestamptz` : null,
    }).where(eq(posts.id, postId));
    if (i === 1) continue; // a post without targets (not possible through the API, but the shape must hold)
    await t.database.db.insert(postTargets).values([
      {
        postId, socialAccountId: first.id, platform: 'fakebook', status: 'failed',
        textOverride: i === 2 ? awkwardText : null,
        options: { privacy: 'public', nested: { n: 1.5, big: 12345678901, flag: true, none: null, list: [1, 'two'] } },
        publishId: 'pub-1', containerId: 'cont-1', platformPostId: null, permalink: null,
        // code only, message only, both, neither
        errorCode: i % 4 === 0 || i % 4 === 2 ? 'spam' : null,
        errorMessage: i % 4 === 1 || i % 4 === 2 ? awkwardText : null,
        attempts, createdAt: new Date('2030-01-01T00:00:00Z'),
        publishedAt: sql`'2031-05-05 12:00:00.000001+00'::timestamptz`,
      },
      {
        postId, socialAccountId: second.id, platform: 'videoland', status: 'published',
        platformPostId: '1234567890123456789', permalink: 'https://videoland.example/p/1?a=b&c=d',
        // Same creation time as the first: the id breaks the tie, in both renderings.
        createdAt: new Date('2030-01-01T00:00:00Z'),
      },
    ]);
  }
  return ids;
}

describe('the listing rendered by Postgres', () => {
  test('gives every post exactly as GET /api/social/posts/:id does (presentPost and the zod schema), less its workflow links', async () => {
    const user = await createTestUser(t.database.db);
    const ids = await seedEveryShape(user);

    const res = await t.app.inject({ method: 'GET', url: '/api/social/posts?limit=100', headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = postListSchema.strict().parse(res.json());
    expect(page.nextCursor).toBeNull();
    expect(page.data.map((p) => p.id).sort()).toEqual([...ids].sort());

    for (const listed of res.json().data as { id: string }[]) {
      const single = await t.app.inject({ method: 'GET', url: `/api/social/posts/${listed.id}`, headers: user.headers });
      expect(single.statusCode).toBe(200);
      // The single post adds where each target's workflow is (for operators); the rest is the listing's shape.
      const { targets, ...post } = single.json() as { targets: { workflowId: string; workflowUrl: string | null }[] };
      for (const target of targets) expect(target.workflowId).toMatch(/^post:.+:target:.+$/);
      expect(listed).toStrictEqual({ ...post, targets: targets.map(({ workflowId: _id, workflowUrl: _url, ...rest }) => rest) });
    }
    // The shapes that matter were really there (so the comparison above covered them).
    const listed = res.json().data as { status: string; attentionReason: string | null; scheduledAt: string | null; targets: { error: unknown }[] }[];
    expect(listed.find((p) => p.status === 'needs_attention')?.attentionReason).toBe('the outcome of a publish is unknown');
    expect(listed.filter((p) => p.attentionReason !== null)).toHaveLength(1);
    expect(listed.map((p) => p.scheduledAt)).toContain('2031-05-05T11:00:00.123Z');
    expect(listed.some((p) => p.targets.length === 0)).toBe(true);
    expect(new Set(listed.flatMap((p) => p.targets.map((x) => JSON.stringify(x.error))))).toEqual(new Set([
      'null', JSON.stringify({ code: 'spam', message: '' }), JSON.stringify({ code: 'unknown', message: awkwardText }),
      JSON.stringify({ code: 'spam', message: awkwardText }),
    ]));
  });

  test('pages of a window follow each other in calendar order, each post once, with the same posts as GET :id', async () => {
    const user = await createTestUser(t.database.db);
    const ids = await seedEveryShape(user);
    const seen: { id: string; scheduledAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/social/posts?from=2031-05-05T00:00:00Z&to=2031-05-06T00:00:00Z&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
      expect(res.statusCode).toBe(200);
      const page = postListSchema.strict().parse(res.json());
      seen.push(...page.data.map((p) => ({ id: p.id, scheduledAt: p.scheduledAt! })));
      cursor = page.nextCursor;
    } while (cursor);
    // Every post but the first (no time) is in the window.
    expect(seen.map((s) => s.id).sort()).toEqual(ids.slice(1).sort());
    expect(seen.map((s) => s.scheduledAt)).toEqual(seen.map((s) => s.scheduledAt).sort());
  });
});
