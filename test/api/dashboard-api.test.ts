// What the dashboard (and any client) needs beyond publishing, on the real stack (API, worker, Temporal, Postgres,
// the TikTok and Meta sandboxes): the platforms with their limits; a draft checked by the create route's own rules
// with per-platform counters; each account's target options as the platform allows them now (TikTok asks the
// creator's current settings); the comment inbox across accounts; operator links to each target's workflow.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { comments } from '../../src/db/schema.js';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import { createTestUser, type TestUser } from './support/test-api.js';
import { connectAllThroughApi, connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

const MEDIA = 'https://media.herald.test/';
const TEMPORAL_UI = 'http://temporal-ui.test:8233';
let s: PlatformStack;
let user: TestUser;
let tiktok: { id: string; platformAccountId: string };
let instagram: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: {
      tiktok: { clientKey: 'dash-tiktok', clientSecret: 'dash-tiktok-secret', verifiedUrlPrefixes: [MEDIA] },
      meta: { appId: 'dash-meta', appSecret: 'dash-meta-secret' },
    },
    providers: (base) => [
      createTiktokProvider({
        clientKey: 'dash-tiktok', clientSecret: 'dash-tiktok-secret', authBaseUrl: `${base}/tiktok`, apiBaseUrl: `${base}/tiktok`,
        verifiedUrlPrefixes: [MEDIA],
      }),
      instagramAt(base, { appId: 'dash-meta', appSecret: 'dash-meta-secret' }),
    ],
    env: { TEMPORAL_UI_URL: TEMPORAL_UI },
  });
  user = await createTestUser(s.api.database.db);
  tiktok = (await connectAllThroughApi(s.api, user, 'tiktok'))[0]!;
  instagram = await connectThroughApi(s.api, user, 'instagram');
}, 120_000);
afterAll(async () => { await s?.close(); });

