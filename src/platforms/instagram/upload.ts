// The `upload` step (transfer): the bytes of uploaded videos, sent to the resumable containers created for them
// (§4.4): `POST {ruploadBaseUrl}/ig-api-upload/{graphVersion}/{container-id}` with `Authorization: OAuth <token>`,
// `offset`, `file_size` and the file streamed from storage (never buffered). One request per container carries the
// rest of the file from `offset`; success is `{"success":true,...}`, failure `{"debug_info":{"retriable",...}}`.
//
// Resuming. Meta documents the offset header but not how to learn where an interrupted upload stopped (§4.4, §7:
// UNCONFIRMED). Restarting from offset 0 is always correct, so it is the fallback for every doubt:
//   - a retry first asks the container's status (documented, §4.5): FINISHED means its bytes are in: skip it;
//   - with `resumeUploads` (default on) it then asks rupload itself: `GET` on the upload URL answering
//     `{"offset": n}` (how Meta's other rupload endpoints report progress; the sandbox implements it behind
//     `ruploadOffsetLookup`). Only a well-formed 0 ≤ n ≤ file size is trusted; n = file size means every byte is in.
//     Any other answer (404, an error body, no offset) → offset 0;
//   - a resumed request (offset > 0) that rupload refuses non-retriably is sent once more from offset 0;
//   - `resumeUploads: false` never asks: every retry restarts from 0.
// Heartbeats carry `{ done: [container ids fully uploaded], containerId, sent }`: `done` entries are trusted (rupload
// said success), `sent` is only what left this process (bytes in flight may never have arrived), shown as progress.
// The token goes in the Authorization header only; it is never heartbeated, logged or put in an error message.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { PublishError, type Json, type MediaSource, type PublishContext } from '../provider.js';
import type { ResolvedInstagramOptions } from './options.js';

export interface InstagramUploadOptions {
  /** Ask rupload how many bytes it has before re-sending after an interruption (see above). Default true. */
  resumeUploads?: boolean;
  /** Heartbeat at most this often while bytes flow. */
  uploadHeartbeatMs?: number;
}

export interface UploadJob {
  containerId: string;
  media: MediaSource;
  /** Names the media in messages, e.g. `media 0`. */
  label: string;
}

export interface UploadProgress {
  done: string[];
  containerId?: string;
  sent?: number;
}

export interface UploadDeps {
  options: ResolvedInstagramOptions & InstagramUploadOptions;
  /** The container's status_code (§4.5). */
  statusCode(ctx: PublishContext, containerId: string): Promise<string>;
}

interface RuploadFailure { debug_info?: { retriable?: unknown; type?: unknown; message?: unknown } }

export function readUploadProgress(raw: Json | undefined): UploadProgress | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { done, containerId, sent } = raw as Record<string, Json>;
  if (!Array.isArray(done) || !done.every((d) => typeof d === 'string')) return undefined;
  return {
    done: done as string[],
    ...(typeof containerId === 'string' ? { containerId } : {}),
    ...(typeof sent === 'number' ? { sent } : {}),
  };
}

export function ruploadUrl(options: ResolvedInstagramOptions, containerId: string): string {
  return `${options.ruploadBaseUrl}/ig-api-upload/${options.graphVersion}/${containerId}`;
}

/** Counts the bytes pulled from the file and reports them (throttled) as they go. */
class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly onBytes: (bytes: number) => void) { super(); }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes(this.bytes);
    cb(null, chunk);
  }
}

/** The inner `error.message` of rupload's debug_info (itself JSON text), else the text as is. */
function debugMessage(raw: unknown): string {
  if (typeof raw !== 'string') return 'no message';
  try {
    const inner = JSON.parse(raw) as { error?: { message?: unknown } };
    if (typeof inner.error?.message === 'string') return inner.error.message;
  } catch {
    // not JSON: the message is plain text
  }
  return raw;
}

