// Posts through the API, without a worker: validation (every rule), drafts, starting workflows, listing with
// cursors, the API-owned state changes, and 404 for other users' posts. Workflow-driven changes of scheduled posts
// are in post-workflows.test.ts.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { WorkflowNotFoundError } from '@temporalio/client';
import { media, posts, postTargets, socialAccounts, type PostStatus } from '../../src/db/schema.js';
import { PostCommands } from '../../src/temporal/post-commands.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { PostIdKey, PublishStatusKey, UserIdKey } from '../../src/workflows/search-attributes.js';
import { fakeProvider } from './support/fake-provider.js';
import { createTestAccount, createTestApi, createTestUser, errorOf, rulesOf, type TestApi, type TestUser } from './support/test-api.js';

let t: TestApi;
let tw: TestWorker;
const providers = [
  // 50 code points, 3 hashtags, 0..2 images.
  fakeProvider('fakebook'),
  // Exactly one video; every character counts twice.
  fakeProvider('videoland', { maxTextLength: 60, textLength: (s) => [...s].length * 2, minMedia: 1, maxMedia: 1, mediaTypes: ['video/*'] }),
];
const workerDeps = testDeps(inject('databaseUrl'), providers);

beforeAll(async () => {
  t = await createTestApi({ providers });
  // Scheduling is answered by the post's workflow (update-with-start), so a worker serves this suite's queue.
  tw = await startTestWorker(workerDeps, { taskQueue: t.taskQueue });
});
afterAll(async () => {
  await tw?.close();
  await t?.close();
  await workerDeps.database.close();
});

const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function userWithAccount(opts: { timezone?: string } = {}) {
  const user = await createTestUser(t.database.db, opts);
  const account = await createTestAccount(t.database.db, { userId: user.id });
  return { user, account };
}

function createPost(user: TestUser, payload: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload });
}

async function insertMedia(userId: string, contentType: string) {
  const [row] = await t.database.db.insert(media).values({
    userId, storageKey: `${userId}/${randomUUID()}`, contentType, sizeBytes: 10, sha256: 'x',
  }).returning();
  return row!;
}

/** Puts a post into a status only a workflow could give it, to test the API's refusals. */
async function forceStatus(postId: string, status: PostStatus) {
  await t.database.db.update(posts).set({ status }).where(eq(posts.id, postId));
}

const describeWorkflow = (postId: string) => t.client.workflow.getHandle(publishPostWorkflowId(postId)).describe();

