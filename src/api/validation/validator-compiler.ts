// Fastify validator compiler for zod schemas. It replaces fastify-type-provider-zod's compiler only to keep the
// inputs zod reports (`reportInput`, needed to tell "missing" from "wrong type") and to hand the error handler
// issues already in the API's `{ field, rule, message }` form.
import type { FastifySchemaCompiler } from 'fastify';
import { safeParse, type $ZodType } from 'zod/v4/core';
import type { ValidationIssue } from '../../platforms/provider.js';
import { issuesFromZod } from './zod-issues.js';

/** Thrown (through Fastify) for a request that does not match its route's schema; answered as 400 validation_failed. */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  readonly statusCode = 400;
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  }
}

export const zodValidatorCompiler: FastifySchemaCompiler<$ZodType> = ({ schema, httpPart }) => (data) => {
  const result = safeParse(schema, data, { reportInput: true });
  if (result.success) return { value: result.data };
  return { error: new RequestValidationError(issuesFromZod(result.error.issues, httpPart ?? 'body')) };
};

/**
 * For routes whose body is a stream the handler reads itself (multipart uploads): their body schema documents the
 * request in OpenAPI but is not applied; params and query are validated as usual.
 */
export const zodValidatorCompilerWithoutBody: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === 'body' ? () => ({ value: undefined }) : zodValidatorCompiler(route as Parameters<typeof zodValidatorCompiler>[0]);
