// Graph answers (§2.2): errors are `{ error: { message, type, code, error_subcode?, is_transient?, error_user_title?,
// error_user_msg?, fbtrace_id } }`, HTTP 400 for nearly all of them (expired tokens included). Every Graph answer
// carries `X-App-Usage` (§2.3); Instagram routes add `X-Business-Use-Case-Usage` keyed by the IG user id.
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export interface GraphErrorSpec {
  code: number;
  subcode?: number;
  message: string;
  type?: string;
  userTitle?: string;
  userMsg?: string;
  isTransient?: boolean;
  status?: number;
}

export function sendGraphError(reply: FastifyReply, e: GraphErrorSpec): FastifyReply {
  const error: Record<string, unknown> = { message: e.message, type: e.type ?? 'OAuthException', code: e.code };
  if (e.subcode !== undefined) error.error_subcode = e.subcode;
  if (e.isTransient !== undefined) error.is_transient = e.isTransient;
  if (e.userTitle) error.error_user_title = e.userTitle;
  if (e.userMsg) error.error_user_msg = e.userMsg;
  error.fbtrace_id = randomBytes(8).toString('base64url');
  return reply.code(e.status ?? 400).send({ error });
}

export interface Usage {
  callCount: number;
  regainMinutes: number;
}

export function setUsageHeaders(reply: FastifyReply, usage: Usage, businessId?: string): void {
  const pct = Math.min(100, Math.round(usage.callCount));
  reply.header('x-app-usage', JSON.stringify({ call_count: pct, total_time: pct, total_cputime: pct }));
  if (businessId) {
    reply.header('x-business-use-case-usage', JSON.stringify({
      [businessId]: [{ type: 'instagram', call_count: pct, total_cputime: pct, total_time: pct, estimated_time_to_regain_access: usage.regainMinutes }],
    }));
  }
}
