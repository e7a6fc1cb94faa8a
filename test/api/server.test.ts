// startApi: listening over real HTTP, with the caller's dependencies or with its own (closed by close()).
import { describe, expect, inject, test } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startApi } from '../../src/api/server.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { ProviderRegistry } from '../../src/platforms/registry.js';
import { LocalMediaStore } from '../../src/storage/local-media-store.js';
import { PostCommands } from '../../src/temporal/post-commands.js';

const env = (extra: Record<string, string> = {}) => loadConfig({
  LOG_LEVEL: 'silent', API_PORT: '0', DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), ...extra,
});

describe('startApi', () => {
  test('with its own dependencies: serves HTTP, and close() releases everything', async () => {
    const mediaDir = await mkdtemp(join(tmpdir(), 'herald-server-'));
    const api = await startApi(env({ MEDIA_DIR: mediaDir }), { logger: false });
    try {
      expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ready = await fetch(`${api.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok' });
      const docs = await fetch(`${api.url}/docs/json`);
      expect(((await docs.json()) as { info: { title: string } }).info.title).toBe('Herald');
    } finally {
      await api.close();
      await rm(mediaDir, { recursive: true, force: true });
    }
    await expect(fetch(`${api.url}/health`)).rejects.toThrow('fetch failed');
  });

  test('with the caller\'s dependencies, which close() leaves open', async () => {
    const database = createDatabase(inject('databaseUrl'), { max: 2 });
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection });
    const mediaDir = await mkdtemp(join(tmpdir(), 'herald-server-'));
    const api = await startApi(env(), {
      database, temporal: { client, postCommands: new PostCommands(client, 'q') },
      providers: new ProviderRegistry([]), mediaStore: new LocalMediaStore(mediaDir), logger: false,
    });
    const res = await fetch(`${api.url}/api/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    await api.close();
    expect(await database.sql`select 1 as one`).toEqual([{ one: 1 }]);
    await database.close();
    await connection.close();
    await rm(mediaDir, { recursive: true, force: true });
  });

  test('without DATABASE_URL it refuses to start, saying why', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', API_PORT: '0', TEMPORAL_ADDRESS: inject('temporalAddress') });
    await expect(startApi(config, { logger: false })).rejects.toThrow(/DATABASE_URL is required/);
  });
});
