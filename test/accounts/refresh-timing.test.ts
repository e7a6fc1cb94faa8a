// When accountLifecycle refreshes: the configured margin before expiry, capped at half the remaining lifetime.
import { expect, test } from 'vitest';
import { refreshDueAt, refreshRetryDelayMs } from '../../src/workflows/refresh-timing.js';

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
