// Who is calling a Graph route: a user token this sandbox issued, as `access_token` (query or form) or
// `Authorization: Bearer` (§2.1). Failures are Graph errors: unknown/garbled → 190, expired → 190/463 (§2.2),
// revoked → 190/460-style "session invalidated" (subcode 458: app not installed). Then the optional per-token
// limit (code 4/17/80002, §2.3), and usage headers on every authenticated answer.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FixedWindowRateLimiter } from '../../core/rate-limiter.js';
import { sendGraphError, setUsageHeaders } from './envelope.js';
import type { ResolvedMetaOptions } from './options.js';
import type { MetaStore, UserToken } from './store.js';

export function tokenOf(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  const m = typeof h === 'string' ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h) : null;
  if (m?.[1]) return m[1];
  const q = (request.query as Record<string, unknown> | undefined)?.access_token;
  if (typeof q === 'string' && q) return q;
  const b = (request.body as Record<string, unknown> | undefined)?.access_token;
  return typeof b === 'string' && b ? b : undefined;
}

export class GraphAuth {
  private readonly limiter: FixedWindowRateLimiter | undefined;
  private readonly calls = new Map<string, number>();

  constructor(private readonly store: MetaStore, private readonly options: ResolvedMetaOptions) {
    const rl = options.rateLimit;
    this.limiter = rl ? new FixedWindowRateLimiter(rl.limit, rl.windowMs) : undefined;
  }

  /** The caller's token, or undefined after answering the Graph error. `businessId` adds the BUC header. */
  check(request: FastifyRequest, reply: FastifyReply, businessId?: string): UserToken | undefined {
    const raw = tokenOf(request);
    const t = raw ? this.store.tokens.get(raw) : undefined;
    if (!t) {
      sendGraphError(reply, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
      return undefined;
    }
    if (t.revoked) {
      sendGraphError(reply, { code: 190, subcode: 458, message: 'Error validating access token: The user has not authorized application.' });
      return undefined;
    }
    if (t.expiresAt <= Date.now()) {
      sendGraphError(reply, { code: 190, subcode: 463, message: 'Error validating access token: Session has expired.' });
      return undefined;
    }
    const rl = this.options.rateLimit;
    const count = (this.calls.get(t.token) ?? 0) + 1;
    this.calls.set(t.token, count);
    const usage = { callCount: rl ? (100 * count) / rl.limit : 1, regainMinutes: 0 };
    if (this.limiter && rl && !this.limiter.take(t.token).ok) {
      setUsageHeaders(reply, { callCount: 100, regainMinutes: rl.regainMinutes }, businessId);
      const message = rl.code === 80002
        ? '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.'
        : rl.code === 17 ? '(#17) User request limit reached' : '(#4) Application request limit reached';
      sendGraphError(reply, { code: rl.code, message, isTransient: true });
      return undefined;
    }
    setUsageHeaders(reply, usage, businessId);
    return t;
  }

  /** (#10) unless the grant holds `scope`; answers whether the caller may go on. */
  requireScope(t: UserToken, reply: FastifyReply, scope: string): boolean {
    if (t.scopes.includes(scope)) return true;
    sendGraphError(reply, { code: 10, message: `(#10) Application does not have permission for this action (missing ${scope})` });
    return false;
  }

  reset(): void {
    this.limiter?.reset();
    this.calls.clear();
  }
}
