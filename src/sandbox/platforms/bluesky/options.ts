// Options of the simulated Bluesky PDS (contract: /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §5).
// Every point the contract marks UNCONFIRMED is an option here, defaulting to its suggestion: the token lifetimes,
// the bad-password answer, the rate-limit header names, how long unreferenced blobs live.

export interface BlueskySandboxAccount {
  did: string;
  handle: string;
  email?: string;
  /** The app password createSession accepts for this account (the identifier is the handle or the email). */
  appPassword: string;
  displayName?: string;
  followersCount?: number;
}

/** Write points per account (rate-limits.md): CREATE 3, UPDATE 2, DELETE 1; 5,000 an hour and 35,000 a day. */
export interface BlueskyWritePoints { perHour: number; perDay: number; create: number; update: number; delete: number }

export interface BlueskySandboxOptions {
  /** Accounts that can log in; the first is the default. Handles of other accounts resolve too (for mentions). */
  accounts?: BlueskySandboxAccount[];
  /** accessJwt lifetime: "a few minutes" [OFF]; ~2 h in the reference PDS [UNCONF]. */
  accessJwtSeconds?: number;
  /** refreshJwt lifetime: "lasts longer" [OFF]; ~90 days in the reference PDS [UNCONF]. */
  refreshJwtSeconds?: number;
  /** createSession per account: 30 per 5 minutes and 300 per day [OFF]. */
  sessionsPer5Min?: number;
  sessionsPerDay?: number;
  writePoints?: Partial<BlueskyWritePoints>;
  /** Names of the IETF-draft rate-limit headers [UNCONF]: limit, remaining, reset (epoch seconds), policy. */
  rateLimitHeaders?: { limit: string; remaining: string; reset: string; policy: string };
  /** Wrong identifier or password [UNCONF: 401 AuthenticationRequired "Invalid identifier or password"]. */
  badPasswordError?: { status: number; error: string; message: string };
  /** app.bsky.embed.images: each image ≤ 1,000,000 bytes [OFF lexicon]. */
  maxImageBytes?: number;
  /** The PDS's blob cap (50 MB) [OFF]. */
  maxBlobBytes?: number;
  /** app.bsky.embed.video: one video/mp4 blob ≤ 100,000,000 bytes [OFF lexicon] (the blob cap applies first). */
  maxVideoBytes?: number;
  /** Unreferenced blobs are deleted "after a time window" [OFF]; how long is UNCONFIRMED (default 1 hour). */
  blobTtlSeconds?: number;
  /** app.bsky.feed.post text: ≤ 300 graphemes and ≤ 3,000 UTF-8 bytes [OFF lexicon]. */
  maxGraphemes?: number;
  maxTextBytes?: number;
}

export type ResolvedBlueskySandboxOptions = Required<Omit<BlueskySandboxOptions, 'writePoints'>> & { writePoints: BlueskyWritePoints };

export const DEFAULT_BLUESKY_ACCOUNT: BlueskySandboxAccount = {
  did: 'did:plc:sandboxalice000000000000', handle: 'alice.sandbox.test', email: 'alice@sandbox.test',
  appPassword: 'abcd-efgh-ijkl-mnop', displayName: 'Alice (sandbox)', followersCount: 42,
};
/** A second account, so mentions have someone to resolve to. */
export const SECOND_BLUESKY_ACCOUNT: BlueskySandboxAccount = {
  did: 'did:plc:sandboxbob00000000000000', handle: 'bob.sandbox.test', appPassword: 'bbbb-cccc-dddd-eeee', displayName: 'Bob (sandbox)', followersCount: 7,
};

export function resolveBlueskySandboxOptions(o: BlueskySandboxOptions = {}): ResolvedBlueskySandboxOptions {
  return {
    accounts: o.accounts ?? [DEFAULT_BLUESKY_ACCOUNT, SECOND_BLUESKY_ACCOUNT],
    accessJwtSeconds: o.accessJwtSeconds ?? 7200,
    refreshJwtSeconds: o.refreshJwtSeconds ?? 90 * 86_400,
    sessionsPer5Min: o.sessionsPer5Min ?? 30,
    sessionsPerDay: o.sessionsPerDay ?? 300,
    writePoints: { perHour: 5000, perDay: 35_000, create: 3, update: 2, delete: 1, ...o.writePoints },
    rateLimitHeaders: o.rateLimitHeaders ?? { limit: 'ratelimit-limit', remaining: 'ratelimit-remaining', reset: 'ratelimit-reset', policy: 'ratelimit-policy' },
    badPasswordError: o.badPasswordError ?? { status: 401, error: 'AuthenticationRequired', message: 'Invalid identifier or password' },
    maxImageBytes: o.maxImageBytes ?? 1_000_000,
    maxBlobBytes: o.maxBlobBytes ?? 50_000_000,
    maxVideoBytes: o.maxVideoBytes ?? 100_000_000,
    blobTtlSeconds: o.blobTtlSeconds ?? 3600,
    maxGraphemes: o.maxGraphemes ?? 300,
    maxTextBytes: o.maxTextBytes ?? 3000,
  };
}
