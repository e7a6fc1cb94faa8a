// TikTok's per-token limits are counted over a sliding one-minute window (§1.0, §1.16): a request is refused when
// `limit` requests were accepted in the last `windowMs`. No Retry-After is documented, so none is computed here.
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limit: number, private readonly windowMs = 60_000) {}

  /** Counts the request and answers true, or answers false (nothing counted) when the window is full. */
  take(key: string, now = Date.now()): boolean {
    if (this.limit <= 0) return true;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    return true;
  }

  reset(): void {
    this.hits.clear();
  }
}
