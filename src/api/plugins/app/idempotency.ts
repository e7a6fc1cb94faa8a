// Idempotency-Key for the routes that create or act (`config: { idempotent: ... }` in the route options): the same
// key from the same user within IDEMPOTENCY_KEY_TTL_HOURS gets the first request's answer again (with
// `Idempotent-Replayed: true`) and nothing is done twice. The same key with a different request is a 409, and so is a
// key whose first request is still running. Answers of 5xx are not kept: the claim is released so a retry acts.
//
// `idempotent: true`: the key is claimed before the handler, fingerprinted by method, route, params, query and the
// parsed JSON body. `idempotent: 'streamed-body'`: the body is a stream only the handler reads (multipart uploads);
// the handler claims with `request.idempotency.claim(contentFingerprint)` once it knows the content, and replays
// the first answer it returns.
import fp from 'fastify-plugin';
import type {
  FastifyRequest, RouteOptions, onSendHookHandler, preHandlerHookHandler, preValidationHookHandler,
} from 'fastify';
import { z } from 'zod';
import { invalid } from '../../errors.js';
import { errorBodySchema } from '../../schemas/common.js';
import { IDEMPOTENCY_HEADER, IdempotentRequest, REPLAYED_HEADER, sha256 } from '../../idempotency/idempotent-request.js';

const keySchema = z.string().regex(/^[\x21-\x7E]{1,255}$/, 'must be 1 to 255 visible ASCII characters (no spaces)');

/** The header as route schemas declare it (documentation in OpenAPI; the check itself runs before validation). */
const headersSchemaFor = (ttlHours: number) => z.looseObject({
  'idempotency-key': keySchema
    .optional()
    .describe(`Makes a retry harmless: a request repeated with the same key within ${ttlHours} h gets the first
answer again, with \`${REPLAYED_HEADER}: true\`, and is not carried out twice. The same key with a different request
is refused with 409 (rule \`reused_with_different_request\`), and so is a retry while the first request is still
running (rule \`in_progress\`). Use a fresh random value (e.g. a UUID) per intended action.`.replace(/\n/g, ' ')),
});

const conflictResponse = errorBodySchema.describe(
  'Conflicts with the current state of the resource, or the Idempotency-Key was used for another request or its first request is still running',
);

/** JSON with object keys sorted, so equal requests fingerprint alike whatever the key order the client sent. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

function requestFingerprint(request: FastifyRequest): string {
  return sha256(canonicalJson([request.method, request.routeOptions.url, request.params ?? null, request.query ?? null, request.body ?? null]));
}

const asArray = <T>(hook: T | T[] | undefined): T[] => (hook === undefined ? [] : Array.isArray(hook) ? hook : [hook]);

export default fp(async (app) => {
  app.decorateRequest('idempotency', null);
  const { db } = app.database;
  const ttlHours = app.config.IDEMPOTENCY_KEY_TTL_HOURS;
  const headersSchema = headersSchemaFor(ttlHours);

  // Before body validation, so a bad key is named whatever else is wrong with the request (the header schema, checked
  // later, documents the same rule in OpenAPI).
  const checkKey: preValidationHookHandler = async (request) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (Array.isArray(key)) throw invalid(IDEMPOTENCY_HEADER, 'single', `send one ${IDEMPOTENCY_HEADER} header`);
    if (!keySchema.safeParse(key).success) {
      throw invalid(IDEMPOTENCY_HEADER, 'pattern', `${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters (no spaces)`);
    }
  };

  const prepare: preHandlerHookHandler = async (request, reply) => {
    const key = request.headers['idempotency-key'];
    // Only API-key routes opt in; a route without a user has nothing to scope the key to.
    if (typeof key !== 'string' || !request.user) return;
    const idempotency = new IdempotentRequest(db, ttlHours, request.user.id, key, requestFingerprint(request));
    request.idempotency = idempotency;
    if (request.routeOptions.config.idempotent !== true) return;
    const firstAnswer = await idempotency.claim();
    if (firstAnswer) return idempotency.replay(reply, firstAnswer);
  };

  const settle: onSendHookHandler = async (request, reply, payload) => {
    try {
      await request.idempotency?.settle(reply, payload);
    } catch (err) {
      // The action is done; failing the answer now would make the client retry it. The key stays in progress.
      request.log.error({ err }, 'idempotency record not stored');
    }
    return payload;
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.config?.idempotent) return;
    const schema = route.schema ?? {};
    const response = (schema.response ?? {}) as Record<string, unknown>;
    route.schema = {
      ...schema,
      headers: headersSchema,
      response: { ...response, 409: conflictResponse },
    };
    route.preValidation = [...asArray(route.preValidation), checkKey];
    route.preHandler = [...asArray(route.preHandler), prepare];
    route.onSend = [...asArray(route.onSend), settle];
  });
}, { name: 'idempotency', dependencies: ['database'] });
