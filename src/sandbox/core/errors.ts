// The sandbox's own error shape (control API and frame-level errors): `{ error: { code, message, details? } }`.
// Platforms may answer in their platform's documented shape instead; this one is for what the frame itself rejects.
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

export interface SandboxErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): SandboxErrorBody {
  return { error: { code, message, ...(details !== undefined ? { details } : {}) } };
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown): FastifyReply {
  return reply.code(status).send(errorBody(code, message, details));
}

/** Parses `input` with `schema`; on failure answers 400 with the zod issues and returns undefined. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, reply: FastifyReply): z.output<S> | undefined {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  sendError(reply, 400, 'invalid_request', details.map((d) => `${d.path || '(body)'}: ${d.message}`).join('; '), details);
  return undefined;
}
