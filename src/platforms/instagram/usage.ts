// Meta's usage headers (contract §2.3), read so Herald backs off before Meta throttles it:
//   X-App-Usage                 {"call_count":28,"total_time":25,"total_cputime":25}            percentages of the app limit
//   X-Business-Use-Case-Usage   {"<id>":[{"type":"instagram","call_count":..,"total_cputime":..,"total_time":..,
//                                         "estimated_time_to_regain_access":<minutes>}, ...], ...}
// Meta throttles when any percentage reaches 100; stopping at a lower threshold leaves room for the publishing
// calls that share the same budget. Pure functions, so the parsing is unit-tested without a server.
import { PublishError } from '../provider.js';

export interface MetaUsage {
  /** The highest percentage found in either header (0 when none). */
  maxPercent: number;
  /** The longest `estimated_time_to_regain_access` (minutes), when Meta gave one above zero. */
  regainMinutes?: number;
}

const PERCENT_KEYS = ['call_count', 'total_time', 'total_cputime'] as const;

function parseObject(header: string | null | undefined): unknown {
  if (!header) return undefined;
  try {
    return JSON.parse(header);
  } catch {
    // A malformed header says nothing about the budget; it must not fail the call it came with.
    return undefined;
  }
}

function percentsOf(entry: unknown): number[] {
  if (!entry || typeof entry !== 'object') return [];
  const e = entry as Record<string, unknown>;
  return PERCENT_KEYS.map((k) => e[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function parseMetaUsage(appUsage: string | null | undefined, businessUsage: string | null | undefined): MetaUsage {
  let maxPercent = 0;
  let regainMinutes: number | undefined;
  for (const p of percentsOf(parseObject(appUsage))) maxPercent = Math.max(maxPercent, p);
  const buc = parseObject(businessUsage);
  if (buc && typeof buc === 'object') {
    for (const list of Object.values(buc as Record<string, unknown>)) {
      for (const entry of Array.isArray(list) ? list : []) {
        for (const p of percentsOf(entry)) maxPercent = Math.max(maxPercent, p);
        const m = (entry as { estimated_time_to_regain_access?: unknown } | null)?.estimated_time_to_regain_access;
        if (typeof m === 'number' && Number.isFinite(m) && m > 0) regainMinutes = Math.max(regainMinutes ?? 0, m);
      }
    }
  }
  return { maxPercent, ...(regainMinutes !== undefined ? { regainMinutes } : {}) };
}

/**
 * The rate_limited error to throw when usage reached `thresholdPercent`, else undefined. The wait is Meta's
 * estimate when it gave one, else `defaultWaitMs` (Meta sends no Retry-After).
 */
export function usageThrottle(
  usage: MetaUsage, thresholdPercent: number, defaultWaitMs: number, what: string,
): PublishError | undefined {
  if (usage.maxPercent < thresholdPercent) return undefined;
  const waitMs = usage.regainMinutes !== undefined ? usage.regainMinutes * 60_000 : defaultWaitMs;
  return new PublishError('rate_limited', 'usage_threshold',
    `${what}: Meta reports ${usage.maxPercent}% of the call budget used (stopping at ${thresholdPercent}%)`, waitMs);
}
