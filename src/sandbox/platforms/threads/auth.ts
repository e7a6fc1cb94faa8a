// Who is calling a Threads route: a token this sandbox issued (Bearer header or access_token param, like Graph).
// Unknown → 190; expired → 190/463 (§2.2). Usage header on every authenticated answer.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { INVALID_SESSION_MESSAGES, tokenOf } from '../meta/auth.js';
import { sendGraphError, setUsageHeaders } from '../meta/envelope.js';
import type { ThreadsStore, ThreadsToken } from './store.js';

export function tokenProblem(t: ThreadsToken | undefined, now = Date.now()): { code: number; subcode?: number; message: string } | undefined {
  if (!t) return { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
  if (t.expiresAt <= now) return { code: 190, subcode: 463, message: INVALID_SESSION_MESSAGES[463]! };
  return undefined;
}

export function checkToken(store: ThreadsStore, request: FastifyRequest, reply: FastifyReply): ThreadsToken | undefined {
  const raw = tokenOf(request);
  const t = raw ? store.tokens.get(raw) : undefined;
  const invalid = tokenProblem(t);
  if (invalid) {
    sendGraphError(reply, invalid);
    return undefined;
  }
  setUsageHeaders(reply, { callCount: 1, regainMinutes: 0 });
  return t;
}

export function requireScope(t: ThreadsToken, reply: FastifyReply, scope: string): boolean {
  if (t.scopes.includes(scope)) return true;
  sendGraphError(reply, { code: 10, message: `(#10) Application does not have permission for this action (missing ${scope})` });
  return false;
}
