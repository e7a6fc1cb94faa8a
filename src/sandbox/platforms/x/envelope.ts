// X's error bodies (§1.0.3): problem objects on the API, OAuth-style `{ error, error_description }` on the token
// and revoke endpoints, and the rate-limit headers (§1.0.4) every rate-limited answer carries.
import type { FastifyReply } from 'fastify';

export const PROBLEM = 'https://api.twitter.com/2/problems';

export function sendProblem(reply: FastifyReply, status: number, title: string, detail: string, type = 'about:blank', extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).send({ title, detail, type, status, ...extra });
}

/** §1.0.3.2: the 400 of a parameter check, problem plus `errors[]` naming the parameter. */
export function sendInvalidRequest(reply: FastifyReply, parameter: string, message: string): FastifyReply {
  return reply.code(400).send({
    errors: [{ parameters: { [parameter]: [message] }, message }],
    title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: `${PROBLEM}/invalid-request`,
  });
}

export function sendOAuthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).send({ error, error_description: description });
}

export function setRateHeaders(reply: FastifyReply, limit: number, remaining: number, resetAt: number): void {
  reply.header('x-rate-limit-limit', String(limit));
  reply.header('x-rate-limit-remaining', String(remaining));
  reply.header('x-rate-limit-reset', String(Math.ceil(resetAt / 1000)));
}
