// Schemas shared by every route: the error body, id parameters, and the set of error responses a route documents.
import { z } from 'zod';

export const errorDetailSchema = z.object({
  field: z.string().optional().describe('Dotted path of the offending field, e.g. `targets.0.accountId`'),
  rule: z.string().optional().describe('Machine name of the broken rule, e.g. `uuid`, `max_length`, `in_future`'),
  message: z.string(),
});

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('validation_failed, unauthorized, not_found, conflict, rate_limited, ...'),
    message: z.string(),
    details: z.array(errorDetailSchema),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Every response code a route can answer with besides its success code; pick the ones that apply. */
const errorDescriptions = {
  400: 'Invalid request: `details` names each field and broken rule',
  401: 'Missing or invalid credentials',
  403: 'Refused: e.g. an expired or tampered signed URL',
  404: 'Not found (or owned by another user)',
  409: 'Conflicts with the current state of the resource',
  413: 'Payload too large',
  415: 'Unsupported content type',
  429: 'Rate limit exceeded',
  503: 'A dependency (Postgres, Temporal) is unavailable',
} as const;

export type ErrorStatus = keyof typeof errorDescriptions;

export function errorResponses<const S extends readonly ErrorStatus[]>(...statuses: S) {
  const out = {} as Record<S[number], typeof errorBodySchema>;
  for (const s of statuses) (out as Record<number, typeof errorBodySchema>)[s] = errorBodySchema.describe(errorDescriptions[s]);
  return out;
}

export const idParamsSchema = z.object({ id: z.uuid() });

export const isoDateTime = z.iso.datetime({ offset: true });
