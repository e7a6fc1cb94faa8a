// How many Postgres connections the worker's pool may open. Every activity and local activity that runs holds one for
// its short writes; a pool much smaller than the slots that use it turns a burst of due commits into a queue for
// connections. Sized to the slots, within a share of what one Postgres allows (embedded: 200 connections in all, which
// a Temporal server on the same Postgres, --temporal postgres, also draws on).
export const WORKER_POOL_CEILING = 50;

export function workerDatabasePoolSize(c: { DATABASE_POOL_MAX: number; WORKER_MAX_CONCURRENT_ACTIVITIES: number; WORKER_MAX_CONCURRENT_TRANSFERS: number }): number {
  return Math.max(c.DATABASE_POOL_MAX, Math.min(c.WORKER_MAX_CONCURRENT_ACTIVITIES + c.WORKER_MAX_CONCURRENT_TRANSFERS, WORKER_POOL_CEILING));
}
