// The stack a browser suite drives: the platform stack with the API listening on a real port that serves the built
// dashboard (its URL is PUBLIC_BASE_URL, so OAuth redirects come back to it), and a Chromium page at 1280 × 900 in
// UTC (a zone other than the test users', so screens must use the user's zone, not the browser's).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureDashboardBuilt, freePort, launchChromium } from './browser.js';
import { startPlatformStack, type PlatformStack, type PlatformStackOptions } from './platform-stack.js';

export interface DashboardStack {
  stack: PlatformStack;
  /** The dashboard's origin, e.g. http://127.0.0.1:41234. */
  base: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function startDashboardStack(options: PlatformStackOptions): Promise<DashboardStack> {
  const dist = await ensureDashboardBuilt();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const stack = await startPlatformStack({
    ...options,
    env: (sandboxBase) => ({
      ...(typeof options.env === 'function' ? options.env(sandboxBase) : options.env),
      PUBLIC_BASE_URL: base, WEB_DIST_DIR: dist,
    }),
  });
  await stack.api.app.listen({ port, host: '127.0.0.1' });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  return {
    stack, base, browser, context, page,
    close: async () => {
      await browser.close();
      await stack.close();
    },
  };
}
