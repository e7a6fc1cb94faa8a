// POST /api/social/analyze/content on the real API with X, Instagram and LinkedIn providers and the sandbox's
// language-model simulator: the deterministic numbers of a known text, where feeds cut a long one, and the model's
// rewrites kept within each platform's limits; without a model the checks still answer, with no critique.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestApi, createTestUser, type TestApi, type TestUser } from './support/test-api.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { instagramAt } from '../support/instagram.js';
import { linkedinAt } from '../support/linkedin.js';
import { xAt } from '../support/x.js';

// 38 characters of prose, 2 emoji, a mention and a 24-character link: 72 code points.
const KNOWN = 'The cat sat on the mat. It was happy. 🐱🙂 @alice https://example.com/cats';

describe('POST /api/social/analyze/content', () => {
  let sandbox: RunningSandbox;
  let t: TestApi;
  let user: TestUser;

  beforeAll(async () => {
    sandbox = await startSandbox();
    t = await createTestApi({
      providers: [xAt(sandbox.baseUrl), instagramAt(sandbox.baseUrl), linkedinAt(sandbox.baseUrl)],
      env: { AI_BASE_URL: `${sandbox.baseUrl}/llm/v1` },
    });
    user = await createTestUser(t.database.db);
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });
  beforeEach(async () => { await sandbox.control.reset(); });

  const analyze = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/social/analyze/content', headers: user.headers, payload: body });
  const of = (body: { data: { platform: string }[] }, platform: string) => body.data.find((d) => d.platform === platform) as any;

  test('measures a known text as each platform counts it', async () => {
    const res = await analyze({ content: KNOWN, hashtags: ['cats'], platforms: ['x', 'instagram', 'linkedin'] });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // 9 words, 2 sentences, 10 syllables: 206.835 - 1.015 * 4.5 - 84.6 * 10 / 9.
    expect(body.readability).toEqual({ language: 'en', words: 9, sentences: 2, syllables: 10, fleschReadingEase: 108.27 });

    const instagram = of(body, 'instagram');
    expect(instagram).toMatchObject({
      length: 78, maxTextLength: 2200, hashtagCount: 1, mentionCount: 1, links: ['https://example.com/cats'], linksClickable: false,
      emojiCount: 2, emojiDensity: 2.78, feedPreviewLength: 125, feedPreview: null, media: { count: 0, min: 1, max: 10, unsupportedTypes: [] },
    });
    // A dead link is advice (the post goes out); no image is what publishing would refuse.
    expect(instagram.issues.map((i: { rule: string; severity: string }) => `${i.rule}:${i.severity}`).sort()).toEqual(['link_not_clickable:advice', 'media_count:refused']);

    // X counts the link as 23 and each emoji as 2.
    const x = of(body, 'x');
    expect(x).toMatchObject({ length: 79, maxTextLength: 280, linksClickable: true, feedPreviewLength: null, issues: [] });
    expect(of(body, 'linkedin')).toMatchObject({ feedPreviewLength: 210, linksClickable: true, issues: [] });
  });

  test('shows where feeds cut a long text, and refuses media a platform does not take', async () => {
    const content = 'Word '.repeat(60).trim();
    const res = await analyze({ content, platforms: ['instagram', 'linkedin', 'x'], media: [{ contentType: 'application/pdf' }] });
    const body = res.json();
    expect(of(body, 'instagram').feedPreview).toBe(content.slice(0, 125));
    expect(of(body, 'linkedin').feedPreview).toBe(content.slice(0, 210));
    expect(of(body, 'linkedin').issues.map((i: { rule: string }) => i.rule).sort()).toEqual(['feed_cut', 'media_type']);
    expect(of(body, 'x').issues.map((i: { rule: string }) => i.rule).sort()).toEqual(['limit', 'media_type']);
    expect(of(body, 'x').media.unsupportedTypes).toEqual(['application/pdf']);
  });

  test('the model\'s critique comes with rewrites within each platform\'s limits, even when it answers too long', async () => {
    await sandbox.control.call('POST', '/llm/next-answers', { answers: ['too_long', 'too_long', 'too_long'] });
    const res = await analyze({ content: 'Launching our bike lights today, come see them', hashtags: ['bikes'], platforms: ['x', 'instagram', 'linkedin'] });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model).toBe('gpt-4o-mini');
    for (const entry of body.data) {
      expect(entry.critique.summary.length).toBeGreaterThan(0);
      expect(entry.critique.rewrites.length).toBeGreaterThan(0);
      for (const rewrite of entry.critique.rewrites) {
        expect(rewrite.length).toBeLessThanOrEqual(entry.maxTextLength);
        expect(rewrite.length).toBeGreaterThan(entry.maxTextLength - 40);
      }
    }
  });

  test('an unknown platform or a bad media type is a 400 naming the field', async () => {
    const res = await analyze({ content: 'hi', platforms: ['x', 'myspace'], media: [{ contentType: 'pdf' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'media.0.contentType' })]);
    const unknown = await analyze({ content: 'hi', platforms: ['x', 'myspace'] });
    expect(unknown.json().error.details).toEqual([expect.objectContaining({ field: 'platforms.1', rule: 'platform_available' })]);
  });
});

describe('analysis without AI_BASE_URL', () => {
  let t: TestApi;
  beforeAll(async () => { t = await createTestApi(); });
  afterAll(async () => { await t?.close(); });

  test('the deterministic checks answer, with no critique; readability is English only', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({
      method: 'POST', url: '/api/social/analyze/content', headers: user.headers,
      payload: { content: 'Le chat est sur le tapis.', platforms: ['fakebook'], language: 'fr' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ model: null, readability: { words: 6, fleschReadingEase: null }, data: [{ platform: 'fakebook', critique: null }] });
  });
});