export async function uploadStep(deps: UploadDeps, ctx: PublishContext, jobs: UploadJob[]): Promise<void> {
  const { options } = deps;
  const resume = options.resumeUploads ?? true;
  const beatEvery = options.uploadHeartbeatMs ?? 1000;
  const prior = readUploadProgress(ctx.progress);
  const done = new Set(prior?.done ?? []);
  const beat = (p: Omit<UploadProgress, 'done'> = {}) => ctx.heartbeat({ done: [...done], ...p } as Json);

  for (const job of jobs) {
    if (done.has(job.containerId)) continue;
    const { media } = job;
    if (!media.open) throw new PublishError('permanent', 'media_missing', `${job.label} has neither a public URL nor stored bytes`);
    const size = media.sizeBytes;
    if (size === undefined || !Number.isInteger(size) || size <= 0) {
      throw new PublishError('permanent', 'media_size_unknown', `${job.label}: the stored file's size is unknown or zero`);
    }
    let offset = 0;
    if (prior) {
      // A retry: an earlier attempt may have sent some or all of this file.
      const code = await deps.statusCode(ctx, job.containerId);
      if (code === 'FINISHED' || code === 'PUBLISHED') {
        done.add(job.containerId);
        beat();
        continue;
      }
      // EXPIRED can never take bytes again; ERROR is left to the status step, which reports Meta's reason.
      if (code === 'EXPIRED') throw new PublishError('permanent', 'container_expired', `the container for ${job.label} expired before its upload finished`);
      if (resume) offset = await receivedBytes(ctx, options, job.containerId, size);
    }
    if (offset < size) {
      try {
        await send(ctx, options, job, size, offset, beatEvery, (sent) => beat({ containerId: job.containerId, sent }));
      } catch (err) {
        if (!(offset > 0 && err instanceof PublishError && err.kind === 'permanent' && err.code.startsWith('rupload_'))) throw err;
        // rupload refused to continue where it said it was: the always-correct restart.
        await send(ctx, options, job, size, 0, beatEvery, (sent) => beat({ containerId: job.containerId, sent }));
      }
    }
    done.add(job.containerId);
    beat();
  }
}

/** rupload's count of bytes it holds for the container; 0 whenever the answer is not a trustworthy `{ offset }`. */
async function receivedBytes(ctx: PublishContext, options: ResolvedInstagramOptions, containerId: string, size: number): Promise<number> {
  try {
    const res = await fetch(ruploadUrl(options, containerId), {
      headers: { authorization: `OAuth ${ctx.account.accessToken}` },
      signal: AbortSignal.any([AbortSignal.timeout(options.requestTimeoutMs), ctx.signal]),
    });
    const body = (await res.json().catch(() => undefined)) as { offset?: unknown } | undefined;
    const n = res.ok ? body?.offset : undefined;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= size ? n : 0;
  } catch {
    if (ctx.signal.aborted) throw new PublishError('transient', 'cancelled', 'the upload was cancelled');
    return 0;
  }
}

async function send(
  ctx: PublishContext, options: ResolvedInstagramOptions, job: UploadJob, size: number, offset: number,
  beatEvery: number, onProgress: (sent: number) => void,
): Promise<void> {
  const what = `upload of ${job.label} (bytes ${offset}-${size - 1} of ${size})`;
  onProgress(offset);
  // The whole transfer may take long; what must not happen is a stall: no byte moving (or no answer after the last
  // one) for requestTimeoutMs aborts the request.
  const stall = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const idle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new DOMException('no progress', 'TimeoutError')), options.requestTimeoutMs);
  };
  let lastBeat = 0;
  const counter = new ByteCounter((n) => {
    idle();
    const now = Date.now();
    if (now - lastBeat >= beatEvery) {
      lastBeat = now;
      onProgress(offset + n);
    }
  });
  const file: Readable = job.media.open!({ start: offset, end: size - 1 });
  file.on('error', (e) => counter.destroy(e));
  file.pipe(counter);
  idle();
  let res: Response;
  try {
    res = await fetch(ruploadUrl(options, job.containerId), {
      method: 'POST',
      headers: {
        authorization: `OAuth ${ctx.account.accessToken}`,
        offset: String(offset),
        file_size: String(size),
        'content-type': 'application/octet-stream',
        'content-length': String(size - offset),
      },
      body: counter as unknown as RequestInit['body'],
      duplex: 'half',
      signal: AbortSignal.any([stall.signal, ctx.signal]),
    } as RequestInit & { duplex: 'half' });
  } catch (err) {
    clearTimeout(timer);
    file.destroy();
    const why = stall.signal.aborted ? 'stalled' : ctx.signal.aborted ? 'cancelled' : err instanceof Error ? (String((err as { cause?: unknown }).cause ?? '') || err.message) : 'network error';
    throw new PublishError('transient', 'rupload_network_error', `${what} failed: ${why}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw new PublishError('transient', 'rupload_network_error', `${what}: the answer was cut off`);
  } finally {
    clearTimeout(timer);
    file.destroy();
  }
  onProgress(offset + counter.bytes);
  let body: unknown;
  try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
  if (res.ok && (body as { success?: unknown } | undefined)?.success === true) return;

  const info = (body as RuploadFailure | undefined)?.debug_info;
  if (!info) {
    // No documented body (a proxy, a 5xx page): nothing says it was refused for good.
    throw new PublishError(res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429 ? 'permanent' : 'transient',
      `rupload_http_${res.status}`, `${what} answered ${res.status} without a debug_info body`);
  }
  const type = typeof info.type === 'string' ? info.type : 'unknown';
  const message = debugMessage(info.message);
  const failure = `${what} failed (${type}): ${message}`;
  // The token was refused: the account workflow refreshes it and the step runs once more.
  if (/unauthorized user request/i.test(message)) throw new PublishError('auth', `rupload_${type}`, failure);
  throw new PublishError(info.retriable === true ? 'transient' : 'permanent', `rupload_${type}`, failure);
}
