// The dashboard in a real browser (Debian's Chromium) against the real stack: the API serving the built app, a
// worker, the Temporal dev server, Postgres and the TikTok and Meta sandboxes. One user walks through what a team
// does every day, screen by screen; each screen is checked with axe-core and photographed (test-output/screenshots).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import { sampleFiles } from '../api/support/multipart.js';
import { waitFor } from '../sandbox/helpers.js';
import { eq } from 'drizzle-orm';
import { postAnalytics, socialAccounts } from '../../src/db/schema.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { screenshot, seriousA11yViolations } from '../support/browser.js';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack.js';
import { instagramAt } from '../support/instagram.js';
import type { PlatformStack } from '../support/platform-stack.js';

const TIKTOK = { clientKey: 'web-tiktok', clientSecret: 'web-tiktok-secret' };
const META = { appId: 'web-meta', appSecret: 'web-meta-secret' };
let s: PlatformStack;
let base: string;
let user: TestUser;
let context: BrowserContext;
let page: Page;
let dashboard: DashboardStack;

beforeAll(async () => {
  dashboard = await startDashboardStack({
    sandbox: {
      consent: 'page',
      tiktok: { ...TIKTOK, processingMs: 300 },
      meta: { ...META, videoProcessingMs: 300, imageProcessingMs: 100 },
    },
    providers: (sandboxBase) => [
      createTiktokProvider({ ...TIKTOK, authBaseUrl: `${sandboxBase}/tiktok`, apiBaseUrl: `${sandboxBase}/tiktok`, pollIntervalMs: 300 }),
      instagramAt(sandboxBase, { ...META, pollIntervalMs: 300 }),
    ],
    // Writing help answered by the sandbox's language-model simulator, as `npm run dev` sets it up.
    env: (sandboxBase) => ({ TEMPORAL_UI_URL: 'http://127.0.0.1:8233', AI_BASE_URL: `${sandboxBase}/llm/v1` }),
    shareMedia: true,
  });
  ({ stack: s, base, context, page } = dashboard);
  // A named zone other than the browser's (UTC): the calendar must place posts on New York's wall clock.
  user = await createTestUser(s.api.database.db, { timezone: 'America/New_York' });
}, 180_000);

afterAll(async () => { await dashboard?.close(); });

let accounts: Record<string, string> = {};
let postId: string;
let instagramMediaId: string;
// Ten days ahead: a day the calendar's month view may or may not show, so the test navigates to it.
const scheduleDay = DateTime.utc().plus({ days: 10 }).toISODate()!;

/** The API as the test's own client (Bearer key), to check what the browser did. */
async function apiGet(path: string): Promise<{ status: number; body: any }> {
  const res = await s.api.app.inject({ method: 'GET', url: path, headers: user.headers });
  return { status: res.statusCode, body: res.json() };
}

/** The platform's consent page (the sandbox's, as a real platform shows one): it names the app; the user allows. */
async function consent(): Promise<void> {
  await page.getByRole('button', { name: 'Allow' }).waitFor();
  expect(await seriousA11yViolations(page), 'consent page: accessibility').toEqual([]);
  await page.getByRole('button', { name: 'Allow' }).click();
}

/** A section of the dashboard, through its navigation. */
async function openSection(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
}

/** axe-core finds no serious or critical violation on the screen as shown; then it is photographed. */
async function checkScreen(name: string): Promise<void> {
  expect(await seriousA11yViolations(page), `${name}: accessibility`).toEqual([]);
  await screenshot(page, name);
}

