// The control API under /__sandbox: how tests and the demo inspect and steer the sandbox. Its own traffic is not
// recorded and no fault applies to it. Bodies and queries are validated with zod; bad input answers
// 400 `{ error: { code: 'invalid_request', message, details } }`.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../core/errors.js';
import { DuplicateFaultIdError, faultInputSchema, type FaultStore } from '../core/faults.js';
import type { RequestRecorder } from '../core/recorder.js';
import type { WebhookDispatcher } from '../core/webhooks.js';
import type { SandboxPlatform } from '../platform.js';

export interface ControlDeps {
  recorder: RequestRecorder;
  faults: FaultStore;
  webhooks: WebhookDispatcher;
  platforms: ReadonlyMap<string, SandboxPlatform>;
  /** Clears requests, faults, deliveries and every platform's state; restores start-up webhook callbacks. */
  reset(): void;
}

const requestQuery = z.object({
  platform: z.string().min(1).optional(),
  path: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
});

const webhookTargetBody = z.object({
  platform: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(1).optional(),
});

const deliveriesQuery = z.object({ platform: z.string().min(1).optional() });

export function controlRoutes(deps: ControlDeps): FastifyPluginAsync {
  const { recorder, faults, webhooks, platforms } = deps;

  return async (app) => {
    app.get('/requests', async (request, reply) => {
      const q = parseOr400(requestQuery, request.query, reply);
      if (!q) return reply;
      return { data: recorder.list(q) };
    });

    app.delete('/requests', async (_request, reply) => {
      recorder.clear();
      return reply.code(204).send();
    });

    app.post('/faults', async (request, reply) => {
      const input = parseOr400(faultInputSchema, request.body, reply);
      if (!input) return reply;
      try {
        const rule = faults.add(input);
        return reply.code(201).send(rule);
      } catch (err) {
        if (err instanceof DuplicateFaultIdError) return sendError(reply, 409, 'fault_exists', err.message);
        throw err;
      }
    });

    app.get('/faults', async () => ({ data: faults.list() }));

    app.delete('/faults', async (_request, reply) => {
      faults.clear();
      return reply.code(204).send();
    });

    app.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
      if (!faults.remove(request.params.id)) return sendError(reply, 404, 'fault_not_found', `no fault ${request.params.id}`);
      return reply.code(204).send();
    });

    app.get('/webhooks', async () => ({ data: webhooks.targets() }));

    app.post('/webhooks', async (request, reply) => {
      const input = parseOr400(webhookTargetBody, request.body, reply);
      if (!input) return reply;
      if (!platforms.has(input.platform)) return sendError(reply, 404, 'unknown_platform', `no platform ${input.platform}`);
      webhooks.configure(input.platform, { url: input.url, secret: input.secret });
      return { platform: input.platform, url: input.url };
    });

    app.get('/webhooks/deliveries', async (request, reply) => {
      const q = parseOr400(deliveriesQuery, request.query, reply);
      if (!q) return reply;
      return { data: webhooks.list(q.platform) };
    });

    app.post('/reset', async (_request, reply) => {
      deps.reset();
      return reply.code(204).send();
    });

    app.get<{ Params: { platform: string } }>('/state/:platform', async (request, reply) => {
      const platform = platforms.get(request.params.platform);
      if (!platform) return sendError(reply, 404, 'unknown_platform', `no platform ${request.params.platform}`);
      return platform.snapshot();
    });
  };
}
