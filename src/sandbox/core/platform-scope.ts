// Mounts one simulated platform under its prefix with the behaviour every platform shares:
//   - bodies: JSON and form bodies are parsed (raw text kept for `bodyIncludes` fault matching); any other body is
//     handed to the handler as a byte-counting stream, never buffered (uploads can be gigabytes);
//   - recording: every request is logged to the recorder (onRequest), completed when the response ends;
//   - faults: rules are evaluated after parsing, before the handler (preHandler), and lost responses are produced
//     after the handler (onSend), see faults.ts.
// The control API is mounted elsewhere and passes through none of this.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxPlatform } from '../platform.js';
import { CountingBody, countingBody } from './counting-body.js';
import { errorBody, sendError } from './errors.js';
import type { FaultAction, FaultStore } from './faults.js';
import type { RecordedRequest, RequestRecorder } from './recorder.js';
import type { WebhookDispatcher } from './webhooks.js';

export interface PlatformScopeDeps {
  recorder: RequestRecorder;
  faults: FaultStore;
  webhooks: WebhookDispatcher;
}

interface RequestContext {
  entry: RecordedRequest;
  rawBody?: string;
  drop?: { ruleId: string; action: Extract<FaultAction, { type: 'drop_after_effect' }> };
  reset?: boolean;
}

function badRequest(message: string): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(message), { statusCode: 400, code: 'invalid_body' });
}

export async function mountPlatform(app: FastifyInstance, platform: SandboxPlatform, deps: PlatformScopeDeps): Promise<void> {
  const { recorder, faults, webhooks } = deps;
  const contexts = new WeakMap<FastifyRequest, RequestContext>();

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string;
      const ctx = contexts.get(request);
      if (ctx) ctx.rawBody = text;
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(badRequest('request body is not valid JSON'), undefined);
      }
    });
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string;
      const ctx = contexts.get(request);
      if (ctx) ctx.rawBody = text;
      done(null, Object.fromEntries(new URLSearchParams(text)));
    });
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, countingBody(payload)));

    scope.addHook('onRequest', async (request, reply) => {
      const entry = recorder.begin({ method: request.method, url: request.url, platform: platform.name, headers: request.headers });
      const ctx: RequestContext = { entry };
      contexts.set(request, ctx);
      // 'close' fires for every response: after a normal finish, after a destroyed socket, after a client abort.
      reply.raw.once('close', () => {
        const body = request.body;
        if (body instanceof CountingBody) {
          recorder.setBody(entry, { bytes: body.bytes });
          body.drain();
        }
        if (ctx.reset) recorder.finish(entry, 'reset', null);
        else if (reply.raw.writableFinished) recorder.finish(entry, 'answered', reply.statusCode);
        else recorder.finish(entry, 'aborted', null);
      });
    });

    scope.addHook('preHandler', async (request, reply) => {
      const ctx = contexts.get(request);
      if (!ctx) return;
      if (request.body !== undefined && !(request.body instanceof CountingBody)) recorder.setBody(ctx.entry, request.body);
      const fired = faults.fire({
        method: request.method,
        path: ctx.entry.path,
        headers: request.headers,
        ...(ctx.rawBody !== undefined ? { bodyText: ctx.rawBody } : {}),
      });
      for (const rule of fired) {
        ctx.entry.faults.push(rule.id);
        request.log.info({ faultId: rule.id, action: rule.action.type }, 'sandbox fault fired');
        const action = rule.action;
        switch (action.type) {
          case 'delay':
            await sleep(action.ms);
            break;
          case 'duplicate_webhook':
            webhooks.armDuplicate(platform.name, action.copies);
            break;
          case 'cut_body':
            if (request.body instanceof CountingBody) {
              request.body.cutAfter(action.afterBytes, () => {
                ctx.reset = true;
                request.raw.socket?.destroy();
              });
            }
            break;
          case 'drop_after_effect':
            ctx.drop = { ruleId: rule.id, action };
            break;
          case 'status': {
            reply.code(action.status);
            for (const [name, value] of Object.entries(action.headers ?? {})) reply.header(name, value);
            return reply.send(action.body ?? errorBody('injected_fault', `sandbox fault ${rule.id} answered ${action.status}`));
          }
        }
      }
    });

    scope.addHook('onSend', async (request, reply, payload) => {
      const ctx = contexts.get(request);
      if (!ctx?.drop) return payload;
      const { ruleId, action } = ctx.drop;
      if (action.mode === 'reset') {
        ctx.reset = true;
        // The handler's effect is applied; the client only sees its connection die.
        request.raw.socket?.destroy();
        return payload;
      }
      const status = action.status ?? 502;
      reply.code(status);
      reply.removeHeader('content-length');
      reply.header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(errorBody('injected_fault', `sandbox fault ${ruleId} replaced the answer with ${status}`));
    });

    scope.setNotFoundHandler((request, reply) => {
      sendError(reply, 404, 'not_found', `${platform.name} has no route ${request.method} ${request.url.split('?')[0]}`);
    });

    await scope.register(platform.routes);
  }, { prefix: platform.prefix });
}
