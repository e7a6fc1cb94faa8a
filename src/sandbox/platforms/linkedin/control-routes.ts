// Sandbox-only actions on the LinkedIn side: engagement on a post (what socialActions and the share statistics
// answer), time passing for tokens (to reach an access token's expiry, or revoke it as a member would), and
// LinkedIn sunsetting API versions (the active range of LinkedIn-Version; restored by the sandbox reset).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import type { ResolvedLinkedinSandboxOptions } from './options.js';
import type { LinkedinStore } from './store.js';

const count = z.number().int().min(0).default(0);
const engagementSchema = z.strictObject({ likes: count, comments: count, impressions: count, clicks: count, shares: count });
const tokensSchema = z.strictObject({
  /** Moves every access token's expiry to this many seconds from now. */
  expiresInSeconds: z.number().int().min(0).optional(),
  /** Revokes every access token (the member removed the app). */
  revoke: z.boolean().optional(),
});
const month = z.string().regex(/^\d{6}$/, 'must be YYYYMM');
const versionsSchema = z.strictObject({ oldestActiveVersion: month.optional(), newestVersion: month.optional() });

export function controlRoutes(store: LinkedinStore, options: ResolvedLinkedinSandboxOptions): FastifyPluginAsync {
  return async (app) => {
    app.put('/versions', async (request, reply) => {
      const body = parseOr400(versionsSchema, request.body, reply);
      if (!body) return reply;
      if (body.oldestActiveVersion) options.oldestActiveVersion = body.oldestActiveVersion;
      if (body.newestVersion) options.newestVersion = body.newestVersion;
      return { oldestActiveVersion: options.oldestActiveVersion, newestVersion: options.newestVersion };
    });

    app.post('/tokens', async (request, reply) => {
      const body = parseOr400(tokensSchema, request.body ?? {}, reply);
      if (!body) return reply;
      for (const t of store.tokens.values()) {
        if (body.expiresInSeconds !== undefined) t.expiresAt = Date.now() + body.expiresInSeconds * 1000;
        if (body.revoke) t.revoked = true;
      }
      return { tokens: store.tokens.size };
    });

    app.put('/posts/:urn/engagement', async (request, reply) => {
      const { urn } = request.params as { urn: string };
      const body = parseOr400(engagementSchema, request.body, reply);
      if (!body) return reply;
      if (!store.posts.has(urn)) return sendError(reply, 404, 'not_found', `no post ${urn}`);
      store.engagement.set(urn, body);
      return { urn, ...body };
    });
  };
}
