// Connecting a platform that takes credentials (Bluesky: a handle and an app password) from the dashboard, in a real
// browser (Debian's Chromium) against the real stack and the sandbox's PDS: Connect opens a form of the fields the
// platform lists, a wrong app password is refused next to that field in Bluesky's words, the right one connects the
// account; the form passes axe-core and the password stays out of the browser's storage.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_BLUESKY_ACCOUNT as ALICE } from '../../src/sandbox/platforms/bluesky/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { blueskyAt } from '../support/bluesky.js';
import { ensureDashboardBuilt, freePort, launchChromium, screenshot, seriousA11yViolations } from '../support/browser.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';

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
    sandbox: {},
    providers: (sandboxBase) => [blueskyAt(sandboxBase)],
    env: { PUBLIC_BASE_URL: base, WEB_DIST_DIR: dist },
  });
  await s.api.app.listen({ port, host: '127.0.0.1' });
  user = await createTestUser(s.api.database.db);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('Connect on Bluesky opens the credentials form; a wrong app password is shown at its field; the right one connects', async () => {
  await page.goto(`${base}/`);
  await page.getByLabel('API key').fill(user.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).click();

  await page.getByTestId('platform-card-bluesky').getByRole('button', { name: 'Connect' }).click();
  const dialog = page.getByTestId('credentials-dialog-bluesky');
  await dialog.getByRole('heading', { name: 'Connect Bluesky' }).waitFor();
  const password = dialog.getByLabel('App password');
  expect(await password.getAttribute('type')).toBe('password');
  expect(await dialog.getByRole('link', { name: 'How to make one' }).getAttribute('href')).toMatch(/^https:\/\//);

  await dialog.getByLabel('Handle or email').fill(ALICE.handle);
  await password.fill('wxyz-wxyz-wxyz-wxyz');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  const refusal = dialog.getByRole('alert').filter({ hasText: 'Invalid identifier or password' });
  await refusal.waitFor();
  // The refusal is tied to the password field for assistive technology.
  const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
  expect(describedBy.split(' ')).toContain(await refusal.getAttribute('id'));
  expect(await password.getAttribute('aria-invalid')).toBe('true');
  expect(await seriousA11yViolations(page), 'credentials form: accessibility').toEqual([]);
  await screenshot(page, 'credentials-connect-refused');

  await password.fill(ALICE.appPassword);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('status').filter({ hasText: `Connected Bluesky: ${ALICE.displayName}.` }).waitFor();
  expect(await dialog.count()).toBe(0);
  const listed = (await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data as { id: string; platform: string }[];
  expect(listed.map((a) => a.platform)).toEqual(['bluesky']);
  await page.getByTestId(`account-${listed[0]!.id}`).getByText('Active').waitFor();
  const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie');
  expect(stored).not.toContain(ALICE.appPassword);
});
