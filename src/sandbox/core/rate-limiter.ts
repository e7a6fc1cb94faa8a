// Fixed-window request counter per key (platforms key it by access token), for simulating a platform's
// "N requests per minute per token" limit. `retryAfterSeconds` is what the platform puts in Retry-After.
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class FixedWindowRateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number, private readonly windowMs = 60_000) {}

  take(key: string, now = Date.now()): RateDecision {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) };
    }
    w.count += 1;
    return { ok: true };
  }

  reset(): void {
    this.windows.clear();
  }
}
