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
