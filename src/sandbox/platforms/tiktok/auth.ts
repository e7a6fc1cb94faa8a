// Who is calling a TikTok data API: `Authorization: Bearer act.…`, an access token this sandbox issued that is
// neither expired nor revoked (401 access_token_invalid otherwise). Per-token limits are applied after that
// (429 rate_limit_exceeded, no Retry-After: none is documented). Scope checks are per route, since some depend on
// the body (photo posts need video.publish or video.upload by post_mode).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { sendApiError } from './envelope.js';
import type { TiktokSandboxUser } from './options.js';
import type { SlidingWindowLimiter } from './sliding-window.js';
import type { Grant, TiktokStore } from './store.js';

export interface Caller {
  token: string;
  grant: Grant;
  user: TiktokSandboxUser;
}

const callers = new WeakMap<FastifyRequest, Caller>();

export function callerOf(request: FastifyRequest): Caller {
  const c = callers.get(request);
  if (!c) throw new Error('route is missing the TikTok authentication hook');
  return c;
}

export function resolveCaller(store: TiktokStore, token: string, now = Date.now()): Caller | undefined {
  const issued = store.tokens.get(token);
  if (!issued || issued.kind !== 'access' || issued.expiresAt <= now) return undefined;
  const grant = store.grants.get(issued.grantId);
  const user = grant ? store.users.get(grant.openId) : undefined;
  if (!grant || grant.revoked || !user) return undefined;
  return { token, grant, user };
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/** preHandler: a valid user access token, then the route's per-token limit. */
export function authenticate(store: TiktokStore, limiter?: SlidingWindowLimiter): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    const token = bearer(request);
    const caller = token ? resolveCaller(store, token) : undefined;
    if (!caller) {
      return sendApiError(reply, 401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
    }
    if (limiter && !limiter.take(caller.token)) {
      return sendApiError(reply, 429, 'rate_limit_exceeded', 'API rate limit was exceeded for this access token; retry later.');
    }
    callers.set(request, caller);
  };
}

/** 401 scope_not_authorized unless the grant holds one of `anyOf`; answers whether the caller may go on. */
export function requireScope(caller: Caller, reply: FastifyReply, anyOf: string[]): boolean {
  if (anyOf.some((s) => caller.grant.scopes.includes(s))) return true;
  sendApiError(reply, 401, 'scope_not_authorized', `The user did not authorize the scope required: ${anyOf.join(' or ')}.`);
  return false;
}
