// Who an API key belongs to, remembered for API_KEY_CACHE_SECONDS: a client calling at 200 requests a second would
// otherwise cost a Postgres round trip per request before any work. Only keys that were found are remembered (an
// unknown key is looked up every time, so a new key works at once and guessing fills nothing), under their SHA-256,
// never the key itself. What a cache costs, and README says: a key revoked (or a user changed) in the database still
// works on each API process until its entry expires; a change through PATCH /api/me drops the user's entries at once
// on the process that made it. `last_used_at` is refreshed on lookups, so it may lag by the TTL
// on top of its one-minute resolution.
import { LruMap } from 'toad-cache';
import type { Db } from '../../db/client.js';
import { authenticateApiKey, hashApiKey, type AuthenticatedUser } from './api-keys.js';

type Authenticated = { user: AuthenticatedUser; apiKeyId: string };

/** Enough for every key in use at once on one API process; the least recently used goes first beyond it. */
const MAX_CACHED_KEYS = 10_000;

export class ApiKeyCache {
  private readonly entries: LruMap<Authenticated> | undefined;
  /** The cached keys' hashes per user, so a change to the user drops all of them (entries may be gone already). */
  private readonly hashesByUser = new Map<string, Set<string>>();
  private indexed = 0;

  constructor(private readonly db: Db, ttlSeconds: number) {
    this.entries = ttlSeconds > 0 ? new LruMap<Authenticated>(MAX_CACHED_KEYS, ttlSeconds * 1000) : undefined;
  }

  /** The user behind a key, or undefined for an unknown or revoked key (see above for how fresh "revoked" is). */
  async authenticate(key: string): Promise<Authenticated | undefined> {
    if (!this.entries) return authenticateApiKey(this.db, key);
    const hash = hashApiKey(key);
    const cached = this.entries.get(hash);
    if (cached) return cached;
    const found = await authenticateApiKey(this.db, key);
    if (found) {
      this.entries.set(hash, found);
      this.index(found.user.id, hash);
    }
    return found;
  }

  /** Looks every key of the user up afresh next time on this process: the user was just changed. */
  forgetUser(userId: string): void {
    for (const hash of this.hashesByUser.get(userId) ?? []) this.entries?.delete(hash);
    this.hashesByUser.delete(userId);
  }

  private index(userId: string, hash: string): void {
    // Bounded like the cache: past twice its size (stale hashes of evicted entries included), start over.
    if (this.indexed >= 2 * MAX_CACHED_KEYS) {
      this.entries?.clear();
      this.hashesByUser.clear();
      this.indexed = 0;
    }
    let hashes = this.hashesByUser.get(userId);
    if (!hashes) this.hashesByUser.set(userId, hashes = new Set());
    if (!hashes.has(hash)) {
      hashes.add(hash);
      this.indexed += 1;
    }
  }
}
