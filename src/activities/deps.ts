// What activities are built from. Constructed once per worker process (src/worker/main.ts) or per test.
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import type { TokenCrypto } from '../crypto/envelope.js';
import type { ProviderRegistry } from '../platforms/registry.js';
import type { LocalMediaStore } from '../storage/local-media-store.js';
import type { SignedMediaUrls } from '../storage/signed-media-urls.js';
import type { PostCommandOptions } from '../temporal/post-commands.js';

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
  /** STAGING_LEAD_SECONDS / STAGING_UPLOAD_BYTES_PER_SECOND; absent = their defaults. */
  staging?: StagingSettings;
  /**
   * How activities that schedule posts (the reconciler restarting a workflow) talk to them: the answer timeout and
   * the due-soon horizon from configuration, as the API uses; absent = their defaults.
   */
  postCommands?: PostCommandOptions;
}

export interface StagingSettings {
  /** 0 = staging off. */
  leadMs: number;
  uploadBytesPerSecond: number;
}

export const DEFAULT_STAGING: StagingSettings = { leadMs: 300_000, uploadBytesPerSecond: 2_000_000 };

export const stagingSettingsFromConfig = (c: { STAGING_LEAD_SECONDS: number; STAGING_UPLOAD_BYTES_PER_SECOND: number }): StagingSettings =>
  ({ leadMs: c.STAGING_LEAD_SECONDS * 1000, uploadBytesPerSecond: c.STAGING_UPLOAD_BYTES_PER_SECOND });

export const postCommandOptionsFromConfig = (c: { POST_WORKFLOW_ANSWER_TIMEOUT_SECONDS: number; DUE_SOON_HORIZON_MINUTES: number }): PostCommandOptions =>
  ({ answerTimeoutMs: c.POST_WORKFLOW_ANSWER_TIMEOUT_SECONDS * 1000, dueSoonHorizonMs: c.DUE_SOON_HORIZON_MINUTES * 60_000 });
