// What the app plugins decorate Fastify with, for the type checker. Imported for its side effect by app.ts.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { ProviderRegistry } from '../platforms/registry.js';
import type { LocalMediaStore } from '../storage/local-media-store.js';
import type { PostCommands } from '../temporal/post-commands.js';
import type { AuthenticatedUser } from './auth/api-keys.js';
import type { ApiMetrics } from './metrics.js';
import type { ApiKeyCache } from './auth/api-key-cache.js';
import type { IdempotentRequest } from './idempotency/idempotent-request.js';

export interface TemporalDeps {
  client: Client;
  postCommands: PostCommands;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    temporal: TemporalDeps;
    providers: ProviderRegistry;
    mediaStore: LocalMediaStore;
    metrics: ApiMetrics;
    /** Who each API key belongs to, briefly remembered (auth plugin). */
    apiKeys: ApiKeyCache;
  }
  interface FastifyRequest {
    /** The caller, set by the auth plugin on every API-key route (every route neither public nor admin). */
    user: AuthenticatedUser;
    /** Id of the API key the caller used; null on routes without API-key auth. */
    apiKeyId: string | null;
    /** The browser session's token when the caller authenticated with the session cookie; else null. */
    sessionToken: string | null;
    /** The request's Idempotency-Key and its claim, on routes that opt in and requests that carry one; else null. */
    idempotency: IdempotentRequest | null;
  }
  interface FastifyContextConfig {
    /**
     * The route needs no credentials (plugins/app/auth.ts): probes, docs, and routes that authenticate otherwise
     * (OAuth state, webhook or URL signatures). Every route without it is private.
     */
    public?: boolean;
    /**
     * Routes that create or act honour an Idempotency-Key (plugins/app/idempotency.ts). `true`: claimed before the
     * handler from the JSON request; `'streamed-body'`: the handler claims once it has read the streamed body.
     */
    idempotent?: true | 'streamed-body';
  }
}
