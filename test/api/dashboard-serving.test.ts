// The API serves the dashboard: its pages answer the app's index.html (public, never cached), its hashed assets
// are cached for good, API paths keep answering JSON, and an unbuilt dashboard says how to build it.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApi, type TestApi } from './support/test-api.js';

let dist: string;
let built: TestApi;
let unbuilt: TestApi;
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'herald-web-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Herald</title><script type="module" src="/assets/app-1a2b.js"></script>');
  await writeFile(join(dist, 'assets', 'app-1a2b.js'), 'console.log("herald")');
  built = await createTestApi({ env: { WEB_DIST_DIR: dist } });
  unbuilt = await createTestApi({ env: { WEB_DIST_DIR: join(dist, 'missing') } });
});
afterAll(async () => {
  await built?.close();
  await unbuilt?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

describe('dashboard serving', () => {
  test('every app path answers index.html without an API key; assets are immutable; API paths stay JSON', async () => {
    for (const url of ['/', '/accounts?connected=tiktok&accounts=a', '/calendar', '/compose', '/posts/5d0c2a62-0000-4000-8000-000000000000', '/comments', '/stats']) {
      const page = await built.app.inject({ url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toContain('text/html');
      expect(page.headers['cache-control'], url).toBe('no-cache');
      expect(page.body).toContain('/assets/app-1a2b.js');
      // Scripts only from this origin: the page runs nothing inline.
      expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    }
    const asset = await built.app.inject({ url: '/assets/app-1a2b.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.body).toContain('herald');

    const missingAsset = await built.app.inject({ url: '/assets/nope.js' });
    expect(missingAsset.statusCode).toBe(404);
    // Not the page: an API path the app does not serve stays an API answer (here: who are you?).
    const apiMiss = await built.app.inject({ url: '/api/social/nothing-here' });
    expect(apiMiss.statusCode).toBe(401);
    expect(apiMiss.headers['content-type']).toContain('application/json');
    const docs = await built.app.inject({ url: '/docs/json' });
    expect(JSON.stringify(docs.json().paths)).not.toContain('/calendar');
  });

  test('before the dashboard is built its pages answer 503 saying how to build it', async () => {
    const page = await unbuilt.app.inject({ url: '/calendar' });
    expect(page.statusCode).toBe(503);
    expect(page.json()).toMatchObject({ error: { code: 'dashboard_not_built' } });
    expect(page.json().error.message).toContain('npm run build:web');
  });
});
