// Options of the simulated Google OAuth + YouTube Data API v3 (contract:
// /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §3). Every point the contract marks UNCONFIRMED is an
// option here, defaulting to its suggestion.
import type { ConsentMode } from '../../core/consent-page.js';

export const YOUTUBE_SANDBOX_CLIENT_ID = 'sandbox-youtube-client.apps.googleusercontent.com';
export const YOUTUBE_SANDBOX_CLIENT_SECRET = 'sandbox-youtube-secret';

export interface YoutubeSandboxChannel {
  /** `UC…` */
  id: string;
  title: string;
  customUrl: string;
  subscriberCount: number;
  /** Scopes the consent grants; default: everything asked for. */
  grantedScopes?: string[];
}

/** Quota cost of each simulated method (§3.9: current docs; update/delete/thumbnails 50 UNCONFIRMED). */
export type YoutubeMethod = 'videos.insert' | 'videos.list' | 'videos.update' | 'videos.delete' | 'thumbnails.set' | 'channels.list' | 'playlistItems.list';
export const DEFAULT_YOUTUBE_COSTS: Record<YoutubeMethod, number> = {
  'videos.insert': 1, 'videos.list': 1, 'videos.update': 50, 'videos.delete': 50, 'thumbnails.set': 50, 'channels.list': 1, 'playlistItems.list': 1,
};

export interface YoutubeSandboxOptions {
  clientId?: string;
  clientSecret?: string;
  channel?: YoutubeSandboxChannel;
  /** `auto` approves a valid authorize request at once; `page` answers a consent page (Allow / Deny). */
  consent?: ConsentMode;
  /** The consent window answers error=access_denied. */
  denyLogin?: boolean;
  /** §3.2: access tokens live about an hour (expires_in 3599). */
  accessTokenSeconds?: number;
  /**
   * §3.3: an app in "Testing" publishing status (External users) gets refresh tokens that expire after 7 days
   * (`invalid_grant`); `production` refresh tokens do not expire on their own. Default `production`.
   */
  publishingStatus?: 'testing' | 'production';
  /** §3.3: lifetime of a Testing app's refresh tokens (7 days). */
  testingRefreshTokenSeconds?: number;
  /** Authorization codes: single use, this long (Google's lifetime UNCONFIRMED; 10 minutes). */
  codeTtlSeconds?: number;
  /** §3.5: how long a resumable session stays usable (UNCONFIRMED; Google says about a week). Then PUTs answer 404. */
  sessionSeconds?: number;
  /** §3.5: chunks other than the last must be multiples of this (256 KiB). */
  chunkMultiple?: number;
  /**
   * §3.5 "do not assume the whole chunk was accepted": a chunk cut short keeps the bytes received up to the last
   * whole `chunkMultiple` (UNCONFIRMED granularity); `false` keeps nothing of it.
   */
  keepPartialChunks?: boolean;
  /** How long processing takes after the upload completes (uploadStatus `uploaded` → `processed`). */
  processingMs?: number;
  /**
   * §3.9 current model: 10,000 units per project per Pacific day for every method but videos.insert (and
   * search.list), which have their own bucket of 100 calls.
   */
  dailyQuotaUnits?: number;
  /** §3.9: the videos.insert bucket (100 a day). `null`: the legacy model, inserts draw `costs['videos.insert']` units (1,600) from the shared pool. */
  dailyUploads?: number | null;
  costs?: Partial<Record<YoutubeMethod, number>>;
}

export type ResolvedYoutubeSandboxOptions = Required<Omit<YoutubeSandboxOptions, 'costs' | 'dailyUploads'>> & {
  dailyUploads: number | null;
  costs: Record<YoutubeMethod, number>;
};

export const DEFAULT_YOUTUBE_CHANNEL: YoutubeSandboxChannel = {
  id: 'UCsandboxHeraldChannel0001', title: 'Sandbox Channel', customUrl: '@sandboxchannel', subscriberCount: 1234,
};

export function resolveYoutubeSandboxOptions(o: YoutubeSandboxOptions = {}): ResolvedYoutubeSandboxOptions {
  return {
    clientId: o.clientId ?? YOUTUBE_SANDBOX_CLIENT_ID,
    clientSecret: o.clientSecret ?? YOUTUBE_SANDBOX_CLIENT_SECRET,
    channel: o.channel ?? DEFAULT_YOUTUBE_CHANNEL,
    consent: o.consent ?? 'auto',
    denyLogin: o.denyLogin ?? false,
    accessTokenSeconds: o.accessTokenSeconds ?? 3599,
    publishingStatus: o.publishingStatus ?? 'production',
    testingRefreshTokenSeconds: o.testingRefreshTokenSeconds ?? 7 * 86_400,
    codeTtlSeconds: o.codeTtlSeconds ?? 600,
    sessionSeconds: o.sessionSeconds ?? 7 * 86_400,
    chunkMultiple: o.chunkMultiple ?? 256 * 1024,
    keepPartialChunks: o.keepPartialChunks ?? true,
    processingMs: o.processingMs ?? 1000,
    dailyQuotaUnits: o.dailyQuotaUnits ?? 10_000,
    dailyUploads: o.dailyUploads === undefined ? 100 : o.dailyUploads,
    costs: { ...DEFAULT_YOUTUBE_COSTS, ...(o.dailyUploads === null ? { 'videos.insert': 1600 } : {}), ...o.costs },
  };
}
