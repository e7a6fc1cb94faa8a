// Publishing to the testbed as four steps:
//   validate (prepare)  GET /v1/me: the token works before any byte is sent.
//   upload   (transfer) only when some media item is a stored file: each is sent to a resumable upload in chunks,
//                       heartbeating { mediaIndex, uploadId, nextOffset, uploadIds } after every chunk. A retry resumes
//                       from that progress, but takes the exact offset from the server (GET /v1/uploads/:id), since
//                       the last chunk may have landed after the last heartbeat. An expired upload starts afresh.
//   create   (commit)   POST /v1/posts with client_ref = target id, so reconcile can find the post if the answer
//                       is lost. The post id (a 19-digit number) is only ever handled as a string. The testbed does
//                       not deduplicate on client_ref and states no deadline for a request, so a lookup that finds
//                       nothing proves absence only after the settle window (a slow request may still land).
//   status   (await)    GET /v1/posts/:id until published or failed.
import { PublishError, type Json, type MediaSource, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type SettleWindowOptions, type StepOutcome } from '../provider.js';
import { TestbedHttpError, type TestbedHttp } from './http.js';

export interface TestbedPublishConfig {
  chunkSizeBytes: number;
  pollIntervalMs: number;
  /** Per-chunk request timeout (a chunk of several MB can take longer than an API call). */
  chunkTimeoutMs: number;
  settleWindow: SettleWindowOptions;
}

interface UploadProgress {
  mediaIndex: number;
  uploadId: string | null;
  nextOffset: number;
  uploadIds: (string | null)[];
}

interface UploadSession {
  id: string;
  url: string;
  offset: number;
}

interface UploadStatus {
  upload_id: string;
  upload_url: string;
  received_bytes: number;
  size: number;
  complete: boolean;
}

interface RemotePost {
  id: string;
  status: 'processing' | 'published' | 'failed' | string;
  permalink?: string;
  fail_reason?: string;
  client_ref?: string | null;
}

/** Reads heartbeat details defensively: they come back from Temporal as whatever was stored. */
function readProgress(raw: Json | undefined, mediaCount: number): UploadProgress | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { mediaIndex, uploadId, nextOffset, uploadIds } = raw as Record<string, Json>;
  if (typeof mediaIndex !== 'number' || !Array.isArray(uploadIds) || uploadIds.length !== mediaCount) return undefined;
  return {
    mediaIndex,
    uploadId: typeof uploadId === 'string' ? uploadId : null,
    nextOffset: typeof nextOffset === 'number' ? nextOffset : 0,
    uploadIds: uploadIds.map((u) => (typeof u === 'string' ? u : null)),
  };
}

async function measure(media: MediaSource): Promise<number> {
  let n = 0;
  for await (const chunk of media.open!() as AsyncIterable<Buffer>) n += chunk.length;
  return n;
}

