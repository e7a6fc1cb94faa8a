// The one engagement-rate formula: (likes + comments + shares + saves) / views × 100, reach when views are missing.
import { describe, expect, test } from 'vitest';
import { engagementRate } from '../../src/activities/engagement-rate.js';

describe('engagementRate', () => {
  test('interactions over views, in percent with two decimals', () => {
    expect(engagementRate({ views: 1000, likes: 50, comments: 10, shares: 5, saves: 5 })).toBe(7);
    expect(engagementRate({ views: 3, likes: 1 })).toBe(33.33);
    expect(engagementRate({ views: 3, likes: 2 })).toBe(66.67);
    expect(engagementRate({ views: 800, likes: 1, comments: 0, shares: 0, saves: 0 })).toBe(0.13); // 0.125 rounds up
  });

  test('zero or missing denominator gives null, never a division error', () => {
    expect(engagementRate({ views: 0, likes: 5 })).toBeNull();
    expect(engagementRate({ views: 0, reach: 100, likes: 5 })).toBeNull(); // views present (zero): no fallback
    expect(engagementRate({ likes: 5 })).toBeNull();
    expect(engagementRate({ views: null, reach: null, likes: 5 })).toBeNull();
    expect(engagementRate({ views: null, reach: 0, likes: 5 })).toBeNull();
  });

  test('falls back to reach when views are missing', () => {
    expect(engagementRate({ views: null, reach: 300, likes: 10, saves: 2 })).toBe(4);
    expect(engagementRate({ reach: 200, comments: 1 })).toBe(0.5);
  });

  test('missing interaction counts count as zero', () => {
    expect(engagementRate({ views: 100 })).toBe(0);
    expect(engagementRate({ views: 100, likes: null, shares: 3 })).toBe(3);
  });
});
