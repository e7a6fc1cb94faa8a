// What activities are built from. Constructed once per worker process (src/worker/main.ts) or per test.
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import type { TokenCrypto } from '../crypto/envelope.js';
import type { ProviderRegistry } from '../platforms/registry.js';
import type { LocalMediaStore } from '../storage/local-media-store.js';
import type { SignedMediaUrls } from '../storage/signed-media-urls.js';

export interface ActivityDeps {
  database: Database;
  platforms: ProviderRegistry;
  crypto: TokenCrypto;
  mediaStore: LocalMediaStore;
  logger: Logger;
  /** For activities that message other workflows (webhook ingestion, asking an account workflow for a refresh). */
  temporalClient: Client;
  /** Signs public URLs of uploaded media (MEDIA_URL_SECRET); absent = uploads are never handed out by URL. */
  mediaUrls?: SignedMediaUrls;
}
