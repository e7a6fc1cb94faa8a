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

/** Meta's wording for each invalid-session subcode (§2.2). */
export const INVALID_SESSION_MESSAGES: Record<number, string> = {
  458: 'Error validating access token: The user has not authorized application.',
  459: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  463: 'Error validating access token: Session has expired.',
  464: 'Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
};

/** The 190 error a token earns (unknown, revoked, invalidated, expired), or undefined when it is good. */
export function tokenProblem(t: UserToken | undefined, now = Date.now()): { code: number; subcode?: number; message: string } | undefined {
  if (!t) return { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
  const subcode = t.revoked ? 458 : t.invalidSubcode ?? (t.expiresAt <= now ? 463 : undefined);
  if (subcode === undefined) return undefined;
  return { code: 190, subcode, message: INVALID_SESSION_MESSAGES[subcode] ?? 'Error validating access token.' };
}

export class GraphAuth {
  private readonly limiter: FixedWindowRateLimiter | undefined;
  /** Calls per token in the current limit window, so the usage headers report this window, not all time. */
  private readonly calls = new Map<string, { start: number; count: number }>();

  constructor(private readonly store: MetaStore, private readonly options: ResolvedMetaOptions) {
    const rl = options.rateLimit;
    this.limiter = rl ? new FixedWindowRateLimiter(rl.limit, rl.windowMs) : undefined;
  }

  /** The caller's token, or undefined after answering the Graph error. `businessId` adds the BUC header. */
  check(request: FastifyRequest, reply: FastifyReply, businessId?: string): UserToken | undefined {
    const raw = tokenOf(request);
    const t = raw ? this.store.tokens.get(raw) : undefined;
    const invalid = tokenProblem(t);
    if (invalid || !t) {
      sendGraphError(reply, invalid!);
      return undefined;
    }
    return this.meter(t, reply, businessId) ? t : undefined;
  }

  /**
   * The Page token of a Page route (§5): it must be a Page token of `pageId` (a user token, or another Page's token,
   * is refused with #200 like Meta does), valid while the user token it came from is valid (a Page token from a
   * long-lived user token does not expire, §3.4). Answers the user token behind it (its scopes apply).
   */
  checkPage(request: FastifyRequest, reply: FastifyReply, pageId: string): UserToken | undefined {
    const raw = tokenOf(request);
    const page = raw ? this.store.pageTokens.get(raw) : undefined;
    if (!page) {
      if (raw && this.store.tokens.has(raw)) {
        sendGraphError(reply, { code: 200, type: 'OAuthException', message: '(#200) This endpoint requires a Page access token: publish and moderate with the token /me/accounts gives for the Page' });
      } else {
        sendGraphError(reply, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
      }
      return undefined;
    }
    const user = this.store.tokens.get(page.userToken);
    const invalid = tokenProblem(user && user.longLived ? { ...user, expiresAt: Number.POSITIVE_INFINITY } : user);
    if (invalid || !user) {
      sendGraphError(reply, invalid!);
      return undefined;
    }
    if (page.pageId !== pageId) {
      sendGraphError(reply, { code: 200, message: `(#200) The Page access token is not for the Page that owns object ${pageId}` });
      return undefined;
    }
    return this.meter(user, reply, undefined, page.token) ? user : undefined;
  }

  /** Counts the call against the token's limit; false after answering the throttle error. */
  private meter(t: UserToken, reply: FastifyReply, businessId: string | undefined, key = t.token): boolean {
    const rl = this.options.rateLimit;
    const now = Date.now();
    let w = this.calls.get(key);
    if (!w || (rl && now - w.start >= rl.windowMs)) w = { start: now, count: 0 };
    w.count += 1;
    this.calls.set(key, w);
    const usage = { callCount: rl ? (100 * w.count) / rl.limit : 1, regainMinutes: 0 };
    if (this.limiter && rl && !this.limiter.take(key).ok) {
      setUsageHeaders(reply, { callCount: 100, regainMinutes: rl.regainMinutes }, businessId);
      const message = rl.code === 80002
        ? '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.'
        : rl.code === 17 ? '(#17) User request limit reached' : '(#4) Application request limit reached';
      sendGraphError(reply, { code: rl.code, message, isTransient: true });
      return false;
    }
    setUsageHeaders(reply, usage, businessId);
    return true;
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
