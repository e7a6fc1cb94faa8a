// XRPC answers of the simulated PDS: errors as `{ error, message }` (400 InvalidRequest | ExpiredToken | InvalidToken,
// 401 AuthMissing, 429 RateLimitExceeded), the rate-limit headers, and who is calling: a Bearer access JWT this PDS
// issued (missing → 401 AuthMissing, unknown → 400 InvalidToken, past its exp → 400 ExpiredToken).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedBlueskySandboxOptions } from './options.js';
import type { BlueskyStore, Session } from './store.js';

export function sendXrpcError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message });
}

export const invalidRequest = (reply: FastifyReply, message: string) => sendXrpcError(reply, 400, 'InvalidRequest', message);

export function bearer(request: FastifyRequest): string | undefined {
  return /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

export function setRateHeaders(reply: FastifyReply, o: ResolvedBlueskySandboxOptions, limit: number, remaining: number, resetAt: number, windowSeconds: number): void {
  const h = o.rateLimitHeaders;
  reply.header(h.limit, String(limit));
  reply.header(h.remaining, String(remaining));
  reply.header(h.reset, String(Math.ceil(resetAt / 1000)));
  reply.header(h.policy, `${limit};w=${windowSeconds}`);
}

/** Spends against each window in turn; the first that does not fit answers 429 with its headers. */
export function spendOr429(
  store: BlueskyStore, o: ResolvedBlueskySandboxOptions, reply: FastifyReply, cost: number,
  windows: { key: string; limit: number; windowSeconds: number }[],
): boolean {
  // The headers describe the window closest to its limit.
  let tightest: { limit: number; remaining: number; resetAt: number; windowSeconds: number } | undefined;
  for (const w of windows) {
    const r = store.spend(w.key, cost, w.limit, w.windowSeconds * 1000);
    if (!r.ok) {
      setRateHeaders(reply, o, w.limit, r.remaining, r.resetAt, w.windowSeconds);
      sendXrpcError(reply, 429, 'RateLimitExceeded', 'Rate Limit Exceeded');
      return false;
    }
    if (!tightest || r.remaining < tightest.remaining) tightest = { limit: w.limit, remaining: r.remaining, resetAt: r.resetAt, windowSeconds: w.windowSeconds };
  }
  if (tightest) setRateHeaders(reply, o, tightest.limit, tightest.remaining, tightest.resetAt, tightest.windowSeconds);
  return true;
}

export function authenticate(store: BlueskyStore, request: FastifyRequest, reply: FastifyReply): Session | undefined {
  const token = bearer(request);
  if (!token) {
    sendXrpcError(reply, 401, 'AuthMissing', 'Authentication Required');
    return undefined;
  }
  const session = store.byAccessJwt(token);
  if (!session) {
    sendXrpcError(reply, 400, 'InvalidToken', 'Token could not be verified');
    return undefined;
  }
  if (session.accessExpiresAt <= Date.now()) {
    sendXrpcError(reply, 400, 'ExpiredToken', 'Token has expired');
    return undefined;
  }
  return session;
}
