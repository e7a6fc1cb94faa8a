// The `upload` step (transfer, FILE_UPLOAD only): the chunks of the init's plan, PUT in order to the upload_url
// (§1.12) with exact Content-Range / Content-Length / Content-Type, bytes streamed from the stored file (never
// buffered). After every accepted chunk it heartbeats `{ nextChunk, publishId }`.
//
// Resuming (ctx.progress from a previous attempt): the last heartbeat may lag the truth (a chunk can land after
// it), so TikTok's status (`uploaded_bytes`) decides where to go on; a chunk TikTok has is never sent again. A
// 416 (out of step) re-reads that position the same way.
//
// Re-initialising: a 403 (upload_url expired, 1 h) or 404 (task gone) means this publish can never receive its
// bytes. A FILE_UPLOAD publish without all its bytes never posts, so a fresh init is safe: it yields a new
// publish_id and upload_url, and the upload starts over. If an earlier attempt re-initialised and died, its
// publish id is in the heartbeat (its upload_url never is: upload URLs live in the target's sealed secrets): when
// that publish already has every byte it is the one that will post, and the step continues with it; otherwise it
// is abandoned likewise.
import { PublishError, type Json, type PublishContext, type StepOutcome } from '../provider.js';
import { chunkAfter, chunkRange, type ChunkPlan } from './chunk-plan.js';
import { TiktokHttpError } from './http.js';
import { initPublish, keepUploadUrl, stateAfterInit } from './init.js';
import { chunkPlanOf, uploadSessionOf, uploadUrlSecret, withoutUploadUrl, type UploadSession } from './publish-state.js';
import { failureFor, fetchStatus, type PublishStatus } from './status.js';
import { shapeFor, type StepDeps } from './step-context.js';

export interface UploadProgress {
  nextChunk: number;
  publishId: string;
}

const MAX_RESYNCS = 3;
const MAX_REINITS = 2;

export function readUploadProgress(raw: Json | undefined): UploadProgress | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { nextChunk, publishId } = raw as Record<string, Json>;
  if (typeof nextChunk !== 'number' || !Number.isInteger(nextChunk) || nextChunk < 0 || typeof publishId !== 'string') return undefined;
  return { nextChunk, publishId };
}

/** TikTok has every byte (or has moved past the upload): nothing more to send for this publish. */
function uploadComplete(st: PublishStatus, plan: ChunkPlan): boolean {
  return st.status !== 'PROCESSING_UPLOAD' || (st.uploadedBytes ?? 0) >= plan.videoSize;
}

/** Where TikTok's count says to go on; falls back to `fallback` when the count is not on a chunk boundary. */
function resumePoint(st: PublishStatus, plan: ChunkPlan, fallback: number): number {
  return chunkAfter(plan, st.uploadedBytes ?? 0) ?? fallback;
}

export async function uploadStep(deps: StepDeps, ctx: PublishContext): Promise<StepOutcome> {
  const media = ctx.media[0];
  if (!media?.open) throw new PublishError('permanent', 'media_missing', 'the TikTok upload step needs a stored video file');
  const shape = shapeFor(ctx, deps);
  let state = ctx.state;
  let plan = chunkPlanOf(state);
  let session: UploadSession = await uploadSessionOf(state, ctx.secrets);
  let next = 0;
  let reinits = 0;

  const reinit = async () => {
    if (reinits >= MAX_REINITS) throw new PublishError('transient', 'upload_reinit_limit', `gave up re-initialising the upload after ${MAX_REINITS} fresh inits in one attempt`);
    reinits += 1;
    const result = await initPublish(deps, ctx, false);
    await keepUploadUrl(ctx, result);
    state = stateAfterInit(state, shape, result);
    plan = chunkPlanOf(state);
    session = await uploadSessionOf(state, ctx.secrets);
    next = 0;
    ctx.heartbeat({ nextChunk: 0, publishId: session.publishId });
  };
  const done = async (publishId: string): Promise<StepOutcome> => {
    // The upload URLs are of no further use: out of Postgres too.
    await Promise.all([...new Set([ctx.state.publishId, session.publishId, publishId])].flatMap((id) => (id ? [ctx.secrets.delete(uploadUrlSecret(id))] : [])));
    return { type: 'continue', state: withoutUploadUrl(state, publishId) };
  };
  /** Status of a publish that may not exist (anymore): a permanent answer such as invalid_publish_id means gone. */
  const statusOrUndefined = (publishId: string) => fetchStatus(deps, ctx, publishId).catch((err: unknown) => {
    if (err instanceof TiktokHttpError && err.kind === 'permanent') return undefined;
    throw err;
  });

  const progress = readUploadProgress(ctx.progress);
  if (progress && progress.publishId !== session.publishId) {
    // An earlier attempt re-initialised; only TikTok knows how far that publish got.
    const st = await statusOrUndefined(progress.publishId);
    if (st && uploadComplete(st, plan)) return done(progress.publishId);
    await reinit();
  } else if (progress) {
    const st = await fetchStatus(deps, ctx, session.publishId);
    if (uploadComplete(st, plan)) return done(session.publishId);
    next = resumePoint(st, plan, progress.nextChunk);
  }
  if (!session.uploadUrl || (session.expiresAt !== undefined && session.expiresAt <= Date.now())) await reinit();

  for (let resyncs = 0; next < plan.totalChunkCount;) {
    const { start, end } = chunkRange(plan, next);
    try {
      await deps.http.put(session.uploadUrl!, media.open({ start, end }), {
        'content-type': media.contentType,
        'content-length': String(end - start + 1),
        'content-range': `bytes ${start}-${end}/${plan.videoSize}`,
      }, ctx.signal, deps.options.chunkTimeoutMs);
      next += 1;
      resyncs = 0;
      ctx.heartbeat({ nextChunk: next, publishId: session.publishId });
    } catch (err) {
      if (!(err instanceof TiktokHttpError)) throw err;
      if (err.status === 416 && resyncs < MAX_RESYNCS) {
        // Out of step with TikTok (an earlier chunk's answer was lost): ask where it stands.
        resyncs += 1;
        const st = await fetchStatus(deps, ctx, session.publishId);
        if (uploadComplete(st, plan)) break;
        next = resumePoint(st, plan, next);
        ctx.heartbeat({ nextChunk: next, publishId: session.publishId });
        continue;
      }
      if (err.status === 403 || err.status === 404) {
        // Unless TikTok failed the publish (its verdict stands), the task is merely gone: start a fresh one.
        const st = await statusOrUndefined(session.publishId);
        if (st?.status === 'FAILED') throw failureFor(st);
        await reinit();
        continue;
      }
      throw err;
    }
  }
  return done(session.publishId);
}
