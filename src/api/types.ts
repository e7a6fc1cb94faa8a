// What the app plugins decorate Fastify with, for the type checker. Imported for its side effect by app.ts.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { ProviderRegistry } from '../platforms/registry.js';
import type { LocalMediaStore } from '../storage/local-media-store.js';
import type { PostCommands } from '../temporal/post-commands.js';
import type { AuthenticatedUser } from './auth/api-keys.js';
import type { ApiMetrics } from './metrics.js';

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
  }
  interface FastifyRequest {
    /** The caller, set by the auth plugin on every API-key route (every route neither public nor admin). */
    user: AuthenticatedUser;
    /** Id of the API key the caller used; null on routes without API-key auth. */
    apiKeyId: string | null;
  }
  interface FastifyContextConfig {
    /**
     * The route needs no credentials (plugins/app/auth.ts): probes, docs, and routes that authenticate otherwise
     * (OAuth state, webhook or URL signatures). Every route without it is private.
     */
    public?: boolean;
  }
}
