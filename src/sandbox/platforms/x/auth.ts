// Who is calling an X API route and whether the call fits its windows: a Bearer access token this sandbox issued
// (unknown, revoked or expired → 401 problem), the scopes the operation needs (§1.1 → 403), then one call counted in
// the endpoint's 15-minute windows per user and per app (§1.0.4): headers show the user window, and whichever window
// is exhausted answers 429 until its reset.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem, setRateHeaders } from './envelope.js';
import type { ResolvedXSandboxOptions, XEndpoint } from './options.js';
import type { Grant, XStore } from './store.js';

export function authorize(store: XStore, options: ResolvedXSandboxOptions, request: FastifyRequest, reply: FastifyReply, endpoint: XEndpoint, scopes: string[]): Grant | undefined {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer (.+)$/i.exec(header)?.[1];
  const grant = token ? store.byAccessToken(token) : undefined;
  if (!grant || grant.accessExpiresAt <= Date.now()) {
    sendProblem(reply, 401, 'Unauthorized', 'Unauthorized');
    return undefined;
  }
  const limits = options.rateLimits[endpoint];
  const user = store.take(endpoint, `user:${grant.userId}`, limits.perUser);
  const app = user.allowed ? store.take(endpoint, 'app', limits.perApp) : { allowed: true, remaining: limits.perApp, resetAt: user.resetAt };
  const blocking = !user.allowed ? { ...user, limit: limits.perUser } : !app.allowed ? { ...app, limit: limits.perApp } : undefined;
  if (blocking) {
    setRateHeaders(reply, blocking.limit, 0, blocking.resetAt);
    if (options.rateLimitBody === 'legacy') reply.code(429).send({ errors: [{ code: 88, message: 'Rate limit exceeded' }] });
    else sendProblem(reply, 429, 'Too Many Requests', 'Too Many Requests');
    return undefined;
  }
  setRateHeaders(reply, limits.perUser, user.remaining, user.resetAt);
  const missing = scopes.filter((s) => !grant.scopes.includes(s));
  if (missing.length > 0) {
    sendProblem(reply, 403, 'Forbidden', `Missing scopes: ${missing.join(', ')}`, 'https://api.twitter.com/2/problems/client-forbidden');
    return undefined;
  }
  return grant;
}
