// Connecting a platform that takes credentials (Bluesky: a handle and an app password) from the dashboard, in a real
// browser (Debian's Chromium) against the real stack and the sandbox's PDS: Connect opens a form of the fields the
// platform lists, a wrong app password is refused next to that field in Bluesky's words, the right one connects the
// account; the form passes axe-core and the password stays out of the browser's storage. Then a post to it with an
// image described by its alt text, typed in the composer while the image uploads, kept when the post is edited.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { DEFAULT_BLUESKY_ACCOUNT as ALICE } from '../../src/sandbox/platforms/bluesky/index.js';
import { sampleFiles } from '../api/support/multipart.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { blueskyAt } from '../support/bluesky.js';
import { screenshot, seriousA11yViolations } from '../support/browser.js';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack.js';
import type { PlatformStack } from '../support/platform-stack.js';

let s: PlatformStack;
let base: string;
let user: TestUser;
let page: Page;
let dashboard: DashboardStack;

beforeAll(async () => {
  dashboard = await startDashboardStack({ sandbox: {}, providers: (sandboxBase) => [blueskyAt(sandboxBase)] });
  ({ stack: s, base, page } = dashboard);
  user = await createTestUser(s.api.database.db);
}, 180_000);

afterAll(async () => { await dashboard?.close(); });

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

test('the composer sends each image\'s alt text with the post, and shows it again when the post is edited', async () => {
  const accountId = (await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data[0].id as string;
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Compose' }).click();
  await page.getByTestId('composer-text').fill('Dusk 🌅 at the lighthouse');
  await page.getByTestId('media-input').setInputFiles({ name: 'dusk.png', mimeType: 'image/png', buffer: sampleFiles.png(4000) });
  await page.getByLabel('Alt text').fill('A lighthouse at dusk, its lamp lit');
  await page.getByRole('button', { name: 'Remove dusk.png' }).waitFor();
  await page.getByTestId(`account-option-${accountId}`).check();
  await page.getByTestId('when-local').fill(`${DateTime.utc().plus({ days: 3 }).toISODate()}T10:00`);
  expect(await seriousA11yViolations(page), 'composer with alt text: accessibility').toEqual([]);
  await page.getByRole('button', { name: 'Schedule' }).click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
  const postId = new URL(page.url()).pathname.split('/').at(-1)!;
  const post = (await s.api.app.inject({ method: 'GET', url: `/api/social/posts/${postId}`, headers: user.headers })).json();
  expect(post.media).toEqual([{ mediaId: expect.any(String), alt: 'A lighthouse at dusk, its lamp lit' }]);

  await page.goto(`${base}/posts/${postId}/edit`);
  await page.getByRole('heading', { name: 'Edit post' }).waitFor();
  expect(await page.getByLabel('Alt text').inputValue()).toBe('A lighthouse at dusk, its lamp lit');
});
