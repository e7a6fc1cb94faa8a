// Marks a request the API makes to its own routes in-process (MCP tools call the routes with `app.inject`), so the
// caller's one request is counted once by the rate limit. The token is random per process and never leaves it: a
// client cannot forge the mark.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const INTERNAL_CALL_HEADER = 'x-herald-internal-call';
const token = randomBytes(32).toString('base64url');

/** Headers that mark an in-process call. */
export const internalCallHeaders = (): Record<string, string> => ({ [INTERNAL_CALL_HEADER]: token });

export const isInternalCall = (request: FastifyRequest): boolean => request.headers[INTERNAL_CALL_HEADER] === token;
