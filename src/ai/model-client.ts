// The one way Herald asks a language model for something: an OpenAI-compatible chat-completions endpoint (AI_BASE_URL,
// through the `openai` SDK) asked for structured output whose JSON schema is built from a zod schema. The answer is
// checked with that zod schema; an answer that is not valid JSON or does not fit is asked for again once, naming what
// was wrong. Every request is counted and timed in /metrics and logged without its content (prompts carry the user's
// text; the key is never logged).
import OpenAI from 'openai';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { ModelMetrics } from '../api/metrics.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface StructuredRequest<S extends z.ZodType> {
  /** Metric and log label, e.g. `caption`. */
  purpose: string;
  /** Name of the JSON schema sent to the model (letters, digits, _ and -). */
  schemaName: string;
  schema: S;
  messages: ChatMessage[];
  log: FastifyBaseLogger;
}

/** The model answered, twice, with something that does not fit the schema, or could not be reached. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
}

export interface ModelClient {
  readonly model: string;
  generate<S extends z.ZodType>(request: StructuredRequest<S>): Promise<z.output<S>>;
}

/** Undefined when AI_BASE_URL is unset: the routes that need a model answer 503 ai_not_configured. */
export function createModelClient(config: Config, metrics: ModelMetrics): ModelClient | undefined {
  if (!config.AI_BASE_URL) return undefined;
  const openai = new OpenAI({
    baseURL: config.AI_BASE_URL,
    // Local endpoints (Ollama, the sandbox) take no key; the SDK insists on a string.
    apiKey: config.AI_API_KEY ?? 'no-key',
    timeout: config.AI_TIMEOUT_SECONDS * 1000,
    // One repair attempt is ours (below); transport retries would multiply the wait behind a user's request.
    maxRetries: 0,
  });
  const model = config.AI_MODEL;

  async function ask(messages: ChatMessage[], request: StructuredRequest<z.ZodType>, attempt: number): Promise<string> {
    const jsonSchema = z.toJSONSchema(request.schema, { target: 'draft-7' }) as Record<string, unknown>;
    const stop = metrics.latency.startTimer({ purpose: request.purpose });
    try {
      const completion = await openai.chat.completions.create({
        model,
        messages,
        response_format: { type: 'json_schema', json_schema: { name: request.schemaName, schema: jsonSchema, strict: false } },
      });
      const seconds = stop();
      const usage = completion.usage;
      if (usage) {
        metrics.tokens.inc({ kind: 'prompt' }, usage.prompt_tokens);
        metrics.tokens.inc({ kind: 'completion' }, usage.completion_tokens);
      }
      request.log.info({ ai: { purpose: request.purpose, model, attempt, seconds, tokens: usage?.total_tokens } }, 'model request answered');
      return completion.choices[0]?.message.content ?? '';
    } catch (err) {
      stop();
      metrics.requests.inc({ purpose: request.purpose, outcome: 'failed' });
      const status = err instanceof OpenAI.APIError ? err.status : undefined;
      request.log.warn({ ai: { purpose: request.purpose, model, attempt, status, error: (err as Error).name } }, 'model request failed');
      throw new ModelCallError(`the language model could not be reached${status ? ` (HTTP ${status})` : ''}`);
    }
  }

  return {
    model,
    async generate<S extends z.ZodType>(request: StructuredRequest<S>): Promise<z.output<S>> {
      let messages = request.messages;
      for (let attempt = 1; attempt <= 2; attempt++) {
        const content = await ask(messages, request, attempt);
        const problem = parseAnswer(content, request.schema);
        if (problem.ok) {
          metrics.requests.inc({ purpose: request.purpose, outcome: 'ok' });
          return problem.value;
        }
        metrics.requests.inc({ purpose: request.purpose, outcome: 'invalid' });
        request.log.warn({ ai: { purpose: request.purpose, model, attempt, problem: problem.reason } }, 'model answer did not fit the schema');
        messages = [
          ...request.messages,
          { role: 'assistant', content },
          { role: 'user', content: `That answer was not valid: ${problem.reason}. Answer again with JSON that fits the schema exactly.` },
        ];
      }
      throw new ModelCallError('the language model answered twice with output that does not fit the requested format');
    },
  };
}

function parseAnswer<S extends z.ZodType>(content: string, schema: S): { ok: true; value: z.output<S> } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'it is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}
