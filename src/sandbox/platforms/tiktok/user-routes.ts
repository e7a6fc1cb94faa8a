// GET /v2/user/info/?fields=<comma list> (§1.6): the user object under `data.user`, only the requested fields,
// each needing its scope. A field whose scope was not granted answers the configured error
// (scope_permission_missed 400 by default, UNCONFIRMED which one TikTok uses); an unknown field is invalid_params.
import type { FastifyPluginAsync } from 'fastify';
import { authenticate, callerOf } from './auth.js';
import { invalidParams, sendApiError, sendData } from './envelope.js';
import type { ResolvedTiktokOptions, TiktokSandboxUser } from './options.js';
import type { SlidingWindowLimiter } from './sliding-window.js';
import type { TiktokStore } from './store.js';

const fieldScopes: Record<string, string> = {
  open_id: 'user.info.basic',
  union_id: 'user.info.basic',
  avatar_url: 'user.info.basic',
  avatar_url_100: 'user.info.basic',
  avatar_large_url: 'user.info.basic',
  display_name: 'user.info.basic',
  bio_description: 'user.info.profile',
  profile_deep_link: 'user.info.profile',
  is_verified: 'user.info.profile',
  username: 'user.info.profile',
  follower_count: 'user.info.stats',
  following_count: 'user.info.stats',
  likes_count: 'user.info.stats',
  video_count: 'user.info.stats',
};

function fieldValue(u: TiktokSandboxUser, field: string): unknown {
  switch (field) {
    case 'open_id': return u.openId;
    case 'union_id': return u.unionId ?? u.openId;
    case 'avatar_url':
    case 'avatar_url_100':
    case 'avatar_large_url': return u.avatarUrl ?? '';
    case 'display_name': return u.displayName;
    case 'bio_description': return u.bioDescription ?? '';
    case 'profile_deep_link': return `https://vm.tiktok.com/sandbox/${encodeURIComponent(u.username)}`;
    case 'is_verified': return u.isVerified ?? false;
    case 'username': return u.username;
    case 'follower_count': return u.followerCount ?? 0;
    case 'following_count': return u.followingCount ?? 0;
    case 'likes_count': return u.likesCount ?? 0;
    case 'video_count': return u.videoCount ?? 0;
    default: return undefined;
  }
}

export function userRoutes(store: TiktokStore, options: ResolvedTiktokOptions, limiter: SlidingWindowLimiter): FastifyPluginAsync {
  return async (app) => {
    app.get('/v2/user/info/', { preHandler: authenticate(store, limiter) }, async (request, reply) => {
      const caller = callerOf(request);
      const raw = (request.query as Record<string, string | undefined>).fields;
      const fields = (raw ?? '').split(',').map((f) => f.trim()).filter(Boolean);
      if (fields.length === 0) return invalidParams(reply, 'fields is required (comma-separated list of user fields).');
      const unknown = fields.filter((f) => !(f in fieldScopes));
      if (unknown.length > 0) return invalidParams(reply, `Unknown fields: ${unknown.join(',')}.`);
      const missing = [...new Set(fields.map((f) => fieldScopes[f]!).filter((s) => !caller.grant.scopes.includes(s)))];
      if (missing.length > 0) {
        const code = options.userInfoMissingScopeError;
        return sendApiError(reply, code === 'scope_permission_missed' ? 400 : 401, code,
          `Some requested fields need scopes the user did not grant: ${missing.join(',')}.`);
      }
      const user: Record<string, unknown> = {};
      for (const f of fields) user[f] = fieldValue(caller.user, f);
      return sendData(reply, { user });
    });
  };
}
