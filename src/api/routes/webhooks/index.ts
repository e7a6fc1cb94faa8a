// Platform webhooks: POST /api/webhooks/:platform receives deliveries, GET answers a subscription handshake.
// No API key (the auth plugin skips /api/webhooks/*): the provider's signature check authenticates each delivery,
// over the raw bytes received (raw-body.ts).
//
// A delivery is acknowledged as soon as it is safely stored, and processed later by the platform's webhookIngest
// workflow, nudged after the answer has left:
//   unknown platform, or one without webhooks   404
//   signature rejected                          401, nothing stored
//   verified, parsed                            every event inserted once (ON CONFLICT DO NOTHING on the platform's
//                                               event id: a redelivered event is acknowledged and not stored again)
//   verified, body unreadable                   200, body stored with its error for inspection. The signature proves
//                                               the platform sent it; a 4xx would only make it redeliver the same
//                                               bytes again and again (and may get the subscription disabled).
// The route is not rate limited: a platform's burst must not earn 429s and retries, and a forged request costs one
// HMAC before it is turned away.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, invalid, notFound } from '../../errors.js';
import { errorResponses } from '../../schemas/common.js';
import type { WebhookProvider, WebhookRequest } from '../../../platforms/provider.js';
import { WebhookIngestNudger } from '../../../temporal/webhook-dispatch.js';
import { acceptRawBodies, rawBodyOf } from './raw-body.js';
import { storeUnreadableWebhook, storeWebhookEvents } from './webhook-repository.js';

const paramsSchema = z.object({ platform: z.string().min(1).max(64).describe('Provider id, e.g. `testbed`') });

const receivedSchema = z.object({
  received: z.number().int().describe('Events in the delivery'),
  duplicates: z.number().int().describe('Of those, events already stored by an earlier delivery'),
});

/** Query values as providers expect them: a repeated parameter counts by its first value. */
function flatQuery(query: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    out[k] = Array.isArray(v) ? (typeof v[0] === 'string' ? v[0] : undefined) : typeof v === 'string' ? v : undefined;
  }
  return out;
}

const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  acceptRawBodies(app);
  const nudger = new WebhookIngestNudger(app.temporal.client, app.config.TEMPORAL_TASK_QUEUE, app.log);
  app.addHook('onClose', () => nudger.close());

  const webhooksOf = (platform: string): WebhookProvider => {
    const hooks = app.providers.has(platform) ? app.providers.get(platform).webhooks : undefined;
    if (!hooks) throw notFound(`webhooks for platform ${platform}`);
    return hooks;
  };

  app.post('/api/webhooks/:platform', {
    config: { public: true, rateLimit: false },
    schema: {
      tags: ['webhooks'],
      summary: 'Receive a platform\'s signed webhook delivery (called by the platform)',
      description: 'Authenticated by the platform\'s signature over the raw body, not an API key. Answers once the '
        + 'events are stored; they are applied asynchronously. A repeated delivery of the same event is acknowledged '
        + 'and stored once.',
      security: [],
      params: paramsSchema,
      response: { 200: receivedSchema.describe('Stored (or already stored)'), ...errorResponses(401, 404) },
    },
  }, async (request, reply) => {
    const { platform } = request.params;
    const hooks = webhooksOf(platform);
    const delivery: WebhookRequest = { rawBody: rawBodyOf(request.body), headers: request.headers, query: flatQuery(request.query) };

    const verdict = hooks.verify(delivery, new Date());
    if (!verdict.ok) {
      app.metrics.webhooksReceived.inc({ provider: platform, outcome: 'rejected' });
      // The reason (missing header, stale timestamp, mismatch) helps whoever configures the platform; it reveals
      // nothing of the secret. Signature headers themselves are never logged.
      throw new ApiError(401, 'unauthorized', `webhook signature rejected: ${verdict.reason}`);
    }

    let events;
    try {
      events = hooks.parse(delivery);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await storeUnreadableWebhook(app.database.db, platform, delivery.rawBody, reason);
      app.metrics.webhooksReceived.inc({ provider: platform, outcome: 'unreadable' });
      request.log.warn({ platform, reason }, 'verified webhook body could not be parsed; stored for inspection');
      return reply.code(200).send({ received: 0, duplicates: 0 });
    }

    const inserted = await storeWebhookEvents(app.database.sql, platform, delivery.rawBody, events);
    const duplicates = events.length - inserted;
    app.metrics.webhooksReceived.inc({ provider: platform, outcome: inserted > 0 || events.length === 0 ? 'accepted' : 'duplicate' });
    reply.code(200).send({ received: events.length, duplicates });
    // After the answer is written: the platform never waits on Temporal.
    if (inserted > 0) nudger.nudge(platform);
    return reply;
  });

  app.get('/api/webhooks/:platform', {
    config: { public: true, rateLimit: false },
    schema: {
      tags: ['webhooks'],
      summary: 'Answer a platform\'s webhook subscription handshake (called by the platform)',
      description: 'Returns the challenge as plain text when the query is the platform\'s valid handshake '
        + '(e.g. Meta\'s `hub.mode`, `hub.verify_token`, `hub.challenge`).',
      security: [],
      params: paramsSchema,
      response: {
        200: { description: 'The challenge', content: { 'text/plain': { schema: z.string() } } },
        ...errorResponses(400, 404),
      },
    },
  }, async (request, reply) => {
    const hooks = webhooksOf(request.params.platform);
    const challenge = hooks.handshake?.(flatQuery(request.query));
    if (challenge === undefined) throw invalid('query', 'handshake', 'not a valid webhook handshake for this platform');
    return reply.code(200).type('text/plain; charset=utf-8').send(challenge);
  });
};

export default webhookRoutes;
