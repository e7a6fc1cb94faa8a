// When accountLifecycle refreshes an access token, and how long it waits after a failed refresh. Pure functions of
// times (no I/O, no clock of their own), so the workflow stays deterministic and the rule can be unit-tested.

/**
 * The instant to refresh a token expiring at `expiresAtMs`, seen at `nowMs`: `margin` before expiry, where the
 * margin is the configured one capped at half the remaining lifetime. A day-long token with a one-hour margin is
 * refreshed an hour early; a 20-second token is refreshed after 10 seconds, not immediately. Never before `nowMs`.
 */
export function refreshDueAt(expiresAtMs: number, nowMs: number, marginMs: number): number {
  const remaining = expiresAtMs - nowMs;
  if (remaining <= 0) return nowMs;
  return expiresAtMs - Math.min(marginMs, remaining / 2);
}

/** Wait after the n-th consecutive failed refresh (n >= 1): 30 s doubling, at most 15 minutes. */
export function refreshRetryDelayMs(consecutiveFailures: number): number {
  return Math.min(15 * 60_000, 30_000 * 2 ** Math.max(0, consecutiveFailures - 1));
}

/** Proactive refreshes are never closer together than this, whatever lifetime a platform announces. */
export const MIN_REFRESH_INTERVAL_MS = 1_000;

/**
 * When to renew a token, given the REAUTH_NOTICE window: a long-lived token (more than twice notice + margin
 * left, e.g. Meta's 60-day tokens) is renewed before the notice window opens, so that if the platform turns out
 * not to extend it the user still gets the whole notice. Shorter tokens follow refreshDueAt.
 */
export function renewalDueAt(expiresAtMs: number, nowMs: number, marginMs: number, noticeMs: number): number {
  const early = noticeMs + marginMs;
  if (expiresAtMs - nowMs > 2 * early) return expiresAtMs - early;
  return refreshDueAt(expiresAtMs, nowMs, marginMs);
}

/** When a token that cannot be renewed turns the account reauth_required: `notice` before expiry, never before now. */
export function reauthNoticeAt(expiresAtMs: number, nowMs: number, noticeMs: number): number {
  return Math.max(nowMs, expiresAtMs - noticeMs);
}
