// Builds the Herald API (the fastify/demo layout): external plugins (security headers, rate limit, load shedding,
// multipart, OpenAPI), then app plugins that decorate the instance (dependencies, auth, metrics, the error
// handler), then one plugin per resource under routes/. Building does no I/O; the caller owns every dependency
// and closes it after `app.close()`.
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { loggerOptions } from '../logger.js';
import type { ProviderRegistry } from '../platforms/registry.js';
import type { LocalMediaStore } from '../storage/local-media-store.js';
import type { TemporalDeps } from './types.js';
import { zodValidatorCompiler } from './validation/validator-compiler.js';

import cors from './plugins/external/cors.js';
import helmet from './plugins/external/helmet.js';
import cookie from './plugins/external/cookie.js';
import multipart from './plugins/external/multipart.js';
import rateLimit from './plugins/external/rate-limit.js';
import swagger from './plugins/external/swagger.js';
import underPressure from './plugins/external/under-pressure.js';

import auth from './plugins/app/auth.js';
import database from './plugins/app/database.js';
import errorHandler, { clientErrorReply, frameworkErrorReply } from './plugins/app/error-handler.js';
import idempotency from './plugins/app/idempotency.js';
import mediaStore from './plugins/app/media-store.js';
import metrics from './plugins/app/metrics.js';
import platforms from './plugins/app/platforms.js';
import requestText from './plugins/app/request-text.js';
import temporal from './plugins/app/temporal.js';

import adminUserRoutes from './routes/admin/users.js';
import healthRoutes from './routes/health/index.js';
import meRoutes from './routes/me/index.js';
import sessionRoutes from './routes/session/index.js';
import metricsRoutes from './routes/metrics/index.js';
import accountRoutes from './routes/social/accounts/index.js';
import platformRoutes from './routes/social/platforms/index.js';
import commentRoutes from './routes/social/comments/index.js';
import connectRoutes from './routes/social/connect/index.js';
import mediaRoutes from './routes/social/media/index.js';
import postRoutes from './routes/social/posts/index.js';
import statsRoutes from './routes/social/stats/index.js';
import insightsRoutes from './routes/social/insights/index.js';
import suggestRoutes from './routes/social/suggest/index.js';
import webhookRoutes from './routes/webhooks/index.js';
import publicMediaRoutes from './routes/public-media/index.js';
import dashboardRoutes from './routes/dashboard/index.js';
import mcpRoutes from './routes/mcp/index.js';
import generateRoutes from './routes/social/generate/index.js';
import analyzeRoutes from './routes/social/analyze/index.js';

export interface AppDeps {
  config: Config;
  database: Database;
  temporal: TemporalDeps;
  providers: ProviderRegistry;
  mediaStore: LocalMediaStore;
  /** Fastify logger option; defaults to the shared pino options (with secret redaction) at LOG_LEVEL. */
  logger?: boolean | object;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.LOG_LEVEL, 'api'),
    // 1 MiB of JSON is far more than a post; uploads are multipart streams and not bound by this.
    bodyLimit: 1024 * 1024,
    // Errors raised before a route runs answer in the API's error shape too.
    frameworkErrors: frameworkErrorReply,
    clientErrorHandler: clientErrorReply,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', deps.config);

  // Dependencies first: external plugins below read config, and auth reads the database.
  await app.register(database, { database: deps.database });
  await app.register(temporal, { temporal: deps.temporal });
  await app.register(platforms, { providers: deps.providers });
  await app.register(mediaStore, { mediaStore: deps.mediaStore });
  await app.register(errorHandler);
  await app.register(requestText);
  // Before the routes and the OpenAPI plugin: it adds the Idempotency-Key header to the routes that opt in.
  await app.register(idempotency);

  await app.register(helmet);
  await app.register(cors);
  await app.register(underPressure);
  await app.register(multipart);
  await app.register(swagger);
  await app.register(cookie);
  await app.register(auth);
  // After auth (a global onRequest hook), so the per-route limit can key on the caller's API key.
  await app.register(rateLimit);
  await app.register(metrics);

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(adminUserRoutes);
  await app.register(meRoutes);
  await app.register(sessionRoutes);
  await app.register(platformRoutes);
  await app.register(accountRoutes);
  await app.register(connectRoutes);
  await app.register(mediaRoutes);
  await app.register(postRoutes);
  await app.register(commentRoutes);
  await app.register(statsRoutes);
  await app.register(insightsRoutes);
  await app.register(suggestRoutes);
  await app.register(generateRoutes);
  await app.register(analyzeRoutes);
  await app.register(webhookRoutes);
  await app.register(publicMediaRoutes);
  await app.register(dashboardRoutes);
  // MCP server for AI agents: its tools call the routes above in-process.
  await app.register(mcpRoutes);

  return app;
}
