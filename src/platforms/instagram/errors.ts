// What a Graph error means for Herald (contract §2.2, §2.3, §4.8), by code and subcode:
//   190, 102                           -> auth (token expired/invalid/revoked; subcodes 458-467)
//   4, 17, 32, 613, 80001, 80002       -> rate_limited, waiting `estimated_time_to_regain_access` (minutes, from the
//                                         X-Business-Use-Case-Usage header) or the configured default
//   9 / 2207042                        -> rate_limited: the 24 h publishing limit, lifts with the moving window
//   4 / 2207051 (suspected spam)       -> permanent
//   2207001, 2207003, 2207008, 2207027, 2207032, 2207052
//                                      -> transient (the table says retry / wait / flaky fetch)
//   1, 2, is_transient, HTTP 5xx       -> transient on reads, ambiguous on the commit call (media_publish)
//   anything else                      -> permanent, with Meta's code and message
// Messages name the call (`what`), never the URL: the token endpoint carries secrets in its query.
import { OAuthError, PublishError } from '../provider.js';
import { redactMediaSignatures } from '../../storage/signed-media-urls.js';
import { parseMetaUsage } from './usage.js';

export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_msg?: string;
}

/** What each invalid-session subcode of 190/102 means for the user (§2.2), for the account's reauth reason. */
const AUTH_SUBCODE_MEANING: Record<number, string> = {
  458: 'the user removed the app',
  459: 'the user must log in to Facebook to clear a security checkpoint',
  460: 'the user changed their password or Meta invalidated the session',
  463: 'the token expired',
  464: 'the user is not a confirmed Facebook user',
  467: 'the token is no longer valid (the user logged out)',
  492: 'the session is invalid',
};

function authMeaning(e: GraphErrorBody | undefined): string {
  const meaning = e?.error_subcode !== undefined ? AUTH_SUBCODE_MEANING[e.error_subcode] : undefined;
  return meaning ? ` [${meaning}]` : '';
}

const THROTTLE_CODES = new Set([4, 17, 32, 613, 80001, 80002]);
const AUTH_CODES = new Set([190, 102]);
const RETRYABLE_SUBCODES = new Set([2207001, 2207003, 2207008, 2207027, 2207032, 2207052]);
const PUBLISHING_LIMIT_SUBCODE = 2207042;
/** Code 4 with 2207051 is Instagram's spam restriction, not a throttle: waiting and retrying would not help. */
const SPAM_RESTRICTION_SUBCODE = 2207051;

export interface Waits {
  rateLimitWaitMs: number;
  publishingWindowMs: number;
}

/** Graph's `{ error: {...} }`, or undefined when the body is not an error envelope. */
export function graphErrorOf(body: unknown): GraphErrorBody | undefined {
  const e = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  return e && typeof e === 'object' ? (e as GraphErrorBody) : undefined;
}

/** The longest `estimated_time_to_regain_access` (minutes) in an X-Business-Use-Case-Usage header, as ms. */
export function regainWaitMs(header: string | null): number | undefined {
  const minutes = parseMetaUsage(null, header).regainMinutes;
  return minutes === undefined ? undefined : minutes * 60_000;
}

function codeString(e: GraphErrorBody | undefined, status: number): string {
  if (!e?.code && e?.code !== 0) return `http_${status}`;
  return e.error_subcode ? `${e.code}/${e.error_subcode}` : String(e.code);
}

export function publishErrorFrom(
  status: number, body: unknown, usageHeader: string | null, commit: boolean, what: string, waits: Waits,
): PublishError {
  const e = graphErrorOf(body);
  const code = codeString(e, status);
  // Meta may quote the media URL it could not fetch: a signed Herald URL must not reach logs or workflow history.
  const text = redactMediaSignatures(`${what} answered ${status} (#${code})${e?.message ? `: ${e.message}` : ''}${e?.error_user_msg ? ` - ${e.error_user_msg}` : ''}`);
  const c = e?.code;
  const sub = e?.error_subcode;
  if (c !== undefined && AUTH_CODES.has(c)) return new PublishError('auth', code, `${text}${authMeaning(e)}`);
  if (sub === SPAM_RESTRICTION_SUBCODE) return new PublishError('permanent', code, text);
  if (c !== undefined && THROTTLE_CODES.has(c)) return new PublishError('rate_limited', code, text, regainWaitMs(usageHeader) ?? waits.rateLimitWaitMs);
  if (sub === PUBLISHING_LIMIT_SUBCODE) return new PublishError('rate_limited', code, text, waits.publishingWindowMs);
  if (sub !== undefined && RETRYABLE_SUBCODES.has(sub)) return new PublishError('transient', code, text);
  if (c === 1 || c === 2 || e?.is_transient === true || status >= 500 || !e) {
    return new PublishError(commit ? 'ambiguous' : 'transient', code, text);
  }
  return new PublishError('permanent', code, text);
}

export function oauthErrorFrom(status: number, body: unknown, what: string): OAuthError {
  const e = graphErrorOf(body);
  const code = codeString(e, status);
  const text = `${what} answered ${status} (#${code})${e?.message ? `: ${e.message}` : ''}`;
  const c = e?.code;
  if (c !== undefined && AUTH_CODES.has(c)) return new OAuthError('invalid_grant', code, `${text}${authMeaning(e)}`);
  // 100/36009: the code was used or expired - the user must log in again.
  if (c === 100 && e?.error_subcode === 36009) return new OAuthError('invalid_grant', code, text);
  if ((c !== undefined && THROTTLE_CODES.has(c)) || c === 1 || c === 2 || e?.is_transient === true || status >= 500 || !e) {
    return new OAuthError('transient', code, text);
  }
  return new OAuthError('permanent', code, text);
}
