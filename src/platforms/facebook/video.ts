// A regular Page video through the Video API on the graph-video host (contract §5.3), its chunked upload protocol:
//   videoStart     prepare  upload_phase=start, file_size → upload_session_id, video_id, the first chunk's offsets
//                           (an upload session publishes nothing by itself)
//   videoTransfer  transfer upload_phase=transfer: each chunk Facebook asks for (start_offset..end_offset) as multipart
//                           `video_file_chunk`; heartbeats the next offset and resumes from it on retry
//   videoFinish    commit   upload_phase=finish with the description: the irreversible call
//   videoStatus    await    the video's status until publishing_phase is complete (reel.ts reads it the same way)
// A video Facebook can fetch (a URL) needs no session: one `file_url` call is the commit (videoFromUrl).
// Session ids and offsets live in PublishState; they are not secrets (every call needs the Page token).
import { PublishError, type Json, type PublishContext, type StepOutcome } from '../provider.js';
import { publishErrorFrom } from '../instagram/errors.js';
import type { MetaGraph } from '../instagram/http.js';
import type { ResolvedFacebookOptions } from './options.js';

interface ChunkAnswer { start_offset?: unknown; end_offset?: unknown; upload_session_id?: unknown; video_id?: unknown; success?: unknown; id?: unknown; error?: unknown }

const idOf = (x: unknown): string | undefined => (typeof x === 'string' && x ? x : typeof x === 'number' ? String(x) : undefined);
const offsetOf = (x: unknown): number | undefined => {
  const n = typeof x === 'string' ? Number(x) : x;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
};

async function readRange(open: NonNullable<PublishContext['media'][number]['open']>, start: number, end: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of open({ start, end: end - 1 })) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export function videoSteps(graph: MetaGraph, options: ResolvedFacebookOptions): Record<string, (ctx: PublishContext) => Promise<StepOutcome>> {
  const waits = { rateLimitWaitMs: options.rateLimitWaitMs, publishingWindowMs: options.rateLimitWaitMs };
  const url = (ctx: PublishContext) => `${options.videoBaseUrl}/${options.graphVersion}/${encodeURIComponent(ctx.account.platformAccountId)}/videos`;

  /** One call to the videos edge, form or multipart; a failure classified like every Graph call. */
  async function call(ctx: PublishContext, what: string, fields: Record<string, string>, commit: boolean, chunk?: Buffer): Promise<ChunkAnswer> {
    let body: URLSearchParams | FormData;
    if (chunk) {
      body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.set(k, v);
      body.set('video_file_chunk', new Blob([chunk]), 'chunk');
    } else {
      body = new URLSearchParams(fields);
    }
    let res: Response;
    try {
      res = await fetch(url(ctx), {
        method: 'POST', headers: { authorization: `Bearer ${ctx.account.accessToken}` }, body,
        signal: AbortSignal.any([AbortSignal.timeout(chunk ? options.uploadTimeoutMs : options.requestTimeoutMs), ctx.signal]),
      });
    } catch (err) {
      const refused = /ECONNREFUSED/.test(String((err as { cause?: unknown }).cause ?? ''));
      throw new PublishError(commit && !refused ? 'ambiguous' : 'transient', 'network_error', `${what} failed: ${err instanceof Error ? err.message : 'network error'}`);
    }
    const answer = (await res.json().catch(() => undefined)) as ChunkAnswer | undefined;
    if (res.ok && answer && !answer.error) return answer;
    throw publishErrorFrom(res.status, answer, res.headers.get('x-business-use-case-usage'), commit, what, waits);
  }

  return {
    async videoStart(ctx) {
      if (typeof ctx.state.data.uploadSessionId === 'string') return { type: 'continue', state: ctx.state };
      const size = ctx.media[0]?.sizeBytes;
      if (!size || !ctx.media[0]?.open) throw new PublishError('permanent', 'media_missing', 'the video has neither a URL nor stored bytes of known size');
      const a = await call(ctx, 'video upload start', { upload_phase: 'start', file_size: String(size) }, false);
      const session = idOf(a.upload_session_id);
      const videoId = idOf(a.video_id);
      const start = offsetOf(a.start_offset);
      const end = offsetOf(a.end_offset);
      if (!session || !videoId || start === undefined || end === undefined) throw new PublishError('transient', 'invalid_response', 'video upload start answered without a session, video id or offsets');
      return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, uploadSessionId: session, videoId, nextChunk: [start, end] } } };
    },

    async videoTransfer(ctx) {
      const media = ctx.media[0]!;
      const session = String(ctx.state.data.uploadSessionId);
      // Resume where the last acknowledged chunk left off (the heartbeat), else where the session started.
      const resumed = Array.isArray(ctx.progress) ? ctx.progress : undefined;
      let [start, end] = (resumed ?? ctx.state.data.nextChunk) as [number, number];
      while (start < end) {
        const chunk = await readRange(media.open!, start, end);
        const a = await call(ctx, `video chunk ${start}-${end - 1}`, { upload_phase: 'transfer', upload_session_id: session, start_offset: String(start) }, false, chunk);
        const s = offsetOf(a.start_offset);
        const e = offsetOf(a.end_offset);
        if (s === undefined || e === undefined) throw new PublishError('transient', 'invalid_response', 'video chunk answered without offsets');
        [start, end] = [s, e];
        ctx.heartbeat([start, end] as Json);
      }
      return { type: 'continue', state: ctx.state };
    },

    async videoFinish(ctx) {
      const a = await call(ctx, 'video publish', {
        upload_phase: 'finish', upload_session_id: String(ctx.state.data.uploadSessionId), ...(ctx.text ? { description: ctx.text } : {}),
      }, true);
      if (a.success !== true) throw new PublishError('ambiguous', 'invalid_response', 'video publish answered without success');
      return { type: 'continue', state: { ...ctx.state, platformPostId: String(ctx.state.data.videoId) } };
    },

    async videoFromUrl(ctx) {
      const a = await call(ctx, 'video publish', { file_url: ctx.media[0]!.url!, ...(ctx.text ? { description: ctx.text } : {}) }, true);
      const id = idOf(a.id);
      if (!id) throw new PublishError('ambiguous', 'invalid_response', 'video publish answered without a video id');
      return { type: 'continue', state: { ...ctx.state, platformPostId: id, data: { ...ctx.state.data, videoId: id } } };
    },
  };
}
