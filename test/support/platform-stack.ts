// The stack most end-to-end suites run on: an in-process platform sandbox, providers pointed at it, Herald's API
// (with a key ring, so accounts can connect) and a worker on the API's task queue sharing its key ring. One call
// to start, one to stop, in the right order.
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { TokenCrypto } from '../../src/crypto/envelope.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import type { SandboxOptions } from '../../src/sandbox/app.js';
import { LocalMediaStore } from '../../src/storage/local-media-store.js';
import { SignedMediaUrls } from '../../src/storage/signed-media-urls.js';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loggerOptions } from '../../src/logger.js';
import { createTestApi, type TestApi } from '../api/support/test-api.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { testDeps } from './fixtures.js';
import { startTestWorker, type TestWorker } from './test-worker.js';

export interface PlatformStack {
  sandbox: RunningSandbox;
  api: TestApi;
  worker: TestWorker;
  deps: ReturnType<typeof testDeps>;
  close(): Promise<void>;
}

export interface PlatformStackOptions {
  sandbox: SandboxOptions;
  /** Built twice (API and worker each get their own instances), from the sandbox's base URL. */
  providers: (sandboxBaseUrl: string) => PlatformProvider[];
  /** Extra API settings (TOKEN_KEYS and a loopback PUBLIC_BASE_URL are set already). */
  env?: Record<string, string> | ((sandboxBaseUrl: string) => Record<string, string>);
  /** The worker reads the files the API stored (for suites that upload media). */
  shareMedia?: boolean;
  /**
   * Serve uploads at signed URLs (MEDIA_URL_SECRET): the API listens on a real port the sandbox can fetch from, and
   * the worker signs URLs of it. Implies shareMedia.
   */
  servePublicMedia?: boolean;
  shutdownGraceTime?: string;
  /** The worker's staging lead (STAGING_LEAD_SECONDS and the upload allowance), e.g. a few seconds for staging suites. */
  staging?: { leadMs: number; uploadBytesPerSecond: number };
  /** Collects every log line of the API and the worker (at info), for suites proving a secret never reaches them. */
  logLines?: string[];
}

/** Puts the API on a loopback port; answers its base URL. */
async function listen(api: TestApi): Promise<string> {
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
}

export async function startPlatformStack(o: PlatformStackOptions): Promise<PlatformStack> {
  const sandbox = await startSandbox(o.sandbox);
  const mediaUrlSecret = o.servePublicMedia ? randomBytes(32).toString('hex') : undefined;
  const api = await createTestApi({
    // Platforms accept http redirect URIs on loopback hosts only.
    env: {
      TOKEN_KEYS: `t1:${randomBytes(32).toString('base64')}`, PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
      ...(mediaUrlSecret ? { MEDIA_URL_SECRET: mediaUrlSecret } : {}),
      ...(typeof o.env === 'function' ? o.env(sandbox.baseUrl) : o.env),
    },
    providers: o.providers(sandbox.baseUrl),
    ...(o.logLines ? { logStream: { write: (line: string) => { o.logLines!.push(line); } } } : {}),
  });
  const deps = {
    ...testDeps(inject('databaseUrl'), o.providers(sandbox.baseUrl)),
    crypto: new TokenCrypto(KeyRing.fromConfig(api.config)),
    ...(o.staging ? { staging: o.staging } : {}),
    ...(o.logLines ? { logger: pino(loggerOptions('info', 'worker'), { write: (line: string) => { o.logLines!.push(line); } }) } : {}),
    ...(o.shareMedia || o.servePublicMedia ? { mediaStore: new LocalMediaStore(api.mediaDir) } : {}),
    ...(mediaUrlSecret ? { mediaUrls: new SignedMediaUrls({ baseUrl: await listen(api), secret: mediaUrlSecret, ttlSeconds: 3600 }) } : {}),
  };
  const worker = await startTestWorker(deps, { taskQueue: api.taskQueue, ...(o.shutdownGraceTime ? { shutdownGraceTime: o.shutdownGraceTime } : {}) });
  return {
    sandbox, api, worker, deps,
    close: async () => {
      await worker.close();
      await deps.database.close();
      await api.close();
      await sandbox.close();
    },
  };
}
