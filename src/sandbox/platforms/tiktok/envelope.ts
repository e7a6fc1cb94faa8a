// TikTok's two answer shapes (§1.0, §1.2):
//   data APIs  - `{ data, error: { code, message, log_id } }`, success only when `error.code == "ok"` (some
//                documented failures come with HTTP 200);
//   OAuth      - flat `{ error, error_description, log_id }` (success bodies are flat too).
// Bodies are serialized with lossless-json so int64 values (public post ids) go out as raw JSON numbers.
import type { FastifyReply } from 'fastify';
import { stringify } from 'lossless-json';
import { newLogId } from './store.js';

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(stringify(body) ?? '{}');
}

/** A successful data-API answer. `data` may hold bigint values: they are written as JSON numbers. */
export function sendData(reply: FastifyReply, data: Record<string, unknown> = {}): FastifyReply {
  return sendJson(reply, 200, { data, error: { code: 'ok', message: '', log_id: newLogId() } });
}

/** Success without data (the cancel endpoint answers only the error object, §1.14). */
export function sendOk(reply: FastifyReply): FastifyReply {
  return sendJson(reply, 200, { error: { code: 'ok', message: '', log_id: newLogId() } });
}

/** A data-API failure; `status` is TikTok's documented HTTP status for `code` (200 for a few of them). */
export function sendApiError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return sendJson(reply, status, { data: {}, error: { code, message, log_id: newLogId() } });
}

/** An OAuth endpoint failure (flat shape). */
export function sendOAuthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description, log_id: newLogId() });
}

/** Content Posting spells the bad-request code `invalid_param`; the other v2 APIs `invalid_params` (§1.0 note). */
export const invalidParam = (reply: FastifyReply, message: string): FastifyReply => sendApiError(reply, 400, 'invalid_param', message);
export const invalidParams = (reply: FastifyReply, message: string): FastifyReply => sendApiError(reply, 400, 'invalid_params', message);
