// Sandbox-only actions on the Bluesky side: time passing for the session JWTs (to reach ExpiredToken), likes,
// reposts, replies and quotes of a post, an account's followers, and the accounts' app passwords (a user revoking
// the app password Herald holds). Changes last until POST /__sandbox/reset.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import type { ResolvedBlueskySandboxOptions } from './options.js';
import type { BlueskyStore } from './store.js';

const expireSchema = z.strictObject({
  accessExpiresInSeconds: z.number().int().min(0).optional(),
  refreshExpiresInSeconds: z.number().int().min(0).optional(),
});
const engagementSchema = z.strictObject({
  uri: z.string().startsWith('at://'),
  likeCount: z.number().int().min(0).optional(),
  repostCount: z.number().int().min(0).optional(),
  replyCount: z.number().int().min(0).optional(),
  quoteCount: z.number().int().min(0).optional(),
});
const passwordSchema = z.strictObject({ handle: z.string().min(1), appPassword: z.string().min(1) });
const followersSchema = z.strictObject({ handle: z.string().min(1), followersCount: z.number().int().min(0) });

export function controlRoutes(store: BlueskyStore, options: ResolvedBlueskySandboxOptions): FastifyPluginAsync {
  return async (app) => {
    app.post('/sessions/expire', async (request, reply) => {
      const body = parseOr400(expireSchema, request.body ?? {}, reply);
      if (!body) return reply;
      const now = Date.now();
      for (const s of store.sessions.values()) {
        if (body.accessExpiresInSeconds !== undefined) s.accessExpiresAt = now + body.accessExpiresInSeconds * 1000;
        if (body.refreshExpiresInSeconds !== undefined) s.refreshExpiresAt = now + body.refreshExpiresInSeconds * 1000;
      }
      return { sessions: store.sessions.size };
    });

    app.put('/engagement', async (request, reply) => {
      const body = parseOr400(engagementSchema, request.body, reply);
      if (!body) return reply;
      if (!store.records.has(body.uri)) return sendError(reply, 404, 'not_found', `no record ${body.uri}`);
      const { uri, ...counts } = body;
      store.engagement.set(uri, counts);
      return body;
    });

    app.put('/app-password', async (request, reply) => {
      const body = parseOr400(passwordSchema, request.body, reply);
      if (!body) return reply;
      const account = store.account(body.handle);
      if (!account) return sendError(reply, 404, 'not_found', `no account ${body.handle}`);
      store.appPasswords.set(account.did, body.appPassword);
      return { handle: account.handle };
    });

    app.put('/followers', async (request, reply) => {
      const body = parseOr400(followersSchema, request.body, reply);
      if (!body) return reply;
      const account = store.account(body.handle);
      if (!account) return sendError(reply, 404, 'not_found', `no account ${body.handle}`);
      store.followers.set(account.did, body.followersCount);
      return { handle: account.handle, followersCount: body.followersCount };
    });

    app.get('/accounts', async () => ({ data: options.accounts.map((a) => ({ did: a.did, handle: a.handle, displayName: a.displayName ?? null })) }));
  };
}