describe('the dashboard in Chromium', () => {
  test('signing in exchanges the API key for an HttpOnly session cookie, kept by no browser storage', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in to Herald' }).waitFor();
    await checkScreen('01-sign-in');
    await page.getByLabel('API key').fill(user.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();

    const cookies = await context.cookies(base);
    expect(cookies.find((c) => c.name === 'herald_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // Evaluated in the page (a string: this file is compiled without the DOM's types).
    const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie');
    expect(stored).not.toContain(user.key);
  });

  test('Accounts: Connect goes through the platform\'s consent and lands back on the dashboard with the result', async () => {
    await openSection('Accounts');
    for (const platform of ['tiktok', 'instagram']) {
      await page.getByTestId(`platform-card-${platform}`).getByRole('button', { name: 'Connect' }).click();
      await consent();
      await page.waitForURL(`${base}/accounts**`);
      await expect.poll(() => page.getByTestId('connect-result').getAttribute('role')).toBe('status');
      await page.getByTestId('connect-result').getByRole('button', { name: 'Dismiss' }).click();
    }
    const { body } = await apiGet('/api/social/accounts');
    accounts = Object.fromEntries(body.data.map((a: { platform: string; id: string }) => [a.platform, a.id]));
    expect(Object.keys(accounts).sort()).toEqual(['instagram', 'tiktok']);
    for (const id of Object.values(accounts)) await page.getByTestId(`account-${id}`).getByText('Active').waitFor();
    await checkScreen('02-accounts');
  });

  test('Composer: a video cross-post with its own Instagram text and the creator\'s TikTok privacy, scheduled in a time zone', async () => {
    await openSection('Compose');
    await page.getByTestId('composer-text').fill('Launch day 🚀');
    await page.getByTestId('media-input').setInputFiles({ name: 'launch.mp4', mimeType: 'video/mp4', buffer: sampleFiles.mp4(256 * 1024) });
    await page.getByRole('button', { name: 'Remove launch.mp4' }).waitFor();
    await page.getByTestId(`account-option-${accounts.tiktok}`).check();
    await page.getByTestId(`account-option-${accounts.instagram}`).check();

    // Per-account settings: TikTok's privacy levels are the creator's, asked of TikTok; Instagram gets its own text.
    const tiktokPanel = page.locator('details', { hasText: 'Settings for Sandbox Creator' });
    await tiktokPanel.locator('summary').click();
    await tiktokPanel.getByLabel('Who can see it').selectOption('SELF_ONLY');
    const igPanel = page.locator('details', { hasText: 'Settings for sandbox_ig' });
    await igPanel.locator('summary').click();
    await igPanel.getByLabel('Use the main text').uncheck();
    await igPanel.getByLabel('Text for sandbox_ig').fill('Launch day, on Instagram 🚀');

    // Counters as each platform counts (the API's validate route): TikTok counts the emoji as 2, Instagram as 1.
    await expect.poll(() => page.getByTestId(`counter-${accounts.tiktok}`).textContent()).toContain(`${'Launch day 🚀'.length} /`);
    await expect.poll(() => page.getByTestId(`counter-${accounts.instagram}`).textContent()).toContain(`${[...'Launch day, on Instagram 🚀'].length} /`);

    await page.getByTestId('when-local').fill(`${scheduleDay}T10:00`);
    await page.getByTestId('when-timezone').selectOption('Europe/Paris');
    await checkScreen('03-composer');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
    postId = new URL(page.url()).pathname.split('/').at(-1)!;

    const { body: post } = await apiGet(`/api/social/posts/${postId}`);
    expect(post).toMatchObject({ status: 'scheduled', content: 'Launch day 🚀', timezone: 'Europe/Paris' });
    expect(post.scheduledAt).toBe(DateTime.fromISO(`${scheduleDay}T10:00`, { zone: 'Europe/Paris' }).toUTC().toISO());
    expect(post.media).toEqual([{ mediaId: expect.any(String) }]);
    const target = (platform: string) => post.targets.find((t: { platform: string }) => t.platform === platform);
    expect(target('tiktok')).toMatchObject({ options: { privacyLevel: 'SELF_ONLY' }, text: null });
    expect(target('instagram')).toMatchObject({ text: 'Launch day, on Instagram 🚀' });
  });

  test('a refused edit shows the API\'s error next to the field it names, and changes nothing', async () => {
    await page.goto(`${base}/posts/${postId}/edit`);
    await page.getByRole('heading', { name: 'Edit post' }).waitFor();
    const yesterday = DateTime.utc().minus({ days: 1 }).toISODate()!;
    await page.getByTestId('when-local').fill(`${yesterday}T10:00`);
    await page.getByRole('button', { name: 'Schedule' }).click();
    // The message is the API's (rule in_future), tied to the input as its description.
    const when = page.getByTestId('when-local');
    await expect.poll(() => when.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await when.getAttribute('aria-describedby'))!.split(' ');
    const messages = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(messages.join(' ')).toContain('must be in the future');
    await checkScreen('04-refused-edit');
    const { body: post } = await apiGet(`/api/social/posts/${postId}`);
    expect(post.scheduledAt).toBe(DateTime.fromISO(`${scheduleDay}T10:00`, { zone: 'Europe/Paris' }).toUTC().toISO());
  });

  test('Composer writing help: a generated caption, the API\'s checks, and a best time picked on the heatmap', async () => {
    await page.goto(`${base}/compose`);
    await page.getByRole('heading', { name: 'New post' }).waitFor();
    await page.getByTestId('composer-text').fill('Our spring collection is out today');
    await page.getByTestId(`account-option-${accounts.tiktok}`).check();

    // Generate: the topic starts as the main text; one platform chosen, so a caption becomes the post's text.
    await page.getByTestId('generate-open').click();
    const generate = page.getByRole('region', { name: 'Generate captions' });
    expect(await generate.getByLabel('Topic').inputValue()).toBe('Our spring collection is out today');
    await generate.getByRole('button', { name: 'Write captions' }).click();
    const captions = generate.getByRole('region', { name: 'Generated captions' });
    await captions.getByRole('button', { name: 'Use this' }).first().click({ timeout: 20_000 });
    const caption = (await captions.locator('.writing-help-caption-text').first().textContent())!;
    const text = await page.getByTestId('composer-text').inputValue();
    expect(text.length).toBeGreaterThan(0);
    expect(caption.startsWith(text)).toBe(true);
    // The per-account counter (the live check's count) shows the caption's length as generated: within TikTok's limit.
    const [, length, limit] = /(\d+) \/ (\d+)/.exec((await captions.locator('.writing-help-meta').first().textContent())!)!;
    expect(Number(length)).toBeLessThanOrEqual(Number(limit));
    await expect.poll(() => page.getByTestId(`counter-${accounts.tiktok}`).textContent(), { timeout: 10_000 }).toContain(`${length} / ${limit}`);

    // Check: the API's checks for TikTok (a video platform: no media yet fails its media check).
    await page.getByTestId('check-open').click();
    const checks = page.getByTestId('checks-tiktok');
    await checks.waitFor({ timeout: 20_000 });
    expect(await checks.getByRole('row', { name: /^Length and hashtags/ }).getAttribute('data-status')).toBe('passed');
    expect(await checks.getByRole('row', { name: /^Media/ }).getAttribute('data-status')).toBe('failed');

    // Best times: a heatmap cell schedules the post at that weekday and hour's next occurrence in the user's zone.
    await page.getByTestId('best-times-open').click();
    const grid = page.getByTestId('best-times-grid');
    await grid.waitFor({ timeout: 20_000 });
    expect(await grid.getByRole('button').count()).toBe(7 * 24);
    await grid.getByRole('button', { name: /^Tuesday 09:00, / }).click();
    const now = DateTime.now().setZone('America/New_York');
    let days = (2 - now.weekday + 7) % 7;
    if (days === 0 && now.hour >= 9) days = 7;
    const expected = now.startOf('day').plus({ days }).set({ hour: 9 }).toFormat("yyyy-MM-dd'T'HH:mm");
    await expect.poll(() => page.getByTestId('when-local').inputValue()).toBe(expected);
    expect(await page.getByTestId('when-timezone').inputValue()).toBe('America/New_York');

    await checkScreen('11-composer-writing-help');
    await page.setViewportSize({ width: 390, height: 844 });
    await checkScreen('11-composer-writing-help-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('Calendar: the post is there; dragging it to another day reschedules it through the API', async () => {
    await openSection('Calendar');
    const event = page.locator(`[data-post-id="${postId}"]`);
    // The post is ten days ahead: it may be on next month's page.
    await page.getByTestId('calendar').waitFor();
    // Ten days ahead may be next month's page: look for it on this page first, then on the next.
    const shown = await event.waitFor({ timeout: 5000 }).then(() => true, () => false);
    if (!shown) await page.getByRole('button', { name: 'Next' }).click();
    await event.waitFor();
    // 10:00 in Paris is 04:00 in New York, the user's zone, whatever the browser's (UTC here).
    expect(await event.textContent()).toMatch(/^4a/);
    await checkScreen('05-calendar');

    const { body: before } = await apiGet(`/api/social/posts/${postId}`);
    // A day later, or earlier when the post sits in the page's last cell (a month page spans whole weeks).
    const dayCell = (days: number) => page.locator(`td.fc-daygrid-day[data-date="${DateTime.fromISO(scheduleDay).plus({ days }).toISODate()}"]`);
    const shift = (await dayCell(1).count()) > 0 ? 1 : -1;
    const from = (await event.boundingBox())!;
    const to = (await dayCell(shift).boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 + 5, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
    await page.mouse.up();
    const expected = DateTime.fromISO(before.scheduledAt).plus({ days: shift }).toUTC().toISO();
    await expect.poll(async () => (await apiGet(`/api/social/posts/${postId}`)).body.scheduledAt, { timeout: 10_000 }).toBe(expected);
  });

  test('Post: publish now from the detail view, and watch both targets reach published as it happens', async () => {
    await page.locator(`[data-post-id="${postId}"]`).first().click();
    await page.waitForURL(`${base}/posts/${postId}`);
    await page.getByRole('button', { name: 'Publish now' }).click();
    const { body: post } = await apiGet(`/api/social/posts/${postId}`);
    for (const target of post.targets) {
      // The page updates itself: no reload between the click and the published state.
      await expect.poll(() => page.getByTestId(`target-${target.id}`).getAttribute('data-status'), { timeout: 60_000 }).toBe('published');
    }
    const { body: published } = await apiGet(`/api/social/posts/${postId}`);
    expect(published.status).toBe('published');
    for (const target of published.targets) {
      const section = page.getByTestId(`target-${target.id}`);
      await section.getByRole('link', { name: /Temporal/ }).waitFor();
      expect(await section.getByRole('link', { name: /Temporal/ }).getAttribute('href')).toBe(target.workflowUrl);
      // The timeline shows every step around the commit (upload, processing), not only the commit's attempts.
      const steps = new Set((target.attempts as { step: string }[]).map((a) => a.step));
      expect(steps.size, JSON.stringify(target.attempts)).toBeGreaterThan(2);
      await expect.poll(() => section.locator('.timeline li').count()).toBe(target.attempts.length);
    }
    instagramMediaId = published.targets.find((t: { platform: string }) => t.platform === 'instagram').platformPostId;
    await checkScreen('06-post-published');
  });

  test('Comments: a comment made on Instagram arrives in the inbox and is answered from it', async () => {
    const delivered = await s.sandbox.control.call('POST', '/webhooks', { platform: 'meta', url: `${base}/api/webhooks/instagram` });
    expect(delivered.status).toBeLessThan(300);
    const posted = await s.sandbox.control.call('POST', '/meta/comments', { mediaId: instagramMediaId, comments: [{ text: 'Congrats on the launch!', username: 'fan_1' }] });
    expect(posted.status).toBe(201);
    const stored = await waitFor(async () => (await apiGet('/api/social/comments')).body.data[0], 20_000, 'the comment stored').catch(async (err) => {
      console.log(JSON.stringify((await s.sandbox.control.call('GET', '/webhooks/deliveries')).body).slice(0, 2000));
      throw err;
    });

    await openSection('Comments');
    const item = page.getByTestId(`comment-${stored.id}`);
    await item.getByText('Congrats on the launch!').waitFor();
    await checkScreen('07-comments');
    await item.getByRole('button', { name: 'Reply' }).click();
    await item.getByLabel(/Reply to/).fill('Thank you! 🙌');
    await item.getByRole('button', { name: 'Send' }).click();
    await item.getByText('Reply sent.').waitFor({ timeout: 20_000 });
    const state = (await s.sandbox.control.call('GET', '/state/meta')) as { body: { comments: { text: string; parentId?: string }[] } };
    expect(state.body.comments.find((c) => c.parentId === stored.platformCommentId)?.text).toBe('Thank you! 🙌');
  });

  test('Stats: after syncing insights the numbers the platforms reported are shown', async () => {
    await openSection('Accounts');
    for (const id of Object.values(accounts)) {
      await page.getByTestId(`account-${id}`).getByRole('button', { name: 'Sync insights now' }).click();
    }
    // Instagram reports the Reel's metrics (a TikTok post only visible to its creator has no public id to ask about).
    const { body: post } = await apiGet(`/api/social/posts/${postId}`);
    const instagramTarget = post.targets.find((t: { platform: string }) => t.platform === 'instagram').id as string;
    const [metrics] = await waitFor(async () => {
      const rows = await s.api.database.db.select().from(postAnalytics).where(eq(postAnalytics.targetId, instagramTarget));
      return rows.length > 0 && rows[0]!.views !== null ? rows : undefined;
    }, 30_000, 'the Reel\'s metrics');

    const { body: overview } = await apiGet('/api/social/stats/overview');
    expect(overview.totals.postsPublished).toBe(2);
    expect(overview.totals.views).toBeGreaterThanOrEqual(metrics!.views!);
    await openSection('Stats');
    const all = page.getByTestId('stats-overview').getByRole('region', { name: 'All platforms' });
    await expect.poll(() => all.textContent(), { timeout: 10_000 }).toContain(new Intl.NumberFormat('en-US').format(overview.totals.views));
    await page.getByRole('img', { name: /engagement/i }).first().waitFor();
    await checkScreen('08-stats');
  });

  test('an account that needs reconnecting says why and offers Reconnect', async () => {
    await s.api.database.db.update(socialAccounts)
      .set({ status: 'reauth_required', statusReason: 'the platform rejected the refresh token (invalid_grant): connect the account again' })
      .where(eq(socialAccounts.id, accounts.tiktok!));
    await page.goto(`${base}/accounts`);
    const row = page.getByTestId(`account-${accounts.tiktok}`);
    await row.getByText(/rejected the refresh token/).waitFor();
    await row.getByRole('button', { name: 'Reconnect' }).waitFor();
    await checkScreen('09-accounts-reconnect');
    // Reconnecting is the connect flow again: through consent, back with the account active.
    await row.getByRole('button', { name: 'Reconnect' }).click();
    await consent();
    await page.waitForURL(`${base}/accounts**`);
    await page.getByTestId(`account-${accounts.tiktok}`).getByText('Active').waitFor();
  });

  test('the user changes their time zone from the top bar; the API and the calendar follow', async () => {
    await openSection('Calendar');
    await page.getByRole('button', { name: 'Time zone: America/New_York. Change' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your time zone' });
    await dialog.getByRole('combobox', { name: 'Time zone' }).selectOption('Asia/Tokyo');
    await checkScreen('12-time-zone');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Time zone: Asia/Tokyo. Change' }).waitFor();
    expect((await apiGet('/api/me')).body.timezone).toBe('Asia/Tokyo');
    // Back, so the screens after this one read the zone the test user started with.
    await page.getByRole('button', { name: 'Time zone: Asia/Tokyo. Change' }).click();
    await page.getByRole('dialog', { name: 'Your time zone' }).getByRole('combobox', { name: 'Time zone' }).selectOption('America/New_York');
    await page.getByRole('dialog', { name: 'Your time zone' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Time zone: America/New_York. Change' }).waitFor();
    expect((await apiGet('/api/me')).body.timezone).toBe('America/New_York');
  });

  test('at a phone\'s width every screen still passes axe', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [['/calendar', 'calendar'], ['/compose', 'compose'], [`/posts/${postId}`, 'post'], ['/comments', 'comments'], ['/stats', 'stats'], ['/accounts', 'accounts']]) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await checkScreen(`10-phone-${name}`);
    }
  });
});
