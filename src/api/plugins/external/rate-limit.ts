// Per-caller rate limit: API_RATE_LIMIT_PER_MINUTE requests a minute per API key, or per IP for requests without
// one. The limit runs as a route hook, after authentication, so it can key on the key's id (never on the secret).
// Health, readiness and metrics routes opt out (`config: { rateLimit: false }`): probes must never be throttled. A
// route the API calls in-process for an MCP tool is not counted again: the caller's POST /mcp already was.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { ApiError } from '../../errors.js';
import { isInternalCall } from '../../internal-call.js';

export default fp(async (app) => {
  await app.register(rateLimit, {
    global: true,
    max: app.config.API_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    allowList: (request) => isInternalCall(request),
    keyGenerator: (request) => (request.apiKeyId ? `key:${request.apiKeyId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, ctx) =>
      new ApiError(429, 'rate_limited', `rate limit of ${ctx.max} requests a minute exceeded, retry in ${ctx.after}`),
  });
}, { name: 'rate-limit' });
