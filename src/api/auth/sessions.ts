// Browser sessions: an API key entered once in the dashboard is exchanged for a random session token kept in an
// HttpOnly cookie (the key never reaches browser storage). Only the token's SHA-256 is stored. A cookie-authenticated
// request that changes something must also carry the session's CSRF token (`X-CSRF-Token`), derived from the session
// token by HMAC: a page on another site can make the browser send the cookie, but cannot read the token.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, userSessions, users } from '../../db/schema.js';
import type { AuthenticatedUser } from './api-keys.js';

export const SESSION_COOKIE = 'herald_session';
export const CSRF_HEADER = 'x-csrf-token';

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** The CSRF token of a session: computable from the cookie alone, so nothing more is stored. */
export const csrfTokenOf = (sessionToken: string) => createHmac('sha256', sessionToken).update('herald-csrf').digest('base64url');

export function csrfTokenMatches(sessionToken: string, given: string | undefined): boolean {
  if (!given) return false;
  const want = Buffer.from(csrfTokenOf(sessionToken));
  const got = Buffer.from(given);
  return want.length === got.length && timingSafeEqual(want, got);
}

export async function createSession(db: Db, input: { userId: string; apiKeyId: string; ttlMs: number }): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + input.ttlMs);
  await db.insert(userSessions).values({ tokenHash: hashToken(token), userId: input.userId, apiKeyId: input.apiKeyId, expiresAt });
  return { token, expiresAt };
}

/** The session's user, or undefined when the token is unknown, expired, signed out, or its API key was revoked. */
export async function findSession(db: Db, token: string): Promise<{ user: AuthenticatedUser; apiKeyId: string; expiresAt: Date } | undefined> {
  const [row] = await db.select({
    apiKeyId: userSessions.apiKeyId, expiresAt: userSessions.expiresAt,
    id: users.id, email: users.email, name: users.name, timezone: users.timezone,
  }).from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .innerJoin(apiKeys, eq(apiKeys.id, userSessions.apiKeyId))
    .where(and(eq(userSessions.tokenHash, hashToken(token)), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, new Date()), isNull(apiKeys.revokedAt)));
  if (!row) return undefined;
  return { user: { id: row.id, email: row.email, name: row.name, timezone: row.timezone }, apiKeyId: row.apiKeyId, expiresAt: row.expiresAt };
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.update(userSessions).set({ revokedAt: new Date() }).where(and(eq(userSessions.tokenHash, hashToken(token)), isNull(userSessions.revokedAt)));
}
