// Sandbox-only actions on the X side: time passing for access tokens (to reach expiry), public metrics of a post,
// a video whose processing ends in `failed`, how far the user's timeline lags behind new posts, and the plan's
// monthly post cap.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import type { ResolvedXSandboxOptions } from './options.js';
import type { XStore } from './store.js';

const tokensSchema = z.strictObject({ expiresInSeconds: z.number().int().min(0) });
const capSchema = z.strictObject({ monthlyPostCap: z.number().int().min(0).nullable() });
const timelineSchema = z.strictObject({ lagMs: z.number().int().min(0).max(3_600_000) });
const metricsSchema = z.partialRecord(z.enum(['retweet_count', 'reply_count', 'like_count', 'quote_count', 'bookmark_count', 'impression_count']), z.number().int().min(0));

export function controlRoutes(store: XStore, options: ResolvedXSandboxOptions): FastifyPluginAsync {
  return async (app) => {
    app.put('/monthly-cap', async (request, reply) => {
      const body = parseOr400(capSchema, request.body, reply);
      if (!body) return reply;
      options.monthlyPostCap = body.monthlyPostCap ?? undefined;
      return { monthlyPostCap: body.monthlyPostCap };
    });

    app.put('/timeline-lag', async (request, reply) => {
      const body = parseOr400(timelineSchema, request.body, reply);
      if (!body) return reply;
      options.timelineLagMs = body.lagMs;
      return { lagMs: options.timelineLagMs };
    });

    app.post('/tokens', async (request, reply) => {
      const body = parseOr400(tokensSchema, request.body, reply);
      if (!body) return reply;
      for (const g of store.grants.values()) g.accessExpiresAt = Date.now() + body.expiresInSeconds * 1000;
      return { grants: store.grants.size };
    });

    app.put('/posts/:id/metrics', async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = parseOr400(metricsSchema, request.body, reply);
      if (!body) return reply;
      if (!store.posts.has(id)) return sendError(reply, 404, 'not_found', `no post ${id}`);
      store.metrics.set(id, body);
      return { id, metrics: body };
    });

    app.post('/media/:id/fail', async (request, reply) => {
      const m = store.media.get((request.params as { id: string }).id);
      if (!m) return sendError(reply, 404, 'not_found', 'no such media');
      m.failed = true;
      return { id: m.id };
    });
  };
}
