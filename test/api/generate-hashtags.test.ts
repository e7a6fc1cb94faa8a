// POST /api/social/generate/hashtags on the real API, Postgres and the sandbox's language-model simulator: the
// user's own hashtags whose posts engaged above their average on that platform come first (from post_analytics
// seeded here), then the model's broad and specific suggestions, never beyond the platform's hashtag limit.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postAnalytics, postTargets, posts, type SocialAccount } from '../../src/db/schema.js';
import { createTestAccount, createTestApi, createTestUser, type TestApi, type TestUser } from './support/test-api.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { instagramAt } from '../support/instagram.js';
import { threadsAt } from '../support/threads.js';
import { xAt } from '../support/x.js';

describe('POST /api/social/generate/hashtags', () => {
  let sandbox: RunningSandbox;
  let t: TestApi;
  let user: TestUser;

  async function seed(owner: TestUser, account: SocialAccount, hashtags: string[], engagementRate: number) {
    const { db } = t.database;
    const [post] = await db.insert(posts).values({ userId: owner.id, content: 'seeded', hashtags, status: 'published', publishedAt: new Date() }).returning();
    const [target] = await db.insert(postTargets).values({
      postId: post!.id, socialAccountId: account.id, platform: account.platform, status: 'published', publishedAt: new Date(),
    }).returning();
    await db.insert(postAnalytics).values({ targetId: target!.id, views: 1000, likes: 10, engagementRate: engagementRate.toFixed(2) });
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    t = await createTestApi({
      providers: [instagramAt(sandbox.baseUrl), xAt(sandbox.baseUrl), threadsAt(sandbox.baseUrl)],
      env: { AI_BASE_URL: `${sandbox.baseUrl}/llm/v1` },
    });
    user = await createTestUser(t.database.db);
    const other = await createTestUser(t.database.db);
    const instagram = await createTestAccount(t.database.db, { userId: user.id, platform: 'instagram' });
    const x = await createTestAccount(t.database.db, { userId: user.id, platform: 'x' });
    const othersInstagram = await createTestAccount(t.database.db, { userId: other.id, platform: 'instagram' });
    // The user's mean on Instagram is (9.5 + 6 + 0.5) / 3 = 5.33: Sunrise 9.5, hiking 7.75 and gear 6 are above it,
    // boring 0.5 is not. X's and the other user's posts do not count.
    await seed(user, instagram, ['#Sunrise', 'hiking'], 9.5);
    await seed(user, instagram, ['hiking', 'gear'], 6);
    await seed(user, instagram, ['boring'], 0.5);
    await seed(user, x, ['xonly'], 40);
    await seed(other, othersInstagram, ['otherstag'], 50);
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  const suggest = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/social/generate/hashtags', headers: user.headers, payload: body });

  test('ranks the user\'s own performers on that platform first, then the model\'s broad and specific tags', async () => {
    const res = await suggest({ content: 'Trail running shoes review after a muddy weekend', platform: 'instagram', count: 10 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.platform).toBe('instagram');
    // Own tags fill at most half (5 here): only the 3 above the user's mean qualify, so boring (0.5) stays out.
    expect(body.hashtags).toHaveLength(10);
    expect(body.hashtags.slice(0, 3)).toEqual([
      { tag: 'Sunrise', source: 'history', kind: null, engagementRate: 9.5 },
      { tag: 'hiking', source: 'history', kind: null, engagementRate: 7.75 },
      { tag: 'gear', source: 'history', kind: null, engagementRate: 6 },
    ]);
    const fromModel = body.hashtags.slice(3);
    expect(fromModel.every((h: { source: string }) => h.source === 'model')).toBe(true);
    expect(new Set(fromModel.map((h: { kind: string }) => h.kind))).toEqual(new Set(['broad', 'specific']));
    // Built from the content's words by the simulator.
    expect(fromModel.map((h: { tag: string }) => h.tag)).toEqual(['trail', 'running', 'shoes', 'review', 'after', 'muddy', 'weekend']);
    const tags = body.hashtags.map((h: { tag: string }) => h.tag);
    for (const excluded of ['boring', 'xonly', 'otherstag']) expect(tags).not.toContain(excluded);
  });

  test('without history on the platform, all suggestions come from the model', async () => {
    const res = await suggest({ content: 'Trail running shoes review', platform: 'threads' });
    expect(res.statusCode).toBe(200);
    // Threads takes one topic tag.
    expect(res.json()).toMatchObject({ maxHashtags: 1, hashtags: [{ tag: 'trail', source: 'model', kind: 'broad', engagementRate: null }] });
  });

  test('a count over the platform\'s limit or an unknown platform is a 400 naming the field', async () => {
    const over = await suggest({ content: 'hello there', platform: 'threads', count: 2 });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.details).toEqual([expect.objectContaining({ field: 'count', rule: 'max_hashtags' })]);
    const unknown = await suggest({ content: 'hello there', platform: 'myspace' });
    expect(unknown.json().error.details).toEqual([expect.objectContaining({ field: 'platform', rule: 'platform_available' })]);
    const empty = await suggest({ content: '   ', platform: 'x' });
    expect(empty.json().error.details).toEqual([expect.objectContaining({ field: 'content' })]);
  });
});
