// What the TikTok steps keep in PublishState.data (Temporal history: no tokens, no capabilities). The upload_url,
// which TikTok hands out once and offers no way to ask for again, is a capability URL for one unfinished upload
// (dead after 1 h): it goes from init to upload through PublishContext.secrets (sealed in Postgres by target), and
// only its expiry is in the state. The upload step deletes it when done.
import { PublishError, type Json, type PublishState, type TargetSecrets } from '../provider.js';
import type { ChunkPlan } from './chunk-plan.js';
import type { PublishShape } from './target-options.js';

export interface CreatorFacts {
  creatorUsername?: string;
  creatorCommentDisabled?: boolean;
  creatorDuetDisabled?: boolean;
  creatorStitchDisabled?: boolean;
}

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const bool = (v: Json | undefined): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

export function creatorFacts(state: PublishState): CreatorFacts {
  const d = state.data;
  const out: CreatorFacts = {};
  const username = str(d.creatorUsername);
  if (username) out.creatorUsername = username;
  const c = bool(d.creatorCommentDisabled);
  if (c !== undefined) out.creatorCommentDisabled = c;
  const du = bool(d.creatorDuetDisabled);
  if (du !== undefined) out.creatorDuetDisabled = du;
  const st = bool(d.creatorStitchDisabled);
  if (st !== undefined) out.creatorStitchDisabled = st;
  return out;
}

export function chunkPlanOf(state: PublishState): ChunkPlan {
  const d = state.data;
  const videoSize = num(d.videoSize);
  const chunkSize = num(d.chunkSize);
  const totalChunkCount = num(d.totalChunkCount);
  if (videoSize === undefined || chunkSize === undefined || totalChunkCount === undefined) {
    throw new PublishError('permanent', 'missing_chunk_plan', 'the upload step ran without the chunk plan of the init step');
  }
  return { videoSize, chunkSize, totalChunkCount };
}

export interface UploadSession {
  publishId: string;
  uploadUrl: string | undefined;
  /** Epoch ms. */
  expiresAt: number | undefined;
}

/** Name of a publish's upload_url in PublishContext.secrets (by publish id: a re-init's URL never stands in for another's). */
export const uploadUrlSecret = (publishId: string) => `uploadUrl:${publishId}`;

/** The publish to upload to: ids and expiry from the state, the upload_url from the target's secrets. */
export async function uploadSessionOf(state: PublishState, secrets: TargetSecrets): Promise<UploadSession> {
  if (!state.publishId) throw new PublishError('permanent', 'missing_publish_id', 'the upload step ran without a publish id');
  const at = str(state.data.uploadUrlExpiresAt);
  return { publishId: state.publishId, uploadUrl: await secrets.get(uploadUrlSecret(state.publishId)), expiresAt: at ? Date.parse(at) : undefined };
}

export function shapeOf(state: PublishState): Partial<PublishShape> {
  const d = state.data;
  const out: Partial<PublishShape> = {};
  if (d.mode === 'direct' || d.mode === 'inbox') out.mode = d.mode;
  if (d.mediaType === 'VIDEO' || d.mediaType === 'PHOTO') out.mediaType = d.mediaType;
  if (d.source === 'FILE_UPLOAD' || d.source === 'PULL_FROM_URL') out.source = d.source;
  return out;
}

/** State after the upload: the upload_url's expiry is of no further use and leaves the state. */
export function withoutUploadUrl(state: PublishState, publishId: string): PublishState {
  const { uploadUrlExpiresAt: _at, ...data } = state.data;
  return { ...state, publishId, data };
}
