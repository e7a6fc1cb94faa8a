// Who is calling the testbed API. A bearer token is accepted when the sandbox issued it through OAuth (and it is
// neither expired nor revoked), or when it starts with `testbed-` and was never issued here: a "seeded" token that
// tests can put on an account directly, whose user id is the part after `testbed-` (token `testbed-acct-1` is user
// `acct-1`). Issued tokens that expired or were revoked are rejected, never treated as seeded.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { sendError } from '../../core/errors.js';
import type { FixedWindowRateLimiter } from '../../core/rate-limiter.js';
import type { TestbedStore } from './store.js';

export interface Caller {
  token: string;
  userId: string;
  displayName: string;
  /** Seeded tokens are not tied to a grant: any account id and every scope are allowed. */
  seeded: boolean;
  scopes: string[];
}

const SEEDED_PREFIX = 'testbed-';
export const ALL_SCOPES = ['profile', 'posts.write', 'insights.read'];

export function resolveCaller(store: TestbedStore, token: string, now = Date.now()): Caller | undefined {
  const issued = store.tokens.get(token);
  if (issued) {
    const grant = store.grants.get(issued.grantId);
    if (issued.kind !== 'access' || !grant || grant.revoked || issued.expiresAt <= now) return undefined;
    return { token, userId: grant.user.id, displayName: grant.user.displayName, seeded: false, scopes: grant.scope.split(' ') };
  }
  if (!token.startsWith(SEEDED_PREFIX) || token.length === SEEDED_PREFIX.length || store.revokedSeeded.has(token)) return undefined;
  const userId = token.slice(SEEDED_PREFIX.length);
  return { token, userId, displayName: `Testbed ${userId}`, seeded: true, scopes: ALL_SCOPES };
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

const callers = new WeakMap<FastifyRequest, Caller>();

export function callerOf(request: FastifyRequest): Caller {
  const c = callers.get(request);
  if (!c) throw new Error('route is missing the testbed authentication hook');
  return c;
}

/** preHandler for /v1 routes: 401 for a missing/invalid token, then 429 past the per-token limit. */
export function authenticate(store: TestbedStore, limiter: FixedWindowRateLimiter | undefined): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    const token = bearer(request);
    const caller = token ? resolveCaller(store, token) : undefined;
    if (!caller) {
      return sendError(reply, 401, 'access_token_invalid', token ? 'The access token is invalid, expired or revoked.' : 'Missing bearer access token.');
    }
    if (limiter) {
      const decision = limiter.take(caller.token);
      if (!decision.ok) {
        reply.header('retry-after', String(decision.retryAfterSeconds));
        return sendError(reply, 429, 'rate_limit_exceeded', 'Too many requests for this access token; retry later.');
      }
    }
    callers.set(request, caller);
  };
}
