// An in-memory QuotaGate with the Postgres store's semantics, for provider tests that run without a database.
import type { QuotaGate } from '../../src/platforms/provider.js';

export function memoryQuota(now: () => number = Date.now): QuotaGate & { holds: Map<string, { at: number; released: boolean }[]> } {
  const holds = new Map<string, { at: number; released: boolean; id: string }[]>();
  return {
    holds,
    async acquire(key, rule) {
      const list = holds.get(key) ?? [];
      if (list.some((h) => h.id === rule.holdId)) return { ok: true };
      const counted = list.filter((h) => h.at > now() - rule.windowMs && (!rule.pendingOnly || !h.released));
      if (counted.length >= rule.limit) {
        const oldest = Math.min(...counted.map((h) => h.at));
        return { ok: false, retryAfterMs: Math.max(1000, oldest + rule.windowMs - now()) };
      }
      list.push({ at: now(), released: false, id: rule.holdId });
      holds.set(key, list);
      return { ok: true };
    },
    async release(key, holdId) {
      const h = holds.get(key)?.find((x) => x.id === holdId);
      if (h) h.released = true;
    },
  };
}
