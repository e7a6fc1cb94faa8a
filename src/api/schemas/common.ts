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
  405: 'Method not allowed',
  409: 'Conflicts with the current state of the resource',
  413: 'Payload too large',
  415: 'Unsupported content type',
  429: 'Rate limit exceeded',
  502: 'An upstream service (the language model) answered unusably or not at all',
  503: 'A dependency (Postgres, Temporal) is unavailable',
} as const;

export type ErrorStatus = keyof typeof errorDescriptions;

export function errorResponses<const S extends readonly ErrorStatus[]>(...statuses: S) {
  const out = {} as Record<S[number], typeof errorBodySchema>;
  for (const s of statuses) (out as Record<number, typeof errorBodySchema>)[s] = errorBodySchema.describe(errorDescriptions[s]);
  return out;
}

export const idParamsSchema = z.object({ id: z.uuid() });

/**
 * Years the API accepts in dates and instants (UTC). Postgres has no year 0, and a JS Date past 9999 prints as
 * `+010000-...`, which Postgres cannot read: both would be 500s. Published in the OpenAPI document as a pattern.
 */
export const YEAR_RANGE = { min: 1970, max: 9999 } as const;
const YEAR_PATTERN = '^(19[7-9]\\d|[2-9]\\d{3})-';

export const inYearRange = (at: Date) => {
  const year = at.getUTCFullYear();
  return year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;
};

const yearRangeRule = (what: string) => ({
  message: `${what} must be between ${YEAR_RANGE.min}-01-01 and ${YEAR_RANGE.max}-12-31 (UTC)`,
  params: { rule: 'year_range' },
  // Only once the format is right: a malformed value is reported once, as such.
  when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
});

/** An instant: ISO 8601 with an offset or Z, in YEAR_RANGE once converted to UTC. */
export const isoDateTime = z.iso.datetime({ offset: true })
  .refine((s) => inYearRange(new Date(s)), yearRangeRule('the instant'))
  .meta({ pattern: YEAR_PATTERN, description: `ISO 8601 date-time with an offset or Z, years ${YEAR_RANGE.min}..${YEAR_RANGE.max} (UTC)` });

/** A calendar day `YYYY-MM-DD` in YEAR_RANGE. */
export const isoDate = z.iso.date()
  .refine((s) => inYearRange(new Date(`${s}T00:00:00Z`)), yearRangeRule('the day'))
  .meta({ pattern: YEAR_PATTERN, description: `Calendar day YYYY-MM-DD, years ${YEAR_RANGE.min}..${YEAR_RANGE.max}` });
