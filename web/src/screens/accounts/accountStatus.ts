// What an account's status, status reason and token expiry mean for the user: one badge and the notes to show.
// The reason formats are the API's (src/platforms/account-warnings.ts): `missing_scopes: ...` and `not_postable: ...`
// on an active account that may not publish, `token_expiring: ...` on a reauth_required account whose token still
// works until the date it gives. Any other reauth_required reason is the platform refusing the token.
import type { Account } from '../../api/types';

export type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

export interface AccountNote {
  tone: Tone;
  text: string;
}

export interface AccountStatusView {
  badge: { tone: Tone; label: string };
  /** Sentences shown under the account, most important first. */
  notes: AccountNote[];
  /** Whether connecting again is what fixes it. */
  reconnect: boolean;
}

/** Token expiries closer than this are mentioned. */
export const EXPIRY_NOTICE_DAYS = 14;
const DAY_MS = 86_400_000;

const MISSING_SCOPES = 'missing_scopes:';
const NOT_POSTABLE = 'not_postable:';
const TOKEN_EXPIRING = 'token_expiring:';

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A reason as a sentence: its ISO instants in the reader's own date and time, capitalised unless told not to. */
function readable(text: string, capitalise = true): string {
  const localized = text.replace(ISO_INSTANT, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : when(iso)));
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
 * The access token's expiry, when near. Herald renews tokens ahead of expiry where the platform allows, and turns
 * an account it cannot renew reauth_required `token_expiring` a few days ahead, so a near expiry of an active
 * account is information, not yet a problem (a TikTok-style day-long token is always near). A token past its
 * expiry on an active account is one renewal did not replace: that is a warning.
 */
function expiryNote(account: Account, now: number): AccountNote | null {
  const { expiresAt } = account;
  if (!expiresAt) return null;
  const days = daysUntil(expiresAt, now);
  if (days >= EXPIRY_NOTICE_DAYS) return null;
  if (Date.parse(expiresAt) <= now) {
    return { tone: 'warn', text: `The access token expired on ${when(expiresAt)} and was not renewed: publishing may fail until it is, or until the account is connected again.` };
  }
  const inDays = days === 0 ? 'today' : `in ${days} ${days === 1 ? 'day' : 'days'}`;
  return { tone: 'neutral', text: `The access token expires ${inDays} (${when(expiresAt)}); Herald renews it before then where the platform allows.` };
}

export function accountStatus(account: Account, now = Date.now()): AccountStatusView {
  const reason = account.statusReason ?? '';
  if (account.status === 'disconnected') {
    return { badge: { tone: 'neutral', label: 'Disconnected' }, notes: reason ? [{ tone: 'neutral', text: readable(reason) }] : [], reconnect: true };
  }
  if (account.status === 'reauth_required') {
    if (reason.startsWith(TOKEN_EXPIRING)) {
      return { badge: { tone: 'warn', label: 'Token expiring' }, notes: [{ tone: 'warn', text: after(TOKEN_EXPIRING, reason, true) }], reconnect: true };
    }
    return {
      badge: { tone: 'danger', label: 'Reconnect required' },
      notes: [{ tone: 'danger', text: reason ? readable(reason) : 'The platform no longer accepts this account\'s token: connect it again.' }],
      reconnect: true,
    };
  }
  const notes: AccountNote[] = [];
  let badge: AccountStatusView['badge'] = { tone: 'ok', label: 'Active' };
  let reconnect = false;
  if (reason.startsWith(MISSING_SCOPES)) {
    badge = { tone: 'warn', label: 'Missing permissions' };
    notes.push({ tone: 'warn', text: `Missing permissions: ${after(MISSING_SCOPES, reason)}` });
    reconnect = true;
  } else if (reason.startsWith(NOT_POSTABLE)) {
    badge = { tone: 'warn', label: 'Cannot publish' };
    notes.push({ tone: 'warn', text: `Cannot publish: ${after(NOT_POSTABLE, reason)}` });
  } else if (reason) {
    notes.push({ tone: 'neutral', text: readable(reason) });
  }
  const expiry = expiryNote(account, now);
  if (expiry) notes.push(expiry);
  return { badge, notes, reconnect };
}