export function createTestbedPublish(http: TestbedHttp, config: TestbedPublishConfig): PublishProvider {
  async function uploadStatus(id: string, ctx: PublishContext): Promise<UploadStatus | undefined> {
    try {
      const { body } = await http.call<UploadStatus>({ method: 'GET', path: `/v1/uploads/${encodeURIComponent(id)}`, token: ctx.account.accessToken, signal: ctx.signal });
      return body;
    } catch (err) {
      if (err instanceof TestbedHttpError && (err.status === 404 || err.status === 410)) return undefined;
      throw err;
    }
  }

  async function openUpload(media: MediaSource, size: number, ctx: PublishContext): Promise<UploadSession> {
    const { body } = await http.call<{ upload_id: string; upload_url: string }>({
      method: 'POST', path: '/v1/uploads', token: ctx.account.accessToken, signal: ctx.signal,
      json: { size, content_type: media.contentType },
    });
    return { id: body.upload_id, url: body.upload_url, offset: 0 };
  }

  /** Sends one media item, resuming `resumeId` when the server still has it. Returns the completed upload id. */
  async function uploadOne(index: number, media: MediaSource, resumeId: string | null, uploadIds: (string | null)[], ctx: PublishContext): Promise<string> {
    const size = media.sizeBytes ?? await measure(media);
    if (size <= 0) throw new PublishError('permanent', 'media_empty', `media ${index} is empty`);
    const beat = (s: UploadSession) => ctx.heartbeat({ mediaIndex: index, uploadId: s.id, nextOffset: s.offset, uploadIds: [...uploadIds] });

    let session: UploadSession | undefined;
    if (resumeId) {
      const st = await uploadStatus(resumeId, ctx);
      if (st && st.size === size) session = { id: st.upload_id, url: st.upload_url, offset: st.received_bytes };
    }
    if (!session) {
      session = await openUpload(media, size, ctx);
      beat(session);
    }

    let resyncs = 0;
    let restarts = 0;
    while (session.offset < size) {
      const start = session.offset;
      const end = Math.min(start + config.chunkSizeBytes, size) - 1;
      try {
        const { body } = await http.call<{ received_bytes: number }>({
          method: 'PUT',
          path: session.url,
          stream: media.open!({ start, end }),
          headers: { 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1), 'content-type': media.contentType },
          signal: ctx.signal,
          timeoutMs: config.chunkTimeoutMs,
        });
        session.offset = typeof body?.received_bytes === 'number' ? body.received_bytes : end + 1;
        resyncs = 0;
      } catch (err) {
        if (!(err instanceof TestbedHttpError)) throw err;
        const gone = err.status === 404 || err.status === 410;
        if (err.code === 'invalid_content_range' && resyncs < 3) {
          // The server holds another offset than we do (an earlier chunk's answer was lost): ask it where to go on.
          resyncs += 1;
          const st = await uploadStatus(session.id, ctx);
          if (st) {
            session.offset = st.received_bytes;
            beat(session);
            continue;
          }
          // The upload vanished meanwhile: start a fresh one below.
        } else if (!gone) {
          throw err;
        }
        if (restarts >= 2) throw err;
        restarts += 1;
        session = await openUpload(media, size, ctx);
      }
      beat(session);
    }
    return session.id;
  }

  async function upload(ctx: PublishContext): Promise<StepOutcome> {
    const progress = readProgress(ctx.progress, ctx.media.length);
    const uploadIds: (string | null)[] = progress?.uploadIds ?? ctx.media.map(() => null);
    for (const [i, media] of ctx.media.entries()) {
      // A media item with a URL is fetched by the platform itself; only stored files are sent.
      if (media.url || !media.open || uploadIds[i]) continue;
      const resumeId = progress && progress.mediaIndex === i ? progress.uploadId : null;
      uploadIds[i] = await uploadOne(i, media, resumeId, uploadIds, ctx);
      ctx.heartbeat({ mediaIndex: i + 1, uploadId: null, nextOffset: 0, uploadIds: [...uploadIds] });
    }
    return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, uploadIds } } };
  }

  async function create(ctx: PublishContext): Promise<StepOutcome> {
    const uploadIds = Array.isArray(ctx.state.data.uploadIds) ? ctx.state.data.uploadIds : [];
    const media = ctx.media.map((m, i) => {
      if (m.url) return { url: m.url };
      const id = uploadIds[i];
      if (typeof id !== 'string') throw new PublishError('permanent', 'upload_missing', `media ${i} was not uploaded before the create step`);
      return { upload_id: id };
    });
    const { body } = await http.call<{ id?: unknown }>({
      method: 'POST', path: '/v1/posts', token: ctx.account.accessToken, signal: ctx.signal, commit: true,
      json: { account_id: ctx.account.platformAccountId, text: ctx.text, media, client_ref: ctx.targetId },
    });
    if (typeof body?.id !== 'string' || body.id === '') {
      throw new PublishError('ambiguous', 'invalid_response', 'POST /v1/posts answered without a post id');
    }
    return { type: 'continue', state: { ...ctx.state, publishId: body.id } };
  }

  async function status(ctx: PublishContext): Promise<StepOutcome> {
    const id = ctx.state.publishId;
    if (!id) throw new PublishError('permanent', 'missing_publish_id', 'status step ran without a publish id');
    const { body } = await http.call<RemotePost>({ method: 'GET', path: `/v1/posts/${encodeURIComponent(id)}`, token: ctx.account.accessToken, signal: ctx.signal });
    if (body.status === 'published') {
      const state: PublishState = { ...ctx.state, platformPostId: String(body.id), ...(body.permalink ? { permalink: body.permalink } : {}) };
      return { type: 'published', state };
    }
    if (body.status === 'failed') {
      throw new PublishError('permanent', 'publish_failed', body.fail_reason ?? 'the platform rejected the post');
    }
    return { type: 'pending', state: ctx.state, pollAfterMs: config.pollIntervalMs, platformStatus: body.status };
  }

  return {
    plan(target): PublishStepSpec[] {
      const needsUpload = target.media.some((m) => !m.url);
      return [
        { name: 'validate', kind: 'prepare', status: 'preparing' },
        ...(needsUpload ? [{ name: 'upload', kind: 'transfer', status: 'uploading' } satisfies PublishStepSpec] : []),
        {
          name: 'create', kind: 'commit', status: 'submitting',
          absence: {
            kind: 'settle_window', ...config.settleWindow,
            basis: 'the testbed neither deduplicates on client_ref nor states a deadline for POST /v1/posts: a slow request may still create the post',
          },
        },
        { name: 'status', kind: 'await', status: 'processing' },
      ];
    },

    async runStep(step, ctx) {
      switch (step) {
        case 'validate':
          await http.call({ method: 'GET', path: '/v1/me', token: ctx.account.accessToken, signal: ctx.signal });
          return { type: 'continue', state: ctx.state };
        case 'upload':
          return upload(ctx);
        case 'create':
          return create(ctx);
        case 'status':
          return status(ctx);
        default:
          throw new PublishError('permanent', 'unknown_step', `testbed has no publish step ${step}`);
      }
    },

    async reconcile(step, ctx): Promise<ReconcileOutcome> {
      if (step !== 'create') return { type: 'unknown', evidence: `step ${step} is not a commit step of testbed` };
      let found: RemotePost[];
      try {
        const { body } = await http.call<{ data: RemotePost[] }>({
          method: 'GET', path: `/v1/posts?client_ref=${encodeURIComponent(ctx.targetId)}`, token: ctx.account.accessToken, signal: ctx.signal,
        });
        found = Array.isArray(body?.data) ? body.data : [];
      } catch (err) {
        // A lookup that may work on a second try is retried (by the activity); only a lookup that cannot work
        // (rejected, forbidden) leaves the outcome unknown.
        if (err instanceof PublishError && (err.kind === 'transient' || err.kind === 'rate_limited')) throw err;
        const reason = err instanceof PublishError ? `${err.kind}/${err.code}: ${err.message}` : String(err);
        return { type: 'unknown', evidence: `lookup by client_ref failed: ${reason}` };
      }
      const [first, ...others] = found;
      if (!first) return { type: 'not_applied' };
      const data = others.length > 0 ? { ...ctx.state.data, duplicatePublishIds: others.map((p) => String(p.id)) } : ctx.state.data;
      return { type: 'applied', state: { ...ctx.state, publishId: String(first.id), data } };
    },
  };
}
