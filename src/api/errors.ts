// The API's error vocabulary. Every failure leaves the service in one shape, `{ error: { code, message, details } }`,
// built by the central error handler (plugins/app/error-handler.ts) from an `ApiError` or from whatever Fastify or a
// plugin threw. Handlers throw these instead of writing error replies themselves.
import type { ValidationIssue } from '../platforms/provider.js';

/** One entry of `error.details`: which field broke which rule. `field` and `rule` are absent for non-field errors. */
export interface ErrorDetail {
  field?: string;
  rule?: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const validationFailed = (issues: ValidationIssue[]) =>
  new ApiError(400, 'validation_failed', issues.length === 1 ? issues[0]!.message : `${issues.length} fields are invalid`, issues);

/** A single-field 400, e.g. `invalid('cursor', 'cursor', 'cursor is not one this API issued')`. */
export const invalid = (field: string, rule: string, message: string) => validationFailed([{ field, rule, message }]);

export const unauthorized = (message = 'missing or invalid credentials') => new ApiError(401, 'unauthorized', message);

/** Also used for resources of another user: their existence is never revealed. */
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export const conflict = (message: string, details: ErrorDetail[] = []) => new ApiError(409, 'conflict', message, details);

export const unavailable = (message: string, details: ErrorDetail[] = []) => new ApiError(503, 'unavailable', message, details);

/** Codes for HTTP errors raised by Fastify and its plugins, which come with a status but not our vocabulary. */
export const codeForStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'request_header_fields_too_large',
  503: 'unavailable',
};
