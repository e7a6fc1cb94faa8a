// The one error handler of the app, and its not-found handler. Whatever was thrown (an ApiError from a handler, a
// validation failure, an HTTP error from Fastify or a plugin, a dependency going down, a bug) leaves as
// `{ error: { code, message, details } }` with no stack trace. Unexpected errors are logged in full here and
// answered with a generic message. The not-found handler answers 405 with `Allow` for a served path and another
// method; frameworkErrorReply and clientErrorReply (Fastify options set in app.ts) give the same shape to what is
// refused before routing (bad path encoding, over-long parameters 414, oversized headers 431).
import fp from 'fastify-plugin';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, codeForStatus, validationFailed, type ErrorDetail } from '../../errors.js';
import { RouteMethods } from '../../route-methods.js';
import { RequestValidationError } from '../../validation/validator-compiler.js';
import type { ErrorBody } from '../../schemas/common.js';

interface ErrorReply {
  statusCode: number;
  body: ErrorBody;
  /** Whether this is our failure (logged as an error) rather than the client's. */
  unexpected: boolean;
}

const reply = (statusCode: number, code: string, message: string, details: ErrorDetail[] = [], unexpected = false): ErrorReply =>
  ({ statusCode, body: { error: { code, message, details } }, unexpected });

/** postgres.js codes for a pool that cannot reach the server. */
const postgresConnectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

/** Whether `err` or one of its causes (Drizzle wraps driver errors) says the database cannot be reached. */
function isDatabaseUnreachable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && postgresConnectionCodes.has(code)) return true;
  }
  return false;
}

const jsonBodyErrors = new Set(['FST_ERR_CTP_EMPTY_JSON_BODY', 'FST_ERR_CTP_INVALID_JSON_BODY']);

export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof RequestValidationError) return toErrorReply(validationFailed(err.issues));
  if (err instanceof ApiError) return reply(err.statusCode, err.code, err.message, err.details);
  if (err instanceof ServiceError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return reply(503, 'unavailable', 'the workflow service is unavailable, try again later', [], true);
  }
  if (isDatabaseUnreachable(err)) return reply(503, 'unavailable', 'the database is unavailable, try again later', [], true);
  const e = err as Partial<FastifyError> & { code?: string };
  if (typeof e.code === 'string' && jsonBodyErrors.has(e.code)) {
    return reply(400, 'validation_failed', e.message ?? 'invalid JSON body', [{ field: 'body', rule: 'json', message: e.message ?? 'invalid JSON body' }]);
  }
  if (e.code === 'FST_ERR_BAD_URL') {
    return reply(400, 'validation_failed', 'the path is not validly percent-encoded', [{ field: 'path', rule: 'percent_encoding', message: 'the path is not validly percent-encoded UTF-8' }]);
  }
  if (e.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply(414, 'uri_too_long', 'a path parameter is too long', [{ field: 'path', rule: 'max_length', message: 'a path segment is longer than any this API accepts' }]);
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's and its plugins' client errors carry safe, descriptive messages.
    return reply(status, codeForStatus[status] ?? 'bad_request', e.message || 'bad request');
  }
  if (status === 503) return reply(503, 'unavailable', 'the service is unavailable, try again later', [], true);
  return reply(500, 'internal_error', 'internal server error', [], true);
}

/**
 * Fastify's `frameworkErrors` option: errors raised before a route is found (a badly encoded path, an over-long path
 * parameter) would otherwise be answered by Fastify in its own shape.
 */
export function frameworkErrorReply(err: FastifyError, request: FastifyRequest, rep: FastifyReply): void {
  const { statusCode, body } = toErrorReply(err);
  request.log.info({ code: body.error.code, statusCode }, body.error.message);
  void rep.code(statusCode).send(body);
}

/**
 * Fastify's `clientErrorHandler` option: requests Node's HTTP parser refuses before Fastify sees them (headers over
 * the size limit, malformed request lines, timeouts). Written to the socket by hand, as there is no request.
 */
export function clientErrorReply(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [statusCode, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'request_header_fields_too_large', 'the request headers are larger than this server accepts']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request_timeout', 'the request took too long to arrive']
    : [400, 'bad_request', 'malformed HTTP request'];
  const body = JSON.stringify(reply(statusCode, code, message).body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

export default fp(async (app) => {
  // Registered before the routes, so this hook sees every one of them.
  const routeMethods = new RouteMethods();
  app.addHook('onRoute', (route) => routeMethods.add(route.url, route.method));

  app.setErrorHandler(async (err, request, rep) => {
    const { statusCode, body, unexpected } = toErrorReply(err);
    if (unexpected) request.log.error({ err }, 'request failed');
    else request.log.info({ code: body.error.code, statusCode }, body.error.message);
    return rep.code(statusCode).send(body);
  });

  app.setNotFoundHandler(async (request, rep) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routeMethods.allowedOn(path);
    // A route that serves this method but found nothing (a static file that does not exist) is a plain 404.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      return rep.code(405).header('allow', allowed.join(', '))
        .send(reply(405, 'method_not_allowed', `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`).body);
    }
    return rep.code(404).send(reply(404, 'not_found', `route ${request.method} ${path} not found`).body);
  });
}, { name: 'error-handler' });
