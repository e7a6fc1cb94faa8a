// POST /api/social/generate/caption on the real API with the sandbox's language-model simulator (its deterministic
// answers, its queued wrong answers and the shared fault store): captions for X, Instagram and LinkedIn never exceed
// what POST /api/social/posts/validate accepts, wrong answers are repaired, and the model calls are counted in
// /metrics without the key or the user's text reaching the logs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestAccount, createTestApi, createTestUser, type TestApi, type TestUser } from './support/test-api.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { instagramAt } from '../support/instagram.js';
import { linkedinAt } from '../support/linkedin.js';
import { xAt } from '../support/x.js';

const AI_API_KEY = `sk-test-${randomBytes(12).toString('hex')}`;
const PLATFORMS = ['x', 'instagram', 'linkedin'] as const;

interface CaptionAnswer {
  data: { platform: string; accountIds: string[]; limits: { maxTextLength: number; maxHashtags: number };
    captions: { text: string; hashtags: string[]; length: number; repaired: string }[] }[];
}

describe('POST /api/social/generate/caption', () => {
  let sandbox: RunningSandbox;
  let t: TestApi;
  let user: TestUser;
  const accounts = new Map<string, string>();
  const logLines: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox();
    const providers = [xAt(sandbox.baseUrl), instagramAt(sandbox.baseUrl), linkedinAt(sandbox.baseUrl)];
    t = await createTestApi({
      providers,
      env: { AI_BASE_URL: `${sandbox.baseUrl}/llm/v1`, AI_API_KEY, AI_MODEL: 'herald-sandbox-llm' },
      logStream: { write: (line) => { logLines.push(line); } },
    });
    user = await createTestUser(t.database.db);
    for (const platform of PLATFORMS) accounts.set(platform, (await createTestAccount(t.database.db, { userId: user.id, platform })).id);
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });
  beforeEach(async () => { await sandbox.control.reset(); });

  const generate = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/social/generate/caption', headers: user.headers, payload: body });

  /** What publish validation says about each caption, on the user's account of that platform. */
  async function publishIssues(answer: CaptionAnswer): Promise<string[]> {
    const issues: string[] = [];
    for (const entry of answer.data) {
      for (const caption of entry.captions) {
        const res = await t.app.inject({
          method: 'POST', url: '/api/social/posts/validate', headers: user.headers,
          payload: { content: caption.text, hashtags: caption.hashtags, targets: [{ accountId: accounts.get(entry.platform)! }] },
        });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.targets[0].textLength).toBe(caption.length);
        // Media rules (Instagram needs a picture) are not the caption's business.
        for (const i of body.issues) if (!i.field.includes('media')) issues.push(`${entry.platform} ${i.field}:${i.rule}`);
      }
    }
    return issues;
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${t.config.ADMIN_TOKEN}` } })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  test('writes captions for X, Instagram and LinkedIn from the topic, within each platform\'s limits', async () => {
    const res = await generate({ topic: 'our new solar powered bike lights', tone: 'playful', platforms: ['twitter', 'instagram', 'linkedin'], variants: 2 });
    expect(res.statusCode).toBe(200);
    const answer = res.json() as CaptionAnswer;
    expect(answer.data.map((d) => d.platform)).toEqual(['x', 'instagram', 'linkedin']);
    for (const entry of answer.data) {
      expect(entry.captions).toHaveLength(2);
      for (const caption of entry.captions) {
        expect(caption.text).toContain('solar powered bike lights');
        expect(caption.text.toLowerCase()).toContain('playful');
        expect(caption.length).toBeLessThanOrEqual(entry.limits.maxTextLength);
        expect(caption.hashtags.length).toBeLessThanOrEqual(entry.limits.maxHashtags);
        expect(caption.repaired).toBe('none');
      }
    }
    expect(await publishIssues(answer)).toEqual([]);
  });

  test('an answer too long once is asked for again and then fits', async () => {
    await sandbox.control.call('POST', '/llm/next-answers', { answers: ['too_long'] });
    const res = await generate({ topic: 'spring sale on hiking boots', accountIds: [accounts.get('x')!] });
    expect(res.statusCode).toBe(200);
    const answer = res.json() as CaptionAnswer;
    expect(answer.data).toMatchObject([{ platform: 'x', accountIds: [accounts.get('x')] }]);
    expect(answer.data[0]!.captions[0]!.repaired).toBe('asked_again');
    expect(await publishIssues(answer)).toEqual([]);
    expect((await sandbox.control.state('llm')).completionsServed).toBe(2);
  });

  test('answers too long twice are trimmed at a word boundary to fit X, Instagram and LinkedIn', async () => {
    // One model request per platform, each asked twice: six wrong answers.
    await sandbox.control.call('POST', '/llm/next-answers', { answers: Array(6).fill('too_long') });
    const res = await generate({ topic: 'quarterly results', platforms: [...PLATFORMS] });
    expect(res.statusCode).toBe(200);
    const answer = res.json() as CaptionAnswer;
    for (const entry of answer.data) {
      const caption = entry.captions[0]!;
      expect(caption.repaired).toBe('trimmed');
      // Cut close to the limit, not emptied, and at a word boundary: the stretched answer repeats whole words, so
      // the text is a prefix of it ending where a space followed.
      expect(caption.length).toBeGreaterThan(entry.limits.maxTextLength - 40);
      expect(caption.text).toMatch(/^Friendly take, .*(quarterly results\.|quarterly!|[a-z]+)$/);
      expect(caption.text.split(' ').every((w) => 'Friendly take, here is the news: quarterly results. Tell us what you think about quarterly!'.split(' ').includes(w))).toBe(true);
    }
    expect(await publishIssues(answer)).toEqual([]);
  });

  test('an invalid answer is asked for again once, and counted', async () => {
    const invalidBefore = await metric('herald_ai_requests_total', 'outcome="invalid"');
    const okBefore = await metric('herald_ai_requests_total', 'outcome="ok"');
    const tokensBefore = await metric('herald_ai_tokens_total', 'kind="prompt"');
    await sandbox.control.call('POST', '/llm/next-answers', { answers: ['invalid'] });
    const res = await generate({ topic: 'open studio night', platforms: ['linkedin'] });
    expect(res.statusCode).toBe(200);
    expect(res.json().data[0].captions[0].text).toContain('open studio night');
    expect(await metric('herald_ai_requests_total', 'outcome="invalid"')).toBe(invalidBefore + 1);
    expect(await metric('herald_ai_requests_total', 'outcome="ok"')).toBe(okBefore + 1);
    expect(await metric('herald_ai_tokens_total', 'kind="prompt"')).toBeGreaterThan(tokensBefore);
    expect(await metric('herald_ai_request_duration_seconds_count', 'purpose="caption"')).toBeGreaterThan(0);
  });

  test('invalid twice, or a failing endpoint, is a 502 ai_failed', async () => {
    await sandbox.control.call('POST', '/llm/next-answers', { answers: ['invalid', 'invalid'] });
    const twice = await generate({ topic: 'anything', platforms: ['x'] });
    expect(twice.statusCode).toBe(502);
    expect(twice.json().error.code).toBe('ai_failed');

    const failedBefore = await metric('herald_ai_requests_total', 'outcome="failed"');
    await sandbox.control.addFault({ match: { method: 'POST', path: '/llm/v1/chat/completions' }, action: { type: 'status', status: 500 } });
    const down = await generate({ topic: 'anything', platforms: ['x'] });
    expect(down.statusCode).toBe(502);
    expect(down.json().error).toMatchObject({ code: 'ai_failed', message: expect.stringContaining('HTTP 500') });
    expect(await metric('herald_ai_requests_total', 'outcome="failed"')).toBe(failedBefore + 1);
  });

  test('bad input is a 400 naming the field', async () => {
    const neither = await generate({ topic: 'x' });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().error.details).toEqual([expect.objectContaining({ field: 'accountIds', rule: 'one_of' })]);
    const unknown = await generate({ topic: 'x', platforms: ['x', 'myspace'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([expect.objectContaining({ field: 'platforms.1', rule: 'platform_available' })]);
    const notMine = await generate({ topic: 'x', accountIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(notMine.json().error.details).toEqual([expect.objectContaining({ field: 'accountIds.0', rule: 'owned_account' })]);
    const noTopic = await generate({ platforms: ['x'], variants: 9 });
    expect(noTopic.statusCode).toBe(400);
    expect(noTopic.json().error.details.map((d: { field: string }) => d.field).sort()).toEqual(['topic', 'variants']);
  });

  test('the key reaches the endpoint only: not the logs, not a response; the prompt carries the topic alone', async () => {
    const topic = `private launch ${randomBytes(6).toString('hex')}`;
    const res = await generate({ topic, platforms: ['x'] });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(AI_API_KEY);
    const [recorded] = await sandbox.control.requests('?platform=llm');
    expect(recorded.headers.authorization).toBeDefined();
    const prompt = JSON.stringify(recorded.body);
    expect(prompt).toContain(topic);
    for (const foreign of [user.email, user.key, accounts.get('x')!]) expect(prompt).not.toContain(foreign);
    const logs = logLines.join('');
    expect(logs).toContain('model request answered');
    expect(logs).not.toContain(AI_API_KEY);
    expect(logs).not.toContain(topic);
  });
});

describe('without AI_BASE_URL', () => {
  let t: TestApi;
  beforeAll(async () => { t = await createTestApi(); });
  afterAll(async () => { await t?.close(); });

  test('caption answers 503 ai_not_configured', async () => {
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({ method: 'POST', url: '/api/social/generate/caption', headers: user.headers, payload: { topic: 'hello', platforms: ['fakebook'] } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'ai_not_configured', message: expect.stringContaining('AI_BASE_URL') });
    const hashtags = await t.app.inject({ method: 'POST', url: '/api/social/generate/hashtags', headers: user.headers, payload: { content: 'hello', platform: 'fakebook' } });
    expect(hashtags.statusCode).toBe(503);
    expect(hashtags.json().error.code).toBe('ai_not_configured');
  });
});

describe('AI_TIMEOUT_SECONDS', () => {
  let sandbox: RunningSandbox;
  let t: TestApi;
  beforeAll(async () => {
    sandbox = await startSandbox();
    t = await createTestApi({ providers: [xAt(sandbox.baseUrl)], env: { AI_BASE_URL: `${sandbox.baseUrl}/llm/v1`, AI_TIMEOUT_SECONDS: '1' } });
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  test('a model slower than the timeout is a 502, not a hanging request', async () => {
    await sandbox.control.addFault({ match: { method: 'POST', path: '/llm/v1/chat/completions' }, action: { type: 'delay', ms: 3000 } });
    const user = await createTestUser(t.database.db);
    const res = await t.app.inject({ method: 'POST', url: '/api/social/generate/caption', headers: user.headers, payload: { topic: 'slow', platforms: ['x'] } });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('ai_failed');
  });
});
