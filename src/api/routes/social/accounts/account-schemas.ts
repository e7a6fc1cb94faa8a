// Response shapes of the account routes (and of the connect callback, which answers the accounts it connected).
// Built from the repository's public columns only: no data key, no token, ever.
import { z } from 'zod';
import type { AccountRow } from './account-repository.js';

export const accountSchema = z.object({
  id: z.uuid(),
  platform: z.string().describe('Provider id, e.g. `testbed`'),
  platformAccountId: z.string(),
  grantId: z.uuid().nullable().describe('The login this account was connected through: one login (a Facebook user, say) can yield several accounts, which share it. Null for an account connected before logins were recorded, until its first token renewal'),
  displayName: z.string().nullable(),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'reauth_required', 'disconnected'])
    .describe('`reauth_required`: connect the account again. The reason says why; `token_expiring: ...` means the token still works (posts still publish) until the date it gives'),
  statusReason: z.string().nullable().describe('Why the account is not active'),
  expiresAt: z.iso.datetime().nullable().describe('When the access token expires'),
  refreshExpiresAt: z.iso.datetime().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

export type AccountView = z.infer<typeof accountSchema>;

export const presentAccount = (a: AccountRow): AccountView => ({
  ...a,
  expiresAt: a.expiresAt?.toISOString() ?? null,
  refreshExpiresAt: a.refreshExpiresAt?.toISOString() ?? null,
  createdAt: a.createdAt.toISOString(),
});

export const refreshResultSchema = z.object({
  status: z.enum(['refreshed', 'already_fresh', 'not_renewable', 'reauth_required', 'disconnected'])
    .describe('`already_fresh`: a newer token than the one asked about exists; nothing was sent to the platform. `not_renewable`: the token still works but the platform will not extend it; the account turns reauth_required REAUTH_NOTICE_DAYS before it expires'),
  expiresAt: z.iso.datetime().optional().describe('Expiry of the access token now stored'),
  reason: z.string().optional(),
});

export const disconnectParams = z.object({ platform: z.string().min(1).max(64).describe('Provider id, e.g. `testbed`') });
export const disconnectBody = z.strictObject({
  accountId: z.uuid().describe('The account to disconnect'),
  scope: z.enum(['account', 'login']).default('account')
    .describe('`account`: this account only; the login stays for the other accounts connected through it, and is revoked at the platform with the last of them. `login`: every account of this login, and the login revoked'),
});

export const targetOptionsSchema = z.object({
  fields: z.array(z.object({
    name: z.string().describe('The key in `targets[n].options`'),
    label: z.string(),
    kind: z.enum(['enum', 'boolean', 'text', 'text_list', 'number']).describe('`text_list`: an ordered list of texts'),
    values: z.array(z.object({ value: z.string(), label: z.string() })).optional().describe('For `enum`: the values allowed now'),
    default: z.unknown().optional(),
    required: z.boolean().describe('Posts to this account are refused without it (where it applies)'),
    description: z.string().optional(),
    appliesTo: z.array(z.enum(['text', 'image', 'video'])).optional().describe('Only for posts with these media; absent: any post'),
  })),
}).describe('The form; an empty list when the platform takes no options');
