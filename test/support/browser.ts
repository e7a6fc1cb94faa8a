// A real browser for the dashboard tests: Debian's Chromium driven by playwright-core (browser downloads do not
// work here; CHROMIUM_PATH overrides the executable), axe-core for accessibility, and screenshots a reviewer can open
// without running anything (test-output/screenshots, git-ignored).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

export const SCREENSHOT_DIR = resolve('test-output', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`);
  // --no-sandbox: CI runs as root, where Chromium refuses its own sandbox.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The dashboard as `npm run build:web` builds it; built here when a test runs without `npm test` before it. */
export async function ensureDashboardBuilt(): Promise<string> {
  const dist = resolve('web', 'dist');
  if (!existsSync(join(dist, 'index.html'))) await build({ configFile: resolve('web', 'vite.config.ts'), logLevel: 'warn' });
  return dist;
}

/** A loopback port free right now (the API must know its own URL before it listens: OAuth redirects name it). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** axe-core over the page as it is now: the serious and critical violations, described for a failure message. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}
