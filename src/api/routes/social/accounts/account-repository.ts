// Reads of social_accounts for the API. Selects name their columns explicitly: the data key and token columns are
// never read here, so they cannot end up in a response or a log by accident.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import { socialAccounts } from '../../../../db/schema.js';

const publicColumns = {
  id: socialAccounts.id,
  platform: socialAccounts.platform,
  platformAccountId: socialAccounts.platformAccountId,
  grantId: socialAccounts.grantId,
  displayName: socialAccounts.displayName,
  scopes: socialAccounts.scopes,
  status: socialAccounts.status,
  statusReason: socialAccounts.statusReason,
  expiresAt: socialAccounts.expiresAt,
  refreshExpiresAt: socialAccounts.refreshExpiresAt,
  metadata: socialAccounts.metadata,
  createdAt: socialAccounts.createdAt,
};

export async function listAccounts(db: Db, userId: string) {
  return db.select(publicColumns).from(socialAccounts)
    .where(eq(socialAccounts.userId, userId))
    .orderBy(socialAccounts.platform, socialAccounts.createdAt, socialAccounts.id);
}

export type AccountRow = Awaited<ReturnType<typeof listAccounts>>[number];

/** One of the user's accounts; undefined for another user's (its existence is never revealed). */
export async function findOwnedAccount(db: Db, userId: string, id: string): Promise<AccountRow & { userId: string } | undefined> {
  const [row] = await db.select({ ...publicColumns, userId: socialAccounts.userId }).from(socialAccounts)
    .where(and(eq(socialAccounts.userId, userId), eq(socialAccounts.id, id)));
  return row;
}

/** The user's accounts among `ids`, in the order of `ids`. */
export async function findOwnedAccountViews(db: Db, userId: string, ids: string[]): Promise<AccountRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.select(publicColumns).from(socialAccounts)
    .where(and(eq(socialAccounts.userId, userId), inArray(socialAccounts.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/** The user's accounts among `ids` (others' accounts are simply absent). */
export async function findOwnedAccounts(db: Db, userId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({ id: socialAccounts.id, platform: socialAccounts.platform, status: socialAccounts.status, statusReason: socialAccounts.statusReason })
    .from(socialAccounts)
    .where(and(eq(socialAccounts.userId, userId), inArray(socialAccounts.id, ids)));
}

/** The user's other accounts connected through the same login, still connected. */
export async function findLoginSiblings(db: Db, userId: string, account: { id: string; grantId: string | null }) {
  if (account.grantId === null) return [];
  const rows = await db.select(publicColumns).from(socialAccounts)
    .where(and(eq(socialAccounts.userId, userId), eq(socialAccounts.grantId, account.grantId)));
  return rows.filter((r) => r.id !== account.id && r.status !== 'disconnected');
}
