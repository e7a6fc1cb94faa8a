// API keys: `hk_` + base64url(32 random bytes). Only the SHA-256 of a key is stored (a database leak yields no
// usable key) together with its first characters, so a user can tell keys apart. The key itself is returned once,
// at creation. Also used by scripts/dev.ts to create the demo user.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, users, type User } from '../../db/schema.js';

export const API_KEY_PREFIX = 'hk_';
const KEY_PREFIX_LENGTH = 10;
/** `last_used_at` is a hint for users, not an audit log: one write a minute per key is plenty. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface NewApiKey {
  id: string;
  /** The key itself. Shown once; never stored or logged. */
  key: string;
  prefix: string;
}

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string | null;
  timezone: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, KEY_PREFIX_LENGTH) };
}

export async function createApiKey(db: Db, userId: string, name = 'default'): Promise<NewApiKey> {
  const { key, hash, prefix } = generateApiKey();
  const [row] = await db.insert(apiKeys).values({ userId, name, keyHash: hash, keyPrefix: prefix }).returning({ id: apiKeys.id });
  return { id: row!.id, key, prefix };
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}

/**
 * Creates the user and a first API key. Calling it again for an existing email (case-insensitively) keeps the user
 * as it is and adds a new key, so setup scripts can run it on every start.
 */
export async function createUserWithApiKey(
  db: Db,
  input: { email: string; name?: string | null; timezone?: string },
): Promise<{ user: User; apiKey: NewApiKey; created: boolean }> {
  const [inserted] = await db.insert(users)
    .values({ email: input.email, name: input.name ?? null, timezone: input.timezone ?? 'UTC' })
    .onConflictDoNothing()
    .returning();
  const user = inserted ?? await findUserByEmail(db, input.email);
  if (!user) throw new Error(`user ${input.email} neither inserted nor found`);
  const apiKey = await createApiKey(db, user.id);
  return { user, apiKey, created: inserted !== undefined };
}

/** The user behind a key, or undefined for an unknown or revoked key. Refreshes `last_used_at` when stale. */
export async function authenticateApiKey(
  db: Db,
  key: string,
  now = new Date(),
): Promise<{ user: AuthenticatedUser; apiKeyId: string } | undefined> {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const [row] = await db
    .select({
      apiKeyId: apiKeys.id,
      lastUsedAt: apiKeys.lastUsedAt,
      id: users.id,
      email: users.email,
      name: users.name,
      timezone: users.timezone,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  if (!row) return undefined;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests of the same minute still write once.
    await db.update(apiKeys).set({ lastUsedAt: now }).where(and(
      eq(apiKeys.id, row.apiKeyId),
      or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS))),
    ));
  }
  const { apiKeyId, id, email, name, timezone } = row;
  return { apiKeyId, user: { id, email, name, timezone } };
}
