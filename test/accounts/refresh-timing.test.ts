// When accountLifecycle refreshes: the configured margin before expiry, capped at half the remaining lifetime.
import { describe, expect, test } from 'vitest';
import { mayPublish } from '../../src/platforms/account-warnings.js';
import { reauthNoticeAt, refreshDueAt, refreshRetryDelayMs, renewalDueAt } from '../../src/workflows/refresh-timing.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

test('a day-long token is refreshed the configured margin before it expires', () => {
  expect(refreshDueAt(now + 24 * HOUR, now, HOUR)).toBe(now + 23 * HOUR);
});

test('a short-lived token is refreshed at half its remaining lifetime, not at once', () => {
  expect(refreshDueAt(now + 20_000, now, HOUR)).toBe(now + 10_000);
  expect(refreshDueAt(now + 2 * HOUR, now, HOUR)).toBe(now + HOUR);
});

test('an expired token is refreshed now', () => {
  expect(refreshDueAt(now - 1, now, HOUR)).toBe(now);
  expect(refreshDueAt(now, now, HOUR)).toBe(now);
});

test('failed refreshes back off from 30 s, doubling, up to 15 minutes', () => {
  expect([1, 2, 3, 4, 5, 6, 10].map(refreshRetryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
});

describe('renewalDueAt and reauthNoticeAt (tokens that may not be renewable)', () => {
  const DAY = 86_400_000;
  test('a 60-day token is renewed before the 7-day notice window opens', () => {
    expect(renewalDueAt(60 * DAY, 0, HOUR, 7 * DAY)).toBe(60 * DAY - 7 * DAY - HOUR);
  });
  test('a token shorter than twice notice + margin follows refreshDueAt', () => {
    expect(renewalDueAt(24 * HOUR, 0, HOUR, 7 * DAY)).toBe(refreshDueAt(24 * HOUR, 0, HOUR));
    expect(renewalDueAt(20_000, 0, HOUR, 7 * DAY)).toBe(10_000);
  });
  test('the notice comes `notice` before expiry, or now when that has passed', () => {
    expect(reauthNoticeAt(60 * DAY, 0, 7 * DAY)).toBe(53 * DAY);
    expect(reauthNoticeAt(3 * DAY, 1000, 7 * DAY)).toBe(1000);
  });
});

describe('mayPublish', () => {
  const future = new Date(Date.now() + 3_600_000);
  const past = new Date(Date.now() - 1000);
  test('active accounts publish; a token_expiring warning publishes until the expiry; other reauth reasons do not', () => {
    expect(mayPublish({ status: 'active', statusReason: null, expiresAt: null })).toBe(true);
    expect(mayPublish({ status: 'reauth_required', statusReason: 'token_expiring: expires soon', expiresAt: future })).toBe(true);
    expect(mayPublish({ status: 'reauth_required', statusReason: 'token_expiring: expires soon', expiresAt: past })).toBe(false);
    expect(mayPublish({ status: 'reauth_required', statusReason: 'the platform rejected the refresh token', expiresAt: future })).toBe(false);
    expect(mayPublish({ status: 'disconnected', statusReason: 'token_expiring: x', expiresAt: future })).toBe(false);
  });
});
