// Sandbox-only actions on the YouTube side: time passing for access tokens and for a Testing app's refresh tokens
// (to reach their expiry), upload sessions expiring (finished ones too: their URI then answers 404), what the next uploads' processing ends in (failed / rejected
// with a reason), a video's statistics, the project's quota use of the day, and the channel's subscribers.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import type { ResolvedYoutubeSandboxOptions } from './options.js';
import type { YoutubeStore } from './store.js';

const tokensSchema = z.strictObject({ accessExpiresInSeconds: z.number().int().min(0).optional(), refreshExpiresInSeconds: z.number().int().min(0).optional() });
const FAILURE_REASONS = ['codec', 'conversion', 'emptyFile', 'invalidFile', 'tooSmall', 'uploadAborted'] as const;
const REJECTION_REASONS = ['claim', 'copyright', 'duplicate', 'inappropriate', 'length', 'termsOfUse', 'trademark', 'uploaderAccountClosed', 'uploaderAccountSuspended'] as const;
const outcomeSchema = z.discriminatedUnion('uploadStatus', [
  z.strictObject({ uploadStatus: z.literal('failed'), failureReason: z.enum(FAILURE_REASONS), titleIncludes: z.string().min(1).optional() }),
  z.strictObject({ uploadStatus: z.literal('rejected'), rejectionReason: z.enum(REJECTION_REASONS), titleIncludes: z.string().min(1).optional() }),
]);
const statisticsSchema = z.partialRecord(z.enum(['viewCount', 'likeCount', 'commentCount', 'favoriteCount']), z.number().int().min(0));
const quotaSchema = z.strictObject({ units: z.number().int().min(0).optional(), uploads: z.number().int().min(0).optional() });
const channelSchema = z.strictObject({ subscriberCount: z.number().int().min(0) });

export function controlRoutes(store: YoutubeStore, options: ResolvedYoutubeSandboxOptions): FastifyPluginAsync {
  return async (app) => {
    app.post('/tokens', async (request, reply) => {
      const body = parseOr400(tokensSchema, request.body, reply);
      if (!body) return reply;
      for (const g of store.grants.values()) {
        if (body.accessExpiresInSeconds !== undefined) g.accessExpiresAt = Date.now() + body.accessExpiresInSeconds * 1000;
        if (body.refreshExpiresInSeconds !== undefined && g.refreshToken) g.refreshExpiresAt = Date.now() + body.refreshExpiresInSeconds * 1000;
      }
      return { grants: store.grants.size };
    });

    app.post('/sessions/expire', async () => {
      let expired = 0;
      for (const s of store.sessions.values()) {
        if (s.expiresAt <= Date.now()) continue;
        s.expiresAt = Date.now();
        expired += 1;
      }
      return { expired };
    });

    app.post('/processing-outcomes', async (request, reply) => {
      const body = parseOr400(outcomeSchema, request.body, reply);
      if (!body) return reply;
      store.outcomes.push({
        uploadStatus: body.uploadStatus, reason: body.uploadStatus === 'failed' ? body.failureReason : body.rejectionReason,
        ...(body.titleIncludes ? { titleIncludes: body.titleIncludes } : {}),
      });
      return reply.code(201).send({ queued: store.outcomes.length });
    });

    app.put('/videos/:id/statistics', async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = parseOr400(statisticsSchema, request.body, reply);
      if (!body) return reply;
      const v = store.videos.get(id);
      if (!v) return sendError(reply, 404, 'not_found', `no video ${id}`);
      Object.assign(v.statistics, body);
      return { id, statistics: v.statistics };
    });

    app.put('/quota', async (request, reply) => {
      const body = parseOr400(quotaSchema, request.body, reply);
      if (!body) return reply;
      store.charge('channels.list'); // rolls the day over first, so the values set are today's
      store.quota.units = body.units ?? store.quota.units;
      store.quota.uploads = body.uploads ?? store.quota.uploads;
      return { units: store.quota.units, uploads: store.quota.uploads };
    });

    app.put('/channel', async (request, reply) => {
      const body = parseOr400(channelSchema, request.body, reply);
      if (!body) return reply;
      options.channel = { ...options.channel, subscriberCount: body.subscriberCount };
      return { subscriberCount: body.subscriberCount };
    });
  };
}
