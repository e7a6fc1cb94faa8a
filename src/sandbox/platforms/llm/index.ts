// A simulated language model: an OpenAI-compatible chat-completions endpoint (`POST /llm/v1/chat/completions`,
// `GET /llm/v1/models`) so the writing-help routes run offline and in tests. It is deterministic and says so (model
// `herald-sandbox-llm`, `system_fingerprint: "sandbox"`): the answer fits the requested JSON schema and is built from
// the prompt's words (answer-builder.ts). Faults come from the shared fault store like every platform; on top,
// `POST /__sandbox/llm/next-answers` queues answers that are wrong on purpose (`invalid` JSON, `too_long` texts) to
// exercise the callers' retry and repair.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { parseOr400 } from '../../core/errors.js';
import { buildAnswer, readPrompt } from './answer-builder.js';

export const SANDBOX_LLM_MODEL = 'herald-sandbox-llm';

const completionRequest = z.object({
  model: z.string().min(1),
  messages: z.array(z.object({ role: z.string(), content: z.unknown() })).min(1),
  response_format: z.object({
    type: z.string(),
    json_schema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()) }).optional(),
  }).optional(),
});

const misbehaviour = z.enum(['invalid', 'too_long']);
const nextAnswersBody = z.object({ answers: z.array(misbehaviour).min(1).max(20) });

/** Rough token count (4 characters a token, like OpenAI's rule of thumb): enough for usage numbers that move. */
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** Replaces every string of the answer by a text far longer than any platform allows. */
function stretch(value: unknown): unknown {
  if (typeof value === 'string') return `${value} `.repeat(Math.ceil(5000 / (value.length + 1))).trim();
  if (Array.isArray(value)) return value.map(stretch);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stretch(v)]));
  return value;
}

export function llmPlatform(): SandboxPlatformFactory {
  return (): SandboxPlatform => {
    const queued: z.infer<typeof misbehaviour>[] = [];
    let served = 0;

    const routes: FastifyPluginAsync = async (app) => {
      app.get('/v1/models', async () => ({ object: 'list', data: [{ id: SANDBOX_LLM_MODEL, object: 'model', created: 0, owned_by: 'herald-sandbox' }] }));

      app.post('/v1/chat/completions', async (request, reply) => {
        const body = parseOr400(completionRequest, request.body, reply);
        if (!body) return reply;
        const facts = readPrompt(body.messages);
        const schema = body.response_format?.json_schema?.schema ?? { type: 'object', properties: { text: { type: 'string' } } };
        const mode = queued.shift();
        const answer = buildAnswer(schema, facts);
        const content = mode === 'invalid' ? '{"this is": not json' : JSON.stringify(mode === 'too_long' ? stretch(answer) : answer);
        served += 1;
        const promptTokens = tokens(JSON.stringify(body.messages));
        const completionTokens = tokens(content);
        return {
          id: `chatcmpl-sandbox-${served}`,
          object: 'chat.completion',
          created: 0,
          model: body.model,
          system_fingerprint: 'sandbox',
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        };
      });
    };

    const controlRoutes: FastifyPluginAsync = async (app) => {
      app.post('/next-answers', async (request, reply) => {
        const body = parseOr400(nextAnswersBody, request.body, reply);
        if (!body) return reply;
        queued.push(...body.answers);
        return { queued: [...queued] };
      });
    };

    return {
      name: 'llm',
      prefix: '/llm',
      routes,
      controlRoutes,
      snapshot: () => ({ completionsServed: served, queuedMisbehaviour: [...queued] }),
      reset: () => { queued.length = 0; served = 0; },
      signWebhook: () => ({}),
      initialWebhook: { secret: randomBytes(16).toString('hex') },
    };
  };
}
