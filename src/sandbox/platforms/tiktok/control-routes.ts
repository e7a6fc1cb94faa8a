// Sandbox-only actions for demos and tests, mounted by the frame under /__sandbox/tiktok: things that happen on
// TikTok's side without an API call from the app (the creator finishing a draft, removing the app, moderation
// taking a post down) plus shortcuts (minting a grant without the browser, arming failures, editing a user).
//   POST  /inbox/:publishId/complete      { privacyLevel? }  the creator posts the draft -> PUBLISH_COMPLETE
//   POST  /users/:openId/deauthorize      { reason? }        the creator removes the app -> authorization.removed
//   PATCH /users/:openId                  user fields        creates or edits a user (privacy, posting block, ...)
//   POST  /tokens                         { openId?, scopes? } a grant with tokens, as the OAuth flow would issue
//   POST  /publishes/:publishId/fail      { reason? }        fails a publish now -> FAILED + post.publish.failed
//   POST  /publishes/:publishId/take-down                    a public post stops being public
//   POST  /failures                       { reason?, count? } the next `count` publishes fail with `reason`
// Errors use the frame's control-API shape (400 invalid_request, 404 not_found, 409 conflict).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import type { PublishLifecycle } from './lifecycle.js';
import { endGrants } from './oauth-routes.js';
import { ALL_SCOPES, type ResolvedTiktokOptions, type TiktokSandboxUser } from './options.js';
import { newSecret, type TiktokStore } from './store.js';
import type { TiktokWebhooks } from './webhook.js';

const privacyLevel = z.enum(['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY']);
const failReason = z.string().regex(/^[a-z0-9_]{1,64}$/, 'a fail_reason such as internal or spam_risk_text');

const userPatch = z.object({
  displayName: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  avatarUrl: z.url().optional(),
  privateAccount: z.boolean().optional(),
  commentDisabled: z.boolean().optional(),
  duetDisabled: z.boolean().optional(),
  stitchDisabled: z.boolean().optional(),
  maxVideoPostDurationSec: z.number().int().positive().optional(),
  followerCount: z.number().int().min(0).optional(),
  postingBlock: z.enum(['spam_risk_too_many_posts', 'spam_risk_user_banned_from_posting', 'reached_active_user_cap']).nullable().optional(),
}).strict();

export function controlRoutes(
  store: TiktokStore, options: ResolvedTiktokOptions, lifecycle: PublishLifecycle, webhooks: TiktokWebhooks,
): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { publishId: string } }>('/inbox/:publishId/complete', async (request, reply) => {
      const body = parseOr400(z.object({ privacyLevel: privacyLevel.default('PUBLIC_TO_EVERYONE') }), request.body ?? {}, reply);
      if (!body) return reply;
      const p = store.publishes.get(request.params.publishId);
      if (!p || p.mode !== 'inbox') return sendError(reply, 404, 'not_found', `no inbox share ${request.params.publishId}`);
      if (p.status !== 'SEND_TO_USER_INBOX') return sendError(reply, 409, 'conflict', `share is ${p.status}, not SEND_TO_USER_INBOX`);
      lifecycle.complete(p, body.privacyLevel);
      return { publish_id: p.id, status: p.status, post_ids: p.postIds };
    });

    app.post<{ Params: { openId: string } }>('/users/:openId/deauthorize', async (request, reply) => {
      const body = parseOr400(z.object({ reason: z.number().int().min(0).max(5).default(1) }), request.body ?? {}, reply);
      if (!body) return reply;
      const { openId } = request.params;
      if (!store.users.has(openId)) return sendError(reply, 404, 'not_found', `no user ${openId}`);
      const ended = endGrants(lifecycle, webhooks, openId, [...store.grants.values()], body.reason);
      return { open_id: openId, grants_ended: ended };
    });

    app.patch<{ Params: { openId: string } }>('/users/:openId', async (request, reply) => {
      const patch = parseOr400(userPatch, request.body ?? {}, reply);
      if (!patch) return reply;
      const { openId } = request.params;
      const current: TiktokSandboxUser = store.users.get(openId) ?? { openId, displayName: `Creator ${openId}`, username: `creator.${openId.slice(0, 8)}` };
      const { postingBlock, ...rest } = patch;
      const next: TiktokSandboxUser = { ...current, ...rest };
      if (postingBlock === null) delete next.postingBlock;
      else if (postingBlock !== undefined) next.postingBlock = postingBlock;
      store.users.set(openId, next);
      return next;
    });

    app.post('/tokens', async (request, reply) => {
      const body = parseOr400(z.object({
        openId: z.string().min(1).optional(),
        scopes: z.array(z.enum(ALL_SCOPES as [string, ...string[]])).min(1).default(['user.info.basic', 'video.upload', 'video.publish']),
      }), request.body ?? {}, reply);
      if (!body) return reply;
      const user = body.openId ? store.users.get(body.openId) : store.defaultUser();
      if (!user) return sendError(reply, 404, 'not_found', `no user ${body.openId}`);
      const now = Date.now();
      const grant = store.newGrant(user.openId, body.scopes, now);
      const accessToken = `act.${newSecret(36)}`;
      const refreshToken = `rft.${newSecret(36)}`;
      store.tokens.set(accessToken, { kind: 'access', grantId: grant.id, expiresAt: now + options.accessTokenTtlSeconds * 1000, retired: false });
      store.tokens.set(refreshToken, { kind: 'refresh', grantId: grant.id, expiresAt: grant.refreshDeadline, retired: false });
      return { open_id: user.openId, access_token: accessToken, refresh_token: refreshToken, expires_in: options.accessTokenTtlSeconds, scope: body.scopes.join(',') };
    });

    app.post<{ Params: { publishId: string } }>('/publishes/:publishId/fail', async (request, reply) => {
      const body = parseOr400(z.object({ reason: failReason.default(options.failReason) }), request.body ?? {}, reply);
      if (!body) return reply;
      const p = store.publishes.get(request.params.publishId);
      if (!p) return sendError(reply, 404, 'not_found', `no publish ${request.params.publishId}`);
      if (p.status === 'PUBLISH_COMPLETE' || p.status === 'FAILED') return sendError(reply, 409, 'conflict', `publish is already ${p.status}`);
      lifecycle.fail(p, body.reason);
      return { publish_id: p.id, status: p.status, fail_reason: p.failReason };
    });

    app.post<{ Params: { publishId: string } }>('/publishes/:publishId/take-down', async (request, reply) => {
      const p = store.publishes.get(request.params.publishId);
      if (!p) return sendError(reply, 404, 'not_found', `no publish ${request.params.publishId}`);
      if (p.postIds.length === 0) return sendError(reply, 409, 'conflict', 'publish has no public post');
      lifecycle.takeDown(p);
      return { publish_id: p.id, post_ids: p.postIds };
    });

    app.post('/failures', async (request, reply) => {
      const body = parseOr400(z.object({ reason: failReason.default(options.failReason), count: z.number().int().min(1).max(100).default(1) }), request.body ?? {}, reply);
      if (!body) return reply;
      lifecycle.armFailures(body.reason, body.count);
      return reply.code(201).send({ reason: body.reason, count: body.count });
    });
  };
}
