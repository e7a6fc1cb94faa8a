// What an account's status, status reason and token expiry mean for the user: one badge and the warnings to show.
// The reason formats are the API's (src/platforms/account-warnings.ts): `missing_scopes: ...` and `not_postable: ...`
// on an active account that may not publish, `token_expiring: ...` on a reauth_required account whose token still
// works until the date it gives. Any other reauth_required reason is the platform refusing the token.
import type { Account } from '../../api/types';

export type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

export interface AccountStatusView {
  badge: { tone: Tone; label: string };
  /** Sentences shown under the account, most important first. */
  warnings: string[];
  /** Whether connecting again is what fixes it. */
  reconnect: boolean;
}

/** Expiries closer than this are worth a warning. */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

const MISSING_SCOPES = 'missing_scopes:';
const NOT_POSTABLE = 'not_postable:';
const TOKEN_EXPIRING = 'token_expiring:';

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** A reason as a sentence: capitalised, its ISO instants in the reader's own date and time. */
function readable(text: string, capitalise = true): string {
  const localized = text.replace(ISO_INSTANT, (iso) => {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? iso : new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  });
  return capitalise ? localized.charAt(0).toUpperCase() + localized.slice(1) : localized;
}

/** The reason's text after its prefix, to follow a label of ours (it may start with a scope's name: kept as is). */
function after(prefix: string, reason: string, capitalise = false): string {
  return readable(reason.slice(prefix.length).trim(), capitalise);
}

/** Whole days from now until `iso` (0 on the last day, negative once past). */
export function daysUntil(iso: string, now: number): number {
  return Math.floor((Date.parse(iso) - now) / DAY_MS);
}

/**
 * When the account stops working unless reconnected: the login's own expiry when it has a refresh token outliving
 * the access token (Herald renews the access token until then), else the access token's.
 */
function connectionEndsAt(account: Account): string | null {
  const { expiresAt, refreshExpiresAt } = account;
  if (refreshExpiresAt && (!expiresAt || Date.parse(refreshExpiresAt) > Date.parse(expiresAt))) return refreshExpiresAt;
  return expiresAt;
}

function expiryWarning(account: Account, now: number): string | null {
  const endsAt = connectionEndsAt(account);
  if (!endsAt) return null;
  const days = daysUntil(endsAt, now);
  if (days >= EXPIRY_WARNING_DAYS) return null;
  const date = new Date(endsAt).toLocaleDateString(undefined, { dateStyle: 'medium' });
  if (days < 0) return `The token expired on ${date}.`;
  if (days === 0) return `The token expires today (${date}).`;
  return `The token expires in ${days} ${days === 1 ? 'day' : 'days'} (${date}).`;
}

export function accountStatus(account: Account, now = Date.now()): AccountStatusView {
  const reason = account.statusReason ?? '';
  if (account.status === 'disconnected') {
    return { badge: { tone: 'neutral', label: 'Disconnected' }, warnings: reason ? [readable(reason)] : [], reconnect: true };
  }
  if (account.status === 'reauth_required') {
    if (reason.startsWith(TOKEN_EXPIRING)) {
      return { badge: { tone: 'warn', label: 'Token expiring' }, warnings: [after(TOKEN_EXPIRING, reason, true)], reconnect: true };
    }
    return {
      badge: { tone: 'danger', label: 'Reconnect required' },
      warnings: [reason ? readable(reason) : 'The platform no longer accepts this account\'s token: connect it again.'],
      reconnect: true,
    };
  }
  const warnings: string[] = [];
  let badge: AccountStatusView['badge'] = { tone: 'ok', label: 'Active' };
  let reconnect = false;
  if (reason.startsWith(MISSING_SCOPES)) {
    badge = { tone: 'warn', label: 'Missing permissions' };
    warnings.push(`Missing permissions: ${after(MISSING_SCOPES, reason)}`);
    reconnect = true;
  } else if (reason.startsWith(NOT_POSTABLE)) {
    badge = { tone: 'warn', label: 'Cannot publish' };
    warnings.push(`Cannot publish: ${after(NOT_POSTABLE, reason)}`);
  } else if (reason) {
    warnings.push(readable(reason));
  }
  const expiry = expiryWarning(account, now);
  if (expiry) warnings.push(expiry);
  return { badge, warnings, reconnect };
}
