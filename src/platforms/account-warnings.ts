// Conditions an active account can carry in its status reason that stop publishing without disconnecting it.
// Written by the connect flow, read by the publish activities and the API's post validation.

/** The account lacks permissions publishing needs (see ConnectedProfile.missingScopes). */
export const MISSING_SCOPES = 'missing_scopes';

/** The login can see the account but may not post to it (see ConnectedProfile.notPostableReason). */
export const NOT_POSTABLE = 'not_postable';

/**
 * A platform told Herald something about the account the user should know (PublishError.accountWarning, e.g. X's
 * monthly post cap reached). Publishing goes on; the warning is cleared by the next publish that succeeds.
 */
export const PLATFORM_WARNING = 'platform_warning';

/** The blocking condition in an account's status reason, if any. */
export function publishingBlockedBy(statusReason: string | null): string | undefined {
  return [MISSING_SCOPES, NOT_POSTABLE].find((condition) => statusReason?.startsWith(`${condition}:`));
}

/**
 * The account's token expires soon and cannot be renewed (status reauth_required, set ahead of time by
 * accountLifecycle). Unlike other reauth_required reasons, the token still works: publishing goes on until it expires.
 */
export const TOKEN_EXPIRING = 'token_expiring';

/** Whether an account may still publish: active, or warned of an expiry that has not come yet. */
export function mayPublish(account: { status: string; statusReason: string | null; expiresAt: Date | null }, now = Date.now()): boolean {
  if (account.status === 'active') return true;
  return account.status === 'reauth_required'
    && (account.statusReason?.startsWith(`${TOKEN_EXPIRING}:`) ?? false)
    && account.expiresAt !== null && account.expiresAt.getTime() > now;
}
