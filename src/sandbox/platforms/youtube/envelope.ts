// Google's error bodies (§3.10): `{ error: { code, message, errors: [{ message, domain, reason }], status } }` on
// the YouTube Data API, and OAuth-style `{ error, error_description }` on the token and revoke endpoints.
import type { FastifyReply } from 'fastify';

const STATUS_NAMES: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND' };

export function sendGoogleError(reply: FastifyReply, code: number, reason: string, message: string, domain = 'youtube.api'): FastifyReply {
  return reply.code(code).send({
    error: { code, message, errors: [{ message, domain, reason }], ...(STATUS_NAMES[code] ? { status: STATUS_NAMES[code] } : {}) },
  });
}

export const QUOTA_MESSAGE = 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

export function sendQuotaExceeded(reply: FastifyReply): FastifyReply {
  return sendGoogleError(reply, 403, 'quotaExceeded', QUOTA_MESSAGE, 'youtube.quota');
}

export function sendOAuthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).send({ error, error_description: description });
}
