// What the TikTok steps keep in PublishState.data (Temporal history: no tokens). The upload_url is there between
// init and upload because TikTok offers no way to ask for it again; it is a capability URL for one unfinished
// upload, dead after 1 h, and the upload step drops it from the state it returns.
import { PublishError, type Json, type PublishState } from '../provider.js';
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

export function uploadSessionOf(state: PublishState): UploadSession {
  if (!state.publishId) throw new PublishError('permanent', 'missing_publish_id', 'the upload step ran without a publish id');
  const at = str(state.data.uploadUrlExpiresAt);
  return { publishId: state.publishId, uploadUrl: str(state.data.uploadUrl), expiresAt: at ? Date.parse(at) : undefined };
}

export function shapeOf(state: PublishState): Partial<PublishShape> {
  const d = state.data;
  const out: Partial<PublishShape> = {};
  if (d.mode === 'direct' || d.mode === 'inbox') out.mode = d.mode;
  if (d.mediaType === 'VIDEO' || d.mediaType === 'PHOTO') out.mediaType = d.mediaType;
  if (d.source === 'FILE_UPLOAD' || d.source === 'PULL_FROM_URL') out.source = d.source;
  return out;
}

/** State after the upload: the upload_url and its expiry are of no further use and leave the state. */
export function withoutUploadUrl(state: PublishState, publishId: string): PublishState {
  const { uploadUrl: _url, uploadUrlExpiresAt: _at, ...data } = state.data;
  return { ...state, publishId, data };
}
