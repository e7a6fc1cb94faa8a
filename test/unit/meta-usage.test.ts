// Pure pieces of Instagram insights: reading Meta's usage headers (§2.3) into a stop decision, and building daily
// account rows (followers walked back from today's total with the daily new-follower counts).
import { describe, expect, test } from 'vitest';
import { accountDays } from '../../src/platforms/instagram/insights.js';
import { parseMetaUsage, usageThrottle } from '../../src/platforms/instagram/usage.js';

describe('parseMetaUsage', () => {
  test('takes the highest percentage of both headers and the longest regain estimate', () => {
    const app = JSON.stringify({ call_count: 28, total_time: 25, total_cputime: 40 });
    const buc = JSON.stringify({
      '17841405822304914': [{ type: 'instagram', call_count: 12, total_cputime: 91, total_time: 3, estimated_time_to_regain_access: 0 }],
      '1755847768034402': [{ type: 'pages', call_count: 5, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 19 }],
    });
    expect(parseMetaUsage(app, buc)).toEqual({ maxPercent: 91, regainMinutes: 19 });
    expect(parseMetaUsage(app, null)).toEqual({ maxPercent: 40 });
  });

  test('absent, malformed or odd headers count as no usage', () => {
    expect(parseMetaUsage(null, undefined)).toEqual({ maxPercent: 0 });
    expect(parseMetaUsage('not json', '{"x": "nope"}')).toEqual({ maxPercent: 0 });
    expect(parseMetaUsage('{"call_count":"90"}', '{"1":[null, {"call_count": 7, "estimated_time_to_regain_access": -3}]}')).toEqual({ maxPercent: 7 });
  });
});

describe('usageThrottle', () => {
  test('below the threshold: go on', () => {
    expect(usageThrottle({ maxPercent: 89 }, 90, 60_000, 'x')).toBeUndefined();
  });
  test('at the threshold: rate_limited, waiting Meta\'s estimate in minutes', () => {
    const e = usageThrottle({ maxPercent: 90, regainMinutes: 7 }, 90, 60_000, 'GET /{ig-media-id}/insights')!;
    expect(e).toMatchObject({ kind: 'rate_limited', code: 'usage_threshold', retryAfterMs: 7 * 60_000 });
    expect(e.message).toContain('90%');
  });
  test('without an estimate: the default wait', () => {
    expect(usageThrottle({ maxPercent: 100 }, 90, 123_000, 'x')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 123_000 });
  });
});

describe('accountDays', () => {
  test('today holds the exact total; earlier days subtract the new followers of the day after', () => {
    const rows = accountDays({
      today: '2026-03-10', sinceDay: '2026-03-07', followersNow: 1000,
      newFollowers: new Map([['2026-03-10', 5], ['2026-03-09', 7], ['2026-03-08', 3], ['2026-03-07', 1]]),
      reach: new Map([['2026-03-09', 400], ['2026-03-10', 20]]),
    });
    expect(rows).toEqual([
      { day: '2026-03-07', followers: 985, reach: null, profileViews: null },
      { day: '2026-03-08', followers: 988, reach: null, profileViews: null },
      { day: '2026-03-09', followers: 995, reach: 400, profileViews: null },
      { day: '2026-03-10', followers: 1000, reach: 20, profileViews: null },
    ]);
  });

  test('a missing daily count ends the walk: earlier days get null followers, never a guess', () => {
    const rows = accountDays({
      today: '2026-03-10', sinceDay: '2026-03-07', followersNow: 1000,
      newFollowers: new Map([['2026-03-10', 5]]), reach: new Map([['2026-03-07', 9]]),
    });
    expect(rows).toEqual([
      { day: '2026-03-07', followers: null, reach: 9, profileViews: null },
      { day: '2026-03-09', followers: 995, reach: null, profileViews: null },
      { day: '2026-03-10', followers: 1000, reach: null, profileViews: null },
    ]);
  });
});
