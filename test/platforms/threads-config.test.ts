// Threads from configuration, as `npm run dev` runs it: registered only with THREADS_APP_ID and THREADS_APP_SECRET,
// its hosts defaulting to the sandbox's /threads, and the sandbox built from the same configuration taking the same
// app credentials, so a login through the registered provider works against it.
import { expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createProviderRegistry } from '../../src/platforms/registry.js';
import { sandboxOptionsFromConfig } from '../../src/sandbox/options-from-config.js';
import { startSandbox } from '../sandbox/helpers.js';

test('Threads is registered only when its app id and secret are set', () => {
  expect(createProviderRegistry(loadConfig({ THREADS_APP_ID: 'only-id' })).has('threads')).toBe(false);
  const config = loadConfig({ THREADS_APP_ID: 'cfg-app', THREADS_APP_SECRET: 'cfg-secret' });
  const threads = createProviderRegistry(config).get('threads');
  expect(threads.displayName).toBe('Threads');
  expect(threads.oauth!.authorizeUrl({ state: 's', redirectUri: 'http://127.0.0.1:3000/cb' }).startsWith(`${config.SANDBOX_BASE_URL}/threads/`)).toBe(true);
});

test('the configured provider logs in against the sandbox built from the same configuration', async () => {
  const app = { THREADS_APP_ID: 'cfg-app', THREADS_APP_SECRET: 'cfg-secret' };
  const sb = await startSandbox({ ...sandboxOptionsFromConfig(loadConfig(app)), logLevel: 'silent' });
  // The API's configuration: only the sandbox's address differs (it listens on a free port here).
  const config = loadConfig({ ...app, SANDBOX_BASE_URL: sb.baseUrl });
  try {
    const threads = createProviderRegistry(config).get('threads');
    const redirectUri = 'http://127.0.0.1:3000/api/social/connect/threads/callback';
    const consent = await fetch(threads.oauth!.authorizeUrl({ state: 's', redirectUri }), { redirect: 'manual' });
    const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
    const tokens = await threads.oauth!.exchangeCode({ code, redirectUri });
    expect((await threads.oauth!.fetchProfiles(tokens))[0]!.displayName).toBe('sandbox_threads');
  } finally {
    await sb.close();
  }
});
