// Settings of the YouTube provider (contract /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §3).
export interface YoutubeProviderOptions {
  clientId: string;
  clientSecret: string;
  /** Google's consent window host: `https://accounts.google.com` (or the sandbox's `/youtube`). */
  authBaseUrl: string;
  /** Google's token and revoke host: `https://oauth2.googleapis.com` (or the sandbox's `/youtube`). */
  tokenBaseUrl: string;
  /** API host for /youtube/v3 and /upload/youtube/v3: `https://www.googleapis.com` (or the sandbox's `/youtube`). */
  apiBaseUrl: string;
  scopes?: string[];
  /** Bytes per uploaded chunk: a multiple of 256 KiB (§3.5; Google's clients default to 10 MiB, Postiz uses 8 MiB). */
  chunkBytes?: number;
  /** §3.9: the project's daily units for every method but videos.insert (10,000). */
  dailyQuotaUnits?: number;
  /** §3.9: the project's daily videos.insert calls (current docs: its own bucket of 100, cost 1 each). */
  dailyUploads?: number;
  /** §3.9: units one upload draws from the daily units too (0 in the current model; 1,600 in the legacy one). */
  uploadCostUnits?: number;
  /** How often an await step asks whether processing is over. */
  processingPollMs?: number;
  requestTimeoutMs?: number;
  /** Per chunk: a chunk of 8 MiB on a slow line takes a while. */
  chunkTimeoutMs?: number;
}

const SCOPE = 'https://www.googleapis.com/auth/';
/**
 * §3.1: upload videos, read them (processing, statistics) and the channel back, and `youtube` for videos.update and
 * videos.delete (a staged video's publishAt moved, or the video removed when the post is cancelled or edited).
 */
export const YOUTUBE_SCOPES = [`${SCOPE}youtube.upload`, `${SCOPE}youtube.readonly`, `${SCOPE}youtube`];
export const UPLOAD_SCOPE = `${SCOPE}youtube.upload`;

export type ResolvedYoutubeOptions = Required<YoutubeProviderOptions>;

export const CHUNK_MULTIPLE = 256 * 1024;

export function resolveYoutubeOptions(o: YoutubeProviderOptions): ResolvedYoutubeOptions {
  const chunkBytes = o.chunkBytes ?? 8 * 1024 * 1024;
  if (chunkBytes % CHUNK_MULTIPLE !== 0) throw new Error(`YouTube chunks must be a multiple of ${CHUNK_MULTIPLE} bytes (got ${chunkBytes})`);
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    authBaseUrl: o.authBaseUrl.replace(/\/+$/, ''),
    tokenBaseUrl: o.tokenBaseUrl.replace(/\/+$/, ''),
    apiBaseUrl: o.apiBaseUrl.replace(/\/+$/, ''),
    scopes: o.scopes ?? YOUTUBE_SCOPES,
    chunkBytes,
    dailyQuotaUnits: o.dailyQuotaUnits ?? 10_000,
    dailyUploads: o.dailyUploads ?? 100,
    uploadCostUnits: o.uploadCostUnits ?? 0,
    processingPollMs: o.processingPollMs ?? 15_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    chunkTimeoutMs: o.chunkTimeoutMs ?? 10 * 60_000,
  };
}
