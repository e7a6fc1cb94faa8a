// An in-memory QuotaGate with the Postgres store's semantics, for provider tests that run without a database.
import type { QuotaGate } from '../../src/platforms/provider.js';

export function memoryQuota(now: () => number = Date.now): QuotaGate & { holds: Map<string, { at: number; released: boolean; id: string }[]> } {
  const holds = new Map<string, { at: number; released: boolean; id: string }[]>();
  return {
    holds,
    async acquire(key, rule) {
      const list = holds.get(key) ?? [];
      if (list.some((h) => h.id === rule.holdId)) return { ok: true };
      const since = rule.fixedWindow ? rule.fixedWindow.start - 1 : now() - rule.windowMs;
      const counted = list.filter((h) => h.at > since && (!rule.pendingOnly || !h.released)).map((h) => h.at).sort((a, b) => a - b);
      const count = Math.min(Math.max(1, rule.count ?? 1), rule.limit);
      if (counted.length + count > rule.limit) {
        if (rule.fixedWindow) return { ok: false, retryAfterMs: Math.max(1000, rule.fixedWindow.end - now()) };
        const freedBy = counted[counted.length + count - rule.limit - 1]!;
        return { ok: false, retryAfterMs: Math.max(1000, freedBy + rule.windowMs - now()) };
      }
      for (let i = 0; i < count; i++) list.push({ at: now(), released: false, id: i === 0 ? rule.holdId : `${rule.holdId}#${i}` });
      holds.set(key, list);
      return { ok: true };
    },
    async release(key, holdId) {
      const h = holds.get(key)?.find((x) => x.id === holdId);
      if (h) h.released = true;
    },
  };
}
