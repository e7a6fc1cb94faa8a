// Conditions an active account can carry in its status reason that stop publishing without disconnecting it.
// Written by the connect flow, read by the publish activities and the API's post validation.

/** The account lacks permissions publishing needs (see ConnectedProfile.missingScopes). */
export const MISSING_SCOPES = 'missing_scopes';

/** The blocking condition in an account's status reason, if any. */
export function publishingBlockedBy(statusReason: string | null): string | undefined {
  return statusReason?.startsWith(`${MISSING_SCOPES}:`) ? MISSING_SCOPES : undefined;
}
