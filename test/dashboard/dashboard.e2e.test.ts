// The dashboard in a real browser (Debian's Chromium) against the real stack: the API serving the built app, a
// worker, the Temporal dev server, Postgres and the TikTok and Meta sandboxes. One user walks through what a team
// does every day, screen by screen; each screen is checked with axe-core and photographed (test-output/screenshots).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { ensureDashboardBuilt, freePort, launchChromium, screenshot, seriousA11yViolations } from '../support/browser.js';
import { instagramAt } from '../support/instagram.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';

const TIKTOK = { clientKey: 'web-tiktok', clientSecret: 'web-tiktok-secret' };
const META = { appId: 'web-meta', appSecret: 'web-meta-secret' };
let s: PlatformStack;
let base: string;
let user: TestUser;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  const dist = await ensureDashboardBuilt();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  s = await startPlatformStack({
    sandbox: {
      tiktok: { ...TIKTOK, processingMs: 300 },
      meta: { ...META, videoProcessingMs: 300, imageProcessingMs: 100 },
    },
    providers: (sandboxBase) => [
      createTiktokProvider({ ...TIKTOK, authBaseUrl: `${sandboxBase}/tiktok`, apiBaseUrl: `${sandboxBase}/tiktok`, pollIntervalMs: 300 }),
      instagramAt(sandboxBase, { ...META, pollIntervalMs: 300 }),
    ],
    env: { PUBLIC_BASE_URL: base, WEB_DIST_DIR: dist, TEMPORAL_UI_URL: 'http://127.0.0.1:8233' },
    shareMedia: true,
  });
  await s.api.app.listen({ port, host: '127.0.0.1' });
  user = await createTestUser(s.api.database.db);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

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
});