const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
  const res = await s.api.app.inject({ method, url, headers: user.headers, ...(payload !== undefined ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
};

describe('platforms and drafts', () => {
  test('the platforms route lists each enabled platform with how to connect it and its limits', async () => {
    const { status, body } = await call('GET', '/api/social/platforms');
    expect(status).toBe(200);
    expect(body.data.map((p: { id: string }) => p.id).sort()).toEqual(['instagram', 'tiktok']);
    for (const p of body.data) {
      expect(p.connect).toBe('oauth');
      expect(p.limits.maxTextLength).toBeGreaterThan(0);
      expect(p.limits.mediaTypes.length).toBeGreaterThan(0);
    }
  });

  test('validate answers what create would refuse, with counters as each platform counts text', async () => {
    const { body: platforms } = await call('GET', '/api/social/platforms');
    const limitOf = (id: string) => platforms.data.find((p: { id: string }) => p.id === id).limits.maxTextLength as number;

    // An emoji is two UTF-16 units (TikTok counts those) and one code point (Instagram counts those).
    const draft = {
      content: '🙂 launch day', hashtags: ['herald'], media: [{ url: `${MEDIA}clip.mp4` }],
      targets: [{ accountId: tiktok.id, options: { privacyLevel: 'SELF_ONLY' } }, { accountId: instagram }],
    };
    const ok = await call('POST', '/api/social/posts/validate', draft);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ valid: true, issues: [] });
    const counter = (b: { targets: { accountId: string; textLength: number; maxTextLength: number }[] }, id: string) => b.targets.find((t) => t.accountId === id)!;
    expect(counter(ok.body, tiktok.id)).toMatchObject({ textLength: '🙂 launch day #herald'.length, maxTextLength: limitOf('tiktok'), hashtagCount: 1 });
    expect(counter(ok.body, instagram)).toMatchObject({ textLength: [...'🙂 launch day #herald'].length, maxTextLength: limitOf('instagram') });

    // Too long for TikTok only, and a TikTok direct post without a privacy level: both named, as create names them.
    const long = { ...draft, content: 'x'.repeat(limitOf('tiktok')), targets: [{ accountId: tiktok.id }, { accountId: instagram }] };
    const refused = await call('POST', '/api/social/posts/validate', long);
    expect(refused.status).toBe(200);
    expect(refused.body.valid).toBe(false);
    const created = await call('POST', '/api/social/posts', { ...long, scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(created.status).toBe(400);
    const key = (i: { field: string; rule: string }) => `${i.field}:${i.rule}`;
    expect(refused.body.issues.map(key).sort()).toEqual(created.body.error.details.map(key).sort());
    expect(refused.body.issues.map(key)).toEqual(expect.arrayContaining(['content:max_length', 'targets.0.options.privacyLevel:required']));
    expect(counter(refused.body, tiktok.id).textLength).toBeGreaterThan(limitOf('tiktok'));

    // A draft with no account yet: what is missing, no counters; a schedule in the past is named as create names it.
    const empty = await call('POST', '/api/social/posts/validate', { content: 'hello', targets: [], scheduledAt: '2020-01-01T00:00:00Z' });
    expect(empty.body.valid).toBe(false);
    expect(empty.body.targets).toEqual([]);
    expect(empty.body.issues.map(key)).toEqual(expect.arrayContaining(['targets:min_items']));
    expect(empty.body.issues.some((i: { field: string }) => i.field === 'scheduledAt')).toBe(true);
  });
});

describe('target options', () => {
  test('TikTok offers the creator\'s privacy levels of the moment and reflects interactions they turned off', async () => {
    await s.sandbox.control.call('PATCH', `/tiktok/users/${tiktok.platformAccountId}`, { privateAccount: true, commentDisabled: true });
    const priv = await call('GET', `/api/social/accounts/${tiktok.id}/target-options`);
    expect(priv.status, JSON.stringify(priv.body)).toBe(200);
    const field = (b: { fields: { name: string }[] }, name: string) => b.fields.find((f) => f.name === name) as Record<string, any>;
    const levels = field(priv.body, 'privacyLevel');
    expect(levels).toMatchObject({ kind: 'enum', required: true });
    expect(levels.default).toBeUndefined();
    expect(levels.values.map((v: { value: string }) => v.value).sort()).toEqual(['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']);
    expect(field(priv.body, 'disableComment')).toMatchObject({ kind: 'boolean', default: true });
    expect(field(priv.body, 'disableComment').description).toContain('turned comments off');
    expect(field(priv.body, 'disableDuet')).toMatchObject({ appliesTo: ['video'], default: true });

    await s.sandbox.control.call('PATCH', `/tiktok/users/${tiktok.platformAccountId}`, { privateAccount: false, commentDisabled: false });
    const open = await call('GET', `/api/social/accounts/${tiktok.id}/target-options`);
    expect(field(open.body, 'privacyLevel').values.map((v: { value: string }) => v.value)).toContain('PUBLIC_TO_EVERYONE');
    expect(field(open.body, 'disableComment').default).toBeUndefined();
  });

  test('Instagram offers its post kinds; an unknown account is 404', async () => {
    const ig = await call('GET', `/api/social/accounts/${instagram}/target-options`);
    expect(ig.status).toBe(200);
    expect(ig.body.fields.map((f: { name: string }) => f.name)).toEqual(['mediaType']);
    expect(ig.body.fields[0].values.map((v: { value: string }) => v.value)).toEqual(['IMAGE', 'REELS', 'CAROUSEL']);
    const missing = await call('GET', '/api/social/accounts/00000000-0000-4000-8000-000000000000/target-options');
    expect(missing.status).toBe(404);
  });
});

describe('posts for the calendar and the detail view', () => {
  test('the listing filters by account; a post names each target\'s workflow and its Temporal Web UI page', async () => {
    const at = new Date(Date.now() + 7 * 86400_000).toISOString();
    const both = await call('POST', '/api/social/posts', {
      content: 'both', media: [{ url: `${MEDIA}a.mp4` }], scheduledAt: at,
      targets: [{ accountId: tiktok.id, options: { privacyLevel: 'SELF_ONLY' } }, { accountId: instagram }],
    });
    const igOnly = await call('POST', '/api/social/posts', { content: 'ig only', media: [{ url: `${MEDIA}b.mp4` }], targets: [{ accountId: instagram }] });
    expect([both.status, igOnly.status]).toEqual([201, 201]);

    const forTiktok = await call('GET', `/api/social/posts?accountId=${tiktok.id}`);
    expect(forTiktok.body.data.map((p: { id: string }) => p.id)).toEqual([both.body.id]);
    const forIg = await call('GET', `/api/social/posts?accountId=${instagram}`);
    expect(forIg.body.data.map((p: { id: string }) => p.id).sort()).toEqual([both.body.id, igOnly.body.id].sort());

    const detail = await call('GET', `/api/social/posts/${both.body.id}`);
    for (const t of detail.body.targets) {
      expect(t.workflowId).toBe(`post:${both.body.id}:target:${t.id}`);
      expect(t.workflowUrl).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(t.workflowId)}`);
    }
    await call('POST', `/api/social/posts/${both.body.id}/cancel`);
  });
});

describe('comment inbox', () => {
  test('newest first across the user\'s accounts, a page at a time, filterable; nobody else\'s comments', async () => {
    const other = await createTestUser(s.api.database.db);
    const otherAccount = await connectThroughApi(s.api, other, 'instagram');
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const rows = [
      { platform: 'tiktok', socialAccountId: tiktok.id, platformCommentId: 'c-old', mediaPlatformId: 'm1', text: 'oldest', commentedAt: minutesAgo(30) },
      { platform: 'instagram', socialAccountId: instagram, platformCommentId: 'c-mid', mediaPlatformId: 'm2', text: 'middle', commentedAt: minutesAgo(20) },
      // No comment time: placed by when it arrived (now), so newest.
      { platform: 'instagram', socialAccountId: instagram, platformCommentId: 'c-new', mediaPlatformId: 'm2', text: 'newest', commentedAt: null },
      { platform: 'instagram', socialAccountId: otherAccount, platformCommentId: 'c-theirs', mediaPlatformId: 'm9', text: 'not yours', commentedAt: minutesAgo(1) },
    ];
    await s.api.database.db.insert(comments).values(rows);

    const first = await call('GET', '/api/social/comments?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((c: { text: string }) => c.text)).toEqual(['newest', 'middle']);
    expect(first.body.data[0]).toMatchObject({ accountId: instagram, platform: 'instagram', postId: null });
    const second = await call('GET', `/api/social/comments?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((c: { text: string }) => c.text)).toEqual(['oldest']);
    expect(second.body.nextCursor).toBeNull();

    const onTiktok = await call('GET', `/api/social/comments?accountId=${tiktok.id}`);
    expect(onTiktok.body.data.map((c: { text: string }) => c.text)).toEqual(['oldest']);
    const onInstagram = await call('GET', '/api/social/comments?platform=instagram');
    expect(onInstagram.body.data.map((c: { text: string }) => c.text)).toEqual(['newest', 'middle']);

    const tampered = await call('GET', '/api/social/comments?cursor=bm90LWEtY3Vyc29y');
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.details[0]).toMatchObject({ field: 'cursor', rule: 'cursor' });
  });
});