describe('create: shape validation', () => {
  test('every malformed field is reported at once with its dotted path and rule', async () => {
    const { user } = await userWithAccount();
    const res = await createPost(user, {
      content: 'x'.repeat(10_001),
      hashtags: ['ok', 'two words'],
      media: [{ mediaId: randomUUID(), url: 'https://example.com/a.png' }, { url: 'ftp://example.com/a.png' }],
      targets: [{ accountId: 'nope' }],
      scheduledAt: '2030-01-01T10:00:00',
      localTime: '2030-01-01 10:00',
      timezone: 'Nowhere/Atlantis',
      colour: 'blue',
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
    expect(rulesOf(res).sort()).toEqual([
      'colour:unknown_field',
      'content:max_length',
      'hashtags.1:hashtag',
      'localTime:local_datetime',
      'media.0:media_ref',
      'media.1.url:url',
      'scheduledAt:iso_datetime',
      'targets.0.accountId:uuid',
      'timezone:iana_timezone',
    ]);
  });

  test('missing and out-of-range collections', async () => {
    const { user } = await userWithAccount();
    expect(rulesOf(await createPost(user, {})).sort()).toEqual(['content:required', 'targets:required']);
    expect(rulesOf(await createPost(user, { content: 'x', targets: [] }))).toEqual(['targets:min_items']);
    const many = Array.from({ length: 21 }, () => ({ accountId: randomUUID() }));
    expect(rulesOf(await createPost(user, { content: 'x', targets: many }))).toEqual(['targets:max_items']);
    const res = await createPost(user, {
      content: 'x', targets: [{ accountId: randomUUID(), options: 'fast' }],
      hashtags: Array.from({ length: 101 }, (_, i) => `t${i}`), media: Array.from({ length: 21 }, () => ({ url: 'https://e.com/a.png' })),
    });
    expect(rulesOf(res).sort()).toEqual(['hashtags:max_items', 'media:max_items', 'targets.0.options:type']);
  });
});

describe('create: accounts, media and platform rules', () => {
  test('reports every target and media problem in one answer', async () => {
    const { user, account } = await userWithAccount();
    const stranger = await userWithAccount();
    const inactive = await createTestAccount(t.database.db, { userId: user.id, status: 'reauth_required' });
    const unavailable = await createTestAccount(t.database.db, { userId: user.id, platform: 'retired-platform' });
    const strangersMedia = await insertMedia(stranger.user.id, 'image/png');
    const res = await createPost(user, {
      content: 'hello',
      media: [{ mediaId: strangersMedia.id }],
      targets: [
        { accountId: stranger.account.id },
        { accountId: inactive.id },
        { accountId: unavailable.id },
        { accountId: account.id, text: 'y'.repeat(51) },
        { accountId: account.id },
        { accountId: randomUUID() },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual([
      'media.0.mediaId:owned_media',
      'targets.0.accountId:owned_account',
      'targets.1.accountId:account_inactive',
      'targets.2.accountId:platform_available',
      'targets.3.text:max_length',
      'targets.4.accountId:unique',
      'targets.5.accountId:owned_account',
    ]);
    const lengthIssue = errorOf(res).details.find((d) => d.rule === 'max_length')!;
    expect(lengthIssue.message).toContain('50');
    expect(lengthIssue.message).toContain('51');
  });

  test('max_length applies to the content with the hashtags appended, counted the platform\'s way', async () => {
    const { user, account } = await userWithAccount();
    // 44 + " #abcdef" = 52 > 50
    const res = await createPost(user, { content: 'x'.repeat(44), hashtags: ['#abcdef'], targets: [{ accountId: account.id }] });
    expect(rulesOf(res)).toEqual(['content:max_length']);
    expect(errorOf(res).details[0]!.message).toMatch(/at most 50 .* has 52/);
    // 43 + 7 = 50: fits.
    expect((await createPost(user, { content: 'x'.repeat(42), hashtags: ['abcdef'], targets: [{ accountId: account.id }] })).statusCode).toBe(201);
    // Code points, not UTF-16 units: 50 emoji fit.
    expect((await createPost(user, { content: '😀'.repeat(50), targets: [{ accountId: account.id }] })).statusCode).toBe(201);

    const video = await createTestAccount(t.database.db, { userId: user.id, platform: 'videoland' });
    const clip = await insertMedia(user.id, 'video/mp4');
    const weighted = await createPost(user, { content: 'z'.repeat(31), media: [{ mediaId: clip.id }], targets: [{ accountId: video.id }] });
    expect(rulesOf(weighted)).toEqual(['content:max_length']);
    expect(errorOf(weighted).details[0]!.message).toContain('has 62');
  });

  test('max_hashtags counts the post\'s hashtags and the #words in the text', async () => {
    const { user, account } = await userWithAccount();
    expect(rulesOf(await createPost(user, { content: 'a #b #c', hashtags: ['d', 'e'], targets: [{ accountId: account.id }] })))
      .toEqual(['hashtags:max_hashtags']);
    expect(rulesOf(await createPost(user, { content: '#a #b #c #d', targets: [{ accountId: account.id }] })))
      .toEqual(['content:max_hashtags']);
    expect(rulesOf(await createPost(user, { content: 'x', targets: [{ accountId: account.id, text: '#a #b #c #d' }] })))
      .toEqual(['targets.0.text:max_hashtags']);
    // A URL fragment, C# or a lone # is not a hashtag: three real ones fit.
    expect((await createPost(user, { content: 'see e.com/#a in C# # #b #c\n#d', targets: [{ accountId: account.id }] })).statusCode).toBe(201);
  });

  test('media_count and media_type follow each target\'s platform', async () => {
    const { user, account } = await userWithAccount();
    const video = await createTestAccount(t.database.db, { userId: user.id, platform: 'videoland' });
    const clip = await insertMedia(user.id, 'video/mp4');

    expect(rulesOf(await createPost(user, { content: 'x', targets: [{ accountId: video.id }] }))).toEqual(['media:media_count']);
    const tooMany = await createPost(user, {
      content: 'x', media: [{ url: 'https://e.com/1.jpg' }, { url: 'https://e.com/2.jpg' }, { url: 'https://e.com/3.jpg' }], targets: [{ accountId: account.id }],
    });
    expect(rulesOf(tooMany)).toEqual(['media:media_count']);
    expect(errorOf(tooMany).details[0]!.message).toContain('0 to 2');

    // The clip is fine for videoland and wrong for fakebook (images only); the URL's type comes from its extension.
    const mixed = await createPost(user, {
      content: 'x', media: [{ mediaId: clip.id }], targets: [{ accountId: video.id }, { accountId: account.id }],
    });
    expect(rulesOf(mixed)).toEqual(['media.0:media_type']);
    expect(errorOf(mixed).details[0]!.message).toContain('video/mp4');
    expect(rulesOf(await createPost(user, { content: 'x', media: [{ url: 'https://e.com/clip.MOV?x=1' }], targets: [{ accountId: account.id }] })))
      .toEqual(['media.0:media_type']);
    // Unknown extension: left to the platform.
    expect((await createPost(user, { content: 'x', media: [{ url: 'https://e.com/render' }], targets: [{ accountId: account.id }] })).statusCode).toBe(201);
  });

  test('the provider\'s own rules are reported under the target', async () => {
    const { user, account } = await userWithAccount();
    const res = await createPost(user, { content: 'x', targets: [{ accountId: account.id, options: { privacy: 'secret' } }] });
    expect(rulesOf(res)).toEqual(['targets.0.options.privacy:privacy_level']);
    expect((await createPost(user, { content: 'x', targets: [{ accountId: account.id, options: { privacy: 'friends' } }] })).statusCode).toBe(201);
  });
});

describe('create: schedule time', () => {
  test('past times, both kinds of time, and impossible local times are refused', async () => {
    const { user, account } = await userWithAccount();
    const base = { content: 'x', targets: [{ accountId: account.id }] };
    expect(rulesOf(await createPost(user, { ...base, scheduledAt: '2020-01-01T00:00:00Z' }))).toEqual(['scheduledAt:in_future']);
    expect(rulesOf(await createPost(user, { ...base, localTime: '2020-01-01T00:00', timezone: 'Europe/Paris' }))).toEqual(['localTime:in_future']);
    expect(rulesOf(await createPost(user, { ...base, scheduledAt: inOneHour(), localTime: '2031-01-01T00:00' }))).toEqual(['localTime:mutually_exclusive']);
    expect(rulesOf(await createPost(user, { ...base, localTime: '2031-02-30T10:00' }))).toEqual(['localTime:local_datetime']);
    // Clocks jump from 02:00 to 03:00 on these days.
    const paris = await createPost(user, { ...base, localTime: '2030-03-31T02:30', timezone: 'Europe/Paris' });
    expect(rulesOf(paris)).toEqual(['localTime:nonexistent_local_time']);
    expect(errorOf(paris).details[0]!.message).toContain('Europe/Paris');
    expect(rulesOf(await createPost(user, { ...base, localTime: '2030-03-10T02:30:00', timezone: 'America/New_York' })))
      .toEqual(['localTime:nonexistent_local_time']);
  });

  test('a local time that occurs twice (clocks go back) is refused naming both instants, unless fold picks one', async () => {
    const { user, account } = await userWithAccount();
    const base = { content: 'x', targets: [{ accountId: account.id }] };
    const postsBefore = await t.database.db.select().from(posts).where(eq(posts.userId, user.id));
    // Paris goes from 03:00 CEST back to 02:00 CET on 2030-10-27: 02:30 happens at 00:30Z and again at 01:30Z.
    const paris = await createPost(user, { ...base, localTime: '2030-10-27T02:30', timezone: 'Europe/Paris' });
    expect(paris.statusCode).toBe(400);
    expect(rulesOf(paris)).toEqual(['localTime:ambiguous_local_time']);
    const message = errorOf(paris).details[0]!.message;
    expect(message).toContain('2030-10-27T02:30:00+02:00');
    expect(message).toContain('2030-10-27T02:30:00+01:00');
    expect(message).toContain('fold');
    expect(await t.database.db.select().from(posts).where(eq(posts.userId, user.id))).toEqual(postsBefore);

    const earlier = await createPost(user, { ...base, localTime: '2030-10-27T02:30', timezone: 'Europe/Paris', fold: 'earlier' });
    expect(earlier.json()).toMatchObject({ status: 'scheduled', scheduledAt: '2030-10-27T00:30:00.000Z' });
    const later = await createPost(user, { ...base, localTime: '2030-10-27T02:30:15', timezone: 'Europe/Paris', fold: 'later' });
    expect(later.json()).toMatchObject({ status: 'scheduled', scheduledAt: '2030-10-27T01:30:15.000Z' });
    const [row] = await t.database.db.select().from(posts).where(eq(posts.id, later.json().id));
    expect(row!.scheduledAt!.toISOString()).toBe('2030-10-27T01:30:15.000Z');

    // New York repeats 01:00-02:00 on 2030-11-03 (EDT -04:00, then EST -05:00); the hour before is not ambiguous.
    const ny = await createPost(user, { ...base, localTime: '2030-11-03T01:59', timezone: 'America/New_York' });
    expect(rulesOf(ny)).toEqual(['localTime:ambiguous_local_time']);
    expect(errorOf(ny).details[0]!.message).toMatch(/2030-11-03T01:59:00-04:00 or 2030-11-03T01:59:00-05:00/);
    const before = await createPost(user, { ...base, localTime: '2030-11-03T00:59', timezone: 'America/New_York' });
    expect(before.json()).toMatchObject({ scheduledAt: '2030-11-03T04:59:00.000Z' });
    // A fold on an unambiguous time changes nothing; without a localTime it is refused, and so is any other value.
    const plain = await createPost(user, { ...base, localTime: '2030-11-03T00:59', timezone: 'America/New_York', fold: 'later' });
    expect(plain.json()).toMatchObject({ scheduledAt: '2030-11-03T04:59:00.000Z' });
    expect(rulesOf(await createPost(user, { ...base, scheduledAt: inOneHour(), fold: 'later' }))).toEqual(['fold:requires_local_time']);
    expect(rulesOf(await createPost(user, { ...base, localTime: '2030-10-27T02:30', timezone: 'Europe/Paris', fold: 'first' }))).toEqual(['fold:enum']);

    // The same rule when scheduling a draft.
    const draft = (await createPost(user, base)).json();
    const url = `/api/social/posts/${draft.id}/schedule`;
    const refused = await t.app.inject({ method: 'POST', url, headers: user.headers, payload: { localTime: '2030-10-27T02:30', timezone: 'Europe/Paris' } });
    expect(rulesOf(refused)).toEqual(['localTime:ambiguous_local_time']);
    const scheduled = await t.app.inject({ method: 'POST', url, headers: user.headers, payload: { localTime: '2030-10-27T02:30', timezone: 'Europe/Paris', fold: 'later' } });
    expect(scheduled.statusCode).toBe(202);
    expect(scheduled.json()).toMatchObject({ scheduledAt: '2030-10-27T01:30:00.000Z' });
  });

  test('schedule problems and account problems come together', async () => {
    const { user } = await userWithAccount();
    const res = await createPost(user, { content: 'x', targets: [{ accountId: randomUUID() }], scheduledAt: '2020-01-01T00:00:00+02:00' });
    expect(rulesOf(res)).toEqual(['scheduledAt:in_future', 'targets.0.accountId:owned_account']);
  });

  test('localTime is read in the given zone, else the user\'s; the post keeps the zone it was written in', async () => {
    const { user, account } = await userWithAccount({ timezone: 'Asia/Tokyo' });
    const tokyo = await createPost(user, { content: 'x', targets: [{ accountId: account.id }], localTime: '2031-01-01T09:00' });
    expect(tokyo.statusCode).toBe(201);
    expect(tokyo.json()).toMatchObject({ status: 'scheduled', scheduledAt: '2031-01-01T00:00:00.000Z', timezone: 'Asia/Tokyo' });
    const paris = await createPost(user, { content: 'x', targets: [{ accountId: account.id }], localTime: '2031-07-01T09:00:30', timezone: 'europe/paris' });
    expect(paris.json()).toMatchObject({ scheduledAt: '2031-07-01T07:00:30.000Z', timezone: 'Europe/Paris' });
    const offset = await createPost(user, { content: 'x', targets: [{ accountId: account.id }], scheduledAt: '2031-07-01T09:00:00+05:30' });
    expect(offset.json()).toMatchObject({ scheduledAt: '2031-07-01T03:30:00.000Z', timezone: 'Asia/Tokyo' });
  });
});

describe('create', () => {
  test('without a time: a draft with its targets, the platform copied from each account; no workflow', async () => {
    const { user, account } = await userWithAccount();
    const res = await createPost(user, {
      content: 'Hello', hashtags: ['#launch', 'news'], media: [{ url: 'https://e.com/a.png' }],
      targets: [{ accountId: account.id, text: 'Hi there', options: { privacy: 'public' } }],
    });
    expect(res.statusCode).toBe(201);
    const post = res.json();
    expect(post).toMatchObject({
      status: 'draft', content: 'Hello', hashtags: ['launch', 'news'], media: [{ url: 'https://e.com/a.png' }],
      scheduledAt: null, timezone: 'UTC', publishedAt: null, cancelledAt: null,
    });
    expect(post.targets).toEqual([{
      id: expect.any(String), accountId: account.id, platform: 'fakebook', status: 'pending', text: 'Hi there',
      options: { privacy: 'public' }, publishId: null, containerId: null, platformPostId: null, permalink: null,
      error: null, attempts: [], publishedAt: null,
    }]);
    await expect(describeWorkflow(post.id)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('with a time: scheduled, and its workflow started with the post, the user and the time', async () => {
    const { user, account } = await userWithAccount();
    const scheduledAt = inOneHour();
    const res = await createPost(user, { content: 'Soon', targets: [{ accountId: account.id }], scheduledAt });
    expect(res.statusCode).toBe(201);
    const post = res.json();
    expect(post).toMatchObject({ status: 'scheduled', scheduledAt });

    const description = await describeWorkflow(post.id);
    expect(description.status.name).toBe('RUNNING');
    expect(description.type).toBe('publishPost');
    expect(description.taskQueue).toBe(t.taskQueue);
    expect(description.typedSearchAttributes.get(PostIdKey)).toBe(post.id);
    expect(description.typedSearchAttributes.get(UserIdKey)).toBe(user.id);
    expect(description.typedSearchAttributes.get(PublishStatusKey)).toBe('SCHEDULED');
    const history = await t.client.workflow.getHandle(publishPostWorkflowId(post.id)).fetchHistory();
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    const input = await t.client.options.loadedDataConverter.payloadConverter.fromPayload(started.input!.payloads![0]!);
    // The due-soon horizon (DUE_SOON_HORIZON_MINUTES, default 60) travels with it: the workflow raises its own
    // task priority that long before the due time.
    expect(input).toEqual({ postId: post.id, userId: user.id, scheduledAt, dueSoonHorizonMs: 3_600_000 });
  });

  test('when the workflow cannot be started, the post is kept as a draft and the answer is 503', async () => {
    const failing = new (class extends PostCommands {
      override schedule(): Promise<never> { return Promise.reject(new Error('temporal down')); }
    })(t.client, 'unused');
    const down = await createTestApi({ postCommands: failing, providers: [fakeProvider('fakebook')] });
    try {
      const { user, account } = await userWithAccount();
      const res = await down.app.inject({
        method: 'POST', url: '/api/social/posts', headers: user.headers,
        payload: { content: 'x', targets: [{ accountId: account.id }], scheduledAt: inOneHour() },
      });
      expect(res.statusCode).toBe(503);
      expect(errorOf(res).code).toBe('unavailable');
      expect(res.body).not.toContain('temporal down');
      const rows = await t.database.db.select().from(posts).where(eq(posts.userId, user.id));
      expect(rows.map((r) => r.status)).toEqual(['draft']);
      expect(errorOf(res).details[0]!.message).toContain(rows[0]!.id);
    } finally {
      await down.close();
    }
  });
});

describe('GET /api/social/posts/:id', () => {
  test('returns each target\'s publish state, with its error as { code, message }', async () => {
    const { user, account } = await userWithAccount();
    const post = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    const attempts = [{ at: '2030-01-01T00:00:00.000Z', step: 'create', outcome: 'error' as const, code: 'spam', message: 'looks like spam' }];
    await t.database.db.update(postTargets).set({
      status: 'failed', errorCode: 'spam', errorMessage: 'looks like spam', attempts, publishId: 'p-1',
    }).where(eq(postTargets.postId, post.id));
    const res = await t.app.inject({ method: 'GET', url: `/api/social/posts/${post.id}`, headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().targets[0]).toMatchObject({ status: 'failed', publishId: 'p-1', error: { code: 'spam', message: 'looks like spam' }, attempts });
  });
});

describe('GET /api/social/posts', () => {
  async function seed(user: TestUser, rows: { scheduledAt?: Date; status?: PostStatus; platform?: string }[]) {
    const accounts = new Map<string, string>();
    const ids: string[] = [];
    for (const r of rows) {
      const platform = r.platform ?? 'fakebook';
      if (!accounts.has(platform)) accounts.set(platform, (await createTestAccount(t.database.db, { userId: user.id, platform })).id);
      const [post] = await t.database.db.insert(posts).values({
        userId: user.id, content: 'x', status: r.status ?? (r.scheduledAt ? 'scheduled' : 'draft'), scheduledAt: r.scheduledAt ?? null,
      }).returning();
      await t.database.db.insert(postTargets).values({ postId: post!.id, socialAccountId: accounts.get(platform)!, platform });
      ids.push(post!.id);
    }
    return ids;
  }

  async function walk(user: TestUser, query: string, limit: number) {
    const seen: { id: string; key: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/social/posts?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
      expect(res.statusCode).toBe(200);
      const body: { data: { id: string; scheduledAt: string | null; createdAt: string }[]; nextCursor: string | null } = res.json();
      expect(body.data.length).toBeLessThanOrEqual(limit);
      seen.push(...body.data.map((p) => ({ id: p.id, key: p.scheduledAt ?? p.createdAt })));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return { seen, pages };
  }

  test('cursor pagination walks every post once, in calendar order, even with equal times', async () => {
    const user = await createTestUser(t.database.db);
    const same = new Date('2031-05-05T10:00:00Z');
    const ids = await seed(user, [
      { scheduledAt: new Date('2031-05-06T10:00:00Z') }, { scheduledAt: same }, { scheduledAt: same }, { scheduledAt: same },
      {}, {}, { scheduledAt: new Date('2031-05-04T10:00:00Z'), status: 'published' }, { scheduledAt: same, status: 'cancelled' },
    ]);
    const { seen, pages } = await walk(user, '', 3);
    expect(pages).toBe(3);
    expect(seen.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(new Set(seen.map((s) => s.id)).size).toBe(ids.length);
    const keys = seen.map((s) => s.key);
    expect(keys).toEqual([...keys].sort()); // ascending
    const onPage = await walk(user, '', 100);
    expect(onPage.pages).toBe(1);
    expect(onPage.seen.map((s) => s.id)).toEqual(seen.map((s) => s.id));
  });

  test('filters by time window, status and platform; only the caller\'s posts', async () => {
    const user = await createTestUser(t.database.db);
    const other = await createTestUser(t.database.db);
    const [may1, may2, june, draft, video] = await seed(user, [
      { scheduledAt: new Date('2031-05-01T10:00:00Z') },
      { scheduledAt: new Date('2031-05-02T10:00:00Z'), status: 'failed' },
      { scheduledAt: new Date('2031-06-01T10:00:00Z') },
      {},
      { scheduledAt: new Date('2031-05-03T10:00:00Z'), platform: 'videoland' },
    ]);
    await seed(other, [{ scheduledAt: new Date('2031-05-01T11:00:00Z') }]);
    const ids = async (query: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/social/posts?${query}`, headers: user.headers });
      expect(res.statusCode, query).toBe(200);
      return res.json().data.map((p: { id: string }) => p.id);
    };
    // The draft sorts at its creation time (now), before the 2031 schedule.
    expect(await ids('')).toEqual([draft, may1, may2, video, june]);
    expect(await ids('from=2031-05-01T00:00:00Z&to=2031-05-31T23:59:59Z')).toEqual([may1, may2, video]);
    expect(await ids('from=2031-05-02T12:00:00%2B02:00')).toEqual([may2, video, june]);
    expect(await ids('status=failed')).toEqual([may2]);
    expect(await ids('status=draft')).toEqual([draft]);
    expect(await ids('platform=videoland')).toEqual([video]);
    expect(await ids('platform=fakebook&to=2031-05-01T10:00:00Z')).toEqual([may1]);
  });

  test('bad queries name the parameter and rule', async () => {
    const user = await createTestUser(t.database.db);
    const rules = async (query: string) => rulesOf(await t.app.inject({ method: 'GET', url: `/api/social/posts?${query}`, headers: user.headers }));
    expect(await rules('from=2031-06-01T00:00:00Z&to=2031-05-01T00:00:00Z')).toEqual(['to:range']);
    expect(await rules('cursor=garbage')).toEqual(['cursor:cursor']);
    const forged = Buffer.from(JSON.stringify(['2031-13-45T99:00:00.000000Z', randomUUID()])).toString('base64url');
    expect(await rules(`cursor=${forged}`)).toEqual(['cursor:cursor']);
    expect(await rules('limit=0')).toEqual(['limit:min']);
    expect(await rules('limit=101')).toEqual(['limit:max']);
    expect(await rules('limit=ten')).toEqual(['limit:type']);
    expect(await rules('status=lost')).toEqual(['status:enum']);
    expect(await rules('from=yesterday')).toEqual(['from:iso_datetime']);
    expect(await rules('sort=desc')).toEqual(['sort:unknown_field']);
  });
});

describe('changes the API makes itself (draft and cancelled posts)', () => {
  test('PUT edits a draft; fields left out keep their value; the merged post is validated', async () => {
    const { user, account } = await userWithAccount();
    const second = await createTestAccount(t.database.db, { userId: user.id });
    const post = (await createPost(user, { content: 'first', hashtags: ['a'], targets: [{ accountId: account.id, text: 'own' }] })).json();

    const res = await t.app.inject({ method: 'PUT', url: `/api/social/posts/${post.id}`, headers: user.headers, payload: { content: 'second' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'draft', content: 'second', hashtags: ['a'], targets: [{ accountId: account.id, text: 'own' }] });

    // Valid alone, too long with the content already stored: 45 + " #abcdefgh" > 50.
    const merged = await t.app.inject({
      method: 'PUT', url: `/api/social/posts/${post.id}`, headers: user.headers,
      payload: { content: 'x'.repeat(45), targets: [{ accountId: account.id }] },
    });
    expect(merged.statusCode).toBe(200);
    const tooLong = await t.app.inject({ method: 'PUT', url: `/api/social/posts/${post.id}`, headers: user.headers, payload: { hashtags: ['abcdefgh'] } });
    expect(rulesOf(tooLong)).toEqual(['content:max_length']);

    const retarget = await t.app.inject({
      method: 'PUT', url: `/api/social/posts/${post.id}`, headers: user.headers, payload: { targets: [{ accountId: second.id }] },
    });
    expect(retarget.json().targets.map((x: { accountId: string }) => x.accountId)).toEqual([second.id]);
    await expect(describeWorkflow(post.id)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('PUT with a time schedules a draft and starts its workflow', async () => {
    const { user, account } = await userWithAccount();
    const post = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    const scheduledAt = inOneHour();
    const res = await t.app.inject({ method: 'PUT', url: `/api/social/posts/${post.id}`, headers: user.headers, payload: { scheduledAt } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'scheduled', scheduledAt });
    expect((await describeWorkflow(post.id)).status.name).toBe('RUNNING');
  });

  test('PUT is 409 not_editable once publishing has begun or finished; a cancelled post can be edited', async () => {
    const { user, account } = await userWithAccount();
    const post = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    for (const status of ['publishing', 'published', 'partially_published', 'failed'] as const) {
      await forceStatus(post.id, status);
      const res = await t.app.inject({ method: 'PUT', url: `/api/social/posts/${post.id}`, headers: user.headers, payload: { content: 'y' } });
      expect(res.statusCode, status).toBe(409);
      expect(errorOf(res)).toMatchObject({ code: 'conflict', details: [{ field: 'status', rule: 'not_editable' }] });
    }
    await forceStatus(post.id, 'cancelled');
    const res = await t.app.inject({ method: 'PUT', url: `/api/social/posts/${post.id}`, headers: user.headers, payload: { content: 'again' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', content: 'again' });
  });

  test('POST /publish schedules a draft for now and starts its workflow; a stale draft is validated again', async () => {
    const { user, account } = await userWithAccount();
    const post = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    const before = Date.now();
    const res = await t.app.inject({ method: 'POST', url: `/api/social/posts/${post.id}/publish`, headers: user.headers });
    expect(res.statusCode).toBe(202);
    // The workflow has the post when the answer comes; being due, it may already have begun publishing.
    expect(['scheduled', 'publishing', 'published']).toContain(res.json().status);
    expect(Date.parse(res.json().scheduledAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(res.json().scheduledAt)).toBeLessThanOrEqual(Date.now());
    expect((await describeWorkflow(post.id)).type).toBe('publishPost');

    const stale = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    await t.database.db.update(socialAccounts).set({ status: 'disconnected' }).where(eq(socialAccounts.id, account.id));
    const refused = await t.app.inject({ method: 'POST', url: `/api/social/posts/${stale.id}/publish`, headers: user.headers });
    expect(rulesOf(refused)).toEqual(['targets.0.accountId:account_inactive']);
    expect((await t.app.inject({ method: 'GET', url: `/api/social/posts/${stale.id}`, headers: user.headers })).json().status).toBe('draft');
  });

  test('POST /schedule schedules a draft at the given time; bad bodies and closed posts are refused', async () => {
    const { user, account } = await userWithAccount({ timezone: 'Europe/Paris' });
    const post = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    const url = `/api/social/posts/${post.id}/schedule`;
    expect(rulesOf(await t.app.inject({ method: 'POST', url, headers: user.headers, payload: {} }))).toEqual(['scheduledAt:required']);
    expect(rulesOf(await t.app.inject({ method: 'POST', url, headers: user.headers, payload: { scheduledAt: '2001-01-01T00:00:00Z' } })))
      .toEqual(['scheduledAt:in_future']);
    expect(rulesOf(await t.app.inject({ method: 'POST', url, headers: user.headers, payload: { localTime: '2030-03-31T02:15' } })))
      .toEqual(['localTime:nonexistent_local_time']);
    const res = await t.app.inject({ method: 'POST', url, headers: user.headers, payload: { localTime: '2031-01-15T08:00', timezone: 'America/New_York' } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'scheduled', scheduledAt: '2031-01-15T13:00:00.000Z', timezone: 'America/New_York' });
    expect((await describeWorkflow(post.id)).status.name).toBe('RUNNING');

    const closed = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    for (const status of ['publishing', 'published', 'failed'] as const) {
      await forceStatus(closed.id, status);
      for (const action of ['publish', 'schedule']) {
        const r = await t.app.inject({ method: 'POST', url: `/api/social/posts/${closed.id}/${action}`, headers: user.headers, payload: { scheduledAt: inOneHour() } });
        expect(r.statusCode, `${action} ${status}`).toBe(409);
        expect(rulesOf(r)).toEqual(['status:not_schedulable']);
      }
    }
  });

  test('POST /cancel cancels a draft; a closed post is 409', async () => {
    const { user, account } = await userWithAccount();
    const post = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    const res = await t.app.inject({ method: 'POST', url: `/api/social/posts/${post.id}/cancel`, headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('cancelled');
    expect(res.json().cancelledAt).not.toBeNull();
    for (const status of ['cancelled', 'published', 'failed', 'needs_attention'] as const) {
      await forceStatus(post.id, status);
      const again = await t.app.inject({ method: 'POST', url: `/api/social/posts/${post.id}/cancel`, headers: user.headers });
      expect(again.statusCode, status).toBe(409);
      expect(rulesOf(again)).toEqual(['status:not_cancellable']);
    }
    // A publishing post is cancelled through its workflow; without one there is nothing to stop.
    await forceStatus(post.id, 'publishing');
    const orphan = await t.app.inject({ method: 'POST', url: `/api/social/posts/${post.id}/cancel`, headers: user.headers });
    expect(rulesOf(orphan)).toEqual(['status:workflow_missing']);
  });

  test('DELETE removes a draft and its targets; a publishing post is 409; a published one can go', async () => {
    const { user, account } = await userWithAccount();
    const post = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/social/posts/${post.id}`, headers: user.headers });
    expect(res.statusCode).toBe(204);
    expect(await t.database.db.select().from(postTargets).where(eq(postTargets.postId, post.id))).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: `/api/social/posts/${post.id}`, headers: user.headers })).statusCode).toBe(404);

    const busy = (await createPost(user, { content: 'x', targets: [{ accountId: account.id }] })).json();
    await forceStatus(busy.id, 'publishing');
    const refused = await t.app.inject({ method: 'DELETE', url: `/api/social/posts/${busy.id}`, headers: user.headers });
    // Publishing without a workflow to cancel it (the reconciler's case): nothing the API can stop.
    expect(refused.statusCode).toBe(409);
    expect(rulesOf(refused)).toEqual(['status:workflow_missing']);
    await forceStatus(busy.id, 'published');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/social/posts/${busy.id}`, headers: user.headers })).statusCode).toBe(204);
  });
});

describe('ownership', () => {
  test('every route taking a post id answers 404 for another user\'s post, and changes nothing', async () => {
    const { user, account } = await userWithAccount();
    const stranger = await userWithAccount();
    const post = (await createPost(user, { content: 'mine', targets: [{ accountId: account.id }] })).json();
    const calls = [
      { method: 'GET', url: `/api/social/posts/${post.id}` },
      { method: 'PUT', url: `/api/social/posts/${post.id}`, payload: { content: 'theirs' } },
      { method: 'DELETE', url: `/api/social/posts/${post.id}` },
      { method: 'POST', url: `/api/social/posts/${post.id}/publish` },
      { method: 'POST', url: `/api/social/posts/${post.id}/schedule`, payload: { scheduledAt: inOneHour() } },
      { method: 'POST', url: `/api/social/posts/${post.id}/cancel` },
    ] as const;
    for (const call of calls) {
      const res = await t.app.inject({ ...call, headers: stranger.user.headers });
      expect(res.statusCode, `${call.method} ${call.url}`).toBe(404);
      expect(errorOf(res)).toEqual({ code: 'not_found', message: 'post not found', details: [] });
      // Same answer as for an id that does not exist at all.
      const unknown = await t.app.inject({ ...call, url: call.url.replace(post.id, randomUUID()), headers: stranger.user.headers });
      expect(unknown.body).toBe(res.body);
    }
    const mine = await t.app.inject({ method: 'GET', url: `/api/social/posts/${post.id}`, headers: user.headers });
    expect(mine.json()).toMatchObject({ status: 'draft', content: 'mine' });
  });

  test('a malformed post id is 400 id:uuid on every route', async () => {
    const { user } = await userWithAccount();
    for (const [method, suffix] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['POST', '/publish'], ['POST', '/schedule'], ['POST', '/cancel']] as const) {
      const res = await t.app.inject({ method, url: `/api/social/posts/123${suffix}`, headers: user.headers, ...(method === 'PUT' ? { payload: {} } : {}) });
      expect(res.statusCode, `${method} ${suffix}`).toBe(400);
      expect(rulesOf(res)).toEqual(['id:uuid']);
    }
  });
});
